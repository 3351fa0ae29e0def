//! `tresor cp -r / mv / rm -r / export / import / diff / grep` as scripts run them: the real
//! binary against real OpenBao dev servers, its stdout, stderr, log file and exit codes.

use crate::support;

use serde_json::json;
use std::process::{Command, Stdio};
use support::sandbox::Sandbox;
use support::{bao_json, dev_server};
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

fn get(server: &DevServer, path: &str) -> Option<serde_json::Value> {
    let out = server
        .bao(&["kv", "get", "-format=json", "-mount=secret", path], None)
        .ok()?;
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    Some(answer["data"]["data"].clone())
}

fn seeded() -> DevServer {
    let server = dev_server();
    bao(
        &server,
        &[
            "kv",
            "put",
            "-mount=secret",
            "staging/db",
            "password=s3cret-value",
            "user=app",
        ],
    );
    bao(
        &server,
        &["kv", "put", "-mount=secret", "staging/with space", "k=v"],
    );
    bao(
        &server,
        &["kv", "put", "-mount=secret", "staging/ключ/秘密", "k=v"],
    );
    bao(
        &server,
        &[
            "kv",
            "put",
            "-mount=secret",
            "prod/db",
            "password=prod-value",
        ],
    );
    server
}

#[test]
fn cp_asks_or_needs_yes_skips_existing_targets_with_exit_4_and_overwrites_when_asked() {
    let server = seeded();
    let sandbox = Sandbox::new().server(&server);
    let cp = ["cp", "-r", "secret/staging", "secret/prod"];

    // Not a terminal and no --yes: refused, nothing written.
    let (code, _, stderr) = run(sandbox.command().args(cp));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("give --yes"), "{stderr}");
    assert_eq!(get(&server, "prod/with space"), None);
    // A tree into itself: a usage error (3), nothing asked of the server, nothing written.
    let (code, _, stderr) = run(sandbox.command().args([
        "cp",
        "-r",
        "secret/staging",
        "secret/staging/inner",
        "--yes",
    ]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("into itself"), "{stderr}");

    // The plan, nothing written.
    let (code, stdout, stderr) = run(sandbox.command().args(cp).arg("--dry-run"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("3 secret(s), 2 new, 1 existing (skipped: --overwrite replaces them)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("exists v1  secret/staging/db -> secret/prod/db"),
        "{stdout}"
    );
    assert!(
        stdout.contains("new        secret/staging/ключ/秘密 -> secret/prod/ключ/秘密"),
        "{stdout}"
    );
    assert_eq!(get(&server, "prod/with space"), None);

    // Existing targets skipped and named: exit 4.
    let (code, stdout, stderr) = run(sandbox.command().args(cp).arg("--yes"));
    assert_eq!(code, 4, "{stdout}{stderr}");
    assert!(
        stderr.contains("exists, left as it is: secret/prod/db"),
        "{stderr}"
    );
    assert!(stdout.contains("copied 2 of 3"), "{stdout}");
    assert_eq!(
        get(&server, "prod/db"),
        Some(json!({"password": "prod-value"}))
    );
    assert_eq!(get(&server, "prod/ключ/秘密"), Some(json!({"k": "v"})));

    // --overwrite replaces them.
    let (code, _, stderr) = run(sandbox.command().args(cp).args(["--yes", "--overwrite"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        get(&server, "prod/db"),
        Some(json!({"password": "s3cret-value", "user": "app"}))
    );

    // cp without -r is a usage error.
    let (code, _, stderr) =
        run(sandbox
            .command()
            .args(["cp", "secret/staging", "secret/x", "--yes"]));
    assert_eq!(code, 3, "{stderr}");
}

#[test]
fn mv_and_rm_r_move_and_delete_folders_and_rm_needs_yes_off_a_terminal() {
    let server = seeded();
    let sandbox = Sandbox::new().server(&server);
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["mv", "secret/staging", "secret/renamed", "--yes"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(get(&server, "staging/db"), None);
    assert_eq!(
        get(&server, "renamed/db"),
        Some(json!({"password": "s3cret-value", "user": "app"}))
    );
    let (code, _, stderr) = run(sandbox.command().args(["rm", "-r", "secret/renamed"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(get(&server, "renamed/db").is_some(), "nothing deleted");
    let (code, stdout, _) =
        run(sandbox
            .command()
            .args(["rm", "-r", "secret/renamed", "--dry-run"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("delete     secret/renamed/db (current version 1)"),
        "{stdout}"
    );
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["rm", "-r", "secret/renamed", "--yes"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("deleted 3 of 3"), "{stdout}");
    let metadata = server.bao(
        &["kv", "metadata", "get", "-mount=secret", "renamed/db"],
        None,
    );
    assert!(metadata.is_err(), "every version and the metadata gone");
    assert!(get(&server, "prod/db").is_some(), "the rest is untouched");
}

/// Issue 17 (tester): a single secret given to cp -r / mv / rm -r said "no secrets there (no such
/// folder, or it is empty)". It is a secret, not a folder: said so (exit 3, a command-line
/// mistake), with how to copy one secret, and nothing written or deleted.
#[test]
fn a_secret_given_where_a_folder_is_expected_is_named_as_a_secret() {
    let server = seeded();
    let sandbox = Sandbox::new().server(&server);
    for args in [
        &["cp", "-r", "secret/staging/db", "secret/copy/", "--yes"][..],
        &["mv", "secret/staging/db", "secret/moved/", "--yes"][..],
        &["rm", "-r", "secret/staging/db", "--yes"][..],
    ] {
        let (code, stdout, stderr) = run(sandbox.command().args(args));
        assert_eq!(code, 3, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("secret/staging/db is a secret, not a folder"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("empty"), "{args:?}: {stderr}");
    }
    assert!(get(&server, "staging/db").is_some(), "nothing deleted");
    assert_eq!(get(&server, "copy/db"), None, "nothing written");
    assert_eq!(get(&server, "moved/db"), None, "nothing written");
    // A path that is neither is still said as such.
    let (code, _, stderr) =
        run(sandbox
            .command()
            .args(["cp", "-r", "secret/nothing", "secret/x/", "--yes"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no such folder"), "{stderr}");
}

#[test]
fn diff_exits_0_when_same_1_when_different_2_on_trouble_and_prints_no_values() {
    let server = seeded();
    let sandbox = Sandbox::new().server(&server);
    bao(
        &server,
        &["secrets", "enable", "-path=kv1", "-version=1", "kv"],
    );
    let (code, _, stderr) =
        run(sandbox
            .command()
            .args(["cp", "-r", "secret/staging", "kv1/copy", "--yes"]));
    assert_eq!(code, 0, "{stderr}");
    // KV v2 against KV v1: the same secrets, the same values.
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["diff", "secret/staging", "kv1/copy"]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    bao(
        &server,
        &["kv", "put", "kv1/copy/db", "password=changed", "extra=1"],
    );
    bao(&server, &["kv", "put", "kv1/copy/only-here", "k=v"]);
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["diff", "secret/staging", "kv1/copy"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("only in kv1/copy/: only-here"), "{stdout}");
    assert!(
        stdout.contains("differs: db  +extra -user ~password"),
        "{stdout}"
    );
    for value in ["s3cret-value", "changed"] {
        assert!(
            !stdout.contains(value) && !stderr.contains(value),
            "{value} printed"
        );
    }
    // A tree it cannot read: trouble, not "different".
    let (code, _, stderr) =
        run(sandbox
            .command()
            .args(["diff", "secret/staging", "nosuchmount/x"]));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = run(sandbox.command().env("BAO_TOKEN", "not-a-token").args([
        "diff",
        "secret/staging",
        "kv1/copy",
    ]));
    assert_eq!(code, 2);
}

#[test]
fn grep_finds_a_value_in_a_nested_secret_and_never_prints_it() {
    let server = dev_server();
    let leaked = "AKIA-leaked-7f3e9c";
    bao(
        &server,
        &[
            "kv",
            "put",
            "-mount=secret",
            "team/svc/deep/config",
            &format!("settings={{\"aws\":{{\"key\":\"{leaked}\",\"region\":\"eu\"}}}}"),
        ],
    );
    bao(
        &server,
        &["kv", "put", "-mount=secret", "team/other", "k=v"],
    );
    let sandbox = Sandbox::new().server(&server).log("debug");
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["grep", "leaked-7f3e", "secret/team"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "secret/team/svc/deep/config  settings\n");
    let log = std::fs::read_to_string(sandbox.log_file()).expect("the debug log was written");
    assert!(!log.is_empty());
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr), ("log", &log)] {
        assert!(!text.contains(leaked), "the value is in {name}: {text}");
        assert!(!text.contains("eu\""), "part of the value is in {name}");
    }
    let (code, stdout, _) =
        run(sandbox
            .command()
            .args(["grep", "nowhere-to-be-found", "secret/team"]));
    assert_eq!((code, stdout.as_str()), (1, ""));
    let (code, _, _) = run(sandbox.command().args(["grep", "x", "nosuchmount/"]));
    assert_eq!(code, 2);
}

#[test]
fn export_writes_a_private_file_refuses_to_replace_it_and_import_brings_it_back() {
    let server = seeded();
    let sandbox = Sandbox::new().server(&server);
    let file = sandbox.home().join("staging.json");
    let file_arg = file.to_str().unwrap();
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["export", "secret/staging", file_arg, "--all-versions"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("exported 3 secret(s)"), "{stdout}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let written = std::fs::read(&file).unwrap();
    let (code, _, stderr) = run(sandbox
        .command()
        .args(["export", "secret/staging", file_arg]));
    assert_eq!(code, 1);
    assert!(stderr.contains("the file exists"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), written, "left as it was");
    let (code, _, stderr) = run(sandbox.command().args([
        "import",
        file_arg,
        "secret/restored",
        "--yes",
        "--all-versions",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        get(&server, "restored/db"),
        Some(json!({"password": "s3cret-value", "user": "app"}))
    );
    // Into KV v1 only the latest data can go: said, not dropped in silence.
    bao(
        &server,
        &["secrets", "enable", "-path=flat", "-version=1", "kv"],
    );
    let (code, _, stderr) = run(sandbox.command().args([
        "import",
        file_arg,
        "flat/restored",
        "--yes",
        "--all-versions",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("KV v1 keeps only the latest data"),
        "{stderr}"
    );
    let (code, _, stderr) =
        run(sandbox
            .command()
            .args(["diff", "secret/staging", "secret/restored"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) =
        run(sandbox
            .command()
            .args(["export", "secret/staging", file_arg, "--force"]));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn cp_to_profile_copies_to_another_server() {
    let (staging, prod) = (seeded(), dev_server());
    let sandbox = Sandbox::new().server(&staging);
    let token_file = sandbox.home().join("prod-token");
    std::fs::write(&token_file, prod.root_token.expose()).unwrap();
    let sandbox = sandbox.config(
        &format!(
            "[profiles.prod]\naddress = \"{}\"\ntoken_file = \"{}\"\n",
            prod.addr,
            token_file.display()
        ),
        0o600,
    );
    let (code, stdout, stderr) = run(sandbox.command().args([
        "cp",
        "-r",
        "secret/staging",
        "secret/promoted",
        "--to-profile",
        "prod",
        "--yes",
    ]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let on_prod = bao_json(
        &prod,
        &["kv", "get", "-format=json", "-mount=secret", "promoted/db"],
    );
    assert_eq!(
        on_prod["data"]["data"],
        json!({"password": "s3cret-value", "user": "app"})
    );
    assert_eq!(
        get(&staging, "promoted/db"),
        None,
        "not on the source server"
    );
    let (code, _, _) = run(sandbox.command().args([
        "diff",
        "secret/staging",
        "secret/promoted",
        "--to-profile",
        "prod",
    ]));
    assert_eq!(code, 0);
    let (code, _, stderr) = run(sandbox.command().args([
        "cp",
        "-r",
        "secret/staging",
        "secret/x",
        "--to-profile",
        "nope",
        "--yes",
    ]));
    assert_eq!(code, 3, "an unknown profile is a usage error: {stderr}");
}

#[test]
fn on_a_terminal_cp_asks_y_n_after_the_plan_and_rm_wants_the_path_typed() {
    let server = seeded();
    let sandbox =
        Sandbox::new()
            .server(&server)
            .args(&["cp", "-r", "secret/staging", "secret/asked"]);
    let mut app = sandbox.spawn();
    let screen = app.wait_for("Go ahead? [y/N]");
    assert!(
        screen.contains("copy secret/staging/ -> secret/asked/: 3 secret(s), 3 new"),
        "{screen}"
    );
    assert_eq!(
        get(&server, "asked/db"),
        None,
        "nothing written before the answer"
    );
    app.send("y\r");
    app.wait_for("copied 3 of 3 secret(s)");
    assert_eq!(app.wait_exit(), 0);
    assert!(get(&server, "asked/db").is_some());

    let sandbox = Sandbox::new()
        .server(&server)
        .args(&["rm", "-r", "secret/asked"]);
    let mut app = sandbox.spawn();
    app.wait_for("Type secret/asked/ to go ahead:");
    app.send("y\r");
    app.wait_for("not confirmed: nothing was deleted");
    assert_eq!(app.wait_exit(), 1);
    assert!(get(&server, "asked/db").is_some(), "a y is not the path");
    let mut app = sandbox.spawn();
    app.wait_for("Type secret/asked/ to go ahead:");
    app.send("secret/asked\r");
    app.wait_for("deleted 3 of 3 secret(s)");
    assert_eq!(app.wait_exit(), 0);
    assert_eq!(get(&server, "asked/db"), None);
}

#[test]
fn a_folder_the_token_cannot_list_is_named_on_stderr_and_the_copy_exits_1() {
    let server = seeded();
    bao(
        &server,
        &["kv", "put", "-mount=secret", "staging/locked/key", "k=v"],
    );
    let policy = r#"
        path "secret/metadata/staging/*" { capabilities = ["list"] }
        path "secret/metadata/staging/locked/*" { capabilities = ["deny"] }
        path "secret/data/staging/*" { capabilities = ["read"] }
        path "secret/data/copy/*" { capabilities = ["create", "update", "read"] }
        path "secret/metadata/copy/*" { capabilities = ["list", "read"] }
    "#;
    server
        .bao(&["policy", "write", "partial", "-"], Some(policy))
        .unwrap_or_else(|e| panic!("{e}"));
    let token = support::create_token(&server, &["-policy=partial"]);
    let sandbox = Sandbox::new().server(&server).token(&token);
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["cp", "-r", "secret/staging", "secret/copy", "--yes"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "cannot list secret/staging/locked/ (permission denied): its secrets were left out"
        ),
        "{stderr}"
    );
    assert!(
        stdout.contains("copied 3 of 3"),
        "the rest was copied: {stdout}"
    );
    assert_eq!(get(&server, "copy/locked/key"), None);
}

/// Issue 17 (tester): the plan checked that the token may read the source, not that it may write
/// the target, so a copy into a folder the token may not write failed secret by secret after the
/// confirmation. The plan names each target it cannot write (path and capability) before
/// anything is written, and leaves it out.
#[test]
fn the_plan_names_the_targets_the_token_may_not_write() {
    let server = seeded();
    let policy = r#"
        path "secret/metadata/staging/*" { capabilities = ["list", "read"] }
        path "secret/data/staging/*" { capabilities = ["read"] }
        path "secret/data/copy/*" { capabilities = ["create", "update", "read"] }
        path "secret/data/copy/ключ/*" { capabilities = ["read"] }
        path "secret/metadata/copy/*" { capabilities = ["list", "read"] }
    "#;
    server
        .bao(&["policy", "write", "no-write", "-"], Some(policy))
        .unwrap_or_else(|e| panic!("{e}"));
    let token = support::create_token(&server, &["-policy=no-write"]);
    let sandbox = Sandbox::new().server(&server).token(&token);
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["cp", "-r", "secret/staging", "secret/copy", "--dry-run"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("cannot write secret/copy/ключ/秘密: permission denied: create on secret/data/copy/ключ/秘密"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 secret(s) cannot be written (left out)"),
        "{stdout}"
    );
    let (code, stdout, stderr) =
        run(sandbox
            .command()
            .args(["cp", "-r", "secret/staging", "secret/copy", "--yes"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("copied 2 of 2"), "{stdout}");
    assert!(
        !stderr.contains("failed:"),
        "no failure after the fact: {stderr}"
    );
    assert_eq!(get(&server, "copy/ключ/秘密"), None);
}
