//! Pure state tests of the OIDC login (issue 18): Enter starts the wait with the listener's
//! settings, the URL arrives and `y` copies it (not as a secret), Esc and the countdown stop the
//! wait (the runtime is told to free the port), failures are said, news of a wait given up on is
//! dropped, and the login ends as every login does (parked requests sent again).

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, press, screen_at, tick};
use tresor::app::keymap::Scope;
use tresor::app::login::Field;
use tresor::app::{Action, App, Effect, LoginOutcome, update};
use tresor::config::LoginDefaults;
use tresor::secret::SecretText;
use tresor::vault::oidc::{OidcCallback, OidcFailure, OidcProgress, OidcRequest};
use tresor::vault::{AuthMethod, TokenInfo};

const SIZE: (u16, u16) = (120, 34);
const URL: &str = "http://127.0.0.1:8200/ui/vault/identity/oidc/provider/p/authorize?client_id=c\
                   &nonce=n_1&redirect_uri=http%3A%2F%2Flocalhost%3A9250%2Foidc%2Fcallback\
                   &response_type=code&scope=openid&state=st_abc";

/// A connected app whose login dialog starts on OIDC with role `dev`, listening on port 9250.
fn app_on_oidc() -> App {
    let mut app = connected_app(SIZE);
    app.login_defaults = LoginDefaults {
        method: Some(AuthMethod::Oidc),
        role: Some("dev".into()),
        oidc: OidcCallback {
            listen_address: "127.0.0.1".into(),
            port: 9250,
        },
        ..LoginDefaults::default()
    };
    press(&mut app, KeyCode::Char('L'));
    app
}

fn request() -> OidcRequest {
    OidcRequest {
        mount: "oidc".into(),
        role: "dev".into(),
        callback: OidcCallback {
            listen_address: "127.0.0.1".into(),
            port: 9250,
        },
        save_to: None,
    }
}

fn waiting(app: &mut App) {
    let effects = press(app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::OidcLogin(request())]);
    update(app, Action::Oidc(OidcProgress::Waiting { url: URL.into() }));
}

fn info() -> TokenInfo {
    TokenInfo {
        namespace: None,
        display_name: "oidc-alice".into(),
        policies: vec!["default".into(), "reader".into()],
        ttl_seconds: 3600,
        renewable: true,
        creation_ttl: 3600,
        expires: true,
        uses_left: None,
    }
}

#[test]
fn the_dialog_offers_oidc_with_the_mount_and_an_optional_role() {
    let app = app_on_oidc();
    let form = app.login.as_ref().expect("the login dialog");
    assert_eq!(form.method, AuthMethod::Oidc);
    assert_eq!(
        form.fields(),
        vec![Field::Method, Field::Mount, Field::Role]
    );
    assert_eq!(form.input(Field::Mount).unwrap().text, "oidc");
    assert_eq!(form.input(Field::Role).unwrap().text, "dev");
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("[OIDC]"), "{screen}");
    assert!(
        screen.contains("http://localhost:9250/oidc/callback"),
        "the redirect URI to allow is named: {screen}"
    );
}

#[test]
fn an_empty_role_is_sent_as_empty_for_the_mounts_default_role() {
    let mut app = app_on_oidc();
    let form = app.login.as_mut().unwrap();
    form.focus = Field::Role;
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::OidcLogin(OidcRequest {
            role: String::new(),
            ..request()
        })]
    );
}

#[test]
fn the_wait_shows_the_url_copies_it_as_no_secret_and_esc_frees_the_port() {
    let mut app = app_on_oidc();
    tick(&mut app, 10.0);
    waiting(&mut app);
    let form = app.login.as_ref().unwrap();
    use tresor::app::component::Component;
    assert_eq!(form.scope(), Scope::OidcWait);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("state=st_abc"), "the whole URL: {screen}");
    assert!(screen.contains("2:00 left"), "{screen}");
    // Typing does not go anywhere; y copies the URL, not marked sensitive (never cleared).
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::Copy {
            text: SecretText::new(URL),
            description: "the sign-in URL".into(),
            sensitive: false,
        }]
    );
    // 94.8 s left: counted up to whole seconds, as every countdown.
    tick(&mut app, 35.2);
    assert!(screen_at(&app, SIZE).contains("1:35 left"));
    let effects = press(&mut app, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelOidc]);
    let form = app
        .login
        .as_ref()
        .expect("the dialog stays, back on its fields");
    assert!(form.oidc.is_none());
    assert_eq!(
        form.error.as_deref(),
        Some("Stopped waiting for the browser: port 9250 is free again.")
    );
    // The runtime's late news of that wait changes nothing.
    update(
        &mut app,
        Action::Oidc(OidcProgress::Failed(OidcFailure::StateMismatch)),
    );
    assert_eq!(
        app.login.as_ref().unwrap().error.as_deref(),
        Some("Stopped waiting for the browser: port 9250 is free again.")
    );
}

#[test]
fn the_countdown_ends_the_wait_and_frees_the_port() {
    let mut app = app_on_oidc();
    tick(&mut app, 5.0);
    waiting(&mut app);
    let effects = tick(&mut app, 124.9);
    assert!(
        !effects.contains(&Effect::CancelOidc),
        "not yet: {effects:?}"
    );
    assert!(screen_at(&app, SIZE).contains("0:01 left"));
    let effects = tick(&mut app, 125.0);
    assert!(effects.contains(&Effect::CancelOidc), "{effects:?}");
    let form = app.login.as_ref().unwrap();
    assert!(form.oidc.is_none());
    assert_eq!(
        form.error.as_deref(),
        Some(
            "OIDC login failed: no answer from the browser within 2m: stopped waiting, port 9250 \
             is free again."
        )
    );
}

#[test]
fn failures_are_said_plainly_and_the_fields_come_back() {
    let cases = [
        (
            OidcFailure::StateMismatch,
            "OIDC login failed: the browser's answer does not belong to this login (its state is \
             not the one tresor asked with): refused, nothing was sent to the server.",
        ),
        (
            OidcFailure::Refused { description: None },
            "OIDC login failed: the sign-in was refused at the identity provider.",
        ),
        (
            OidcFailure::Provider {
                error: "server_error".into(),
                description: Some("the IdP is down".into()),
            },
            "OIDC login failed: the identity provider answered with an error: server_error (the \
             IdP is down).",
        ),
        (
            OidcFailure::PortBusy {
                listen_on: "127.0.0.1:9250".into(),
                port: 9250,
            },
            "OIDC login failed: port 9250 is already taken (127.0.0.1:9250): another login \
             waiting there? Stop it, or choose another port with --oidc-callback-port or the \
             profile's oidc_callback_port (the role must allow \
             http://localhost:PORT/oidc/callback).",
        ),
    ];
    for (failure, said) in cases {
        let mut app = app_on_oidc();
        waiting(&mut app);
        update(&mut app, Action::Oidc(OidcProgress::Failed(failure)));
        let form = app.login.as_ref().unwrap();
        assert!(form.oidc.is_none());
        assert_eq!(form.error.as_deref(), Some(said));
        let screen = screen_at(&app, SIZE);
        assert!(screen.contains("Role"), "the fields are back: {screen}");
    }
}

#[test]
fn the_browser_that_could_not_be_opened_is_said_and_the_url_stays() {
    let mut app = app_on_oidc();
    waiting(&mut app);
    update(
        &mut app,
        Action::Oidc(OidcProgress::Browser(Err(
            "xdg-open: No such file or directory (os error 2)".into(),
        ))),
    );
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("No browser could be opened (xdg-open: No such file"),
        "{screen}"
    );
    assert!(screen.contains("open this URL"), "{screen}");
    assert!(screen.contains("state=st_abc"), "{screen}");
}

#[test]
fn an_oidc_login_sends_the_parked_requests_again_like_any_login() {
    let mut app = app_on_oidc();
    press(&mut app, KeyCode::Esc);
    let retry = Effect::LookupToken;
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(retry),
        },
    );
    let form = app.login.as_mut().expect("the dialog opened again");
    assert_eq!(form.method, AuthMethod::Oidc);
    waiting(&mut app);
    let effects = update(
        &mut app,
        Action::LoggedIn(Ok(LoginOutcome {
            token: None,
            info: info(),
            saved_to: None,
        })),
    );
    assert!(app.login.is_none(), "the dialog closed");
    assert!(effects.contains(&Effect::LookupToken), "{effects:?}");
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(status.contains("Logged in as oidc-alice"), "{status}");
    assert!(status.contains("1 request(s) sent again"), "{status}");
    // The next L starts on OIDC again.
    press(&mut app, KeyCode::Char('L'));
    assert_eq!(app.login.as_ref().unwrap().method, AuthMethod::Oidc);
}
