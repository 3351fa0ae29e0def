//! End to end: the system clipboard (arboard) on a real X server. Each test starts its own Xvfb
//! (Debian's `xvfb`, installed by scripts/test like `xclip`) on a free display, runs tresor there
//! with `--clipboard system --clipboard-clear 2`, and reads the clipboard as another program
//! would, with `xclip`. An X clipboard is served by the program that owns it: once tresor has
//! exited there is nothing to read, unless a clipboard manager was handed the contents; the exit
//! test runs a minimal clipboard manager to prove tresor hands it nothing.

use crate::support;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::seeded_server_blocking;

const PASSWORD: &str = "Tr0ub4dor&3";

/// A private X server on a display no one uses; killed when dropped.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts `Xvfb :N -nolisten tcp` on the first N from a per-process start whose socket
    /// (/tmp/.X11-unix/XN) and lock file do not exist; `-displayfd` makes Xvfb write N once it
    /// accepts connections, and a lost race for N (another server took it meanwhile) makes it
    /// exit, and the next N is tried.
    fn start() -> Self {
        let first = 100 + std::process::id() % 400;
        for number in (first..first + 200).map(|n| n % 30000) {
            if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
                || Path::new(&format!("/tmp/.X{number}-lock")).exists()
            {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([&format!(":{number}"), "-nolisten", "tcp", "-displayfd", "1"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb must be installed (scripts/test installs Debian's xvfb)");
            let mut ready = String::new();
            let stdout = child.stdout.take().expect("Xvfb's stdout");
            let _ = BufReader::new(stdout).read_line(&mut ready);
            if ready.trim() == number.to_string() {
                return Self {
                    child,
                    display: format!(":{number}"),
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("no free X display number for Xvfb");
    }

    /// `xclip -o -selection clipboard`: the clipboard's text, or None when it holds none (or
    /// its owner does not answer within 10 s).
    fn clipboard(&self) -> Option<String> {
        let output = Command::new("timeout")
            .args(["10", "xclip", "-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .output()
            .expect("xclip must be installed (scripts/test installs it)");
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).to_string())
    }

    /// `xclip -o -selection clipboard -t TARGET`: what the clipboard's owner gives for TARGET.
    fn clipboard_as(&self, target: &str) -> Option<String> {
        let output = Command::new("xclip")
            .args(["-o", "-selection", "clipboard", "-t", target])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .output()
            .expect("xclip must be installed (scripts/test installs it)");
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).to_string())
    }

    /// Another program takes the clipboard and leaves it empty: `xclip -l 1` serves one request
    /// (the test's own read) and exits, and the clipboard has no owner left.
    fn empty_elsewhere(&self) {
        self.copy_with("gone soon", &["-l", "1"]);
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.clipboard().is_some() {
            assert!(Instant::now() < deadline, "xclip -l 1 did not let go");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `xclip -i -selection clipboard`: another program copies `text` (xclip keeps serving it
    /// from the background until something else is copied or the server goes).
    fn copy_elsewhere(&self, text: &str) {
        self.copy_with(text, &[]);
    }

    fn copy_with(&self, text: &str, options: &[&str]) {
        let mut xclip = Command::new("xclip")
            .args(["-i", "-selection", "clipboard"])
            .args(options)
            .env("DISPLAY", &self.display)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip must be installed (scripts/test installs it)");
        let mut stdin = xclip.stdin.take().expect("xclip's stdin");
        stdin.write_all(text.as_bytes()).expect("write to xclip");
        drop(stdin);
        assert!(xclip.wait().expect("xclip").success());
        // xclip's foreground process is gone before its background one owns the clipboard.
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.clipboard().as_deref() != Some(text) {
            assert!(
                Instant::now() < deadline,
                "xclip did not take the clipboard"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// tresor on this display with the system clipboard and a clear delay of 2 s, showing the
    /// seeded secret/app/database with its password row selected.
    fn tresor(&self, sandbox: &Sandbox) -> PtyApp {
        let mut app = sandbox.spawn_with(&[("DISPLAY", &self.display)]);
        app.wait_for("secret/ kv v2");
        app.open("secret/app/database");
        app.wait_for("version 3 of 3");
        app.keys(&["\t", "j"]);
        app.wait_for("›password");
        app
    }
}

impl Drop for Xvfb {
    /// SIGTERM, so Xvfb removes its socket and lock file (SIGKILL would leave them behind).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.wait();
    }
}

fn sandbox(server: &tresor::devserver::DevServer) -> Sandbox {
    Sandbox::new()
        .server(server)
        .args(&["--clipboard", "system", "--clipboard-clear", "2"])
}

/// Waits until the screen says `needle`; returns how long after `since` that was.
fn status_after(app: &PtyApp, needle: &str, since: Instant) -> Duration {
    app.wait_within_for(needle, Duration::from_secs(10));
    since.elapsed()
}

#[test]
fn a_value_copied_to_the_x_clipboard_is_cleared_after_the_delay() {
    let (server, _) = seeded_server_blocking();
    let x = Xvfb::start();
    let sandbox = sandbox(&server);
    let mut app = x.tresor(&sandbox);
    assert_eq!(x.clipboard(), None, "a fresh X server's clipboard is empty");
    let pressed = Instant::now();
    app.send_now("y");
    app.wait_for(
        "Copied the value of \"password\" from secret/app/database via system clipboard (clears in",
    );
    assert_eq!(
        x.clipboard().as_deref(),
        Some(PASSWORD),
        "another program reads the value"
    );
    let after = status_after(&app, "Clipboard cleared", pressed);
    assert!(
        after >= Duration::from_secs(2),
        "cleared before the delay: {after:?}"
    );
    assert_eq!(
        x.clipboard(),
        None,
        "the clipboard no longer holds the value"
    );
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

/// Not limited like OSC 52: a 2 MB value (with CJK and emoji in it) reaches the X
/// clipboard whole, and is cleared like any other.
#[test]
fn a_two_megabyte_value_is_copied_whole_and_cleared() {
    let (server, _) = seeded_server_blocking();
    let big: String = "秘密🔑 key=value; ".repeat(100_000);
    assert!(big.len() >= 2_000_000);
    server
        .bao(
            &["kv", "put", "-mount=secret", "big", "value=-"],
            Some(&big),
        )
        .expect("bao kv put secret/big");
    let x = Xvfb::start();
    let mut app = sandbox(&server).spawn_with(&[("DISPLAY", &x.display)]);
    app.wait_for("secret/ kv v2");
    app.open("secret/big");
    app.wait_for("version 1 of 1");
    app.keys(&["\t"]);
    app.wait_for("›value");
    app.keys(&["y"]);
    app.wait_for("Copied the value of \"value\" from secret/big via system clipboard (clears in");
    let copied = x.clipboard().expect("the clipboard holds text");
    assert!(
        copied == big,
        "{} bytes read back, {} copied",
        copied.len(),
        big.len()
    );
    app.wait_within_for("Clipboard cleared", Duration::from_secs(10));
    assert_eq!(x.clipboard(), None);
}

/// An X clipboard hands its contents over in one X request, at most 16 MiB (the server's limit
/// with BIG-REQUESTS): a longer value could not be pasted anywhere (a paste waits for an answer
/// that never comes), so it is not copied, and the status line says why.
#[test]
fn a_value_too_long_for_an_x_clipboard_is_refused() {
    let (server, _) = seeded_server_blocking();
    let huge = "z".repeat(17 << 20);
    server
        .bao(
            &["kv", "put", "-mount=secret", "huge", "value=-"],
            Some(&huge),
        )
        .expect("bao kv put secret/huge");
    drop(huge);
    let x = Xvfb::start();
    let mut app = sandbox(&server).spawn_with(&[("DISPLAY", &x.display)]);
    app.wait_for("secret/ kv v2");
    app.open("secret/huge");
    app.wait_within_for("version 1 of 1", Duration::from_secs(30));
    app.keys(&["\t"]);
    app.wait_for("›value");
    app.keys(&["y"]);
    let screen = app.wait_until("the copy's answer", |s| {
        s.replace('\n', "").contains("Copy failed") || s.contains("Copied")
    });
    let status = screen.replace('\n', "");
    assert!(
        status.contains("Copy failed: system clipboard: a value of 17.0 MiB is more than an X clipboard can hand over (16 MiB): not copied"),
        "{screen}"
    );
    assert_eq!(x.clipboard(), None);
}

/// Clipboard managers keep a history of what is copied, as it is copied (before any clear): a
/// value is marked secret for them (`x-kde-passwordManagerHint: secret`, which KDE's Klipper and
/// CopyQ honour) and offered no SAVE_TARGETS; a path is not marked.
#[test]
fn a_value_is_marked_for_clipboard_managers_to_keep_out_of_their_history() {
    let (server, _) = seeded_server_blocking();
    let x = Xvfb::start();
    let mut app = x.tresor(&sandbox(&server));
    app.keys(&["y"]);
    app.wait_for("via system clipboard (clears in");
    let targets = x.clipboard_as("TARGETS").expect("the clipboard's targets");
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "{targets}"
    );
    assert!(!targets.lines().any(|t| t == "SAVE_TARGETS"), "{targets}");
    assert_eq!(
        x.clipboard_as("x-kde-passwordManagerHint").as_deref(),
        Some("secret")
    );
    app.keys(&["Y"]);
    app.wait_for("Copied the path secret/app/database");
    let targets = x.clipboard_as("TARGETS").expect("the clipboard's targets");
    assert!(
        !targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "a path is not secret: {targets}"
    );
}

/// The status line does not claim the clipboard holds a later copy when it holds nothing.
#[test]
fn a_clipboard_emptied_since_is_said_to_hold_no_text() {
    let (server, _) = seeded_server_blocking();
    let x = Xvfb::start();
    let mut app = x.tresor(&sandbox(&server));
    app.keys(&["y"]);
    app.wait_for("via system clipboard (clears in");
    x.empty_elsewhere();
    let screen = app.wait_within_for(
        "Clipboard left alone: it no longer holds the value (it holds no text now)",
        Duration::from_secs(10),
    );
    assert!(!screen.contains("copied since"), "{screen}");
    assert_eq!(x.clipboard(), None);
}

#[test]
fn what_another_program_copied_since_is_left_alone() {
    let (server, _) = seeded_server_blocking();
    let x = Xvfb::start();
    let sandbox = sandbox(&server);
    let mut app = x.tresor(&sandbox);
    let pressed = Instant::now();
    app.send_now("y");
    app.wait_for("via system clipboard (clears in");
    assert_eq!(x.clipboard().as_deref(), Some(PASSWORD));
    x.copy_elsewhere("copied by someone else");
    let after = status_after(
        &app,
        "Clipboard left alone: it holds something copied since",
        pressed,
    );
    assert!(
        after >= Duration::from_secs(2),
        "decided before the delay: {after:?}"
    );
    assert_eq!(
        x.clipboard().as_deref(),
        Some("copied by someone else"),
        "the other program's text is still there"
    );
    // Quitting does not touch it either.
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    assert_eq!(x.clipboard().as_deref(), Some("copied by someone else"));
}

/// Two things keep the value from a clipboard manager on exit: tresor clears it first, and the
/// value is marked secret, so arboard gives the clipboard up instead of handing it over. Either
/// alone passes this test; both broken on purpose, it fails. (The clear on exit itself is proven
/// through OSC 52 and tmux in clipboard.rs.)
#[test]
fn quitting_before_the_delay_clears_the_value_and_hands_a_clipboard_manager_nothing() {
    let (server, _) = seeded_server_blocking();
    let x = Xvfb::start();
    let manager = ClipboardManager::start(&x.display);
    let sandbox =
        Sandbox::new()
            .server(&server)
            .args(&["--clipboard", "system", "--clipboard-clear", "60"]);
    let mut app = x.tresor(&sandbox);
    app.keys(&["y"]);
    app.wait_for("via system clipboard (clears in");
    assert_eq!(x.clipboard().as_deref(), Some(PASSWORD));
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    assert_eq!(x.clipboard(), None, "the value is gone with tresor");
    assert_eq!(
        manager.saved(),
        Vec::<Option<String>>::new(),
        "the clipboard manager was asked to keep nothing"
    );
}

#[test]
fn a_copied_path_outlives_tresor_through_a_clipboard_manager() {
    // Paths are not secret: not cleared, so on exit they are handed to a clipboard manager like
    // any program's copy (this is also what shows the test's manager works).
    let (server, _) = seeded_server_blocking();
    let x = Xvfb::start();
    let manager = ClipboardManager::start(&x.display);
    let mut app = x.tresor(&sandbox(&server));
    app.keys(&["Y"]);
    app.wait_for("Copied the path secret/app/database");
    assert_eq!(x.clipboard().as_deref(), Some("secret/app/database"));
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    assert_eq!(
        manager.saved(),
        [Some("secret/app/database".to_string())],
        "the clipboard manager was handed the path"
    );
}

/// A minimal clipboard manager (freedesktop.org's ClipboardManager protocol): it owns the
/// CLIPBOARD_MANAGER selection, and when a program that owns the clipboard is about to exit and
/// asks it to keep the contents (SAVE_TARGETS), it reads them and records what it got.
struct ClipboardManager {
    saved: Arc<Mutex<Vec<Option<String>>>>,
}

impl ClipboardManager {
    fn start(display: &str) -> Self {
        use x11rb::connection::Connection;
        use x11rb::protocol::Event;
        use x11rb::protocol::xproto::{
            AtomEnum, ConnectionExt, CreateWindowAux, EventMask, SELECTION_NOTIFY_EVENT,
            SelectionNotifyEvent, WindowClass,
        };
        use x11rb::{COPY_DEPTH_FROM_PARENT, CURRENT_TIME};

        let (conn, screen) = x11rb::connect(Some(display)).expect("connect to Xvfb");
        let root = conn.setup().roots[screen].root;
        let window = conn.generate_id().expect("window id");
        conn.create_window(
            COPY_DEPTH_FROM_PARENT,
            window,
            root,
            0,
            0,
            1,
            1,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
        )
        .expect("create window");
        let atom = |name: &[u8]| {
            conn.intern_atom(false, name)
                .expect("intern atom")
                .reply()
                .expect("atom")
                .atom
        };
        let (manager, clipboard, utf8, property) = (
            atom(b"CLIPBOARD_MANAGER"),
            atom(b"CLIPBOARD"),
            atom(b"UTF8_STRING"),
            atom(b"TRESOR_TEST_SAVED"),
        );
        conn.set_selection_owner(window, manager, CURRENT_TIME)
            .expect("own CLIPBOARD_MANAGER");
        let owner = conn
            .get_selection_owner(manager)
            .expect("selection owner")
            .reply()
            .expect("owner");
        assert_eq!(owner.owner, window, "the test's clipboard manager runs");
        let saved = Arc::new(Mutex::new(Vec::new()));
        let record = saved.clone();
        std::thread::spawn(move || {
            loop {
                let Ok(event) = conn.wait_for_event() else {
                    return; // the X server is gone
                };
                let Event::SelectionRequest(request) = event else {
                    continue;
                };
                // Asked to keep the clipboard: read it as text.
                let _ = conn.convert_selection(window, clipboard, utf8, property, CURRENT_TIME);
                let _ = conn.flush();
                let contents = loop {
                    match conn.wait_for_event() {
                        Ok(Event::SelectionNotify(notify)) if notify.property == 0 => break None,
                        Ok(Event::SelectionNotify(_)) => {
                            break conn
                                .get_property(
                                    true,
                                    window,
                                    property,
                                    AtomEnum::ANY,
                                    0,
                                    u32::MAX / 4,
                                )
                                .ok()
                                .and_then(|cookie| cookie.reply().ok())
                                .map(|reply| String::from_utf8_lossy(&reply.value).to_string());
                        }
                        Ok(_) => continue,
                        Err(_) => return,
                    }
                };
                record.lock().expect("record").push(contents);
                // Done: the program may exit now.
                let _ = conn.send_event(
                    false,
                    request.requestor,
                    EventMask::NO_EVENT,
                    SelectionNotifyEvent {
                        response_type: SELECTION_NOTIFY_EVENT,
                        sequence: 0,
                        time: request.time,
                        requestor: request.requestor,
                        selection: request.selection,
                        target: request.target,
                        property: request.property,
                    },
                );
                let _ = conn.flush();
            }
        });
        Self { saved }
    }

    /// What it was asked to keep (None: asked, but could not read it).
    fn saved(&self) -> Vec<Option<String>> {
        // The request is sent as the program exits; give the manager a moment to record it.
        std::thread::sleep(Duration::from_millis(300));
        self.saved.lock().expect("saved").clone()
    }
}
