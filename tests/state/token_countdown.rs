//! The token as the screen tells it: countdowns that count (header, login dialog), an expired
//! token that says "expired", a token refused at start that is not said to have worked before, and
//! use-limited tokens (uses left shown, not spent on background lookups, "its uses ran out").

use crate::support;

use std::time::Duration;
use support::fixtures::{connected_app, screen_at, tick};
use tresor::app::state::ConnectionView;
use tresor::app::{Action, App, Effect, update};
use tresor::vault::sys::parse_token_info;
use tresor::vault::{Renewal, TokenInfo, VaultError};

const SIZE: (u16, u16) = (120, 40);

fn token(body: serde_json::Value) -> TokenInfo {
    parse_token_info(&serde_json::json!({ "data": body })).expect("a lookup answer")
}

/// A renewable 6 s token, as lookup-self answers for `-ttl=6s -explicit-max-ttl=10s`.
fn short_token() -> TokenInfo {
    token(serde_json::json!({
        "display_name": "token", "policies": ["default"], "ttl": 6, "creation_ttl": 6,
        "renewable": true, "num_uses": 0, "expire_time": "2026-11-30T23:20:15.975281552Z",
        "explicit_max_ttl": 10
    }))
}

/// A token limited to 3 uses, as lookup-self answers right after creation (the lookup spent one).
fn use_limited_token() -> TokenInfo {
    token(serde_json::json!({
        "display_name": "token", "policies": ["default"], "ttl": 0, "creation_ttl": 0,
        "renewable": false, "num_uses": 2, "expire_time": null
    }))
}

fn denied() -> VaultError {
    VaultError::PermissionDenied {
        path: "auth/token/lookup-self".into(),
        operation: tresor::vault::Operation::Read,
    }
}

/// The header's second line (the token).
fn token_line(app: &App) -> String {
    screen_at(app, SIZE)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

fn app_with(info: TokenInfo) -> App {
    let mut app = connected_app(SIZE);
    update(&mut app, Action::TokenLookedUp(Ok(info)));
    app
}

#[test]
fn a_token_past_its_max_ttl_says_expired_not_never_expires() {
    let mut app = app_with(short_token());
    assert!(tick(&mut app, 4.0).contains(&Effect::RenewToken { increment: 6 }));
    // At its max TTL the server renews to nothing.
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 6,
            result: Ok(Renewal {
                lease_duration: 0,
                renewable: true,
                warnings: vec!["TTL of \"6s\" exceeded the effective max_ttl of \"0s\"".into()],
            }),
        },
    );
    tick(&mut app, 4.5);
    let line = token_line(&app);
    assert!(!line.contains("never expires"), "{line}");
    assert!(line.contains("expired"), "{line}");
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("The token has expired"), "{screen}");
}

#[test]
fn the_relogin_dialog_counts_down_to_the_end_and_then_says_expired() {
    let mut app = app_with(short_token());
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
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(
        !status.contains("3s"),
        "a status line does not freeze a countdown: {status}"
    );
    tick(&mut app, 5.5);
    assert!(screen_at(&app, SIZE).contains("ends in 2s"));
    tick(&mut app, 6.5);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("ends in 1s"), "{screen}");
    tick(&mut app, 7.5);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("The token has expired"), "{screen}");
    assert!(token_line(&app).contains("expired"));
}

#[test]
fn a_renewal_retry_counts_down_in_the_header() {
    let mut app = app_with(token(serde_json::json!({
        "display_name": "token", "policies": ["default"], "ttl": 600, "creation_ttl": 600,
        "renewable": true, "expire_time": "2026-11-30T23:20:15Z"
    })));
    tick(&mut app, 400.0);
    update(
        &mut app,
        Action::TokenRenewed {
            increment: 600,
            result: Err(VaultError::Network("connection refused".into())),
        },
    );
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(!status.contains("2s"), "{status}");
    assert!(
        token_line(&app).contains("retrying in 2s"),
        "{}",
        token_line(&app)
    );
    tick(&mut app, 401.0);
    assert!(
        token_line(&app).contains("retrying in 1s"),
        "{}",
        token_line(&app)
    );
}

#[test]
fn a_token_refused_at_start_is_not_said_to_have_worked_before() {
    let mut app = App::new(
        ConnectionView {
            addr: "https://vault.example.com:8200".into(),
            has_token: true,
            ..ConnectionView::default()
        },
        SIZE,
    );
    app.start();
    update(&mut app, Action::TokenLookedUp(Err(denied())));
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("The server does not accept this token"),
        "{screen}"
    );
    assert!(!screen.contains("no longer"), "{screen}");
}

#[test]
fn a_token_that_worked_and_expired_says_expired() {
    let mut app = app_with(token(serde_json::json!({
        "display_name": "token", "policies": ["default"], "ttl": 60, "creation_ttl": 60,
        "renewable": false, "expire_time": "2026-11-30T23:20:15Z"
    })));
    tick(&mut app, 61.0);
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(Effect::LookupToken),
        },
    );
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("The token expired"), "{screen}");
}

#[test]
fn a_use_limited_token_shows_its_uses_and_is_not_looked_up_in_the_background() {
    let mut app = app_with(use_limited_token());
    let line = token_line(&app);
    assert!(line.contains("2 uses left"), "{line}");
    for second in 1..=120 {
        let effects = tick(&mut app, f64::from(second));
        assert!(
            !effects.contains(&Effect::LookupToken),
            "no lookup spends a use at {second} s: {effects:?}"
        );
    }
    // Two answers spend the two uses.
    for _ in 0..2 {
        update(&mut app, Action::NamespacesLoaded(Ok(vec![])));
    }
    assert!(
        token_line(&app).contains("no uses left"),
        "{}",
        token_line(&app)
    );
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(Effect::LoadNamespaces),
        },
    );
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("its uses ran out"), "{screen}");
}

#[test]
fn the_last_use_spent_by_the_lookup_itself_reads_as_none_left() {
    // num_uses -1: the lookup was the token's last use.
    let app = app_with(token(serde_json::json!({
        "display_name": "token", "policies": ["default"], "ttl": 0, "num_uses": -1,
        "renewable": false, "expire_time": null
    })));
    assert!(
        token_line(&app).contains("no uses left"),
        "{}",
        token_line(&app)
    );
}

#[test]
fn countdowns_in_status_lines_count() {
    let mut app = connected_app(SIZE);
    tick(&mut app, 10.0);
    update(
        &mut app,
        Action::Retrying {
            what: "reading secret/app".into(),
            attempt: 2,
            of: 4,
            after: Duration::from_secs(4),
            reason: tresor::vault::VaultError::RateLimited {
                path: "secret/data/app".into(),
            },
        },
    );
    assert!(screen_at(&app, SIZE).contains("asking again in 4.0 s (2 of 4)"));
    tick(&mut app, 11.5);
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("asking again in 2.5 s (2 of 4)"),
        "{screen}"
    );
    // The clipboard's clearing too.
    update(
        &mut app,
        Action::Copied {
            description: "the value of password".into(),
            result: Ok("osc52"),
            clears: true,
            warning: None,
        },
    );
    assert!(screen_at(&app, SIZE).contains("(clears in 30 s)"));
    tick(&mut app, 14.5);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("(clears in 27 s)"), "{screen}");
}
