//! The expiring view: soonest first with the state in words and where each is, while looking,
//! and with nothing found.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{press, screen_at};
use support::pki::state::{app_with_mount, cert, serial};
use tresor::app::{Action, Effect, update};
use tresor::vault::expiring::Report;
use tresor::vault::pki::{CertPlace, ExpiringCert};

#[test]
fn the_expiring_view_lists_soonest_first_with_where_each_is() {
    let mut app = app_with_mount((120, 40));
    let effects = press(&mut app, KeyCode::Char('C'));
    let [Effect::FindExpiring { request, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    insta::assert_snapshot!("expiring_looking", screen_at(&app, (120, 40)));
    let gone = cert(3, "gone.example.com", -2, false);
    let soon = cert(9, "soon.example.com", 1, false);
    let kv = cert(5, "kv.example.com", 12, false);
    let report = Report {
        found: vec![
            ExpiringCert {
                place: CertPlace::Kv {
                    path: "secret/legacy/old".into(),
                    key: "cert".into(),
                },
                summary: gone.summary.expect("decoded"),
            },
            ExpiringCert {
                place: CertPlace::Pki {
                    mount: "pki_int/".into(),
                    serial: serial(9),
                },
                summary: soon.summary.expect("decoded"),
            },
            ExpiringCert {
                place: CertPlace::Kv {
                    path: "secret/tls/web".into(),
                    key: "chain".into(),
                },
                summary: kv.summary.expect("decoded"),
            },
        ],
        problems: vec!["cannot list secret/team/ (permission denied): not searched".into()],
    };
    update(
        &mut app,
        Action::ExpiringFound {
            request,
            result: Ok(report),
        },
    );
    insta::assert_snapshot!("expiring_found", screen_at(&app, (120, 40)));
    insta::assert_snapshot!("expiring_found_80x24", screen_at(&app, (80, 24)));
}

#[test]
fn nothing_found_with_a_mount_not_looked_at_does_not_say_none_expires() {
    let mut app = app_with_mount((120, 40));
    let effects = press(&mut app, KeyCode::Char('C'));
    let [Effect::FindExpiring { request, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Action::ExpiringFound {
            request,
            result: Ok(Report {
                found: vec![],
                problems: vec![
                    "cannot list pki_int/certs (permission denied): not searched".into(),
                ],
            }),
        },
    );
    let screen = screen_at(&app, (80, 24));
    assert!(!screen.contains("No certificate expires"), "{screen}");
    assert!(
        screen.contains("None found in what could be read"),
        "{screen}"
    );
    assert!(screen.contains("Not looked at (1)"), "{screen}");
}

#[test]
fn the_state_is_whole_at_80x24() {
    // "expires soon: in 53 minu…": the state column was a third of the width, whatever it held.
    let mut app = app_with_mount((80, 24));
    let effects = press(&mut app, KeyCode::Char('C'));
    let [Effect::FindExpiring { request, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    let mut summary = cert(9, "soon.example.com", 1, false)
        .summary
        .expect("decoded");
    summary.not_after = time::OffsetDateTime::from_unix_timestamp(support::fixtures::NOW + 53 * 60)
        .expect("in range");
    update(
        &mut app,
        Action::ExpiringFound {
            request,
            result: Ok(Report {
                found: vec![ExpiringCert {
                    place: CertPlace::Pki {
                        mount: "pki_int/".into(),
                        serial: serial(9),
                    },
                    summary,
                }],
                problems: vec![],
            }),
        },
    );
    let screen = screen_at(&app, (80, 24));
    assert!(screen.contains("expires soon: in 53 minutes"), "{screen}");
    assert!(screen.contains("CN=soon.example.com"), "{screen}");
}
