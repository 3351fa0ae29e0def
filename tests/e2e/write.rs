//! End to end: writing secrets through the real binary in a pseudo-terminal against a real
//! OpenBao, checked with the real `bao` CLI. A test script plays `$EDITOR` and records what it saw
//! (path, permissions, the note on a retry), so the private temp file can be checked.

use crate::support;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::{bao_json, bao_kv_metadata, seeded_server_blocking};
use tresor::devserver::DevServer;

fn kv_get(server: &DevServer, path: &str) -> Value {
    bao_json(
        server,
        &["kv", "get", "-format=json", "-mount=secret", path],
    )["data"]
        .clone()
}

/// A fake editor: run N reads `step-N` (a file of JSON, or `FAIL`) into the edited file, and logs
/// `path dir-mode file-mode first-line` for each run.
fn editor_script(dir: &Path, steps: &[&str]) -> PathBuf {
    for (index, step) in steps.iter().enumerate() {
        std::fs::write(dir.join(format!("step-{}", index + 1)), step).unwrap();
    }
    let script = dir.join("fake-editor");
    let body = format!(
        r#"#!/bin/sh
set -e
dir="{dir}"
n=$(cat "$dir/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$dir/count"
file="$1"
echo "$file $(stat -c %a "$(dirname "$file")") $(stat -c %a "$file") $(head -n 1 "$file")" >> "$dir/log"
cp "$file" "$dir/seen-$n"
if [ "$(cat "$dir/step-$n")" = "FAIL" ]; then exit 3; fi
if [ "$(cat "$dir/step-$n")" = "SLOW" ]; then touch "$dir/started"; sleep 2; exit 0; fi
if [ "$(head -n 1 "$dir/step-$n")" = "SLOW-WRITE" ]; then
  touch "$dir/started"; sleep 2; tail -n +2 "$dir/step-$n" > "$file"; exit 0
fi
cat "$dir/step-$n" > "$file"
"#,
        dir = dir.display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    script
}

/// A sandbox for tresor on `server` as root, started once the tree is up.
fn sandbox(server: &DevServer) -> Sandbox {
    Sandbox::new()
        .server(server)
        .wait_for("team/platform/ kv v2")
}

/// Starts tresor in `sandbox` with `editor` as $EDITOR.
fn start(sandbox: &Sandbox, editor: Option<&Path>) -> PtyApp {
    match editor {
        Some(editor) => sandbox.spawn_with(&[("EDITOR", editor.to_str().unwrap())]),
        None => sandbox.spawn(),
    }
}

fn open(app: &mut PtyApp, path: &str) {
    app.open(path);
    app.wait_for(&format!("┌ {path} "));
}

#[test]
fn editor_with_invalid_then_valid_json_makes_one_correct_write_and_leaves_no_file() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    let valid = r#"{
  "host": "db-primary.internal",
  "port": "5432",
  "username": "app_rw",
  "password": "new-pässword\nwith a second line",
  "sslmode": "verify-full",
  "pool": {"max": 20}
}"#;
    let editor = editor_script(scratch.path(), &["{ \"password\": oops }", valid]);
    let mut app = start(&sandbox, Some(&editor));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    app.wait_for("Write secret/app/database as version 4");
    let screen = app.wait_for("+ added: \"pool\"");
    assert!(screen.contains("~ changed: \"password\""), "{screen}");
    assert!(
        !screen.contains("pässword"),
        "the summary names keys, not values"
    );
    // Only one write so far: none.
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 4");
    let data = kv_get(&server, "app/database");
    assert_eq!(data["metadata"]["version"], 4);
    assert_eq!(data["data"]["password"], "new-pässword\nwith a second line");
    assert_eq!(
        data["data"]["pool"],
        json!({"max": 20}),
        "JSON kept as JSON"
    );

    let log = std::fs::read_to_string(scratch.path().join("log")).unwrap();
    let runs: Vec<&str> = log.lines().collect();
    assert_eq!(runs.len(), 2, "{log}");
    for run in &runs {
        let fields: Vec<&str> = run.split(' ').collect();
        let path = Path::new(fields[0]);
        assert!(
            path.starts_with(sandbox.root().join("run")),
            "under XDG_RUNTIME_DIR: {run}"
        );
        assert_eq!(fields[1], "700", "private dir: {run}");
        assert_eq!(fields[2], "600", "private file: {run}");
        assert!(
            !path.exists() && !path.parent().unwrap().exists(),
            "removed: {run}"
        );
    }
    assert!(
        runs[1].contains("// tresor:"),
        "the retry starts with the error note: {}",
        runs[1]
    );
    let retry = std::fs::read_to_string(scratch.path().join("seen-2")).unwrap();
    assert!(retry.contains("line 1"), "the note says where: {retry}");
    assert!(
        retry.contains("oops"),
        "the user's own text comes back: {retry}"
    );
    assert_eq!(
        std::fs::read_dir(sandbox.root().join("run"))
            .unwrap()
            .count(),
        0,
        "nothing left in the runtime dir"
    );
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn a_failing_editor_writes_nothing_and_leaves_no_file() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    let editor = editor_script(scratch.path(), &["FAIL"]);
    let mut app = start(&sandbox, Some(&editor));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    app.wait_for("exited with exit status: 3: nothing was written");
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
    let log = std::fs::read_to_string(scratch.path().join("log")).unwrap();
    let path = PathBuf::from(log.split(' ').next().unwrap());
    assert!(!path.exists() && !path.parent().unwrap().exists());
    assert_eq!(
        std::fs::read_dir(sandbox.root().join("run"))
            .unwrap()
            .count(),
        0
    );
    assert!(app.in_alternate_screen(), "the TUI is back");
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn a_concurrent_write_opens_the_conflict_view_and_reapplying_keeps_both() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let mut app = start(&sandbox, None);
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["e"]);
    app.wait_for("Edit secret/app/database");
    // Change the password value (row 2): ↓ to it, Tab to its value, clear it, type.
    app.keys(&["\x1b[B", "\t", "\x15", "mine-2026"]);
    // Meanwhile a colleague changes another key.
    server
        .bao(
            &["kv", "patch", "-mount=secret", "app/database", "port=6432"],
            None,
        )
        .unwrap();
    app.keys(&["\r"]);
    app.wait_for("~ changed: \"password\"");
    app.keys(&["y"]);
    let screen = app.wait_for("Someone wrote secret/app/database after you opened it");
    assert!(screen.contains("Nothing was overwritten"));
    let theirs = kv_get(&server, "app/database");
    assert_eq!(theirs["metadata"]["version"], 4);
    assert_eq!(theirs["data"]["port"], "6432", "their write is intact");
    assert_eq!(theirs["data"]["password"], "Tr0ub4dor&3");
    app.keys(&["a"]);
    app.wait_for("Write secret/app/database as version 5");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 5");
    let merged = kv_get(&server, "app/database");
    assert_eq!(merged["data"]["password"], "mine-2026");
    assert_eq!(
        merged["data"]["port"], "6432",
        "their change survives the re-apply"
    );
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn new_and_copy_write_where_asked_and_refuse_bad_input_first() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let mut app = start(&sandbox, None);
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");

    // n: the folder is filled in; a folder path is refused before any request.
    app.keys(&["n"]);
    app.wait_for("> secret/app/");
    app.keys(&["\r"]);
    app.wait_for("names a folder, not a secret");
    app.keys(&["fresh", "\r"]);
    app.wait_for("New secret secret/app/fresh");
    app.keys(&["\r"]);
    app.wait_for("The secret is empty");
    app.keys(&["api_key", "\t", "k-123", "\r"]);
    app.wait_for("Create secret/app/fresh (check-and-set 0");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/fresh as version 1");
    assert_eq!(
        kv_get(&server, "app/fresh")["data"],
        json!({"api_key": "k-123"})
    );

    // c: copy the database secret with its custom metadata.
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["c"]);
    app.wait_for("> secret/app/database-copy");
    app.keys(&["\t", " ", "\r"]);
    app.wait_for("and 3 custom metadata keys");
    app.keys(&["y"]);
    // The data, then the metadata (its message follows the first one).
    app.wait_for("Saved the metadata of secret/app/database-copy");
    let copy = kv_get(&server, "app/database-copy");
    let original = kv_get(&server, "app/database");
    assert_eq!(copy["data"], original["data"]);
    assert_eq!(copy["metadata"]["version"], 1);
    assert_eq!(
        bao_kv_metadata(&server, "secret", "app/database-copy")["custom_metadata"],
        json!({"owner": "payments", "rotation": "90d", "ticket": "OPS-1234"})
    );
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn sigterm_while_the_editor_is_open_quits_after_it_and_leaves_no_file() {
    quit_by_signal_while_the_editor_is_open("TERM");
}

/// A closed terminal (SIGHUP) takes the same way out as SIGTERM.
#[test]
fn sighup_while_the_editor_is_open_quits_after_it_and_leaves_no_file() {
    quit_by_signal_while_the_editor_is_open("HUP");
}

fn quit_by_signal_while_the_editor_is_open(signal: &str) {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    let editor = editor_script(scratch.path(), &["SLOW"]);
    let mut app = start(&sandbox, Some(&editor));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    app.wait_until("the editor started", |_| {
        scratch.path().join("started").exists()
    });
    let pid = app.pid().expect("pid").to_string();
    let status = std::process::Command::new("kill")
        .args([format!("-{signal}").as_str(), &pid])
        .status()
        .unwrap();
    assert!(status.success());
    app.wait_exit();
    assert!(!app.in_alternate_screen(), "the terminal is restored");
    let log = std::fs::read_to_string(scratch.path().join("log")).unwrap();
    let path = PathBuf::from(log.split(' ').next().unwrap());
    assert!(!path.exists() && !path.parent().unwrap().exists());
    assert_eq!(
        std::fs::read_dir(sandbox.root().join("run"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
}

#[test]
fn keys_typed_while_the_editor_runs_never_answer_the_confirmation() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    let changed = "SLOW-WRITE\n{\"host\": \"elsewhere\"}";
    let editor = editor_script(scratch.path(), &[changed]);
    let mut app = start(&sandbox, Some(&editor));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    let started = scratch.path().join("started");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !started.exists() {
        assert!(std::time::Instant::now() < deadline, "the editor never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Typed while the editor has the terminal (and ignores it): a yes, a no and a move.
    app.send_now("y");
    app.send_now("n");
    app.send_now("k");
    app.wait_for("Write secret/app/database as version 4");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let screen = app.screen();
    assert!(
        screen.contains("Write secret/app/database as version 4"),
        "the confirmation still waits for an answer: {screen}"
    );
    assert_eq!(
        kv_get(&server, "app/database")["metadata"]["version"],
        3,
        "nothing was saved by keys typed before the confirmation was shown"
    );
    // A key pressed now answers it: n goes back to editing, and nothing typed earlier saves.
    app.keys(&["n"]);
    app.wait_for("Edit secret/app/database");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let screen = app.screen();
    assert!(!screen.contains("Saved"), "{screen}");
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
    app.keys(&["\r"]);
    app.wait_for("Write secret/app/database as version 4");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 4");
    app.keys(&["q"]);
    app.wait_exit();
}

#[test]
fn an_editor_that_gives_back_refused_text_is_never_relaunched_in_a_loop() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    // An editor script that always writes the same invalid text, as a broken $EDITOR would.
    let editor = editor_script(
        scratch.path(),
        &["[1,2,3]", "[1,2,3]", "[1,2,3]", "[1,2,3]"],
    );
    let mut app = start(&sandbox, Some(&editor));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    app.wait_for("unchanged");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let runs = std::fs::read_to_string(scratch.path().join("count")).unwrap();
    assert_eq!(
        runs.trim(),
        "2",
        "opened once, reopened once with the error, then stopped"
    );

    // A different error each time: asked before the editor opens again.
    let scratch = tempfile::tempdir().unwrap();
    let editor = editor_script(scratch.path(), &["{ oops }", "{ oops again }"]);
    drop(app);
    let mut app = start(&sandbox, Some(&editor));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    app.wait_for("still refused");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let runs = std::fs::read_to_string(scratch.path().join("count")).unwrap();
    assert_eq!(runs.trim(), "2", "no third run without a yes");
    app.keys(&["n"]);
    app.wait_for("Edit discarded");
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
    app.keys(&["q"]);
    app.wait_exit();
}

/// A token that may create and update secrets but not read them (issue 14, defect 13).
fn write_only_token(server: &DevServer) -> String {
    let policy = "path \"secret/data/*\" { capabilities = [\"create\", \"update\"] }\n\
                  path \"kv1/*\" { capabilities = [\"create\", \"update\"] }\n";
    server
        .bao(&["policy", "write", "writeonly", "-"], Some(policy))
        .unwrap_or_else(|error| panic!("{error}"));
    let created = bao_json(
        server,
        &["token", "create", "-policy=writeonly", "-format=json"],
    );
    created["auth"]["client_token"]
        .as_str()
        .expect("a token")
        .to_string()
}

/// `n`, a path, one key and value, Enter: the confirmation.
fn new_secret(app: &mut PtyApp, path: &str, key: &str, value: &str) {
    app.keys(&["n", "\x15", path, "\r"]);
    app.wait_for(&format!("New secret {path}"));
    app.keys(&[key, "\t", value, "\r"]);
    app.wait_for(&format!("Create {path}"));
}

#[test]
fn a_write_only_token_is_told_the_secret_exists_and_overwrites_only_after_typing_the_path() {
    let (server, _) = seeded_server_blocking();
    let token = write_only_token(&server);
    let sandbox = Sandbox::new()
        .addr(&server.addr)
        .token(&token)
        .wait_for("secret/");
    let mut app = sandbox.spawn();

    // KV v2: check-and-set 0 refuses; the token may not read what is there.
    new_secret(&mut app, "secret/app/database", "password", "mine");
    app.keys(&["y"]);
    let screen = app.wait_for("already exists");
    let screen = if screen.contains("may not read it") {
        screen
    } else {
        app.wait_for("may not read it")
    };
    assert!(
        !screen.contains("after you opened it"),
        "no made-up conflict: {screen}"
    );
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
    app.keys(&["a"]);
    let screen = app.wait_for("o overwrites");
    assert!(!screen.contains("Still reading"), "{screen}");
    // Overwriting asks for the path typed; a wrong one writes nothing.
    app.keys(&["o"]);
    app.wait_for("Type secret/app/database");
    app.keys(&["y", "\r"]);
    app.wait_for("Type \"secret/app/database\" exactly");
    assert_eq!(kv_get(&server, "app/database")["metadata"]["version"], 3);
    app.keys(&["\x15", "secret/app/database", "\r"]);
    app.wait_for("Saved secret/app/database as version 4");
    let data = kv_get(&server, "app/database");
    assert_eq!(data["metadata"]["version"], 4);
    assert_eq!(data["data"], json!({"password": "mine"}));

    // KV v1 has no check-and-set: the existence check cannot read, and says so.
    new_secret(&mut app, "kv1/legacy/ftp", "password", "mine");
    app.keys(&["y"]);
    let screen = app.wait_for("cannot check whether");
    assert!(screen.contains("may not read it"), "{screen}");
    assert!(!screen.contains("409"), "no made-up HTTP status: {screen}");
    let ftp = bao_json(&server, &["kv", "get", "-format=json", "kv1/legacy/ftp"]);
    assert_eq!(ftp["data"]["user"], "ftp", "nothing written");
}

/// The file $EDITOR edited is overwritten with zeros before it is removed: an editor that keeps a
/// hard link to it (the same inode) finds only zeros there once tresor is done.
#[test]
fn the_edited_file_is_overwritten_with_zeros_before_removal() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    let valid = r#"{"host": "db-zeroed.internal", "port": "5432", "username": "app_rw",
  "password": "wiped-after-use", "sslmode": "verify-full"}"#;
    std::fs::write(scratch.path().join("next"), valid).unwrap();
    let script = scratch.path().join("linking-editor");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nset -e\nln \"$1\" \"{dir}/link\"\ncat \"{dir}/next\" > \"$1\"\n",
            dir = scratch.path().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut app = start(&sandbox, Some(&script));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    app.wait_for("Write secret/app/database as version 4");
    app.keys(&["y"]);
    app.wait_for("Saved secret/app/database as version 4");
    assert_eq!(
        kv_get(&server, "app/database")["data"]["password"],
        "wiped-after-use"
    );
    let left = std::fs::read(scratch.path().join("link")).unwrap();
    assert!(!left.is_empty(), "the link keeps the file's length");
    assert!(
        left.iter().all(|byte| *byte == 0),
        "only zeros are left of the edited text ({} bytes)",
        left.len()
    );
    app.keys(&["q"]);
    app.wait_exit();
}

/// SIGKILL runs no clean-up: the edited file stays in its private 0700 directory, as it was.
/// The next tresor to start finds the directory abandoned (its owner is gone), overwrites the
/// file with zeros and removes it.
#[test]
fn a_file_left_by_sigkill_is_wiped_by_the_next_tresor() {
    let (server, _) = seeded_server_blocking();
    let sandbox = sandbox(&server);
    let scratch = tempfile::tempdir().unwrap();
    let script = scratch.path().join("lingering-editor");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nln \"$1\" \"{dir}/link\"\necho $$ > \"{dir}/editor-pid\"\nexec sleep 60\n",
            dir = scratch.path().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut app = start(&sandbox, Some(&script));
    open(&mut app, "secret/app/database");
    app.wait_for("version 3 of 3");
    app.keys(&["E"]);
    let pid_file = scratch.path().join("editor-pid");
    app.wait_until("the editor started", |_| pid_file.exists());
    let kill = |signal: &str, pid: &str| {
        let status = std::process::Command::new("kill")
            .args([signal, pid])
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} {pid}");
    };
    let tresor = app.pid().expect("pid").to_string();
    let alive = std::process::Command::new("kill")
        .args(["-0", &tresor])
        .status()
        .unwrap()
        .success();
    if !alive {
        let code = app.wait_exit();
        panic!(
            "tresor ended by itself while the editor ran (exit {code}):\n{}",
            app.screen()
        );
    }
    kill("-KILL", &tresor);
    app.wait_exit();
    // The editor may already be gone: tresor's terminal hung up with it (SIGHUP to its
    // foreground group). Either way it must be gone before the next start.
    let editor_pid = std::fs::read_to_string(&pid_file).unwrap();
    let _ = std::process::Command::new("kill")
        .args(["-KILL", editor_pid.trim()])
        .status();
    let run = sandbox.root().join("run");
    let left: Vec<_> = std::fs::read_dir(&run).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "SIGKILL leaves the private directory");
    let linked = std::fs::read_to_string(scratch.path().join("link")).unwrap();
    assert!(
        linked.contains("\"password\""),
        "and the file as it was: {} bytes",
        linked.len()
    );

    let mut again = start(&sandbox, None);
    again.wait_for("team/platform/ kv v2");
    assert_eq!(
        std::fs::read_dir(&run).unwrap().count(),
        0,
        "the next tresor removed what the killed one left"
    );
    let wiped = std::fs::read(scratch.path().join("link")).unwrap();
    assert_eq!(wiped.len(), linked.len(), "overwritten in place");
    assert!(wiped.iter().all(|byte| *byte == 0), "with zeros");
    again.keys(&["q"]);
    again.wait_exit();
}
