//! Pure state tests of dynamic credentials and the Leases screen: what each key asks of the
//! runtime, the lease counting down each second, the confirmations (a typed prefix must match),
//! and the refusals said with the missing capability and path.

use crate::support;

use crossterm::event::KeyCode;
use std::collections::BTreeMap;
use support::fixtures::{connected_app, mount, press, screen_at, status, tick, type_text};
use tresor::app::credentials::Stage;
use tresor::app::keymap::Scope;
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::secret::SecretText;
use tresor::vault::kv::SecretEntry;
use tresor::vault::leases::{
    IssueMethod, IssuedCredentials, Lease, LeaseDetails, LeaseRenewal, REVOKE_PATH,
    revoke_prefix_path,
};
use tresor::vault::{KvVersion, Operation, SecretEngine, VaultError};

pub const SIZE: (u16, u16) = (120, 30);
pub const OTP: &str = "0d9d4b8e-4b2c-4b8b-9b1e-2f6c1b7d9a01";

/// Mounts `database/`, `secret/` (kv v2) and `ssh/`.
pub fn with_engines(size: (u16, u16)) -> App {
    let mut app = connected_app(size);
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("database/", SecretEngine::Other("database".into())),
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
                mount("ssh/", SecretEngine::Other("ssh".into())),
            ]),
        },
    );
    app
}

fn select(app: &mut App, path: &str) {
    for _ in 0..10 {
        let id = app.tree.selected_id().expect("a selection");
        if app.tree.full_path(id).as_deref() == Some(path) {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("{path} not in the tree");
}

fn screen(app: &App) -> &tresor::app::credentials::CredentialsScreen {
    match &app.modal {
        Some(Modal::Credentials(screen)) => screen,
        other => panic!("the credentials view is not open: {other:?}"),
    }
}

fn leases(app: &App) -> &tresor::app::leases::LeasesScreen {
    match &app.modal {
        Some(Modal::Leases(screen)) => screen,
        other => panic!("the Leases screen is not open: {other:?}"),
    }
}

/// Opens `ssh/`, asks for `creds/otp` with `ip=10.0.0.5`, and answers with an OTP and a lease.
pub fn issued_otp(app: &mut App, ttl: u64, renewable: bool) {
    select(app, "ssh/");
    press(app, KeyCode::Enter);
    type_text(app, "creds/otp");
    press(app, KeyCode::Tab);
    press(app, KeyCode::Tab);
    type_text(app, "ip=10.0.0.5");
    let effects = press(app, KeyCode::Enter);
    let request = match effects.as_slice() {
        [Effect::IssueCredentials { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    let entry =
        |key: &str, value: &str| SecretEntry::new(key.into(), SecretText::new(value), false);
    update(
        app,
        Action::CredentialsIssued {
            request,
            result: Ok(IssuedCredentials {
                entries: vec![
                    entry("ip", "10.0.0.5"),
                    entry("key", OTP),
                    entry("username", "ubuntu"),
                ],
                lease: Some(Lease {
                    id: "ssh/creds/otp/pPCOLjZdUOiIdNNtyRcP9QbI".into(),
                    ttl,
                    renewable,
                }),
                warnings: vec![],
            }),
        },
    );
}

#[test]
fn an_ssh_mount_asks_for_a_path_and_issues_on_write_with_the_fields() {
    let mut app = with_engines(SIZE);
    select(&mut app, "ssh/");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(screen(&app).mount, "ssh/");
    type_text(&mut app, "creds/otp");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "ip=10.0.0.5 port=22");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::IssueCredentials {
            request: screen(&app).request,
            mount: "ssh/".into(),
            path: "creds/otp".into(),
            method: IssueMethod::Write(vec![
                ("ip".into(), SecretText::new("10.0.0.5")),
                ("port".into(), SecretText::new("22")),
            ]),
        }]
    );
}

#[test]
fn a_database_mount_reads_and_a_field_that_is_not_key_value_is_said_without_its_value() {
    let mut app = with_engines(SIZE);
    select(&mut app, "database/");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "creds/readonly");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::IssueCredentials { method: IssueMethod::Read, path, .. }] if path == "creds/readonly"),
        "{effects:?}"
    );
    // The engine refuses a read: back to the form, the method can be switched.
    let request = screen(&app).request;
    update(
        &mut app,
        Action::CredentialsIssued {
            request,
            result: Err(VaultError::PermissionDenied {
                path: "database/creds/readonly".into(),
                operation: Operation::Read,
            }),
        },
    );
    assert!(matches!(screen(&app).stage, Stage::Ask(_)));
    let (_, message) = screen(&app).message.clone().expect("a message");
    assert!(
        message.contains("may not read database/creds/readonly"),
        "{message}"
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "hunter2");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    let (_, message) = screen(&app).message.clone().expect("a message");
    assert!(message.contains("Field 1 is not key=value"), "{message}");
    assert!(!message.contains("hunter2"));
}

#[test]
fn the_lease_counts_down_each_second_and_closing_says_the_credentials_stay_valid() {
    let mut app = with_engines(SIZE);
    issued_otp(&mut app, 600, false);
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains("10m 00s left"), "{shown}");
    assert!(!shown.contains(OTP), "masked until revealed:\n{shown}");
    // Capabilities of the lease paths are asked once it is shown.
    tick(&mut app, 1.0);
    assert!(screen_at(&app, SIZE).contains("9m 59s left"));
    tick(&mut app, 2.0);
    assert!(screen_at(&app, SIZE).contains("9m 58s left"));
    tick(&mut app, 61.0);
    assert!(screen_at(&app, SIZE).contains("8m 59s left"));
    press(&mut app, KeyCode::Char('s'));
    assert!(screen_at(&app, SIZE).contains(OTP));
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy { text, sensitive: true, description }]
            if text.expose() == OTP && !description.contains(OTP)),
        "{effects:?}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    let said = status(&app);
    assert!(
        said.contains("stay valid until their lease ends (in 8m 59s) unless revoked")
            && said.contains("T lists leases"),
        "{said}"
    );
}

#[test]
fn renew_says_what_the_server_granted_and_revoke_asks_first() {
    let mut app = with_engines(SIZE);
    issued_otp(&mut app, 3600, true);
    let effects = press(&mut app, KeyCode::Char('r'));
    let id = "ssh/creds/otp/pPCOLjZdUOiIdNNtyRcP9QbI".to_string();
    assert_eq!(
        effects,
        vec![Effect::RenewLease {
            lease_id: id.clone(),
            increment: Some(3600),
        }]
    );
    tick(&mut app, 10.0);
    update(
        &mut app,
        Action::LeaseRenewed {
            lease_id: id.clone(),
            result: Ok(LeaseRenewal {
                lease_id: id.clone(),
                ttl: 300,
                renewable: true,
                warnings: vec![],
            }),
        },
    );
    let (_, message) = screen(&app).message.clone().expect("said");
    assert!(
        message.contains("granted 5m 00s, less than the 1h 00m asked"),
        "{message}"
    );
    assert!(screen_at(&app, SIZE).contains("5m 00s left"));

    // Revoke: a question first, nothing sent until yes.
    let effects = press(&mut app, KeyCode::Char('x'));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.modal.as_ref().map(Modal::scope), Some(Scope::Confirm));
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    press(&mut app, KeyCode::Char('x'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::RevokeLease {
            lease_id: id.clone()
        }]
    );
    update(
        &mut app,
        Action::LeaseRevoked {
            lease_id: id,
            result: Ok(()),
        },
    );
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains("revoked"), "{shown}");
    press(&mut app, KeyCode::Esc);
    assert!(status(&app).contains("was revoked"), "{}", status(&app));
}

#[test]
fn a_lease_that_is_not_renewable_or_a_token_without_update_is_refused_before_asking() {
    let mut app = with_engines(SIZE);
    issued_otp(&mut app, 600, false);
    assert!(press(&mut app, KeyCode::Char('r')).is_empty());
    let (_, message) = screen(&app).message.clone().expect("said");
    assert!(message.contains("not renewable"), "{message}");
    let mut capabilities = BTreeMap::new();
    capabilities.insert(REVOKE_PATH.to_string(), vec!["deny".to_string()]);
    update(&mut app, Action::LeaseCapabilitiesLoaded(Ok(capabilities)));
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    let (_, message) = screen(&app).message.clone().expect("said");
    assert!(
        message.contains("needs update on sys/leases/revoke"),
        "{message}"
    );
}

/// `T`, then the listings answered: `ssh/` → `creds/` → `otp/` → `count` leases.
pub fn leases_app(size: (u16, u16), count: usize) -> (App, Vec<Effect>) {
    let mut app = with_engines(size);
    let effects = press(&mut app, KeyCode::Char('T'));
    assert!(
        effects.contains(&Effect::ListLeases {
            prefix: String::new()
        }),
        "{effects:?}"
    );
    let answer = |app: &mut App, prefix: &str, keys: Vec<String>| {
        update(
            app,
            Action::LeasesListed {
                prefix: prefix.into(),
                result: Ok(keys),
            },
        )
    };
    answer(&mut app, "", vec!["ssh/".into()]);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::ListLeases {
            prefix: "ssh/".into()
        }]
    );
    answer(&mut app, "ssh/", vec!["creds/".into()]);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    answer(&mut app, "ssh/creds/", vec!["otp/".into()]);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    let keys: Vec<String> = (0..count).map(|n| format!("lease{n:03}")).collect();
    let effects = answer(&mut app, "ssh/creds/otp/", keys);
    (app, effects)
}

#[test]
fn the_leases_tree_is_listed_lazily_and_only_visible_leases_are_looked_up() {
    let (mut app, effects) = leases_app((120, 20), 500);
    let lookups: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LookupLease { lease_id } => Some(lease_id.as_str()),
            _ => None,
        })
        .collect();
    let visible = tresor::app::leases::list_height(20);
    assert!(
        !lookups.is_empty() && lookups.len() <= visible,
        "{lookups:?}"
    );
    assert_eq!(lookups[0], "ssh/creds/otp/lease000");
    // Moving down a page looks up the rows that come into view once the cursor rests, not the
    // others.
    let effects = press(&mut app, KeyCode::PageDown);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LookupLease { .. })),
        "{effects:?}"
    );
    let effects = tick(&mut app, 0.3);
    let more = effects
        .iter()
        .filter(|e| matches!(e, Effect::LookupLease { .. }))
        .count();
    assert!(more > 0 && more <= visible, "{effects:?}");
    assert!(leases(&app).details.len() < 40);

    // A lookup counts down like the token's TTL.
    let id = "ssh/creds/otp/lease000".to_string();
    press(&mut app, KeyCode::Char('g'));
    update(
        &mut app,
        Action::LeaseLookedUp {
            lease_id: id.clone(),
            result: Ok(LeaseDetails {
                id: id.clone(),
                issue_time: None,
                expire_time: Some("2026-11-23T02:05:48Z".into()),
                ttl: 600,
                renewable: false,
            }),
        },
    );
    assert!(screen_at(&app, (120, 20)).contains("expires in 10m 00s"));
    // (the clock stands at 0.3 s)
    tick(&mut app, 5.3);
    assert!(screen_at(&app, (120, 20)).contains("expires in 9m 55s"));
}

#[test]
fn revoking_a_prefix_needs_the_prefix_typed_exactly() {
    let (mut app, _) = leases_app(SIZE, 3);
    // Up to the otp/ folder.
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(
        leases(&app).selected().map(|r| r.path),
        Some("ssh/creds/otp/".to_string())
    );
    assert!(press(&mut app, KeyCode::Char('X')).is_empty());
    assert_eq!(app.modal.as_ref().map(Modal::scope), Some(Scope::Confirm));
    // y is typed into the word, not taken as a yes.
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(leases(&app).confirm.is_some(), "a wrong word is refused");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "ssh/creds/");
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "a shorter prefix is not it"
    );
    for _ in 0.."ssh/creds/".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "ssh/creds/otp/");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::RevokeLeasePrefix {
            prefix: "ssh/creds/otp/".into()
        }]
    );
    let effects = update(
        &mut app,
        Action::LeasePrefixRevoked {
            prefix: "ssh/creds/otp/".into(),
            result: Ok(()),
        },
    );
    assert!(
        effects.contains(&Effect::ListLeases {
            prefix: String::new()
        }),
        "listed again: {effects:?}"
    );
}

#[test]
fn a_token_that_may_not_list_leases_is_told_so_naming_the_path_and_list() {
    let mut app = with_engines(SIZE);
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
    let shown = screen_at(&app, SIZE);
    assert!(
        shown.contains("list on sys/leases/lookup/ is denied"),
        "{shown}"
    );
    assert!(!shown.contains("No leases"), "{shown}");
}

#[test]
fn revoking_a_prefix_without_sudo_is_struck_through_and_not_asked() {
    let (mut app, _) = leases_app(SIZE, 3);
    let mut capabilities = BTreeMap::new();
    capabilities.insert(
        revoke_prefix_path("ssh/creds/otp/"),
        vec!["update".to_string()],
    );
    update(&mut app, Action::LeaseCapabilitiesLoaded(Ok(capabilities)));
    let shown = screen_at(&app, SIZE);
    assert!(
        shown.contains("(needs update+sudo on sys/leases/revoke-prefix/ssh/creds/otp)"),
        "{shown}"
    );
    assert!(press(&mut app, KeyCode::Char('X')).is_empty());
    assert!(leases(&app).confirm.is_none());
}

#[test]
fn a_typed_prefix_lists_from_there() {
    let mut app = with_engines(SIZE);
    press(&mut app, KeyCode::Char('T'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ssh/creds");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::ListLeases {
            prefix: "ssh/creds/".into()
        }),
        "{effects:?}"
    );
    assert_eq!(leases(&app).prefix, "ssh/creds/");
}

#[test]
fn renewing_from_the_leases_screen_says_what_was_granted_and_counts_from_it() {
    let (mut app, _) = leases_app(SIZE, 2);
    press(&mut app, KeyCode::Char('G'));
    let id = "ssh/creds/otp/lease001".to_string();
    update(
        &mut app,
        Action::LeaseLookedUp {
            lease_id: id.clone(),
            result: Ok(LeaseDetails {
                id: id.clone(),
                issue_time: None,
                expire_time: None,
                ttl: 120,
                renewable: true,
            }),
        },
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('r')),
        vec![Effect::RenewLease {
            lease_id: id.clone(),
            increment: None
        }]
    );
    update(
        &mut app,
        Action::LeaseRenewed {
            lease_id: id.clone(),
            result: Ok(LeaseRenewal {
                lease_id: id.clone(),
                ttl: 3600,
                renewable: true,
                warnings: vec![],
            }),
        },
    );
    let (_, message) = leases(&app).message.clone().expect("said");
    assert!(message.contains("granted 1h 00m"), "{message}");
    assert!(screen_at(&app, SIZE).contains("expires in 1h 00m"));
    tick(&mut app, 60.0);
    assert!(screen_at(&app, SIZE).contains("expires in 59m 00s"));
}

#[test]
fn a_path_typed_with_its_mount_in_front_means_the_same() {
    let mut app = with_engines(SIZE);
    select(&mut app, "database/");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "database/creds/readonly");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::IssueCredentials { mount, path, .. }]
            if mount == "database/" && path == "creds/readonly"),
        "{effects:?}"
    );
    assert_eq!(screen(&app).asked, "database/creds/readonly");
}

/// Opens `ssh/` and asks for `creds/otp` with `ip=10.0.0.5`; the request id.
fn ask_otp(app: &mut App) -> u64 {
    select(app, "ssh/");
    press(app, KeyCode::Enter);
    type_text(app, "creds/otp");
    press(app, KeyCode::Tab);
    press(app, KeyCode::Tab);
    type_text(app, "ip=10.0.0.5");
    match press(app, KeyCode::Enter).as_slice() {
        [Effect::IssueCredentials { request, .. }] => *request,
        other => panic!("{other:?}"),
    }
}

fn otp_answer() -> IssuedCredentials {
    IssuedCredentials {
        entries: vec![SecretEntry::new("key".into(), SecretText::new(OTP), false)],
        lease: Some(Lease {
            id: "ssh/creds/otp/late".into(),
            ttl: 600,
            renewable: false,
        }),
        warnings: vec![],
    }
}

#[test]
fn credentials_that_arrive_after_esc_are_revoked_at_once_and_the_footer_offers_only_cancel() {
    let mut app = with_engines(SIZE);
    let request = ask_otp(&mut app);
    // While the engine is asked, nothing of the answer's keys is offered.
    let shown = screen_at(&app, SIZE);
    assert!(
        !shown.contains("reveal") && !shown.contains("copy"),
        "{shown}"
    );
    assert!(shown.contains("close"), "{shown}");
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    let said = status(&app);
    assert!(said.contains("revoked when they arrive"), "{said:?}");
    let effects = update(
        &mut app,
        Action::CredentialsIssued {
            request,
            result: Ok(otp_answer()),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::RevokeLease {
            lease_id: "ssh/creds/otp/late".into()
        }]
    );
    let said = status(&app);
    assert!(
        said.contains("ssh/creds/otp") && said.contains("revoking"),
        "{said}"
    );
    assert!(!said.contains("  "), "{said:?}");
    assert!(!said.contains(OTP));
    update(
        &mut app,
        Action::LeaseRevoked {
            lease_id: "ssh/creds/otp/late".into(),
            result: Ok(()),
        },
    );
    let said = status(&app);
    assert!(said.contains("revoked"), "{said}");

    // A revocation the server refuses says where the live lease is.
    let mut app = with_engines(SIZE);
    let request = ask_otp(&mut app);
    press(&mut app, KeyCode::Esc);
    update(
        &mut app,
        Action::CredentialsIssued {
            request,
            result: Ok(otp_answer()),
        },
    );
    update(
        &mut app,
        Action::LeaseRevoked {
            lease_id: "ssh/creds/otp/late".into(),
            result: Err(VaultError::PermissionDenied {
                path: "sys/leases/revoke".into(),
                operation: Operation::Write,
            }),
        },
    );
    let said = status(&app);
    assert!(
        said.contains("still valid") && said.contains("T lists leases"),
        "{said}"
    );
    assert!(!said.contains("  "), "{said:?}");
}

#[test]
fn fast_scrolling_looks_up_only_the_screen_it_stops_on() {
    let (mut app, _) = leases_app((120, 20), 501);
    let visible = tresor::app::leases::list_height(20);
    let count = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::LookupLease { .. }))
            .count()
    };
    let mut sent = 0;
    let mut now = 1.0;
    tick(&mut app, now);
    for _ in 0..25 {
        sent += count(&support::fixtures::ctrl(&mut app, 'd'));
        // Key repeat: a tick now and then, while the keys keep coming.
        now += 0.1;
        sent += count(&tick(&mut app, now));
    }
    assert_eq!(sent, 0, "looked up while scrolling past");
    // At rest: the screen it stopped on, and nothing else.
    for _ in 0..5 {
        now += 0.1;
        sent += count(&tick(&mut app, now));
    }
    assert!(sent > 0 && sent <= visible, "{sent}");
    let screen = leases(&app);
    let rows = screen.rows();
    for id in screen.details.keys() {
        let at = rows.iter().position(|r| &r.path == id).expect("a row");
        assert!(
            at < visible || (at >= screen.scroll && at < screen.scroll + visible),
            "{id} is not on the first or the last screen"
        );
    }
}

#[test]
fn a_refused_lookup_spends_a_use_and_its_row_says_it_failed() {
    let (mut app, _) = leases_app(SIZE, 3);
    app.token = tresor::app::state::Loadable::Ready(tresor::app::state::TokenView::new(
        tresor::vault::TokenInfo {
            namespace: None,
            display_name: "limited".into(),
            policies: vec!["leases".into()],
            ttl_seconds: 0,
            renewable: false,
            creation_ttl: 0,
            expires: false,
            uses_left: Some(5),
        },
        app.clock,
    ));
    update(
        &mut app,
        Action::LeaseLookedUp {
            lease_id: "ssh/creds/otp/lease000".into(),
            result: Err(VaultError::PermissionDenied {
                path: "sys/leases/lookup".into(),
                operation: Operation::Write,
            }),
        },
    );
    update(
        &mut app,
        Action::LeasesListed {
            prefix: "nope/".into(),
            result: Err(VaultError::NotFound {
                path: "sys/leases/lookup/nope/".into(),
            }),
        },
    );
    // Unreachable: the server never saw the token.
    update(
        &mut app,
        Action::LeaseLookedUp {
            lease_id: "ssh/creds/otp/lease001".into(),
            result: Err(VaultError::Network("refused".into())),
        },
    );
    let left = match &app.token {
        tresor::app::state::Loadable::Ready(view) => view.uses_left,
        _ => None,
    };
    assert_eq!(left, Some(3));
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains("✗ permission denied"), "{shown}");
}

#[test]
fn an_engine_error_reads_as_one_line_and_duplicate_fields_are_refused() {
    let mut app = with_engines(SIZE);
    let request = ask_otp(&mut app);
    update(
        &mut app,
        Action::CredentialsIssued {
            request,
            result: Err(VaultError::Server {
                status: 400,
                path: "ssh/creds/otp".into(),
                errors: vec!["1 error occurred:\n\t* unsupported operation\n\n".into()],
            }),
        },
    );
    let (_, message) = screen(&app).message.clone().expect("a message");
    assert!(
        message.ends_with("server error 400 on ssh/creds/otp: unsupported operation"),
        "{message:?}"
    );
    assert!(!message.contains('\n') && !message.contains("occurred"));
    // The form is back: a field given twice is refused, naming it.
    type_text(&mut app, " port=22 ip=10.0.0.6");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let (_, message) = screen(&app).message.clone().expect("a message");
    assert!(message.contains("\"ip\" is given twice"), "{message}");
    assert!(!message.contains("10.0.0.6"));
}

#[test]
fn renew_is_struck_through_on_auth_leases_and_their_ids_use_the_width() {
    let mut app = with_engines(SIZE);
    press(&mut app, KeyCode::Char('T'));
    let id = "h1f2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3";
    update(
        &mut app,
        Action::LeasesListed {
            prefix: String::new(),
            result: Ok(vec![id.into()]),
        },
    );
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains(id), "{shown}");
    let mut app = with_engines(SIZE);
    press(&mut app, KeyCode::Char('T'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "auth/token/create");
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::LeasesListed {
            prefix: "auth/token/create/".into(),
            result: Ok(vec![id.into()]),
        },
    );
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains(id), "{shown}");
    assert!(
        shown.contains("(tokens cannot be renewed through this endpoint)"),
        "{shown}"
    );
    assert!(press(&mut app, KeyCode::Char('r')).is_empty());
}

#[test]
fn refresh_keeps_the_open_folders_and_the_selection() {
    let (mut app, _) = leases_app(SIZE, 5);
    press(&mut app, KeyCode::Char('G'));
    let selected = leases(&app).selected().expect("a row").path;
    assert_eq!(selected, "ssh/creds/otp/lease004");
    let effects = press(&mut app, KeyCode::Char('R'));
    for prefix in ["", "ssh/", "ssh/creds/", "ssh/creds/otp/"] {
        assert!(
            effects.contains(&Effect::ListLeases {
                prefix: prefix.into()
            }),
            "{prefix:?} {effects:?}"
        );
    }
    let answer = |app: &mut App, prefix: &str, keys: Vec<String>| {
        update(
            app,
            Action::LeasesListed {
                prefix: prefix.into(),
                result: Ok(keys),
            },
        )
    };
    answer(&mut app, "", vec!["ssh/".into()]);
    answer(&mut app, "ssh/", vec!["creds/".into()]);
    answer(&mut app, "ssh/creds/", vec!["otp/".into()]);
    let keys: Vec<String> = (0..5).map(|n| format!("lease{n:03}")).collect();
    answer(&mut app, "ssh/creds/otp/", keys);
    assert_eq!(leases(&app).rows().len(), 8);
    assert_eq!(
        leases(&app).selected().expect("a row").path,
        "ssh/creds/otp/lease004"
    );
}

#[test]
fn the_credentials_view_copies_with_the_same_key_as_everywhere_else() {
    let mut app = with_engines(SIZE);
    issued_otp(&mut app, 600, false);
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy { .. }]),
        "{effects:?}"
    );
}

#[test]
fn lookups_parked_for_a_login_that_is_given_up_say_so_instead_of_waiting_forever() {
    let (mut app, effects) = leases_app(SIZE, 3);
    assert!(effects.contains(&Effect::LookupLease {
        lease_id: "ssh/creds/otp/lease000".into()
    }));
    // The token ran out of uses: the look-up is refused and parked, the login dialog opens.
    update(
        &mut app,
        Action::SessionLost {
            retry: Box::new(Effect::LookupLease {
                lease_id: "ssh/creds/otp/lease000".into(),
            }),
        },
    );
    assert!(app.login.is_some());
    press(&mut app, KeyCode::Esc);
    assert!(app.login.is_none());
    let shown = screen_at(&app, SIZE);
    let row = shown
        .lines()
        .find(|l| l.contains("lease000"))
        .expect("the row");
    assert!(row.contains("✗ not logged in"), "{row}");
}
