//! End to end against a real OpenBao dev server, the real binary in a pseudo-terminal: what the
//! header and the login dialog say about the token (a bad token at start, a token at its max TTL
//! that ends, a use-limited token whose uses are not spent in the background) and how soon the
//! header shows a seal done from a shell.

use crate::support;

use std::time::{Duration, Instant};
use support::sandbox::Sandbox;
use support::{bao_json, create_token, dev_server};
use tresor::devserver::DevServer;

/// A sandbox for tresor on `server` with `token`; a saved token goes to `home/token-file`.
fn sandbox_for(server: &DevServer, token: &str) -> Sandbox {
    let sandbox = Sandbox::new().addr(&server.addr).token(token);
    let token_file = sandbox.home().join("token-file");
    sandbox.env("BAO_TOKEN_PATH", token_file.to_str().unwrap())
}

#[test]
fn a_bad_token_at_start_is_said_never_to_have_been_accepted() {
    let server = dev_server();
    let sandbox = sandbox_for(&server, "s.not-a-real-token");
    let mut app = sandbox.spawn();
    let screen = app.wait_for("does not accept this token");
    assert!(!screen.contains("no longer"), "{screen}");
    // The mount list's refusal may reopen the dialog after an Esc: Ctrl-c quits from anywhere.
    app.keys(&["\x03"]);
    app.wait_exit();
}

#[test]
fn a_token_at_its_max_ttl_counts_down_and_then_says_expired() {
    let server = dev_server();
    let token = create_token(&server, &["-ttl=4s", "-explicit-max-ttl=8s"]);
    let sandbox = sandbox_for(&server, &token);
    let mut app = sandbox.spawn();
    app.wait_for("(auto-renew)");
    app.wait_within_for("cannot be renewed further", Duration::from_secs(10));
    let screen = app.wait_within_for("The token has expired", Duration::from_secs(10));
    assert!(screen.contains("ttl expired"), "{screen}");
    assert!(!screen.contains("never expires"), "{screen}");
    app.keys(&["\x03"]); // Ctrl-c quits from anywhere, the login dialog included
    app.wait_exit();
}

#[test]
fn a_use_limited_token_shows_its_uses_and_none_are_spent_in_the_background() {
    let server = dev_server();
    let token = create_token(&server, &["-use-limit=5"]);
    let sandbox = sandbox_for(&server, &token);
    let mut app = sandbox.spawn();
    app.wait_for("uses left");
    // Let the screen settle (mounts, lookup), then read the server's count with root.
    std::thread::sleep(Duration::from_secs(2));
    let uses = |server: &DevServer| {
        bao_json(server, &["token", "lookup", "-format=json", &token])["data"]["num_uses"]
            .as_i64()
            .unwrap()
    };
    let before = uses(&server);
    // Past the 30 s background refresh: no lookup spends a use.
    std::thread::sleep(Duration::from_secs(32));
    assert_eq!(uses(&server), before, "no use spent in the background");
    let screen = app.screen();
    assert!(
        screen.contains(&format!("≤{before} uses left")),
        "the header agrees with the server ({before}): {screen}"
    );
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn a_seal_from_a_shell_shows_in_the_header_within_the_refresh() {
    let server = dev_server();
    let sandbox = sandbox_for(&server, server.root_token.expose());
    let mut app = sandbox.spawn();
    app.wait_for("● unsealed");
    // Past the first refreshes, so the next one is at most 3 s away.
    std::thread::sleep(Duration::from_secs(4));
    server.bao(&["operator", "seal"], None).expect("seal");
    let sealed_at = Instant::now();
    app.wait_within_for("SEALED", Duration::from_secs(5));
    assert!(
        sealed_at.elapsed() < Duration::from_secs(5),
        "shown within the 3 s refresh (plus a frame)"
    );
    // The Seal screen opened by itself: Esc closes it, then q quits.
    app.wait_for("Seal status");
    app.keys(&["\x1b"]);
    app.wait_until("the Seal screen to close", |s| !s.contains("Seal status"));
    app.keys(&["q"]);
    app.wait_exit();
}
