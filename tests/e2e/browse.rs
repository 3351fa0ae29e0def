//! End to end: the real binary in a pseudo-terminal against a real, seeded OpenBao dev server.
//! Browse, open, reveal, copy (OSC 52), quit; then check that nothing secret was left behind.

use crate::support;

use base64::Engine;
use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::seeded_server_blocking;

const PASSWORD: &str = "Tr0ub4dor&3";

struct Session {
    _server: tresor::devserver::DevServer,
    sandbox: Sandbox,
    app: PtyApp,
    token: String,
}

fn start(
    token_choice: impl Fn(&tresor::demo::SeedReport, &tresor::devserver::DevServer) -> String,
) -> Session {
    let (server, report) = seeded_server_blocking();
    let token = token_choice(&report, &server);
    let sandbox = Sandbox::new().addr(&server.addr).token(&token).log("debug");
    let app = sandbox.spawn();
    Session {
        _server: server,
        sandbox,
        app,
        token,
    }
}

#[test]
fn browse_open_reveal_copy_and_quit_cleanly() {
    let mut session = start(|_, server| server.root_token.expose().to_string());
    let app = &mut session.app;
    app.wait_for("team/platform/ kv v2");
    app.wait_for("policies root");

    // Tree navigation: cubbyhole, kv1, ops, secret, team/platform; open secret/ then app/.
    app.keys(&["G", "k", "l"]);
    app.wait_for("app/");
    app.keys(&["l", "l"]);
    let screen = app.wait_for("ünïcødé-ключ-秘密");
    assert!(screen.contains("config/") && screen.contains("hash#tag") && screen.contains("what?"));

    // Filter, then open the match.
    app.keys(&["/", "d", "a", "t", "a"]);
    app.wait_until("filtered tree", |s| {
        s.contains("database") && !s.contains("hash#tag")
    });
    app.keys(&["\r", "G", "\r"]);
    let screen = app.wait_for("version 3");
    assert!(screen.contains("secret/app/database"));
    assert!(screen.contains("••••••"));
    assert!(!screen.contains(PASSWORD), "masked by default:\n{screen}");

    // Reveal, select the password row and copy it.
    app.keys(&["s"]);
    app.wait_for(PASSWORD);
    app.keys(&["\t", "j", "y"]);
    app.wait_for("Copied the value of \"password\" from secret/app/database via OSC 52");
    let encoded = base64::engine::general_purpose::STANDARD.encode(PASSWORD);
    let osc52 = format!("\x1b]52;c;{encoded}\x07");
    let raw = app.raw_output();
    assert!(
        raw.windows(osc52.len()).any(|w| w == osc52.as_bytes()),
        "the OSC 52 sequence with the value was sent to the terminal"
    );

    // Y copies the path, a second Y the bao command.
    app.keys(&["Y"]);
    app.wait_for("Copied the path secret/app/database");
    app.keys(&["Y"]);
    app.wait_for("bao kv get -mount=secret app/database");

    // Help overlay, closed by Esc; then quit.
    app.keys(&["?"]);
    app.wait_for("Keys (");
    app.keys(&["\x1b"]);
    app.wait_until("help closed", |s| !s.contains("Keys ("));
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);

    // The terminal is back on the normal screen, which holds no secret. The value on the
    // clipboard was replaced by the path and then the command, which are not secret: they are
    // left there for the shell (no OSC 52 clear after them). A value still there on exit is
    // cleared: tests/e2e/clipboard.rs.
    assert!(!app.in_alternate_screen(), "alternate screen left");
    let normal = app.screen();
    assert!(
        !normal.contains(PASSWORD),
        "value on the normal screen:\n{normal}"
    );
    let raw = app.raw_output();
    let command =
        base64::engine::general_purpose::STANDARD.encode("bao kv get -mount=secret app/database");
    let command = format!("\x1b]52;c;{command}\x07");
    let command_at = raw
        .windows(command.len())
        .position(|w| w == command.as_bytes())
        .expect("the command was copied");
    let clear = b"\x1b]52;c;!\x07";
    assert!(
        !raw[command_at..].windows(clear.len()).any(|w| w == clear),
        "the copied command was cleared on exit"
    );

    // The log exists, is private, and holds neither the value nor the token.
    let log_path = session.sandbox.log_file();
    let log = std::fs::read_to_string(&log_path).expect("log written");
    assert!(log.contains("first frame drawn"), "log has content:\n{log}");
    assert!(!log.contains(PASSWORD) && !log.contains(&session.token));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&log_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn limited_token_sees_denied_root_and_jumps_to_a_granted_leaf() {
    let mut session = start(|report, _| {
        report
            .limited_token
            .as_ref()
            .expect("limited token")
            .expose()
            .to_string()
    });
    let app = &mut session.app;
    app.wait_for("policies app-readonly, default");
    app.wait_for("secret/ kv v2"); // keys before the tree has loaded would move nothing
    app.keys(&["j", "l"]);
    app.wait_for("secret/ kv v2 permission denied");

    app.keys(&[":", "\x15"]); // Ctrl-U clears the prefilled path
    app.send("secret/team-only/break-glass");
    app.keys(&["\r"]);
    let screen = app.wait_for("root_password");
    assert!(screen.contains("team-only/") && screen.contains("break-glass"));

    // A secret the policy does not allow: a clear message naming path and capability.
    app.keys(&[":", "\x15"]);
    app.send("secret/shared/smtp");
    app.keys(&["\r"]);
    app.wait_for("permission denied: read on secret/data/shared/smtp");
    // The app keeps working.
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut session = start(|_, server| server.root_token.expose().to_string());
    let app = &mut session.app;
    app.wait_for("secret/ kv v2");
    assert!(app.in_alternate_screen());
    let pid = app.pid().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    app.wait_exit();
    assert!(
        !app.in_alternate_screen(),
        "SIGTERM left the alternate screen on"
    );
}
