//! The crawler against a real OpenBao dev server: the same set of paths as `bao kv list` walked
//! recursively, for KV v1 and v2, with odd names, by the server-side scan and by the LIST crawl;
//! folders the token may not list are counted, not fatal; `tresor ls` prints the same.

use crate::support;

use std::collections::BTreeSet;
use support::fixtures::mount;
use support::sandbox::Sandbox;
use support::{root_client, seeded_server, settings};
use tresor::devserver::DevServer;
use tresor::secret::Token;
use tresor::vault::crawl::{AllMountsEvent, CrawlEvent, CrawlMethod, CrawlOptions, CrawlSummary};
use tresor::vault::{KvVersion, MountInfo, SecretEngine, VaultClient};

/// What `bao kv list` says, walked recursively the slow way.
fn cli_walk(server: &DevServer, mount: &str, folder: &str, out: &mut BTreeSet<String>) {
    let listed = server
        .bao(
            &["kv", "list", "-format=json", &format!("{mount}/{folder}")],
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<String> = serde_json::from_str(&listed).unwrap();
    for key in keys {
        let full = format!("{folder}{key}");
        if key.ends_with('/') {
            cli_walk(server, mount, &full, out);
        } else {
            out.insert(full);
        }
    }
}

async fn crawl(
    client: &VaultClient,
    mount: &MountInfo,
    prefix: &str,
    method: CrawlMethod,
) -> (BTreeSet<String>, CrawlSummary) {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let summary = client
        .crawl(
            mount,
            prefix,
            CrawlOptions {
                method,
                concurrency: 4,
            },
            &sender,
        )
        .await
        .expect("crawl");
    drop(sender);
    let mut found = BTreeSet::new();
    while let Some(event) = receiver.recv().await {
        if let CrawlEvent::Found(paths) = event {
            for path in paths {
                assert!(found.insert(path.clone()), "{path} reported twice");
            }
        }
    }
    assert_eq!(found.len(), summary.secrets);
    (found, summary)
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_and_list_find_what_bao_kv_list_finds_in_v1_and_v2() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    for (path, version) in [("secret", KvVersion::V2), ("kv1", KvVersion::V1)] {
        let mut expected = BTreeSet::new();
        let walker = &server;
        tokio::task::block_in_place(|| cli_walk(walker, path, "", &mut expected));
        assert!(expected.len() >= 2, "{path}: {expected:?}");
        let mount = mount(&format!("{path}/"), SecretEngine::Kv(version));
        let (listed, summary) = crawl(&client, &mount, "", CrawlMethod::List).await;
        assert_eq!(listed, expected, "{path} by LIST");
        assert!(!summary.scanned && summary.skipped.is_empty());
        let (scanned, summary) = crawl(&client, &mount, "", CrawlMethod::Scan).await;
        assert_eq!(scanned, expected, "{path} by scan");
        assert!(summary.scanned);
        let (auto, _) = crawl(&client, &mount, "", CrawlMethod::Auto).await;
        assert_eq!(auto, expected);
    }
    // A prefix: paths stay relative to the mount, odd names intact.
    let v2 = mount("secret/", SecretEngine::Kv(KvVersion::V2));
    let (scanned, _) = crawl(&client, &v2, "app/", CrawlMethod::Scan).await;
    let (listed, _) = crawl(&client, &v2, "app", CrawlMethod::List).await;
    assert_eq!(scanned, listed);
    for odd in [
        "app/with space",
        "app/ünïcødé-ключ-秘密",
        "app/100%",
        "app/what?",
        "app/hash#tag",
        "app/config",
        "app/config/overrides",
    ] {
        assert!(scanned.contains(odd), "{odd} in {scanned:?}");
    }
}

/// The finder's walk of every mount: full paths (mount first), the same as each mount's own walk,
/// and progress as totals over every mount (never going down).
#[tokio::test]
async fn a_walk_of_every_mount_reports_full_paths_and_totals() {
    let (server, _) = seeded_server().await;
    let client = root_client(&server);
    let mut expected = BTreeSet::new();
    for (path, version) in [("secret/", KvVersion::V2), ("kv1/", KvVersion::V1)] {
        let (found, _) = crawl(
            &client,
            &mount(path, SecretEngine::Kv(version)),
            "",
            CrawlMethod::List,
        )
        .await;
        expected.extend(found.into_iter().map(|p| format!("{path}{p}")));
    }
    let events = std::sync::Mutex::new(Vec::new());
    client
        .crawl_every_mount(&|event| events.lock().unwrap().push(event))
        .await
        .expect("the mounts are listed");
    let events = events.into_inner().unwrap();
    let found: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match e {
            AllMountsEvent::Found(paths) => Some(paths.clone()),
            AllMountsEvent::Progress { .. } => None,
        })
        .flatten()
        .collect();
    assert!(expected.is_subset(&found), "{expected:?} in {found:?}");
    let folders: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            AllMountsEvent::Progress { folders, .. } => Some(*folders),
            AllMountsEvent::Found(_) => None,
        })
        .collect();
    assert!(folders.windows(2).all(|w| w[0] <= w[1]), "{folders:?}");
}

#[tokio::test]
async fn folders_the_token_may_not_list_are_counted_and_scan_falls_back_to_list() {
    let (server, _) = seeded_server().await;
    let root = root_client(&server);
    root.write(
        "sys/policies/acl/lister",
        &serde_json::json!({"policy": "path \"secret/metadata/\" { capabilities = [\"list\"] }\n\
            path \"secret/metadata/app/*\" { capabilities = [\"list\"] }\n\
            path \"secret/metadata/shared/*\" { capabilities = [\"list\"] }\n"}),
    )
    .await
    .unwrap();
    let created = root
        .write(
            "auth/token/create",
            &serde_json::json!({"policies": ["lister"]}),
        )
        .await
        .unwrap();
    let token = Token::new(created["auth"]["client_token"].as_str().unwrap());
    let client = VaultClient::new(&settings(&server, Some(&token))).unwrap();
    let v2 = mount("secret/", SecretEngine::Kv(KvVersion::V2));
    // No scan capability: auto falls back to LIST and counts the folder it may not list.
    let (found, summary) = crawl(&client, &v2, "", CrawlMethod::Auto).await;
    assert!(!summary.scanned);
    assert_eq!(summary.skipped, vec!["team-only/".to_string()]);
    assert!(found.contains("app/database") && found.contains("shared/smtp"));
    assert!(!found.iter().any(|p| p.starts_with("team-only/")));
}

#[tokio::test(flavor = "multi_thread")]
async fn tresor_ls_prints_the_walk_for_scripts() {
    let (server, _) = seeded_server().await;
    let run = |args: &[&str]| {
        let output = Sandbox::new()
            .server(&server)
            .args(args)
            .command()
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let mut expected = BTreeSet::new();
    let walker = &server;
    tokio::task::block_in_place(|| cli_walk(walker, "secret", "app/", &mut expected));
    let text = run(&["ls", "-r", "secret/app/"]);
    let printed: BTreeSet<String> = text
        .lines()
        .map(|l| l.trim_start_matches("secret/").to_string())
        .collect();
    assert_eq!(printed, expected);
    let json: Vec<String> = serde_json::from_str(&run(&[
        "ls",
        "-r",
        "--json",
        "--method",
        "list",
        "secret/app/",
    ]))
    .unwrap();
    assert_eq!(json.len(), expected.len());
    // One level: folders end in /.
    let one = run(&["ls", "secret/app/"]);
    assert!(one.lines().any(|l| l == "secret/app/config/"), "{one}");
    assert!(one.lines().any(|l| l == "secret/app/config"), "{one}");
}

/// `tresor ls` with a clean environment: (exit code, stdout, stderr).
fn tresor_ls(server: &DevServer, token: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut sandbox = Sandbox::new().addr(&server.addr).args(&["ls"]).args(args);
    if let Some(token) = token {
        sandbox = sandbox.token(token);
    }
    let output = sandbox.command().output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn tresor_ls_fails_loudly_on_a_bad_token_or_a_missing_path() {
    let (server, _) = seeded_server().await;
    let root = server.root_token.expose().to_string();
    tokio::task::block_in_place(|| {
        // A token the server rejects is named as such, not as a policy denial.
        let (code, stdout, stderr) = tresor_ls(&server, Some("s.garbage"), &["-r"]);
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(
            stderr.contains("token") && stderr.contains("rejected"),
            "{stderr}"
        );
        assert!(!stderr.contains("permission denied"), "{stderr}");
        // A folder that does not exist.
        for path in ["secret/nope/", "secret/nope"] {
            let (code, stdout, stderr) = tresor_ls(&server, Some(&root), &[path]);
            assert_eq!(code, 1, "{path}: {stdout}{stderr}");
            assert!(
                stderr.contains("secret/nope") && stderr.contains("not found"),
                "{stderr}"
            );
            let (code, _, stderr) = tresor_ls(&server, Some(&root), &["-r", path]);
            assert_eq!(code, 1, "-r {path}: {stderr}");
        }
        // A secret (a leaf) is printed itself, like `ls FILE`.
        for args in [
            &["secret/app/database"][..],
            &["-r", "secret/app/database"][..],
        ] {
            let (code, stdout, stderr) = tresor_ls(&server, Some(&root), args);
            assert_eq!(
                (code, stdout.as_str()),
                (0, "secret/app/database\n"),
                "{args:?} {stderr}"
            );
        }
        // An empty mount is not an error, and it can be scanned.
        server
            .bao(&["secrets", "enable", "-path=empty", "kv"], None)
            .unwrap();
        for args in [&["empty/"][..], &["-r", "--method", "scan", "empty/"][..]] {
            let (code, stdout, stderr) = tresor_ls(&server, Some(&root), args);
            assert_eq!(
                (code, stdout.as_str(), stderr.as_str()),
                (0, "", ""),
                "{args:?}"
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn tresor_ls_into_a_closed_pipe_ends_quietly() {
    let (server, _) = seeded_server().await;
    tokio::task::block_in_place(|| {
        let sandbox = Sandbox::new().server(&server).args(&["ls", "-r", "--json"]);
        let mut child = sandbox
            .command()
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // like `| head` that has read enough
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.is_empty(), "{stderr}");
        assert!(output.status.success());
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn tresor_ls_scan_falls_back_per_mount_and_names_the_scan_capability() {
    let (server, _) = seeded_server().await;
    let root = server.root_token.expose().to_string();
    let root_client = root_client(&server);
    root_client
        .write(
            "sys/policies/acl/lister",
            &serde_json::json!({"policy": "path \"secret/metadata/*\" { capabilities = [\"list\"] }\n"}),
        )
        .await
        .unwrap();
    let created = root_client
        .write(
            "auth/token/create",
            &serde_json::json!({"policies": ["lister"]}),
        )
        .await
        .unwrap();
    let lister = created["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    tokio::task::block_in_place(|| {
        let (code, listed, stderr) = tresor_ls(&server, Some(&root), &["-r", "--method", "list"]);
        assert_eq!(code, 0, "{stderr}");
        // cubbyhole/ cannot be scanned: it is listed, and the KV mounts are scanned.
        let (code, scanned, stderr) = tresor_ls(&server, Some(&root), &["-r", "--method", "scan"]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(scanned, listed);
        assert!(scanned.contains("secret/app/database") && scanned.contains("kv1/legacy/ldap"));
        // list is granted, scan is not: the missing capability is named.
        let (code, _, stderr) = tresor_ls(
            &server,
            Some(&lister),
            &["-r", "--method", "scan", "secret/"],
        );
        assert_eq!(code, 1, "{stderr}");
        assert!(
            stderr.contains("permission denied: scan on secret/metadata/"),
            "{stderr}"
        );
        let (code, stdout, stderr) = tresor_ls(&server, Some(&lister), &["-r", "secret/"]);
        assert_eq!(code, 0, "auto falls back to LIST: {stderr}");
        assert!(stdout.contains("secret/app/database"), "{stdout}");
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn tresor_ls_lists_a_namespace_s_cubbyhole() {
    let (server, _) = seeded_server().await;
    let root = server.root_token.expose().to_string();
    tokio::task::block_in_place(|| {
        server
            .bao(&["namespace", "create", "team-a"], None)
            .unwrap();
        let (code, stdout, stderr) =
            tresor_ls(&server, Some(&root), &["-n", "team-a", "cubbyhole/"]);
        assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
        let (code, stdout, stderr) = tresor_ls(&server, Some(&root), &["-n", "team-a"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            !stdout.contains("sys/") && !stdout.contains("identity/"),
            "{stdout}"
        );
        // A namespace that does not exist is named, not a path.
        let (code, _, stderr) = tresor_ls(&server, Some(&root), &["-n", "nope", "-r"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("namespace \"nope\" not found"), "{stderr}");
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn tresor_ls_skips_a_mount_it_may_not_list_but_fails_on_a_path_it_was_given() {
    let (server, report) = seeded_server().await;
    let limited = report
        .limited_token
        .expect("the seed makes a limited token");
    let limited = limited.expose().to_string();
    tokio::task::block_in_place(|| {
        // Everything it can see: secret/'s root may not be listed. The rest is printed, and the
        // exit code says the listing is not complete (as `find` does for an unreadable folder).
        for args in [&["-r"][..], &[][..]] {
            let (code, stdout, stderr) = tresor_ls(&server, Some(&limited), args);
            assert_eq!((code, stdout.as_str()), (1, ""), "{args:?}: {stderr}");
            assert!(stderr.contains("1 folder(s) skipped"), "{args:?}: {stderr}");
            assert!(
                stderr.contains("skipped (permission denied): secret/\n"),
                "the folder is named: {args:?}: {stderr}"
            );
        }
        // Asked for by name, it is the answer: an error.
        for args in [&["-r", "secret/"][..], &["secret/"][..]] {
            let (code, _, stderr) = tresor_ls(&server, Some(&limited), args);
            assert_eq!(code, 1, "{args:?}: {stderr}");
            assert!(
                stderr.contains("permission denied: list on secret/metadata/"),
                "{args:?}: {stderr}"
            );
        }
        let (code, stdout, stderr) = tresor_ls(&server, Some(&limited), &["-r", "secret/app/"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("secret/app/database"), "{stdout}");
    });
}
