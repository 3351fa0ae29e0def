//! Snapshots of the credentials view (the request, masked, revealed, the lease counting down) and
//! of the Leases screen (the tree with expiries, actions struck through with the missing
//! capability and path, a token that may not list), with the struck-through style checked per cell.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::style::Modifier;
use std::collections::BTreeMap;
use support::fixtures::{cell_at, connected_app, mount, press, render_at, tick, type_text};
use tresor::app::{Action, App, Effect, update};
use tresor::secret::SecretText;
use tresor::vault::kv::SecretEntry;
use tresor::vault::leases::{
    IssuedCredentials, Lease, LeaseDetails, REVOKE_PATH, revoke_prefix_path,
};
use tresor::vault::{KvVersion, Operation, SecretEngine, VaultError};

const SIZE: (u16, u16) = (100, 24);

fn with_ssh() -> App {
    let mut app = connected_app(SIZE);
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
                mount("ssh/", SecretEngine::Other("ssh".into())),
            ]),
        },
    );
    app
}

fn request_form() -> App {
    let mut app = with_ssh();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "creds/otp");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "ip=10.0.0.5");
    app
}

fn issued() -> App {
    let mut app = request_form();
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::IssueCredentials { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let entry =
        |key: &str, value: &str| SecretEntry::new(key.into(), SecretText::new(value), false);
    update(
        &mut app,
        Action::CredentialsIssued {
            request: *request,
            result: Ok(IssuedCredentials {
                entries: vec![
                    entry("ip", "10.0.0.5"),
                    entry("key", "0d9d4b8e-4b2c-4b8b-9b1e-2f6c1b7d9a01"),
                    entry("key_type", "otp"),
                    entry("username", "ubuntu"),
                ],
                lease: Some(Lease {
                    id: "ssh/creds/otp/pPCOLjZdUOiIdNNtyRcP9QbI".into(),
                    ttl: 600,
                    renewable: false,
                }),
                warnings: vec![],
            }),
        },
    );
    app
}

#[test]
fn the_credentials_request() {
    insta::assert_snapshot!(render_at(&request_form(), SIZE).backend());
}

#[test]
fn credentials_masked_with_the_lease_and_renew_struck_through() {
    let app = issued();
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!(terminal.backend());
    // Not renewable: the renew key is struck through, and says why in words.
    let renew = cell_at(&terminal, "r renew", 0);
    assert!(renew.modifier.contains(Modifier::CROSSED_OUT));
    let revoke = cell_at(&terminal, "x revoke", 2);
    assert!(!revoke.modifier.contains(Modifier::CROSSED_OUT));
}

#[test]
fn credentials_revealed_and_the_lease_counting_down() {
    let mut app = issued();
    press(&mut app, KeyCode::Char('s'));
    tick(&mut app, 1.0);
    tick(&mut app, 75.0);
    let mut capabilities = BTreeMap::new();
    capabilities.insert(REVOKE_PATH.to_string(), vec!["deny".to_string()]);
    update(&mut app, Action::LeaseCapabilitiesLoaded(Ok(capabilities)));
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

fn leases_tree() -> App {
    let mut app = with_ssh();
    press(&mut app, KeyCode::Char('T'));
    let answer = |app: &mut App, prefix: &str, keys: &[&str]| {
        update(
            app,
            Action::LeasesListed {
                prefix: prefix.into(),
                result: Ok(keys.iter().map(|k| k.to_string()).collect()),
            },
        );
    };
    answer(&mut app, "", &["auth/", "ssh/"]);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    answer(&mut app, "ssh/", &["creds/"]);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    answer(&mut app, "ssh/creds/", &["otp/"]);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    answer(
        &mut app,
        "ssh/creds/otp/",
        &["2Bq9xKfTz1", "pPCOLjZdUOiIdNNtyRcP9QbI", "zz-unknown"],
    );
    for (id, ttl, renewable) in [
        ("2Bq9xKfTz1", 90, true),
        ("pPCOLjZdUOiIdNNtyRcP9QbI", 2_764_800, false),
    ] {
        let lease_id = format!("ssh/creds/otp/{id}");
        update(
            &mut app,
            Action::LeaseLookedUp {
                lease_id: lease_id.clone(),
                result: Ok(LeaseDetails {
                    id: lease_id,
                    issue_time: None,
                    expire_time: Some("2026-11-23T01:57:18Z".into()),
                    ttl,
                    renewable,
                }),
            },
        );
    }
    update(
        &mut app,
        Action::LeaseLookedUp {
            lease_id: "ssh/creds/otp/zz-unknown".into(),
            result: Err(VaultError::Server {
                status: 400,
                path: "sys/leases/lookup".into(),
                errors: vec!["invalid lease".into()],
            }),
        },
    );
    app
}

#[test]
fn the_leases_tree_with_expiries_and_revoke_prefix_struck_through() {
    let mut app = leases_tree();
    press(&mut app, KeyCode::Char('j'));
    let mut capabilities = BTreeMap::new();
    capabilities.insert(
        revoke_prefix_path("ssh/creds/otp/"),
        vec!["update".to_string()],
    );
    update(&mut app, Action::LeaseCapabilitiesLoaded(Ok(capabilities)));
    tick(&mut app, 30.0);
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!(terminal.backend());
    let struck = cell_at(&terminal, "X revoke prefix", 0);
    assert!(struck.modifier.contains(Modifier::CROSSED_OUT));
    let renew = cell_at(&terminal, "r renew", 0);
    assert!(!renew.modifier.contains(Modifier::CROSSED_OUT));
}

#[test]
fn the_leases_screen_at_80x24_and_the_typed_prefix_confirmation() {
    let mut app = leases_tree();
    press(&mut app, KeyCode::Char('X'));
    type_text(&mut app, "ssh/creds/");
    insta::assert_snapshot!(render_at(&app, (80, 24)).backend());
}

#[test]
fn a_token_that_may_not_list_leases() {
    let mut app = with_ssh();
    press(&mut app, KeyCode::Char('T'));
    update(
        &mut app,
        Action::LeasesListed {
            prefix: String::new(),
            result: Err(VaultError::PermissionDenied {
                path: "sys/leases/lookup/".into(),
                operation: Operation::List,
            }),
        },
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}
