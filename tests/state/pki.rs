//! The PKI screen's state: a pki mount opens it (it said "does not browse pki engines" before),
//! certificates are read only for the rows on screen, revoke asks first and reads the
//! certificate again, the issue form, what the token may not do, answers for a closed screen.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{press, status, type_text};
use support::pki::state::{
    MOUNT, answer, answer_certs, app_with_mount, cert, open_mount, opened, screen, serial,
};
use tresor::app::keymap::Scope;
use tresor::app::pki::{CertRow, PkiList, Prompt, View};
use tresor::app::state::Loadable;
use tresor::app::{Effect, Modal};
use tresor::vault::pki::{IssueRequest, IssuedCert, PkiAnswer, PkiRequest};

fn pki(request: PkiRequest) -> Effect {
    Effect::Pki {
        mount: MOUNT.into(),
        request,
    }
}

fn requested_serials(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Pki {
                request: PkiRequest::Certs { serials },
                ..
            } => Some(serials.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn a_pki_mount_opens_the_pki_screen_and_asks_for_its_three_lists() {
    let mut app = app_with_mount((120, 40));
    let effects = open_mount(&mut app);
    assert_eq!(
        effects,
        vec![
            pki(PkiRequest::Issuers),
            pki(PkiRequest::Roles),
            pki(PkiRequest::Serials)
        ]
    );
    assert!(
        !status(&app).contains("does not browse"),
        "{}",
        status(&app)
    );
    assert_eq!(screen(&app).mount, MOUNT);
    assert_eq!(app.modal.as_ref().map(Modal::scope), Some(Scope::Pki));
    // The roles' answer asks what the token may do on the revoke and issue paths.
    let effects = answer(&mut app, PkiAnswer::Roles(Ok(vec!["web".into()])));
    assert!(effects.contains(&pki(PkiRequest::Capabilities {
        paths: vec!["pki_int/revoke".into(), "pki_int/issue/web".into()]
    })));
    assert!(effects.contains(&pki(PkiRequest::Role { name: "web".into() })));
}

#[test]
fn only_the_certificates_on_screen_and_the_next_page_are_read_of_two_thousand() {
    let (mut app, effects) = opened((120, 40), 2000, &[]);
    let rows = tresor::app::pki::list_rows(40);
    let first = requested_serials(&effects);
    assert_eq!(first.len(), rows * 2, "one request for two pages");
    assert_eq!(first[0], serial(1));
    answer_certs(&mut app, effects);
    // To the certificates; moving within what was read asks for nothing.
    assert!(requested_serials(&press(&mut app, KeyCode::Tab)).is_empty());
    assert!(requested_serials(&press(&mut app, KeyCode::Tab)).is_empty());
    assert_eq!(screen(&app).list, PkiList::Certs);
    assert!(requested_serials(&press(&mut app, KeyCode::Char('j'))).is_empty());
    // A page further: the page after it is asked for, not what was read already.
    let effects = press(&mut app, KeyCode::PageDown);
    let next = requested_serials(&effects);
    assert!(!next.is_empty());
    assert!(!next.contains(&serial(1)) && !next.contains(&first[rows * 2 - 1]));
    answer_certs(&mut app, effects);
    // The last row: only its page, never the whole list.
    let effects = press(&mut app, KeyCode::Char('G'));
    let last = requested_serials(&effects);
    assert!(
        last.len() <= rows * 2 && last.contains(&serial(2000)),
        "{}",
        last.len()
    );
    assert!(
        screen(&app).certs.len() < 200,
        "{} read",
        screen(&app).certs.len()
    );
}

#[test]
fn revoking_asks_first_then_reads_the_certificate_again_instead_of_assuming() {
    let (mut app, effects) = opened((120, 40), 5, &[]);
    answer_certs(&mut app, effects);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    // Certificate 3 (not revoked).
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    assert_eq!(app.modal.as_ref().map(Modal::scope), Some(Scope::Confirm));
    assert!(
        matches!(&screen(&app).prompt, Some(Prompt::Revoke { serial: s, .. }) if *s == serial(3))
    );
    // No: nothing is sent.
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert_eq!(screen(&app).prompt, None);
    press(&mut app, KeyCode::Char('x'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(effects, vec![pki(PkiRequest::Revoke { serial: serial(3) })]);
    assert!(screen(&app).busy);
    let effects = answer(
        &mut app,
        PkiAnswer::Revoked {
            serial: serial(3),
            result: Ok(()),
        },
    );
    assert_eq!(
        effects,
        vec![pki(PkiRequest::Certs {
            serials: vec![serial(3)]
        })],
        "read again"
    );
    assert_eq!(screen(&app).certs.get(&serial(3)), Some(&CertRow::Loading));
    assert!(status(&app).contains("Revoked"), "{}", status(&app));
    answer(
        &mut app,
        PkiAnswer::Certs(vec![(
            serial(3),
            Ok(cert(3, "host-3.example.com", 0, true)),
        )]),
    );
    assert!(
        screen(&app)
            .cert(&serial(3))
            .is_some_and(|c| c.revoked_at.is_some())
    );
    // Revoked already: said, not asked again.
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(screen(&app).prompt, None);
    assert!(
        screen(&app)
            .error
            .as_deref()
            .unwrap_or("")
            .contains("revoked already")
    );
}

#[test]
fn what_the_token_may_not_do_is_said_with_the_capability_and_path() {
    let (mut app, effects) = opened((120, 40), 3, &["pki_int/revoke", "pki_int/issue/web"]);
    answer_certs(&mut app, effects);
    press(&mut app, KeyCode::Tab);
    assert!(press(&mut app, KeyCode::Char('i')).is_empty());
    assert_eq!(screen(&app).prompt, None);
    assert_eq!(
        screen(&app).error.as_deref(),
        Some("The token may not issue from web: needs update on pki_int/issue/web.")
    );
    press(&mut app, KeyCode::Tab);
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    assert_eq!(
        screen(&app).error.as_deref(),
        Some("The token may not revoke: needs update on pki_int/revoke.")
    );
}

#[test]
fn the_issue_form_sends_what_was_typed_and_the_answer_is_shown_once() {
    let (mut app, _) = opened((120, 40), 1, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.modal.as_ref().map(Modal::scope), Some(Scope::PkiIssue));
    // No common name: said, nothing sent.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(&screen(&app).prompt, Some(Prompt::Issue(form)) if form.error.is_some()));
    // Typed letters go into the fields (x and i are text here, not revoke and issue).
    type_text(&mut app, "xi.example.com");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "alt.example.com");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "24x");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "24x is no TTL");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "h");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![pki(PkiRequest::Issue(IssueRequest {
            role: "web".into(),
            common_name: "xi.example.com".into(),
            alt_names: "alt.example.com".into(),
            ttl: "24h".into(),
        }))]
    );
    let pem = support::pki::state::pem("xi.example.com", 1, 99, false);
    let effects = answer(
        &mut app,
        PkiAnswer::Issued(Ok(IssuedCert {
            role: "web".into(),
            serial: serial(99),
            certificate: pem.clone(),
            chain: vec![],
            private_key: tresor::secret::SecretText::new(
                "-----BEGIN EC PRIVATE KEY-----\nSECRET\n-----END EC PRIVATE KEY-----",
            ),
            private_key_type: "ec".into(),
            warnings: vec![],
        })),
    );
    assert_eq!(
        effects,
        vec![pki(PkiRequest::Serials)],
        "the list is read again"
    );
    assert!(matches!(&screen(&app).view, View::Issued(i) if !i.revealed));
    // Copy: the key is sensitive (cleared later), the certificate is not.
    let copied = press(&mut app, KeyCode::Char('Y'));
    assert!(
        matches!(&copied[..], [Effect::Copy { sensitive: true, text, .. }] if text.expose().contains("SECRET"))
    );
    let copied = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(&copied[..], [Effect::Copy { sensitive: false, text, .. }] if *text.expose() == pem)
    );
    // Closing forgets it: back to the lists, nothing of it left.
    press(&mut app, KeyCode::Esc);
    assert_eq!(screen(&app).view, View::Lists);
    assert!(!format!("{:?}", app.modal).contains("SECRET"));
}

#[test]
fn an_answer_for_a_closed_screen_or_another_mount_is_dropped() {
    let (mut app, _) = opened((120, 40), 1, &[]);
    let effects = tresor::app::update(
        &mut app,
        tresor::app::Action::Pki {
            mount: "pki/".into(),
            answer: PkiAnswer::Serials(Ok(vec![serial(5), serial(6)])),
        },
    );
    assert!(effects.is_empty());
    assert!(matches!(&screen(&app).serials, Loadable::Ready(list) if list.len() == 1));
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    assert!(answer(&mut app, PkiAnswer::Serials(Ok(vec![]))).is_empty());
}

#[test]
fn alt_names_typed_with_spaces_after_the_commas_are_each_trimmed() {
    // OpenBao drops an alt name with a leading space silently: "a, b" issued only a.
    let (mut app, _) = opened((120, 40), 1, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "a.example.com");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, " a.example.com,  b.example.com , ,c.example.com ");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![pki(PkiRequest::Issue(IssueRequest {
            role: "web".into(),
            common_name: "a.example.com".into(),
            alt_names: "a.example.com,b.example.com,c.example.com".into(),
            ttl: String::new(),
        }))]
    );
}
