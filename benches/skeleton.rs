//! First quick figures for the walking skeleton, printed side by side with a baseline measured in
//! the same run on the same server (run with `cargo bench --bench skeleton`):
//! - process start to first drawn frame, and to the mounts shown, vs. one `bao status` run;
//! - listing a 1,000-secret folder: tresor's client vs. `bao kv list`, and in the TUI from the key
//!   press to the rows on screen.

#[path = "../tests/support/mod.rs"]
mod support;

use support::stats::{median, ms};

use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};
use support::pty::PtyApp;

const RUNS: usize = 9;
const FOLDER_SIZE: usize = 1000;

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (server, _report) = runtime.block_on(support::seeded_server());
    let client = support::root_client(&server);

    // Seed secret/big/ with 1,000 secrets, 16 writes at a time.
    runtime.block_on(async {
        let mut pending = Vec::new();
        for index in 0..FOLDER_SIZE {
            let client = client.clone();
            pending.push(tokio::spawn(async move {
                client
                    .write(
                        &format!("secret/data/big/s{index:04}"),
                        &json!({"data": {"v": index}}),
                    )
                    .await
                    .expect("seed write")
            }));
            if pending.len() == 16 {
                for task in pending.drain(..) {
                    task.await.unwrap();
                }
            }
        }
        for task in pending {
            task.await.unwrap();
        }
    });

    let env_for = |home: &std::path::Path| {
        vec![
            ("HOME".to_string(), home.to_str().unwrap().to_string()),
            ("BAO_ADDR".to_string(), server.addr.clone()),
            (
                "BAO_TOKEN".to_string(),
                server.root_token.expose().to_string(),
            ),
        ]
    };

    // 1. Start to first frame / to mounts, vs. `bao status`.
    let mut first_frame = Vec::new();
    let mut mounts_shown = Vec::new();
    for _ in 0..RUNS {
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let started = Instant::now();
        let mut app = PtyApp::spawn(&[], &env);
        app.wait_for("Secrets");
        first_frame.push(started.elapsed());
        app.wait_for("team/platform/");
        mounts_shown.push(started.elapsed());
        app.send("q");
        app.wait_exit();
    }
    let mut bao_status = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let output = server.bao_command().args(["status"]).output().unwrap();
        assert!(output.status.success());
        bao_status.push(started.elapsed());
    }

    // 2. Listing 1,000 secrets.
    let secret_mount = runtime
        .block_on(client.secret_mounts())
        .unwrap()
        .into_iter()
        .find(|m| m.path == "secret/")
        .unwrap();
    let mut client_list = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let keys = runtime
            .block_on(client.list_folder(&secret_mount, "big/"))
            .unwrap();
        client_list.push(started.elapsed());
        assert_eq!(keys.len(), FOLDER_SIZE);
    }
    let mut bao_list = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let output = server
            .bao_command()
            .args(["kv", "list", "-mount=secret", "big/"])
            .output()
            .unwrap();
        assert!(output.status.success());
        bao_list.push(started.elapsed());
    }
    // The same LIST as one raw HTTP request by curl (process start included, as for bao).
    let list_url = format!("{}/v1/secret/metadata/big/?list=true", server.addr);
    let token_header = format!("X-Vault-Token: {}", server.root_token.expose());
    let mut curl_list = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut child = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", "-H", "@-", &list_url])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("curl");
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(token_header.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        curl_list.push(started.elapsed());
    }
    let mut tui_list = Vec::new();
    for _ in 0..RUNS {
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut app = PtyApp::spawn(&[], &env);
        app.wait_for("team/platform/");
        app.send(":");
        app.send("\x15secret/big/");
        let started = Instant::now();
        app.send_now("\r");
        app.wait_for("s0000");
        tui_list.push(started.elapsed());
        app.send("q");
        app.wait_exit();
    }

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let (ff, mo, bs) = (
        median(first_frame),
        median(mounts_shown),
        median(bao_status),
    );
    let (cl, bl, tl) = (median(client_list), median(bao_list), median(tui_list));
    let cu = median(curl_list);
    println!(
        "tresor walking-skeleton figures (median of {RUNS} runs, OpenBao dev server on loopback)"
    );
    println!(
        "  start -> first frame            {:>10}   ({:.2}x one `bao status` run: {})",
        ms(ff),
        ratio(ff, bs),
        ms(bs)
    );
    println!(
        "  start -> mounts on screen       {:>10}   ({:.2}x `bao status`)",
        ms(mo),
        ratio(mo, bs)
    );
    println!(
        "  list {FOLDER_SIZE} secrets, client       {:>10}   (one in-process request)",
        ms(cl)
    );
    println!(
        "  list {FOLDER_SIZE} secrets, key -> rows  {:>10}   (TUI in a pty: Enter to first row drawn)",
        ms(tl)
    );
    println!(
        "  baselines, process start included: `bao kv list` {} (key -> rows is {:.3}x of it), \
         curl one request {} ({:.2}x)",
        ms(bl),
        ratio(tl, bl),
        ms(cu),
        ratio(tl, cu)
    );
}
