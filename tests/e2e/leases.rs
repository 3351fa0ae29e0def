//! End to end: the real binary in a pseudo-terminal against a real OpenBao with the ssh engine's
//! OTP role (a built-in engine that issues leased credentials on write). Open the mount, issue
//! credentials, see the lease count down, reveal and copy the one-time password, revoke the lease,
//! and the Leases screen no longer lists it. Hygiene: the password is never in the log, any file,
//! or on the terminal's normal screen or scrollback after exit.

use crate::hygiene::{assert_clean, normal_screen_and_scrollback};
use crate::support;

use serde_json::json;
use std::time::Duration;
use support::sandbox::Sandbox;
use support::{dev_server, root_client};

/// A dev server with `ssh/` (leases of 10 minutes) and its OTP role `otp`.
fn ssh_server() -> tresor::devserver::DevServer {
    let server = dev_server();
    let client = root_client(&server);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            client
                .write(
                    "sys/mounts/ssh",
                    &json!({"type": "ssh", "config": {"default_lease_ttl": "10m"}}),
                )
                .await
                .expect("mount ssh");
            client
                .write(
                    "ssh/roles/otp",
                    &json!({"key_type": "otp", "default_user": "ubuntu",
                            "cidr_list": "10.0.0.0/8"}),
                )
                .await
                .expect("otp role");
        });
    server
}

/// The TTL shown on the credentials view ("9m 58s").
fn ttl_shown(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains(" left · "))?;
    let after = line.split("TTL").nth(1)?.trim_start();
    Some(after.split(" left").next()?.to_string())
}

#[test]
fn issue_count_down_revoke_and_the_leases_screen_no_longer_lists_it() {
    let server = ssh_server();
    let token = server.root_token.expose().to_string();
    let sandbox = Sandbox::new()
        .server(&server)
        .log("trace")
        .wait_for("ssh/ ssh (credentials)");
    let mut app = sandbox.spawn();

    app.keys(&["G", "\r"]);
    app.wait_for("Credentials: ssh/ (ssh)");
    app.keys(&["creds/otp", "\t", "\t", "ip=10.0.0.5", "\r"]);
    let screen = app.wait_for("From ssh/creds/otp");
    assert!(screen.contains("VALUE (masked)"), "{screen}");
    let lease_line = app.wait_for("Lease   ssh/creds/otp/");
    let lease_id = lease_line
        .lines()
        .find_map(|l| l.split("Lease   ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the lease id")
        .to_string();

    // The lease counts down by itself.
    let first = ttl_shown(&app.screen()).expect("a TTL");
    assert!(first.starts_with("9m") || first == "10m 00s", "{first}");
    app.wait_until_within("the TTL to move", Duration::from_secs(5), |screen| {
        ttl_shown(screen).is_some_and(|now| now != first)
    });

    // Reveal the one-time password, copy it (OSC 52 in the sandbox).
    app.keys(&["s", "j"]);
    let revealed = app.wait_for("› key ");
    let otp = revealed
        .lines()
        .find_map(|l| l.split("› key ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the OTP")
        .to_string();
    assert!(otp.len() >= 16, "{otp}");
    app.keys(&["y"]);
    app.wait_for("Copied the value of \"key\" from ssh/creds/otp");

    // Revoke, after a yes.
    app.keys(&["x"]);
    app.wait_for("Revoke the lease?");
    app.keys(&["y"]);
    app.wait_for("Revoked: these credentials no longer work.");
    app.keys(&["\x1b"]);
    app.wait_for("The lease of ssh/creds/otp was revoked.");

    // The Leases screen, under the role's prefix: nothing left.
    app.keys(&["T"]);
    app.wait_for("Prefix (none: everything the token may list)");
    app.keys(&["/", "ssh/creds/otp", "\r"]);
    let screen = app.wait_for("No leases under ssh/creds/otp/.");
    let last = lease_id.rsplit('/').next().unwrap();
    assert!(!screen.contains(last), "{screen}");
    app.keys(&["\x1b", "q"]);
    assert_eq!(app.wait_exit(), 0);

    let after = normal_screen_and_scrollback(&app.raw_output());
    for secret in [otp.as_str(), token.as_str()] {
        assert!(
            !after.contains(secret),
            "a secret on the normal screen:\n{after}"
        );
    }
    assert_clean(&sandbox, &[&otp, &token]);
}

/// A use-limited token whose policy may not list leases: the refusal spends a use on the server,
/// and so does the check that the token still works; the header counts both (issue 19, the
/// header said ≤3 while the server had 1 left).
#[test]
fn a_refused_leases_listing_spends_uses_and_the_header_counts_them() {
    let server = ssh_server();
    let created = support::bao_json(
        &server,
        &[
            "token",
            "create",
            "-format=json",
            "-policy=default",
            "-use-limit=12",
        ],
    );
    let text = |name: &str| created["auth"][name].as_str().unwrap().to_string();
    let (token, accessor) = (text("client_token"), text("accessor"));
    let mut app = Sandbox::new().addr(&server.addr).token(&token).spawn();
    app.wait_for("uses left");
    let start = super::wrapping::agree(&app, &server, &accessor, 11);
    app.keys(&["T"]);
    app.wait_for("list on sys/leases/lookup/ is denied");
    // The listing (refused), the token check after it, and the capabilities question.
    let after = super::wrapping::agree(&app, &server, &accessor, start - 1);
    assert!(after < start, "{after} {start}");
    app.keys(&["\x1b", "q"]);
    assert_eq!(app.wait_exit(), 0);
}
