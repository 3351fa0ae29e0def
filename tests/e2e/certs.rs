//! `tresor certs --expiring WINDOW [PATH]` as a script runs it: the real binary against a real
//! OpenBao dev server with PEM values in KV (one certificate ending in a day, one in a year, one
//! expired, a private key beside them), its stdout, stderr, log and exit codes.

use crate::support;

use rcgen::{CertificateParams, DnType, KeyPair};
use std::process::{Command, Stdio};
use support::dev_server;
use support::sandbox::Sandbox;
use time::{Duration, OffsetDateTime};
use tresor::devserver::DevServer;

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.stdin(Stdio::null()).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn bao(server: &DevServer, args: &[&str]) {
    server.bao(args, None).unwrap_or_else(|e| panic!("{e}"));
}

/// A self-signed certificate ending `ends_in` from now, and its key.
fn certificate(cn: &str, ends_in: Duration) -> (String, String) {
    let mut params = CertificateParams::new(vec![format!("{cn}.example.com")]).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(400);
    params.not_after = now + ends_in;
    let key = KeyPair::generate().expect("key");
    (
        params.self_signed(&key).expect("certificate").pem(),
        key.serialize_pem(),
    )
}

/// Writes `value` to a file and stores it at `secret/<path>` under `key` (`key=@file`).
fn put(server: &DevServer, dir: &std::path::Path, path: &str, pairs: &[(&str, &str)]) {
    let mut args = vec![
        "kv".to_string(),
        "put".to_string(),
        "-mount=secret".to_string(),
        path.to_string(),
    ];
    for (n, (key, value)) in pairs.iter().enumerate() {
        let file = dir.join(format!("{}-{n}.pem", path.replace('/', "_")));
        std::fs::write(&file, value).unwrap();
        args.push(format!("{key}=@{}", file.display()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    bao(server, &args);
}

#[test]
fn certs_lists_what_expires_within_the_window_and_exits_by_what_it_found() {
    let server = dev_server();
    let dir = tempfile::tempdir().unwrap();
    let (day, day_key) = certificate("day", Duration::days(1));
    let (year, _) = certificate("year", Duration::days(365));
    let (gone, _) = certificate("gone", -Duration::days(3));
    put(
        &server,
        dir.path(),
        "tls/web",
        &[("cert", &day), ("key", &day_key), ("note", "plain text")],
    );
    put(&server, dir.path(), "tls/deep/api", &[("chain", &year)]);
    put(&server, dir.path(), "legacy/old", &[("cert", &gone)]);
    put(&server, dir.path(), "fresh/only", &[("cert", &year)]);
    let sandbox = Sandbox::new().server(&server).log("debug");

    let (code, stdout, stderr) = run(sandbox.command().args(["certs", "--expiring", "30d"]));
    assert_eq!(code, 1, "{stderr}");
    let first = format!("{stdout}{stderr}");
    let mut lines: Vec<&str> = stdout.lines().collect();
    lines.sort();
    assert_eq!(lines.len(), 2, "{stdout}");
    let fields: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    assert_eq!(fields[0][..3], ["secret/legacy/old", "cert", "CN=gone"]);
    assert!(fields[0][4].starts_with("EXPIRED 3 days ago"), "{stdout}");
    assert_eq!(fields[1][..3], ["secret/tls/web", "cert", "CN=day"]);
    assert!(fields[1][4].starts_with("expires soon: in "), "{stdout}");
    // The expiry is a timestamp a script can parse.
    OffsetDateTime::parse(fields[1][3], &time::format_description::well_known::Rfc3339)
        .expect("RFC 3339");

    // A wider window takes the one a year away too; a folder narrows the search.
    let (code, stdout, _) =
        run(sandbox
            .command()
            .args(["certs", "--expiring", "400d", "secret/tls"]));
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.contains("secret/tls/deep/api\tchain\tCN=year\t"),
        "{stdout}"
    );

    // Nothing within the window: 0, nothing printed.
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["certs", "--expiring", "30d", "secret/fresh/"]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");

    // Trouble is its own code: a path in no mount, a rejected token; a bad window is usage.
    let (code, _, _) = run(sandbox.command().args(["certs", "nosuchmount/"]));
    assert_eq!(code, 2);
    let (code, _, _) = run(sandbox
        .command()
        .env("BAO_TOKEN", "not-a-token")
        .args(["certs", "secret/"]));
    assert_eq!(code, 2);
    let (code, _, stderr) = run(sandbox.command().args(["certs", "--expiring", "30y"]));
    assert_eq!(code, 3, "{stderr}");

    // Nothing of the private key, anywhere.
    let log = std::fs::read_to_string(sandbox.log_file()).expect("the debug log was written");
    let key_line = day_key.lines().nth(1).expect("a key body line");
    for (name, text) in [("the output", &first), ("the log", &log)] {
        assert!(!text.contains(key_line), "the private key is in {name}");
    }
}
