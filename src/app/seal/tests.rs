//! The Seal screen's mode: every transition, on the component itself (no update loop).

use super::*;
use crate::app::component::Next;
use crate::app::keymap::event;
use crate::app::state::ConnectionView;

const A: &str = "https://a:8200";
const B: &str = "https://b:8200";
/// A well-formed base64 share (33 bytes).
const SHARE: &str = "lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsxS";

fn status(sealed: bool, progress: u32) -> SealStatus {
    SealStatus {
        initialized: true,
        sealed,
        threshold: 2,
        shares: 3,
        progress,
        ..SealStatus::default()
    }
}

/// `A` sealed (progress 1 of 2), `B` unsealed, `A` selected.
fn fixture() -> (App, SealScreen) {
    let app = App::new(
        ConnectionView {
            addr: A.into(),
            has_token: true,
            ..ConnectionView::default()
        },
        (100, 30),
    );
    let mut screen = SealScreen::new(vec![A.into(), B.into()]);
    screen.nodes[0].status = Loadable::Ready(status(true, 1));
    screen.nodes[1].status = Loadable::Ready(status(false, 0));
    (app, screen)
}

/// A key as dispatch gives it: looked up in the screen's scope of the moment.
fn key(app: &mut App, screen: &mut SealScreen, text: &str) -> Outcome {
    let event = event(text);
    let command = app.keymap.command(screen.scope(), &event);
    screen.on_key(app, &event, command)
}

fn typed(app: &mut App, screen: &mut SealScreen, text: &str) {
    for c in text.chars() {
        let _ = key(app, screen, &c.to_string());
    }
}

fn effects(outcome: Outcome) -> Vec<Effect> {
    assert!(matches!(outcome.next, Next::Stay), "{outcome:?}");
    outcome.effects
}

#[test]
fn browse_opens_the_share_field_only_on_a_sealed_node() {
    let (mut app, mut screen) = fixture();
    screen.cursor = 1;
    assert!(effects(key(&mut app, &mut screen, "u")).is_empty());
    assert_eq!(screen.mode, SealMode::Browse, "B is not sealed");
    assert!(screen.message.is_some());
    // U from an unsealed node goes to the next sealed one.
    let _ = key(&mut app, &mut screen, "U");
    assert_eq!(screen.cursor, 0);
    assert!(matches!(
        &screen.mode,
        SealMode::Share(ShareEntry {
            each_in_turn: true,
            stage: ShareStage::Typing,
            ..
        })
    ));
    assert_eq!(screen.scope(), Scope::UnsealShare);
    assert!(screen.message.is_none());
}

#[test]
fn a_share_goes_typing_sent_typing_and_esc_while_sent_keeps_waiting() {
    let (mut app, mut screen) = fixture();
    let _ = key(&mut app, &mut screen, "u");
    typed(&mut app, &mut screen, SHARE);
    let sent = effects(key(&mut app, &mut screen, "Enter"));
    assert!(matches!(sent.as_slice(), [Effect::Unseal { addr, .. }] if addr == A));
    assert!(matches!(
        screen.share().map(|e| &e.stage),
        Some(ShareStage::Sent { addr, progress_before: Some(1) }) if addr == A
    ));
    assert!(screen.busy());
    // While it is out, Enter sends nothing; Esc closes the field but the answer is still awaited.
    typed(&mut app, &mut screen, SHARE);
    assert!(effects(key(&mut app, &mut screen, "Enter")).is_empty());
    let _ = key(&mut app, &mut screen, "Esc");
    assert_eq!(
        screen.mode,
        SealMode::Waiting(Waiting::Unseal {
            addr: A.into(),
            progress_before: Some(1)
        })
    );
    // Nothing new starts before the answer; moving still works.
    for starts in ['u', 'U', 'r', 'S'] {
        assert!(effects(key(&mut app, &mut screen, &starts.to_string())).is_empty());
        assert!(matches!(screen.mode, SealMode::Waiting(_)), "{starts}");
    }
    let _ = key(&mut app, &mut screen, "j");
    assert_eq!(screen.cursor, 1);
    // An answer for another node does not end the wait; the one for A does.
    assert_eq!(screen.answered(B), None);
    assert!(screen.busy());
    assert_eq!(screen.answered(A), Some(1));
    assert_eq!(screen.mode, SealMode::Browse);
}

#[test]
fn an_answer_while_the_field_is_open_lets_the_next_share_be_typed() {
    let (mut app, mut screen) = fixture();
    let _ = key(&mut app, &mut screen, "u");
    typed(&mut app, &mut screen, SHARE);
    let _ = key(&mut app, &mut screen, "Enter");
    typed(&mut app, &mut screen, "ab");
    assert_eq!(screen.answered(A), Some(1));
    let entry = screen.share().expect("the field stays");
    assert_eq!(entry.stage, ShareStage::Typing);
    assert_eq!(entry.input.text, "ab", "what was typed meanwhile stays");
}

#[test]
fn a_share_for_a_node_that_has_not_joined_is_held() {
    let (mut app, mut screen) = fixture();
    screen.nodes[0].status = Loadable::Ready(SealStatus {
        initialized: false,
        ..status(true, 0)
    });
    let _ = key(&mut app, &mut screen, "u");
    typed(&mut app, &mut screen, SHARE);
    assert!(effects(key(&mut app, &mut screen, "Enter")).is_empty());
    assert_eq!(screen.share().map(|e| &e.stage), Some(&ShareStage::Held));
    assert!(!screen.busy());
    // Joined: the next refresh sends it.
    screen.nodes[0].status = Loadable::Ready(status(true, 0));
    let sent = share::after_refresh(&mut screen);
    assert!(
        matches!(sent.as_slice(), [Effect::Unseal { .. }]),
        "{sent:?}"
    );
    assert!(matches!(
        screen.share().map(|e| &e.stage),
        Some(ShareStage::Sent { .. })
    ));
}

#[test]
fn reset_waits_for_its_answer() {
    let (mut app, mut screen) = fixture();
    let sent = effects(key(&mut app, &mut screen, "r"));
    assert_eq!(sent, vec![Effect::UnsealReset { addr: A.into() }]);
    assert_eq!(
        screen.mode,
        SealMode::Waiting(Waiting::Reset { addr: A.into() })
    );
    assert_eq!(screen.answered(A), None, "a reset sends no share");
    assert_eq!(screen.mode, SealMode::Browse);
    // Not on an unsealed node.
    screen.cursor = 1;
    assert!(effects(key(&mut app, &mut screen, "r")).is_empty());
    assert_eq!(screen.mode, SealMode::Browse);
}

#[test]
fn sealing_is_a_typed_question_that_stays_until_answered() {
    let (mut app, mut screen) = fixture();
    screen.cursor = 1;
    let _ = key(&mut app, &mut screen, "S");
    assert!(matches!(&screen.mode, SealMode::ConfirmSeal { addr, .. } if addr == B));
    assert_eq!(screen.scope(), Scope::Confirm);
    // y is typed, not a yes; a wrong word is refused and the question stays.
    typed(&mut app, &mut screen, "y");
    assert!(effects(key(&mut app, &mut screen, "Enter")).is_empty());
    assert!(matches!(
        &screen.mode,
        SealMode::ConfirmSeal { question, .. } if question.error.is_some()
    ));
    let _ = key(&mut app, &mut screen, "Esc");
    assert_eq!(screen.mode, SealMode::Browse);
    // The word and Enter seal the node the question named.
    let _ = key(&mut app, &mut screen, "S");
    let _ = screen.on_paste(&mut app, " seal ");
    let sent = effects(key(&mut app, &mut screen, "Enter"));
    assert_eq!(sent, vec![Effect::SealNode { addr: B.into() }]);
    assert_eq!(
        screen.mode,
        SealMode::Waiting(Waiting::Seal { addr: B.into() })
    );
    assert_eq!(screen.answered(B), None);
    assert_eq!(screen.mode, SealMode::Browse);
}

#[test]
fn each_in_turn_goes_on_with_the_next_sealed_node_or_stops() {
    let (_, mut screen) = fixture();
    screen.nodes[1].status = Loadable::Ready(status(true, 0));
    screen.mode = SealMode::Share(ShareEntry::new(true));
    screen.nodes[0].status = Loadable::Ready(status(false, 0));
    assert!(screen.after_unsealed().is_some());
    assert_eq!(screen.cursor, 1);
    assert!(matches!(&screen.mode, SealMode::Share(e) if e.each_in_turn));
    screen.nodes[1].status = Loadable::Ready(status(false, 0));
    assert_eq!(screen.after_unsealed(), None, "none left");
    assert_eq!(screen.mode, SealMode::Browse);
    // Without U, one node only.
    screen.nodes[0].status = Loadable::Ready(status(true, 0));
    screen.mode = SealMode::Share(ShareEntry::new(false));
    assert_eq!(screen.after_unsealed(), None);
    assert_eq!(screen.mode, SealMode::Browse);
}

#[test]
fn close_only_while_browsing_or_waiting() {
    let (mut app, mut screen) = fixture();
    let _ = key(&mut app, &mut screen, "u");
    assert!(matches!(key(&mut app, &mut screen, "q").next, Next::Stay));
    let _ = key(&mut app, &mut screen, "Esc");
    assert!(matches!(key(&mut app, &mut screen, "q").next, Next::Close));
    let _ = key(&mut app, &mut screen, "r");
    assert!(matches!(
        key(&mut app, &mut screen, "Esc").next,
        Next::Close
    ));
}

#[test]
fn hints_follow_the_mode_and_the_keymap() {
    let (mut app, mut screen) = fixture();
    let words = |screen: &SealScreen, app: &App| -> Vec<String> {
        screen
            .hints(app)
            .into_iter()
            .map(|(key, word)| format!("{key} {word}"))
            .collect()
    };
    assert_eq!(
        words(&screen, &app),
        [
            "u unseal",
            "U each in turn",
            "r reset",
            "S seal",
            "Esc close"
        ]
    );
    let _ = key(&mut app, &mut screen, "u");
    assert_eq!(words(&screen, &app), ["Enter send share", "Esc stop"]);
    let _ = key(&mut app, &mut screen, "Esc");
    let _ = key(&mut app, &mut screen, "S");
    assert_eq!(words(&screen, &app), ["Enter seal", "Esc cancel"]);
}
