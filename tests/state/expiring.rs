//! The expiring view's state: `C` opens it and asks for the walk (30 days), the days can be
//! changed (and it looks again), an answer for an older request is dropped, Enter goes to a KV
//! secret in the tree or to a PKI certificate on its screen.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{press, type_text};
use support::pki::state::{app_with_mount, cert, serial};
use tresor::app::keymap::Scope;
use tresor::app::state::Loadable;
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::vault::expiring::Report;
use tresor::vault::pki::{CertPlace, ExpiringCert, PkiRequest};

fn found(app: &mut App, request: u64, report: Report) -> Vec<Effect> {
    update(
        app,
        Action::ExpiringFound {
            request,
            result: Ok(report),
        },
    )
}

fn request_of(effects: &[Effect]) -> (u64, u32) {
    match effects {
        [Effect::FindExpiring { request, days }] => (*request, *days),
        other => panic!("not one walk: {other:?}"),
    }
}

pub fn report() -> Report {
    let kv = cert(5, "kv.example.com", 2, false);
    let pki = cert(9, "soon.example.com", 1, false);
    Report {
        found: vec![
            ExpiringCert {
                place: CertPlace::Pki {
                    mount: "pki_int/".into(),
                    serial: serial(9),
                },
                summary: pki.summary.expect("decoded"),
            },
            ExpiringCert {
                place: CertPlace::Kv {
                    path: "secret/tls/web".into(),
                    key: "cert".into(),
                },
                summary: kv.summary.expect("decoded"),
            },
        ],
        problems: vec![],
    }
}

#[test]
fn c_opens_the_view_for_30_days_and_the_days_can_be_changed() {
    let mut app = app_with_mount((120, 40));
    let (first, days) = request_of(&press(&mut app, KeyCode::Char('C')));
    assert_eq!(days, 30);
    assert_eq!(app.modal.as_ref().map(Modal::scope), Some(Scope::Expiring));
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(
        app.modal.as_ref().map(Modal::scope),
        Some(Scope::ExpiringDays)
    );
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "x");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "x is no number");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "7");
    let (second, days) = request_of(&press(&mut app, KeyCode::Enter));
    assert_eq!(days, 7);
    assert_ne!(first, second);
    // The first walk's answer comes late: dropped.
    found(&mut app, first, report());
    let Some(Modal::Expiring(view)) = &app.modal else {
        panic!("closed")
    };
    assert_eq!(view.result, Loadable::Loading);
    found(&mut app, second, report());
    let Some(Modal::Expiring(view)) = &app.modal else {
        panic!("closed")
    };
    assert_eq!(view.found().len(), 2);
}

#[test]
fn enter_goes_to_the_pki_certificate_on_its_screen_or_the_kv_secret_in_the_tree() {
    let mut app = app_with_mount((120, 40));
    let (request, _) = request_of(&press(&mut app, KeyCode::Char('C')));
    found(&mut app, request, report());
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.contains(&Effect::Pki {
        mount: "pki_int/".into(),
        request: PkiRequest::Serials
    }));
    let Some(Modal::Pki(screen)) = &app.modal else {
        panic!("not on the PKI screen: {:?}", app.modal)
    };
    assert_eq!(screen.open_serial.as_deref(), Some(serial(9).as_str()));
    // Back to the main view, the view again: the KV one goes to the tree.
    press(&mut app, KeyCode::Esc);
    let (request, _) = request_of(&press(&mut app, KeyCode::Char('C')));
    found(&mut app, request, report());
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none(), "{:?}", app.modal);
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::ListFolder { location, .. } if location.mount.path == "secret/")
        ),
        "{effects:?}"
    );
}

#[test]
fn the_chosen_window_is_kept_when_the_view_is_opened_again() {
    let mut app = app_with_mount((120, 40));
    press(&mut app, KeyCode::Char('C'));
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "7");
    assert_eq!(request_of(&press(&mut app, KeyCode::Enter)).1, 7);
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    let (_, days) = request_of(&press(&mut app, KeyCode::Char('C')));
    assert_eq!(days, 7, "C opened it again with 30 days");
}
