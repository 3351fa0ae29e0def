//! Mutual TLS against a real OpenBao whose listener requires and verifies a client certificate
//! (`tls_require_and_verify_client_cert`): the right certificate works; none, or one from another
//! CA, is refused with a message that says so (not "unreachable"); a key that does not match its
//! certificate is refused at start, naming the files.

use crate::support;

use support::mtls::mtls_dev_server;
use tresor::vault::{VaultClient, VaultError};

#[tokio::test]
async fn with_the_client_certificate_requests_work() {
    let server = tokio::task::spawn_blocking(mtls_dev_server).await.unwrap();
    let root = server.server.root_token.clone();
    let client = VaultClient::new(&server.settings(Some(&root), Some(server.client()))).unwrap();
    assert_eq!(client.lookup_self().await.unwrap().policies, vec!["root"]);
    assert!(!client.seal_status().await.unwrap().sealed);
}

#[tokio::test]
async fn without_a_client_certificate_the_server_refuses_and_the_message_names_client_cert() {
    let server = tokio::task::spawn_blocking(mtls_dev_server).await.unwrap();
    let root = server.server.root_token.clone();
    // Over TLS 1.3 the server's alert often races the connection's close: every time, not
    // only when the alert arrives, the message must say what the server wanted.
    for _ in 0..10 {
        let client = VaultClient::new(&server.settings(Some(&root), None)).unwrap();
        let error = client.lookup_self().await.unwrap_err();
        assert!(
            matches!(error, VaultError::ClientCertificate(_)),
            "{error:?}"
        );
        assert!(!error.is_unreachable(), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("the server asked for a client certificate and none was given")
                && text.contains("--client-cert")
                && text.contains("BAO_CLIENT_CERT"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_client_certificate_from_another_ca_is_refused() {
    let server = tokio::task::spawn_blocking(mtls_dev_server).await.unwrap();
    let root = server.server.root_token.clone();
    let stranger = (
        server.pki.stranger_cert.as_path(),
        server.pki.stranger_key.as_path(),
    );
    for _ in 0..10 {
        let client = VaultClient::new(&server.settings(Some(&root), Some(stranger))).unwrap();
        let error = client.lookup_self().await.unwrap_err();
        assert!(
            matches!(error, VaultError::ClientCertificate(_)),
            "{error:?}"
        );
        assert!(!error.is_unreachable(), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("the server refused the client certificate")
                && text.contains(&server.pki.stranger_cert.display().to_string())
                && text.contains("not signed by a CA the server trusts for clients"),
            "{text}"
        );
    }
}

#[test]
fn a_key_that_does_not_match_its_certificate_is_refused_at_start_with_the_files_named() {
    let pki = support::mtls::Pki::generate();
    let connection = tresor::config::ConnectionSettings {
        addr: "https://127.0.0.1:1".into(),
        client_cert: Some(pki.client_cert.clone()),
        client_key: Some(pki.stranger_key.clone()),
        ..Default::default()
    };
    let error = VaultClient::new(&connection).unwrap_err();
    assert!(matches!(error, VaultError::Config(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains(&pki.client_cert.display().to_string())
            && text.contains(&pki.stranger_key.display().to_string())
            && text.contains("does not match"),
        "{text}"
    );
}

#[test]
fn a_client_certificate_without_its_key_or_a_key_without_its_certificate_is_refused_at_start() {
    let pki = support::mtls::Pki::generate();
    for (cert, key, named, missing) in [
        (
            Some(&pki.client_cert),
            None,
            &pki.client_cert,
            "--client-key",
        ),
        (
            None,
            Some(&pki.client_key),
            &pki.client_key,
            "--client-cert",
        ),
    ] {
        let connection = tresor::config::ConnectionSettings {
            addr: "https://127.0.0.1:1".into(),
            client_cert: cert.cloned(),
            client_key: key.cloned(),
            ..Default::default()
        };
        let error = VaultClient::new(&connection).unwrap_err();
        assert!(matches!(error, VaultError::Config(_)), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains(&named.display().to_string()) && text.contains(missing),
            "{text}"
        );
    }
}
