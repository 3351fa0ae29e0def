//! Pure state tests: `update` driven by actions, asserting on state and effects. No terminal, no
//! server.

use crate::support;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use serde_json::json;
use support::fixtures::{ctrl, mount, press as key, type_text as chars};
use tresor::app::state::ConnectionView;
use tresor::app::tree::{Listing, Location};
use tresor::app::{Action, App, Effect, Focus, Modal, bao_command, update};
use tresor::vault::kv::parse_v2_secret;
use tresor::vault::{KvVersion, SecretEngine, VaultError};

/// Ctrl-U: clears a text input.
fn clear_line(app: &mut App) {
    ctrl(app, 'u');
}

fn selected_name(app: &App) -> String {
    let id = app.tree.selected_id().expect("a selection");
    app.tree.nodes[id].name.clone()
}

/// Answers the ListFolder effect in `effects` with `result`; returns the listed node.
fn answer_listing(
    app: &mut App,
    effects: Vec<Effect>,
    result: Result<Vec<String>, VaultError>,
) -> usize {
    let Some(Effect::ListFolder {
        node, generation, ..
    }) = effects.into_iter().next()
    else {
        panic!("expected a ListFolder effect");
    };
    update(
        app,
        Action::FolderListed {
            generation,
            node,
            result,
        },
    );
    node
}

fn listed(app: &mut App, effects: Vec<Effect>, keys: &[&str]) {
    answer_listing(
        app,
        effects,
        Ok(keys.iter().map(|k| k.to_string()).collect()),
    );
}

/// Mounts `kv1/` and `secret/`, with `secret/` expanded to `a`, `a/`, `b`.
fn app() -> App {
    let mut app = App::new(
        ConnectionView {
            addr: "http://127.0.0.1:8200".into(),
            has_token: true,
            ..ConnectionView::default()
        },
        (100, 30),
    );
    let start = app.start();
    assert!(start.contains(&Effect::LoadMounts { generation: 0 }));
    update(
        &mut app,
        Action::MountsLoaded {
            generation: 0,
            result: Ok(vec![
                mount("kv1/", SecretEngine::Kv(KvVersion::V1)),
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
            ]),
        },
    );
    key(&mut app, KeyCode::Char('j'));
    let effects = key(&mut app, KeyCode::Enter);
    listed(&mut app, effects, &["b", "a/", "a"]);
    app
}

fn open_secret_a(app: &mut App) -> u64 {
    key(app, KeyCode::Char('g'));
    key(app, KeyCode::Char('j'));
    key(app, KeyCode::Char('j'));
    assert_eq!(selected_name(app), "a");
    let effects = key(app, KeyCode::Enter);
    match effects.as_slice() {
        [
            Effect::ReadSecret {
                request,
                location,
                version: None,
            },
            Effect::LoadMetadata { .. },
            capabilities @ ..,
        ] => {
            assert_eq!(location.display(), "secret/a");
            // Capabilities are asked once per secret.
            assert!(
                matches!(capabilities, [] | [Effect::LoadCapabilities { .. }]),
                "{capabilities:?}"
            );
            *request
        }
        other => panic!("expected ReadSecret and LoadMetadata; got {other:?}"),
    }
}

fn secret_answer(app: &mut App, request: u64, password: &str) {
    let body = json!({"data": {"data": {"password": password, "user": "u"},
        "metadata": {"version": 2, "created_time": "t", "deletion_time": "", "destroyed": false}}});
    update(
        app,
        Action::SecretLoaded {
            request,
            result: parse_v2_secret(&body, "secret/data/a"),
        },
    );
}

#[test]
fn navigation_moves_expands_collapses_and_stays_in_bounds() {
    let mut app = app();
    let names: Vec<String> = app
        .tree
        .visible
        .iter()
        .map(|&id| app.tree.nodes[id].name.clone())
        .collect();
    assert_eq!(names, vec!["kv1/", "secret/", "a", "a/", "b"]);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(selected_name(&app), "b");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        selected_name(&app),
        "b",
        "moving past the end stays on the last row"
    );
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(
        selected_name(&app),
        "secret/",
        "h on a leaf goes to the parent"
    );
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(
        app.tree.visible.len(),
        2,
        "h on an expanded folder collapses it"
    );
    let effects = key(&mut app, KeyCode::Char('l'));
    assert!(
        effects.is_empty(),
        "re-expanding a loaded folder does not list again"
    );
    assert_eq!(app.tree.visible.len(), 5);
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(selected_name(&app), "kv1/");
}

#[test]
fn expanding_twice_while_loading_sends_one_request() {
    let mut app = app();
    key(&mut app, KeyCode::Char('g'));
    let first = key(&mut app, KeyCode::Char('l'));
    assert_eq!(first.len(), 1);
    key(&mut app, KeyCode::Char('h'));
    let second = key(&mut app, KeyCode::Char('l'));
    assert!(
        second.is_empty(),
        "a listing already in flight is not repeated: {second:?}"
    );
}

#[test]
fn values_are_masked_until_revealed_and_masked_again_for_another_secret() {
    let mut app = app();
    let request = open_secret_a(&mut app);
    secret_answer(&mut app, request, "hunter2");
    assert!(!app.secret.revealed);
    key(&mut app, KeyCode::Char('s'));
    assert!(app.secret.revealed);
    key(&mut app, KeyCode::Char('G'));
    let effects = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::ReadSecret { .. }, ..]
    ));
    assert!(!app.secret.revealed, "another secret opens masked");
}

#[test]
fn stale_answers_are_dropped() {
    let mut app = app();
    let old = open_secret_a(&mut app);
    let new = open_secret_a(&mut app);
    assert_ne!(old, new);
    secret_answer(&mut app, old, "old");
    assert_eq!(
        app.secret.entry_count(),
        0,
        "an answer for a request superseded is ignored"
    );
    secret_answer(&mut app, new, "new");
    assert_eq!(app.secret.entry_count(), 2);

    // A listing for a tree that has since been refreshed is ignored too.
    let before = app.tree.visible.len();
    key(&mut app, KeyCode::Char('R'));
    update(
        &mut app,
        Action::FolderListed {
            generation: 0,
            node: 1,
            result: Ok(vec!["zzz".into()]),
        },
    );
    assert_eq!(app.tree.visible.len(), before);
}

#[test]
fn copy_value_is_sensitive_and_described_without_the_value() {
    let mut app = app();
    let request = open_secret_a(&mut app);
    secret_answer(&mut app, request, "hunter2");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Secret);
    let effects = key(&mut app, KeyCode::Char('y'));
    match effects.as_slice() {
        [
            Effect::Copy {
                text,
                description,
                sensitive,
            },
        ] => {
            assert_eq!(text.expose(), "hunter2");
            assert!(*sensitive);
            assert!(!description.contains("hunter2"));
            assert!(description.contains("password") && description.contains("secret/a"));
        }
        other => panic!("expected one Copy, got {other:?}"),
    }
}

#[test]
fn copy_path_then_bao_command_on_a_second_press() {
    let mut app = app();
    open_secret_a(&mut app);
    let first = key(&mut app, KeyCode::Char('Y'));
    let second = key(&mut app, KeyCode::Char('Y'));
    let texts: Vec<(String, bool)> = first
        .iter()
        .chain(second.iter())
        .map(|e| match e {
            Effect::Copy {
                text, sensitive, ..
            } => (text.expose().to_string(), *sensitive),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            ("secret/a".to_string(), false),
            ("bao kv get -mount=secret a".to_string(), false)
        ]
    );
    // Another key in between starts over with the path.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('k'));
    let again = key(&mut app, KeyCode::Char('Y'));
    assert!(matches!(&again[..], [Effect::Copy { text, .. }] if text.expose() == "secret/a"));
}

#[test]
fn copy_value_without_an_open_secret_explains_instead() {
    let mut app = app();
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("Open a secret first")
    );
}

#[test]
fn bao_commands_are_shell_quoted() {
    let location = |path: &str, engine| Location {
        mount: mount("secret/", engine),
        path: path.into(),
    };
    assert_eq!(
        bao_command(
            &location("my app/it's", SecretEngine::Kv(KvVersion::V2)),
            None,
            None
        ),
        r"bao kv get -mount=secret 'my app/it'\''s'"
    );
    assert_eq!(
        bao_command(
            &location("team/", SecretEngine::Kv(KvVersion::V1)),
            None,
            None
        ),
        "bao kv list -mount=secret team/"
    );
    assert_eq!(
        bao_command(&location("", SecretEngine::Cubbyhole), None, None),
        "bao kv list -mount=secret"
    );
    // Under a namespace the command says so, or it would read another secret (or none).
    assert_eq!(
        bao_command(
            &location("app/x", SecretEngine::Kv(KvVersion::V2)),
            Some("team-a"),
            Some(3)
        ),
        "bao kv get -namespace=team-a -version=3 -mount=secret app/x"
    );
}

#[test]
fn filter_narrows_incrementally_and_escape_clears_it() {
    let mut app = app();
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "b");
    let names: Vec<String> = app
        .tree
        .visible
        .iter()
        .map(|&id| app.tree.nodes[id].name.clone())
        .collect();
    assert_eq!(names, vec!["secret/", "b"]);
    key(&mut app, KeyCode::Enter);
    assert!(
        app.filter_input.is_none() && app.tree.filter == "b",
        "Enter keeps the filter"
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.tree.filter.is_empty());
    assert_eq!(app.tree.visible.len(), 5);
}

#[test]
fn jump_validates_then_creates_the_path_and_opens_it() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "nope/x");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let Some(Modal::Jump(tresor::app::jump::JumpPrompt {
        error: Some(error), ..
    })) = &app.modal
    else {
        panic!("unknown mount keeps the prompt open with an error");
    };
    assert!(error.contains("No mount matches"), "{error}");

    clear_line(&mut app);
    chars(&mut app, "secret/x/../y");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(
        matches!(&app.modal, Some(Modal::Jump(tresor::app::jump::JumpPrompt { error: Some(e), .. })) if e.contains(".."))
    );

    clear_line(&mut app);
    chars(&mut app, "secret/deep/leaf");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    assert!(
        effects.iter().any(|e| matches!(e, Effect::ReadSecret { location, .. } if location.display() == "secret/deep/leaf")),
        "{effects:?}"
    );
    assert_eq!(selected_name(&app), "leaf");
    // The folders on the way are listed: secret/ again (it was listed without deep/), deep/ first.
    let listed_paths: Vec<String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ListFolder { location, .. } => Some(location.display()),
            _ => None,
        })
        .collect();
    assert_eq!(listed_paths, ["secret/deep/", "secret/"]);
}

#[test]
fn a_jump_shows_the_real_siblings_and_leaves_no_made_up_node() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "secret/a/doesnotexist");
    let effects = key(&mut app, KeyCode::Enter);
    let folder_a = effects
        .into_iter()
        .find(|e| {
            matches!(e, Effect::ListFolder { location, .. } if location.display() == "secret/a/")
        })
        .expect("secret/a/ is listed");
    listed(&mut app, vec![folder_a], &["db", "config", "tls"]);
    let id = app.tree.find("secret/a/").unwrap();
    let names: Vec<&str> = app.tree.nodes[id]
        .children
        .iter()
        .map(|&c| app.tree.nodes[c].name.as_str())
        .collect();
    assert_eq!(
        names,
        ["config", "db", "tls"],
        "every real sibling, nothing made up"
    );
    assert_eq!(app.tree.find("secret/a/doesnotexist"), None);
    assert_eq!(
        selected_name(&app),
        "a/",
        "the cursor goes to the folder, not to a sibling"
    );
}

/// Issue 17 (tester): `:` to a folder typed without its trailing slash landed on the mount (or the
/// parent): the path was taken for a secret, which the listing then removed. A folder is a folder.
#[test]
fn a_jump_to_a_folder_without_its_slash_lands_on_the_folder_expanded() {
    let mut app = app();
    // Cold: secret/a/ is not listed yet, so sub is only known once it is.
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "secret/a/sub");
    let effects = key(&mut app, KeyCode::Enter);
    let folder_a = effects
        .into_iter()
        .find(|e| {
            matches!(e, Effect::ListFolder { location, .. } if location.display() == "secret/a/")
        })
        .expect("secret/a/ is listed");
    let Effect::ListFolder {
        node, generation, ..
    } = folder_a
    else {
        unreachable!()
    };
    let effects = update(
        &mut app,
        Action::FolderListed {
            generation,
            node,
            result: Ok(vec!["sub/".into(), "x".into()]),
        },
    );
    assert_eq!(
        selected_name(&app),
        "sub/",
        "the cursor is on the typed folder"
    );
    let sub = app.tree.find("secret/a/sub/").expect("the folder");
    assert!(app.tree.nodes[sub].expanded, "and it is open");
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::ListFolder { location, .. } if location.display() == "secret/a/sub/")
        ),
        "its content is asked for: {effects:?}"
    );
    assert!(
        app.secret.location.is_none(),
        "no secret is shown for a folder: {:?}",
        app.secret.location
    );

    let sub_listing = effects
        .into_iter()
        .filter(|e| matches!(e, Effect::ListFolder { .. }))
        .collect();
    listed(&mut app, sub_listing, &["k"]);
    assert_eq!(selected_name(&app), "sub/");

    // An open, listed folder typed with its slash: the cursor stays on it (it used to step
    // into its first child).
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "secret/a/sub/");
    key(&mut app, KeyCode::Enter);
    assert_eq!(selected_name(&app), "sub/", "not its first child");

    // Hot: secret/a/ is listed now; the same jump goes straight to the folder, reads no secret.
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "secret/a/sub");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(selected_name(&app), "sub/");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ReadSecret { .. })),
        "{effects:?}"
    );

    // A leaf and a folder of one name: without the slash it is the secret, as typed.
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "secret/a");
    key(&mut app, KeyCode::Enter);
    assert_eq!(selected_name(&app), "a");
}

#[test]
fn the_jump_prefill_is_replaced_by_typing_and_kept_by_moving() {
    let mut app = app();
    // The cursor on secret/'s folder a/: the prompt opens with it, selected.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(selected_name(&app), "a/");
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "kv1/x");
    let Some(Modal::Jump(tresor::app::jump::JumpPrompt { input, .. })) = &app.modal else {
        panic!("prompt open");
    };
    assert_eq!(input.text, "kv1/x", "typing a path replaces the prefill");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(':'));
    key(&mut app, KeyCode::End);
    chars(&mut app, "db");
    let Some(Modal::Jump(tresor::app::jump::JumpPrompt { input, .. })) = &app.modal else {
        panic!("prompt open");
    };
    assert_eq!(input.text, "secret/a/db", "a movement key keeps it");
}

#[test]
fn jump_completes_from_loaded_paths() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    clear_line(&mut app);
    chars(&mut app, "sec");
    key(&mut app, KeyCode::Tab);
    let Some(Modal::Jump(tresor::app::jump::JumpPrompt {
        input, completions, ..
    })) = &app.modal
    else {
        panic!("prompt open");
    };
    assert_eq!(input.text, "secret/");
    assert_eq!(completions, &vec!["secret/a", "secret/b", "secret/a/"]);
}

#[test]
fn permission_denied_marks_only_that_folder_without_a_global_error() {
    let mut app = app();
    key(&mut app, KeyCode::Char('g'));
    let effects = key(&mut app, KeyCode::Enter);
    let node = answer_listing(
        &mut app,
        effects,
        Err(VaultError::PermissionDenied {
            path: "kv1/".into(),
            operation: tresor::vault::Operation::List,
        }),
    );
    assert_eq!(app.tree.nodes[node].listing, Listing::Denied);
    assert!(
        app.status.is_none(),
        "a denied folder is shown on the node, not as an error"
    );
}

#[test]
fn refresh_reexpands_what_was_open_and_keeps_the_selection() {
    let mut app = app();
    key(&mut app, KeyCode::Char('G'));
    let effects = key(&mut app, KeyCode::Char('R'));
    let Some(generation) = effects.iter().find_map(|e| match e {
        Effect::LoadMounts { generation } => Some(*generation),
        _ => None,
    }) else {
        panic!("refresh reloads mounts: {effects:?}");
    };
    let effects = update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("kv1/", SecretEngine::Kv(KvVersion::V1)),
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
            ]),
        },
    );
    assert!(
        matches!(&effects[..], [Effect::ListFolder { location, .. }] if location.display() == "secret/"),
        "{effects:?}"
    );
    listed(&mut app, effects, &["a", "b", "c"]);
    assert_eq!(selected_name(&app), "b", "selection restored by path");
}

#[test]
fn mouse_click_selects_and_opens_and_wheel_moves() {
    let mut app = app();
    let areas = app.areas();
    let click = |row: u16| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: areas.tree.x + 3,
        row,
        modifiers: KeyModifiers::NONE,
    };
    // Row 0 of the list is on the line below the pane's top border.
    let effects = update(&mut app, Action::Mouse(click(areas.tree.y + 1 + 2)));
    assert_eq!(selected_name(&app), "a");
    assert!(
        matches!(&effects[..], [Effect::ReadSecret { .. }, ..]),
        "clicking a secret opens it"
    );
    update(
        &mut app,
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: areas.tree.x + 3,
            row: areas.tree.y + 2,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(selected_name(&app), "b");
}

#[test]
fn ctrl_c_and_q_quit_but_q_types_in_the_filter() {
    let mut app = app();
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit);
    assert_eq!(app.tree.filter, "q");
    let effects = ctrl(&mut app, 'c');
    assert!(app.should_quit && effects == vec![Effect::Quit]);
}

#[test]
fn a_rejected_token_opens_the_login_dialog_saying_why() {
    let mut app = app();
    update(
        &mut app,
        Action::TokenLookedUp(Err(VaultError::PermissionDenied {
            path: "auth/token/lookup-self".into(),
            operation: tresor::vault::Operation::Read,
        })),
    );
    // The login dialog opens on top and says why.
    let form = app.login.as_ref().expect("the login dialog");
    let reason = form.reason.as_ref().expect("a reason").text(app.clock);
    assert!(reason.contains("expired or revoked"), "{reason}");
    assert!(matches!(app.token, tresor::app::state::Loadable::Failed(_)));
}

#[test]
fn a_token_from_a_namespace_starts_there_once() {
    let mut app = App::new(
        ConnectionView {
            addr: "http://127.0.0.1:8200".into(),
            has_token: true,
            ..ConnectionView::default()
        },
        (120, 40),
    );
    app.start();
    let info = tresor::vault::TokenInfo {
        namespace: Some("team-a".into()),
        display_name: "token".into(),
        policies: vec!["default".into()],
        ttl_seconds: 3600,
        renewable: true,
        creation_ttl: 3600,
        expires: true,
        uses_left: None,
    };
    let effects = update(&mut app, Action::TokenLookedUp(Ok(info.clone())));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::SwitchNamespace { namespace: Some(n) } if n == "team-a"
        )),
        "{effects:?}"
    );
    assert_eq!(app.connection.namespace.as_deref(), Some("team-a"));
    // The user goes back to the root with N: a later lookup does not pull them back.
    app.connection.namespace = None;
    let effects = update(&mut app, Action::TokenLookedUp(Ok(info)));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SwitchNamespace { .. })),
        "{effects:?}"
    );
}

/// `N` then Tab: a namespace the token may not list (or one deeper down) can be typed.
#[test]
fn a_namespace_can_be_typed_in_the_picker() {
    let mut app = app();
    let effects = key(&mut app, KeyCode::Char('N'));
    assert_eq!(effects, vec![Effect::LoadNamespaces]);
    update(
        &mut app,
        Action::NamespacesLoaded(Err(VaultError::PermissionDenied {
            path: "sys/namespaces".into(),
            operation: tresor::vault::Operation::List,
        })),
    );
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "team-a/apps");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::SwitchNamespace { namespace: Some(n) } if n == "team-a/apps"
        )),
        "{effects:?}"
    );
    assert_eq!(app.connection.namespace.as_deref(), Some("team-a/apps"));
    assert!(app.modal.is_none());
}

#[test]
fn an_old_status_line_gives_way_to_the_dialog_that_opens_after_it() {
    let mut app = app();
    app.set_status(tresor::app::StatusKind::Error, "Copy failed: no clipboard");
    key(&mut app, KeyCode::Char(':'));
    assert!(matches!(app.modal, Some(Modal::Jump(_))));
    assert!(
        app.status.is_none(),
        "the jump prompt's keys show, not a message from before it: {:?}",
        app.status
    );
    key(&mut app, KeyCode::Esc);
    app.set_status(tresor::app::StatusKind::Info, "before");
    key(&mut app, KeyCode::Char('?'));
    assert!(app.status.is_none(), "the help overlay too");
    // Closing a dialog keeps what the closing said.
    key(&mut app, KeyCode::Esc);
    app.set_status(tresor::app::StatusKind::Info, "kept");
    key(&mut app, KeyCode::Char('j'));
    assert!(app.status.is_some(), "no dialog opened: the message stays");
}
