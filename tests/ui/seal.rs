//! The Seal screen: what each key asks for (pure state) and how it looks (snapshots): a sealed
//! cluster, unseal in progress with the share masked, every node unsealed with HA roles, one
//! node down.

use crate::support;

use crossterm::event::KeyCode;
use std::time::Duration;
use support::fixtures::{connected_app, press, render_at, screen_at, type_text, unsealed};
use tresor::app::seal::{NodeReport, SealOverview};
use tresor::app::state::Loadable;
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::vault::seal::{HaNode, Health, LeaderInfo};
use tresor::vault::{SealStatus, VaultError};

const SIZE: (u16, u16) = (110, 32);
const N1: &str = "https://vault.example.com:8200";
const N2: &str = "https://10.0.0.2:8200";
const N3: &str = "https://10.0.0.3:8200";

fn sealed(progress: u32, initialized: bool) -> SealStatus {
    SealStatus {
        seal_type: "shamir".into(),
        initialized,
        sealed: true,
        threshold: if initialized { 2 } else { 0 },
        shares: if initialized { 3 } else { 0 },
        progress,
        version: "2.7.2".into(),
        nonce: if progress > 0 {
            "8f29b4a8-75c8-f21b-8e39-a64797ed9f26".into()
        } else {
            String::new()
        },
        storage_type: Some("raft".into()),
        build_date: Some("2026-10-26T20:32:27Z".into()),
        ..SealStatus::default()
    }
}

fn open_cluster() -> SealStatus {
    SealStatus {
        threshold: 2,
        shares: 3,
        storage_type: Some("raft".into()),
        cluster_name: Some("vault-cluster-3011b157".into()),
        cluster_id: Some("3e797852-4fa9-7122-50ae-1aa14893bb01".into()),
        build_date: Some("2026-10-26T20:32:27Z".into()),
        ..unsealed()
    }
}

fn report(
    addr: &str,
    status: Result<SealStatus, VaultError>,
    health: Option<Health>,
) -> NodeReport {
    NodeReport {
        addr: addr.into(),
        status,
        health,
    }
}

fn overview(app: &mut App, nodes: Vec<NodeReport>, ha: Option<Vec<HaNode>>) -> Vec<Effect> {
    update(
        app,
        Action::SealOverviewLoaded(Box::new(SealOverview {
            leader: Ok(LeaderInfo {
                ha_enabled: true,
                is_self: true,
                leader_address: if ha.is_some() {
                    N1.into()
                } else {
                    String::new()
                },
            }),
            ha: Some(ha.map_or_else(|| Err(VaultError::Sealed), Ok)),
            nodes,
        })),
    )
}

/// A sealed server: the screen opens by itself on the next tick and asks for the overview.
fn sealed_app() -> App {
    let mut app = connected_app(SIZE);
    app.watch_nodes = vec![N2.into(), N3.into()];
    update(&mut app, Action::SealStatusLoaded(Ok(sealed(0, true))));
    let effects = update(&mut app, Action::Tick(Duration::from_millis(100)));
    assert_eq!(
        effects,
        vec![Effect::LoadSealOverview {
            nodes: vec![N1.into(), N2.into(), N3.into()],
            ask_cluster: true,
        }],
        "opened by itself"
    );
    overview(
        &mut app,
        vec![
            report(N1, Ok(sealed(0, true)), Some(Health::Sealed)),
            report(N2, Ok(sealed(0, false)), Some(Health::Uninitialized)),
            report(N3, Ok(sealed(0, false)), Some(Health::Uninitialized)),
        ],
        None,
    );
    app
}

#[test]
fn a_sealed_cluster() {
    let app = sealed_app();
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
    let text = screen_at(&app, SIZE);
    assert!(text.contains("3 nodes · 3 sealed"));
    assert!(text.contains("▱▱ 0/2"));
}

#[test]
fn unseal_in_progress_with_the_share_masked() {
    let mut app = sealed_app();
    press(&mut app, KeyCode::Char('u'));
    type_text(&mut app, "lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsxS");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Unseal { addr, share }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(addr, N1);
    assert_eq!(
        share.expose(),
        "lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsxS"
    );
    assert!(
        !format!("{effects:?}").contains("lEiy"),
        "Debug hides the share"
    );
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Ok(sealed(1, true)),
        },
    );
    // The refresh that the answer asked for comes back: nothing is left spinning.
    overview(
        &mut app,
        vec![
            report(N1, Ok(sealed(1, true)), Some(Health::Sealed)),
            report(N2, Ok(sealed(0, false)), Some(Health::Uninitialized)),
            report(N3, Ok(sealed(0, false)), Some(Health::Uninitialized)),
        ],
        None,
    );
    type_text(&mut app, "EAEYiDrg");
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
    let text = screen_at(&app, SIZE);
    assert!(text.contains("Share accepted: 1 of 2"));
    assert!(!text.contains("EAEYiDrg"), "typed share masked");
    // The same share again does not advance (the half-typed text is replaced by it: a
    // malformed share is not sent, see tests/state_seal.rs).
    for _ in 0.."EAEYiDrg".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsxS");
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Ok(sealed(1, true)),
        },
    );
    assert!(screen_at(&app, SIZE).contains("did not advance"));
    // A wrong share at the threshold.
    type_text(
        &mut app,
        "9448b2f9fbe95037565b189aa9662373506c13085ea76e117b8cefebd406cc52ab",
    );
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Err(VaultError::Server {
                status: 400,
                path: "sys/unseal".into(),
                errors: vec!["1 error occurred:\n\t* invalid key\n\n".into()],
            }),
        },
    );
    let text = screen_at(&app, SIZE);
    assert!(text.contains("refused the share (invalid key)"), "{text}");
    // Reset.
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        press(&mut app, KeyCode::Char('r')),
        vec![Effect::UnsealReset { addr: N1.into() }]
    );
}

#[test]
fn every_node_unsealed_with_roles() {
    let mut app = sealed_app();
    let ha = vec![
        HaNode {
            hostname: "vault-1".into(),
            api_address: N1.into(),
            active_node: true,
            last_echo: None,
            version: "2.7.2".into(),
        },
        HaNode {
            hostname: "vault-2".into(),
            api_address: N2.into(),
            active_node: false,
            last_echo: Some("2026-11-23T06:19:29.896453961Z".into()),
            version: "2.7.2".into(),
        },
        HaNode {
            hostname: "vault-3".into(),
            api_address: N3.into(),
            active_node: false,
            last_echo: Some("2026-11-23T06:19:31.1Z".into()),
            version: "2.7.2".into(),
        },
    ];
    let effects = overview(
        &mut app,
        vec![
            report(N1, Ok(open_cluster()), Some(Health::Active)),
            report(N2, Ok(open_cluster()), Some(Health::Standby)),
            report(N3, Ok(open_cluster()), Some(Health::Standby)),
        ],
        Some(ha),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadMounts { .. })),
        "the server is back: the tree reloads: {effects:?}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
    let text = screen_at(&app, SIZE);
    assert!(text.contains("0 sealed"));
    assert_eq!(text.matches("standby").count(), 2);
}

#[test]
fn one_node_down_and_sealing_wants_the_word() {
    let mut app = sealed_app();
    overview(
        &mut app,
        vec![
            report(N1, Ok(open_cluster()), Some(Health::Active)),
            report(N2, Ok(open_cluster()), Some(Health::Standby)),
            report(
                N3,
                Err(VaultError::Network("connection refused".into())),
                None,
            ),
        ],
        None,
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
    assert!(screen_at(&app, SIZE).contains("UNREACHABLE"));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('S'));
    type_text(&mut app, "yes");
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "only the word seals"
    );
    // The question stays open and says what it wants; Esc leaves it.
    assert!(
        screen_at(&app, SIZE).contains("Type \"seal\" exactly"),
        "{}",
        screen_at(&app, SIZE)
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('S'));
    type_text(&mut app, "seal");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::SealNode { addr: N2.into() }]
    );
    update(
        &mut app,
        Action::SealAnswered {
            addr: N2.into(),
            result: Err(VaultError::PermissionDenied {
                path: "sys/seal".into(),
                operation: tresor::vault::Operation::Write,
            }),
        },
    );
    assert!(screen_at(&app, SIZE).contains("needs a token with sudo"));
    let Some(Modal::Seal(screen)) = &app.modal else {
        panic!()
    };
    assert!(matches!(screen.nodes[2].status, Loadable::Failed(_)));
}

fn rebind(scope: Option<&str>, command: &str, key: &str) -> tresor::config::profiles::KeyOverride {
    tresor::config::profiles::KeyOverride {
        scope: scope.map(str::to_string),
        command: command.into(),
        keys: vec![key.into()],
        line: None,
    }
}

#[test]
fn the_seal_question() {
    let mut app = sealed_app();
    overview(
        &mut app,
        vec![
            report(N1, Ok(open_cluster()), Some(Health::Active)),
            report(N2, Ok(open_cluster()), Some(Health::Standby)),
            report(N3, Ok(open_cluster()), Some(Health::Standby)),
        ],
        None,
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('S'));
    type_text(&mut app, "sea");
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
    let text = screen_at(&app, SIZE);
    assert!(text.contains(&format!("Seal {N2}?")), "{text}");
    assert!(
        text.contains("Type seal, then Enter · Esc cancel"),
        "{text}"
    );
}

/// Every key the Seal screen names comes from the keymap: rebound keys show where the defaults
/// did (the hint line, the share field's line, the seal question, the footer).
#[test]
fn rebound_keys_show_everywhere_on_the_seal_screen() {
    let mut app = sealed_app();
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&[
        rebind(Some("seal"), "unseal", "o"),
        rebind(Some("seal"), "seal", "Z"),
        rebind(Some("unseal_share"), "submit", "Ctrl-s"),
        rebind(Some("unseal_share"), "cancel", "Ctrl-g"),
        rebind(Some("confirm"), "cancel", "Ctrl-q"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    app.keymap = keymap;
    // The footer shows keys when no status message is up.
    app.status = None;
    let text = screen_at(&app, SIZE);
    assert!(text.contains("o unseals the selected node"), "{text}");
    assert!(text.contains("Z seals"), "{text}");
    assert!(text.contains("o unseal"), "footer: {text}");
    press(&mut app, KeyCode::Char('o'));
    let text = screen_at(&app, SIZE);
    assert!(text.contains("Ctrl-s sends it · Ctrl-g stops"), "{text}");
    assert!(text.contains("Ctrl-s send share"), "footer: {text}");
    update(
        &mut app,
        Action::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('g'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    press(&mut app, KeyCode::Char('Z'));
    let text = screen_at(&app, SIZE);
    assert!(text.contains("Ctrl-q cancel"), "{text}");
}

/// The hint line names only keys that work on the screen: `?` does nothing here (the help
/// overlay opens from the main view), so it is not offered.
#[test]
fn the_hint_line_offers_no_key_that_does_nothing_here() {
    let mut app = sealed_app();
    let text = screen_at(&app, SIZE);
    press(&mut app, KeyCode::Char('?'));
    let works = matches!(app.modal, Some(Modal::Help(_)));
    assert!(works || !text.contains("? lists every key"), "{text}");
    assert!(text.contains("S seals · Esc closes"), "{text}");
}

/// A request answered "sealed" (503) while the Seal screen is open: the server's row says what
/// the server said (SEALED), never that it could not be reached.
#[test]
fn a_sealed_answer_while_the_screen_is_open_shows_sealed_not_unreachable() {
    let mut app = connected_app(SIZE);
    update(&mut app, Action::SealStatusLoaded(Ok(open_cluster())));
    press(&mut app, KeyCode::Char('S'));
    overview(
        &mut app,
        vec![report(N1, Ok(open_cluster()), Some(Health::Active))],
        None,
    );
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Err(VaultError::Sealed),
        },
    );
    let text = screen_at(&app, SIZE);
    assert!(!text.contains("UNREACHABLE"), "{text}");
    assert!(!text.contains("unreachable"), "{text}");
    assert!(text.contains("SEALED"), "{text}");
}

#[test]
fn a_long_status_message_is_readable_in_full_over_the_seal_screen() {
    let mut app = sealed_app();
    let long = "keys: [keys] line 2: unknown command \"revael\" (commands there: up, down, open, \
                collapse, top, bottom, page_up, page_down, filter, find, jump, switch_pane, \
                reveal, copy_value, copy_path, refresh, help, back, quit)";
    app.set_status(tresor::app::StatusKind::Warning, long);
    let text = screen_at(&app, SIZE);
    let flat: Vec<&str> = text
        .lines()
        .map(|line| line.trim_matches(|c| c == '"' || c == '│').trim())
        .collect();
    let flat = flat.join(" ");
    assert!(
        flat.contains("unknown command \"revael\"") && flat.contains("help, back, quit)"),
        "the whole message, not its last piece:\n{text}"
    );
}

#[test]
fn a_node_sealed_after_it_was_active_no_longer_says_the_cluster_calls_it_active() {
    let mut app = sealed_app();
    let active = HaNode {
        hostname: "vault-1".into(),
        api_address: N1.into(),
        active_node: true,
        last_echo: None,
        version: "2.7.2".into(),
    };
    overview(
        &mut app,
        vec![report(N1, Ok(open_cluster()), Some(Health::Active))],
        Some(vec![active]),
    );
    assert!(screen_at(&app, SIZE).contains("vault-1 active"));
    // Sealed: the cluster's view cannot be read any more (ha-status answers "sealed").
    overview(
        &mut app,
        vec![report(N1, Ok(sealed(0, true)), Some(Health::Sealed))],
        None,
    );
    let text = screen_at(&app, SIZE);
    assert!(
        !text.contains("vault-1 active"),
        "what the cluster said before it was sealed is not shown as current:\n{text}"
    );
}

/// Each node's state says what went wrong: only a node that did not answer is UNREACHABLE (a
/// refused certificate, ours or the server's, a plain-http answer, a redirect or a server error
/// is not).
#[test]
fn a_node_that_answered_with_an_error_is_not_called_unreachable() {
    let mut app = sealed_app();
    let failures = [
        (
            "https://10.0.0.4:8200",
            VaultError::Network("connection refused".into()),
            "UNREACHABLE",
        ),
        (
            "https://10.0.0.5:8200",
            VaultError::Tls("the server's certificate is not trusted".into()),
            "TLS REFUSED",
        ),
        (
            "https://10.0.0.6:8200",
            VaultError::ClientCertificate(
                "the server asked for a client certificate and none was given".into(),
            ),
            "TLS REFUSED",
        ),
        (
            "https://10.0.0.7:8200",
            VaultError::PlainHttp("the server may speak plain http".into()),
            "NOT TLS",
        ),
        (
            "https://10.0.0.8:8200",
            VaultError::Redirect("more than one redirect".into()),
            "REDIRECTED",
        ),
        (
            "https://10.0.0.9:8200",
            VaultError::Server {
                status: 500,
                path: "sys/seal-status".into(),
                errors: vec![],
            },
            "ERROR",
        ),
    ];
    let mut nodes = vec![report(N1, Ok(open_cluster()), Some(Health::Active))];
    nodes.extend(
        failures
            .iter()
            .map(|(addr, error, _)| report(addr, Err(error.clone()), None)),
    );
    overview(&mut app, nodes, None);
    let screen = screen_at(&app, SIZE);
    for (addr, _, state) in &failures {
        let row = screen
            .lines()
            .find(|line| line.contains(addr))
            .unwrap_or_else(|| panic!("no row for {addr}:\n{screen}"));
        assert!(row.contains(state), "{addr} should say {state}: {row}");
    }
    assert_eq!(screen.matches("UNREACHABLE").count(), 1, "{screen}");
    // The selected node's details say the same: "unreachable" only for the one that did not
    // answer (the details of a refused certificate said "unreachable: TLS error: ...").
    for (addr, error, _) in &failures {
        let title = format!("Node {addr}");
        let mut screen = screen_at(&app, SIZE);
        for _ in 0..10 {
            if screen.contains(&title) {
                break;
            }
            press(&mut app, KeyCode::Down);
            screen = screen_at(&app, SIZE);
        }
        assert!(screen.contains(&title), "{addr}:\n{screen}");
        assert_eq!(
            screen.contains("unreachable:"),
            error.is_unreachable(),
            "{addr}:\n{screen}"
        );
    }
}
