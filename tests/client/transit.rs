//! Transit against a real OpenBao dev server: encrypt/decrypt round trips (non-ASCII and binary
//! plaintext), rotate then rewrap (the `vault:vN:` prefix moves up), sign/verify with ed25519, a
//! key's settings and what a limited token may do (a decrypt-only policy: encrypt refused with
//! its path and capability).

use crate::support;

use serde_json::json;
use support::{dev_server, root_client, settings};
use tresor::devserver::DevServer;
use tresor::secret::{SecretBytes, Token};
use tresor::vault::transit::{TransitInput, TransitOperation, TransitOutput};
use tresor::vault::{Operation, VaultClient, VaultError};
use zeroize::Zeroizing;

/// A dev server with `transit/` enabled and keys `app` (aes256-gcm96) and `signer` (ed25519).
async fn transit_server() -> (DevServer, VaultClient) {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let client = root_client(&server);
    client
        .write("sys/mounts/transit", &json!({"type": "transit"}))
        .await
        .expect("enable transit");
    client
        .write("transit/keys/app", &json!({}))
        .await
        .expect("create app");
    client
        .write("transit/keys/signer", &json!({"type": "ed25519"}))
        .await
        .expect("create signer");
    (server, client)
}

fn bytes(data: &[u8]) -> SecretBytes {
    SecretBytes::new(Zeroizing::new(data.to_vec()))
}

async fn encrypt(client: &VaultClient, key: &str, plaintext: &[u8]) -> String {
    match client
        .transit_run("transit/", key, &TransitInput::Encrypt(bytes(plaintext)))
        .await
        .expect("encrypt")
    {
        TransitOutput::Ciphertext(text) => text,
        other => panic!("not a ciphertext: {other:?}"),
    }
}

async fn decrypt(client: &VaultClient, key: &str, ciphertext: &str) -> Vec<u8> {
    match client
        .transit_run("transit/", key, &TransitInput::Decrypt(ciphertext.into()))
        .await
        .expect("decrypt")
    {
        TransitOutput::Plaintext(bytes) => bytes.expose().to_vec(),
        other => panic!("not a plaintext: {other:?}"),
    }
}

#[tokio::test]
async fn encrypt_and_decrypt_round_trip_text_non_ascii_and_binary() {
    let (_server, client) = transit_server().await;
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    for plaintext in [
        "plain ascii".as_bytes(),
        "日本語の秘密 🔐 é\u{301}".as_bytes(),
        &binary,
        b"",
    ] {
        let ciphertext = encrypt(&client, "app", plaintext).await;
        assert!(ciphertext.starts_with("vault:v1:"), "{ciphertext}");
        assert_eq!(decrypt(&client, "app", &ciphertext).await, plaintext);
    }
    // The key list and the key's settings.
    assert_eq!(
        client.transit_keys("transit/").await.unwrap(),
        vec!["app".to_string(), "signer".to_string()]
    );
    let key = client.transit_key("transit/", "app").await.unwrap();
    assert_eq!(key.kind, "aes256-gcm96");
    assert_eq!(key.latest_version, 1);
    assert_eq!(key.min_decryption_version, 1);
    assert_eq!(key.versions, vec![1]);
    assert!(key.supports_encryption && key.supports_decryption && !key.supports_signing);
    assert!(!key.exportable && !key.deletion_allowed);
}

#[tokio::test]
async fn rotate_then_rewrap_moves_the_ciphertext_to_the_new_version() {
    let (_server, client) = transit_server().await;
    let old = encrypt(&client, "app", "before the rotation".as_bytes()).await;
    assert!(old.starts_with("vault:v1:"));
    client
        .transit_rotate("transit/", "app")
        .await
        .expect("rotate");
    let key = client.transit_key("transit/", "app").await.unwrap();
    assert_eq!(key.latest_version, 2);
    assert_eq!(key.versions, vec![1, 2]);
    let rewrapped = match client
        .transit_run(
            "transit/",
            "app",
            &TransitInput::Rewrap(format!("  {old}\n")),
        )
        .await
        .expect("rewrap")
    {
        TransitOutput::Ciphertext(text) => text,
        other => panic!("{other:?}"),
    };
    assert!(rewrapped.starts_with("vault:v2:"), "{rewrapped}");
    assert_eq!(
        decrypt(&client, "app", &rewrapped).await,
        b"before the rotation"
    );
    // New encryptions use the new version.
    assert!(encrypt(&client, "app", b"x").await.starts_with("vault:v2:"));
}

#[tokio::test]
async fn sign_and_verify_with_an_ed25519_key() {
    let (_server, client) = transit_server().await;
    let message = "signed: 署名 ✍️".as_bytes();
    let signature = match client
        .transit_run("transit/", "signer", &TransitInput::Sign(bytes(message)))
        .await
        .expect("sign")
    {
        TransitOutput::Signature(text) => text,
        other => panic!("{other:?}"),
    };
    assert!(signature.starts_with("vault:v1:"), "{signature}");
    let verify = |input: &[u8]| TransitInput::Verify {
        input: bytes(input),
        signature: signature.clone(),
    };
    assert_eq!(
        client
            .transit_run("transit/", "signer", &verify(message))
            .await
            .unwrap(),
        TransitOutput::Verified(true)
    );
    assert_eq!(
        client
            .transit_run("transit/", "signer", &verify(b"something else"))
            .await
            .unwrap(),
        TransitOutput::Verified(false)
    );
    let key = client.transit_key("transit/", "signer").await.unwrap();
    assert_eq!(key.kind, "ed25519");
    assert!(key.supports_signing && !key.supports_encryption);
}

#[tokio::test]
async fn a_decrypt_only_token_is_refused_encrypt_with_path_and_capability() {
    let (server, client) = transit_server().await;
    let ciphertext = encrypt(&client, "app", b"for the reader").await;
    client
        .write(
            "sys/policies/acl/transit-decrypt",
            &json!({"policy": "path \"transit/decrypt/app\" { capabilities = [\"update\"] }\n\
                               path \"transit/keys/app\" { capabilities = [\"read\"] }\n"}),
        )
        .await
        .unwrap();
    let created = client
        .write(
            "auth/token/create",
            &json!({"policies": ["transit-decrypt"], "ttl": "1h"}),
        )
        .await
        .unwrap();
    let token = Token::new(created["auth"]["client_token"].as_str().unwrap());
    let limited = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    // What it may do, as the screen asks it.
    let caps = limited
        .transit_capabilities("transit/", "app")
        .await
        .unwrap();
    assert!(caps.allows(TransitOperation::Decrypt));
    assert_eq!(
        caps.missing(TransitOperation::Encrypt),
        Some(("transit/encrypt/app".to_string(), "update"))
    );
    assert_eq!(
        caps.missing(TransitOperation::Rotate),
        Some(("transit/keys/app/rotate".to_string(), "update"))
    );
    // Decrypt works; encrypt is refused by the server, naming the path and the operation.
    assert_eq!(
        decrypt(&limited, "app", &ciphertext).await,
        b"for the reader"
    );
    let refused = limited
        .transit_run("transit/", "app", &TransitInput::Encrypt(bytes(b"nope")))
        .await;
    assert_eq!(
        refused,
        Err(VaultError::PermissionDenied {
            path: "transit/encrypt/app".into(),
            operation: Operation::Write,
        })
    );
    let rotate = limited.transit_rotate("transit/", "app").await;
    assert!(
        matches!(&rotate, Err(VaultError::PermissionDenied { path, .. }) if path == "transit/keys/app/rotate"),
        "{rotate:?}"
    );
    // A token that may not list keys is told so (not "no keys").
    assert!(matches!(
        limited.transit_keys("transit/").await,
        Err(VaultError::PermissionDenied { .. })
    ));
}

#[tokio::test]
async fn an_empty_transit_mount_lists_no_keys() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let client = root_client(&server);
    client
        .write("sys/mounts/transit", &json!({"type": "transit"}))
        .await
        .unwrap();
    assert_eq!(
        client.transit_keys("transit/").await.unwrap(),
        Vec::<String>::new()
    );
    // Decrypting garbage is the server's error, not a panic and not a plaintext.
    let error = client
        .transit_run(
            "transit/",
            "missing",
            &TransitInput::Decrypt("vault:v1:AAAA".into()),
        )
        .await;
    assert!(error.is_err(), "{error:?}");
}
