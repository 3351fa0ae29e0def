//! The folder engine (copy, move, delete, export/import) against real OpenBao dev servers,
//! checked with the `bao` CLI: odd names across KV v1 and v2, every-version copies, conflicts
//! between plan and run, cancellation, unlistable folders, a rate-limit quota, two servers.

use crate::support;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::{bao_json, bao_kv_metadata, create_token, dev_server, root_client, settings};
use tresor::devserver::DevServer;
use tresor::secret::Token;
use tresor::vault::folder::{
    self, CancelToken, Choices, Existing, FolderError, ItemOutcome, OutcomeKind, PlanOptions,
    Progress, SkipReason, TargetState, TreeRef,
};
use tresor::vault::{KvVersion, MountInfo, SecretEngine, VaultClient};

/// Names that break naive code: a space, unicode, `#?%`, and a leaf and a folder of one name.
pub const ODD: [&str; 7] = [
    "with space",
    "ünïcødé-ключ-秘密",
    "100%",
    "what?",
    "hash#tag",
    "config",
    "config/overrides",
];

async fn server() -> DevServer {
    tokio::task::spawn_blocking(dev_server).await.expect("join")
}

pub async fn mount_kv(client: &VaultClient, path: &str, version: KvVersion) -> MountInfo {
    let version_text = match version {
        KvVersion::V1 => "1",
        KvVersion::V2 => "2",
    };
    client
        .write(
            &format!("sys/mounts/{path}"),
            &json!({"type": "kv", "options": {"version": version_text}}),
        )
        .await
        .expect("mount");
    MountInfo {
        path: format!("{path}/"),
        engine: SecretEngine::Kv(version),
        description: String::new(),
    }
}

/// Writes `data` at `path` below `mount` (riding out a new KV v2 mount's upgrade window).
pub async fn put(client: &VaultClient, mount: &MountInfo, path: &str, data: Value) {
    let (api, body) = match mount.engine {
        SecretEngine::Kv(KvVersion::V2) => (
            format!("{}data/{path}", mount.path),
            json!({ "data": data }),
        ),
        _ => (format!("{}{path}", mount.path), data),
    };
    support::write_when_ready(client, &api, &body).await;
}

/// What `bao kv get` shows of a secret (`None`: not there).
fn bao_get(server: &DevServer, mount: &MountInfo, path: &str) -> Option<Value> {
    let mount_flag = format!("-mount={}", mount.path.trim_end_matches('/'));
    let out = server
        .bao(&["kv", "get", "-format=json", &mount_flag, path], None)
        .ok()?;
    let answer: Value = serde_json::from_str(&out).expect("json");
    Some(match mount.engine {
        SecretEngine::Kv(KvVersion::V2) => answer["data"]["data"].clone(),
        _ => answer["data"].clone(),
    })
}

/// Every secret below `folder` by `bao kv list`, walked.
fn bao_walk(server: &DevServer, mount: &MountInfo, folder: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(listed) = server.bao(
        &[
            "kv",
            "list",
            "-format=json",
            &format!("{}{folder}", mount.path),
        ],
        None,
    ) else {
        return out;
    };
    let keys: Vec<String> = serde_json::from_str(&listed).unwrap();
    for key in keys {
        let full = format!("{folder}{key}");
        if key.ends_with('/') {
            out.extend(bao_walk(server, mount, &full));
        } else {
            out.insert(full);
        }
    }
    out
}

fn value_of(name: &str) -> Value {
    json!({
        "name": name,
        "nested": {"list": [1, 2.5, "é", null], "deep": {"k": name}},
        "json_text": "{\"a\": [1, 2]}",
    })
}

async fn run(plan: &folder::Plan, existing: Existing) -> folder::Report {
    let (sender, _receiver) = tokio::sync::mpsc::unbounded_channel();
    folder::run(plan, &Choices { existing }, &sender, &CancelToken::new()).await
}

fn outcomes(report: &folder::Report) -> Vec<(String, OutcomeKind)> {
    report
        .items
        .iter()
        .map(|i| (i.relative.clone(), i.outcome.kind()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn odd_names_copy_across_kv_v1_and_v2_as_bao_sees_them() {
    let server = server().await;
    let client = root_client(&server);
    let v2 = mount_kv(&client, "src2", KvVersion::V2).await;
    let v1 = mount_kv(&client, "src1", KvVersion::V1).await;
    let to_v1 = mount_kv(&client, "dst1", KvVersion::V1).await;
    let to_v2 = mount_kv(&client, "dst2", KvVersion::V2).await;
    for name in ODD {
        put(&client, &v2, &format!("t/{name}"), value_of(name)).await;
        put(&client, &v1, &format!("t/{name}"), value_of(name)).await;
    }
    let tree =
        |mount: &MountInfo, prefix: &str| TreeRef::new(client.clone(), mount.clone(), prefix);
    let expected: BTreeSet<String> = ODD.iter().map(|n| n.to_string()).collect();
    for (source, target, prefix) in [
        (&v2, &to_v1, "from2/"),
        (&v1, &to_v2, "from1/"),
        (&v2, &to_v2, "from2/"),
        (&v1, &to_v1, "from1/"),
    ] {
        let plan = folder::plan_copy(
            &tree(source, "t"),
            &tree(target, prefix),
            PlanOptions::default(),
            None,
        )
        .await
        .expect("plan");
        let planned: BTreeSet<String> = plan.items.iter().map(|i| i.relative.clone()).collect();
        assert_eq!(planned, expected, "{} -> {}", source.path, target.path);
        assert!(plan.items.iter().all(|i| i.target == TargetState::Absent));
        let report = run(&plan, Existing::Skip).await;
        assert!(
            report
                .items
                .iter()
                .all(|i| i.outcome.kind() == OutcomeKind::Done),
            "{:?}",
            outcomes(&report)
        );
        tokio::task::block_in_place(|| {
            let listed = bao_walk(&server, target, prefix);
            let want: BTreeSet<String> = ODD.iter().map(|n| format!("{prefix}{n}")).collect();
            assert_eq!(listed, want, "bao kv list of {}{prefix}", target.path);
            for name in ODD {
                assert_eq!(
                    bao_get(&server, target, &format!("{prefix}{name}")),
                    Some(value_of(name)),
                    "{}{prefix}{name}",
                    target.path
                );
            }
        });
    }
}

fn bao(server: &DevServer, args: &[&str]) {
    server.bao(args, None).unwrap_or_else(|e| panic!("{e}"));
}

/// The versions part of `bao kv metadata get` as (version, destroyed, deleted) triples, the
/// current version and the custom metadata.
fn history(server: &DevServer, mount: &str, path: &str) -> (Vec<(u64, bool, bool)>, Value, Value) {
    let metadata = bao_kv_metadata(server, mount, path);
    let mut versions: Vec<(u64, bool, bool)> = metadata["versions"]
        .as_object()
        .expect("versions")
        .iter()
        .map(|(n, v)| {
            (
                n.parse().unwrap(),
                v["destroyed"] == json!(true),
                v["deletion_time"].as_str().is_some_and(|t| !t.is_empty()),
            )
        })
        .collect();
    versions.sort();
    (
        versions,
        metadata["current_version"].clone(),
        metadata["custom_metadata"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_every_version_copy_matches_bao_kv_metadata_get_on_both_sides() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V2).await;
    for version in 1..=5 {
        put(
            &client,
            &source,
            "h/app",
            json!({"v": version, "name": "ключ"}),
        )
        .await;
    }
    put(&client, &source, "h/plain", json!({"only": "one"})).await;
    tokio::task::block_in_place(|| {
        bao(
            &server,
            &["kv", "delete", "-mount=src", "-versions=2", "h/app"],
        );
        bao(
            &server,
            &["kv", "destroy", "-mount=src", "-versions=3", "h/app"],
        );
        bao(
            &server,
            &[
                "kv",
                "metadata",
                "put",
                "-mount=src",
                "-custom-metadata=owner=team a",
                "h/app",
            ],
        );
    });
    let options = PlanOptions {
        all_versions: true,
        ..PlanOptions::default()
    };
    let plan = folder::plan_copy(
        &TreeRef::new(client.clone(), source.clone(), "h/"),
        &TreeRef::new(client.clone(), target.clone(), "copy/"),
        options,
        None,
    )
    .await
    .expect("plan");
    let app = plan.items.iter().find(|i| i.relative == "app").unwrap();
    assert_eq!(
        app.versions,
        vec![
            folder::VersionStep::Live(1),
            folder::VersionStep::Deleted(2),
            folder::VersionStep::Destroyed(3),
            folder::VersionStep::Live(4),
            folder::VersionStep::Live(5),
        ]
    );
    let report = run(&plan, Existing::Skip).await;
    assert!(report.complete(), "{:?}", outcomes(&report));
    tokio::task::block_in_place(|| {
        for name in ["app", "plain"] {
            let from = history(&server, "src", &format!("h/{name}"));
            let to = history(&server, "dst", &format!("copy/{name}"));
            assert_eq!(
                from, to,
                "{name}: versions, current version, custom metadata"
            );
        }
        for version in ["1", "4", "5"] {
            let get = |mount: &str, path: &str| {
                bao_json(
                    &server,
                    &[
                        "kv",
                        "get",
                        "-format=json",
                        &format!("-mount={mount}"),
                        &format!("-version={version}"),
                        path,
                    ],
                )["data"]["data"]
                    .clone()
            };
            assert_eq!(
                get("src", "h/app"),
                get("dst", "copy/app"),
                "version {version}"
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_written_between_plan_and_run_is_a_conflict_and_left_intact() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    for (target_mount, version) in [("dst2", KvVersion::V2), ("dst1", KvVersion::V1)] {
        let target = mount_kv(&client, target_mount, version).await;
        for name in ["appears", "changes", "fresh", "kept"] {
            put(
                &client,
                &source,
                &format!("c/{name}"),
                json!({"from": "source"}),
            )
            .await;
        }
        put(&client, &target, "c/changes", json!({"was": "there"})).await;
        put(&client, &target, "c/kept", json!({"was": "there"})).await;
        let plan = folder::plan_copy(
            &TreeRef::new(client.clone(), source.clone(), "c"),
            &TreeRef::new(client.clone(), target.clone(), "c"),
            PlanOptions::default(),
            None,
        )
        .await
        .expect("plan");
        let counts = plan.counts();
        assert_eq!((counts.new, counts.existing), (2, 2), "{target_mount}");
        // Someone writes after the plan: a secret appears, an existing one changes.
        let flag = format!("-mount={target_mount}");
        tokio::task::block_in_place(|| {
            bao(&server, &["kv", "put", &flag, "c/appears", "by=colleague"]);
            bao(&server, &["kv", "put", &flag, "c/changes", "by=colleague"]);
        });
        let report = run(&plan, Existing::Overwrite).await;
        assert_eq!(
            outcomes(&report),
            vec![
                ("appears".into(), OutcomeKind::Conflict),
                ("changes".into(), OutcomeKind::Conflict),
                ("fresh".into(), OutcomeKind::Done),
                ("kept".into(), OutcomeKind::Done),
            ],
            "{target_mount}"
        );
        tokio::task::block_in_place(|| {
            for name in ["appears", "changes"] {
                assert_eq!(
                    bao_get(&server, &target, &format!("c/{name}")),
                    Some(json!({"by": "colleague"})),
                    "{target_mount}: {name} left as the colleague wrote it"
                );
            }
            assert_eq!(
                bao_get(&server, &target, "c/kept"),
                Some(json!({"from": "source"})),
                "overwritten as planned"
            );
        });
        // Without --overwrite, existing targets are skipped and named.
        let again = folder::plan_copy(
            &TreeRef::new(client.clone(), source.clone(), "c"),
            &TreeRef::new(client.clone(), target.clone(), "c"),
            PlanOptions::default(),
            None,
        )
        .await
        .unwrap();
        let report = run(&again, Existing::Skip).await;
        assert!(
            report
                .items
                .iter()
                .all(|i| i.outcome == ItemOutcome::Skipped(SkipReason::Exists)),
            "{:?}",
            outcomes(&report)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_mid_way_leaves_no_partial_secret_and_the_report_matches_the_server() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V2).await;
    let total = 300;
    let writes = (0..total).map(|n| {
        let (client, source) = (&client, &source);
        async move {
            for version in 0..3 {
                put(
                    client,
                    source,
                    &format!("many/s{n:03}"),
                    json!({"n": n, "v": version}),
                )
                .await;
            }
        }
    });
    futures_util::future::join_all(writes).await;
    let options = PlanOptions {
        all_versions: true,
        ..PlanOptions::default()
    };
    let plan = folder::plan_copy(
        &TreeRef::new(client.clone(), source.clone(), "many"),
        &TreeRef::new(client.clone(), target.clone(), "many"),
        options,
        None,
    )
    .await
    .expect("plan");
    assert_eq!(plan.items.len(), total);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancelToken::new();
    let running = tokio::spawn({
        let (plan, cancel) = (plan.clone(), cancel.clone());
        async move { folder::run(&plan, &Choices::default(), &sender, &cancel).await }
    });
    let mut seen = 0;
    while let Some(event) = receiver.recv().await {
        if let Progress::Item { done, total: t, .. } = event {
            assert_eq!(t, total);
            seen = done;
            if done == 40 {
                cancel.cancel();
            }
        }
    }
    let report = running.await.expect("run");
    assert!(report.cancelled);
    assert_eq!(
        seen, total,
        "every item is reported, the cancelled ones too"
    );
    let counts = report.counts();
    assert!(counts.done >= 40 && counts.done < total, "{counts:?}");
    assert_eq!(counts.done + counts.cancelled, total, "{counts:?}");
    // The server holds exactly the items reported done, each with its three versions.
    let done: BTreeSet<String> = report
        .items
        .iter()
        .filter(|i| i.outcome.kind() == OutcomeKind::Done)
        .map(|i| format!("many/{}", i.relative))
        .collect();
    let on_server = tokio::task::block_in_place(|| bao_walk(&server, &target, "many/"));
    assert_eq!(on_server, done);
    for path in done.iter().take(60) {
        let metadata = client.read_metadata(&target, path).await.expect("metadata");
        assert_eq!(metadata.current_version, 3, "{path}: a whole secret");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_the_token_cannot_list_is_skipped_and_named() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V2).await;
    put(&client, &source, "u/open/x", json!({"k": "v"})).await;
    put(&client, &source, "u/locked/y", json!({"k": "v"})).await;
    client
        .write(
            "sys/policies/acl/partial",
            &json!({"policy": r#"
                path "src/metadata/u/*" { capabilities = ["list"] }
                path "src/metadata/u/locked/*" { capabilities = ["deny"] }
                path "src/data/*" { capabilities = ["read"] }
                path "dst/*" { capabilities = ["create", "read", "update", "list"] }
            "#}),
        )
        .await
        .unwrap();
    let token = tokio::task::block_in_place(|| create_token(&server, &["-policy=partial"]));
    let limited = VaultClient::new(&settings(&server, Some(&Token::new(token)))).expect("client");
    let plan = folder::plan_copy(
        &TreeRef::new(limited.clone(), source.clone(), "u"),
        &TreeRef::new(limited.clone(), target.clone(), "u"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    assert_eq!(plan.unlistable, vec!["src/u/locked/".to_string()]);
    let names: Vec<&str> = plan.items.iter().map(|i| i.relative.as_str()).collect();
    assert_eq!(names, vec!["open/x"]);
    let report = run(&plan, Existing::Skip).await;
    assert_eq!(report.counts().done, 1);
    assert_eq!(report.unlistable, vec!["src/u/locked/".to_string()]);
    assert!(
        !report.complete(),
        "a skipped folder is not a complete copy"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_quota_is_waited_out() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V1).await;
    let total = 60;
    futures_util::future::join_all((0..total).map(|n| {
        let (client, source) = (&client, &source);
        async move { put(client, source, &format!("rl/s{n:02}"), json!({"n": n})).await }
    }))
    .await;
    client
        .write(
            "sys/quotas/rate-limit/slow",
            &json!({"path": "", "rate": 15, "interval": "1s"}),
        )
        .await
        .expect("quota");
    // The quota bites: a burst is refused with 429.
    let burst = futures_util::future::join_all(
        (0..40).map(|_| client.read_secret(&source, "rl/s00", None)),
    )
    .await;
    assert!(
        burst
            .iter()
            .any(|r| matches!(r, Err(tresor::vault::VaultError::RateLimited { .. }))),
        "the quota is in force"
    );
    let plan = folder::plan_copy(
        &TreeRef::new(client.clone(), source.clone(), "rl"),
        &TreeRef::new(client.clone(), target.clone(), "rl"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    assert_eq!(plan.items.len(), total);
    let report = run(&plan, Existing::Skip).await;
    assert!(report.complete(), "{:?}", outcomes(&report));
    assert_eq!(report.counts().done, total);
    // The removal itself may meet the quota the copy just used up: asked again after a pause.
    let mut attempts = 0;
    loop {
        match client
            .send(
                tresor::vault::Operation::Delete,
                "sys/quotas/rate-limit/slow",
                None,
            )
            .await
        {
            Err(tresor::vault::VaultError::RateLimited { .. }) if attempts < 20 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            answer => {
                answer.expect("quota removed");
                break;
            }
        }
    }
    let listed = tokio::task::block_in_place(|| bao_walk(&server, &target, "rl/"));
    assert_eq!(listed.len(), total);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_goes_from_one_server_to_another() {
    let (a, b) = tokio::join!(server(), server());
    let (from, to) = (root_client(&a), root_client(&b));
    let secret = MountInfo {
        path: "secret/".into(),
        engine: SecretEngine::Kv(KvVersion::V2),
        description: String::new(),
    };
    for name in ODD {
        put(&from, &secret, &format!("staging/{name}"), value_of(name)).await;
    }
    // The same address is never assumed: two servers, one mount name.
    let plan = folder::plan_copy(
        &TreeRef::new(from.clone(), secret.clone(), "staging"),
        &TreeRef::new(to.clone(), secret.clone(), "prod"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    let report = run(&plan, Existing::Skip).await;
    assert!(report.complete(), "{:?}", outcomes(&report));
    tokio::task::block_in_place(|| {
        for name in ODD {
            assert_eq!(
                bao_get(&b, &secret, &format!("prod/{name}")),
                Some(value_of(name))
            );
            assert_eq!(bao_get(&a, &secret, &format!("prod/{name}")), None);
        }
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tree_cannot_be_copied_or_moved_into_itself() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    put(&client, &source, "a/x", json!({"k": "v"})).await;
    let error = folder::plan_move(
        &TreeRef::new(client.clone(), source.clone(), "a"),
        &TreeRef::new(client.clone(), source.clone(), "a/b"),
        PlanOptions::default(),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, FolderError::Overlap { .. }), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_deletes_each_source_after_its_target_reads_back_equal() {
    let server = server().await;
    let client = root_client(&server);
    let v1 = mount_kv(&client, "src1", KvVersion::V1).await;
    let v2 = mount_kv(&client, "dst2", KvVersion::V2).await;
    for name in ODD {
        put(&client, &v1, &format!("m/{name}"), value_of(name)).await;
    }
    let plan = folder::plan_move(
        &TreeRef::new(client.clone(), v1.clone(), "m"),
        &TreeRef::new(client.clone(), v2.clone(), "moved"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    let report = run(&plan, Existing::Skip).await;
    assert!(report.complete(), "{:?}", outcomes(&report));
    tokio::task::block_in_place(|| {
        assert!(bao_walk(&server, &v1, "m/").is_empty(), "sources gone");
        for name in ODD {
            assert_eq!(
                bao_get(&server, &v2, &format!("moved/{name}")),
                Some(value_of(name))
            );
        }
    });
    // Back to v1, from v2: the v2 sources go with their metadata.
    let plan = folder::plan_move(
        &TreeRef::new(client.clone(), v2.clone(), "moved"),
        &TreeRef::new(client.clone(), v1.clone(), "back"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    assert!(run(&plan, Existing::Skip).await.complete());
    for name in ODD {
        let gone = client
            .read_metadata(&v2, &format!("moved/{name}"))
            .await
            .unwrap_err();
        assert!(gone.to_string().contains("not found"), "{gone}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delete_removes_the_tree_but_not_a_secret_changed_after_the_plan() {
    let server = server().await;
    let client = root_client(&server);
    for (mount, version) in [("d2", KvVersion::V2), ("d1", KvVersion::V1)] {
        let tree = mount_kv(&client, mount, version).await;
        for name in ODD {
            put(&client, &tree, &format!("gone/{name}"), value_of(name)).await;
        }
        put(&client, &tree, "stays", json!({"k": "v"})).await;
        let plan = folder::plan_delete(
            &TreeRef::new(client.clone(), tree.clone(), "gone"),
            PlanOptions::default(),
            None,
        )
        .await
        .expect("plan");
        assert_eq!(plan.items.len(), ODD.len());
        let flag = format!("-mount={mount}");
        tokio::task::block_in_place(|| {
            bao(
                &server,
                &["kv", "put", &flag, "gone/config", "by=colleague"],
            )
        });
        let report = run(&plan, Existing::Skip).await;
        let conflicts: Vec<&str> = report
            .items
            .iter()
            .filter(|i| i.outcome.kind() == OutcomeKind::Conflict)
            .map(|i| i.relative.as_str())
            .collect();
        assert_eq!(conflicts, vec!["config"], "{mount}");
        tokio::task::block_in_place(|| {
            assert_eq!(
                bao_walk(&server, &tree, ""),
                BTreeSet::from(["gone/config".to_string(), "stays".to_string()]),
                "{mount}"
            );
        });
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_import_round_trips_byte_for_byte() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V2).await;
    for name in ODD {
        put(&client, &source, &format!("e/{name}"), value_of(name)).await;
    }
    // Exact bytes: a float, unicode escapes, a string holding JSON, an empty object. (The
    // server itself keeps numbers as float64: 12345678901234567890 comes back rounded.)
    let (status, _) = client
        .send_bytes(
            tresor::vault::Operation::Write,
            "src/data/e/exact",
            Some(
                r#"{"data": {"f": 1.5, "big": 12345678901234567890, "u": "é\u00e9😀", "s": "{\"x\":[1]}", "o": {}}}"#
                    .as_bytes(),
            ),
        )
        .await
        .unwrap();
    assert!(status.is_success());
    put(&client, &source, "e/exact", json!({"second": "version"})).await;
    tokio::task::block_in_place(|| {
        bao(
            &server,
            &[
                "kv",
                "metadata",
                "put",
                "-mount=src",
                "-custom-metadata=owner=me",
                "e/config",
            ],
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (
        dir.path().join("first.json"),
        dir.path().join("second.json"),
    );
    let options = folder::ExportOptions {
        all_versions: true,
        ..Default::default()
    };
    let cancel = CancelToken::new();
    let summary = folder::export(
        &TreeRef::new(client.clone(), source.clone(), "e"),
        &first,
        options,
        None,
        &cancel,
    )
    .await
    .expect("export");
    assert_eq!(summary.secrets, ODD.len() + 1);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&first).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // An existing file is refused, and left as it was.
    let before = std::fs::read(&first).unwrap();
    let refused = folder::export(
        &TreeRef::new(client.clone(), source.clone(), "e"),
        &first,
        folder::ExportOptions::default(),
        None,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, FolderError::File(_)), "{refused}");
    assert_eq!(std::fs::read(&first).unwrap(), before);

    let plan = folder::plan_import(
        &first,
        &TreeRef::new(client.clone(), target.clone(), "imported"),
        PlanOptions {
            all_versions: true,
            ..PlanOptions::default()
        },
        None,
    )
    .await
    .expect("plan import");
    assert!(run(&plan, Existing::Skip).await.complete());
    folder::export(
        &TreeRef::new(client.clone(), target.clone(), "imported"),
        &second,
        options,
        None,
        &cancel,
    )
    .await
    .expect("export again");
    let secrets = |file: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (secrets(&first), secrets(&second));
    assert_eq!(a.len(), ODD.len() + 2, "secrets, end: {a:?}");
    assert_eq!(a, b, "the secrets round-trip byte for byte");
    // Unicode and a string holding JSON are written as the server sent them (no re-escaping).
    assert!(
        a.iter()
            .any(|l| l.contains(r#""s":"{\"x\":[1]}","u":"éé😀""#)),
        "{a:?}"
    );
    assert!(
        a.iter()
            .any(|l| l.contains(r#""custom_metadata":{"owner":"me"}"#))
    );
}

/// The UI runs these on the runtime's tasks: each future must be `Send + 'static` once it owns
/// its arguments (this only has to compile).
#[allow(dead_code, clippy::let_underscore_future)]
fn every_operation_can_run_on_a_spawned_task(tree: TreeRef, plan: folder::Plan) {
    let file = std::path::PathBuf::from("x");
    let (sender, _) = tokio::sync::mpsc::unbounded_channel();
    let (matches, _) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancelToken::new();
    let (t, s, c, p, f) = (
        tree.clone(),
        sender.clone(),
        cancel.clone(),
        plan.clone(),
        file.clone(),
    );
    let c3 = c.clone();
    let _ = tokio::spawn(async move { folder::run(&p, &Choices::default(), &s, &c).await });
    let (t2, s2) = (t.clone(), sender.clone());
    let _ = tokio::spawn(async move {
        let _ = folder::plan_copy(&t2, &t2, PlanOptions::default(), Some(&s2)).await;
        let _ = folder::plan_move(&t2, &t2, PlanOptions::default(), Some(&s2)).await;
        let _ = folder::plan_delete(&t2, PlanOptions::default(), Some(&s2)).await;
        let _ = folder::plan_import(&f, &t2, PlanOptions::default(), Some(&s2)).await;
    });
    let (t3, s3) = (t.clone(), sender.clone());
    let _ = tokio::spawn(async move {
        let _ = folder::export(&t3, &file, Default::default(), Some(&s3), &c3).await;
        let _ = folder::diff(&t3, &t3, 16, Some(&s3)).await;
        let _ = folder::grep(&t3, "x", 16, &matches, Some(&s3), &c3).await;
    });
    drop((tree, sender, cancel));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_keeps_the_source_when_its_target_cannot_be_read_back() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V2).await;
    put(&client, &source, "m/a", json!({"k": "v"})).await;
    // May write the target and list it, but not read it back.
    client
        .write(
            "sys/policies/acl/blind",
            &json!({"policy": r#"
                path "src/*" { capabilities = ["read", "list", "delete"] }
                path "dst/data/*" { capabilities = ["create", "update"] }
                path "dst/metadata/*" { capabilities = ["list"] }
            "#}),
        )
        .await
        .unwrap();
    let token = tokio::task::block_in_place(|| create_token(&server, &["-policy=blind"]));
    let blind = VaultClient::new(&settings(&server, Some(&Token::new(token)))).expect("client");
    let plan = folder::plan_move(
        &TreeRef::new(blind.clone(), source.clone(), "m"),
        &TreeRef::new(blind.clone(), target.clone(), "m"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    let report = run(&plan, Existing::Skip).await;
    let ItemOutcome::Failed(reason) = &report.items[0].outcome else {
        panic!("{:?}", report.items[0].outcome);
    };
    assert!(reason.contains("the source is kept"), "{reason}");
    assert_eq!(
        tokio::task::block_in_place(|| bao_get(&server, &source, "m/a")),
        Some(json!({"k": "v"})),
        "the source is still there"
    );
    assert_eq!(
        tokio::task::block_in_place(|| bao_get(&server, &target, "m/a")),
        Some(json!({"k": "v"})),
        "and the copy was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_are_asked_again_on_5xx_but_a_write_that_gets_a_5xx_is_a_failure_sent_once() {
    use support::proxy::{FaultProxy, status};
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "src", KvVersion::V2).await;
    let target = mount_kv(&client, "dst", KvVersion::V2).await;
    put(&client, &source, "w/a", json!({"k": "v"})).await;
    // The target is reached through a proxy that can answer for the server.
    let proxy = FaultProxy::start(&server.addr);
    let mut through = settings(&server, Some(&server.root_token));
    through.addr = proxy.addr.clone();
    let proxied = VaultClient::new(&through).expect("client");
    // The plan's reads of the target meet two 503s: asked again, the plan is made.
    proxy.set_next(status(503, r#"{"errors":["busy"]}"#), 2);
    let plan = folder::plan_copy(
        &TreeRef::new(client.clone(), source.clone(), "w"),
        &TreeRef::new(proxied.clone(), target.clone(), "w"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan, after the 503s");
    assert!(!proxy.fault_pending(), "both 503s were met");
    assert_eq!(plan.items.len(), 1);
    // Every write now gets a 500: a failure, sent once (each answer closes its connection).
    proxy.set(status(500, r#"{"errors":["internal error"]}"#));
    let before = proxy.accepted();
    let report = run(&plan, Existing::Skip).await;
    let ItemOutcome::Failed(reason) = &report.items[0].outcome else {
        panic!("{:?}", report.items[0].outcome);
    };
    assert!(
        reason.contains("500") && reason.contains("nothing written"),
        "{reason}"
    );
    assert_eq!(proxy.accepted() - before, 1, "the write was not repeated");
    assert_eq!(
        tokio::task::block_in_place(|| bao_get(&server, &target, "w/a")),
        None
    );
}

/// A move is a rename: a KV v2 secret's history goes with it (every version replayed, as
/// `--all-versions` does), and a move that would lose history or custom metadata (to KV v1) is
/// refused before anything is written, the source left as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_move_keeps_the_history_and_never_drops_it_silently() {
    let server = server().await;
    let client = root_client(&server);
    let v2 = mount_kv(&client, "hist2", KvVersion::V2).await;
    let v1 = mount_kv(&client, "hist1", KvVersion::V1).await;
    for version in 1..=3 {
        put(&client, &v2, "m/app", json!({"v": version})).await;
    }
    put(&client, &v2, "m/one", json!({"only": "one"})).await;
    let plan = folder::plan_move(
        &TreeRef::new(client.clone(), v2.clone(), "m"),
        &TreeRef::new(client.clone(), v2.clone(), "renamed"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    assert!(run(&plan, Existing::Skip).await.complete());
    tokio::task::block_in_place(|| {
        let (versions, current, _) = history(&server, "hist2", "renamed/app");
        assert_eq!(current, json!(3), "the history moved with it");
        assert_eq!(versions.len(), 3, "{versions:?}");
        assert!(bao_walk(&server, &v2, "m/").is_empty(), "sources gone");
    });
    // Custom metadata alone is lost too (one version only).
    put(&client, &v2, "renamed/tagged", json!({"k": "t"})).await;
    tokio::task::block_in_place(|| {
        bao(
            &server,
            &[
                "kv",
                "metadata",
                "put",
                "-mount=hist2",
                "-custom-metadata=owner=me",
                "renamed/tagged",
            ],
        );
    });
    // To KV v1 only the latest data could go: refused, nothing written, the source kept.
    let error = folder::plan_move(
        &TreeRef::new(client.clone(), v2.clone(), "renamed"),
        &TreeRef::new(client.clone(), v1.clone(), "flat"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect_err("history would be lost");
    // Issue 17 (tester): every secret is named with what it would lose, one a line; a secret
    // that loses nothing is not.
    let text = error.to_string();
    assert!(text.contains("cp -r"), "{text}");
    assert!(text.contains("what 2 secrets cannot take along"), "{text}");
    assert!(
        text.contains("\n  hist2/renamed/app: 2 older versions\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\n  hist2/renamed/tagged: custom metadata (1 key)"),
        "{text}"
    );
    assert!(!text.contains("renamed/one"), "{text}");
    tokio::task::block_in_place(|| {
        assert!(
            bao_walk(&server, &v1, "flat/").is_empty(),
            "nothing written"
        );
        assert_eq!(history(&server, "hist2", "renamed/app").1, json!(3));
    });
}

/// A token that may list a folder but not read its secrets: the plan names every secret it
/// cannot read (nothing is promised that the run would fail), instead of "N new".
#[tokio::test(flavor = "multi_thread")]
async fn the_plan_names_the_secrets_the_token_may_not_read() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "lo", KvVersion::V2).await;
    for name in ["a", "b", "open"] {
        put(&client, &source, &format!("app/{name}"), json!({"k": name})).await;
    }
    let policy = r#"
path "lo/metadata/*" { capabilities = ["list"] }
path "lo/data/app/open" { capabilities = ["read"] }
path "lo/data/copy/*" { capabilities = ["create", "update", "read"] }
path "lo/metadata/copy/*" { capabilities = ["read", "list"] }
"#;
    let token = tokio::task::block_in_place(|| {
        server
            .bao(&["policy", "write", "list-only", "-"], Some(policy))
            .expect("policy");
        support::create_token(&server, &["-policy=list-only"])
    });
    let limited = client.with_token(Some(tresor::secret::Token::new(&token)));
    let plan = folder::plan_copy(
        &TreeRef::new(limited.clone(), source.clone(), "app"),
        &TreeRef::new(limited.clone(), source.clone(), "copy"),
        PlanOptions::default(),
        None,
    )
    .await
    .expect("plan");
    let planned: Vec<&str> = plan.items.iter().map(|i| i.relative.as_str()).collect();
    assert_eq!(planned, ["open"], "only what can be read is planned");
    let unreadable: Vec<&str> = plan.unreadable.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(
        unreadable,
        ["lo/app/a", "lo/app/b"],
        "{:?}",
        plan.unreadable
    );
    assert!(
        plan.unreadable[0].reason.contains("read"),
        "{:?}",
        plan.unreadable
    );
    let report = run(&plan, Existing::Skip).await;
    assert_eq!(
        outcomes(&report),
        [("open".to_string(), OutcomeKind::Done)],
        "what was planned is done"
    );
    assert!(
        !report.complete(),
        "the report is not complete: two were not readable"
    );
}

/// A folder the token cannot list on one side is "not compared", never "only on the other side".
#[tokio::test(flavor = "multi_thread")]
async fn a_folder_not_listed_on_one_side_is_not_reported_as_only_on_the_other() {
    let server = server().await;
    let client = root_client(&server);
    let mount = mount_kv(&client, "cmp", KvVersion::V2).await;
    for side in ["left", "right"] {
        put(&client, &mount, &format!("{side}/x"), json!({"k": "1"})).await;
        put(
            &client,
            &mount,
            &format!("{side}/hidden/y"),
            json!({"k": "2"}),
        )
        .await;
    }
    let policy = r#"
path "cmp/metadata/*" { capabilities = ["list", "read"] }
path "cmp/data/*" { capabilities = ["read"] }
path "cmp/metadata/left/hidden/*" { capabilities = ["deny"] }
path "cmp/metadata/left/hidden" { capabilities = ["deny"] }
"#;
    let token = tokio::task::block_in_place(|| {
        server
            .bao(&["policy", "write", "half-blind", "-"], Some(policy))
            .expect("policy");
        support::create_token(&server, &["-policy=half-blind"])
    });
    let limited = client.with_token(Some(tresor::secret::Token::new(&token)));
    let diff = folder::diff(
        &TreeRef::new(limited.clone(), mount.clone(), "left"),
        &TreeRef::new(limited.clone(), mount.clone(), "right"),
        4,
        None,
    )
    .await
    .expect("diff");
    assert!(diff.only_right.is_empty(), "{:?}", diff.only_right);
    assert!(diff.only_left.is_empty(), "{:?}", diff.only_left);
    assert!(
        diff.incomplete(),
        "the unlisted folder is named: {:?}",
        diff.unlistable
    );
    assert!(
        diff.unlistable.iter().any(|f| f.contains("left/hidden")),
        "{:?}",
        diff.unlistable
    );
}

/// A move into KV v1 reads every source's metadata to find what would be lost: those reads
/// overlap (bounded by the plan's concurrency) instead of going one at a time, and each source
/// is read once.
#[tokio::test(flavor = "multi_thread")]
async fn a_move_into_kv_v1_reads_the_sources_metadata_concurrently() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "many2", KvVersion::V2).await;
    let target = mount_kv(&client, "many1", KvVersion::V1).await;
    const COUNT: usize = 300;
    put(&client, &source, "m/first", json!({"n": 0})).await;
    futures_util::future::join_all((1..COUNT).map(|n| {
        let (client, source) = (client.clone(), source.clone());
        async move { put(&client, &source, &format!("m/s{n:03}"), json!({"n": n})).await }
    }))
    .await;
    let proxy = support::recorder::RecordingProxy::start(&server.addr);
    let mut through = settings(&server, Some(&server.root_token));
    through.addr = proxy.addr.clone();
    let proxied = VaultClient::new(&through).expect("client");
    let options = PlanOptions {
        concurrency: 8,
        ..PlanOptions::default()
    };
    let plan = folder::plan_move(
        &TreeRef::new(proxied.clone(), source.clone(), "m"),
        &TreeRef::new(proxied.clone(), target.clone(), "m"),
        options,
        None,
    )
    .await
    .expect("nothing would be lost: one version each, no custom metadata");
    assert_eq!(plan.items.len(), COUNT);
    let metadata_read =
        |path: &str| path.starts_with("/v1/many2/metadata/m/") && !path.contains('?');
    let reads = proxy
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && metadata_read(&r.path))
        .count();
    assert_eq!(reads, COUNT, "each source's metadata read once");
    let overlapping = proxy.max_in_flight("GET", metadata_read);
    assert!(
        (2..=8).contains(&overlapping),
        "metadata reads in flight at once: {overlapping} (bounded by the concurrency, 8)"
    );
}

/// The plan asks which secrets the token may read a few hundred paths a request: those requests
/// overlap (bounded by the plan's concurrency) instead of going one at a time.
#[tokio::test(flavor = "multi_thread")]
async fn the_plan_asks_for_the_capabilities_of_many_paths_concurrently() {
    let server = server().await;
    let client = root_client(&server);
    let source = mount_kv(&client, "caps", KvVersion::V2).await;
    const COUNT: usize = 1_300;
    put(&client, &source, "m/first", json!({"n": 0})).await;
    for batch in (1..COUNT).collect::<Vec<_>>().chunks(100) {
        futures_util::future::join_all(batch.iter().map(|n| {
            let (client, source) = (client.clone(), source.clone());
            async move { put(&client, &source, &format!("m/s{n:04}"), json!({"n": n})).await }
        }))
        .await;
    }
    let proxy = support::recorder::RecordingProxy::start(&server.addr);
    let mut through = settings(&server, Some(&server.root_token));
    through.addr = proxy.addr.clone();
    let proxied = VaultClient::new(&through).expect("client");
    let plan = folder::plan_copy(
        &TreeRef::new(proxied.clone(), source.clone(), "m"),
        &TreeRef::new(proxied.clone(), source.clone(), "copy"),
        PlanOptions {
            concurrency: 4,
            ..PlanOptions::default()
        },
        None,
    )
    .await
    .expect("plan");
    assert_eq!(plan.items.len(), COUNT);
    assert!(plan.unreadable.is_empty());
    let capabilities = |path: &str| path == "/v1/sys/capabilities-self";
    let asked = proxy
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && capabilities(&r.path))
        .count();
    assert_eq!(asked, COUNT.div_ceil(256), "a few hundred paths a request");
    let overlapping = proxy.max_in_flight("POST", capabilities);
    assert!(
        (2..=4).contains(&overlapping),
        "capability requests in flight at once: {overlapping} (bounded by the concurrency, 4)"
    );
}

/// Issue 17 (tester): a secret whose latest version is soft-deleted (or destroyed) was planned
/// as "new" for a copy or move of the latest data (into KV v1), then failed at run time. The plan
/// leaves it out up front, saying why; what was planned is done, the source of a move is kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_secret_whose_latest_version_is_deleted_is_left_out_by_the_plan() {
    let server = server().await;
    let client = root_client(&server);
    let v2 = mount_kv(&client, "del2", KvVersion::V2).await;
    let v1 = mount_kv(&client, "del1", KvVersion::V1).await;
    for name in ["live", "gone", "burnt"] {
        put(&client, &v2, &format!("d/{name}"), json!({"k": name})).await;
    }
    tokio::task::block_in_place(|| {
        bao(&server, &["kv", "delete", "-mount=del2", "d/gone"]);
        bao(
            &server,
            &["kv", "destroy", "-mount=del2", "-versions=1", "d/burnt"],
        );
    });
    for move_it in [false, true] {
        let source = TreeRef::new(client.clone(), v2.clone(), "d");
        let target = TreeRef::new(client.clone(), v1.clone(), "flat");
        let plan = if move_it {
            folder::plan_move(&source, &target, PlanOptions::default(), None).await
        } else {
            folder::plan_copy(&source, &target, PlanOptions::default(), None).await
        }
        .expect("plan");
        let planned: Vec<&str> = plan.items.iter().map(|i| i.relative.as_str()).collect();
        assert_eq!(planned, ["live"], "move: {move_it}");
        let left_out: Vec<(&str, &str)> = plan
            .unreadable
            .iter()
            .map(|u| (u.path.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(left_out.len(), 2, "{left_out:?}");
        assert_eq!(left_out[0].0, "del2/d/burnt");
        assert!(
            left_out[0].1.contains("latest version (v1) is destroyed"),
            "{left_out:?}"
        );
        assert_eq!(left_out[1].0, "del2/d/gone");
        assert!(
            left_out[1].1.contains("latest version (v1) is deleted"),
            "{left_out:?}"
        );
        assert!(
            left_out
                .iter()
                .all(|(_, reason)| folder::is_latest_gone(reason)),
            "{left_out:?}"
        );
        if move_it {
            let report = run(&plan, Existing::Overwrite).await;
            assert_eq!(
                outcomes(&report),
                [("live".to_string(), OutcomeKind::Done)],
                "no failure at run time"
            );
            tokio::task::block_in_place(|| {
                assert_eq!(
                    bao_walk(&server, &v2, "d/"),
                    BTreeSet::from(["d/burnt".to_string(), "d/gone".to_string()]),
                    "what was left out stays"
                );
            });
        }
    }
}
