//! Pure state tests of the Seal screen and of the header's seal state: malformed shares refused
//! before sending (the typed text kept, masked), only the server's progress reported after an
//! unseal answer, one seal state for the header and the screen, refreshed every few seconds.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, press, screen_at, tick, type_text, unsealed};
use tresor::app::seal::{NodeReport, SealMode, SealOverview, ShareEntry};
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::vault::seal::{Health, LeaderInfo};
use tresor::vault::{SealStatus, VaultError};

const SIZE: (u16, u16) = (110, 32);
const N1: &str = "https://vault.example.com:8200";
const N2: &str = "https://10.0.0.2:8200";
/// A well-formed base64 share (33 bytes).
const SHARE_B64: &str = "lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsxS";

fn sealed(progress: u32) -> SealStatus {
    SealStatus {
        seal_type: "shamir".into(),
        initialized: true,
        sealed: true,
        threshold: 2,
        shares: 3,
        progress,
        version: "2.7.2".into(),
        ..SealStatus::default()
    }
}

fn overview(app: &mut App, nodes: Vec<(&str, SealStatus)>) -> Vec<Effect> {
    update(
        app,
        Action::SealOverviewLoaded(Box::new(SealOverview {
            leader: Ok(LeaderInfo::default()),
            ha: None,
            nodes: nodes
                .into_iter()
                .map(|(addr, status)| NodeReport {
                    addr: addr.into(),
                    health: Some(if status.sealed {
                        Health::Sealed
                    } else {
                        Health::Active
                    }),
                    status: Ok(status),
                })
                .collect(),
        })),
    )
}

/// The header's first line.
fn header(app: &App) -> String {
    screen_at(app, SIZE)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A sealed two-node cluster at progress 1 of 2, the Seal screen open (it opens by itself).
fn sealed_at_one() -> App {
    let mut app = connected_app(SIZE);
    app.watch_nodes = vec![N2.into()];
    update(&mut app, Action::SealStatusLoaded(Ok(sealed(1))));
    tick(&mut app, 0.1);
    overview(&mut app, vec![(N1, sealed(1)), (N2, sealed(0))]);
    app
}

fn unseal_effects(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Unseal { .. }))
        .count()
}

#[test]
fn a_malformed_share_is_refused_before_sending_and_kept_masked_for_correction() {
    let mut app = sealed_at_one();
    press(&mut app, KeyCode::Char('u'));
    type_text(&mut app, "garbage!!");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(unseal_effects(&effects), 0, "not sent: {effects:?}");
    let text = screen_at(&app, SIZE);
    assert!(!text.contains("garbage"), "still masked: {text}");
    assert!(!text.to_lowercase().contains("reset"), "{text}");
    assert!(text.contains("Not sent"), "{text}");
    assert!(text.contains("hex or base64"), "says what is wrong: {text}");
    assert!(
        text.contains("•••••••••"),
        "the nine typed characters stay for correction: {text}"
    );
    // Corrected: cleared and a good share typed, it goes.
    for _ in 0..9 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, SHARE_B64);
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(unseal_effects(&effects), 1, "{effects:?}");
}

#[test]
fn shares_of_the_wrong_length_are_refused_too() {
    for bad in [
        "d3Jvbmc=",
        "abcd",
        "0123456789abcdef0",
        "lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsx",
    ] {
        let mut app = sealed_at_one();
        press(&mut app, KeyCode::Char('u'));
        type_text(&mut app, bad);
        let effects = press(&mut app, KeyCode::Enter);
        assert_eq!(unseal_effects(&effects), 0, "{bad} not sent: {effects:?}");
        assert!(screen_at(&app, SIZE).contains("Not sent"), "{bad}");
    }
    // Hex shares of the usual shape go.
    let mut app = sealed_at_one();
    press(&mut app, KeyCode::Char('u'));
    type_text(
        &mut app,
        "9448b2f9fbe95037565b189aa9662373506c13085ea76e117b8cefebd406cc52ab",
    );
    assert_eq!(unseal_effects(&press(&mut app, KeyCode::Enter)), 1);
}

#[test]
fn a_refused_share_reports_the_servers_progress_not_a_guessed_reset() {
    let mut app = sealed_at_one();
    press(&mut app, KeyCode::Char('u'));
    type_text(&mut app, SHARE_B64);
    press(&mut app, KeyCode::Enter);
    let effects = update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Err(VaultError::Server {
                status: 400,
                path: "sys/unseal".into(),
                errors: vec!["'key' must be a valid hex or base64 string".into()],
            }),
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadSealOverview { .. })),
        "asks the server where progress stands: {effects:?}"
    );
    let text = screen_at(&app, SIZE);
    assert!(text.contains("refused the share"), "{text}");
    assert!(!text.to_lowercase().contains("reset"), "{text}");
    // The server says progress is still 1.
    overview(&mut app, vec![(N1, sealed(1)), (N2, sealed(0))]);
    let text = screen_at(&app, SIZE);
    // The message may wrap inside the dialog: read it as one line.
    let flat: Vec<&str> = text
        .lines()
        .map(|line| line.trim_matches(|c| c == '"' || c == '│').trim())
        .collect();
    assert!(
        flat.join(" ").contains("The server says: progress 1 of 2"),
        "the server's word: {text}"
    );
    // A wrong share at the threshold: the server did reset, and says so.
    type_text(&mut app, SHARE_B64);
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
    overview(&mut app, vec![(N1, sealed(0)), (N2, sealed(0))]);
    let text = screen_at(&app, SIZE);
    assert!(text.contains("refused the share (invalid key)"), "{text}");
    assert!(text.contains("The server says: progress 0 of 2"), "{text}");
}

#[test]
fn the_header_follows_the_unseal_answer_of_the_server_itself() {
    let mut app = sealed_at_one();
    assert!(header(&app).contains("SEALED 1/2"), "{}", header(&app));
    press(&mut app, KeyCode::Char('r'));
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: true,
            result: Ok(sealed(0)),
        },
    );
    assert!(header(&app).contains("SEALED 0/2"), "{}", header(&app));
    press(&mut app, KeyCode::Char('u'));
    type_text(&mut app, SHARE_B64);
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Ok(sealed(1)),
        },
    );
    assert!(
        header(&app).contains("SEALED 1/2"),
        "the header agrees with the node row: {}",
        header(&app)
    );
}

#[test]
fn sealing_from_the_seal_screen_shows_in_the_header_at_once() {
    let mut app = connected_app(SIZE);
    tick(&mut app, 0.5);
    press(&mut app, KeyCode::Char('S'));
    overview(&mut app, vec![(N1, unsealed())]);
    assert!(header(&app).contains("unsealed"), "{}", header(&app));
    press(&mut app, KeyCode::Char('S'));
    type_text(&mut app, "seal");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::SealNode { addr: N1.into() }]
    );
    let effects = update(
        &mut app,
        Action::SealAnswered {
            addr: N1.into(),
            result: Ok(()),
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadSealOverview { .. })),
        "{effects:?}"
    );
    overview(
        &mut app,
        vec![(
            N1,
            SealStatus {
                threshold: 1,
                shares: 1,
                ..sealed(0)
            },
        )],
    );
    assert!(
        header(&app).contains("SEALED 0/1"),
        "the header says what the screen says: {}",
        header(&app)
    );
}

#[test]
fn the_header_asks_for_the_seal_state_every_three_seconds() {
    let mut app = connected_app(SIZE);
    let asks = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::LoadSealStatus))
            .count()
    };
    assert_eq!(asks(&tick(&mut app, 1.0)), 0);
    assert_eq!(asks(&tick(&mut app, 3.0)), 1, "due after 3 s");
    assert_eq!(asks(&tick(&mut app, 4.0)), 0, "one at a time");
    update(&mut app, Action::SealStatusLoaded(Ok(unsealed())));
    assert_eq!(asks(&tick(&mut app, 6.0)), 0);
    assert_eq!(asks(&tick(&mut app, 7.0)), 1, "3 s after the answer");
    // Sealed from a shell: the next answer shows it, and the Seal screen opens by itself.
    update(
        &mut app,
        Action::SealStatusLoaded(Ok(SealStatus {
            threshold: 1,
            shares: 1,
            ..sealed(0)
        })),
    );
    assert!(header(&app).contains("SEALED 0/1"), "{}", header(&app));
    let effects = tick(&mut app, 7.5);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadSealOverview { .. })),
        "{effects:?}"
    );
}

#[test]
fn a_stale_seal_state_says_how_old_it_is() {
    let mut app = connected_app(SIZE);
    tick(&mut app, 3.0);
    // No answer for a while (a slow server).
    tick(&mut app, 20.0);
    let line = header(&app);
    assert!(line.contains("unsealed"), "{line}");
    assert!(line.contains("as of 20s ago"), "{line}");
}

#[test]
fn the_tree_reloads_when_the_unseal_answer_itself_says_unsealed() {
    let mut app = sealed_at_one();
    press(&mut app, KeyCode::Char('u'));
    type_text(&mut app, SHARE_B64);
    press(&mut app, KeyCode::Enter);
    let effects = update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Ok(SealStatus {
                sealed: false,
                progress: 0,
                ..sealed(0)
            }),
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadMounts { .. })),
        "{effects:?}"
    );
    // The overview that follows does not reload a second time.
    let effects = overview(&mut app, vec![(N1, unsealed()), (N2, sealed(0))]);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadMounts { .. })),
        "{effects:?}"
    );
}

fn mode(app: &App) -> SealMode {
    match &app.modal {
        Some(Modal::Seal(screen)) => screen.mode.clone(),
        other => panic!("the Seal screen is not open: {other:?}"),
    }
}

#[test]
fn one_mode_at_a_time_and_esc_goes_back_to_browsing() {
    let mut app = sealed_at_one();
    assert_eq!(mode(&app), SealMode::Browse);
    press(&mut app, KeyCode::Char('u'));
    assert!(matches!(
        mode(&app),
        SealMode::Share(ShareEntry {
            each_in_turn: false,
            ..
        })
    ));
    // In the share field, S is text, not the seal question.
    press(&mut app, KeyCode::Char('S'));
    assert!(matches!(mode(&app), SealMode::Share(_)));
    press(&mut app, KeyCode::Esc);
    assert_eq!(mode(&app), SealMode::Browse);
    press(&mut app, KeyCode::Char('S'));
    assert!(matches!(mode(&app), SealMode::ConfirmSeal { .. }));
    press(&mut app, KeyCode::Esc);
    assert_eq!(mode(&app), SealMode::Browse);
    // Esc while browsing closes the screen.
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn each_in_turn_moves_to_the_next_sealed_node_once_one_is_unsealed() {
    let mut app = sealed_at_one();
    press(&mut app, KeyCode::Char('U'));
    type_text(&mut app, SHARE_B64);
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(unseal_effects(&effects), 1);
    // Waiting for the answer: Enter sends nothing more.
    type_text(&mut app, SHARE_B64);
    assert_eq!(unseal_effects(&press(&mut app, KeyCode::Enter)), 0);
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N1.into(),
            reset: false,
            result: Ok(unsealed()),
        },
    );
    let Some(Modal::Seal(screen)) = &app.modal else {
        panic!()
    };
    assert_eq!(screen.selected().map(|n| n.addr.as_str()), Some(N2));
    assert!(matches!(
        &screen.mode,
        SealMode::Share(ShareEntry { each_in_turn: true, input, .. }) if input.text.is_empty()
    ));
    assert!(!screen.busy(), "nothing is waited for");
    assert!(screen_at(&app, SIZE).contains("Next: https://10.0.0.2:8200"));
}

#[test]
fn a_share_for_a_node_that_has_not_joined_is_held_until_it_has() {
    let mut app = sealed_at_one();
    overview(
        &mut app,
        vec![
            (N1, unsealed()),
            (
                N2,
                SealStatus {
                    initialized: false,
                    ..sealed(0)
                },
            ),
        ],
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('u'));
    // Not sealed-and-initialized yet: the screen still takes the share (u on a sealed node).
    type_text(&mut app, SHARE_B64);
    assert_eq!(unseal_effects(&press(&mut app, KeyCode::Enter)), 0, "held");
    assert!(screen_at(&app, SIZE).contains("has not joined the cluster yet"));
    let effects = overview(&mut app, vec![(N1, unsealed()), (N2, sealed(0))]);
    assert_eq!(unseal_effects(&effects), 1, "sent once joined: {effects:?}");
}

#[test]
fn a_seal_screen_whose_refresh_hangs_says_how_old_its_rows_are_and_asks_again() {
    let mut app = sealed_at_one();
    // Refreshes go out every 3 s; none answers.
    let asks = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::LoadSealOverview { .. }))
            .count()
    };
    assert_eq!(asks(&tick(&mut app, 3.5)), 1);
    assert_eq!(asks(&tick(&mut app, 7.0)), 0, "one at a time");
    let text = screen_at(&app, SIZE);
    assert!(
        text.contains("Seal status · 2 nodes · 2 sealed · as of 6s ago"),
        "{text}"
    );
    // An answer that never comes is given up on after 30 s.
    assert_eq!(asks(&tick(&mut app, 34.0)), 1);
}

/// A token with a use limit: the Seal screen does not ask `sys/ha-status` (it needs the token and
/// would spend a use every 3 s); seal status and health need no token and are still asked.
#[test]
fn a_use_limited_token_spends_no_uses_on_the_seal_screen() {
    let mut app = connected_app(SIZE);
    update(
        &mut app,
        Action::TokenLookedUp(Ok(tresor::vault::TokenInfo {
            namespace: None,
            display_name: "token".into(),
            policies: vec!["default".into()],
            ttl_seconds: 3600,
            renewable: false,
            creation_ttl: 3600,
            expires: true,
            uses_left: Some(5),
        })),
    );
    let effects = press(&mut app, KeyCode::Char('S'));
    let asks: Vec<bool> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadSealOverview { ask_cluster, .. } => Some(*ask_cluster),
            _ => None,
        })
        .collect();
    assert_eq!(asks, [false], "{effects:?}");
}

/// `u` says only what is known: on a row still being asked it does not claim "not sealed", and a
/// row the server itself called sealed (a request refused with 503) takes a share.
#[test]
fn unseal_on_a_row_not_answered_yet_or_known_sealed_from_a_refusal() {
    let mut app = connected_app(SIZE);
    update(&mut app, Action::SealStatusLoaded(Ok(unsealed())));
    press(&mut app, KeyCode::Char('S'));
    press(&mut app, KeyCode::Char('u'));
    let Some(Modal::Seal(screen)) = &app.modal else {
        panic!("the Seal screen");
    };
    let said = screen.message.as_ref().map(|(_, text)| text.clone());
    assert!(
        !said.as_deref().unwrap_or("").contains("not sealed"),
        "{said:?}"
    );
    // A read refused because the server is sealed: its row says SEALED, and u takes a share.
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Err(VaultError::Sealed),
        },
    );
    press(&mut app, KeyCode::Char('u'));
    let Some(Modal::Seal(screen)) = &app.modal else {
        panic!("the Seal screen");
    };
    assert!(
        matches!(screen.mode, SealMode::Share(_)),
        "{:?} {:?}",
        screen.mode,
        screen.message
    );
}

/// A raft node that got its last share answers "sealed, progress 0" while it joins: the screen
/// says it is unsealing, and once a refresh shows it unsealed the message says so (never the
/// stale "unsealing" under a row that says unsealed).
#[test]
fn a_joining_node_s_message_follows_it_to_unsealed() {
    let mut app = sealed_at_one();
    overview(&mut app, vec![(N1, unsealed()), (N2, sealed(1))]);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('u'));
    type_text(&mut app, SHARE_B64);
    assert_eq!(unseal_effects(&press(&mut app, KeyCode::Enter)), 1);
    update(
        &mut app,
        Action::UnsealAnswered {
            addr: N2.into(),
            reset: false,
            result: Ok(sealed(0)),
        },
    );
    assert!(screen_at(&app, SIZE).contains("is unsealing"));
    overview(&mut app, vec![(N1, unsealed()), (N2, sealed(0))]);
    assert!(
        screen_at(&app, SIZE).contains("is unsealing"),
        "still joining"
    );
    overview(&mut app, vec![(N1, unsealed()), (N2, unsealed())]);
    let screen = screen_at(&app, SIZE);
    assert!(!screen.contains("is unsealing"), "{screen}");
    assert!(
        screen.contains("https://10.0.0.2:8200 is unsealed"),
        "{screen}"
    );
}
