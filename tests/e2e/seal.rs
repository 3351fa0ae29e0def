//! End to end against a real 3-node OpenBao raft cluster (not dev mode; 3 shares, threshold 2):
//! the Seal screen opens by itself, unseals node by node in a pseudo-terminal (a repeated share,
//! a reset, a wrong share), the standbys report standby, a node is sealed again behind the typed
//! word, one node goes down; `tresor status` gives bao's exit codes all along.

use crate::support;

use std::time::Duration;
use support::cluster::RaftCluster;
use support::pty::PtyApp;
use support::sandbox::Sandbox;

/// `tresor status` on the cluster: (exit code, stdout).
fn status(cluster: &RaftCluster, json: bool) -> (i32, String) {
    let addrs: Vec<String> = (0..cluster.nodes.len()).map(|i| cluster.addr(i)).collect();
    let mut args = vec!["status"];
    for addr in &addrs {
        args.extend(["--addr", addr.as_str()]);
    }
    if json {
        args.push("--json");
    }
    let output = Sandbox::new().args(&args).command().output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn share(app: &mut PtyApp, key: &str) {
    // Pasted as a terminal paste, as a share usually is.
    app.send(&format!("\x1b[200~{key}\x1b[201~"));
    app.send("\r");
}

#[test]
fn unseal_a_raft_cluster_node_by_node_in_the_tui() {
    let mut cluster = RaftCluster::start(3, 3, 2);
    let (code, out) = status(&cluster, false);
    assert_eq!(code, 2, "sealed: {out}");
    assert_eq!(
        out.matches("SEALED").count(),
        1,
        "followers are not initialized yet: {out}"
    );
    let (_, json) = status(&cluster, true);
    let nodes: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(nodes[0]["threshold"], 2);
    assert_eq!(nodes[0]["storage_type"], "raft");

    let (n2, n3) = (cluster.addr(1), cluster.addr(2));
    let sandbox = Sandbox::new()
        .addr(&cluster.addr(0))
        .token(&cluster.root_token)
        .args(&["--node", &n2, "--node", &n3]);
    let mut app = sandbox.spawn();
    // Sealed: the Seal screen opens by itself, with every node.
    app.wait_for("Seal status · 3 nodes");
    app.wait_for("▱▱ 0/2");

    // One share, the same again, then a reset.
    app.keys(&["u"]);
    share(&mut app, &cluster.keys_b64[0]);
    app.wait_for("Share accepted: 1 of 2");
    let screen = app.screen();
    assert!(
        !screen.contains(&cluster.keys_b64[0][..12]),
        "the share is masked"
    );
    share(&mut app, &cluster.keys_b64[0]);
    app.wait_for("did not advance");
    app.keys(&["\x1b", "r"]);
    app.wait_for("progress of");
    app.wait_for("▱▱ 0/2");
    // A wrong share at the threshold: refused, progress reset.
    app.keys(&["u"]);
    share(&mut app, &cluster.keys_b64[1]);
    app.wait_for("Share accepted: 1 of 2");
    share(&mut app, "aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBzaGFyZSE=");
    app.wait_for("refused the share");
    // Each sealed node in turn: hex and base64 shares.
    app.keys(&["\x1b", "U"]);
    share(&mut app, &cluster.keys_hex[2]);
    share(&mut app, &cluster.keys_b64[1]);
    for index in 1..3 {
        // The follower learns of the cluster from the leader first; the share field moves on.
        cluster.wait_until(index, "initialized", |_, v| v["initialized"] == true);
        app.wait_for(&format!("Key share for {}", cluster.addr(index)));
        share(&mut app, &cluster.keys_b64[0]);
        app.wait_for("Share accepted: 1 of 2");
        share(&mut app, &cluster.keys_b64[2]);
        cluster.wait_until(index, "unsealed", |_, v| v["sealed"] == false);
    }
    let screen = app.wait_until_within(
        "every node unsealed, standbys standby",
        Duration::from_secs(30),
        |s| s.contains("0 sealed") && s.matches("standby").count() >= 2 && s.contains("active"),
    );
    assert!(screen.contains("HA "), "{screen}");
    assert_eq!(status(&cluster, false).0, 0);

    // Seal node 3 again: the word must be typed.
    app.keys(&["k", "k", "j", "j", "S", "nope", "\r"]);
    // Another word is refused, and the question stays until Esc.
    app.wait_for("Type \"seal\" exactly");
    app.keys(&["\x1b", "S", "seal", "\r"]);
    app.wait_for("is sealed.");
    let (code, out) = status(&cluster, false);
    assert_eq!(code, 2, "{out}");

    // Node 3 goes down: unreachable, and status says error only when nothing is sealed.
    cluster.stop_node(2);
    app.wait_for("UNREACHABLE");
    let (code, out) = status(&cluster, false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("UNREACHABLE"));

    // The rest of the app works: close the screen, the tree is there.
    app.keys(&["\x1b"]);
    app.wait_for("cubbyhole/ cubbyhole");
    app.keys(&["q"]);
    app.wait_exit();
}

/// A share typed for a raft follower that has not joined yet is held, masked, and sent by itself
/// once the follower has joined (here the leader is unsealed by someone else, with the CLI).
#[test]
fn a_share_typed_for_a_follower_that_has_not_joined_is_sent_once_it_has() {
    let cluster = RaftCluster::start(2, 1, 1);
    let follower = cluster.addr(1);
    let sandbox = Sandbox::new()
        .addr(&cluster.addr(0))
        .token(&cluster.root_token)
        .args(&["--node", &follower]);
    let mut app = sandbox.spawn();
    app.wait_for("Seal status · 2 nodes");
    app.keys(&["j", "u"]);
    app.wait_for(&format!("Key share for {follower}"));
    share(&mut app, &cluster.keys_b64[0]);
    app.wait_for("has not joined the cluster yet");
    assert!(
        !app.screen().contains(&cluster.keys_b64[0][..12]),
        "the held share is masked"
    );
    assert_eq!(
        cluster.seal_status(1).map(|s| s["initialized"].clone()),
        Some(serde_json::Value::Bool(false)),
        "nothing was sent to a node that has not joined"
    );
    // Another operator unseals the leader; the follower joins, and the held share goes to it.
    cluster.unseal_with_cli(0);
    cluster.wait_until(1, "unsealed with the held share", |_, v| {
        v["sealed"] == false
    });
    app.wait_for(&format!("{follower} is unsealed"));
    app.keys(&["\x1b", "\x1b"]);
    app.keys(&["q"]);
    app.wait_exit();
}
