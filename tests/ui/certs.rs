//! Certificates in a value: the secret pane shows, per certificate of the chain, subject, issuer,
//! SANs, serial, key and validity with a word ("expires soon", "EXPIRED"), not colour alone; a
//! private key in the same value is named, and stays masked like any value.

use crate::support;

use crossterm::event::KeyCode;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use serde_json::json;
use support::fixtures::{NOW, answer, connected_app, open, press, render_at, screen_at};
use time::{Duration, OffsetDateTime};
use tresor::app::App;
use tresor::vault::SecretCapabilities;

const SIZE: (u16, u16) = (120, 40);

fn at(offset: Duration) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOW).expect("in range") + offset
}

fn params(cn: &str, serial: u8, from: Duration, to: Duration) -> CertificateParams {
    let mut params = CertificateParams::new(vec![format!("{cn}.example.com")]).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.serial_number = Some(vec![serial, 0x42].into());
    params.not_before = at(from);
    params.not_after = at(to);
    params
}

/// (leaf + CA chain with the leaf's key, a lone expired certificate): the leaf ends in 12 days,
/// the CA in a year.
fn pems() -> (String, String, String) {
    let mut ca_params = params("Test CA", 1, -Duration::days(30), Duration::days(365));
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
    let ca = ca_params.self_signed(&ca_key).expect("ca");
    let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let leaf = params("web", 2, -Duration::days(78), Duration::days(12))
        .signed_by(&leaf_key, &Issuer::from_params(&ca_params, &ca_key))
        .expect("leaf");
    let old_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("key");
    let old = params("old", 3, -Duration::days(400), -Duration::days(3))
        .self_signed(&old_key)
        .expect("old");
    (
        format!("{}{}", leaf.pem(), ca.pem()),
        leaf_key.serialize_pem(),
        old.pem(),
    )
}

fn app_with(data: serde_json::Value) -> App {
    let mut app = connected_app(SIZE);
    let mut effects = open(&mut app, "secret/app/tls");
    while !effects.is_empty() {
        effects = answer(&mut app, effects, &SecretCapabilities::unknown(), &|_| {
            data.clone()
        });
    }
    press(&mut app, KeyCode::Tab);
    app
}

/// Where `needle` starts on screen, and the style of its first cell.
fn style_of(app: &App, needle: &str) -> ratatui::style::Style {
    let terminal = render_at(app, SIZE);
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(x) = row.find(needle) {
            // The rows here are ASCII up to the needle: byte offset = column.
            return buffer[(x as u16, y)].style();
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn a_chain_with_its_key_shows_each_certificate_and_names_the_key_masked() {
    let (chain, key, _) = pems();
    let bundle = format!("{chain}{key}");
    let app = app_with(json!({"bundle": bundle, "note": "plain"}));
    let screen = screen_at(&app, SIZE);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("expires soon: in 12 days"), "{screen}");
    assert!(screen.contains("expires in 365 days"), "{screen}");
    assert!(screen.contains("1 private key (masked)"), "{screen}");
    // Masked: no line of the key, nor of the certificates, is on screen.
    for line in key
        .lines()
        .chain(chain.lines())
        .filter(|l| !l.starts_with("-----") && l.len() >= 20)
    {
        assert!(!screen.contains(&line[..20]), "{line} on screen");
    }
    // The word carries the state; the colour agrees with it.
    assert_eq!(
        style_of(&app, "expires soon").fg,
        tresor::ui::theme::warning().fg
    );
    assert_eq!(
        style_of(&app, "expires in 365").fg,
        tresor::ui::theme::ok().fg
    );
}

#[test]
fn an_expired_certificate_says_expired() {
    let (_, _, old) = pems();
    let app = app_with(json!({"old": old}));
    let screen = screen_at(&app, SIZE);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("EXPIRED 3 days ago"), "{screen}");
    assert_eq!(style_of(&app, "EXPIRED").fg, tresor::ui::theme::error().fg);
}

#[test]
fn moving_to_a_value_without_pem_removes_the_summary_and_the_value_keeps_its_rows() {
    let (chain, _, _) = pems();
    let mut app = app_with(json!({"a_chain": chain, "b_note": "plain"}));
    assert!(screen_at(&app, SIZE).contains("── PEM: 2 certificates ──"));
    let (_, with_summary) = app.detail_size();
    press(&mut app, KeyCode::Char('j'));
    let screen = screen_at(&app, SIZE);
    assert!(!screen.contains("PEM:"), "{screen}");
    let (_, without) = app.detail_size();
    assert_eq!(
        without - with_summary,
        1 + 2 * tresor::app::secret_pane::PEM_ROWS_PER_CERTIFICATE as u16,
        "the summary's rows are not the value's"
    );
}

#[test]
fn a_line_too_long_for_the_pane_is_cut_with_a_mark_not_silently() {
    let (chain, _, _) = pems();
    let mut app = app_with(json!({"chain": chain}));
    tresor::app::update(&mut app, tresor::app::Action::Resize(90, 40));
    let screen = screen_at(&app, (90, 40));
    let valid = screen
        .lines()
        .find(|l| l.contains("valid 2026-09-06"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(valid.contains("…│"), "{valid}");
    assert!(!valid.contains("2026-12-05 01:55 UTC"), "{valid}");
}

#[test]
fn a_long_subject_is_cut_before_the_validity_word_is() {
    let mut params = params(
        &format!("service-{}", "x".repeat(80)),
        4,
        -Duration::days(10),
        Duration::days(5),
    );
    params.is_ca = IsCa::NoCa;
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let pem = params.self_signed(&key).expect("cert").pem();
    let app = app_with(json!({"cert": pem}));
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("expires soon: in 5 days"), "{screen}");
}
