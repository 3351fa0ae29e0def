//! Secret hygiene, end to end: the real binary in a pseudo-terminal reveals, copies and edits
//! secrets (in $EDITOR) against a real OpenBao with logging at its most verbose; afterwards no
//! secret value and no token is in the log, on the terminal's normal screen or its scrollback
//! (everything was drawn on the alternate screen), or in any file the app left behind. The same for
//! a wrapping token and the data it held, wrapped in one session and unwrapped in another. A panic
//! restores the terminal too, and its message holds nothing secret.

use crate::support;

use std::path::{Path, PathBuf};
use support::pty::{COLS, ROWS};
use support::sandbox::Sandbox;
use support::seeded_server_blocking;
use tresor::devserver::DevServer;

const PASSWORD: &str = "Tr0ub4dor&3";
const NEW_PASSWORD: &str = "N3w-S3cr3t-Value-9f2c";

/// Everything the terminal keeps outside the alternate screen: the normal screen and every
/// line of scrollback.
pub(crate) fn normal_screen_and_scrollback(raw: &[u8]) -> String {
    let mut parser = vt100::Parser::new(ROWS.try_into().unwrap(), COLS.try_into().unwrap(), 10_000);
    parser.process(raw);
    assert!(
        !parser.screen().alternate_screen(),
        "the app left the alternate screen"
    );
    let lines = parser.screen().scrollback_len();
    let mut all = parser.screen().contents();
    let mut offset = 0;
    while offset < lines {
        offset = (offset + usize::from(ROWS)).min(lines);
        parser.screen_mut().set_scrollback(offset);
        all.push('\n');
        all.push_str(&parser.screen().contents());
    }
    all
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// A sandbox for tresor on `server`, logging at its most verbose, started once the tree is up.
fn sandbox(server: &DevServer) -> Sandbox {
    Sandbox::new()
        .server(server)
        .log("trace")
        .wait_for("team/platform/ kv v2")
}

/// No file anywhere in the sandbox holds any of `secrets`; the log exists and has content.
pub(crate) fn assert_clean(sandbox: &Sandbox, secrets: &[&str]) {
    let mut files = Vec::new();
    files_under(sandbox.root(), &mut files);
    assert!(
        files.contains(&sandbox.log_file()),
        "the log was written: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in secrets {
            assert!(
                !contains(&bytes, secret),
                "{} holds a secret ({} bytes)",
                file.display(),
                secret.len()
            );
        }
    }
    let log = std::fs::read_to_string(sandbox.log_file()).unwrap();
    assert!(log.lines().count() > 20, "a verbose log:\n{log}");
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "{log}");
}

#[test]
fn reveal_copy_and_edit_leave_no_secret_in_logs_screen_or_files() {
    let (server, _) = seeded_server_blocking();
    let token = server.root_token.expose().to_string();
    let sandbox = sandbox(&server);
    // The editor lives outside the sandbox: its text names the new value.
    let scratch = tempfile::tempdir().unwrap();
    let editor = scratch.path().join("editor");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\nsed -i 's/{PASSWORD}/{NEW_PASSWORD}/' \"$1\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut app = sandbox.spawn_with(&[("EDITOR", editor.to_str().unwrap())]);

    // Reveal and copy the password.
    app.keys(&[":", "\x15", "secret/app/database", "\r"]);
    app.wait_for("version 3 of 3");
    app.keys(&["s"]);
    app.wait_for(PASSWORD);
    app.keys(&["\t", "j", "y"]);
    app.wait_for("Copied the value of \"password\"");
    // Edit it in $EDITOR and save.
    app.keys(&["E"]);
    app.wait_for("Write secret/app/database as version 4");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 4");
    // Still revealed (the same secret): the new value is on screen.
    app.wait_for("version 4 of 4");
    app.wait_for(NEW_PASSWORD);
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);

    let after = normal_screen_and_scrollback(&app.raw_output());
    for secret in [PASSWORD, NEW_PASSWORD, token.as_str()] {
        assert!(
            !after.contains(secret),
            "a secret on the normal screen:\n{after}"
        );
    }
    assert_clean(&sandbox, &[PASSWORD, NEW_PASSWORD, &token]);
    let written = support::bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", "app/database"],
    );
    assert_eq!(written["data"]["data"]["password"], NEW_PASSWORD);
}

#[test]
fn a_panic_restores_the_terminal_and_shows_no_secret() {
    let (server, _) = seeded_server_blocking();
    let token = server.root_token.expose().to_string();
    let sandbox = sandbox(&server);
    let mut app = sandbox.spawn_with(&[("TRESOR_TEST_PANIC", "1")]);
    app.keys(&[":", "\x15", "secret/app/database", "\r"]);
    app.wait_for("version 3 of 3");
    app.keys(&["s"]);
    app.wait_for(PASSWORD);
    app.send("\x1b[24~"); // F12
    assert_eq!(app.wait_exit(), 101, "a panic exits with 101");

    let after = normal_screen_and_scrollback(&app.raw_output());
    assert!(
        after.contains("panicked"),
        "the panic is reported:\n{after}"
    );
    for secret in [PASSWORD, token.as_str()] {
        assert!(
            !after.contains(secret),
            "a secret after the panic:\n{after}"
        );
    }
    assert_restored(&app.raw_output());
    assert_clean(&sandbox, &[PASSWORD, &token]);
}

/// What tresor sent last undoes what it set up: the alternate screen, the hidden cursor, mouse
/// reporting and bracketed paste. (Raw mode itself is a terminal setting, not a sequence: it is
/// not visible in the output, so it is not claimed here.)
fn assert_restored(raw: &[u8]) {
    let tail = &raw[raw.len().saturating_sub(512)..];
    for (sequence, what) in [
        ("\x1b[?1049l", "left the alternate screen"),
        ("\x1b[?25h", "cursor shown again"),
        ("\x1b[?1000l", "mouse reporting off"),
        ("\x1b[?2004l", "bracketed paste off"),
    ] {
        assert!(
            contains(tail, sequence),
            "{what}: {:?}",
            String::from_utf8_lossy(tail)
        );
    }
}

#[test]
fn ctrl_c_and_sighup_restore_the_terminal() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    // Ctrl-c, from inside a dialog.
    let mut app = sandbox.spawn();
    app.wait_for("team/platform/ kv v2");
    app.keys(&["?"]);
    app.wait_for("Keys (");
    app.keys(&["\x03"]);
    assert_eq!(app.wait_exit(), 0, "Ctrl-c quits");
    assert_restored(&app.raw_output());
    // SIGHUP: the terminal went away (an SSH session closed).
    let mut app = sandbox.spawn();
    app.wait_for("team/platform/ kv v2");
    let pid = app.pid().expect("a pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert_eq!(app.wait_exit(), 0, "SIGHUP quits cleanly");
    assert_restored(&app.raw_output());
}

#[test]
fn control_characters_in_keys_and_values_are_shown_escaped_never_sent_raw() {
    let (server, _) = seeded_server_blocking();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(support::root_client(&server).write(
            "secret/data/app/esc",
            &serde_json::json!({"data": {
                "title\u{1b}]0;pwned\u{7}": "\u{1b}[2J\u{1b}[31mred\u{9b}31m",
                "bell": "ding\u{7}\u{7}"
            }}),
        ))
        .unwrap();
    let sandbox = sandbox(&server);
    let mut app = sandbox.spawn();
    // (The server refuses control characters in paths: 400.)
    app.keys(&[":", "\x15", "secret/app/esc", "\r"]);
    app.wait_for("version 1 of 1");
    app.keys(&["s"]);
    let screen = app.wait_for("\\u{1b}[2J\\u{1b}[31mred\\u{9b}31m");
    assert!(screen.contains("title\\u{1b}]0;pwned\\u{7}"), "{screen}");
    assert!(screen.contains("ding\\u{7}\\u{7}"), "{screen}");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);

    let raw = app.raw_output();
    for sequence in [
        "\u{1b}]0;pwned",
        "\u{1b}[2J\u{1b}[31mred",
        "\u{9b}31m",
        "ding\u{7}",
    ] {
        assert!(
            !contains(&raw, sequence),
            "{sequence:?} reached the terminal raw"
        );
    }
}

#[test]
fn the_default_log_file_is_private_and_holds_no_secret() {
    use std::os::unix::fs::PermissionsExt;
    let (server, _) = seeded_server_blocking();
    let token = server.root_token.expose().to_string();
    // No --log-file: the default place, $XDG_STATE_HOME/tresor/tresor.log.
    let sandbox = Sandbox::new()
        .server(&server)
        .env("TRESOR_LOG", "trace")
        .wait_for("team/platform/ kv v2");
    let mut app = sandbox.spawn();
    app.keys(&[":", "\x15", "secret/app/database", "\r"]);
    app.wait_for("version 3 of 3");
    app.keys(&["s"]);
    app.wait_for(PASSWORD);
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    let dir = sandbox.root().join("state/tresor");
    let file = dir.join("tresor.log");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the log's directory is private");
    assert_eq!(mode(&file), 0o600, "the log is private");
    let log = std::fs::read_to_string(&file).unwrap();
    assert!(log.lines().count() > 20, "a verbose log:\n{log}");
    for secret in [PASSWORD, token.as_str()] {
        assert!(!log.contains(secret), "the log holds a secret");
    }
}

#[test]
fn a_wrapping_token_and_the_data_it_held_leave_no_trace_in_logs_scrollback_or_files() {
    use super::wrapping::{
        API_KEY, PASSWORD, handing_server, unwrap_in_a_session, wrap_in_a_session,
    };
    let server = handing_server();
    let root_token = server.root_token.expose().to_string();
    let sharer = Sandbox::new().server(&server).log("trace");
    let (sharing, wrapping_token) = wrap_in_a_session(&sharer);
    let theirs = support::create_token(&server, &["-policy=handed", "-ttl=10m"]);
    let receiver = Sandbox::new()
        .addr(&server.addr)
        .token(&theirs)
        .log("trace");
    let receiving = unwrap_in_a_session(&receiver, &wrapping_token);

    let secrets = [
        wrapping_token.as_str(),
        PASSWORD,
        API_KEY,
        root_token.as_str(),
        theirs.as_str(),
    ];
    for app in [&sharing, &receiving] {
        let after = normal_screen_and_scrollback(&app.raw_output());
        for secret in secrets {
            assert!(
                !after.contains(secret),
                "a secret on the normal screen:\n{after}"
            );
        }
        assert_restored(&app.raw_output());
    }
    assert_clean(&sharer, &secrets);
    assert_clean(&receiver, &secrets);
}

/// Transit: a plaintext typed into the encrypt dialog, decrypted, revealed and copied, with the
/// log at its most verbose: afterwards neither the plaintext nor its base64 (what goes over the
/// wire) is in the log, on the normal screen, in the scrollback, or in any file.
#[test]
fn transit_plaintext_is_never_in_logs_screen_or_files() {
    use base64::Engine;
    const PLAINTEXT: &str = "Transit-Hygiene-明文-✓-7c1e";
    let server = super::transit::transit_server();
    let token = server.root_token.expose().to_string();
    let sandbox = Sandbox::new()
        .server(&server)
        .log("trace")
        .wait_for("transit/ transit");
    let mut app = sandbox.spawn();
    super::transit::open_transit(&mut app);
    app.keys(&["e"]);
    app.wait_for("Encrypt with app");
    super::transit::paste(&mut app, PLAINTEXT);
    app.keys(&["\r"]);
    app.wait_for("vault:v1:");
    app.keys(&["\x19"]);
    app.wait_for("Copied the ciphertext (app)");
    let ciphertext = super::transit::last_copied(&app);
    app.keys(&["\x1b", "d"]);
    super::transit::paste(&mut app, &ciphertext);
    app.keys(&["\r", "\x12"]);
    app.wait_for(PLAINTEXT);
    app.keys(&["\x19"]);
    app.wait_for("Copied the plaintext (app)");
    app.keys(&["\x1b", "q", "q"]);
    assert_eq!(app.wait_exit(), 0);

    let encoded = base64::engine::general_purpose::STANDARD.encode(PLAINTEXT);
    let after = normal_screen_and_scrollback(&app.raw_output());
    for secret in [PLAINTEXT, encoded.as_str(), token.as_str()] {
        assert!(
            !after.contains(secret),
            "a secret on the normal screen:\n{after}"
        );
    }
    assert_clean(&sandbox, &[PLAINTEXT, &encoded, &token]);
}
