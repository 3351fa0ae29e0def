//! End to end: logging out and in through the real binary against a real OpenBao (issue 14).

use crate::support;

use support::bao_json;
use support::sandbox::Sandbox;
use support::seeded_server_blocking;

const UP: &str = "\x1b[A";
const RIGHT: &str = "\x1b[C";

#[test]
fn logout_clears_the_old_tokens_view_and_the_next_login_starts_on_the_method_that_worked() {
    let (server, _) = seeded_server_blocking();
    let token = bao_json(
        &server,
        &["token", "create", "-format=json", "-policy=app-readonly"],
    )["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    let sandbox = Sandbox::new().addr(&server.addr).token(&token);
    let mut app = sandbox.spawn();
    app.wait_for("secret/ kv v2");
    app.keys(&[":", "\x15", "secret/app/database", "\r"]);
    app.wait_for("┌ secret/app/database ");
    // Log out in the dialog, then close it: nothing of the old token's view is left.
    app.keys(&["L", "\x18"]);
    app.wait_for("Logged out. Log in to go on.");
    app.keys(&["\x1b"]);
    let screen = app.wait_for("What the old token saw is gone");
    assert!(!screen.contains("database"), "{screen}");
    assert!(!screen.contains("secret/"), "{screen}");
    // Userpass works; the next L starts on Userpass.
    app.keys(&["L"]);
    app.wait_for("[Token]");
    app.keys(&[
        UP,
        RIGHT,
        RIGHT,
        "\t",
        "\t",
        "demo",
        "\t",
        "demo-password",
        "\r",
    ]);
    app.wait_for("Logged in as userpass-demo");
    app.wait_for("secret/ kv v2");
    app.keys(&["L"]);
    let screen = app.wait_for("[Userpass]");
    assert!(!screen.contains("[Token]"), "{screen}");
    app.keys(&["\x1b", "q"]);
    app.wait_exit();
}

/// The bao CLI's `token_helper` (named in `~/.bao`) keeps the token instead of `~/.vault-token`:
/// a login saved with it goes to `helper store`, the next start gets it with `helper get`, a
/// logout has it `erase`d; the token file is never written.
#[test]
fn a_token_helper_named_in_the_cli_config_keeps_the_token() {
    let server = support::dev_server();
    let sandbox = Sandbox::new().addr(&server.addr);
    let home = sandbox.home();
    let kept = home.join("keychain");
    let calls = home.join("calls");
    let helper = home.join("token-helper");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\necho \"$1\" >> {calls}\ncase \"$1\" in get) cat {kept} 2>/dev/null || true ;; \
             store) cat > {kept} ;; erase) rm -f {kept} ;; esac\n",
            calls = calls.display(),
            kept = kept.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::write(
        home.join(".bao"),
        format!("token_helper = \"{}\"\n", helper.display()),
    )
    .unwrap();
    let calls_so_far = || std::fs::read_to_string(&calls).unwrap_or_default();

    let mut app = sandbox.spawn();
    let screen = app.wait_for("Save token");
    assert!(
        screen.contains("the token helper"),
        "no token, and the dialog names the helper: {screen}"
    );
    assert_eq!(calls_so_far(), "get\n");
    app.keys(&[server.root_token.expose(), "\t", " "]);
    app.wait_for("[x] keep it with the token helper");
    app.keys(&["\r"]);
    app.wait_for("policies root");
    assert_eq!(calls_so_far(), "get\nstore\n");
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        server.root_token.expose(),
        "stored through the helper, on its stdin"
    );
    app.keys(&["q"]);
    app.wait_exit();

    // A new start gets the token from the helper: no login.
    let mut app = sandbox.spawn();
    app.wait_for("policies root");
    app.wait_for("secret/ kv v2");
    assert_eq!(calls_so_far(), "get\nstore\nget\n");
    // Logging out revokes the token and has the helper erase it.
    app.keys(&["L", "\x18"]);
    app.wait_for("Logged out. Log in to go on.");
    assert_eq!(calls_so_far(), "get\nstore\nget\nerase\n");
    assert!(!kept.exists(), "erased");
    app.keys(&["\x1b", "q"]);
    app.wait_exit();
    assert!(
        !home.join(".vault-token").exists(),
        "the token file is never written while a helper keeps the token"
    );
}

/// LDAP through the login dialog against a real slapd behind OpenBao's LDAP method: a wrong
/// password is refused in words and the typed text kept; the right one logs in with the policy
/// of the user's LDAP group. Neither password reaches the log, even at trace level.
#[test]
fn an_ldap_login_in_the_dialog_gets_the_groups_policy_and_no_password_reaches_the_log() {
    use support::ldap::{PASSWORD, POLICY, USER, ldap_server};
    let (server, _slapd) = ldap_server();
    let wrong = "not-Alices-Pa55word";
    let sandbox = Sandbox::new().addr(&server.addr).log("trace");
    let mut app = sandbox.spawn();
    app.wait_for("[Token]");
    // Method LDAP (three to the right of Token), then mount, username, password.
    app.keys(&[UP, RIGHT, RIGHT, RIGHT]);
    app.wait_for("[LDAP]");
    app.keys(&["\t", "\t", USER, "\t", wrong, "\r"]);
    let screen = app.wait_for("LDAP server refused this username or password");
    assert!(!screen.contains(wrong), "{screen}");
    // The password field still holds the (masked) text: clear it and type the right one.
    app.keys(&["\x15", PASSWORD, "\r"]);
    app.wait_for(&format!("Logged in as ldap-{USER}"));
    let screen = app.wait_for(POLICY);
    assert!(!screen.contains(PASSWORD), "{screen}");
    app.keys(&["q"]);
    app.wait_exit();
    let log = std::fs::read_to_string(sandbox.log_file()).expect("the log file");
    assert!(
        log.contains("auth/ldap/login"),
        "the log has the login: {log}"
    );
    for password in [PASSWORD, wrong] {
        assert!(!log.contains(password), "a password in the log:\n{log}");
    }
}

/// `BAO_TOKEN` set to nothing wins over a token helper (as in the CLI): the helper is not asked,
/// and the message says the variable is empty instead of "the helper gave none".
#[test]
fn an_empty_bao_token_is_said_and_the_helper_is_not_asked() {
    let server = support::dev_server();
    let sandbox = Sandbox::new().addr(&server.addr).env("BAO_TOKEN", "");
    let home = sandbox.home();
    let calls = home.join("calls");
    let helper = home.join("token-helper");
    std::fs::write(
        &helper,
        format!("#!/bin/sh\necho \"$1\" >> {}\n", calls.display()),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::write(
        home.join(".bao"),
        format!("token_helper = \"{}\"\n", helper.display()),
    )
    .unwrap();
    let output = sandbox.command().args(["ls", "secret/"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("set but empty"), "{stderr}");
    assert!(!stderr.contains("gave none"), "{stderr}");
    assert!(!calls.exists(), "the helper was not asked");
}
