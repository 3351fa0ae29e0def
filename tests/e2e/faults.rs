//! End to end, the real binary in a pseudo-terminal, when the server misbehaves: it stops (the
//! app says so, keeps working and reloads when it is back), hangs (a timeout, Esc cancels, keys
//! still answered), answers 429 (asked again with a message), is sealed mid-session (the Seal
//! screen appears; unsealing brings the tree back), and a save that fails keeps the user's text.
//! A fault-injecting proxy stands between the app and a real OpenBao dev server.

use crate::support;

use std::time::Duration;
use support::proxy::{Fault, FaultProxy, status};
use support::sandbox::Sandbox;
use support::{bao_json, seeded_server_blocking};
use tresor::devserver::DevServer;

/// A sandbox for tresor on `server` reached at `addr`, started once the tree is up.
fn sandbox_at(server: &DevServer, addr: &str) -> Sandbox {
    Sandbox::new()
        .server(server)
        .addr(addr)
        .wait_for("team/platform/ kv v2")
}

/// The dev server prints its one unseal key in its banner.
fn dev_unseal_key(server: &DevServer) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let log = std::fs::read_to_string(server.home.path().join("server.log")).unwrap();
        if let Some(key) = log
            .lines()
            .find_map(|line| line.trim().strip_prefix("Unseal Key:"))
        {
            return key.trim().to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the dev server prints its unseal key:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_stopped_server_is_reported_the_app_keeps_working_and_recovers() {
    let (server, _) = seeded_server_blocking();
    let proxy = FaultProxy::start(&server.addr);
    let sandbox = sandbox_at(&server, &proxy.addr);
    let mut app = sandbox.spawn();

    proxy.set(Fault::Drop);
    app.open("secret/app/database");
    app.wait_for("cannot reach the server");
    app.wait_for("● unreachable, asking every 2 s");
    // Still answering keys: the help opens and closes.
    app.keys(&["?"]);
    app.wait_for("Keys (");
    app.keys(&["\x1b"]);
    app.wait_until("help closed", |s| !s.contains("Keys ("));

    // The server is back: found by the probe, and the open secret is read again.
    proxy.set(Fault::Pass);
    app.wait_within_for("The server answers again", Duration::from_secs(10));
    let screen = app.wait_for("version 3 of 3");
    assert!(screen.contains("● unsealed"), "{screen}");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_hanging_server_times_out_esc_cancels_and_keys_are_answered_meanwhile() {
    let (server, _) = seeded_server_blocking();
    let proxy = FaultProxy::start(&server.addr);
    let sandbox = sandbox_at(&server, &proxy.addr).args(&["--timeout", "3s"]);
    let mut app = sandbox.spawn();

    proxy.set(Fault::Hang);
    app.open("secret/app/database");
    app.wait_for("┌ secret/app/database");
    // The read hangs; the UI does not: the help overlay opens and closes.
    app.keys(&["?"]);
    app.wait_for("Keys (");
    app.keys(&["\x1b"]);
    app.wait_until("help closed", |s| !s.contains("Keys ("));
    // Esc gives up on the read.
    app.keys(&["\x1b"]);
    app.wait_for("cancelled (Esc)");

    // Left alone, a hanging read ends at the timeout with a message.
    app.open("secret/app/api");
    app.wait_within_for("request timed out after 3s", Duration::from_secs(10));
    app.wait_for("● unreachable, asking every 2 s");

    proxy.set(Fault::Pass);
    app.wait_within_for("The server answers again", Duration::from_secs(15));
    app.wait_for("┌ secret/app/api");
    app.wait_for("created 20");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn rate_limited_reads_are_asked_again_with_a_message() {
    let (server, _) = seeded_server_blocking();
    let proxy = FaultProxy::start(&server.addr);
    let sandbox = sandbox_at(&server, &proxy.addr);
    let mut app = sandbox.spawn();

    let limited =
        r#"{"errors":["request path \"secret/data/app/database\": rate limit quota exceeded"]}"#;
    // Six 429s shared by the secret's reads (data, metadata, capabilities): one of them is
    // refused at least twice.
    proxy.set_next(status(429, limited), 6);
    app.open("secret/app/database");
    app.wait_for("rate limited by the server (429)");
    app.wait_for("(2 of 4)");
    app.wait_for("version 3 of 3");

    // A server error keeps being one after the retries: said, and the app goes on.
    proxy.set(status(500, r#"{"errors":["internal error"]}"#));
    app.open("secret/app/api");
    app.wait_within_for("(4 of 4)", Duration::from_secs(10));
    app.wait_within_for("server error 500", Duration::from_secs(15));
    proxy.set(Fault::Pass);
    app.keys(&["R"]);
    app.wait_for("created 20");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_failed_save_keeps_the_text_and_saves_on_retry() {
    let (server, _) = seeded_server_blocking();
    let proxy = FaultProxy::start(&server.addr);
    let sandbox = sandbox_at(&server, &proxy.addr);
    let mut app = sandbox.spawn();
    app.open("secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["e"]);
    app.wait_for("Edit secret/app/database");
    app.keys(&["\t", "-kept"]);
    app.keys(&["\r"]);
    app.wait_for("Write secret/app/database as version 4");

    proxy.set(Fault::Drop);
    app.keys(&["y"]);
    let screen = app.wait_for("your input is kept");
    assert!(screen.contains("Could not save"), "{screen}");
    app.keys(&["\x12"]); // Ctrl-r: the edited value is still in the form
    app.wait_for("db-primary.internal-kept");

    proxy.set(Fault::Pass);
    app.keys(&["\r"]);
    app.wait_for("Write secret/app/database as version 4");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 4");
    let data = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", "app/database"],
    );
    assert_eq!(data["data"]["data"]["host"], "db-primary.internal-kept");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn sealed_mid_session_shows_the_seal_screen_and_unsealing_brings_the_tree_back() {
    let (server, _) = seeded_server_blocking();
    let unseal_key = dev_unseal_key(&server);
    let sandbox = sandbox_at(&server, &server.addr);
    let mut app = sandbox.spawn();
    app.open("secret/app/database");
    app.wait_for("version 3 of 3");

    server
        .bao(&["operator", "seal"], None)
        .expect("bao operator seal");
    // The next read finds the server sealed: the Seal screen opens by itself.
    app.open("secret/app/api");
    app.wait_for("Seal status");
    app.wait_for("SEALED");
    // The header says SEALED from the first refused read; the server's row says so once the
    // screen's own ask is answered (its progress bar). Only then is there a node to unseal.
    let screen = app.wait_for("▱ 0/1");
    assert!(
        !screen.contains("created 20"),
        "the open secret could not be read while sealed:\n{screen}"
    );

    app.keys(&["u"]);
    app.send(&format!("\x1b[200~{unseal_key}\x1b[201~"));
    app.send("\r");
    app.wait_within_for("● unsealed", Duration::from_secs(15));
    app.keys(&["\x1b"]);
    // Nothing pressed: the answer that the server is back reloads what is shown, the secret
    // that could not be read included.
    let screen = app.wait_within_for("created 20", Duration::from_secs(15));
    assert!(screen.contains("secret/app/api"), "{screen}");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_save_refused_with_403_names_path_and_capability_and_keeps_the_text() {
    let (server, _) = seeded_server_blocking();
    let policy = server.home.path().join("read-only.hcl");
    std::fs::write(
        &policy,
        r#"path "secret/data/*" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list"] }"#,
    )
    .unwrap();
    server
        .bao(
            &["policy", "write", "read-only", policy.to_str().unwrap()],
            None,
        )
        .unwrap();
    let token = server
        .bao(
            &["token", "create", "-policy=read-only", "-field=token"],
            None,
        )
        .unwrap();
    let sandbox = Sandbox::new().addr(&server.addr).token(token.trim());
    let mut app = sandbox.spawn();
    app.wait_for("policies default, read-only");
    app.open("secret/app/database");
    app.wait_for("version 3 of 3");
    // e says at once that this token may not write (its capabilities are known): no form whose
    // save could only fail.
    app.keys(&["e"]);
    app.wait_for("may not write secret/app/database (needs update on secret/data/app/database)");
    // A copy is not checked beforehand: its save is refused by the server, in words.
    app.keys(&["c"]);
    app.wait_for("secret/app/database-copy");
    app.keys(&["\r"]);
    app.wait_for("Create secret/app/database-copy");
    app.keys(&["y"]);
    let screen = app.wait_for("your input is kept");
    assert!(
        screen.contains("permission denied: create/update on secret/data/app/database-copy"),
        "{screen}"
    );
    app.keys(&["\x12"]);
    app.wait_for("db-primary.internal");
    assert!(
        server
            .bao(&["kv", "get", "-mount=secret", "app/database-copy"], None)
            .is_err(),
        "nothing was written"
    );
    let data = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", "app/database"],
    );
    assert_eq!(data["data"]["metadata"]["version"], 3, "untouched");
    app.keys(&["\x03"]); // Ctrl-c quits from anywhere
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn the_finder_keeps_walking_under_a_rate_limit_quota_and_finishes() {
    let (server, _) = seeded_server_blocking();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = support::root_client(&server);
    let token = runtime.block_on(async {
        support::seed_kv2_tree(&root, "bulk", 60, 2, 6).await;
        // A token that may list bulk/ but not scan it: the finder walks it folder by folder,
        // 16 at a time, into a quota of 20 requests a second.
        root.write(
            "sys/policies/acl/bulk-lister",
            &serde_json::json!({"policy": "path \"bulk/metadata/\" { capabilities = [\"list\"] }\n\
                path \"bulk/metadata/*\" { capabilities = [\"list\"] }\n"}),
        )
        .await
        .unwrap();
        root.write(
            "sys/quotas/rate-limit/bulk",
            &serde_json::json!({"path": "bulk/", "rate": 20, "interval": "1s"}),
        )
        .await
        .unwrap();
        let created = root
            .write(
                "auth/token/create",
                &serde_json::json!({"policies": ["bulk-lister"]}),
            )
            .await
            .unwrap();
        created["auth"]["client_token"]
            .as_str()
            .unwrap()
            .to_string()
    });
    let sandbox = Sandbox::new()
        .addr(&server.addr)
        .token(&token)
        .log("tresor=debug");
    let mut app = sandbox.spawn();
    app.wait_for("bulk/ kv v2");
    app.keys(&["F"]);
    let screen = app.wait_within_for("done · 120 paths", Duration::from_secs(60));
    assert!(!screen.contains("skipped"), "nothing skipped: {screen}");
    app.keys(&["g", "4", "2", "s", "1"]);
    app.wait_for("bulk/f0/g42/s1");
    app.keys(&["\x1b", "q"]);
    assert_eq!(app.wait_exit(), 0);
    let log = std::fs::read_to_string(sandbox.log_file()).unwrap();
    assert!(
        log.contains("rate limited by the server (429)")
            && log.contains("listing again after a pause"),
        "the quota was hit and waited out:\n{log}"
    );
}

/// "Writes are never repeated": a 5xx answer to a save is counted on the wire (tresor -> a
/// recording proxy -> a fault proxy answering 502 -> the server): one write request, while the
/// reads under the same answers are asked again.
#[test]
fn a_save_answered_with_a_5xx_is_sent_once_and_never_repeated() {
    let (server, _) = seeded_server_blocking();
    let faults = FaultProxy::start(&server.addr);
    let recorder = support::recorder::RecordingProxy::start(&faults.addr);
    let sandbox = sandbox_at(&server, &recorder.addr);
    let mut app = sandbox.spawn();
    app.open("secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["e"]);
    app.wait_for("Edit secret/app/database");
    app.keys(&["\t", "-once"]);
    app.keys(&["\r"]);
    app.wait_for("Write secret/app/database as version 4");

    faults.set(status(502, ""));
    let from = recorder.requests().len();
    app.keys(&["y"]);
    app.wait_for("Could not save: server error 502");
    // Long enough for any repeat (reads are asked again after 0.5, 1, 2 and 4 s).
    std::thread::sleep(Duration::from_secs(8));
    let requests = recorder.requests().split_off(from);
    // Method and path only: the recorded token is not printed.
    let writes: Vec<(&str, &str)> = requests
        .iter()
        .filter(|r| matches!(r.method.as_str(), "POST" | "PUT" | "PATCH"))
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(writes.len(), 1, "one write on the wire: {writes:?}");
    assert!(
        writes[0].1.ends_with("secret/data/app/database"),
        "{writes:?}"
    );
    let seal_reads = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("sys/seal-status"))
        .count();
    assert!(
        seal_reads > 1,
        "the seal status read was asked again meanwhile ({seal_reads}): the count sees repeats"
    );
    faults.set(Fault::Pass);
    app.keys(&["\x03"]); // Ctrl-c: the form still holds the edit
    assert_eq!(app.wait_exit(), 0);
}
