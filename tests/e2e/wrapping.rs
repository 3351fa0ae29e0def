//! End to end, response wrapping: a secret wrapped in one tresor session, its wrapping token
//! unwrapped in a second tresor process that has a token of its own with no access to the secret
//! (the wrapping token is all it needs), the data saved to a new path (checked with the bao CLI),
//! and a second unwrap of the same token refused. A use-limited token's uses, as the header counts
//! them, against the server's `num_uses`.

use crate::support;

use serde_json::json;
use support::pty::PtyApp;
use support::sandbox::Sandbox;
use support::{bao_json, create_token, dev_server, root_client};
use tresor::devserver::DevServer;

pub(super) const PASSWORD: &str = "Sh4re-0nce-パス-🔑";
pub(super) const API_KEY: &str = "ak-7f3e9c1d5b";

/// A dev server with `secret/share/db` (two keys), and a policy `handed` that may write
/// `secret/handed/*` only.
pub(super) fn server() -> DevServer {
    let server = dev_server();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = root_client(&server);
        support::write_when_ready(
            &client,
            "secret/data/share/db",
            &json!({"data": {"password": PASSWORD, "api_key": API_KEY}}),
        )
        .await;
        client
            .write(
                "sys/policy/handed",
                &json!({"policy": "path \"secret/data/handed/*\" { capabilities = [\"create\", \"update\", \"read\"] }\n\
                        path \"secret/metadata/handed/*\" { capabilities = [\"read\", \"list\"] }"}),
            )
            .await
            .unwrap();
    });
    server
}

/// `server()` with `secret/handed/taken` too: someone else's secret where the handed data is saved
/// first, which must be refused and left as it is.
pub(super) fn handing_server() -> DevServer {
    let server = server();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = root_client(&server);
        support::write_when_ready(
            &client,
            "secret/data/handed/taken",
            &json!({"data": {"owner": "someone else"}}),
        )
        .await;
    });
    server
}

/// The wrapping token on the screen once revealed.
fn token_on(screen: &str) -> String {
    let marker = "Wrapping token (shown once): ";
    let start = screen.find(marker).expect("the token line") + marker.len();
    screen[start..]
        .split(|c: char| c.is_whitespace() || c == '│')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Session one: open `secret/share/db`, wrap it (10m), reveal and copy the token, close, quit.
pub(super) fn wrap_in_a_session(sandbox: &Sandbox) -> (PtyApp, String) {
    let mut app = sandbox.spawn();
    app.wait_for("secret/ kv v2");
    app.open("secret/share/db");
    app.wait_for("version 1 of 1");
    app.keys(&["W"]);
    app.wait_for("Wrap it for how long");
    app.keys(&["\r"]);
    app.wait_for("Wrapping token (shown once): ••••••");
    let screen = app.wait_for("left of 10m");
    assert!(
        screen.contains("Holds 2 keys of secret/share/db, version 1"),
        "{screen}"
    );
    app.keys(&["s"]);
    let screen = app.wait_until("the revealed token", |s| {
        s.contains("Wrapping token (shown once): ") && !s.contains("(shown once): ••")
    });
    let token = token_on(&screen);
    assert!(token.len() > 10, "{token:?} from\n{screen}");
    app.keys(&["y"]);
    app.wait_for("Copied the wrapping token of secret/share/db");
    app.keys(&["\x1b"]);
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
    (app, token)
}

/// Session two (on a `handing_server`): unwrap `token` (lookup, then a yes), reveal the data, save
/// it to `secret/handed/taken` (refused: it exists), then to `secret/handed/db`, then try the same
/// token again.
pub(super) fn unwrap_in_a_session(sandbox: &Sandbox, token: &str) -> PtyApp {
    let mut app = sandbox.spawn();
    app.wait_for("secret/ kv v2");
    app.keys(&["U"]);
    app.wait_for("Paste the wrapping token");
    app.send(token);
    let screen = app.wait_for("Wrapping token: ••");
    assert!(!screen.contains(token), "the typed token is masked");
    app.keys(&["\r"]);
    let screen = app.wait_for("The server knows this wrapping token");
    assert!(
        screen.contains("Creation path: sys/wrapping/wrap"),
        "{screen}"
    );
    assert!(screen.contains("left of 10m"), "{screen}");
    app.keys(&["y"]);
    app.wait_for("Unwrapped (wrapped at sys/wrapping/wrap)");
    app.keys(&["s"]);
    app.wait_for(API_KEY);
    app.keys(&["w"]);
    app.wait_for("Save the unwrapped data");
    // First where a secret exists (someone else's): refused, the prompt back with why, the data
    // kept (issue 19, tester item 7: this offered an overwrite and lost the data on Esc twice).
    app.keys(&["\x15", "secret/handed/taken", "\r"]);
    app.wait_for("Create secret/handed/taken (check-and-set 0");
    app.keys(&["y"]);
    let screen = app.wait_for("replaces one). Type another path.");
    assert!(screen.contains("> secret/handed/taken"), "{screen}");
    assert!(!screen.contains("overwrite"), "{screen}");
    app.keys(&["\x15", "secret/handed/db", "\r"]);
    app.wait_for("Create secret/handed/db (check-and-set 0");
    app.keys(&["y"]);
    app.wait_for("Saved secret/handed/db as version 1");
    // The same token again: refused, and said why.
    app.keys(&["U"]);
    app.wait_for("Paste the wrapping token");
    app.send(token);
    app.keys(&["\r"]);
    let screen = app.wait_for("already unwrapped");
    assert!(screen.contains("someone else may have"), "{screen}");
    app.keys(&["\x1b", "q"]);
    assert_eq!(app.wait_exit(), 0);
    app
}

#[test]
fn wrap_in_one_session_unwrap_in_another_save_it_and_a_second_unwrap_is_refused() {
    let server = handing_server();
    let sharer = Sandbox::new().server(&server);
    let (_, token) = wrap_in_a_session(&sharer);

    // Somebody else: a token of their own that may not read secret/share/db at all.
    let theirs = create_token(&server, &["-policy=handed", "-ttl=10m"]);
    let receiver = Sandbox::new().addr(&server.addr).token(&theirs);
    unwrap_in_a_session(&receiver, &token);

    let saved = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", "handed/db"],
    );
    assert_eq!(saved["data"]["data"]["password"], PASSWORD);
    assert_eq!(saved["data"]["data"]["api_key"], API_KEY);
    assert_eq!(saved["data"]["metadata"]["version"], 1);
    let taken = bao_json(
        &server,
        &["kv", "get", "-format=json", "-mount=secret", "handed/taken"],
    );
    assert_eq!(taken["data"]["data"], json!({"owner": "someone else"}));
    assert_eq!(taken["data"]["metadata"]["version"], 1, "not replaced");
}

/// The header's count: "≤N uses left".
fn uses_on(screen: &str) -> Option<u64> {
    let end = screen.find(" uses left")?;
    let digits: String = screen[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// What the server says is left of the token with `accessor` (asked with root: not a use).
fn server_uses(server: &DevServer, accessor: &str) -> u64 {
    bao_json(
        server,
        &["token", "lookup", "-format=json", "-accessor", accessor],
    )["data"]["num_uses"]
        .as_u64()
        .expect("num_uses")
}

/// A token of `server` with `uses` uses (policy root, so every request is allowed): the token
/// and its accessor.
fn use_limited_token(server: &DevServer, uses: u64) -> (String, String) {
    let created = bao_json(
        server,
        &[
            "token",
            "create",
            "-format=json",
            "-policy=root",
            &format!("-use-limit={uses}"),
        ],
    );
    let text = |name: &str| created["auth"][name].as_str().unwrap().to_string();
    (text("client_token"), text("accessor"))
}

/// Waits until the header shows at most `expected_at_most` uses, lets any request in flight
/// land, and checks the header against the server: the number shown is the server's.
pub(super) fn agree(
    app: &PtyApp,
    server: &DevServer,
    accessor: &str,
    expected_at_most: u64,
) -> u64 {
    app.wait_until("the header's uses", |s| {
        uses_on(s).is_some_and(|n| n <= expected_at_most)
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let screen = app.screen();
    let shown = uses_on(&screen).expect("uses in the header");
    assert_eq!(
        shown,
        server_uses(server, accessor),
        "the header against the server:\n{screen}"
    );
    assert!(screen.contains(&format!("≤{shown} uses left")), "{screen}");
    shown
}

#[test]
fn a_use_limited_token_shows_its_uses_and_they_go_down_as_the_server_counts_them() {
    let server = server();
    // num_uses=5, as the issue's example: each request tresor makes is one use less, on the
    // header as on the server.
    let (token, accessor) = use_limited_token(&server, 5);
    let mut app = Sandbox::new().addr(&server.addr).token(&token).spawn();
    app.wait_for("secret/ kv v2");
    // The start looked the token up, which spent a use (and reports what is left after it).
    assert_eq!(agree(&app, &server, &accessor, 4), 4);
    // One listing each.
    app.keys(&["j", "l"]);
    app.wait_for("share/");
    assert_eq!(agree(&app, &server, &accessor, 3), 3);
    app.keys(&["j", "l"]);
    app.wait_for("db");
    assert_eq!(agree(&app, &server, &accessor, 2), 2);
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);

    // Opening a secret and wrapping it: the wrap is a read and a write, two uses.
    let (token, accessor) = use_limited_token(&server, 12);
    let mut app = Sandbox::new().addr(&server.addr).token(&token).spawn();
    app.wait_for("secret/ kv v2");
    let start = agree(&app, &server, &accessor, 11);
    app.open("secret/share/db");
    app.wait_for("version 1 of 1");
    let opened = agree(&app, &server, &accessor, start - 1);
    app.keys(&["W"]);
    app.wait_for("Wrap it for how long");
    app.keys(&["\r"]);
    app.wait_for("left of 10m");
    // The capability question, the read and the wrap.
    assert_eq!(agree(&app, &server, &accessor, opened - 3), opened - 3);
    app.keys(&["\x1b", "q"]);
    assert_eq!(app.wait_exit(), 0);
}
