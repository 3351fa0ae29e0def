//! End to end: the clipboard under a real tmux (with `set-clipboard on`, tmux keeps every OSC 52
//! copy in a paste buffer and ignores the OSC 52 clear). tresor runs in a pane of a private tmux
//! server; after the clear timer the value must be gone from tmux's buffers, and the status line
//! must say what was and was not cleared.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::sandbox::Sandbox;
use support::seeded_server_blocking;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux must be installed (scripts/test installs it)");
        String::from_utf8_lossy(&output.stdout).to_string()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The text of every paste buffer tmux holds.
    fn buffers(&self) -> Vec<String> {
        self.run(&["list-buffers", "-F", "#{buffer_name}"])
            .lines()
            .map(|name| self.run(&["show-buffer", "-b", name]))
            .collect()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn a_copied_value_is_removed_from_tmux_and_the_status_says_what_was_cleared() {
    let (server, _) = seeded_server_blocking();
    let sandbox = Sandbox::new()
        .server(&server)
        .env("TRESOR_CLIPBOARD_CLEAR", "2");
    let tmux = Tmux {
        socket: format!("tresor-test-{}", std::process::id()),
    };
    let command = format!(
        "env -i PATH=\"$PATH\" TERM=xterm-256color TMUX=\"$TMUX\" {vars} {bin}; sleep 30",
        vars = sandbox
            .vars()
            .iter()
            .map(|(name, value)| format!("{name}='{value}'"))
            .collect::<Vec<_>>()
            .join(" "),
        bin = env!("CARGO_BIN_EXE_tresor"),
    );
    tmux.run(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "120",
        "-y",
        "40",
    ]);
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.run(&["send-keys", "-t", "t", &command, "Enter"]);
    tmux.wait_for("secret/ kv v2");
    tmux.run(&[
        "send-keys",
        "-t",
        "t",
        ":",
        "C-u",
        "secret/app/database",
        "Enter",
    ]);
    tmux.wait_for("version 3 of 3");
    // The password row, then copy its value.
    tmux.run(&["send-keys", "-t", "t", "Tab"]);
    tmux.run(&["send-keys", "-t", "t", "j"]);
    tmux.wait_for("›password");
    tmux.run(&["send-keys", "-t", "t", "y"]);
    tmux.wait_for("via OSC 52");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !tmux.buffers().iter().any(|b| b == "Tr0ub4dor&3") {
        assert!(
            Instant::now() < deadline,
            "tmux should hold the copy (set-clipboard on): {:?}",
            tmux.buffers().len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let screen = tmux.wait_for("deleted tmux's copy");
    assert!(screen.contains("asked the terminal"), "{screen}");
    assert!(
        !screen.contains("Clipboard cleared"),
        "never claims a clear it cannot know of: {screen}"
    );
    assert!(
        !tmux.buffers().iter().any(|b| b.contains("Tr0ub4dor&3")),
        "the value is gone from tmux"
    );
}

/// The OSC 52 "set clipboard" sequence for `text`, as tresor writes it to the terminal.
fn osc52_set(text: &str) -> Vec<u8> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07").into_bytes()
}

const OSC52_CLEAR: &[u8] = b"\x1b]52;c;!\x07";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Opens the seeded secret/app/database and selects its password row.
fn select_password(app: &mut support::pty::PtyApp) {
    app.wait_for("secret/ kv v2");
    app.open("secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["\t", "j"]);
    app.wait_for("›password");
}

/// `y` on a value with a clear delay of 2 s, read on the raw terminal output: the OSC 52 set
/// sequence with the value, then (not before 2 s) the OSC 52 clear, and the status line's words.
fn osc52_value_is_cleared_after_two_seconds(sandbox: Sandbox) {
    let mut app = sandbox.spawn();
    select_password(&mut app);
    let set = osc52_set("Tr0ub4dor&3");
    assert!(find(&app.raw_output(), &set).is_none());
    let pressed = Instant::now();
    app.send_now("y");
    app.wait_for("via OSC 52 (clears in");
    let set_at = find(&app.raw_output(), &set).expect("the OSC 52 set sequence with the value");
    let cleared_after = loop {
        let raw = app.raw_output();
        if find(&raw[set_at..], OSC52_CLEAR).is_some() {
            break pressed.elapsed();
        }
        assert!(
            pressed.elapsed() < Duration::from_secs(10),
            "no OSC 52 clear within 10 s; screen:\n{}",
            app.screen()
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        cleared_after >= Duration::from_secs(2),
        "cleared before the timeout: after {cleared_after:?}"
    );
    assert!(
        cleared_after < Duration::from_secs(5),
        "cleared long after the timeout: after {cleared_after:?}"
    );
    let screen = app.wait_for(
        "Copied value: asked the terminal to clear its clipboard (OSC 52; a terminal may ignore it",
    );
    assert!(!screen.contains("Clipboard cleared"), "{screen}");
    assert!(!screen.contains("tmux"), "not inside tmux: {screen}");
}

#[test]
fn osc52_clears_after_the_delay_given_by_the_flag() {
    let (server, _) = seeded_server_blocking();
    let sandbox =
        Sandbox::new()
            .server(&server)
            .args(&["--clipboard", "osc52", "--clipboard-clear", "2"]);
    osc52_value_is_cleared_after_two_seconds(sandbox);
}

#[test]
fn osc52_clears_after_the_delay_given_by_the_environment() {
    let (server, _) = seeded_server_blocking();
    let sandbox = Sandbox::new()
        .server(&server)
        .args(&["--clipboard", "osc52"])
        .env("TRESOR_CLIPBOARD_CLEAR", "2");
    osc52_value_is_cleared_after_two_seconds(sandbox);
}
