//! Response wrapping against a real OpenBao: a secret's data wrapped, the token looked up without
//! using it, unwrapped once by a client with no token of its own, a second unwrap refused with
//! the typed error, an expired token refused the same way, and the capability wrapping needs.

use crate::support;

use serde_json::json;
use support::{create_token, dev_server, root_client, settings};
use tresor::devserver::DevServer;
use tresor::secret::Token;
use tresor::vault::wrapping::WRAP_PATH;
use tresor::vault::{KvVersion, Location, MountInfo, SecretEngine, VaultClient, VaultError};

fn location(path: &str) -> Location {
    Location {
        mount: MountInfo {
            path: "secret/".into(),
            engine: SecretEngine::Kv(KvVersion::V2),
            description: String::new(),
        },
        path: path.into(),
    }
}

fn anonymous(server: &DevServer) -> VaultClient {
    VaultClient::new(&settings(server, None)).expect("client")
}

async fn server_with_secret() -> (DevServer, VaultClient) {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let client = root_client(&server);
    support::write_when_ready(
        &client,
        "secret/data/share/db",
        &json!({"data": {"password": "pa55-wörd 🔑", "port": 5432, "opts": {"tls": true}}}),
    )
    .await;
    client
        .write(
            "secret/data/share/db",
            &json!({"data": {"password": "second-pass", "port": 5432, "opts": {"tls": true}}}),
        )
        .await
        .expect("version 2");
    (server, client)
}

#[tokio::test]
async fn wrap_lookup_unwrap_once_and_a_second_unwrap_is_refused() {
    let (server, client) = server_with_secret().await;
    let wrapped = client
        .wrap_secret(&location("share/db"), 600)
        .await
        .expect("wrap");
    assert_eq!(wrapped.version, Some(2), "the current version is wrapped");
    assert_eq!(wrapped.ttl, 600);
    assert_eq!(wrapped.creation_path, WRAP_PATH);
    assert_eq!(wrapped.keys, 3);
    assert!(!wrapped.token.expose().is_empty());

    // Somebody else: no token of their own, only the wrapping token.
    let other = anonymous(&server);
    let lookup = other
        .lookup_wrapping_token(&wrapped.token)
        .await
        .expect("lookup");
    assert_eq!(lookup.creation_path, WRAP_PATH);
    assert_eq!(lookup.creation_ttl, 600);
    assert!(lookup.expires_unix.is_some(), "{lookup:?}");
    // A lookup does not use the token up: a second one works too.
    other
        .lookup_wrapping_token(&wrapped.token)
        .await
        .expect("a lookup leaves the token usable");

    // Pasted with a stray newline, as from a chat message.
    let pasted = Token::new(format!("{}\n", wrapped.token.expose()));
    let data = other.unwrap_data(&pasted).await.expect("unwrap");
    let value = |key: &str| {
        data.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| (e.value.expose().to_string(), e.json))
    };
    assert_eq!(value("password"), Some(("second-pass".into(), false)));
    assert_eq!(value("port"), Some(("5432".into(), true)));
    assert_eq!(value("opts"), Some((r#"{"tls":true}"#.into(), true)));

    let again = other
        .unwrap_data(&wrapped.token)
        .await
        .expect_err("a wrapping token works once");
    assert_eq!(again, VaultError::WrappingTokenInvalid);
    assert!(again.to_string().contains("works once"), "{again}");
    let looked = other
        .lookup_wrapping_token(&wrapped.token)
        .await
        .expect_err("a used token cannot be looked up");
    assert_eq!(looked, VaultError::WrappingTokenInvalid);
    // A token that was never issued gets the same answer (the server does not tell them apart).
    let bogus = other
        .unwrap_data(&Token::new("s.NotAWrappingTokenAtAll1"))
        .await
        .expect_err("invalid");
    assert_eq!(bogus, VaultError::WrappingTokenInvalid);
    let empty = other
        .lookup_wrapping_token(&Token::new("  "))
        .await
        .expect_err("empty");
    assert!(matches!(empty, VaultError::Config(_)), "{empty:?}");
}

#[tokio::test]
async fn unicode_values_and_a_big_secret_round_trip() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let client = root_client(&server);
    let mut data = serde_json::Map::new();
    for n in 0..300 {
        data.insert(format!("key-{n:03}"), json!(format!("値-{n} 🔐 secret")));
    }
    support::write_when_ready(&client, "secret/data/big", &json!({ "data": data })).await;
    let wrapped = client
        .wrap_secret(&location("big"), 60)
        .await
        .expect("wrap");
    assert_eq!(wrapped.keys, 300);
    let data = anonymous(&server)
        .unwrap_data(&wrapped.token)
        .await
        .expect("unwrap");
    assert_eq!(data.entries.len(), 300);
    assert!(
        data.entries
            .iter()
            .any(|e| e.key == "key-299" && e.value.expose() == "値-299 🔐 secret")
    );
}

#[tokio::test]
async fn an_expired_wrapping_token_is_refused_like_a_used_one() {
    let (server, client) = server_with_secret().await;
    let wrapped = client
        .wrap_secret(&location("share/db"), 1)
        .await
        .expect("wrap");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let other = anonymous(&server);
    assert_eq!(
        other.lookup_wrapping_token(&wrapped.token).await,
        Err(VaultError::WrappingTokenInvalid)
    );
    assert_eq!(
        other.unwrap_data(&wrapped.token).await.map(|_| ()),
        Err(VaultError::WrappingTokenInvalid)
    );
}

#[tokio::test]
async fn the_wrap_capability_is_asked_and_a_token_without_it_is_refused() {
    let (server, client) = server_with_secret().await;
    assert_eq!(
        client.path_capabilities(WRAP_PATH).await.expect("root"),
        vec!["root".to_string()]
    );
    client
        .write(
            "sys/policy/read-share",
            &json!({"policy": "path \"secret/data/share/*\" { capabilities = [\"read\"] }\n\
                    path \"sys/capabilities-self\" { capabilities = [\"update\"] }"}),
        )
        .await
        .expect("policy");
    let token = create_token(
        &server,
        &["-policy=read-share", "-no-default-policy", "-ttl=10m"],
    );
    let limited = VaultClient::new(&settings(&server, Some(&Token::new(token)))).expect("client");
    let caps = limited.path_capabilities(WRAP_PATH).await.expect("asked");
    assert_eq!(caps, vec!["deny".to_string()]);
    let refused = limited
        .wrap_secret(&location("share/db"), 60)
        .await
        .expect_err("no update on sys/wrapping/wrap");
    assert!(refused.is_permission_denied(), "{refused:?}");
    // The default policy allows wrapping.
    let default = create_token(&server, &["-policy=default", "-ttl=10m"]);
    let default = VaultClient::new(&settings(&server, Some(&Token::new(default)))).expect("client");
    let caps = default.path_capabilities(WRAP_PATH).await.expect("asked");
    assert!(caps.contains(&"update".to_string()), "{caps:?}");
}
