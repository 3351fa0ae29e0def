//! End to end: the folder screens (issue 17; the commands for scripts are in folder.rs) through
//! the real binary in a pseudo-terminal against a real OpenBao, checked with the `bao` CLI: a
//! copy with a conflict where the user chooses skip, Esc in the middle of a 2,000-secret copy
//! (whole secrets only, the report matching the server), and a tree deleted only once its path
//! is typed.

use crate::support;

use serde_json::{Value, json};
use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::{bao_json, dev_server, root_client, seed_kv2_tree, write_when_ready};
use tresor::devserver::DevServer;

fn kv_get(server: &DevServer, path: &str) -> Value {
    bao_json(
        server,
        &["kv", "get", "-format=json", "-mount=secret", path],
    )["data"]
        .clone()
}

/// The paths below `folder` (`secret/app/`) as `bao kv list` sees them, recursively.
fn kv_tree(server: &DevServer, folder: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![folder.trim_start_matches("secret/").to_string()];
    while let Some(path) = pending.pop() {
        let out = server
            .bao(
                &["kv", "list", "-format=json", "-mount=secret", &path],
                None,
            )
            .unwrap_or_else(|_| "[]".into());
        let keys: Vec<String> = serde_json::from_str(&out).unwrap_or_default();
        for key in keys {
            let full = format!("{path}{key}");
            if key.ends_with('/') {
                pending.push(full);
            } else {
                found.push(full);
            }
        }
    }
    found.sort();
    found
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// A dev server with `secret/app/` (odd names) and one secret already at the copy's target.
fn server_with_app() -> DevServer {
    let server = dev_server();
    let client = root_client(&server);
    runtime().block_on(async {
        for (path, data) in [
            ("app/db", json!({"user": "app", "password": "hunter2"})),
            ("app/支付/网关", json!({"api_key": "k-1"})),
            ("app/rocket 🚀", json!({"code": "1234"})),
            ("app-copy/db", json!({"user": "someone else"})),
        ] {
            write_when_ready(
                &client,
                &format!("secret/data/{path}"),
                &json!({ "data": data }),
            )
            .await;
        }
    });
    server
}

fn start(server: &DevServer) -> PtyApp {
    let sandbox = Sandbox::new().server(server).wait_for("secret/ kv v2");
    sandbox.spawn()
}

#[test]
fn copying_a_folder_onto_an_existing_secret_and_choosing_skip_leaves_it_intact() {
    let server = server_with_app();
    let mut app = start(&server);
    app.open("secret/app/");
    app.wait_for("支付/");
    app.send("c");
    app.wait_for("Target folder: secret/app-copy/");
    app.send("\r");
    let plan = app.wait_for("exist at the target");
    assert!(plan.contains("2 new · 1 exist at the target"), "{plan}");
    assert!(plan.contains("exists v1  db"), "{plan}");
    assert!(
        kv_tree(&server, "secret/app-copy/") == vec!["app-copy/db"],
        "nothing is written before the plan is confirmed"
    );
    // Skip is the default choice for existing targets.
    assert!(plan.contains("‹ skip them ›"), "{plan}");
    app.send("\r");
    let report = app.wait_for("Finished");
    assert!(
        report.contains("2 done · 1 skipped (exist) · 0 conflicts · 0 failed"),
        "{report}"
    );
    assert_eq!(
        kv_get(&server, "app-copy/db")["data"],
        json!({"user": "someone else"}),
        "the existing target is left as it was"
    );
    assert_eq!(
        kv_get(&server, "app-copy/支付/网关")["data"],
        json!({"api_key": "k-1"})
    );
    assert_eq!(
        kv_get(&server, "app-copy/rocket 🚀")["data"],
        json!({"code": "1234"})
    );
    // The tree shows the new folder once the report is closed.
    app.send("\x1b");
    app.wait_for("app-copy/");
}

#[test]
fn esc_in_the_middle_of_a_2000_secret_copy_leaves_whole_secrets_and_a_true_report() {
    let server = dev_server();
    let client = root_client(&server);
    let seeded = runtime().block_on(seed_kv2_tree(&client, "big", 40, 50, 4));
    assert_eq!(seeded, 2_000);
    let mut app = Sandbox::new()
        .server(&server)
        .wait_for("big/ kv v2")
        .spawn();
    app.open("big/");
    app.wait_for("f3/");
    app.send("c");
    app.wait_for("Target folder:");
    app.keys(&["\x15", "secret/copied/", "\r"]);
    app.wait_for("2000 new · 0 exist at the target");
    app.send("\r");
    // Some done, not all: stop.
    app.wait_until("the run under way", |screen| {
        screen
            .lines()
            .find_map(|line| {
                line.split(" / 2000")
                    .next()?
                    .rsplit('│')
                    .next()?
                    .trim()
                    .parse::<usize>()
                    .ok()
            })
            .is_some_and(|done| done >= 50)
    });
    app.send("\x1b");
    let report = app.wait_for("Stopped:");
    let done: usize = report
        .lines()
        .find_map(|line| {
            line.split("Stopped: ")
                .nth(1)?
                .split(" done")
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("a done count: {report}"));
    assert!(done < 2_000, "stopped mid-way: {report}");
    assert!(
        report.contains(&format!("{} not run", 2_000 - done)),
        "{report}"
    );
    // The report matches the server: exactly the secrets reported done are there, each whole.
    let copied = kv_tree(&server, "secret/copied/");
    assert_eq!(copied.len(), done, "{report}");
    for path in &copied {
        let got = kv_get(&server, path);
        assert_eq!(got["data"], json!({"v": 1}), "{path} is whole");
        assert_eq!(got["metadata"]["version"], json!(1), "{path} written once");
    }
}

#[test]
fn a_tree_is_deleted_only_once_its_path_is_typed() {
    let server = server_with_app();
    let mut app = start(&server);
    app.open("secret/app/");
    app.wait_for("支付/");
    app.send("X");
    app.wait_for("Delete 3 secrets below secret/app/");
    app.send("\r");
    app.wait_for("Type secret/app/ to confirm");
    // A wrong path is refused, and y is not a yes here.
    app.keys(&["y", "\r"]);
    app.wait_for("exactly");
    assert_eq!(
        kv_tree(&server, "secret/app/").len(),
        3,
        "nothing deleted yet"
    );
    app.keys(&["\x7f", "secret/app/", "\r"]);
    let report = app.wait_for("Finished");
    assert!(report.contains("3 done"), "{report}");
    assert!(kv_tree(&server, "secret/app/").is_empty());
    // Every version and the metadata went (a KV v2 metadata delete): nothing to undelete.
    let out = server.bao(&["kv", "metadata", "get", "-mount=secret", "app/db"], None);
    assert!(out.is_err(), "{out:?}");
    assert_eq!(
        kv_tree(&server, "secret/app-copy/"),
        vec!["app-copy/db"],
        "the rest is untouched"
    );
}

#[test]
fn quitting_in_the_middle_of_an_every_version_copy_leaves_no_secret_with_half_its_history() {
    let server = dev_server();
    let client = root_client(&server);
    runtime().block_on(async {
        for version in 1..=3 {
            for n in 0..150 {
                write_when_ready(
                    &client,
                    &format!("secret/data/hist/s{n:03}"),
                    &json!({"data": {"v": version}}),
                )
                .await;
            }
        }
    });
    let mut app = start(&server);
    app.open("secret/hist/");
    app.wait_for("s000");
    app.send("c");
    app.wait_for("Target folder:");
    // Tab to the options: profile, namespace, every version.
    app.keys(&["\t", "\t", "\t", " ", "\r"]);
    app.wait_for("450 versions replayed");
    app.send("\r");
    app.wait_until("a few secrets copied", |screen| {
        screen
            .lines()
            .find_map(|line| {
                line.split(" / 150")
                    .next()?
                    .rsplit('│')
                    .next()?
                    .trim()
                    .parse::<usize>()
                    .ok()
            })
            .is_some_and(|done| done >= 10)
    });
    // Ctrl-C quits at once, from anywhere; the secrets in flight are finished first.
    app.send_now("\x03");
    assert_eq!(app.wait_exit(), 0);
    let copied = kv_tree(&server, "secret/hist-copy/");
    assert!(!copied.is_empty() && copied.len() < 150, "{}", copied.len());
    for path in &copied {
        let metadata = bao_json(
            &server,
            &[
                "kv",
                "metadata",
                "get",
                "-format=json",
                "-mount=secret",
                path,
            ],
        )["data"]
            .clone();
        assert_eq!(
            metadata["current_version"],
            json!(3),
            "{path} has its whole history: {metadata}"
        );
        assert_eq!(kv_get(&server, path)["data"], json!({"v": 3}), "{path}");
    }
}

#[test]
fn a_folder_is_copied_to_another_profile_s_server_with_that_profile_s_token() {
    let (staging, prod) = (server_with_app(), dev_server());
    let sandbox = Sandbox::new().server(&staging);
    let token_file = sandbox.home().join("prod-token");
    std::fs::write(&token_file, prod.root_token.expose()).unwrap();
    let sandbox = sandbox
        .config(
            &format!(
                "[profiles.prod]\naddress = \"{}\"\ntoken_file = \"{}\"\n",
                prod.addr,
                token_file.display()
            ),
            0o600,
        )
        .wait_for("secret/ kv v2");
    let mut app = sandbox.spawn();
    app.open("secret/app/");
    app.wait_for("支付/");
    app.send("c");
    app.wait_for("Target folder:");
    app.keys(&["\x15", "secret/promoted/", "\t", " "]);
    app.wait_for("‹ prod (its own session and token) ›");
    app.send("\r");
    let plan = app.wait_for("3 new · 0 exist at the target");
    assert!(plan.contains("secret/promoted/ (profile prod)"), "{plan}");
    app.send("\r");
    let report = app.wait_for("Finished");
    assert!(report.contains("3 done"), "{report}");
    // On prod (whose server takes only its own token), not on staging.
    let on_prod = bao_json(
        &prod,
        &["kv", "get", "-format=json", "-mount=secret", "promoted/db"],
    );
    assert_eq!(
        on_prod["data"]["data"],
        json!({"user": "app", "password": "hunter2"})
    );
    assert!(kv_tree(&staging, "secret/promoted/").is_empty());
}
