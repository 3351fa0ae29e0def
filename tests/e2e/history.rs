//! End to end: the version history of a real secret, driven through the real binary in a
//! pseudo-terminal, with the real `bao` CLI checking every change: soft-delete, undelete, destroy
//! (typed confirmation), roll back, roll back under a concurrent write (a conflict, not an
//! overwrite), the diff, the metadata form, and deleting everything.

use crate::support;

use serde_json::Value;
use support::sandbox::Sandbox;
use support::{bao_json, bao_kv_metadata, seeded_server_blocking};
use tresor::devserver::DevServer;

const PATH: &str = "app/signing-key";

fn metadata(server: &DevServer) -> Value {
    bao_kv_metadata(server, "secret", PATH)
}

fn data_of(server: &DevServer, version: Option<u64>) -> Value {
    let version = version.map(|v| format!("-version={v}")).unwrap_or_default();
    let mut args = vec!["kv", "get", "-format=json", "-mount=secret"];
    if !version.is_empty() {
        args.push(&version);
    }
    args.push(PATH);
    bao_json(server, &args)["data"]["data"].clone()
}

#[test]
fn history_operations_round_trip_and_agree_with_the_bao_cli() {
    let (server, _report) = seeded_server_blocking();
    let sandbox = Sandbox::new().server(&server);
    let mut app = sandbox.spawn();
    app.wait_for("team/platform/ kv v2");
    app.keys(&[":", "\x15", "secret/app/signing-key", "\r"]);
    app.wait_for("version 27 of 27");

    // Versions tab: every version, with the seeded soft-deleted and destroyed ones.
    app.keys(&["2"]);
    let screen = app.wait_for("27 versions · current 27 · oldest 1");
    assert!(screen.contains("soft-deleted"), "{screen}");

    // Soft-delete version 26, then undelete it.
    app.keys(&["j", "d"]);
    app.wait_for("Soft-delete version 26 of secret/app/signing-key?");
    app.keys(&["y"]);
    app.wait_for("Soft-deleted version 26 of secret/app/signing-key");
    assert_ne!(metadata(&server)["versions"]["26"]["deletion_time"], "");
    // The reloaded history, not only the status line, before asking to undelete (on a loaded
    // machine `u` could come before it and be refused as "not soft-deleted").
    app.wait_until("version 26 shown soft-deleted", |screen| {
        screen
            .lines()
            .any(|line| line.contains("›    26") && line.contains("soft-deleted"))
    });
    app.keys(&["u"]);
    app.wait_for("Undelete version 26 of");
    app.keys(&["y"]);
    app.wait_for("Undeleted version 26");
    assert_eq!(metadata(&server)["versions"]["26"]["deletion_time"], "");

    // Destroy version 25: y is not enough, the path must be typed.
    app.keys(&["j", "D"]);
    app.wait_for("Type secret/app/signing-key or destroy, then Enter");
    app.keys(&["y", "\r"]);
    app.wait_for("exactly, then Enter");
    assert_eq!(metadata(&server)["versions"]["25"]["destroyed"], false);
    app.keys(&["\x7f", "secret/app/signing-key", "\r"]);
    app.wait_for("Destroyed version 25 of secret/app/signing-key");
    assert_eq!(metadata(&server)["versions"]["25"]["destroyed"], true);

    // Roll back to version 2 (G goes to the oldest, k one up): a new version 28 with its data.
    app.keys(&["G", "k"]);
    app.wait_for("version 2: Enter views its data");
    app.keys(&["r"]);
    app.wait_for("Writes version 2's data as version 28, only if version 27");
    app.keys(&["y"]);
    app.wait_for("Rolled secret/app/signing-key back to version 2: now version 28");
    assert_eq!(data_of(&server, Some(28)), data_of(&server, Some(2)));
    assert_eq!(metadata(&server)["current_version"], 28);

    // Roll back again while a colleague writes in between: a conflict, their write stays.
    app.keys(&["G", "k", "k", "k", "k"]);
    app.wait_for("version 5: Enter views its data");
    app.keys(&["r"]);
    app.wait_for("only if version 28 is still current");
    server
        .bao(
            &["kv", "put", "-mount=secret", PATH, "private_key=colleague"],
            None,
        )
        .expect("concurrent write");
    app.keys(&["y"]);
    app.wait_for("Conflict: secret/app/signing-key was written by someone else");
    assert_eq!(data_of(&server, None)["private_key"], "colleague");
    assert_eq!(metadata(&server)["current_version"], 29);
    app.wait_for("29 versions · current 29");

    // The diff of the last two versions: the colleague's change, masked until revealed.
    app.keys(&["4"]);
    let screen = app.wait_for("version 28 → version 29");
    assert!(screen.contains("~ private_key"), "{screen}");
    assert!(!screen.contains("colleague"), "masked:\n{screen}");
    app.keys(&["s"]);
    app.wait_for("→ colleague");

    // Metadata form: add a custom key; the CLI sees it.
    app.keys(&["3"]);
    app.wait_for("Custom metadata (2)");
    app.keys(&["m"]);
    app.wait_for("Edit metadata");
    app.keys(&["\x0e", "reviewed", "\t", "yes", "\r"]);
    app.wait_for("Saved the metadata of secret/app/signing-key");
    app.wait_for("Custom metadata (3)");
    assert_eq!(metadata(&server)["custom_metadata"]["reviewed"], "yes");

    // Delete everything: typed confirmation, then the CLI finds nothing.
    app.keys(&["X"]);
    app.wait_for("Delete all 29 versions and the metadata of secret/app/signing-key?");
    // What to type is said up front, as for D.
    app.wait_for("Type secret/app/signing-key or destroy, then Enter");
    app.keys(&["destroy", "\r"]);
    app.wait_for("Deleted every version and the metadata of secret/app/signing-key");
    // Out of the tree and the pane at once, without R: only the status line names it.
    app.wait_until("signing-key gone from tree and pane", |screen| {
        !screen
            .lines()
            .filter(|line| !line.contains("Deleted every version"))
            .any(|line| line.contains("signing-key"))
    });
    assert!(
        server
            .bao(&["kv", "metadata", "get", "-mount=secret", PATH], None)
            .is_err()
    );
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_read_only_token_sees_the_history_with_operations_struck_out() {
    let (server, report) = seeded_server_blocking();
    let token = report
        .limited_token
        .expect("the seed makes a limited token");
    let sandbox = Sandbox::new().addr(&server.addr).token(token.expose());
    let mut app = sandbox.spawn();
    app.wait_for("policies");
    app.keys(&[":", "\x15", "secret/app/signing-key", "\r"]);
    app.wait_for("version 27 of 27");
    app.keys(&["2"]);
    app.wait_for("27 versions");
    app.keys(&["j", "D"]);
    app.wait_for("Your token may not destroy secret/app/signing-key (needs update on secret/destroy/app/signing-key)");
    let before = metadata(&server);
    assert_eq!(before["versions"]["26"]["destroyed"], false);
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}
