//! Redirects: one 307 is followed by hand; the token is sent on only when the target is the same
//! origin (scheme, host and port). A tiny redirecting listener and a token-recording proxy stand in
//! front of a real OpenBao dev server.

use crate::support;

use std::io::Write;
use support::proxy::{Fault, FaultProxy};
use support::recorder::{RecordingProxy, redirector};
use support::{dev_server, settings};
use tresor::vault::{VaultClient, VaultError};

#[tokio::test]
async fn a_redirect_to_another_origin_never_carries_the_token_or_a_body() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    // The other origin: the same host, another port (another server as far as anyone can tell),
    // behind a proxy that records every token it is sent.
    let other = RecordingProxy::start(&server.addr);
    let redirecting = redirector("127.0.0.1", other.addr.clone()).0;
    let mut config = settings(&server, Some(&server.root_token));
    config.addr = redirecting;
    let client = VaultClient::new(&config).unwrap();

    let error = client.lookup_self().await.unwrap_err();
    let VaultError::Redirect(message) = &error else {
        panic!("expected a refused redirect, got {error:?}");
    };
    assert!(
        message.contains("another origin") && message.contains("withheld"),
        "{message}"
    );
    // A write (token and a body with a secret in it) is not followed either.
    let write = client
        .write(
            "secret/data/redirected",
            &serde_json::json!({"data": {"k": "hunter2"}}),
        )
        .await;
    assert!(matches!(write, Err(VaultError::Redirect(_))), "{write:?}");
    // ... while a route that needs no token still works through the redirect, sent without one.
    assert!(!client.seal_status().await.unwrap().sealed);
    let requests = other.requests();
    assert_eq!(
        requests.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        ["/v1/sys/seal-status"],
        "only the token-less request reached the other origin"
    );
    assert_eq!(other.tokens(), Vec::<String>::new(), "no token reached it");
}

#[tokio::test]
async fn a_redirect_within_the_same_origin_keeps_the_token() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let proxy = FaultProxy::start(&server.addr);
    // The next request is answered with a 307 to a path on the same origin (the proxy itself).
    proxy.set_next(
        Fault::Respond(std::sync::Arc::new(|client: &mut std::net::TcpStream| {
            let _ = write!(
                client,
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: /v1/auth/token/lookup-self\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
        })),
        1,
    );
    let mut config = settings(&server, Some(&server.root_token));
    config.addr = proxy.addr.clone();
    let info = VaultClient::new(&config).unwrap().lookup_self().await;
    assert_eq!(
        info.expect("followed with the token").policies,
        vec!["root"]
    );
}

/// Seal status and health need no token and are sent without one, even to the server's own origin.
#[tokio::test]
async fn routes_that_need_no_token_are_sent_without_one() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let recorder = RecordingProxy::start(&server.addr);
    let mut config = settings(&server, Some(&server.root_token));
    config.addr = recorder.addr.clone();
    let client = VaultClient::new(&config).unwrap();
    client.seal_status().await.unwrap();
    client.health().await.unwrap();
    client.leader().await.unwrap();
    assert_eq!(recorder.requests().len(), 3);
    assert_eq!(recorder.tokens(), Vec::<String>::new());
    // ... while a route that needs one carries it.
    client.lookup_self().await.unwrap();
    assert_eq!(
        recorder.tokens(),
        vec![server.root_token.expose().to_string()]
    );
}

#[tokio::test]
async fn a_second_redirect_is_refused() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let inner = redirector("127.0.0.1", server.addr.clone()).0;
    let outer = redirector("127.0.0.1", inner).0;
    let mut config = settings(&server, Some(&server.root_token));
    config.addr = outer;
    let error = VaultClient::new(&config)
        .unwrap()
        .seal_status()
        .await
        .unwrap_err();
    assert!(matches!(error, VaultError::Redirect(_)), "{error:?}");
}
