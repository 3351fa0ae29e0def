//! The real-OpenBao harness shared by the integration tests. A missing `bao` fails loudly.
#![allow(dead_code)] // each test binary uses a different part of it

use std::time::Duration;
use tresor::config::{ConnectionSettings, TokenSource};
use tresor::demo::{SeedReport, parse_seed, seed};
use tresor::devserver::{DevServer, find_bao};
use tresor::secret::Token;
use tresor::vault::VaultClient;

/// Starts a fresh dev server. Panics (fails the test) when `bao` cannot be found.
pub fn dev_server() -> DevServer {
    let bao = find_bao(None)
        .unwrap_or_else(|hint| panic!("integration tests need a real OpenBao server.\n{hint}"));
    DevServer::start(&bao).unwrap_or_else(|error| panic!("cannot start bao server -dev: {error}"))
}

pub fn settings(server: &DevServer, token: Option<&Token>) -> ConnectionSettings {
    ConnectionSettings {
        addr: server.addr.clone(),
        token: token.cloned(),
        token_source: TokenSource::Flag,
        timeout: Duration::from_secs(10),
        ..ConnectionSettings::default()
    }
}

pub fn root_client(server: &DevServer) -> VaultClient {
    VaultClient::new(&settings(server, Some(&server.root_token))).expect("client")
}

/// A dev server seeded with the demo data (the same seed `tresor demo` uses).
pub async fn seeded_server() -> (DevServer, SeedReport) {
    let server = tokio::task::spawn_blocking(dev_server).await.expect("join");
    let client = root_client(&server);
    let report = seed(&client, &parse_seed().expect("seed parses"))
        .await
        .expect("seeding the dev server");
    (server, report)
}

/// Blocking variant for tests that are not async (the pseudo-terminal tests).
pub fn seeded_server_blocking() -> (DevServer, SeedReport) {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(seeded_server())
}
pub mod ldap;
pub mod mtls;
pub mod proxy;
pub mod pty;
pub mod recorder;
pub mod sandbox;

/// A dev server speaking TLS with a generated CA (not trusted by the system).
pub fn tls_dev_server() -> DevServer {
    let bao = find_bao(None)
        .unwrap_or_else(|hint| panic!("integration tests need a real OpenBao server.\n{hint}"));
    DevServer::start_tls(&bao)
        .unwrap_or_else(|error| panic!("cannot start bao server -dev-tls: {error}"))
}
pub mod fixtures;
pub mod folders;
pub mod transit;

/// Runs the real `bao` CLI with `-format=json` among `args` and parses what it prints.
pub fn bao_json(server: &DevServer, args: &[&str]) -> serde_json::Value {
    let out = server
        .bao(args, None)
        .unwrap_or_else(|error| panic!("{error}"));
    serde_json::from_str(&out).expect("bao -format=json output")
}

/// `bao kv metadata get` of a KV v2 secret: its `data`.
pub fn bao_kv_metadata(server: &DevServer, mount: &str, path: &str) -> serde_json::Value {
    let mount = format!("-mount={mount}");
    bao_json(
        server,
        &["kv", "metadata", "get", "-format=json", &mount, path],
    )["data"]
        .clone()
}
pub mod cluster;
pub mod oidc;
pub mod stats;

/// Writes, riding out the short window after a KV v2 mount is created in which it answers
/// "Waiting for the primary to upgrade from non-versioned to versioned data".
pub async fn write_when_ready(client: &VaultClient, path: &str, body: &serde_json::Value) {
    loop {
        match client.write(path, body).await {
            Ok(_) => return,
            Err(error) if error.to_string().contains("upgrad") => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(error) => panic!("seed {path}: {error}"),
        }
    }
}

/// Mounts KV v2 at `mount` and writes `folders` x `per_folder` small secrets at
/// `f<folder % spread>/g<folder>/s<n>`; returns how many.
pub async fn seed_kv2_tree(
    client: &VaultClient,
    mount: &str,
    folders: usize,
    per_folder: usize,
    spread: usize,
) -> usize {
    client
        .write(
            &format!("sys/mounts/{mount}"),
            &serde_json::json!({"type": "kv", "options": {"version": "2"}}),
        )
        .await
        .expect("mount");
    let value = serde_json::json!({"data": {"v": 1}});
    let paths = kv2_tree_paths(mount, folders, per_folder, spread);
    for path in &paths {
        let (mount, rest) = path.split_once('/').expect("mount/path");
        write_when_ready(client, &format!("{mount}/data/{rest}"), &value).await;
    }
    paths.len()
}

/// The full paths (`mount/f1/g6/s0`) `seed_kv2_tree` writes.
pub fn kv2_tree_paths(
    mount: &str,
    folders: usize,
    per_folder: usize,
    spread: usize,
) -> std::collections::BTreeSet<String> {
    (0..folders)
        .flat_map(|folder| {
            (0..per_folder)
                .map(move |secret| format!("{mount}/f{}/g{folder}/s{secret}", folder % spread))
        })
        .collect()
}

/// `bao token create -format=json args...`: the new token.
pub fn create_token(server: &DevServer, args: &[&str]) -> String {
    let mut all = vec!["token", "create", "-format=json"];
    all.extend_from_slice(args);
    bao_json(server, &all)["auth"]["client_token"]
        .as_str()
        .expect("bao token create prints the token")
        .to_string()
}
pub mod pki;
