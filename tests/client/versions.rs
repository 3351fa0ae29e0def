//! KV v2 history against a real OpenBao dev server: a secret with 27 versions, some soft-deleted and
//! destroyed; every operation round-trips and agrees with the real `bao` CLI; rollback under a
//! concurrent write is a conflict, not an overwrite; metadata edits and their validation errors;
//! capabilities of a limited token.

use crate::support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::{bao_json, bao_kv_metadata, dev_server, root_client, settings};
use tresor::devserver::DevServer;
use tresor::secret::Token;
use tresor::vault::versions::VersionChange;
use tresor::vault::{
    KvVersion, MetadataChange, MountInfo, SecretEngine, VaultClient, VaultError, VersionState,
};

const PATH: &str = "history/rotating";

fn secret_mount() -> MountInfo {
    MountInfo {
        path: "secret/".into(),
        engine: SecretEngine::Kv(KvVersion::V2),
        description: String::new(),
    }
}

/// 27 versions (max_versions raised so none is pruned); 5 and 9 soft-deleted, 3 destroyed.
async fn history_server() -> (DevServer, VaultClient) {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let client = root_client(&server);
    client
        .write(
            &format!("secret/metadata/{PATH}"),
            &json!({"max_versions": 100}),
        )
        .await
        .expect("metadata");
    for n in 1..=27u64 {
        let mut data = json!({"token": format!("tok-{n}"), "stable": "same"});
        if n.is_multiple_of(2) {
            data["even"] = json!(n);
        }
        client
            .write(&format!("secret/data/{PATH}"), &json!({"data": data}))
            .await
            .expect("write version");
    }
    client
        .change_versions(&secret_mount(), PATH, VersionChange::Delete, &[5, 9])
        .await
        .expect("soft-delete");
    client
        .change_versions(&secret_mount(), PATH, VersionChange::Destroy, &[3])
        .await
        .expect("destroy");
    (server, client)
}

#[tokio::test]
async fn history_agrees_with_bao_kv_metadata_get_and_kv_get() {
    let (server, client) = history_server().await;
    let mount = secret_mount();
    let metadata = client.read_metadata(&mount, PATH).await.expect("metadata");
    assert_eq!(metadata.current_version, 27);
    assert_eq!(metadata.versions.len(), 27, "every version, not a page");
    assert_eq!(metadata.versions[0].version, 27, "newest first");

    let cli = bao_kv_metadata(&server, "secret", PATH);
    assert_eq!(cli["current_version"], json!(metadata.current_version));
    assert_eq!(cli["oldest_version"], json!(metadata.oldest_version));
    assert_eq!(cli["max_versions"], json!(metadata.max_versions));
    assert_eq!(cli["created_time"], json!(metadata.created_time));
    assert_eq!(cli["updated_time"], json!(metadata.updated_time));
    for version in &metadata.versions {
        let theirs = &cli["versions"][version.version.to_string()];
        assert_eq!(theirs["created_time"], json!(version.created_time));
        assert_eq!(theirs["destroyed"], json!(version.destroyed));
        assert_eq!(
            theirs["deletion_time"],
            json!(version.deletion_time.clone().unwrap_or_default())
        );
    }
    let states: BTreeMap<u64, (bool, bool)> = metadata
        .versions
        .iter()
        .map(|v| (v.version, (v.deletion_time.is_some(), v.destroyed)))
        .collect();
    assert_eq!(states[&5], (true, false));
    assert_eq!(states[&9], (true, false));
    assert!(states[&3].1, "version 3 is destroyed");
    assert_eq!(states[&4], (false, false));

    for n in [1u64, 4, 26, 27] {
        let ours = client
            .read_secret(&mount, PATH, Some(n))
            .await
            .expect("read version");
        let theirs = bao_json(
            &server,
            &[
                "kv",
                "get",
                "-format=json",
                &format!("-version={n}"),
                "-mount=secret",
                PATH,
            ],
        );
        let data = theirs["data"]["data"].as_object().expect("cli data");
        assert_eq!(ours.entries.len(), data.len());
        for entry in &ours.entries {
            let expected = match &data[&entry.key] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(
                entry.value.expose(),
                expected,
                "version {n} key {}",
                entry.key
            );
        }
        assert_eq!(ours.version, Some(n));
    }
    let deleted = client.read_secret(&mount, PATH, Some(5)).await.unwrap();
    assert!(matches!(deleted.state, VersionState::Deleted { .. }));
    let destroyed = client.read_secret(&mount, PATH, Some(3)).await.unwrap();
    assert_eq!(destroyed.state, VersionState::Destroyed);
}

#[tokio::test]
async fn delete_undelete_destroy_and_delete_all_round_trip() {
    let (server, client) = history_server().await;
    let mount = secret_mount();
    client
        .change_versions(&mount, PATH, VersionChange::Undelete, &[5])
        .await
        .expect("undelete");
    let five = client.read_secret(&mount, PATH, Some(5)).await.unwrap();
    assert_eq!(five.state, VersionState::Live);
    assert_eq!(
        five.entries
            .iter()
            .find(|e| e.key == "token")
            .unwrap()
            .value
            .expose(),
        "tok-5"
    );

    client
        .change_versions(&mount, PATH, VersionChange::Destroy, &[20, 21])
        .await
        .expect("destroy");
    let cli = bao_kv_metadata(&server, "secret", PATH);
    assert_eq!(cli["versions"]["20"]["destroyed"], json!(true));
    assert_eq!(cli["versions"]["21"]["destroyed"], json!(true));
    // Undelete cannot bring a destroyed version back.
    client
        .change_versions(&mount, PATH, VersionChange::Undelete, &[20])
        .await
        .expect("undelete of a destroyed version is accepted and does nothing");
    let twenty = client.read_secret(&mount, PATH, Some(20)).await.unwrap();
    assert_eq!(twenty.state, VersionState::Destroyed);

    client
        .delete_latest(&mount, PATH)
        .await
        .expect("delete latest");
    let latest = client.read_secret(&mount, PATH, None).await.unwrap();
    assert!(matches!(latest.state, VersionState::Deleted { .. }));

    assert!(matches!(
        client
            .change_versions(&mount, PATH, VersionChange::Delete, &[])
            .await,
        Err(VaultError::InvalidPath(_))
    ));

    client
        .delete_all_versions(&mount, PATH)
        .await
        .expect("delete all");
    assert!(matches!(
        client.read_metadata(&mount, PATH).await,
        Err(VaultError::NotFound { .. })
    ));
    assert!(
        server
            .bao(&["kv", "metadata", "get", "-mount=secret", PATH], None)
            .is_err(),
        "the CLI agrees the secret is gone"
    );
}

#[tokio::test]
async fn rollback_writes_the_old_data_as_a_new_version_with_cas() {
    let (server, client) = history_server().await;
    let mount = secret_mount();
    let new_version = client
        .rollback(&mount, PATH, 4, 27)
        .await
        .expect("rollback");
    assert_eq!(new_version, 28);
    let cli = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", PATH],
    );
    assert_eq!(
        cli["data"]["data"],
        json!({"token": "tok-4", "stable": "same", "even": 4})
    );
    assert_eq!(cli["data"]["metadata"]["version"], json!(28));

    // Someone writes after the user looked at version 28: the rollback must not overwrite it.
    server
        .bao(
            &["kv", "put", "-mount=secret", PATH, "token=colleague"],
            None,
        )
        .expect("concurrent write");
    let conflict = client.rollback(&mount, PATH, 10, 28).await;
    assert!(
        matches!(conflict, Err(VaultError::CasMismatch { .. })),
        "{conflict:?}"
    );
    let cli = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", PATH],
    );
    assert_eq!(cli["data"]["data"], json!({"token": "colleague"}));
    assert_eq!(cli["data"]["metadata"]["version"], json!(29));

    // A version without data cannot be rolled back to, and says why.
    let error = client.rollback(&mount, PATH, 3, 29).await.unwrap_err();
    assert!(
        error.to_string().contains("version 3 has no data"),
        "{error}"
    );
}

#[tokio::test]
async fn metadata_changes_merge_and_validation_errors_come_back_verbatim() {
    let (server, client) = history_server().await;
    let mount = secret_mount();
    client
        .write(
            &format!("secret/metadata/{PATH}"),
            &json!({"custom_metadata": {"owner": "ops", "gone": "soon"}}),
        )
        .await
        .unwrap();
    let before = client.read_metadata(&mount, PATH).await.unwrap();
    let mut change = MetadataChange {
        max_versions: Some(40),
        cas_required: Some(true),
        delete_version_after: Some("720h".into()),
        ..Default::default()
    };
    change.custom_metadata.insert("gone".into(), None);
    change
        .custom_metadata
        .insert("team".into(), Some("platform".into()));
    client
        .change_metadata(&mount, PATH, &change, &before.custom_metadata)
        .await
        .expect("patch metadata");
    let cli = bao_kv_metadata(&server, "secret", PATH);
    assert_eq!(cli["max_versions"], json!(40));
    assert_eq!(cli["cas_required"], json!(true));
    assert_eq!(cli["delete_version_after"], json!("720h0m0s"));
    assert_eq!(
        cli["custom_metadata"],
        json!({"owner": "ops", "team": "platform"})
    );

    let mut too_long = MetadataChange::default();
    too_long
        .custom_metadata
        .insert("k".repeat(129), Some("v".into()));
    let error = client
        .change_metadata(&mount, PATH, &too_long, &BTreeMap::new())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("must be 0 < len(key) <= 128"),
        "the server's own words: {error}"
    );
}

#[tokio::test]
async fn capabilities_of_a_limited_token_name_what_it_may_do() {
    let (server, client) = history_server().await;
    client
        .write(
            "sys/policies/acl/history-reader",
            &json!({"policy": format!(
                "path \"secret/metadata/{PATH}\" {{ capabilities = [\"read\"] }}\n\
                 path \"secret/delete/{PATH}\" {{ capabilities = [\"update\"] }}\n"
            )}),
        )
        .await
        .unwrap();
    let created = client
        .write(
            "auth/token/create",
            &json!({"policies": ["history-reader"], "ttl": "1h"}),
        )
        .await
        .unwrap();
    let token = Token::new(
        created["auth"]["client_token"]
            .as_str()
            .expect("token")
            .to_string(),
    );
    let limited = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    let mount = secret_mount();
    let caps = limited
        .secret_capabilities(&mount, PATH)
        .await
        .expect("caps");
    assert!(caps.read_metadata());
    assert!(!caps.read_data());
    assert!(caps.soft_delete(false));
    assert!(!caps.undelete() && !caps.destroy() && !caps.delete_all());
    assert!(!caps.edit_metadata() && !caps.write_data());
    // The versions are visible without the data.
    let metadata = limited.read_metadata(&mount, PATH).await.expect("metadata");
    assert_eq!(metadata.versions.len(), 27);
    assert!(matches!(
        limited.read_secret(&mount, PATH, None).await,
        Err(VaultError::PermissionDenied { .. })
    ));
    let root_caps = client.secret_capabilities(&mount, PATH).await.unwrap();
    assert!(root_caps.destroy() && root_caps.delete_all());
}

/// OpenBao's metadata check-and-set: `metadata_cas_required` on the secret (or on the mount's
/// `config`) makes every metadata write carry `metadata_cas`, the `current_metadata_version` the
/// form was opened at. The `m` form's change must save on such a secret.
#[tokio::test]
async fn the_metadata_form_saves_where_metadata_check_and_set_is_required() {
    let (server, client) = history_server().await;
    let mount = secret_mount();
    client
        .write(
            &format!("secret/metadata/{PATH}"),
            &json!({"metadata_cas_required": true}),
        )
        .await
        .expect("require metadata cas");
    let location = tresor::app::tree::Location {
        mount: mount.clone(),
        path: PATH.into(),
    };
    let before = client.read_metadata(&mount, PATH).await.unwrap();
    let mut form = tresor::app::metadata_form::MetadataForm::new(location.clone(), &before);
    form.max_versions = tresor::app::input::TextInput::with_text("41");
    let change = form.change().unwrap();
    client
        .change_metadata(&mount, PATH, &change, &before.custom_metadata)
        .await
        .expect("saved with the metadata version the form was opened at");
    let cli = bao_kv_metadata(&server, "secret", PATH);
    assert_eq!(cli["max_versions"], json!(41));
    // A form opened before that save is now stale: refused, not applied over it.
    let mut stale = tresor::app::metadata_form::MetadataForm::new(location, &before);
    stale.max_versions = tresor::app::input::TextInput::with_text("42");
    let error = client
        .change_metadata(
            &mount,
            PATH,
            &stale.change().unwrap(),
            &before.custom_metadata,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, VaultError::CasMismatch { .. }), "{error:?}");
    assert_eq!(
        bao_kv_metadata(&server, "secret", PATH)["max_versions"],
        json!(41)
    );

    // The setting itself is read, and the form turns it off.
    let now = client.read_metadata(&mount, PATH).await.unwrap();
    assert_eq!(now.metadata_cas_required, Some(true));
    assert_eq!(
        now.current_metadata_version,
        Some(before.current_metadata_version.unwrap() + 1)
    );
    let mut form = tresor::app::metadata_form::MetadataForm::new(
        tresor::app::tree::Location {
            mount: mount.clone(),
            path: PATH.into(),
        },
        &now,
    );
    form.metadata_cas_required = Some(false);
    client
        .change_metadata(&mount, PATH, &form.change().unwrap(), &now.custom_metadata)
        .await
        .unwrap();
    let cli = bao_kv_metadata(&server, "secret", PATH);
    assert_eq!(cli["metadata_cas_required"], json!(false));
    assert_eq!(cli["max_versions"], json!(41));
}

/// A server without PATCH (405) gets the change as a POST, with the custom metadata sent
/// complete (a POST replaces it): what was there and not changed stays, a removed key goes.
#[tokio::test(flavor = "multi_thread")]
async fn a_metadata_change_falls_back_to_post_where_patch_is_refused() {
    let (server, client) = history_server().await;
    let mount = secret_mount();
    client
        .write(
            &format!("secret/metadata/{PATH}"),
            &json!({"custom_metadata": {"owner": "ops", "gone": "soon"}}),
        )
        .await
        .unwrap();
    let before = client.read_metadata(&mount, PATH).await.unwrap();
    let proxy = support::recorder::RecordingProxy::refusing(&server.addr, Some(("PATCH", 405)));
    let mut proxied = settings(&server, Some(&server.root_token));
    proxied.addr = proxy.addr.clone();
    let via_proxy = VaultClient::new(&proxied).unwrap();
    let mut change = MetadataChange {
        max_versions: Some(12),
        ..Default::default()
    };
    change.custom_metadata.insert("gone".into(), None);
    change
        .custom_metadata
        .insert("team".into(), Some("platform".into()));
    via_proxy
        .change_metadata(&mount, PATH, &change, &before.custom_metadata)
        .await
        .expect("saved by POST");
    let methods: Vec<String> = proxy
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(&format!("secret/metadata/{PATH}")))
        .map(|r| r.method)
        .collect();
    assert_eq!(methods, ["PATCH", "POST"], "refused, then posted");
    let cli = bao_kv_metadata(&server, "secret", PATH);
    assert_eq!(cli["max_versions"], json!(12));
    assert_eq!(
        cli["custom_metadata"],
        json!({"owner": "ops", "team": "platform"})
    );
}
