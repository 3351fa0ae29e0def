//! Every screen rendered on ratatui's TestBackend and compared with a reviewed snapshot, plus
//! checks of the styles that carry meaning (a text snapshot does not record colour).
//! State is built through `update` with the same actions the runtime sends.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use serde_json::json;
use std::time::Duration;
use support::fixtures::{connection, mount, press, screen_at, type_text};
use tresor::app::{Action, App, Effect, update};
use tresor::vault::kv::parse_v2_secret;
use tresor::vault::{KvVersion, SecretEngine, VaultError};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 24;

/// An app connected, with mounts loaded, `secret/` and `secret/app/` expanded.
fn browsing_app() -> App {
    let mut app = App::new(connection(), (WIDTH, HEIGHT));
    // The wall clock the fixtures share: "created … 22d ago", not a date in the future.
    app.epoch_unix = support::fixtures::NOW;
    app.start();
    update(
        &mut app,
        Action::SealStatusLoaded(Ok(support::fixtures::unsealed())),
    );
    update(
        &mut app,
        Action::TokenLookedUp(Ok(support::fixtures::token(3600, 3600, true))),
    );
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("cubbyhole/", SecretEngine::Cubbyhole),
                mount("kv1/", SecretEngine::Kv(KvVersion::V1)),
                mount("pki/", SecretEngine::Other("pki".into())),
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
            ]),
        },
    );
    // Select secret/ and expand it.
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('j'));
    }
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ListFolder { node, .. }) = effects.first() else {
        panic!("expanding a mount lists it: {effects:?}");
    };
    let node = *node;
    update(
        &mut app,
        Action::FolderListed {
            generation,
            node,
            result: Ok(vec![
                "app".into(),
                "app/".into(),
                "shared/".into(),
                "with space".into(),
                "ünïcødé-ключ".into(),
            ]),
        },
    );
    app
}

fn open_database(app: &mut App) {
    // Enter on the expanded mount steps to its first child ("app"), a secret: open it.
    press(app, KeyCode::Enter);
    let effects = press(app, KeyCode::Enter);
    let Some(Effect::ReadSecret { request, .. }) = effects.first() else {
        panic!("opening a secret reads it: {effects:?}");
    };
    let body = json!({"data": {
        "data": {"password": "Tr0ub4dor&3", "username": "app_rw",
                 "config": {"retries": 3, "hosts": ["a", "b"]},
                 "note": "line one\nline two\u{1b}[2J"},
        "metadata": {"version": 3, "created_time": "2026-11-01T10:00:00Z",
                     "deletion_time": "", "destroyed": false}}});
    let request = *request;
    update(
        app,
        Action::SecretLoaded {
            request,
            result: parse_v2_secret(&body, "secret/data/app"),
        },
    );
}

fn render(app: &App) -> Terminal<TestBackend> {
    support::fixtures::render_at(app, (WIDTH, HEIGHT))
}

fn cell_of(terminal: &Terminal<TestBackend>, needle: &str) -> ratatui::buffer::Cell {
    support::fixtures::cell_at(terminal, needle, 0)
}

#[test]
fn loading_screen() {
    let mut app = App::new(connection(), (WIDTH, HEIGHT));
    app.start();
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn tree_with_an_expanded_mount() {
    let app = browsing_app();
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn secret_open_and_masked() {
    let mut app = browsing_app();
    open_database(&mut app);
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = format!("{}", terminal.backend());
    assert!(
        !screen.contains("Tr0ub4dor"),
        "a masked value reached the screen"
    );
    // A masked value is grey; on the selected row of the pane without focus, itself grey, it
    // takes the selection's white (it was grey on grey there: invisible).
    let masked = support::fixtures::cell_at(&terminal, "note      ••••••", 10);
    assert_eq!(masked.fg, Color::DarkGray);
    let selected = support::fixtures::cell_at(&terminal, "›config    ••••••", 11);
    assert_eq!((selected.fg, selected.bg), (Color::White, Color::DarkGray));
}

#[test]
fn secret_revealed_with_json_and_escaped_control_characters() {
    let mut app = browsing_app();
    open_database(&mut app);
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Tab);
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("\"retries\": 3"), "JSON is pretty-printed");
    assert_eq!(cell_of(&terminal, "app_rw").fg, Color::Yellow);
    // The note holds an ESC sequence that would clear the screen: tresor draws it escaped, as
    // text (a TestBackend keeps whatever is drawn, so this reads what tresor drew).
    press(&mut app, KeyCode::Char('j'));
    let screen = format!("{}", render(&app).backend());
    assert!(
        screen.contains("line two\\u{1b}[2J"),
        "the escape is shown as text:\n{screen}"
    );
    assert!(!screen.contains('\u{1b}'), "and never raw");
}

#[test]
fn permission_denied_folder_and_error_status() {
    let mut app = browsing_app();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j')); // "app/"
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ListFolder {
        node, generation, ..
    }) = effects.first()
    else {
        panic!("expected a listing: {effects:?}");
    };
    let (node, generation) = (*node, *generation);
    update(
        &mut app,
        Action::FolderListed {
            generation,
            node,
            result: Err(VaultError::PermissionDenied {
                path: "secret/metadata/app/".into(),
                operation: tresor::vault::Operation::List,
            }),
        },
    );
    update(
        &mut app,
        Action::SecretLoaded {
            request: 0,
            result: Err(VaultError::Sealed),
        },
    );
    app.set_status(
        tresor::app::StatusKind::Error,
        VaultError::Network("connection refused".into()).to_string(),
    );
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn mounts_unreachable() {
    let mut app = App::new(connection(), (WIDTH, HEIGHT));
    app.start();
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Err(VaultError::Network(
                "error sending request: connection refused".into(),
            )),
        },
    );
    update(
        &mut app,
        Action::SealStatusLoaded(Err(VaultError::Network("connection refused".into()))),
    );
    insta::assert_snapshot!(render(&app).backend());
}

/// A server that does not answer: the token line does not repeat the long transport error (the
/// status line has it); it says the token is not checked.
#[test]
fn an_unreachable_server_leaves_the_token_line_short() {
    let mut app = App::new(connection(), (WIDTH, HEIGHT));
    app.start();
    let refused = || {
        VaultError::Network(
            "error sending request for url (http://127.0.0.1:1/v1/auth/token/lookup-self): \
             client error (Connect): tcp connect error: Connection refused (os error 111)"
                .into(),
        )
    };
    update(&mut app, Action::SealStatusLoaded(Err(refused())));
    update(&mut app, Action::TokenLookedUp(Err(refused())));
    let screen = support::fixtures::screen_at(&app, (WIDTH, HEIGHT));
    let token_line = screen.lines().nth(1).unwrap_or_default().to_string();
    assert!(token_line.contains("not checked"), "{token_line}");
    assert!(!token_line.contains("error sending"), "{token_line}");
}

/// No token: the empty tree says why, and with a profile the dialog does not name the environment's
/// token (a profile never uses it).
#[test]
fn without_a_token_the_screen_says_so_and_a_profile_names_only_its_own_sources() {
    let mut view = connection();
    view.has_token = false;
    let mut app = App::new(view, (WIDTH, HEIGHT));
    app.profile = "prod".into();
    app.login_defaults.save_token_to = Some(tresor::config::TokenStore::File(
        "/home/ana/.config/tresor/prod.token".into(),
    ));
    let generation = app.tree.generation;
    app.start();
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(Vec::new()),
        },
    );
    let screen = support::fixtures::screen_at(&app, (WIDTH, HEIGHT));
    assert!(screen.contains("prod.token"), "{screen}");
    assert!(!screen.contains("BAO_TOKEN"), "{screen}");
    app.login = None;
    let screen = support::fixtures::screen_at(&app, (WIDTH, HEIGHT));
    assert!(screen.contains("No token: nothing to show"), "{screen}");
    assert!(!screen.contains("visible to this token"), "{screen}");
}

/// A refused certificate is not an unreachable server: the header says which.
#[test]
fn a_refused_certificate_is_not_called_unreachable_in_the_header() {
    let mut app = App::new(connection(), (WIDTH, HEIGHT));
    app.start();
    update(
        &mut app,
        Action::SealStatusLoaded(Err(VaultError::Tls(
            "the server's certificate is not signed by a CA in the CA file ca.pem".into(),
        ))),
    );
    let screen = support::fixtures::screen_at(&app, (WIDTH, HEIGHT));
    let header = screen.lines().next().unwrap_or_default().to_string();
    assert!(header.contains("TLS refused"), "{header}");
    assert!(!header.contains("unreachable"), "{header}");
}

/// The header names what went wrong with TLS, and nothing else: a server that speaks plain http at
/// an https address is not "not trusted", nor is one that refused the client's certificate.
#[test]
fn the_header_says_which_tls_failure_it_was() {
    for (error, says) in [
        (
            VaultError::Tls(
                "the server's certificate is not signed by a CA in the CA file ca.pem".into(),
            ),
            "TLS refused (not trusted)",
        ),
        (
            VaultError::PlainHttp(
                "the server may speak plain http: try http://127.0.0.1:8200".into(),
            ),
            "not TLS (plain http?)",
        ),
        (
            VaultError::ClientCertificate(
                "the server asked for a client certificate and none was given".into(),
            ),
            "TLS refused (client certificate)",
        ),
    ] {
        let mut app = App::new(connection(), (WIDTH, HEIGHT));
        app.start();
        update(&mut app, Action::SealStatusLoaded(Err(error.clone())));
        let screen = support::fixtures::screen_at(&app, (WIDTH, HEIGHT));
        let header = screen.lines().next().unwrap_or_default().to_string();
        assert!(header.contains(says), "{error:?}: {header}");
        let wrong = ["not trusted", "client certificate", "plain http"]
            .into_iter()
            .filter(|other| !says.contains(other));
        for other in wrong {
            assert!(!header.contains(other), "{error:?}: {header}");
        }
    }
}

/// At 120 columns the help is nearly as wide as the screen: it takes all of it, leaving no sliver
/// of the panes beside it.
#[test]
fn a_wide_help_overlay_leaves_no_sliver_of_the_screen_behind() {
    let mut app = browsing_app();
    press(&mut app, KeyCode::Char('?'));
    let screen = support::fixtures::screen_at(&app, (120, 40));
    for line in screen.lines() {
        let tail: String = line.trim_matches('"').chars().rev().take(2).collect();
        assert!(
            !matches!(tail.as_str(), "││" | "┐│" | "┘│"),
            "a column of the panes shows beside the help:\n{screen}"
        );
    }
}

#[test]
fn help_overlay() {
    let mut app = browsing_app();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn jump_prompt_with_completions() {
    let mut app = browsing_app();
    press(&mut app, KeyCode::Char(':'));
    // The prefill (the selected folder) is selected: End keeps it, then typing adds to it.
    press(&mut app, KeyCode::End);
    type_text(&mut app, "a");
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn filter_in_progress() {
    let mut app = browsing_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "SPACE");
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn no_token_and_tls_verification_off() {
    let mut view = connection();
    view.has_token = false;
    view.skip_verify = true;
    view.namespace = Some("team-a".into());
    let mut app = App::new(view, (WIDTH, HEIGHT));
    app.login_defaults.save_token_to = Some(tresor::config::TokenStore::File(
        "/home/ana/.vault-token".into(),
    ));
    app.start();
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert_eq!(cell_of(&terminal, "TLS VERIFICATION OFF").bg, Color::Yellow);
}

/// The warning that TLS is not verified is never the part of the header cut off by a narrow
/// terminal or a long address and namespace (at 80 columns it read "TLS VERI").
#[test]
fn tls_verification_off_is_shown_whole_at_80_columns_with_a_long_namespace() {
    let mut view = connection();
    view.skip_verify = true;
    view.addr = "https://[0:0:0:0:0:ffff:7f00:1]:19201".into();
    view.namespace = Some("admin/team-a/platform".into());
    let mut app = App::new(view, (80, 24));
    app.start();
    for width in [80, 60] {
        let screen = screen_at(&app, (width, 24));
        let header = screen.lines().next().unwrap_or_default();
        assert!(header.contains("TLS VERIFICATION OFF"), "{width}: {header}");
    }
}

#[test]
fn ttl_turns_to_a_warning_when_low() {
    let mut app = browsing_app();
    update(&mut app, Action::Tick(Duration::from_secs(3600 - 120)));
    let terminal = render(&app);
    let cell = cell_of(&terminal, "2m 00s");
    assert_eq!(cell.bg, Color::Yellow, "a TTL under 5 minutes is a warning");
}

#[test]
fn tiny_and_odd_terminal_sizes_do_not_panic() {
    for (width, height) in [(1, 1), (2, 2), (10, 3), (20, 5), (30, 8), (200, 4), (5, 60)] {
        let mut app = browsing_app();
        open_database(&mut app);
        update(&mut app, Action::Resize(width, height));
        for modal_key in [None, Some('?'), Some(':')] {
            if let Some(c) = modal_key {
                press(&mut app, KeyCode::Char(c));
            }
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal
                .draw(|frame| tresor::ui::draw(frame, &app))
                .unwrap_or_else(|e| panic!("{width}x{height}: {e}"));
            press(&mut app, KeyCode::Esc);
        }
        press(&mut app, KeyCode::Char('j'));
        press(&mut app, KeyCode::PageDown);
    }
}

#[test]
fn no_token_names_the_token_file_looked_for() {
    let mut view = connection();
    view.has_token = false;
    let mut app = App::new(view, (WIDTH, HEIGHT));
    // A profile's token_file that is not there.
    app.login_defaults.save_token_to = Some(tresor::config::TokenStore::File(
        "/home/ana/.vault-token-dev".into(),
    ));
    app.start();
    let text = format!("{}", render(&app).backend());
    assert!(
        text.contains("token file /home/ana/.vault-token-dev"),
        "{text}"
    );
}

/// Idle, nothing loading: ticks need not redraw (the runtime then draws once a second for the
/// countdowns); while something loads a spinner moves, so every tick draws.
#[test]
fn an_idle_screen_is_not_animated_and_a_loading_one_is() {
    let app = browsing_app();
    assert!(!tresor::ui::animated(&app), "idle after everything loaded");
    let mut loading = browsing_app();
    press(&mut loading, KeyCode::Char('R'));
    assert!(tresor::ui::animated(&loading), "a refresh shows spinners");
    let mut fresh = App::new(connection(), (WIDTH, HEIGHT));
    fresh.start();
    assert!(tresor::ui::animated(&fresh), "loading mounts at start");
}

#[test]
fn config_warnings_stay_in_the_help_overlay_after_the_status_line_moves_on() {
    let mut app = support::fixtures::connected_app((100, 30));
    app.warn_at_start(&[
        "keys: conflict: y is bound to both reveal and copy_value in [keys]".into(),
    ]);
    // The next status line (a sealed server) covers the warning...
    app.set_status(tresor::app::StatusKind::Error, "The server is sealed.");
    assert!(!support::fixtures::screen_at(&app, (100, 30)).contains("conflict"));
    // ...the help overlay still has it.
    press(&mut app, KeyCode::Char('?'));
    let text = support::fixtures::screen_at(&app, (100, 30));
    assert!(
        text.contains("Config file warnings") && text.contains("bound to both reveal"),
        "{text}"
    );
}
