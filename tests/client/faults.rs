//! The client and the crawler when things go wrong, against a real OpenBao dev server behind a
//! fault-injecting proxy: hostile answers (not JSON, 100 MiB with and without a length, nested
//! 100,000 deep, fields missing or of the wrong type) are errors, never a crash or an unbounded
//! read; a hanging server times out; a dropped connection is "cannot reach"; 429/5xx are typed; and
//! a walk under a real rate-limit quota (429s) keeps going and finishes with every path.

use crate::support;

use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::fixtures::kv2;
use support::proxy::{Fault, FaultProxy, huge_counted, status};
use support::sandbox::Sandbox;
use support::{dev_server, root_client, settings};
use tresor::devserver::DevServer;
use tresor::vault::crawl::{CrawlMethod, CrawlOptions};
use tresor::vault::{VaultClient, VaultError};

fn client_via(proxy: &FaultProxy, server: &DevServer, timeout: Duration) -> VaultClient {
    let mut settings = settings(server, Some(&server.root_token));
    settings.addr = proxy.addr.clone();
    settings.timeout = timeout;
    VaultClient::new(&settings).unwrap()
}

async fn started() -> (DevServer, FaultProxy, VaultClient) {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    root_client(&server)
        .write(
            "secret/data/app/db",
            &json!({"data": {"password": "hunter2"}}),
        )
        .await
        .unwrap();
    let proxy = FaultProxy::start(&server.addr);
    let client = client_via(&proxy, &server, Duration::from_secs(10));
    (server, proxy, client)
}

/// Every read the app makes, against whatever the proxy answers now.
async fn every_read(client: &VaultClient) -> Vec<(&'static str, Result<(), VaultError>)> {
    let mount = kv2("secret/");
    vec![
        ("mounts", client.secret_mounts().await.map(drop)),
        ("list", client.list_folder(&mount, "app/").await.map(drop)),
        (
            "read",
            client.read_secret(&mount, "app/db", None).await.map(drop),
        ),
        (
            "metadata",
            client.read_metadata(&mount, "app/db").await.map(drop),
        ),
        ("seal status", client.seal_status().await.map(drop)),
        ("lookup-self", client.lookup_self().await.map(drop)),
    ]
}

#[tokio::test]
async fn hostile_answers_are_errors_not_crashes() {
    let (_server, proxy, client) = started().await;
    assert!(every_read(&client).await.iter().all(|(_, r)| r.is_ok()));

    let nested = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested_object = format!(
        "{{\"data\":{}1{}}}",
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    let cases: Vec<(&str, Fault)> = vec![
        ("not JSON", status(200, "<html>gateway says hi</html>")),
        ("truncated JSON", status(200, "{\"data\":{\"keys\":[\"a\"")),
        ("nested 100,000 deep", status(200, &nested)),
        ("nested objects 50,000 deep", status(200, &nested_object)),
        ("no data", status(200, "{}")),
        (
            "data of the wrong type",
            status(200, "{\"data\":\"x\",\"auth\":1}"),
        ),
        (
            "keys of the wrong type",
            status(200, "{\"data\":{\"keys\":5,\"data\":[1],\"metadata\":7}}"),
        ),
        ("an error without a body", status(500, "")),
        ("an error that is not JSON", status(502, "Bad Gateway")),
    ];
    for (what, fault) in cases {
        proxy.set(fault);
        for (request, result) in every_read(&client).await {
            let error = result.expect_err(&format!("{what} -> {request} must be an error"));
            let text = error.to_string();
            assert!(
                !text.is_empty() && text.len() < 2_000,
                "{what} -> {request}: a short message, got {} bytes",
                text.len()
            );
        }
    }
    proxy.set(Fault::Pass);
    assert!(every_read(&client).await.iter().all(|(_, r)| r.is_ok()));
}

#[tokio::test]
async fn a_100_mib_answer_is_refused_without_reading_it_all() {
    let (_server, proxy, client) = started().await;
    let mount = kv2("secret/");
    for with_length in [true, false] {
        let (fault, taken) = huge_counted(100 << 20, with_length);
        proxy.set(fault);
        let error = client
            .read_secret(&mount, "app/db", None)
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("larger than 64 MiB"),
            "with_length={with_length}: {error}"
        );
        // Counted on the wire: a declared length is refused before the body is read; without
        // one the read stops at the limit, not at the end (socket buffers add a few MiB).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let taken = taken.load(std::sync::atomic::Ordering::SeqCst);
        let most = if with_length { 16 << 20 } else { 80 << 20 };
        assert!(
            taken < most,
            "with_length={with_length}: {} MiB of 100 taken",
            taken >> 20
        );
    }
    proxy.set(Fault::Pass);
    client.read_secret(&mount, "app/db", None).await.unwrap();
}

#[tokio::test]
async fn a_hanging_server_times_out_and_a_dropped_connection_says_so() {
    let (server, proxy, _) = started().await;
    let client = client_via(&proxy, &server, Duration::from_millis(1500));
    let mount = kv2("secret/");

    proxy.set(Fault::Hang);
    let started = Instant::now();
    let error = client
        .read_secret(&mount, "app/db", None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, VaultError::Timeout(_)),
        "a hang is a timeout: {error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(error.to_string().contains("timed out after"));

    proxy.set(Fault::Drop);
    let error = client.list_folder(&mount, "").await.unwrap_err();
    assert!(error.is_unreachable(), "{error:?}");
    assert!(error.to_string().starts_with("cannot reach the server"));

    proxy.set(Fault::Pass);
    client.read_secret(&mount, "app/db", None).await.unwrap();
}

#[tokio::test]
async fn cancelled_reads_give_up_and_writes_are_not_cancelled() {
    let (_server, proxy, client) = started().await;
    let (counter, _) = tokio::sync::watch::channel(0u64);
    let cancellable = client.cancellable(tresor::vault::client::Cancellation {
        counter: counter.subscribe(),
        started_at: 0,
    });
    proxy.set(Fault::Hang);
    let mount = kv2("secret/");
    let read = tokio::spawn({
        let cancellable = cancellable.clone();
        let mount = mount.clone();
        async move { cancellable.read_secret(&mount, "app/db", None).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!read.is_finished(), "the read waits for the hanging server");
    counter.send_modify(|c| *c += 1);
    let answer = tokio::time::timeout(Duration::from_secs(2), read)
        .await
        .expect("cancel ends the read at once")
        .unwrap();
    assert_eq!(answer.unwrap_err(), VaultError::Cancelled);

    // A read started after the cancel is cancelled before it is sent.
    proxy.set(Fault::Pass);
    let before = proxy.accepted();
    assert_eq!(
        cancellable.list_folder(&mount, "").await.unwrap_err(),
        VaultError::Cancelled
    );
    assert_eq!(proxy.accepted(), before, "nothing was sent");

    // A write is never cancelled halfway (it may land on the server).
    cancellable
        .write("secret/data/app/other", &json!({"data": {"k": "v"}}))
        .await
        .unwrap();
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_typed() {
    let (_server, proxy, client) = started().await;
    let mount = kv2("secret/");
    let rate = "{\"errors\":[\"request path \\\"secret/\\\": rate limit quota exceeded\"]}";
    for (code, body) in [(429, rate), (500, "{\"errors\":[\"internal\"]}"), (503, "")] {
        proxy.set(status(code, body));
        let error = client.list_folder(&mount, "").await.unwrap_err();
        assert!(error.is_transient(), "{code}: {error:?}");
        assert!(error.to_string().contains(&code.to_string()), "{error}");
    }
    proxy.set(status(503, "{\"errors\":[\"Vault is sealed\"]}"));
    let error = client.list_folder(&mount, "").await.unwrap_err();
    assert_eq!(error, VaultError::Sealed, "sealed is not retried as a 503");
    assert!(!error.is_transient());
}

async fn seed_tree(client: &VaultClient, mount: &str, folders: usize, per_folder: usize) -> usize {
    support::seed_kv2_tree(client, mount, folders, per_folder, 5).await
}

#[tokio::test]
async fn a_walk_under_a_rate_limit_quota_keeps_going_and_finishes() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let root = root_client(&server);
    let expected = seed_tree(&root, "limited", 60, 2).await;
    // 30 requests a second on the mount: a 16-wide walk of 66 folders runs into it at once.
    root.write(
        "sys/quotas/rate-limit/walk",
        &json!({"path": "limited/", "rate": 30, "interval": "1s"}),
    )
    .await
    .unwrap();
    let mount = kv2("limited/");
    let proxy = FaultProxy::start(&server.addr);
    let client = client_via(&proxy, &server, Duration::from_secs(10));

    // The quota really answers 429.
    let mut limited = false;
    for _ in 0..60 {
        if let Err(VaultError::RateLimited { .. }) = client.list_folder(&mount, "").await {
            limited = true;
            break;
        }
    }
    assert!(limited, "the quota gives 429s");

    for method in [CrawlMethod::List, CrawlMethod::Scan] {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let walk = client.crawl(
            &mount,
            "",
            CrawlOptions {
                method,
                concurrency: 16,
            },
            &sender,
        );
        let summary = walk.await.expect("the walk finishes");
        drop(sender);
        let mut found = BTreeSet::new();
        while let Some(event) = receiver.recv().await {
            if let tresor::vault::crawl::CrawlEvent::Found(paths) = event {
                found.extend(paths);
            }
        }
        assert_eq!(found.len(), expected, "{method:?}: every path");
        assert!(
            summary.skipped.is_empty(),
            "{method:?}: {:?}",
            summary.skipped
        );
    }

    // Injected 503s and 500s on the way are waited out too.
    let before = proxy.accepted();
    proxy.set_next(status(503, ""), 4);
    let (sender, _receiver) = tokio::sync::mpsc::unbounded_channel();
    let summary = client
        .crawl(
            &mount,
            "",
            CrawlOptions {
                method: CrawlMethod::List,
                concurrency: 4,
            },
            &sender,
        )
        .await
        .unwrap();
    assert_eq!(summary.secrets, expected);
    assert!(summary.skipped.is_empty());
    // The four 503s were served (and so waited out: every secret was still found).
    assert!(!proxy.fault_pending(), "the injected 503s were answered");
    assert!(proxy.accepted() - before > 4, "and asked again after them");
}

#[test]
fn tresor_ls_under_the_quota_prints_every_path() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = dev_server();
    let root = root_client(&server);
    let expected = runtime.block_on(async {
        let expected = seed_tree(&root, "lsq", 40, 2).await;
        root.write(
            "sys/quotas/rate-limit/ls",
            &json!({"path": "lsq/", "rate": 20, "interval": "1s"}),
        )
        .await
        .unwrap();
        expected
    });
    let output = Sandbox::new()
        .server(&server)
        .args(&["ls", "-r", "--method", "list", "lsq/"])
        .command()
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Every path, by name: not a count that a wrong list of the same length would match.
    let printed: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(printed, support::kv2_tree_paths("lsq", 40, 2, 5));
    assert_eq!(printed.len(), expected);
}

/// Without --timeout or BAO_CLIENT_TIMEOUT, a server that never answers is given up on after
/// 30 s: the settings the command line resolves, against a proxy that accepts and never answers.
#[tokio::test(flavor = "multi_thread")]
async fn the_default_timeout_is_thirty_seconds() {
    let (server, proxy, _) = started().await;
    let token = server.root_token.expose().to_string();
    let addr = proxy.addr.clone();
    let env = move |name: &str| match name {
        "BAO_ADDR" => Some(addr.clone()),
        "BAO_TOKEN" => Some(token.clone()),
        _ => None,
    };
    let settings =
        tresor::config::resolve(tresor::config::Overrides::default(), &env, &|_| None).unwrap();
    assert_eq!(settings.timeout, Duration::from_secs(30));
    let client = VaultClient::new(&settings).unwrap();
    proxy.set(Fault::Hang);
    let result = client.secret_mounts().await;
    match result {
        Err(VaultError::Timeout(after)) => assert_eq!(after, Duration::from_secs(30)),
        other => panic!("a timeout after 30 s, not {other:?}"),
    }
}
