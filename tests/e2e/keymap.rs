//! End to end: a user's `[keys]` table rebinds keys, and every label follows; a conflicting table
//! starts with the defaults and says why.

use crate::support;

use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::seeded_server_blocking;

const PASSWORD: &str = "Tr0ub4dor&3";

fn start_with_config(config: &str) -> (tresor::devserver::DevServer, Sandbox, PtyApp) {
    let (server, _) = seeded_server_blocking();
    let sandbox = Sandbox::new()
        .server(&server)
        .config(config, 0o600)
        .env("TRESOR_CLIPBOARD", "osc52");
    let app = sandbox.spawn();
    (server, sandbox, app)
}

/// Opens secret/app/database (its values masked).
fn open_database(app: &mut PtyApp) {
    app.wait_for("team/platform/ kv v2");
    app.keys(&[":"]);
    app.wait_for("the selected folder");
    app.send("secret/app/database\r");
    app.wait_for("version 3");
}

/// The keys column of the help overlay's row for a command, scrolling down until it shows.
fn help_row_key(app: &mut PtyApp, name: &str) -> String {
    for _ in 0..200 {
        let screen = app.screen();
        for line in screen.lines() {
            let words: Vec<&str> = line
                .trim_matches('│')
                .split("  ")
                .filter(|w| !w.trim().is_empty())
                .collect();
            if words.get(1).map(|w| w.trim()) == Some(name) {
                return words[0].trim().to_string();
            }
        }
        app.keys(&["j"]);
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    panic!("no help row for {name}:\n{}", app.screen());
}

#[test]
fn rebound_keys_work_and_every_label_follows() {
    let (_server, _home, mut app) = start_with_config("[keys]\nreveal = \"v\"\nquit = \"x\"\n");
    open_database(&mut app);
    let screen = app.screen();
    assert!(
        screen.contains("v reveal"),
        "footer names the new key:\n{screen}"
    );
    assert!(
        !screen.contains("s reveal") && !screen.contains("q quit"),
        "{screen}"
    );
    assert!(screen.contains("x quit"), "{screen}");
    assert!(!screen.contains(PASSWORD));

    // The old key does nothing; the new one reveals.
    app.keys(&["s"]);
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert!(!app.screen().contains(PASSWORD), "s no longer reveals");
    app.keys(&["v"]);
    app.wait_for(PASSWORD);
    app.wait_for("v mask");
    app.keys(&["v"]);
    app.wait_until("masked again", |s| !s.contains(PASSWORD));

    // The help overlay lists the new keys by command name (scrolled to each row).
    app.keys(&["?"]);
    app.wait_for("Keys (");
    assert_eq!(help_row_key(&mut app, "reveal"), "v");
    assert_eq!(help_row_key(&mut app, "quit"), "x");
    app.keys(&["\x1b"]);
    app.wait_until("help closed", |s| !s.contains("Keys ("));

    // q does not quit; x does.
    app.keys(&["q"]);
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert!(app.in_alternate_screen(), "q no longer quits");
    app.keys(&["x"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_conflicting_binding_starts_with_the_defaults_and_says_so() {
    let (_server, _home, mut app) = start_with_config("[keys]\nreveal = \"y\"\n");
    let screen = app.wait_for("conflict");
    assert!(
        screen.contains("reveal") && screen.contains("copy_value"),
        "the warning names both commands:\n{screen}"
    );
    open_database(&mut app);
    app.keys(&["s"]);
    app.wait_for(PASSWORD);
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_config_file_that_is_not_toml_is_said_on_screen_not_only_before_it() {
    // A duplicate key: the whole file cannot be read.
    let (_server, _sandbox, mut app) =
        start_with_config("[keys]\nreveal = \"v\"\nreveal = \"w\"\n");
    let screen = app.wait_for("the file is not used");
    assert!(screen.contains("duplicate key"), "{screen}");
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}
