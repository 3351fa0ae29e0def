//! Pure state tests of logging out and in: what the old token saw goes on logout, and `L`
//! starts on the method that last worked.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{ctrl, history_app, press, screen_at, type_text};
use tresor::app::login::Field;
use tresor::app::state::Loadable;
use tresor::app::tree::NoMounts;
use tresor::app::{Action, App, Effect, LoginOutcome, update};
use tresor::vault::{AuthMethod, SecretCapabilities, TokenInfo};

const SIZE: (u16, u16) = (120, 30);

fn info(name: &str) -> TokenInfo {
    TokenInfo {
        namespace: None,
        display_name: name.into(),
        policies: vec!["default".into()],
        ttl_seconds: 3600,
        renewable: true,
        creation_ttl: 3600,
        expires: true,
        uses_left: None,
    }
}

#[test]
fn logging_out_forgets_what_the_old_token_saw_and_says_so() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    app.paths.paths = vec!["secret/history/rotating".into()];
    assert!(screen_at(&app, SIZE).contains("rotating"));
    press(&mut app, KeyCode::Char('L'));
    let effects = ctrl(&mut app, 'x');
    assert_eq!(effects, vec![Effect::Logout { erase_from: None }]);
    update(&mut app, Action::LoggedOut(Ok(())));
    assert!(app.tree.roots.is_empty(), "no mounts of the old token");
    assert!(app.tree.visible.is_empty());
    assert!(app.secret.location.is_none(), "no open secret");
    assert!(app.capabilities.is_empty() && app.capabilities_pending.is_empty());
    assert!(app.paths.paths.is_empty(), "no finder paths");
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("Logged out"), "{screen}");
    // Closing the dialog: the screen still says so, and shows nothing of the old token.
    press(&mut app, KeyCode::Esc);
    let screen = screen_at(&app, SIZE);
    assert!(!screen.contains("rotating"), "{screen}");
    assert!(!screen.contains("secret/"), "{screen}");
    assert!(screen.contains("Logged out"), "{screen}");
    assert!(!screen.contains("loading mounts"), "{screen}");
}

#[test]
fn l_starts_on_the_method_of_the_last_successful_login() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    press(&mut app, KeyCode::Char('L'));
    let form = app.login.as_mut().expect("the login dialog");
    assert_eq!(form.method, AuthMethod::Token, "nothing remembered yet");
    form.method = AuthMethod::Userpass;
    form.focus = Field::Username;
    type_text(&mut app, "ana");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "pw");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::Login { .. }]),
        "{effects:?}"
    );
    update(
        &mut app,
        Action::LoggedIn(Ok(LoginOutcome {
            token: None,
            info: info("userpass-ana"),
            saved_to: None,
        })),
    );
    assert!(app.login.is_none());
    press(&mut app, KeyCode::Char('L'));
    let form = app.login.as_ref().expect("the login dialog");
    assert_eq!(form.method, AuthMethod::Userpass, "the method that worked");
    assert_eq!(form.focus, Field::Username, "on its first empty field");
    assert!(
        form.input(Field::Password)
            .is_some_and(|p| p.text.is_empty()),
        "no password kept"
    );
    // A failed login remembers nothing.
    let form = app.login.as_mut().unwrap();
    form.method = AuthMethod::Ldap;
    form.focus = Field::Username;
    type_text(&mut app, "bob");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "bad");
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::LoggedIn(Err(tresor::vault::auth::LoginFailure::Refused {
            kind: tresor::vault::auth::CredentialKind::Ldap,
            error: tresor::vault::VaultError::Server {
                status: 400,
                path: "auth/ldap/login/bob".into(),
                errors: vec!["invalid credentials".into()],
            },
        })),
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('L'));
    assert_eq!(app.login.as_ref().unwrap().method, AuthMethod::Userpass);
    assert!(matches!(app.token, Loadable::Ready(_)));
}

/// A token the server does not accept at start: the mount list is parked for after a login. Esc
/// on the login dialog must not leave "loading mounts" on screen forever: the tree says why it is
/// empty, and a later login still sends the parked request.
#[test]
fn closing_the_login_dialog_fails_what_waited_for_it_instead_of_loading_forever() {
    let mut app = App::new(
        tresor::app::state::ConnectionView {
            addr: "http://127.0.0.1:8200".into(),
            has_token: true,
            ..Default::default()
        },
        SIZE,
    );
    let start = app.start();
    let load = start
        .into_iter()
        .find(|e| matches!(e, Effect::LoadMounts { .. }))
        .expect("mounts asked");
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(load),
        },
    );
    assert!(app.login.is_some(), "the login dialog opened");
    assert_eq!(app.mounts, Loadable::Loading);
    press(&mut app, KeyCode::Esc);
    assert!(app.login.is_none());
    assert!(
        matches!(&app.mounts, Loadable::Failed(NoMounts::Error(error)) if error.to_string().contains("does not accept the token")),
        "{:?}",
        app.mounts
    );
    let screen = screen_at(&app, SIZE);
    assert!(!screen.contains("loading mounts"), "{screen}");
    assert_eq!(app.session.parked.len(), 1, "kept for a later login");
}

/// `--auth-method jwt --role deploy` with `TRESOR_JWT` set: the dialog opens on JWT with the role
/// filled in, shows no JWT file field, and Enter logs in with the JWT from the environment.
#[test]
fn a_jwt_login_from_the_environment_needs_only_enter() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    app.login_defaults = tresor::config::LoginDefaults {
        method: Some(AuthMethod::Jwt),
        role: Some("deploy".into()),
        jwt: Some(tresor::secret::SecretText::new("eyJ.header.sig")),
        ..tresor::config::LoginDefaults::default()
    };
    press(&mut app, KeyCode::Char('L'));
    let form = app.login.as_ref().expect("the login dialog");
    assert_eq!(form.method, AuthMethod::Jwt);
    assert!(
        !form.fields().contains(&Field::JwtFile),
        "TRESOR_JWT is used"
    );
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("from TRESOR_JWT (not shown)"), "{screen}");
    assert!(!screen.contains("eyJ.header.sig"), "{screen}");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Login { credentials, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        credentials,
        &tresor::vault::Credentials::Jwt {
            mount: "jwt".into(),
            role: "deploy".into(),
            jwt: tresor::vault::JwtSource::Given(tresor::secret::SecretText::new("eyJ.header.sig")),
        }
    );
}

/// Without `TRESOR_JWT`, the JWT file is asked for (prefilled from `--jwt-file`), the role may
/// stay empty (the method's default role); a certificate login says which certificate it
/// presents, or that there is none.
#[test]
fn jwt_file_and_certificate_logins_say_what_they_send() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    app.login_defaults = tresor::config::LoginDefaults {
        method: Some(AuthMethod::Jwt),
        jwt_file: Some("/run/ci/jwt".into()),
        ..tresor::config::LoginDefaults::default()
    };
    press(&mut app, KeyCode::Char('L'));
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("/run/ci/jwt"), "{screen}");
    assert!(
        screen.contains("(empty: the mount's default role)"),
        "{screen}"
    );
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Login { credentials: tresor::vault::Credentials::Jwt { role, jwt: tresor::vault::JwtSource::File(file), .. }, .. }]
                if role.is_empty() && file == std::path::Path::new("/run/ci/jwt")
        ),
        "{effects:?}"
    );
    app.login = None;
    app.login_defaults.method = Some(AuthMethod::Cert);
    press(&mut app, KeyCode::Char('L'));
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("none: start with --client-cert"),
        "{screen}"
    );
    app.login = None;
    app.connection.client_certificate = Some("/etc/tresor/client.pem".into());
    press(&mut app, KeyCode::Char('L'));
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("/etc/tresor/client.pem"), "{screen}");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Login { credentials: tresor::vault::Credentials::Cert { role: None, mount }, .. }] if mount == "cert"
        ),
        "{effects:?}"
    );
}

/// What a login presents without typing (the JWT from TRESOR_JWT) sits with the fields, before
/// "Save token", as the JWT file row does.
#[test]
fn the_jwt_from_the_environment_is_listed_before_save_token() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    app.login_defaults = tresor::config::LoginDefaults {
        method: Some(AuthMethod::Jwt),
        jwt: Some(tresor::secret::SecretText::new("eyJ.header.sig")),
        save_token_to: Some(tresor::config::TokenStore::File("/h/.vault-token".into())),
        ..tresor::config::LoginDefaults::default()
    };
    press(&mut app, KeyCode::Char('L'));
    let screen = screen_at(&app, SIZE);
    let jwt = screen.find("from TRESOR_JWT").expect("the JWT row");
    let save = screen.find("Save token").expect("the save row");
    assert!(jwt < save, "{screen}");
}
