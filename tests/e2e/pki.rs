//! PKI mounts end to end: `tresor certs --expiring` covers the certificates PKI mounts issued
//! (exit 1 with one of 24 hours, 0 without), and the TUI in a pseudo-terminal opens a pki mount,
//! revokes a certificate behind the confirmation, issues one (its key never in the log or the
//! scrollback), and lists the 24-hour one in the expiring view.

use crate::support;

use std::process::{Command, Stdio};
use support::dev_server;
use support::pki;
use support::sandbox::Sandbox;

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.stdin(Stdio::null()).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn certs_expiring_covers_pki_mounts_exit_1_with_a_day_0_without() {
    let server = dev_server();
    pki::mounts(&server);
    let year = pki::issue(&server, "year.example.com", "8000h");
    let sandbox = Sandbox::new().server(&server);
    // Only a certificate of a year: nothing within 30 days.
    let (code, stdout, stderr) = run(sandbox.command().args(["certs", "--expiring", "30d"]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    // One of 24 hours: listed with where it is, exit 1.
    let soon = pki::issue(&server, "soon.example.com", "24h");
    let (code, stdout, stderr) = run(sandbox.command().args(["certs", "--expiring", "30d"]));
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let fields: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(
        fields[..3],
        [
            format!("pki_int/cert/{soon}").as_str(),
            "certificate",
            "CN=soon.example.com"
        ]
    );
    assert!(fields[4].starts_with("expires soon: in "), "{stdout}");
    assert!(!stdout.contains(&year));
    // PATH in the pki mount: that mount only; in the root CA's mount: nothing issued there.
    let (code, stdout, _) = run(sandbox
        .command()
        .args(["certs", "--expiring", "30d", "pki_int/"]));
    assert_eq!((code, stdout.lines().count()), (1, 1));
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["certs", "--expiring", "30d", "pki/"]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    // Revoked: no longer an alarm.
    server
        .bao(
            &["write", "pki_int/revoke", &format!("serial_number={soon}")],
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = run(sandbox.command().args(["certs", "--expiring", "30d"]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
}

/// The line of a revealed private key's body on the screen (between the BEGIN and END lines).
fn key_body_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let begin = lines
        .iter()
        .position(|l| l.contains("-----BEGIN") && l.contains("PRIVATE KEY"))
        .unwrap_or_else(|| panic!("no revealed key:\n{screen}"));
    lines[begin + 1]
        .trim_matches(|c: char| c == '│' || c.is_whitespace())
        .to_string()
}

#[test]
fn the_pki_screen_revokes_after_a_yes_issues_once_and_the_expiring_view_finds_the_day() {
    let server = dev_server();
    let setup = pki::setup(&server);
    let token = server.root_token.expose().to_string();
    let sandbox = Sandbox::new()
        .server(&server)
        .log("trace")
        .wait_for("pki_int/ pki");
    let mut app = sandbox.spawn();
    // cubbyhole/, pki/, pki_int/: open the third.
    app.keys(&["j", "j", "\r"]);
    app.wait_for("PKI · pki_int/");
    app.wait_for("Roles (1)");
    // The certificates: the revoked one says so; revoke the first one that is not.
    app.keys(&["\t", "\t"]);
    app.wait_for("CN=soon.example.com");
    app.wait_for("REVOKED");
    let screen = app.screen();
    let first = screen
        .lines()
        .position(|l| l.contains("› "))
        .expect("a selected row");
    let skip = usize::from(
        screen
            .lines()
            .nth(first)
            .is_some_and(|l| l.contains("REVOKED")),
    );
    for _ in 0..skip {
        app.keys(&["j"]);
    }
    app.keys(&["x"]);
    app.wait_for("It is put on the CRL");
    app.keys(&["n"]);
    app.wait_until("the question closed", |s| {
        !s.contains("It is put on the CRL")
    });
    app.keys(&["x"]);
    app.wait_for("It is put on the CRL");
    app.keys(&["y"]);
    app.wait_for("Revoked certificate");
    app.wait_until("two revoked rows, read again", |s| {
        s.matches("REVOKED").count() == 2
    });
    let revoked: Vec<String> = [&setup.soon, &setup.year]
        .iter()
        .filter(|serial| {
            let answer = support::bao_json(
                &server,
                &["read", "-format=json", &format!("pki_int/cert/{serial}")],
            );
            answer["data"]["revocation_time"].as_i64().unwrap_or(0) > 0
        })
        .map(|s| s.to_string())
        .collect();
    assert_eq!(revoked.len(), 1, "the server has one more revoked");
    // Issue one from the role; the key is masked until revealed.
    app.keys(&["\t", "\t", "i"]);
    app.wait_for("Issue a certificate from role web");
    app.keys(&["new.example.com", "\t", "\t", "2h", "\r"]);
    app.wait_for("Issued from role web");
    app.wait_for("Private key (ec): ••••••");
    app.wait_for("not stored anywhere");
    app.keys(&["s"]);
    let key_line = key_body_line(&app.wait_for("PRIVATE KEY-----"));
    assert!(key_line.len() >= 40, "{key_line:?}");
    app.keys(&["\x1b"]);
    app.wait_until("the key is gone", |s| !s.contains(&key_line));
    app.keys(&["\x1b"]);
    app.wait_until("the screen closed", |s| !s.contains("PKI · pki_int/"));
    // The expiring view: the 24-hour certificate (unless it was the one revoked), the new one.
    app.keys(&["C"]);
    app.wait_for("Expiring within 30 days");
    let expected = if revoked[0] == setup.soon {
        "CN=new.example.com"
    } else {
        "CN=soon.example.com"
    };
    let screen = app.wait_for(expected);
    assert!(screen.contains("expires soon: in "), "{screen}");
    assert!(!screen.contains("CN=year.example.com"), "{screen}");
    assert!(!screen.contains("CN=gone.example.com"), "revoked: {screen}");
    app.keys(&["q", "q"]);
    assert_eq!(app.wait_exit(), 0);
    // Nothing of the key in the log, the files, or the terminal outside the alternate screen.
    let after = super::hygiene::normal_screen_and_scrollback(&app.raw_output());
    assert!(!after.contains(&key_line), "the key on the normal screen");
    super::hygiene::assert_clean(&sandbox, &[&key_line, &token]);
}
