//! Which CAs are trusted, as the bao CLI does it: with `--ca-cert` / `--ca-path` only those CAs,
//! without them only the system store (no bundled list). The system store is a temporary
//! `SSL_CERT_FILE` (rustls-native-certs reads it when a client is built), so this file holds one
//! test: the environment is changed between client builds, with no other test running alongside.

mod support;

use std::path::Path;
use support::{settings, tls_dev_server};
use tresor::devserver::DevServer;
use tresor::vault::{VaultClient, VaultError};

/// The system store from now on: the certificates in `file` only.
fn system_store(file: &Path) {
    // SAFETY: the only test of this binary; no other thread reads the environment meanwhile.
    unsafe {
        std::env::remove_var("SSL_CERT_DIR");
        std::env::set_var("SSL_CERT_FILE", file);
    }
}

async fn try_connect(
    server: &DevServer,
    configure: impl FnOnce(&mut tresor::config::ConnectionSettings),
) -> Result<(), VaultError> {
    let mut connection = settings(server, Some(&server.root_token));
    configure(&mut connection);
    VaultClient::new(&connection)?
        .seal_status()
        .await
        .map(|_| ())
}

#[tokio::test]
async fn only_the_given_ca_is_trusted_and_without_one_only_the_system_store() {
    let (a, b) = tokio::join!(
        tokio::task::spawn_blocking(tls_dev_server),
        tokio::task::spawn_blocking(tls_dev_server)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let ca_a = a.ca_cert.clone().expect("dev-tls CA of server A");
    let ca_b = b.ca_cert.clone().expect("dev-tls CA of server B");

    // No CA option: the system store decides.
    system_store(&ca_a);
    try_connect(&a, |_| {})
        .await
        .expect("CA A is in the system store: server A is trusted");
    system_store(&ca_b);
    let error = try_connect(&a, |_| {}).await.unwrap_err();
    assert!(matches!(error, VaultError::Tls(_)), "{error:?}");
    assert!(!error.is_unreachable(), "{error:?}");
    assert!(
        error.to_string().contains("--ca-cert"),
        "no CA was given: the message says how to give one: {error}"
    );

    // A CA option: only that CA, even though the system store trusts server A.
    system_store(&ca_a);
    let error = try_connect(&a, |c| c.ca_cert = Some(ca_b.clone()))
        .await
        .expect_err("--ca-cert names CA B: server A (signed by CA A) must be refused");
    assert!(matches!(error, VaultError::Tls(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains(&ca_b.display().to_string()) && !text.contains("give it with"),
        "the message names the CA file that does not vouch for the server: {text}"
    );

    let dir_b = tempfile::tempdir().unwrap();
    std::fs::copy(&ca_b, dir_b.path().join("ca.pem")).unwrap();
    let error = try_connect(&a, |c| c.ca_path = Some(dir_b.path().to_path_buf()))
        .await
        .expect_err("--ca-path holds CA B only: server A must be refused");
    assert!(
        error
            .to_string()
            .contains(&dir_b.path().display().to_string()),
        "the message names the CA directory: {error}"
    );

    // The right CA still works with a system store that does not know it.
    system_store(&ca_b);
    try_connect(&a, |c| c.ca_cert = Some(ca_a.clone()))
        .await
        .expect("--ca-cert names CA A");
}
