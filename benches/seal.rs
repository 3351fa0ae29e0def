//! Figures for the on-call path on a real 3-node raft cluster (`cargo bench --bench seal`), side
//! by side with the `bao` CLI in the same run:
//! - `tresor status` asking all three nodes (one process) vs. `bao status` once per node;
//! - the overview the Seal screen refreshes with (seal status and health of every node, leader,
//!   ha-status), in-process.

#[path = "../tests/support/mod.rs"]
mod support;

use support::stats::{median, ms};

use std::process::Command;
use std::time::{Duration, Instant};
use support::cluster::RaftCluster;

const RUNS: usize = 9;

fn main() {
    let cluster = RaftCluster::start(3, 3, 2);
    cluster.unseal_with_cli(0);
    for index in 1..3 {
        cluster.wait_until(index, "initialized", |_, v| v["initialized"] == true);
        cluster.unseal_with_cli(index);
    }
    let tresor = env!("CARGO_BIN_EXE_tresor");
    let status: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let mut command = Command::new(tresor);
            command.arg("status").env("HOME", cluster.dir.path());
            for index in 0..3 {
                command.args(["--addr", &cluster.addr(index)]);
            }
            let started = Instant::now();
            let output = command.output().unwrap();
            let elapsed = started.elapsed();
            assert_eq!(output.status.code(), Some(0), "all unsealed");
            elapsed
        })
        .collect();
    let bao: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            for index in 0..3 {
                let output = Command::new(&cluster.bao)
                    .arg("status")
                    .env("BAO_ADDR", cluster.addr(index))
                    .env("HOME", cluster.dir.path())
                    .output()
                    .unwrap();
                assert_eq!(output.status.code(), Some(0));
            }
            started.elapsed()
        })
        .collect();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = tresor::vault::VaultClient::new(&tresor::config::ConnectionSettings {
        addr: cluster.addr(0),
        token: Some(tresor::secret::Token::new(cluster.root_token.as_str())),
        timeout: Duration::from_secs(10),
        ..Default::default()
    })
    .unwrap();
    let addresses: Vec<String> = (0..3).map(|i| cluster.addr(i)).collect();
    let overview: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let nodes = runtime.block_on(tresor::status::gather(&client, &addresses));
            runtime.block_on(async {
                let (leader, ha) = tokio::join!(client.leader(), client.ha_status());
                assert!(leader.is_ok() && ha.is_ok_and(|n| n.len() == 3));
            });
            assert!(nodes.iter().all(|n| n.status.is_ok()));
            started.elapsed()
        })
        .collect();

    println!("seal figures (median of {RUNS}), 3-node OpenBao raft cluster on loopback");
    println!(
        "  status of 3 nodes:          tresor status {:>9}   bao status x3 {:>9}",
        ms(median(status)),
        ms(median(bao))
    );
    println!(
        "  Seal screen refresh (3 nodes, leader, ha-status), in-process: {:>9}",
        ms(median(overview))
    );
}
