//! Which CAs are trusted, as the bao CLI does it: with `--ca-cert` / `--ca-path` only those CAs,
//! without them only the system store (no bundled list). The system store is a temporary
//! `SSL_CERT_FILE` (rustls-native-certs reads it when a client is built). Setting it in this
//! process would race every other test of the binary, so each client is built in a child process
//! (this test binary running only `probe`) whose environment holds the system store.

use crate::support;

use std::path::Path;
use std::process::Command;
use support::tls_dev_server;
use tresor::config::{ConnectionSettings, TokenSource};
use tresor::devserver::DevServer;
use tresor::vault::{VaultClient, VaultError};

/// How a connection failed, as the child process saw it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Refusal {
    tls: bool,
    unreachable: bool,
    text: String,
}

const PROBE: &str = "TRESOR_TEST_TLS_PROBE";
const RESULT: &str = "probe-result ";

/// Asks `server` for its seal status from a child process whose system store holds only the
/// certificates in `system_store`, with the CA options `configure` sets.
fn try_connect(
    server: &DevServer,
    system_store: &Path,
    configure: impl FnOnce(&mut ConnectionSettings),
) -> Result<(), Refusal> {
    let mut connection = ConnectionSettings {
        addr: server.addr.clone(),
        token_source: TokenSource::None,
        timeout: std::time::Duration::from_secs(10),
        ..ConnectionSettings::default()
    };
    configure(&mut connection);
    let spec = serde_json::json!({
        "addr": connection.addr,
        "ca_cert": connection.ca_cert,
        "ca_path": connection.ca_path,
    });
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "tls_trust::probe", "--include-ignored"])
        .args(["--nocapture", "--test-threads=1", "--quiet"])
        .env_remove("SSL_CERT_DIR")
        .env("SSL_CERT_FILE", system_store)
        .env(PROBE, spec.to_string())
        .output()
        .expect("run the probe");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the probe ran: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix(RESULT))
        .unwrap_or_else(|| panic!("the probe reports: {stdout}"));
    serde_json::from_str(line).expect("the probe's report")
}

/// The child's side of `try_connect`: builds a client (reading the system store from this
/// process's environment) and prints what asking for the seal status gave. Without the spec in
/// the environment (a run of the ignored tests) it does nothing.
#[tokio::test]
#[ignore = "run by the test below, in a child process with its own SSL_CERT_FILE"]
async fn probe() {
    let Some(spec) = std::env::var_os(PROBE) else {
        return;
    };
    let spec: serde_json::Value = serde_json::from_str(spec.to_str().expect("utf-8")).unwrap();
    let path = |key: &str| spec[key].as_str().map(std::path::PathBuf::from);
    let connection = ConnectionSettings {
        addr: spec["addr"].as_str().expect("addr").to_string(),
        token_source: TokenSource::None,
        ca_cert: path("ca_cert"),
        ca_path: path("ca_path"),
        timeout: std::time::Duration::from_secs(10),
        ..ConnectionSettings::default()
    };
    let result: Result<(), Refusal> = match VaultClient::new(&connection) {
        Ok(client) => client.seal_status().await.map(|_| ()),
        Err(error) => Err(error),
    }
    .map_err(|error: VaultError| Refusal {
        tls: matches!(error, VaultError::Tls(_)),
        unreachable: error.is_unreachable(),
        text: error.to_string(),
    });
    println!("{RESULT}{}", serde_json::to_string(&result).unwrap());
}

#[test]
fn only_the_given_ca_is_trusted_and_without_one_only_the_system_store() {
    let b = std::thread::spawn(tls_dev_server);
    let a = tls_dev_server();
    let b = b.join().expect("server B");
    let ca_a = a.ca_cert.clone().expect("dev-tls CA of server A");
    let ca_b = b.ca_cert.clone().expect("dev-tls CA of server B");

    // No CA option: the system store decides.
    try_connect(&a, &ca_a, |_| {}).expect("CA A is in the system store: server A is trusted");
    let error = try_connect(&a, &ca_b, |_| {}).unwrap_err();
    assert!(error.tls, "{error:?}");
    assert!(!error.unreachable, "{error:?}");
    assert!(
        error.text.contains("--ca-cert"),
        "no CA was given: the message says how to give one: {error:?}"
    );

    // A CA option: only that CA, even though the system store trusts server A.
    let error = try_connect(&a, &ca_a, |c| c.ca_cert = Some(ca_b.clone()))
        .expect_err("--ca-cert names CA B: server A (signed by CA A) must be refused");
    assert!(error.tls, "{error:?}");
    let text = error.text;
    assert!(
        text.contains(&ca_b.display().to_string()) && !text.contains("give it with"),
        "the message names the CA file that does not vouch for the server: {text}"
    );

    let dir_b = tempfile::tempdir().unwrap();
    std::fs::copy(&ca_b, dir_b.path().join("ca.pem")).unwrap();
    let error = try_connect(&a, &ca_a, |c| c.ca_path = Some(dir_b.path().to_path_buf()))
        .expect_err("--ca-path holds CA B only: server A must be refused");
    assert!(
        error.text.contains(&dir_b.path().display().to_string()),
        "the message names the CA directory: {error:?}"
    );

    // The right CA still works with a system store that does not know it.
    try_connect(&a, &ca_b, |c| c.ca_cert = Some(ca_a.clone())).expect("--ca-cert names CA A");
}

/// A machine whose system store holds no CA at all (no ca-certificates package, or
/// SSL_CERT_FILE naming a missing or empty file): plain http still works, and https is refused
/// as untrusted with the empty store named, never a configuration error at start.
#[test]
fn an_empty_system_store_stops_nothing_but_the_https_it_cannot_trust() {
    let plain = support::dev_server();
    let tls = tls_dev_server();
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    for store in [empty.clone(), dir.path().join("missing.pem")] {
        try_connect(&plain, &store, |_| {}).expect("plain http needs no CA");
        let error = try_connect(&tls, &store, |_| {}).unwrap_err();
        assert!(error.tls && !error.unreachable, "{error:?}");
        assert!(
            error.text.contains("--ca-cert") && error.text.contains("system"),
            "says how to give a CA and that the system store has none: {error:?}"
        );
        // A CA option needs no system store.
        let ca = tls.ca_cert.clone().unwrap();
        try_connect(&tls, &store, |c| c.ca_cert = Some(ca)).expect("--ca-cert names the CA");
    }
}
