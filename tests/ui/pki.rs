//! The PKI screen: each list (issuers, roles with a role's settings, the certificates table at
//! 120x40 and 80x24), an opened certificate, the revoke question, the issue form, a certificate
//! just issued with its key masked, and what the token may not do struck through.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::style::Modifier;
use support::fixtures::{cell_at, press, render_at, screen_at, type_text};
use support::pki::state::{answer, answer_certs, opened, pem, serial};
use tresor::app::App;
use tresor::vault::pki::{IssuedCert, PkiAnswer};

fn with_certs(size: (u16, u16), count: u64, denied: &[&str]) -> App {
    let (mut app, effects) = opened(size, count, denied);
    answer_certs(&mut app, effects);
    app
}

#[test]
fn the_issuers_list_with_the_default_issuer_decoded() {
    let app = with_certs((120, 40), 5, &[]);
    insta::assert_snapshot!(screen_at(&app, (120, 40)));
}

#[test]
fn the_roles_list_with_the_role_settings() {
    let mut app = with_certs((120, 40), 5, &[]);
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!(screen_at(&app, (120, 40)));
}

#[test]
fn the_certificates_table_says_expiry_and_revoked_in_words() {
    let mut app = with_certs((120, 40), 40, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!(screen_at(&app, (120, 40)));
}

#[test]
fn the_certificates_table_at_80x24_scrolled_to_the_end_of_two_thousand() {
    let (mut app, effects) = opened((80, 24), 2000, &[]);
    answer_certs(&mut app, effects);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let effects = press(&mut app, KeyCode::Char('G'));
    answer_certs(&mut app, effects);
    insta::assert_snapshot!(screen_at(&app, (80, 24)));
}

#[test]
fn an_opened_certificate_and_the_revoke_question() {
    let mut app = with_certs((120, 40), 5, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("opened", screen_at(&app, (120, 40)));
    press(&mut app, KeyCode::Char('x'));
    insta::assert_snapshot!("revoke_question", screen_at(&app, (120, 40)));
}

#[test]
fn the_issue_form() {
    let mut app = with_certs((120, 40), 1, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "new.example.com");
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!(screen_at(&app, (120, 40)));
}

#[test]
fn an_issued_certificate_is_shown_once_with_its_key_masked() {
    let mut app = with_certs((120, 40), 1, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "new.example.com");
    press(&mut app, KeyCode::Enter);
    answer(
        &mut app,
        PkiAnswer::Issued(Ok(IssuedCert {
            role: "web".into(),
            serial: serial(99),
            certificate: pem("new.example.com", 1, 99, false),
            chain: vec![pem("Example Intermediate", 1800, 7, true)],
            private_key: tresor::secret::SecretText::new(
                "-----BEGIN EC PRIVATE KEY-----\nTOPSECRETKEYBYTES\n-----END EC PRIVATE KEY-----",
            ),
            private_key_type: "ec".into(),
            warnings: vec![],
        })),
    );
    let screen = screen_at(&app, (120, 40));
    assert!(!screen.contains("TOPSECRETKEYBYTES"));
    insta::assert_snapshot!(screen);
    // On a small terminal too, the key and the "shown once" warning come before the chain.
    let small = screen_at(&app, (80, 24));
    assert!(small.contains("Private key (ec): ••••••"), "{small}");
    assert!(small.contains("not stored anywhere"), "{small}");
    press(&mut app, KeyCode::Char('s'));
    assert!(screen_at(&app, (120, 40)).contains("TOPSECRETKEYBYTES"));
}

#[test]
fn what_the_token_may_not_do_is_struck_through_with_the_path() {
    let mut app = with_certs((120, 40), 3, &["pki_int/revoke", "pki_int/issue/web"]);
    press(&mut app, KeyCode::Tab);
    let screen = screen_at(&app, (120, 40));
    assert!(
        screen.contains("(needs update on pki_int/issue/web)"),
        "{screen}"
    );
    let cell = cell_at(&render_at(&app, (120, 40)), "i issue", 2);
    assert!(cell.modifier.contains(Modifier::CROSSED_OUT));
    press(&mut app, KeyCode::Tab);
    let screen = screen_at(&app, (120, 40));
    assert!(
        screen.contains("(needs update on pki_int/revoke)"),
        "{screen}"
    );
    let cell = cell_at(&render_at(&app, (120, 40)), "x revoke", 2);
    assert!(cell.modifier.contains(Modifier::CROSSED_OUT));
    // Allowed: drawn plainly.
    let app = with_certs((120, 40), 3, &[]);
    let mut app = app;
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let cell = cell_at(&render_at(&app, (120, 40)), "x revoke", 2);
    assert!(!cell.modifier.contains(Modifier::CROSSED_OUT));
}

#[test]
fn a_list_the_token_may_not_read_says_which_path_and_capability() {
    let mut app = with_certs((120, 40), 1, &[]);
    answer(
        &mut app,
        PkiAnswer::Serials(Err(tresor::vault::VaultError::PermissionDenied {
            path: "pki_int/certs".into(),
            operation: tresor::vault::Operation::List,
        })),
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let screen = screen_at(&app, (120, 40));
    assert!(
        screen.contains("certificates: permission denied: list on pki_int/certs"),
        "{screen}"
    );
    assert!(screen.contains("Certificates (!)"), "{screen}");
}

#[test]
fn the_servers_warnings_are_shown_with_the_issued_certificate() {
    // 9999h on a role with max_ttl 30 days was capped without a word on screen.
    let mut app = with_certs((80, 24), 1, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "new.example.com");
    press(&mut app, KeyCode::Enter);
    let warning = "TTL of \"9999h\" is greater than the role's max_ttl; capped to 720h";
    answer(
        &mut app,
        PkiAnswer::Issued(Ok(IssuedCert {
            role: "web".into(),
            serial: serial(99),
            certificate: pem("new.example.com", 1, 99, false),
            chain: vec![pem("Example Intermediate", 1800, 7, true)],
            private_key: tresor::secret::SecretText::new(
                "-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----",
            ),
            private_key_type: "ec".into(),
            warnings: vec![warning.into()],
        })),
    );
    let small = screen_at(&app, (80, 24));
    assert!(small.contains("The server warned:"), "{small}");
    assert!(small.contains("greater than the role's max_ttl"), "{small}");
}

#[test]
fn an_issued_certificate_scrolls_at_80x24_to_the_end_of_its_chain() {
    // The revealed key filled the pane and the chain was cut: PgDn, j and End did nothing.
    let mut app = with_certs((80, 24), 1, &[]);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "new.example.com");
    press(&mut app, KeyCode::Enter);
    let key: String = (0..27)
        .map(|n| format!("KEYLINE{n:02}{}\n", "A".repeat(54)))
        .collect();
    answer(
        &mut app,
        PkiAnswer::Issued(Ok(IssuedCert {
            role: "web".into(),
            serial: serial(99),
            certificate: pem("new.example.com", 1, 99, false),
            chain: vec![pem("Example Intermediate", 1800, 7, true)],
            private_key: tresor::secret::SecretText::new(format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{key}-----END RSA PRIVATE KEY-----"
            )),
            private_key_type: "rsa".into(),
            warnings: vec![],
        })),
    );
    press(&mut app, KeyCode::Char('s'));
    let top = screen_at(&app, (80, 24));
    assert!(top.contains("KEYLINE00"), "{top}");
    assert!(!top.contains("Example Intermediate (CA)"), "{top}");
    press(&mut app, KeyCode::Char('j'));
    let down = screen_at(&app, (80, 24));
    assert_ne!(top, down, "j scrolls a row");
    press(&mut app, KeyCode::PageDown);
    assert!(!screen_at(&app, (80, 24)).contains("KEYLINE00"));
    press(&mut app, KeyCode::End);
    let end = screen_at(&app, (80, 24));
    insta::assert_snapshot!(end);
    assert!(end.contains("Example Intermediate (CA)"), "{end}");
    // Up from the end moves at once (it does not go past the end first).
    press(&mut app, KeyCode::Char('k'));
    assert_ne!(screen_at(&app, (80, 24)), end);
    press(&mut app, KeyCode::Home);
    assert!(screen_at(&app, (80, 24)).contains("Issued from role web"));
}

#[test]
fn an_unnamed_default_issuer_and_a_full_length_serial_are_not_cut() {
    use tresor::vault::pki::Issuer;
    let mut app = with_certs((120, 40), 1, &[]);
    // An issuer without a name shows its id (36 characters): "(default)" was cut at 120 columns.
    answer(
        &mut app,
        PkiAnswer::Issuers(Ok(vec![Issuer {
            id: "3dd83c96-d0ac-777c-0490-6f96f5338c40".into(),
            name: String::new(),
            cert: None,
            is_default: true,
            error: None,
        }])),
    );
    let screen = screen_at(&app, (120, 40));
    let row = screen
        .lines()
        .find(|l| l.contains("› 3dd83c96"))
        .unwrap_or_default();
    // The list is the left pane: up to the first border after the frame's own.
    let list = row.split('│').nth(1).unwrap_or_default();
    assert!(list.contains("(default)"), "{screen}");
    // A 20-byte serial, as OpenBao issues them (59 characters): it was cut at 23.
    let long = "3a-1f-5c-00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-9c";
    answer(&mut app, PkiAnswer::Serials(Ok(vec![long.into()])));
    let mut cert = support::pki::state::cert(1, "api.example.com", 20, false);
    cert.serial = long.into();
    answer(&mut app, PkiAnswer::Certs(vec![(long.into(), Ok(cert))]));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for size in [(120, 40), (80, 24)] {
        let screen = screen_at(&app, size);
        if size.0 == 120 {
            assert!(screen.contains(long), "{screen}");
        }
        assert!(screen.contains("api.example.com"), "{screen}");
        assert!(screen.contains("expires soon: in 20 days"), "{screen}");
    }
}

#[test]
fn a_wrapped_role_value_continues_under_the_value() {
    use tresor::vault::approle::RoleSetting;
    let mut app = with_certs((80, 24), 1, &[]);
    press(&mut app, KeyCode::Tab);
    let domains: Vec<String> = (1..=8).map(|n| format!("team{n}.example.com")).collect();
    answer(
        &mut app,
        PkiAnswer::Role {
            name: "web".into(),
            result: Ok(vec![RoleSetting {
                name: "allowed_domains".into(),
                value: domains.join(","),
            }]),
        },
    );
    let screen = screen_at(&app, (80, 24));
    // The right pane of each row that holds a part of the value.
    let rows: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.split('│').nth(2))
        .filter(|right| right.contains("example.com") || right.contains("team"))
        .collect();
    assert!(rows.len() > 1, "the value wraps at 80 columns: {screen}");
    assert!(rows[0].contains("allowed_domains"), "{screen}");
    let value_column = rows[0].find("team1").expect("the value's first row");
    for row in &rows[1..] {
        let start = row.len() - row.trim_start().len();
        assert_eq!(start, value_column, "a continuation row: {screen}");
    }
}
