//! The Vault client against a real OpenBao dev server: mounts, KV v1/v2 list and read, odd names,
//! a limited-policy token, 403/404, namespaces, and a redirect that must not carry the token away.

use crate::support;

use serde_json::{Value, json};
use support::{root_client, seeded_server, settings};
use tresor::vault::{KvVersion, MountInfo, SecretEngine, VaultClient, VaultError, VersionState};

fn mount(mounts: &[MountInfo], path: &str) -> MountInfo {
    mounts
        .iter()
        .find(|m| m.path == path)
        .unwrap_or_else(|| panic!("mount {path} missing from {mounts:?}"))
        .clone()
}

fn value_of(secret: &tresor::vault::KvSecret, key: &str) -> String {
    secret
        .entries
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("key {key} missing"))
        .value
        .expose()
        .to_string()
}

#[tokio::test]
async fn mounts_list_and_read_kv_v1_v2_and_cubbyhole() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let mounts = client.secret_mounts().await.expect("mounts");
    let engines: Vec<(&str, &SecretEngine)> = mounts
        .iter()
        .map(|m| (m.path.as_str(), &m.engine))
        .collect();
    assert!(
        engines.contains(&("secret/", &SecretEngine::Kv(KvVersion::V2))),
        "{engines:?}"
    );
    assert!(
        engines.contains(&("kv1/", &SecretEngine::Kv(KvVersion::V1))),
        "{engines:?}"
    );
    assert!(engines.contains(&("team/platform/", &SecretEngine::Kv(KvVersion::V2))));
    assert!(engines.contains(&("cubbyhole/", &SecretEngine::Cubbyhole)));
    assert!(
        !engines
            .iter()
            .any(|(p, _)| *p == "sys/" || *p == "identity/")
    );

    let secret = mount(&mounts, "secret/");
    let root = client.list_folder(&secret, "").await.expect("list root");
    assert_eq!(root, vec!["app/", "shared/", "team-only/"]);
    let app = client
        .list_folder(&secret, "app/")
        .await
        .expect("list app/");
    assert!(app.contains(&"config".to_string()) && app.contains(&"config/".to_string()));

    let database = client
        .read_secret(&secret, "app/database", None)
        .await
        .expect("read");
    assert_eq!(database.version, Some(3));
    assert_eq!(database.state, VersionState::Live);
    assert_eq!(value_of(&database, "password"), "Tr0ub4dor&3");
    let first = client
        .read_secret(&secret, "app/database", Some(1))
        .await
        .expect("v1");
    assert_eq!(value_of(&first, "password"), "correct-horse-1");

    let kv1 = mount(&mounts, "kv1/");
    assert_eq!(
        client.list_folder(&kv1, "legacy/").await.unwrap(),
        vec!["ftp", "ldap"]
    );
    let ldap = client.read_secret(&kv1, "legacy/ldap", None).await.unwrap();
    assert_eq!(ldap.version, None);
    assert_eq!(value_of(&ldap, "bind_password"), "ld4p-legacy");

    let nested = mount(&mounts, "team/platform/");
    let kubeconfig = client
        .read_secret(&nested, "k8s/kubeconfig", None)
        .await
        .unwrap();
    assert!(value_of(&kubeconfig, "kubeconfig").contains("\nkind: Config\n"));

    let cubbyhole = mount(&mounts, "cubbyhole/");
    assert_eq!(
        client.list_folder(&cubbyhole, "").await.unwrap(),
        vec!["my-notes"]
    );
    let notes = client
        .read_secret(&cubbyhole, "my-notes", None)
        .await
        .unwrap();
    assert_eq!(value_of(&notes, "todo"), "rotate the break-glass password");
}

#[tokio::test]
async fn odd_names_round_trip_and_agree_with_the_bao_cli() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let secret = mount(&client.secret_mounts().await.unwrap(), "secret/");
    let names = [
        "with space",
        "ünïcødé-ключ-秘密",
        "hash#tag",
        "what?",
        "100%",
    ];
    let listed = client.list_folder(&secret, "app/").await.unwrap();
    for name in names {
        assert!(
            listed.contains(&name.to_string()),
            "{name} not listed in {listed:?}"
        );
        let ours = client
            .read_secret(&secret, &format!("app/{name}"), None)
            .await
            .unwrap();
        let cli = server
            .bao(
                &[
                    "kv",
                    "get",
                    "-format=json",
                    "-mount=secret",
                    &format!("app/{name}"),
                ],
                None,
            )
            .expect("bao kv get");
        let cli: Value = serde_json::from_str(&cli).unwrap();
        for entry in &ours.entries {
            assert_eq!(
                cli["data"]["data"][&entry.key].as_str(),
                Some(entry.value.expose()),
                "{name}/{}",
                entry.key
            );
        }
    }
    // Written by the real CLI with awkward characters, read back by us.
    let awkward = "tab\there/new\nline and \"quotes\" \u{1F511}";
    server
        .bao(
            &[
                "kv",
                "put",
                "-mount=secret",
                "odd/k e y#?%",
                &format!("v={awkward}"),
            ],
            None,
        )
        .expect("bao kv put");
    let back = client
        .read_secret(&secret, "odd/k e y#?%", None)
        .await
        .unwrap();
    assert_eq!(value_of(&back, "v"), awkward);
    assert_eq!(
        client.list_folder(&secret, "odd/").await.unwrap(),
        vec!["k e y#?%"]
    );
}

#[tokio::test]
async fn limited_token_sees_what_its_policy_allows_and_typed_errors_otherwise() {
    let (server, report) = seeded_server().await;
    let token = report.limited_token.expect("seed creates a limited token");
    let client = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    let mounts = client
        .secret_mounts()
        .await
        .expect("ui mounts work without sys/mounts");
    let secret = mount(&mounts, "secret/");

    match client.list_folder(&secret, "").await {
        Err(VaultError::PermissionDenied { path, operation }) => {
            assert_eq!(path, "secret/metadata/");
            assert_eq!(operation, tresor::vault::Operation::List);
            assert_eq!(operation.to_string(), "list", "as the message words it");
        }
        other => panic!("expected permission denied, got {other:?}"),
    }
    assert!(
        client
            .list_folder(&secret, "app/")
            .await
            .unwrap()
            .contains(&"database".to_string())
    );
    let leaf = client
        .read_secret(&secret, "team-only/break-glass", None)
        .await;
    assert!(
        leaf.is_ok(),
        "a granted leaf under an unlistable parent reads: {leaf:?}"
    );
    let denied = client
        .read_secret(&secret, "shared/smtp", None)
        .await
        .unwrap_err();
    assert_eq!(
        denied.to_string(),
        "permission denied: read on secret/data/shared/smtp"
    );
    let root = root_client(&server);
    let missing = root
        .read_secret(&secret, "app/nope", None)
        .await
        .unwrap_err();
    assert!(
        matches!(missing, VaultError::NotFound { .. }),
        "{missing:?}"
    );
    assert!(matches!(
        root.read_secret(&secret, "app/../shared/smtp", None).await,
        Err(VaultError::InvalidPath(_))
    ));
    // A bad token is a clear 403, not a crash.
    let bad = VaultClient::new(&settings(
        &server,
        Some(&tresor::secret::Token::new("s.bogus")),
    ))
    .unwrap();
    assert!(bad.lookup_self().await.unwrap_err().is_permission_denied());
}

#[tokio::test]
async fn deleted_version_is_reported_with_its_metadata() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let secret = mount(&client.secret_mounts().await.unwrap(), "secret/");
    let deleted = client
        .read_secret(&secret, "app/api", Some(1))
        .await
        .expect("404 body parsed");
    assert_eq!(deleted.version, Some(1));
    assert!(matches!(deleted.state, VersionState::Deleted { .. }));
    assert!(deleted.entries.is_empty());
    server
        .bao(
            &["kv", "destroy", "-mount=secret", "-versions=2", "app/api"],
            None,
        )
        .unwrap();
    let destroyed = client.read_secret(&secret, "app/api", None).await.unwrap();
    assert_eq!(destroyed.state, VersionState::Destroyed);
}

#[tokio::test]
async fn seal_status_and_token_lookup() {
    let (server, report) = seeded_server().await;
    let client = root_client(&server);
    let seal = client.seal_status().await.unwrap();
    assert!(seal.initialized && !seal.sealed);
    assert!(!seal.version.is_empty());
    let root = client.lookup_self().await.unwrap();
    assert_eq!(root.policies, vec!["root"]);
    assert_eq!(root.ttl_seconds, 0);
    let limited = VaultClient::new(&settings(&server, report.limited_token.as_ref()))
        .unwrap()
        .lookup_self()
        .await
        .unwrap();
    assert!(limited.policies.contains(&"app-readonly".to_string()));
    assert!(limited.ttl_seconds > 7 * 3600 && limited.renewable);
    // Seal status needs no token at all.
    let anonymous = VaultClient::new(&settings(&server, None)).unwrap();
    assert!(!anonymous.seal_status().await.unwrap().sealed);
}

#[tokio::test]
async fn namespace_header_scopes_requests() {
    let (server, _) = seeded_server().await;
    server
        .bao(&["namespace", "create", "team-a"], None)
        .expect("namespace create");
    let mut in_namespace = settings(&server, Some(&server.root_token));
    in_namespace.namespace = Some("team-a".into());
    let client = VaultClient::new(&in_namespace).unwrap();
    client
        .write(
            "sys/mounts/kv",
            &json!({"type": "kv", "options": {"version": "2"}}),
        )
        .await
        .unwrap();
    let mounts = client.secret_mounts().await.unwrap();
    let kv = mount(&mounts, "kv/");
    assert!(
        mounts.iter().all(|m| m.path != "secret/"),
        "root namespace mounts leaked: {mounts:?}"
    );
    let mut attempts = 0;
    while let Err(error) = client
        .write("kv/data/only-here", &json!({"data": {"k": "ns"}}))
        .await
    {
        attempts += 1;
        assert!(attempts < 50, "write in namespace: {error}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        client.list_folder(&kv, "").await.unwrap(),
        vec!["only-here"]
    );
    let cli = server
        .bao(
            &[
                "kv",
                "get",
                "-namespace=team-a",
                "-mount=kv",
                "-field=k",
                "only-here",
            ],
            None,
        )
        .unwrap();
    assert_eq!(cli.trim(), "ns");
}

/// A token made inside a namespace says so in its lookup (tresor starts there), and a namespace
/// that does not exist is named as such instead of "not found: auth/token/lookup-self".
#[tokio::test]
async fn a_token_knows_its_namespace_and_a_missing_namespace_is_named() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .unwrap();
    server
        .bao(&["namespace", "create", "team-b"], None)
        .expect("namespace create");
    let token = server
        .bao(
            &["token", "create", "-namespace=team-b", "-field=token"],
            None,
        )
        .expect("token in namespace");
    let token = tresor::secret::Token::new(token.trim());
    let at_root = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    let info = at_root.lookup_self().await.expect("lookup at the root");
    assert_eq!(info.namespace.as_deref(), Some("team-b"));
    let root_info = root_client(&server).lookup_self().await.unwrap();
    assert_eq!(root_info.namespace, None);

    let mut nowhere = settings(&server, Some(&server.root_token));
    nowhere.namespace = Some("nope".into());
    let error = VaultClient::new(&nowhere)
        .unwrap()
        .lookup_self()
        .await
        .unwrap_err();
    assert_eq!(
        error,
        VaultError::NamespaceNotFound {
            namespace: "nope".into()
        }
    );
    assert!(error.to_string().contains("namespace \"nope\" not found"));
}

/// Seal status, health and the leader exist only in the root namespace: asked from a session in a
/// namespace they still answer (OpenBao refuses them with a namespace header).
#[tokio::test]
async fn cluster_routes_answer_from_a_session_in_a_namespace() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .unwrap();
    server
        .bao(&["namespace", "create", "team-c"], None)
        .expect("namespace create");
    let mut in_namespace = settings(&server, Some(&server.root_token));
    in_namespace.namespace = Some("team-c".into());
    let client = VaultClient::new(&in_namespace).unwrap();
    assert_eq!(
        client.health().await.unwrap(),
        tresor::vault::seal::Health::Active
    );
    assert!(!client.seal_status().await.unwrap().sealed);
    assert!(client.leader().await.is_ok());
    client
        .ha_status()
        .await
        .expect("ha-status from a namespaced session");
}
