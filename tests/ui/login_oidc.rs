//! Snapshots of the OIDC login (issue 18): the dialog on OIDC (mount, optional role, the redirect
//! URI to allow) and the wait (the whole URL, the browser that could not be opened, the
//! countdown, the keys), plus the countdown's warning colour.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{cell_at, connected_app, press, render_at, tick};
use tresor::app::{Action, App, update};
use tresor::config::LoginDefaults;
use tresor::vault::AuthMethod;
use tresor::vault::oidc::{OidcCallback, OidcProgress};

const SIZE: (u16, u16) = (110, 30);
const URL: &str = "http://127.0.0.1:8200/ui/vault/identity/oidc/provider/corp/authorize?client_id=Rw3hOB6\
                   &code_challenge=uBYxtRN144fk&code_challenge_method=S256&nonce=n_2gRPjiQu\
                   &redirect_uri=http%3A%2F%2Flocalhost%3A8250%2Foidc%2Fcallback&response_type=code\
                   &scope=openid&state=st_vcXezRLlRXiS";

fn oidc_dialog() -> App {
    let mut app = connected_app(SIZE);
    app.login_defaults = LoginDefaults {
        method: Some(AuthMethod::Oidc),
        oidc: OidcCallback::default(),
        ..LoginDefaults::default()
    };
    press(&mut app, KeyCode::Char('L'));
    app
}

#[test]
fn login_dialog_on_oidc() {
    let app = oidc_dialog();
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn oidc_waiting_for_the_browser() {
    let mut app = oidc_dialog();
    tick(&mut app, 1.0);
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::Oidc(OidcProgress::Waiting { url: URL.into() }),
    );
    update(
        &mut app,
        Action::Oidc(OidcProgress::Browser(Err(
            "xdg-open: No such file or directory (os error 2)".into(),
        ))),
    );
    tick(&mut app, 47.5);
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!(terminal.backend());
    // The countdown is in the warning colour.
    let cell = cell_at(&terminal, "1:14 left", 0);
    assert_eq!(Some(cell.fg), tresor::ui::theme::warning().fg);
}
