//! End to end: a token goes only to its own server. Two real OpenBao servers, each behind a proxy
//! that records every `X-Vault-Token` it is sent, and a third address that redirects to the second
//! server. A scripted session of profile switches, the Seal screen, a redirect and a login: every
//! recorded token belongs to the server that received it, or there is none.

use crate::support;

use support::dev_server;
use support::recorder::{RecordingProxy, redirector};
use support::sandbox::Sandbox;

#[test]
fn every_token_reaches_only_its_own_server() {
    let (one, two) = std::thread::scope(|scope| {
        let one = scope.spawn(dev_server);
        let two = scope.spawn(dev_server);
        (one.join().unwrap(), two.join().unwrap())
    });
    let (token_one, token_two) = (
        one.root_token.expose().to_string(),
        two.root_token.expose().to_string(),
    );
    assert_ne!(token_one, token_two);
    let proxy_one = RecordingProxy::start(&one.addr);
    let proxy_two = RecordingProxy::start(&two.addr);
    // An address of its own that sends everything on to server two.
    let (redirecting, redirector_saw) = redirector("127.0.0.1", proxy_two.addr.clone());

    let sandbox = Sandbox::new();
    let file = |name: &str, text: &str| {
        let path = sandbox.home().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let (file_one, file_two, file_three) = (
        file("one.token", &token_one),
        file("two.token", &token_two),
        // The redirecting address's own token: server one's, so it must never reach server two.
        file("three.token", &token_one),
    );
    let missing = sandbox.home().join("four.token");
    let default_token_file = sandbox.home().join(".vault-token");
    let sandbox = sandbox
        .config(
            &format!(
                "[profiles.a-one]\naddress = \"{}\"\ntoken_file = \"{file_one}\"\n\n\
                 [profiles.b-two]\naddress = \"{}\"\ntoken_file = \"{file_two}\"\n\n\
                 [profiles.c-redirect]\naddress = \"{redirecting}\"\ntoken_file = \"{file_three}\"\n\n\
                 [profiles.d-new]\naddress = \"{}\"\ntoken_file = \"{}\"\n",
                proxy_one.addr,
                proxy_two.addr,
                proxy_two.addr,
                missing.display()
            ),
            0o600,
        )
        .args(&["--profile", "a-one"])
        .token("s.from-the-environment");
    let mut app = sandbox.spawn();
    app.wait_for("profile: a-one");
    app.wait_for("secret/ kv v2");

    // one -> two -> one -> two: the header names the server the tree comes from, every time.
    for (keys, profile, addr) in [
        (["P", "j", "\r"], "b-two", &proxy_two.addr),
        (["P", "k", "\r"], "a-one", &proxy_one.addr),
        (["P", "j", "\r"], "b-two", &proxy_two.addr),
    ] {
        app.keys(&keys);
        let screen = app.wait_for(&format!("profile: {profile}"));
        assert!(
            screen.contains(addr.as_str()),
            "{profile} at {addr}: {screen}"
        );
        app.wait_for("policies root");
    }
    // The Seal screen of two lists two's node only.
    app.keys(&["S"]);
    let screen = app.wait_for("unsealed");
    assert!(
        !screen.contains(proxy_one.addr.as_str()),
        "server one is no node of profile two: {screen}"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    app.keys(&["\x1b"]);

    // The redirecting profile: its token is withheld, and the screen says why.
    app.keys(&["P", "j", "\r"]);
    app.wait_for("profile: c-redirect");
    app.wait_for("redirected to another origin");

    // A profile whose token file does not exist yet: log in with server two's token and save it.
    app.keys(&["P", "j", "\r"]);
    app.wait_for("profile: d-new");
    let screen = app.wait_for("Save token");
    assert!(
        screen.contains(&missing.display().to_string()),
        "the dialog names the profile's own token file: {screen}"
    );
    app.keys(&[&token_two, "\t", " "]);
    app.wait_for("[x] write it to");
    app.keys(&["\r"]);
    app.wait_for("policies root");
    assert_eq!(
        std::fs::read_to_string(&missing).unwrap().trim(),
        token_two,
        "saved to the profile's token_file"
    );
    assert!(
        !default_token_file.exists(),
        "the shared default token file is left alone"
    );
    app.keys(&["P", "k", "k", "k", "\r"]);
    app.wait_for("profile: a-one");
    app.wait_for("policies root");
    app.keys(&["q"]);
    app.wait_exit();

    let at_one = proxy_one.requests();
    let at_two = proxy_two.requests();
    assert!(!at_one.is_empty() && !at_two.is_empty());
    for request in &at_one {
        assert!(
            request.token.as_deref().is_none_or(|t| t == token_one),
            "server one was sent another server's token: {request:?}"
        );
    }
    for request in &at_two {
        assert!(
            request.token.as_deref().is_none_or(|t| t == token_two),
            "server two was sent another server's token: {request:?}"
        );
    }
    for request in at_one.iter().chain(&at_two) {
        if ["/v1/sys/seal-status", "/v1/sys/health", "/v1/sys/leader"]
            .iter()
            .any(|route| request.path.starts_with(route))
        {
            assert_eq!(request.token, None, "needs no token: {request:?}");
        }
    }
    let redirected = redirector_saw.lock().unwrap().clone();
    assert!(
        redirected.iter().all(|t| *t == token_one),
        "the redirecting address saw only its own token: {redirected:?}"
    );
}
