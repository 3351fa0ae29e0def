//! TLS against a real OpenBao dev server with a generated CA: verified by default (refused with a
//! clear message), accepted with the CA option, with skip-verify, and with a TLS server name.

mod support;

use support::{settings, tls_dev_server};
use tresor::vault::{VaultClient, VaultError};

#[tokio::test]
async fn tls_is_verified_by_default_and_the_ca_option_makes_it_work() {
    let server = tokio::task::spawn_blocking(tls_dev_server).await.unwrap();
    assert!(server.addr.starts_with("https://"));
    let ca = server.ca_cert.clone().expect("dev-tls CA");

    let untrusted = VaultClient::new(&settings(&server, Some(&server.root_token))).unwrap();
    let error = untrusted.seal_status().await.unwrap_err();
    assert!(
        matches!(error, VaultError::Tls(_)),
        "expected a TLS error, got {error:?}"
    );
    assert!(
        error.to_string().to_lowercase().contains("certificate"),
        "the message says what is wrong: {error}"
    );

    let mut with_ca = settings(&server, Some(&server.root_token));
    with_ca.ca_cert = Some(ca.clone());
    let client = VaultClient::new(&with_ca).unwrap();
    assert_eq!(client.lookup_self().await.unwrap().policies, vec!["root"]);

    // A CA directory works as well.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&ca, dir.path().join("ca.pem")).unwrap();
    let mut with_ca_path = settings(&server, Some(&server.root_token));
    with_ca_path.ca_path = Some(dir.path().to_path_buf());
    assert!(
        VaultClient::new(&with_ca_path)
            .unwrap()
            .seal_status()
            .await
            .is_ok()
    );

    let mut skip = settings(&server, Some(&server.root_token));
    skip.skip_verify = true;
    assert!(VaultClient::new(&skip).unwrap().seal_status().await.is_ok());
}

#[tokio::test]
async fn tls_server_name_is_used_for_verification() {
    let server = tokio::task::spawn_blocking(tls_dev_server).await.unwrap();
    let ca = server.ca_cert.clone().unwrap();
    // The certificate names "localhost" (and 127.0.0.1); the address stays 127.0.0.1.
    let mut named = settings(&server, Some(&server.root_token));
    named.ca_cert = Some(ca.clone());
    named.tls_server_name = Some("localhost".into());
    assert!(
        VaultClient::new(&named)
            .unwrap()
            .seal_status()
            .await
            .is_ok()
    );

    named.tls_server_name = Some("not-in-the-certificate.example".into());
    let error = VaultClient::new(&named)
        .unwrap()
        .seal_status()
        .await
        .unwrap_err();
    assert!(matches!(error, VaultError::Tls(_)), "{error:?}");
}
