//! Snapshots of the login dialog (secrets masked, revealed on request, a refused login, the
//! re-login over an unsaved edit) and of the header's session states.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;
use support::fixtures::{connected_app, ctrl, history_app, press, token, type_text};
use tresor::app::{Action, App, update};
use tresor::vault::{Renewal, SecretCapabilities, VaultError};

const SIZE: (u16, u16) = (110, 30);

fn render(app: &App) -> Terminal<TestBackend> {
    support::fixtures::render_at(app, SIZE)
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    format!("{}", terminal.backend())
}

/// The header's two lines.
fn header(app: &App) -> String {
    let text = screen(&render(app));
    text.lines().take(3).collect::<Vec<_>>().join("\n")
}

/// The login dialog on AppRole worker -> runner with the worker's secret-id typed.
fn approle_pull_dialog() -> App {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('L'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "3396d6ff-56b2-5ec1-616f-c79a93bb463c");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "212f85b7-secret-id-typed");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "ci-runner");
    app
}

#[test]
fn login_dialog_approle_pull_with_the_secret_masked() {
    let app = approle_pull_dialog();
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen(&terminal);
    assert!(!text.contains("212f85b7"), "the secret-id is masked");
    assert!(text.contains("3396d6ff"), "the role-id is not a secret");
}

#[test]
fn login_dialog_revealed_and_refused_by_the_server() {
    let mut app = approle_pull_dialog();
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::LoggedIn(Err(tresor::vault::auth::LoginFailure::Refused {
            kind: tresor::vault::auth::CredentialKind::AppRolePull,
            error: tresor::vault::VaultError::Server {
                status: 400,
                path: "auth/approle/login".into(),
                errors: vec!["invalid role or secret ID".into()],
            },
        })),
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen(&terminal).contains("212f85b7-secret-id-typed"));
}

#[test]
fn relogin_over_an_unsaved_edit() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    update(&mut app, Action::TokenLookedUp(Ok(token(6, 6, true))));
    press(&mut app, KeyCode::Char('e'));
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(tresor::app::Effect::LookupToken),
        },
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen(&terminal);
    assert!(text.contains("expired or revoked"));
    assert!(text.contains("your dialog underneath stays"), "{text}");
    assert!(matches!(app.modal, Some(tresor::app::Modal::SecretForm(_))));
}

#[test]
fn header_states_of_the_session() {
    let mut app = connected_app(SIZE);
    let mut states = Vec::new();
    // Renewable, plenty left.
    update(&mut app, Action::TokenLookedUp(Ok(token(3600, 3600, true))));
    states.push(header(&app));
    // Renewal failed once: retrying.
    update(&mut app, Action::Tick(Duration::from_secs(2400)));
    update(
        &mut app,
        Action::SealStatusLoaded(Ok(support::fixtures::unsealed())),
    );
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 3600,
            result: Err(VaultError::Network("connection refused".into())),
        },
    );
    states.push(header(&app));
    // Capped at max TTL, 4 minutes left: warning colour.
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 3600,
            result: Ok(Renewal {
                lease_duration: 240,
                renewable: true,
                warnings: vec![],
            }),
        },
    );
    states.push(header(&app));
    let low = render(&app);
    let ttl_cell = support::fixtures::cell_at(&low, "4m 00s", 0);
    assert_eq!(ttl_cell.bg, ratatui::style::Color::Yellow);
    // Not renewable.
    update(
        &mut app,
        Action::TokenLookedUp(Err(VaultError::Network("x".into()))),
    );
    let mut app = connected_app(SIZE);
    update(
        &mut app,
        Action::TokenLookedUp(Ok(token(1800, 3600, false))),
    );
    states.push(header(&app));
    // Use-limited (lookup-self's num_uses): at most 2 left, not looked up in the background.
    let mut limited = token(0, 0, false);
    limited.uses_left = Some(2);
    update(&mut app, Action::TokenLookedUp(Ok(limited)));
    states.push(header(&app));
    // Renewed to nothing at its max TTL: expired, not "never expires".
    let mut app = connected_app(SIZE);
    update(&mut app, Action::TokenLookedUp(Ok(token(60, 60, true))));
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 60,
            result: Ok(Renewal {
                lease_duration: 0,
                renewable: true,
                warnings: vec!["TTL capped to max_ttl".into()],
            }),
        },
    );
    states.push(header(&app));
    insta::assert_snapshot!(states.join("\n---\n"));
    assert!(states[4].contains("≤2 uses left"));
    assert!(states[5].contains("ttl expired"));
    assert!(states[0].contains("(auto-renew)"));
    assert!(states[1].contains("renewal failed 1×"));
    assert!(states[2].contains("max TTL reached"));
    assert!(states[3].contains("not renewable"));
}

fn keymap_with(overrides: &[(Option<&str>, &str, &str)]) -> tresor::app::keymap::Keymap {
    let overrides: Vec<_> = overrides
        .iter()
        .map(|(scope, command, key)| tresor::app::keymap::KeyOverride {
            scope: scope.map(str::to_string),
            command: command.to_string(),
            keys: vec![key.to_string()],
            line: None,
        })
        .collect();
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    keymap
}

/// The login dialog's keys come from the keymap everywhere it names them: its footer, its closing
/// line, the choice arrows, "stops waiting", and the status after closing it.
#[test]
fn the_login_dialog_names_its_rebound_keys() {
    let mut app = connected_app(SIZE);
    app.keymap = keymap_with(&[
        (Some("login_dialog"), "reveal", "ctrl-t"),
        (Some("login_dialog"), "cancel", "ctrl-q"),
        (Some("login_dialog"), "previous_choice", "h"),
        (Some("login_dialog"), "next_choice", "l"),
        (None, "login", "Z"),
    ]);
    press(&mut app, KeyCode::Char('Z'));
    press(&mut app, KeyCode::Up);
    let text = screen(&render(&app));
    let footer = text.lines().last().unwrap_or_default().to_string();
    assert!(footer.contains("Ctrl-t reveal"), "{footer}");
    assert!(footer.contains("h/l choose"), "{footer}");
    assert!(footer.contains("Ctrl-q close"), "{footer}");
    assert!(
        text.contains("h/l choices · Ctrl-t reveal · Ctrl-x log out · Ctrl-q"),
        "{text}"
    );
    assert!(
        text.contains("[Token]") && text.contains("   h l"),
        "{text}"
    );
    // Waiting for the server: only stopping the wait works, and only that is offered.
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "s.typed");
    press(&mut app, KeyCode::Enter);
    let text = screen(&render(&app));
    assert!(
        text.contains("Logging in…  (Ctrl-q stops waiting)"),
        "{text}"
    );
    let footer = text.lines().last().unwrap_or_default().to_string();
    assert!(footer.contains("Ctrl-q stop waiting"), "{footer}");
    assert!(
        !footer.contains("log in") && !footer.contains("reveal"),
        "{footer}"
    );
    let ctrl_q = || {
        Action::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('q'),
            crossterm::event::KeyModifiers::CONTROL,
        ))
    };
    update(&mut app, ctrl_q());
    assert!(app.login.as_ref().is_some_and(|form| !form.busy));
    app.connection.has_token = false;
    update(&mut app, ctrl_q());
    assert!(app.login.is_none());
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(status.contains("until you log in (Z)"), "{status}");
}
