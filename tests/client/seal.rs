//! Seal status, unseal, reset and seal against a real 3-node OpenBao raft cluster (not dev
//! mode), initialized with 3 shares and threshold 2, through tresor's client.

use crate::support;

use std::time::{Duration, Instant};
use support::cluster::RaftCluster;
use tresor::config::ConnectionSettings;
use tresor::secret::{SecretText, Token};
use tresor::vault::seal::Health;
use tresor::vault::{VaultClient, VaultError};

fn client(cluster: &RaftCluster, index: usize, token: Option<&str>) -> VaultClient {
    VaultClient::new(&ConnectionSettings {
        addr: cluster.addr(index),
        token: token.map(Token::new),
        timeout: Duration::from_secs(10),
        ..ConnectionSettings::default()
    })
    .unwrap()
}

fn share(text: &str) -> SecretText {
    SecretText::new(text)
}

#[tokio::test(flavor = "multi_thread")]
async fn unseal_node_by_node_with_repeated_wrong_and_reset_shares_then_seal() {
    let cluster = tokio::task::spawn_blocking(|| RaftCluster::start(3, 3, 2))
        .await
        .unwrap();
    let first = client(&cluster, 0, None);
    for index in 0..3 {
        let status = client(&cluster, index, None).seal_status().await.unwrap();
        assert!(status.sealed);
        assert_eq!(status.storage_type.as_deref(), Some("raft"));
        assert_eq!(
            (status.initialized || index > 0, status.progress),
            (true, 0),
            "node {index}"
        );
    }
    let status = first.seal_status().await.unwrap();
    assert_eq!((status.threshold, status.shares), (2, 3));

    // One share: progress 1 of 2, with a nonce.
    let after_one = first.unseal(&share(&cluster.keys_b64[0])).await.unwrap();
    assert_eq!((after_one.sealed, after_one.progress), (true, 1));
    assert!(!after_one.nonce.is_empty());
    // The same share again does not advance.
    let again = first.unseal(&share(&cluster.keys_b64[0])).await.unwrap();
    assert_eq!(again.progress, 1, "a repeated share does not advance");
    // Reset clears progress.
    let reset = first.unseal_reset().await.unwrap();
    assert_eq!(reset.progress, 0);
    // A wrong share at the threshold is refused and resets progress.
    first.unseal(&share(&cluster.keys_b64[1])).await.unwrap();
    let wrong = first
        .unseal(&share("aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBzaGFyZSE="))
        .await
        .expect_err("a wrong share");
    assert!(
        matches!(&wrong, VaultError::Server { status: 400, .. }),
        "{wrong:?}"
    );
    assert!(
        !wrong.to_string().contains("aGVsbG8"),
        "the share is not echoed"
    );
    assert_eq!(first.seal_status().await.unwrap().progress, 0);
    // Hex and base64 both work.
    first.unseal(&share(&cluster.keys_hex[2])).await.unwrap();
    let open = first.unseal(&share(&cluster.keys_b64[1])).await.unwrap();
    assert!(!open.sealed);

    // The other nodes join once unsealed, and report standby (429) after a few seconds.
    for index in 1..3 {
        // A joining node first learns of the cluster from the leader (retry_join).
        let waiting = &cluster;
        tokio::task::block_in_place(|| {
            waiting.wait_until(index, "initialized", |_, v| v["initialized"] == true)
        });
        let node = client(&cluster, index, None);
        node.unseal(&share(&cluster.keys_b64[0])).await.unwrap();
        node.unseal(&share(&cluster.keys_b64[2])).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let root = client(&cluster, 0, Some(&cluster.root_token));
    let nodes = loop {
        let standbys_ready = {
            let mut ready = true;
            for index in 1..3 {
                ready &= client(&cluster, index, None).health().await.ok() == Some(Health::Standby);
            }
            ready
        };
        if let Ok(nodes) = root.ha_status().await
            && nodes.len() == 3
            && standbys_ready
        {
            break nodes;
        }
        assert!(Instant::now() < deadline, "the cluster did not form");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(nodes.iter().filter(|n| n.active_node).count(), 1);
    assert!(nodes.iter().any(|n| n.api_address == cluster.addr(2)));
    let leader = client(&cluster, 1, None).leader().await.unwrap();
    assert!(leader.ha_enabled && !leader.is_self);
    assert_eq!(leader.leader_address, cluster.addr(0));
    assert_eq!(first.health().await.unwrap(), Health::Active);

    // The Seal screen's overview: given one node, a token finds the others through ha-status and
    // asks each at its own address; without a token, only the nodes given are asked.
    let overview = root.seal_overview(&[cluster.addr(0)], true).await;
    let mut addresses: Vec<&str> = overview.nodes.iter().map(|n| n.addr.as_str()).collect();
    addresses.sort_unstable();
    let mut all = [cluster.addr(0), cluster.addr(1), cluster.addr(2)];
    all.sort_unstable();
    assert_eq!(
        addresses,
        all.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(overview.leader.is_ok() && matches!(overview.ha, Some(Ok(_))));
    assert!(
        overview
            .nodes
            .iter()
            .all(|n| n.status.as_ref().is_ok_and(|status| !status.sealed))
    );
    let anonymous = first.seal_overview(&[cluster.addr(0)], true).await;
    assert!(anonymous.ha.is_none() && anonymous.nodes.len() == 1);
    assert!(
        root.seal_overview(&[cluster.addr(0)], false)
            .await
            .ha
            .is_none()
    );

    // Sealing needs sudo: a default-policy token is refused; root seals node 2.
    let created: serde_json::Value = serde_json::from_str(
        &cluster.bao(0, &["token", "create", "-policy=default", "-format=json"]),
    )
    .unwrap();
    let plain = client(&cluster, 2, created["auth"]["client_token"].as_str());
    // A standby that has not caught up with the token just created on the leader answers 500
    // "invalid request" (seen under load): ask again until it gives its real answer.
    let deadline = Instant::now() + Duration::from_secs(15);
    let refused = loop {
        let error = plain.seal().await.expect_err("no sudo");
        if !matches!(error, VaultError::Server { status: 500, .. }) || Instant::now() > deadline {
            break error;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(refused.is_permission_denied(), "{refused}");
    client(&cluster, 2, Some(&cluster.root_token))
        .seal()
        .await
        .expect("root seals");
    assert!(
        client(&cluster, 2, None)
            .seal_status()
            .await
            .unwrap()
            .sealed
    );
    assert_eq!(
        client(&cluster, 2, None).health().await.unwrap(),
        Health::Sealed
    );
}
