//! TLS against a real OpenBao dev server with a generated CA: verified by default (refused with a
//! clear message), accepted with the CA option, with skip-verify, and with a TLS server name.

use crate::support;

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

/// The seal screen, unseal and `tresor status` ask each node through `for_node`: the TLS server
/// name holds there too (it was dropped, so a server reached by IP with `--tls-server-name` showed
/// "TLS refused" on the Seal screen and could not be unsealed).
#[tokio::test]
async fn tls_server_name_holds_for_every_node_of_the_seal_screen() {
    let server = tokio::task::spawn_blocking(tls_dev_server).await.unwrap();
    let mut named = settings(&server, Some(&server.root_token));
    named.ca_cert = server.ca_cert.clone();
    let other_name_for_the_node = named.addr.replace("127.0.0.1", "localhost");

    named.tls_server_name = Some("localhost".into());
    let client = VaultClient::new(&named).unwrap();
    for node in [
        named.addr.clone(),
        format!("{}/", named.addr),
        other_name_for_the_node.clone(),
    ] {
        let status = client.for_node(&node).unwrap().seal_status().await;
        assert!(status.is_ok(), "{node}: {status:?}");
    }

    // A name the certificate does not hold is refused on every node, as on the session's own.
    named.tls_server_name = Some("not-in-the-certificate.example".into());
    let client = VaultClient::new(&named).unwrap();
    for node in [named.addr.clone(), other_name_for_the_node] {
        let error = client
            .for_node(&node)
            .unwrap()
            .seal_status()
            .await
            .unwrap_err();
        assert!(matches!(error, VaultError::Tls(_)), "{node}: {error:?}");
    }
}

#[test]
fn a_ca_file_without_a_certificate_is_refused_at_start_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let not_pem = dir.path().join("notes.txt");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    for file in [&empty, &not_pem] {
        let connection = tresor::config::ConnectionSettings {
            addr: "https://127.0.0.1:1".into(),
            ca_cert: Some(file.clone()),
            ..Default::default()
        };
        let error = VaultClient::new(&connection).unwrap_err();
        assert!(matches!(error, VaultError::Config(_)), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains(&file.display().to_string()) && text.contains("no certificate"),
            "{text}"
        );
    }
    // A directory with no certificate at all is refused as well.
    let empty_dir = tempfile::tempdir().unwrap();
    let connection = tresor::config::ConnectionSettings {
        addr: "https://127.0.0.1:1".into(),
        ca_path: Some(empty_dir.path().to_path_buf()),
        ..Default::default()
    };
    let error = VaultClient::new(&connection).unwrap_err();
    assert!(
        error
            .to_string()
            .contains(&empty_dir.path().display().to_string()),
        "{error}"
    );
}

#[test]
fn a_ca_file_with_a_broken_certificate_is_refused_at_start_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let connection = tresor::config::ConnectionSettings {
        addr: "https://127.0.0.1:1".into(),
        ca_cert: Some(broken.clone()),
        ..Default::default()
    };
    let error = VaultClient::new(&connection).unwrap_err();
    assert!(matches!(error, VaultError::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains(&broken.display().to_string()),
        "{error}"
    );
}
