//! Pure state tests of the session: renewal at two thirds of the TTL, backoff, the stop at max
//! TTL, the re-login dialog on top of an unsaved edit, parked requests sent again after login,
//! the login dialog's fields and its refusals, logout.

use crate::support;

use crossterm::event::KeyCode;
use std::time::Duration;
use support::fixtures::{connected_app, ctrl, history_app, press, type_text};
use tresor::app::login::{AppRoleWay, Field, LoginReason, Rejection};
use tresor::app::session::RenewalState;
use tresor::app::state::Loadable;
use tresor::app::{Action, App, Effect, LoginOutcome, Modal, update};
use tresor::vault::{AuthMethod, Credentials, Renewal, SecretCapabilities, TokenInfo, VaultError};

const SIZE: (u16, u16) = (120, 40);

fn short_token(ttl: u64) -> TokenInfo {
    TokenInfo {
        namespace: None,
        display_name: "approle".into(),
        policies: vec!["default".into(), "app-readonly".into()],
        ttl_seconds: ttl,
        renewable: true,
        creation_ttl: ttl,
        expires: true,
        uses_left: None,
    }
}

/// A tick's effects, less the header's seal refresh every 3 s (tests/state_seal.rs).
fn tick(app: &mut App, seconds: f64) -> Vec<Effect> {
    let mut effects = update(app, Action::Tick(Duration::from_secs_f64(seconds)));
    effects.retain(|e| *e != Effect::LoadSealStatus);
    effects
}

fn renewed(app: &mut App, lease: u64) -> Vec<Effect> {
    update(
        app,
        Action::TokenRenewed {
            increment: 6,
            result: Ok(Renewal {
                lease_duration: lease,
                renewable: true,
                warnings: vec![],
            }),
        },
    )
}

/// An app with `secret/history/rotating` open and a 6 s token looked up at clock 0.
fn app_with_short_token() -> App {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    update(&mut app, Action::TokenLookedUp(Ok(short_token(6))));
    app
}

#[test]
fn a_long_ttl_is_renewed_at_two_thirds_and_a_short_one_with_seconds_to_spare() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    update(&mut app, Action::TokenLookedUp(Ok(short_token(3600))));
    assert_eq!(
        app.session.renewal,
        RenewalState::Due(Duration::from_secs(2400))
    );
    // 12 s: two thirds (8 s) would leave 4 s; 5 s to spare wins (7 s).
    update(&mut app, Action::TokenLookedUp(Ok(short_token(12))));
    assert_eq!(
        app.session.renewal,
        RenewalState::Due(Duration::from_secs(7))
    );
}

#[test]
fn the_token_is_renewed_before_its_ttl_ends_until_the_server_caps_it() {
    let mut app = app_with_short_token();
    // 6 s: 5 s to spare would be at 1 s; never before a third of the TTL (2 s).
    assert_eq!(
        app.session.renewal,
        RenewalState::Due(Duration::from_secs(2))
    );
    assert!(tick(&mut app, 1.9).is_empty());
    assert_eq!(
        tick(&mut app, 2.0),
        vec![Effect::RenewToken { increment: 6 }]
    );
    assert!(
        tick(&mut app, 2.1).is_empty(),
        "one renewal in flight at a time"
    );
    renewed(&mut app, 6);
    assert_eq!(
        app.session.renewal,
        RenewalState::Due(Duration::from_millis(4100))
    );
    // The server gives less than asked: max TTL. No more renewals.
    assert_eq!(
        tick(&mut app, 4.1),
        vec![Effect::RenewToken { increment: 6 }]
    );
    renewed(&mut app, 3);
    assert_eq!(app.session.renewal, RenewalState::AtMaxTtl);
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(status.contains("max TTL"), "{status}");
    assert!(tick(&mut app, 5.0).is_empty());
    assert!(app.login.is_none(), "3 s left, the margin is 2 s");
    // A background lookup does not restart renewals of a capped token.
    update(&mut app, Action::TokenLookedUp(Ok(short_token(2))));
    assert_eq!(app.session.renewal, RenewalState::AtMaxTtl);
}

#[test]
fn the_relogin_dialog_opens_over_an_unsaved_edit_and_the_edit_survives() {
    let mut app = app_with_short_token();
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "-unsaved");
    let form_before = app.modal.clone();
    assert!(matches!(form_before, Some(Modal::SecretForm(_))));
    tick(&mut app, 4.0);
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 6,
            result: Ok(Renewal {
                lease_duration: 3,
                renewable: true,
                warnings: vec!["TTL capped to max_ttl".into()],
            }),
        },
    );
    assert!(tick(&mut app, 5.5).is_empty());
    let login = app
        .login
        .as_ref()
        .expect("the login dialog opens before the end");
    assert_eq!(
        login.reason,
        Some(LoginReason::Ending {
            ends_at: Duration::from_secs(7)
        })
    );
    assert_eq!(app.modal, form_before, "the form underneath is untouched");
    // Keys go to the login dialog, not to the form.
    type_text(&mut app, "s.new");
    assert_eq!(app.modal, form_before);
    let effects = press(&mut app, KeyCode::Enter);
    let [
        Effect::Login {
            credentials,
            save_to: None,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(
        *credentials,
        Credentials::Token(tresor::secret::Token::new("s.new"))
    );
    update(
        &mut app,
        Action::LoggedIn(Ok(LoginOutcome {
            token: None,
            info: short_token(3600),
            saved_to: None,
        })),
    );
    assert!(app.login.is_none());
    assert_eq!(app.modal, form_before, "back exactly where the user was");
    assert_eq!(
        app.session.renewal,
        RenewalState::Due(Duration::from_millis(5500 + 2400 * 1000))
    );
}

#[test]
fn a_request_refused_for_a_dead_token_is_sent_again_after_login() {
    let mut app = app_with_short_token();
    let write = Effect::LoadMetadata {
        request: 99,
        location: app.secret.location.clone().unwrap(),
    };
    let read = Effect::LookupToken;
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(write),
        },
    );
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(read),
        },
    );
    assert!(matches!(app.token, Loadable::Failed(_)));
    assert_eq!(
        app.login.as_ref().unwrap().reason,
        Some(LoginReason::Rejected(Rejection::Revoked))
    );
    let effects = update(
        &mut app,
        Action::LoggedIn(Ok(LoginOutcome {
            token: None,
            info: short_token(60),
            saved_to: Some("/home/ana/.vault-token".into()),
        })),
    );
    assert_eq!(effects.len(), 2, "{effects:?}");
    assert!(matches!(
        effects[0],
        Effect::LoadMetadata { request: 99, .. }
    ));
    assert_eq!(effects[1], Effect::LookupToken);
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(status.contains("2 request(s) sent again"), "{status}");
    assert!(status.contains(".vault-token"), "{status}");
    assert!(app.session.parked.is_empty());
}

#[test]
fn renewal_failures_back_off_and_a_revoked_token_asks_for_login() {
    let mut app = app_with_short_token();
    update(&mut app, Action::TokenLookedUp(Ok(short_token(600))));
    tick(&mut app, 400.0);
    let failed = || Action::TokenRenewed {
        increment: 600,
        result: Err(VaultError::Network("connection refused".into())),
    };
    update(&mut app, failed());
    assert_eq!(
        app.session.renewal,
        RenewalState::Retrying {
            at: Duration::from_secs(402),
            failures: 1
        }
    );
    assert!(tick(&mut app, 401.0).is_empty());
    assert_eq!(
        tick(&mut app, 402.0),
        vec![Effect::RenewToken { increment: 600 }]
    );
    update(&mut app, failed());
    assert_eq!(
        app.session.renewal,
        RenewalState::Retrying {
            at: Duration::from_secs(406),
            failures: 2
        }
    );
    tick(&mut app, 406.0);
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 600,
            result: Err(VaultError::PermissionDenied {
                path: "auth/token/renew-self".into(),
                operation: tresor::vault::Operation::Write,
            }),
        },
    );
    assert!(app.login.is_some());
    assert_eq!(app.session.renewal, RenewalState::Off);
}

#[test]
fn root_tokens_are_never_renewed_nor_prompted() {
    let mut app = connected_app(SIZE);
    assert_eq!(app.session.renewal, RenewalState::Off);
    for second in 0..200 {
        assert!(
            tick(&mut app, f64::from(second) * 10.0)
                .iter()
                .all(|e| !matches!(e, Effect::RenewToken { .. })),
        );
    }
    assert!(app.login.is_none());
}

#[test]
fn the_dialog_builds_each_kind_of_credentials_and_refuses_missing_fields() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('L'));
    let form = app.login.as_ref().unwrap();
    assert_eq!((form.method, form.focus), (AuthMethod::Token, Field::Token));
    // Enter with nothing typed: refused, nothing sent.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(
        app.login
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("Token")
    );
    // AppRole, worker -> runner.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Left);
    assert_eq!(app.login.as_ref().unwrap().way, AppRoleWay::Pull);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "worker-role-id");
    press(&mut app, KeyCode::Tab);
    update(&mut app, Action::Paste("worker-secret-id\n".into()));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "ci-runner");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Login { credentials, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let Credentials::AppRolePull {
        mount,
        worker_role_id,
        worker_secret_id,
        runner_role,
        runner_role_id,
    } = credentials
    else {
        panic!("{credentials:?}");
    };
    assert_eq!(mount, "approle");
    assert_eq!(worker_role_id.expose(), "worker-role-id");
    assert_eq!(worker_secret_id.expose(), "worker-secret-id");
    assert_eq!(runner_role, "ci-runner");
    assert_eq!(runner_role_id.expose(), "");
    let debug = format!("{effects:?}");
    assert!(!debug.contains("worker-secret-id"), "{debug}");
    // The server refuses: the dialog keeps every field and shows why.
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
    let form = app.login.as_ref().unwrap();
    assert!(!form.busy);
    assert!(
        form.error
            .as_ref()
            .unwrap()
            .contains("invalid role or secret ID")
    );
    assert!(matches!(
        form.credentials(),
        Ok(Credentials::AppRolePull { .. })
    ));
}

#[test]
fn logout_revokes_then_opens_the_login_dialog() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('L'));
    assert_eq!(
        ctrl(&mut app, 'x'),
        vec![Effect::Logout { erase_from: None }]
    );
    update(&mut app, Action::LoggedOut(Ok(())));
    assert!(!app.connection.has_token);
    assert_eq!(
        app.login.as_ref().unwrap().reason,
        Some(LoginReason::LoggedOut)
    );
    // With no token, Ctrl-x says there is nothing to log out of.
    app.login = None;
    press(&mut app, KeyCode::Char('L'));
    assert!(ctrl(&mut app, 'x').is_empty());
    assert!(app.login.as_ref().unwrap().error.is_some());
}
