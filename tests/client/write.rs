//! Writing secrets against a real OpenBao dev server, checked with the real `bao` CLI: create with
//! `cas:0`, edit with check-and-set, a concurrent write refused, merge-patch by a write-only token,
//! KV v1 and cubbyhole, and a 1 MiB unicode value with newlines byte for byte.

use crate::support;

use serde_json::{Value, json};
use support::fixtures::mount;
use support::{bao_json, root_client, seeded_server, settings};
use tresor::secret::Token;
use tresor::vault::write::{WriteEntry, WriteMode, data_bytes, object_bytes};
use tresor::vault::{KvVersion, Location, MountInfo, SecretEngine, VaultClient, VaultError};

fn kv2() -> MountInfo {
    mount("secret/", SecretEngine::Kv(KvVersion::V2))
}

fn entry<'a>(key: &'a str, value: &'a str) -> WriteEntry<'a> {
    WriteEntry {
        key,
        value,
        json: false,
    }
}

fn cli_get(server: &tresor::devserver::DevServer, mount: &str, path: &str) -> Value {
    let mount = format!("-mount={mount}");
    bao_json(server, &["kv", "get", "-format=json", &mount, path])
}

#[tokio::test]
async fn create_then_edit_with_check_and_set() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let data = data_bytes(&[
        entry("user", "svc"),
        WriteEntry {
            key: "limits",
            value: r#"{"rps": 250}"#,
            json: true,
        },
    ])
    .unwrap();
    let version = client
        .write_secret(&kv2(), "new/one", &data, Some(0))
        .await
        .expect("create");
    assert_eq!(version, Some(1));
    let cli = cli_get(&server, "secret", "new/one");
    assert_eq!(
        cli["data"]["data"],
        json!({"user": "svc", "limits": {"rps": 250}})
    );

    // cas:0 again: it exists now, so nothing is overwritten.
    let again = client.write_secret(&kv2(), "new/one", &data, Some(0)).await;
    assert!(
        matches!(again, Err(VaultError::CasMismatch { .. })),
        "{again:?}"
    );

    let edited = data_bytes(&[entry("user", "svc2")]).unwrap();
    assert_eq!(
        client
            .write_secret(&kv2(), "new/one", &edited, Some(1))
            .await
            .unwrap(),
        Some(2)
    );
    // A colleague writes version 3; an edit that started from version 2 is refused.
    server
        .bao(
            &["kv", "put", "-mount=secret", "new/one", "user=colleague"],
            None,
        )
        .unwrap();
    let stale = client
        .write_secret(&kv2(), "new/one", &edited, Some(2))
        .await;
    assert!(
        matches!(stale, Err(VaultError::CasMismatch { .. })),
        "{stale:?}"
    );
    let cli = cli_get(&server, "secret", "new/one");
    assert_eq!(cli["data"]["data"], json!({"user": "colleague"}));
}

#[tokio::test]
async fn bad_paths_are_refused_before_any_request() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let data = data_bytes(&[entry("k", "v")]).unwrap();
    for path in ["folder/", "a/../b", "./a", "a//b", ""] {
        let result = client.write_secret(&kv2(), path, &data, Some(0)).await;
        assert!(
            matches!(result, Err(VaultError::InvalidPath(_))),
            "{path:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_write_only_token_patches_named_keys_without_reading() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    client
        .write(
            "sys/policies/acl/writer",
            &json!({"policy": "path \"secret/data/app/database\" { capabilities = [\"patch\", \"update\"] }"}),
        )
        .await
        .unwrap();
    let created = client
        .write("auth/token/create", &json!({"policies": ["writer"]}))
        .await
        .unwrap();
    let token = Token::new(created["auth"]["client_token"].as_str().unwrap());
    let writer = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    assert!(matches!(
        writer.read_secret(&kv2(), "app/database", None).await,
        Err(VaultError::PermissionDenied { .. })
    ));
    let patch = object_bytes(vec![
        ("password", Some(("rotated-by-writer", false))),
        ("sslmode", None),
    ])
    .unwrap();
    let version = writer
        .patch_secret(&kv2(), "app/database", &patch)
        .await
        .expect("patch");
    assert_eq!(version, Some(4));
    let cli = cli_get(&server, "secret", "app/database");
    assert_eq!(cli["data"]["data"]["password"], "rotated-by-writer");
    assert_eq!(cli["data"]["data"]["username"], "app_rw", "other keys kept");
    assert!(
        cli["data"]["data"].get("sslmode").is_none(),
        "null removes a key"
    );
}

#[tokio::test]
async fn kv1_and_cubbyhole_writes_have_no_versions() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let data = data_bytes(&[entry("user", "ftp2")]).unwrap();
    let kv1 = mount("kv1/", SecretEngine::Kv(KvVersion::V1));
    assert_eq!(
        client
            .write_secret(&kv1, "legacy/ftp", &data, None)
            .await
            .unwrap(),
        None
    );
    let cli = cli_get(&server, "kv1", "legacy/ftp");
    assert_eq!(cli["data"], json!({"user": "ftp2"}));
    let cubbyhole = mount("cubbyhole/", SecretEngine::Cubbyhole);
    client
        .write_secret(&cubbyhole, "scratch", &data, None)
        .await
        .expect("cubbyhole write");
    let back = client
        .read_secret(&cubbyhole, "scratch", None)
        .await
        .unwrap();
    assert_eq!(back.entries[0].value.expose(), "ftp2");
    assert!(matches!(
        client.patch_secret(&kv1, "legacy/ftp", &data).await,
        Err(VaultError::InvalidPath(_))
    ));
}

#[tokio::test]
async fn a_one_mib_unicode_value_with_newlines_round_trips_byte_for_byte() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let line = "ключ秘密 é 👋 \"quoted\" \\ tab\t end\r\n";
    let mut big = String::new();
    while big.len() < 1024 * 1024 {
        big.push_str(line);
    }
    let data = data_bytes(&[entry("blob", &big), entry("trailing", "x\n\n")]).unwrap();
    client
        .write_secret(&kv2(), "big/blob", &data, Some(0))
        .await
        .expect("1 MiB write");
    let back = client.read_secret(&kv2(), "big/blob", None).await.unwrap();
    let blob = back.entries.iter().find(|e| e.key == "blob").unwrap();
    assert_eq!(blob.value.expose().as_bytes(), big.as_bytes());
    let trailing = back.entries.iter().find(|e| e.key == "trailing").unwrap();
    assert_eq!(trailing.value.expose(), "x\n\n");
    let cli = cli_get(&server, "secret", "big/blob");
    assert_eq!(cli["data"]["data"]["blob"].as_str().unwrap(), big);
}

/// A create never replaces a secret: on KV v2 the refused check-and-set 0 and on KV v1 the
/// existence read both come back as `AlreadyExists` (not a check-and-set conflict, which would
/// say someone wrote it "since"); a token that may not read the path gets `ExistenceUnknown`.
#[tokio::test]
async fn a_create_never_replaces_a_secret() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let data = data_bytes(&[entry("user", "mine")]).unwrap();
    let at = |mount: MountInfo, path: &str| Location {
        mount,
        path: path.into(),
    };
    let kv1 = mount("kv1/", SecretEngine::Kv(KvVersion::V1));
    for location in [at(kv2(), "app/database"), at(kv1.clone(), "legacy/ftp")] {
        let before = client
            .read_secret(&location.mount, &location.path, None)
            .await
            .unwrap();
        let result = client
            .save_secret(&location, &data, WriteMode::Create)
            .await;
        assert_eq!(
            result,
            Err(VaultError::AlreadyExists {
                path: location.display()
            })
        );
        let after = client
            .read_secret(&location.mount, &location.path, None)
            .await
            .unwrap();
        assert_eq!(
            before.entries[0].value.expose(),
            after.entries[0].value.expose(),
            "nothing was written to {}",
            location.display()
        );
    }
    // Where nothing is, a create writes: version 1 on KV v2, no version on KV v1.
    assert_eq!(
        client
            .save_secret(&at(kv2(), "fresh/one"), &data, WriteMode::Create)
            .await,
        Ok(Some(1))
    );
    assert_eq!(
        client
            .save_secret(&at(kv1.clone(), "fresh/one"), &data, WriteMode::Create)
            .await,
        Ok(None)
    );
    // Cubbyhole has no versions either: the existence read guards it the same way.
    let cubbyhole = at(mount("cubbyhole/", SecretEngine::Cubbyhole), "mine");
    assert_eq!(
        client
            .save_secret(&cubbyhole, &data, WriteMode::Create)
            .await,
        Ok(None)
    );
    let other = data_bytes(&[entry("user", "theirs")]).unwrap();
    assert_eq!(
        client
            .save_secret(&cubbyhole, &other, WriteMode::Create)
            .await,
        Err(VaultError::AlreadyExists {
            path: cubbyhole.display()
        })
    );
    let kept = client
        .read_secret(&cubbyhole.mount, &cubbyhole.path, None)
        .await
        .unwrap();
    assert_eq!(kept.entries[0].value.expose(), "mine", "not replaced");
    // A token that may write but not read cannot check on KV v1.
    client
        .write(
            "sys/policies/acl/kv1-writer",
            &json!({"policy": "path \"kv1/*\" { capabilities = [\"create\", \"update\"] }"}),
        )
        .await
        .unwrap();
    let created = client
        .write("auth/token/create", &json!({"policies": ["kv1-writer"]}))
        .await
        .unwrap();
    let token = Token::new(created["auth"]["client_token"].as_str().unwrap());
    let writer = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    let unknown = at(kv1, "legacy/ftp");
    assert_eq!(
        writer.save_secret(&unknown, &data, WriteMode::Create).await,
        Err(VaultError::ExistenceUnknown {
            path: unknown.display()
        })
    );
}
