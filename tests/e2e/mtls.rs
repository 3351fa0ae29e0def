//! The real binary against a real OpenBao listener that requires a client certificate: `tresor
//! ls` works with the certificate given by flags, by `BAO_*` variables and by a profile, and
//! without one `tresor ls` and `tresor status` say the server asked for a client certificate.

use crate::support;

use std::process::Command;
use support::mtls::{MtlsServer, mtls_dev_server};
use support::sandbox::Sandbox;

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The server with a secret at `secret/app/db`, and a sandbox aimed at its mTLS listener with
/// its CA trusted (by flag) and the root token in the environment, but no client certificate.
fn server_and_sandbox() -> (MtlsServer, Sandbox) {
    let server = mtls_dev_server();
    server
        .server
        .bao(&["kv", "put", "secret/app/db", "password=p"], None)
        .unwrap();
    let sandbox = Sandbox::new()
        .addr(&server.addr)
        .token(server.server.root_token.expose());
    let config = sandbox.config_file();
    let sandbox = sandbox.env("TRESOR_CONFIG", config.to_str().unwrap());
    (server, sandbox)
}

#[test]
fn tresor_ls_works_with_the_client_certificate_from_flags_environment_or_profile() {
    let (server, sandbox) = server_and_sandbox();
    let (cert, key) = server.client();
    let ca = server.pki.server_ca.to_str().unwrap();
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());

    let flags = ["--ca-cert", ca, "--client-cert", cert, "--client-key", key];
    let (code, stdout, stderr) = run(sandbox.command().args(["ls", "secret/app/"]).args(flags));
    assert_eq!(code, 0, "flags: {stdout}{stderr}");
    assert!(stdout.contains("secret/app/db"), "flags: {stdout}{stderr}");

    let (code, stdout, stderr) = run(sandbox
        .command()
        .env("BAO_CACERT", ca)
        .env("BAO_CLIENT_CERT", cert)
        .env("BAO_CLIENT_KEY", key)
        .args(["ls", "secret/app/"]));
    assert_eq!(code, 0, "environment: {stdout}{stderr}");
    assert!(
        stdout.contains("secret/app/db"),
        "environment: {stdout}{stderr}"
    );

    // A profile: its own token file (the environment's token is not used with a profile).
    let token_file = sandbox.home().join("mtls-token");
    std::fs::write(&token_file, server.server.root_token.expose()).unwrap();
    std::fs::set_permissions(
        &token_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let profile = format!(
        "[profiles.mtls]\naddress = \"{}\"\nca_cert = \"{ca}\"\nclient_cert = \"{cert}\"\n\
         client_key = \"{key}\"\ntoken_file = \"{}\"\n",
        server.addr,
        token_file.display()
    );
    let sandbox = sandbox.config(&profile, 0o600);
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .env_remove("BAO_ADDR")
            .args(["ls", "-p", "mtls", "secret/app/"]));
    assert_eq!(code, 0, "profile: {stdout}{stderr}");
    assert!(
        stdout.contains("secret/app/db"),
        "profile: {stdout}{stderr}"
    );
}

#[test]
fn without_a_client_certificate_ls_and_status_say_the_server_asked_for_one() {
    let (server, sandbox) = server_and_sandbox();
    let ca = server.pki.server_ca.to_str().unwrap();
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["ls", "secret/app/", "--ca-cert", ca]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("the server asked for a client certificate and none was given")
            && stderr.contains("--client-cert"),
        "{stderr}"
    );
    assert!(!stderr.contains("cannot reach"), "{stderr}");

    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["status", "--ca-cert", ca, "--timeout", "5s"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("the server asked for a client certificate and none was given"),
        "{said}"
    );
    assert!(!said.contains("unreachable"), "{said}");
}

/// The TUI's header says what was refused: the client certificate, not the server's.
#[test]
fn without_a_client_certificate_the_header_says_the_client_certificate_was_refused() {
    let (server, sandbox) = server_and_sandbox();
    let ca = server.pki.server_ca.to_str().unwrap();
    let sandbox = sandbox.args(&["--ca-cert", ca]);
    let mut app = sandbox.spawn();
    app.wait_for("TLS refused (client certificate)");
    let screen = app.wait_for("Cannot list mounts");
    assert!(
        screen.contains("the server asked for a client certificate"),
        "{screen}"
    );
    assert!(!screen.contains("not trusted"), "{screen}");
    assert!(!screen.contains("unreachable"), "{screen}");
    app.keys(&["q"]);
    app.wait_exit();
}
