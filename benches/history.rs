//! Figures for the KV v2 history, side by side with the `bao` CLI doing the same on the same server
//! in the same run (`cargo bench --bench history`):
//! - reading the metadata of a 100-version secret: tresor's client vs. `bao kv metadata get`;
//! - the Diff tab: key press to the diff of the last two versions drawn (two reads) vs. two
//!   `bao kv get -version=N` runs;
//! - roll back: from the confirming key to "now version N" on screen (a read and a check-and-set
//!   write) vs. one `bao kv rollback` run (which does the same read and write);
//! - save an edit: from the confirming key to "Saved" on screen (a check-and-set write and the
//!   re-read) vs. one `bao kv put -cas=N` run.

#[path = "../tests/support/mod.rs"]
mod support;

use support::stats::{median, ms};

use serde_json::json;
use std::time::{Duration, Instant};
use support::pty::PtyApp;
use tresor::vault::{KvVersion, MountInfo, SecretEngine};

const RUNS: usize = 9;
const VERSIONS: u64 = 100;
const PATH: &str = "bench/history";

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = support::dev_server();
    let client = support::root_client(&server);
    runtime.block_on(async {
        client
            .write(
                &format!("secret/metadata/{PATH}"),
                &json!({"max_versions": 1000}),
            )
            .await
            .unwrap();
        for n in 1..=VERSIONS {
            client
                .write(
                    &format!("secret/data/{PATH}"),
                    &json!({"data": {"token": format!("tok-{n}"), "stable": "same"}}),
                )
                .await
                .unwrap();
        }
    });
    let mount = MountInfo {
        path: "secret/".into(),
        engine: SecretEngine::Kv(KvVersion::V2),
        description: String::new(),
    };

    // 1. Metadata of 100 versions.
    let mut client_metadata = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let metadata = runtime
            .block_on(client.read_metadata(&mount, PATH))
            .unwrap();
        client_metadata.push(started.elapsed());
        assert_eq!(metadata.versions.len(), VERSIONS as usize);
    }
    let timed_bao = |args: &[&str]| {
        let started = Instant::now();
        let output = server.bao_command().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        started.elapsed()
    };
    let bao_metadata: Vec<Duration> = (0..RUNS)
        .map(|_| timed_bao(&["kv", "metadata", "get", "-mount=secret", PATH]))
        .collect();

    // 2 and 3 in the TUI; each run rolls back once, so the current version grows by one a run.
    let mut tui_diff = Vec::new();
    let mut tui_rollback = Vec::new();
    let mut tui_save = Vec::new();
    for run in 0..RUNS as u64 {
        let current = VERSIONS + 2 * run;
        let home = tempfile::tempdir().unwrap();
        let mut app = PtyApp::spawn(
            &[],
            &[
                ("HOME", home.path().to_str().unwrap()),
                ("BAO_ADDR", &server.addr),
                ("BAO_TOKEN", server.root_token.expose()),
            ],
        );
        app.wait_for("secret/ kv v2");
        app.keys(&[":", "\x15", "secret/bench/history", "\r"]);
        app.wait_for(&format!("version {current} of {current}"));
        let started = Instant::now();
        app.send_now("4");
        // The summary line appears once both versions are read and compared.
        app.wait_for("1 changed ·");
        tui_diff.push(started.elapsed());

        app.keys(&["2", "j", "r"]);
        app.wait_for("check-and-set");
        let started = Instant::now();
        app.send_now("y");
        app.wait_for(&format!("now version {}", current + 1));
        tui_rollback.push(started.elapsed());

        app.keys(&["1"]);
        app.wait_for(&format!("version {} of {}", current + 1, current + 1));
        app.keys(&["e", "\t", "x", "\r"]);
        app.wait_for("check-and-set: only if version");
        let started = Instant::now();
        app.send_now("y");
        app.wait_for(&format!(
            "Saved secret/bench/history as version {}",
            current + 2
        ));
        tui_save.push(started.elapsed());
        app.send("q");
        app.wait_exit();
    }
    let bao_two_gets: Vec<Duration> = (0..RUNS)
        .map(|_| {
            timed_bao(&["kv", "get", "-version=10", "-mount=secret", PATH])
                + timed_bao(&["kv", "get", "-version=11", "-mount=secret", PATH])
        })
        .collect();
    let bao_rollback: Vec<Duration> = (0..RUNS)
        .map(|_| timed_bao(&["kv", "rollback", "-version=5", "-mount=secret", PATH]))
        .collect();

    let latest = VERSIONS + 2 * RUNS as u64 + RUNS as u64;
    let bao_put: Vec<Duration> = (0..RUNS as u64)
        .map(|n| {
            let cas = format!("-cas={}", latest + n);
            timed_bao(&["kv", "put", &cas, "-mount=secret", PATH, "token=x"])
        })
        .collect();
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let (cm, bm) = (median(client_metadata), median(bao_metadata));
    let (td, bd) = (median(tui_diff), median(bao_two_gets));
    let (tr, br) = (median(tui_rollback), median(bao_rollback));
    let (ts, bp) = (median(tui_save), median(bao_put));
    println!("tresor history figures (median of {RUNS} runs, OpenBao dev server on loopback)");
    println!(
        "  {:<38}{:>9}   (`bao kv metadata get`: {}, {:.3}x)",
        format!("metadata of {VERSIONS} versions, client"),
        ms(cm),
        ms(bm),
        ratio(cm, bm)
    );
    println!(
        "  {:<38}{:>9}   (two `bao kv get -version`: {}, {:.3}x)",
        "Diff tab, key -> diff drawn",
        ms(td),
        ms(bd),
        ratio(td, bd)
    );
    println!(
        "  {:<38}{:>9}   (`bao kv rollback`: {}, {:.3}x)",
        "roll back, key -> done on screen",
        ms(tr),
        ms(br),
        ratio(tr, br)
    );
    println!(
        "  {:<38}{:>9}   (`bao kv put -cas=N`: {}, {:.3}x)",
        "save an edit, key -> saved on screen",
        ms(ts),
        ms(bp),
        ratio(ts, bp)
    );
}
