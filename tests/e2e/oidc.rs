//! End to end: OIDC single sign-on through the real binary (issue 18). OpenBao is its own
//! identity provider (tests/support/oidc.rs); `$BROWSER` is a script that writes down the URL
//! tresor opens, and the test plays the browser with it. The waiting view (URL, countdown), the
//! tree after the browser step, Esc freeing the port, a busy port, and a log without the code,
//! the state or the token.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use support::oidc::{self, OidcProvider};
use support::sandbox::Sandbox;
use tresor::devserver::{DevServer, free_loopback_port};

/// A dev server that is its own provider, allowing tresor's redirect URI on a free port
/// (chosen once the server has its own, so the two cannot meet).
fn provider() -> (DevServer, OidcProvider, u16) {
    let server = support::dev_server();
    let port = free_loopback_port().unwrap();
    let uri = format!("http://localhost:{port}/oidc/callback");
    let provider = oidc::set_up(&server, &[&uri]);
    (server, provider, port)
}

/// A sandbox without a token whose login dialog starts on OIDC (role `reader`, port `port`),
/// with a `$BROWSER` that writes the URL it is given to the returned file.
fn sandbox(server: &DevServer, port: u16) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new().addr(&server.addr);
    let opened = sandbox.root().join("opened-url");
    let browser = sandbox.root().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o700)).unwrap();
    let port = port.to_string();
    let sandbox = sandbox
        .env("BROWSER", browser.to_str().unwrap())
        .args(&[
            "--auth-method",
            "oidc",
            "--role",
            oidc::ROLE,
            "--oidc-callback-port",
            &port,
        ])
        .log("trace");
    (sandbox, opened)
}

/// The URL the browser script was given.
fn opened_url(file: &PathBuf) -> String {
    let start = Instant::now();
    loop {
        if let Ok(url) = std::fs::read_to_string(file)
            && !url.is_empty()
        {
            return url;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the browser was never opened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether the port can be taken (within `limit`: the listener closes right after the key).
fn port_free_within(port: u16, limit: Duration) -> bool {
    let start = Instant::now();
    loop {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn signing_in_in_the_browser_shows_the_wait_and_then_the_tree() {
    let (server, provider, port) = provider();
    let (sandbox, opened) = sandbox(&server, port);
    let mut app = sandbox.spawn();
    app.wait_for("[OIDC]");
    app.keys(&["\r"]);
    app.wait_for("Log in: OIDC");
    let url = opened_url(&opened);
    let screen = app.wait_until("the URL and the countdown", |screen| {
        screen.contains("/identity/oidc/provider/") && screen.contains("left.")
    });
    assert!(
        screen.contains("A browser was opened (") && screen.contains("browser.sh"),
        "{screen}"
    );
    assert!(
        regex::Regex::new(r"Waiting for the browser: (2:00|1:5\d) left\.")
            .unwrap()
            .is_match(&screen),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("127.0.0.1:{port}")),
        "where tresor listens: {screen}"
    );
    // The browser's part.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let authorized = runtime.block_on(provider.authorize(&url));
    let (status, page) = runtime.block_on(oidc::deliver(
        &authorized.redirect_uri,
        &[("code", &authorized.code), ("state", &authorized.state)],
    ));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You can close this tab"), "{page}");
    let screen = app.wait_for("Logged in as");
    assert!(!screen.contains("Log in: OIDC"), "{screen}");
    let screen = app.wait_for("secret/");
    assert!(
        screen.contains(oidc::POLICY),
        "the header names the role's policy: {screen}"
    );
    app.keys(&["q"]);
    app.wait_exit();
    let log = std::fs::read_to_string(sandbox.log_file()).expect("the log file");
    assert!(
        log.contains("oidc: listening"),
        "the log is the one written: {log}"
    );
    for (what, value) in [
        ("the code", authorized.code.as_str()),
        ("the state", authorized.state.as_str()),
    ] {
        assert!(!log.contains(value), "{what} is in the log:\n{log}");
    }
    let token = regex::Regex::new(r"\b[sbr]\.[A-Za-z0-9]{20,}").unwrap();
    assert!(!token.is_match(&log), "a token is in the log:\n{log}");
}

#[test]
fn esc_during_the_wait_frees_the_port_and_a_busy_port_is_named() {
    let (server, _provider, port) = provider();
    let (sandbox, opened) = sandbox(&server, port);
    let mut app = sandbox.spawn();
    app.wait_for("[OIDC]");
    app.keys(&["\r"]);
    opened_url(&opened);
    app.wait_until("the URL", |screen| {
        screen.contains("/identity/oidc/provider/")
    });
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", port)).is_err(),
        "tresor holds the port while waiting"
    );
    app.keys(&["\x1b"]);
    app.wait_for(&format!(
        "Stopped waiting for the browser: port {port} is free again."
    ));
    assert!(
        port_free_within(port, Duration::from_secs(2)),
        "the port is still taken after Esc"
    );
    // Now someone else has the port: Enter says so, naming it and the setting.
    let _taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    app.keys(&["\r"]);
    let screen = app.wait_for(&format!("port {port} is already taken"));
    assert!(screen.contains("--oidc-callback-port"), "{screen}");
    assert!(screen.contains("[OIDC]"), "back on the fields: {screen}");
    app.keys(&["\x1b", "\x1b", "q"]);
    app.wait_exit();
}
