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

    /// Waits until the screen no longer shows `text` (tresor has quit).
    fn wait_until_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.screen().contains(text) {
            assert!(Instant::now() < deadline, "{text:?} stays on screen");
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

impl Tmux {
    /// A private tmux server (socket named after the test) with `set-clipboard on`, running
    /// tresor in its pane with `sandbox`'s environment, showing the seeded secret/app/database
    /// with its password row selected.
    fn start(sandbox: &Sandbox, test: &str) -> Self {
        let tmux = Tmux {
            socket: format!("tresor-test-{}-{test}", std::process::id()),
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
        // The password row.
        tmux.run(&["send-keys", "-t", "t", "Tab"]);
        tmux.run(&["send-keys", "-t", "t", "j"]);
        tmux.wait_for("›password");
        tmux
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "t", key]);
        }
    }

    /// Waits until tmux holds a paste buffer with exactly `text`.
    fn wait_for_buffer(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.buffers().iter().any(|b| b == text) {
            assert!(
                Instant::now() < deadline,
                "tmux should hold the copy (set-clipboard on): {:?} buffers",
                self.buffers().len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn a_copied_value_is_removed_from_tmux_and_the_status_says_what_was_cleared() {
    let (server, _) = seeded_server_blocking();
    let sandbox = Sandbox::new()
        .server(&server)
        .env("TRESOR_CLIPBOARD_CLEAR", "2");
    let tmux = Tmux::start(&sandbox, "timer");
    tmux.keys(&["y"]);
    tmux.wait_for("via OSC 52");
    tmux.wait_for_buffer("Tr0ub4dor&3");
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

/// tmux keeps every OSC 52 copy in its own paste buffer: a value copied before another is not
/// replaced there (as it is on the terminal's clipboard), and its buffer must go too.
#[test]
fn a_value_copied_before_another_is_removed_from_tmux_too() {
    let (server, _) = seeded_server_blocking();
    let sandbox = Sandbox::new()
        .server(&server)
        .env("TRESOR_CLIPBOARD_CLEAR", "2");
    let tmux = Tmux::start(&sandbox, "superseded");
    tmux.keys(&["y"]);
    tmux.wait_for_buffer("Tr0ub4dor&3");
    // The port row's value, copied while the password's timer runs.
    tmux.keys(&["j", "y"]);
    tmux.wait_for("Copied the value of \"port\"");
    tmux.wait_for_buffer("5432");
    tmux.wait_for("Copied value: deleted tmux's copy");
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmux
        .buffers()
        .iter()
        .any(|b| b == "Tr0ub4dor&3" || b == "5432")
    {
        assert!(
            Instant::now() < deadline,
            "both values should be gone from tmux: {} buffers hold one",
            tmux.buffers()
                .iter()
                .filter(|b| *b == "Tr0ub4dor&3" || *b == "5432")
                .count()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn quitting_removes_every_value_copied_from_tmux() {
    let (server, _) = seeded_server_blocking();
    let sandbox = Sandbox::new().server(&server); // the default delay: 30 s
    let tmux = Tmux::start(&sandbox, "exit");
    tmux.keys(&["y"]);
    tmux.wait_for_buffer("Tr0ub4dor&3");
    tmux.keys(&["j", "y"]);
    tmux.wait_for("Copied the value of \"port\"");
    tmux.wait_for_buffer("5432");
    tmux.keys(&["q"]);
    tmux.wait_until_gone("version 3 of 3");
    let left: Vec<String> = tmux
        .buffers()
        .into_iter()
        .filter(|b| b == "Tr0ub4dor&3" || b == "5432")
        .collect();
    assert_eq!(left.len(), 0, "values left in tmux after quitting");
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

/// Paths are not secret: the path (copied after a value, which it replaces on the terminal's
/// clipboard) is still there when tresor has quit, for the shell to paste.
#[test]
fn a_copied_path_is_not_cleared_on_exit() {
    let (server, _) = seeded_server_blocking();
    let mut app = Sandbox::new()
        .server(&server)
        .args(&["--clipboard", "osc52"])
        .spawn();
    select_password(&mut app);
    app.keys(&["y"]);
    app.wait_for("Copied the value of \"password\"");
    app.keys(&["Y"]);
    app.wait_for("Copied the path secret/app/database");
    let path_at = find(&app.raw_output(), &osc52_set("secret/app/database"))
        .expect("the OSC 52 set sequence with the path");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    assert!(
        find(&app.raw_output()[path_at..], OSC52_CLEAR).is_none(),
        "the path was cleared from the clipboard on exit"
    );
}

/// A value still on the clipboard when tresor quits is cleared (the OSC 52 clear, after the set).
#[test]
fn a_value_copied_through_osc52_is_cleared_on_exit() {
    let (server, _) = seeded_server_blocking();
    let mut app = Sandbox::new()
        .server(&server)
        .args(&["--clipboard", "osc52"])
        .spawn();
    select_password(&mut app);
    app.keys(&["y"]);
    app.wait_for("Copied the value of \"password\" from secret/app/database via OSC 52 (clears in");
    let set_at = find(&app.raw_output(), &osc52_set("Tr0ub4dor&3")).expect("the value was copied");
    assert!(find(&app.raw_output()[set_at..], OSC52_CLEAR).is_none());
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    assert!(
        find(&app.raw_output()[set_at..], OSC52_CLEAR).is_some(),
        "the value was not cleared on exit"
    );
}

/// A 2 MB value through OSC 52 inside tmux: tmux (3.3) drops a sequence over 1 MiB, so the copy
/// cannot have reached the clipboard, and the status line says so instead of "Copied".
#[test]
fn a_value_too_long_for_tmux_is_said_not_to_have_reached_the_clipboard() {
    let (server, _) = seeded_server_blocking();
    let big: String = (0..2 << 20)
        .map(|i: usize| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    server
        .bao(
            &["kv", "put", "-mount=secret", "big", "value=-"],
            Some(&big),
        )
        .expect("bao kv put secret/big");
    let sandbox = Sandbox::new().server(&server);
    let tmux = Tmux::start(&sandbox, "big");
    tmux.keys(&[":", "C-u", "secret/big", "Enter"]);
    tmux.wait_for("version 1 of 1");
    tmux.keys(&["Tab"]);
    tmux.wait_for("›value");
    tmux.keys(&["y"]);
    tmux.wait_for("via OSC 52");
    // The status line is wrapped at the screen's edge: read it as one line.
    let status = tmux.screen().replace('\n', "");
    assert!(
        status.contains("the OSC 52 sequence is 2.7 MiB: tmux drops sequences over 1 MiB (tmux 3.3), so it most likely did not reach the clipboard"),
        "{status}"
    );
    // The warning is true: tmux holds no copy.
    std::thread::sleep(Duration::from_millis(500));
    assert!(!tmux.buffers().iter().any(|b| b.len() > 1000));
}
