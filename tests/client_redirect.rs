//! Redirects: one 307 is followed by hand; the token is sent on only when the target is the same
//! host. A tiny redirecting listener stands in front of a real OpenBao dev server.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use support::{dev_server, settings};
use tresor::vault::{VaultClient, VaultError};

/// Answers every request on `bind_ip` with a 307 to the same path on `target`.
fn redirector(bind_ip: &str, target: String) -> String {
    let listener = TcpListener::bind((bind_ip, 0)).expect("bind redirector");
    let addr = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buffer = [0u8; 8192];
            let read = stream.read(&mut buffer).unwrap_or(0);
            let head = String::from_utf8_lossy(&buffer[..read]);
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    addr
}

#[tokio::test]
async fn redirect_to_the_same_host_keeps_the_token_and_another_host_does_not_get_it() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();

    let same_host = redirector("127.0.0.1", server.addr.clone());
    let mut config = settings(&server, Some(&server.root_token));
    config.addr = same_host;
    let info = VaultClient::new(&config).unwrap().lookup_self().await;
    assert_eq!(
        info.expect("followed with the token").policies,
        vec!["root"]
    );

    // 127.0.0.2 is another host as far as the client can tell: the token must stay behind, so the
    // real server answers 403 to the token-less request.
    let other_host = redirector("127.0.0.2", server.addr.clone());
    config.addr = other_host;
    let error = VaultClient::new(&config)
        .unwrap()
        .lookup_self()
        .await
        .unwrap_err();
    assert!(
        matches!(error, VaultError::PermissionDenied { .. }),
        "expected 403 without token, got {error:?}"
    );
    // ... while a token-less route still works through the same redirect.
    assert!(
        !VaultClient::new(&config)
            .unwrap()
            .seal_status()
            .await
            .unwrap()
            .sealed
    );
}

#[tokio::test]
async fn a_second_redirect_is_refused() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let inner = redirector("127.0.0.1", server.addr.clone());
    let outer = redirector("127.0.0.1", inner);
    let mut config = settings(&server, Some(&server.root_token));
    config.addr = outer;
    let error = VaultClient::new(&config)
        .unwrap()
        .seal_status()
        .await
        .unwrap_err();
    assert!(matches!(error, VaultError::Redirect(_)), "{error:?}");
}
