//! End to end: sessions through the real binary in a pseudo-terminal against a real OpenBao.
//! A 6 s token (max 20 s) is kept alive by renewal past its TTL until the max, then the re-login
//! dialog opens over an unsaved edit, which is saved after the login; a revoked token's failed
//! request is sent again after an AppRole login (saved as the default token, 0600); logout
//! revokes; a bad password is refused in words. The config file's theme is used, an unknown one
//! is a warning, and under NO_COLOR no colour is written while the selection shows reversed.

use crate::support;

use serde_json::Value;
use std::time::{Duration, Instant};
use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::{bao_json, create_token, seeded_server_blocking};
use tresor::devserver::DevServer;

const UP: &str = "\x1b[A";
const RIGHT: &str = "\x1b[C";

/// A sandbox for tresor on `server` with `token`; a saved token goes to `home/token-file`.
fn sandbox_for(server: &DevServer, token: &str) -> Sandbox {
    let sandbox = Sandbox::new().addr(&server.addr).token(token);
    let token_file = sandbox.home().join("token-file");
    sandbox.env("BAO_TOKEN_PATH", token_file.to_str().unwrap())
}

/// `bao token lookup` of another token: its data, or None when the server refuses it.
fn lookup(server: &DevServer, token: &str) -> Option<Value> {
    server
        .bao(&["token", "lookup", "-format=json", token], None)
        .ok()
        .map(|out| serde_json::from_str::<Value>(&out).unwrap()["data"].clone())
}

#[test]
fn renewal_outlives_the_ttl_then_relogin_keeps_the_unsaved_edit() {
    let (server, _) = seeded_server_blocking();
    let token = create_token(&server, &["-ttl=6s", "-explicit-max-ttl=20s"]);
    let started = Instant::now();
    let sandbox = sandbox_for(&server, &token);
    let mut app = sandbox.spawn();
    app.wait_for("team/platform/ kv v2");
    app.keys(&[":", "\x15", "secret/app/database", "\r"]);
    app.wait_for("version 3 of 3");
    // An unsaved edit: the first value gets a suffix.
    app.keys(&["e"]);
    app.wait_for("Edit secret/app/database");
    app.keys(&["\t", "-edited"]);

    // Past the token's first TTL it still works: tresor renewed it.
    let at = started + Duration::from_secs(11);
    std::thread::sleep(at.saturating_duration_since(Instant::now()));
    let alive = lookup(&server, &token).expect("the 6 s token is alive after 11 s");
    assert!(alive["ttl"].as_u64().unwrap() > 0, "{alive}");
    assert!(app.screen().contains("(auto-renew)"), "{}", app.screen());

    // Near max TTL the re-login dialog opens on top of the form.
    let screen = app.wait_until_within("the re-login dialog", Duration::from_secs(20), |s| {
        s.contains("cannot be renewed further")
    });
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "asked before the token ended"
    );
    assert!(
        screen.contains("Ctrl-o $EDITOR"),
        "the form shows under the dialog: {screen}"
    );
    app.keys(&[server.root_token.expose(), "\r"]);
    app.wait_for("ttl never expires");
    // The form is still there with the edit: save it.
    app.keys(&["\r"]);
    app.wait_for("Write secret/app/database as version 4");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 4");
    let data = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", "app/database"],
    );
    assert_eq!(data["data"]["data"]["host"], "db-primary.internal-edited");
    let end = started + Duration::from_secs(21);
    std::thread::sleep(end.saturating_duration_since(Instant::now()));
    assert!(
        lookup(&server, &token).is_none(),
        "the short token ended at its max TTL"
    );
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn a_revoked_token_request_is_sent_again_after_an_approle_login_saved_as_default() {
    let (server, report) = seeded_server_blocking();
    let limited = report.limited_token.clone().unwrap();
    let sandbox = sandbox_for(&server, limited.expose());
    let mut app = sandbox.spawn();
    app.wait_for("secret/ kv v2");
    server
        .bao(&["token", "revoke", limited.expose()], None)
        .expect("revoke");
    app.keys(&[":", "\x15", "secret/app/database", "\r"]);
    app.wait_for("no longer accepts the token");
    let demo = report.role("demo-app").unwrap();
    // AppRole, role-id + secret-id, save as default.
    app.keys(&[UP, RIGHT, "\t", "\t", "\t", &demo.role_id, "\t"]);
    app.keys(&[demo.secret_id.as_ref().unwrap().expose(), "\t", " "]);
    let screen = app.wait_for("[x] write it to");
    assert!(
        !screen.contains(demo.secret_id.as_ref().unwrap().expose()),
        "the secret-id is masked"
    );
    app.keys(&["\r"]);
    let screen = app.wait_for("sent again");
    assert!(screen.contains("Logged in as approle"), "{screen}");
    app.wait_for("version 3 of 3");

    let token_file = sandbox.home().join("token-file");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&token_file).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let saved = std::fs::read_to_string(&token_file).unwrap();
    let info = lookup(&server, &saved).expect("the saved token is the new one");
    assert!(info["policies"].to_string().contains("app-readonly"));
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn logout_revokes_and_a_wrong_password_is_refused_in_words() {
    let (server, _) = seeded_server_blocking();
    let token = create_token(&server, &["-policy=default"]);
    let sandbox = sandbox_for(&server, &token);
    let mut app = sandbox.spawn();
    app.wait_for("(auto-renew)");
    app.keys(&["L", "\x18"]);
    app.wait_for("Logged out");
    assert!(lookup(&server, &token).is_none(), "revoked on the server");
    // Userpass with a wrong password, then the right one.
    app.keys(&[UP, RIGHT, RIGHT, "\t", "\t", "demo", "\t", "wrong", "\r"]);
    app.wait_for("invalid username or password");
    app.keys(&["\x15", "demo-password", "\r"]);
    app.wait_for("Logged in as userpass-demo");
    assert!(
        !sandbox.home().join("token-file").exists(),
        "not saved unless asked"
    );
    app.keys(&["q"]);
    app.wait_exit();
}

/// The value after `label` on the screen, up to the next space.
fn value_after(screen: &str, label: &str) -> String {
    let start = screen
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {screen}"))
        + label.len();
    screen[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn the_approle_browser_hands_out_a_wrapped_secret_id_that_logs_in_once_and_destroys_accessors() {
    let (server, report) = seeded_server_blocking();
    let sandbox = sandbox_for(&server, server.root_token.expose());
    let mut app = sandbox.spawn();
    app.wait_for("secret/ kv v2");
    app.keys(&["A"]);
    // ci-runner is the first role.
    let screen = app.wait_for("Role ci-runner");
    let runner = report.role("ci-runner").unwrap();
    app.wait_for(&runner.role_id);
    assert!(screen.contains("demo-app"));
    // A plain secret-id adds an accessor, which the CLI sees; destroying it removes it.
    app.keys(&["g"]);
    app.wait_for("Secret-id accessors (1)");
    let listed = bao_json(
        &server,
        &[
            "list",
            "-format=json",
            "auth/approle/role/ci-runner/secret-id",
        ],
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
    app.keys(&["\t", "x"]);
    app.wait_for("stops working at once");
    app.keys(&["y"]);
    app.wait_for("Secret-id accessors (0)");
    assert!(
        server
            .bao(&["list", "auth/approle/role/ci-runner/secret-id"], None)
            .is_err(),
        "no secret-ids left"
    );
    // A wrapped one, revealed to be handed over.
    app.keys(&["\t", "w", "\r"]);
    let screen = app.wait_for("Wrapping token for ci-runner");
    assert!(screen.contains("ttl 5m"), "{screen}");
    app.keys(&["s"]);
    let screen = app.wait_for("(shown once): s.");
    let wrapping = value_after(&screen, "(shown once):");
    app.keys(&["\x1b"]);
    // Log in as the runner with it: L, AppRole, wrapped secret-id.
    let login = |app: &mut PtyApp| {
        app.keys(&[
            "L",
            UP,
            RIGHT,
            "\t",
            RIGHT,
            "\t",
            "\t",
            &runner.role_id,
            "\t",
        ]);
        app.keys(&[&wrapping, "\r"]);
    };
    login(&mut app);
    app.wait_for("policies app-readonly");
    // The same wrapping token a second time: refused, in words. L now starts on AppRole, the
    // method that last worked, on its first empty field (Role-id): up twice to the way.
    app.keys(&["L"]);
    app.wait_for("[AppRole]");
    app.keys(&[UP, UP, RIGHT, "\t", "\t", &runner.role_id, "\t"]);
    app.keys(&[&wrapping, "\r"]);
    app.wait_for("works once");
    app.keys(&["\x1b", "q"]);
    app.wait_exit();
}

#[test]
fn profiles_keep_their_own_sessions_and_namespaces_switch_the_tree() {
    let (server, _) = seeded_server_blocking();
    server
        .bao(&["namespace", "create", "team-a"], None)
        .expect("namespace");
    server
        .bao(
            &["secrets", "enable", "-ns=team-a", "-path=team-kv", "kv-v2"],
            None,
        )
        .expect("mount in the namespace");
    let sandbox = Sandbox::new();
    let root_file = sandbox.home().join("root-token");
    std::fs::write(&root_file, server.root_token.expose()).unwrap();
    let sandbox = sandbox
        .config(
            &format!(
                "[profiles.ops]\naddress = \"{addr}\"\ntoken_file = \"{file}\"\n\n\
                 [profiles.reader]\naddress = \"{addr}\"\nauth_method = \"userpass\"\n",
                addr = server.addr,
                file = root_file.display()
            ),
            0o644,
        )
        .args(&["--profile", "ops"])
        // Never used with a profile: a token meant for another server.
        .token("s.from-the-environment");
    let mut app = sandbox.spawn();
    app.wait_for("profile: ops");
    app.wait_for("can be read by other users (mode 644)");
    app.wait_for("policies root");

    // reader: no token, so the login dialog opens on userpass.
    app.keys(&["P", "j", "\r"]);
    app.wait_for("profile: reader");
    let screen = app.wait_for("[Userpass]");
    assert!(
        screen.contains("No token found"),
        "the environment's token is not used: {screen}"
    );
    app.keys(&["demo", "\t", "demo-password", "\r"]);
    app.wait_for("policies app-readonly");
    // Back to ops: its session is still there, no login.
    app.keys(&["P", "k", "\r"]);
    app.wait_for("profile: ops");
    let screen = app.wait_for("policies root");
    assert!(!screen.contains("Log in"), "{screen}");
    // And reader kept its login too.
    app.keys(&["P", "j", "\r"]);
    app.wait_for("profile: reader");
    let screen = app.wait_for("policies app-readonly");
    assert!(!screen.contains("Log in"), "{screen}");

    // Namespaces, as ops (root may list them).
    app.keys(&["P", "k", "\r"]);
    app.wait_for("policies root");
    app.keys(&["N"]);
    app.wait_for("team-a/");
    app.keys(&["j", "\r"]);
    app.wait_for("ns: team-a");
    app.wait_for("team-kv/ kv v2");
    app.keys(&["N"]);
    app.wait_for("team-a/  (current)");
    app.keys(&["k", "\r"]);
    let screen = app.wait_for("secret/ kv v2");
    assert!(!screen.contains("ns: team-a"), "{screen}");
    app.keys(&["q"]);
    app.wait_exit();
}

/// The SGR parameters (`ESC [ … m`) the program wrote.
fn sgr_parameters(raw: &[u8]) -> Vec<Vec<u16>> {
    let text = String::from_utf8_lossy(raw);
    let mut found = Vec::new();
    for part in text.split("\x1b[").skip(1) {
        let end = part
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(part.len());
        if part[end..].starts_with('m') {
            found.push(
                part[..end]
                    .split(';')
                    .map(|n| n.parse().unwrap_or(0))
                    .collect(),
            );
        }
    }
    found
}

#[test]
fn the_theme_comes_from_the_config_file_and_no_color_keeps_the_selection_visible() {
    let server = support::dev_server();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let start = |no_color: &[(&'static str, &'static str)]| {
        let mut env = vec![
            ("HOME", home.path().to_str().unwrap()),
            ("TRESOR_CONFIG", config.to_str().unwrap()),
            ("BAO_ADDR", server.addr.as_str()),
            ("BAO_TOKEN", server.root_token.expose()),
        ];
        env.extend_from_slice(no_color);
        PtyApp::spawn(&[], &env)
    };

    // The light theme's badge is blue (the dark one's is cyan).
    std::fs::write(&config, "theme = \"light\"\n").unwrap();
    let mut app = start(&[]);
    app.wait_for("policies root");
    app.keys(&["q"]);
    app.wait_exit();
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    let badge = raw.find(" tresor ").expect("the badge");
    let before = &raw[badge.saturating_sub(40)..badge];
    assert!(before.contains("48;5;4m"), "a blue badge: {before:?}");

    // An unknown theme is a warning; NO_COLOR leaves not one colour in the output.
    std::fs::write(&config, "\ntheme = \"solarized\"\n").unwrap();
    let mut app = start(&[("NO_COLOR", "1")]);
    let screen = app.wait_for("is not a theme");
    assert!(screen.contains("line 2"), "{screen}");
    app.wait_for("policies root");
    app.keys(&["q"]);
    app.wait_exit();
    let parameters = sgr_parameters(&app.raw_output());
    // crossterm writes no colour under NO_COLOR by itself; the selection and the badge must then
    // be reversed, or they vanish (as they did before themes knew NO_COLOR).
    assert!(
        parameters.iter().any(|sgr| sgr.contains(&7)),
        "reversed: {parameters:?}"
    );
    for sgr in parameters {
        assert!(
            !sgr.iter()
                .any(|&n| matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107)),
            "a colour under NO_COLOR: {sgr:?}"
        );
    }
}
