//! The wrap and unwrap dialogs: the wrap prompt (and its action struck through for a token that
//! may not wrap), the wrapping token shown once masked and revealed, a wrapping token looked up
//! before it is used, and the unwrapped data masked and revealed (a CJK and emoji value, and 300
//! keys on a small screen).

use crate::support;

use crossterm::event::KeyCode;
use ratatui::style::Modifier;
use support::fixtures::{NOW, connected_app, history_app, press, root, type_text};
use tresor::app::{Action, App, Effect, update};
use tresor::secret::{SecretText, Token};
use tresor::vault::kv::SecretEntry;
use tresor::vault::wrapping::{UnwrappedData, WrapLookup, WrappedSecret};

const SIZE: (u16, u16) = (120, 40);
const WRAPPING_TOKEN: &str = "s.WrappingTokenForTests01";

fn screen(app: &App) -> String {
    support::fixtures::screen_at(app, SIZE)
}

fn wrap_prompt(caps: &[&str]) -> App {
    let mut app = history_app(SIZE, &root());
    assert_eq!(
        press(&mut app, KeyCode::Char('W')),
        vec![Effect::LoadWrapCapability]
    );
    update(
        &mut app,
        Action::WrapCapabilityLoaded(Ok(caps.iter().map(|c| c.to_string()).collect())),
    );
    app
}

#[test]
fn the_wrap_prompt() {
    let app = wrap_prompt(&["update"]);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn without_the_capability_the_wrap_is_struck_through_and_the_path_named() {
    let app = wrap_prompt(&["deny"]);
    let text = screen(&app);
    assert!(text.contains("needs update on sys/wrapping/wrap"), "{text}");
    let terminal = support::fixtures::render_at(&app, SIZE);
    let struck = support::fixtures::cell_at(&terminal, "Enter wrap", 0);
    assert!(struck.modifier.contains(Modifier::CROSSED_OUT));
    let cancel = support::fixtures::cell_at(&terminal, "Esc cancels", 0);
    assert!(!cancel.modifier.contains(Modifier::CROSSED_OUT));
    insta::assert_snapshot!(text);
}

fn wrapped_app() -> App {
    let mut app = wrap_prompt(&["update"]);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::WrapSecret { location, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::SecretWrapped {
            location: location.clone(),
            result: Ok(WrappedSecret {
                token: Token::new(WRAPPING_TOKEN),
                accessor: "Xq1ZkD0accessor".into(),
                ttl: 600,
                creation_path: "sys/wrapping/wrap".into(),
                creation_time: "2026-11-23T01:55:48Z".into(),
                version: Some(27),
                keys: 2,
            }),
        },
    );
    support::fixtures::tick(&mut app, 75.0);
    app
}

#[test]
fn the_wrapping_token_is_shown_once_masked_then_revealed() {
    let mut app = wrapped_app();
    let masked = screen(&app);
    assert!(!masked.contains(WRAPPING_TOKEN), "{masked}");
    assert!(masked.contains("8m45s left of 10m"), "{masked}");
    insta::assert_snapshot!("wrapping_token_masked", masked);
    press(&mut app, KeyCode::Char('s'));
    let revealed = screen(&app);
    assert!(revealed.contains(WRAPPING_TOKEN), "{revealed}");
    insta::assert_snapshot!("wrapping_token_revealed", revealed);
    // Past its TTL it says so: nobody can unwrap it any more.
    support::fixtures::tick(&mut app, 600.0);
    let expired = screen(&app);
    assert!(
        expired.contains("TTL: expired: nobody can unwrap it now"),
        "{expired}"
    );
}

fn looked_up_app() -> App {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('U'));
    type_text(&mut app, WRAPPING_TOKEN);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::LookupWrappingToken { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::WrappingTokenLookedUp {
            request: *request,
            result: Ok(WrapLookup {
                creation_path: "sys/wrapping/wrap".into(),
                creation_time: "2026-11-23T01:55:00Z".into(),
                creation_ttl: 600,
                expires_unix: Some(NOW + 552),
            }),
        },
    );
    app
}

#[test]
fn a_wrapping_token_is_looked_up_before_it_is_used() {
    let app = looked_up_app();
    let text = screen(&app);
    assert!(!text.contains(WRAPPING_TOKEN), "the typed token is masked");
    assert!(text.contains("9m12s left of 10m"), "{text}");
    insta::assert_snapshot!(text);
}

fn unwrapped_app(size: (u16, u16), entries: Vec<SecretEntry>) -> App {
    let mut app = looked_up_app();
    update(&mut app, Action::Resize(size.0, size.1));
    press(&mut app, KeyCode::Char('y'));
    update(
        &mut app,
        Action::TokenUnwrapped(Ok(UnwrappedData { entries })),
    );
    app
}

#[test]
fn the_unwrapped_data_masked_then_revealed() {
    let entries = vec![
        SecretEntry::new(
            "password".into(),
            SecretText::new("パスワード 🔑 pä55"),
            false,
        ),
        SecretEntry::new("port".into(), SecretText::new("5432"), true),
        SecretEntry::new("user".into(), SecretText::new("admin"), false),
    ];
    let mut app = unwrapped_app(SIZE, entries);
    let masked = screen(&app);
    assert!(
        !masked.contains("pä55") && !masked.contains("admin"),
        "{masked}"
    );
    insta::assert_snapshot!("unwrapped_masked", masked);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('s'));
    insta::assert_snapshot!("unwrapped_revealed", screen(&app));
}

#[test]
fn three_hundred_unwrapped_keys_fit_a_small_screen() {
    let entries = (0..300)
        .map(|n| {
            SecretEntry::new(
                format!("key-{n:03}"),
                SecretText::new(format!("値-{n}")),
                false,
            )
        })
        .collect();
    let mut app = unwrapped_app((80, 24), entries);
    // Ten at a time, to the end and back, then one by one.
    press(&mut app, KeyCode::Char('G'));
    for _ in 0..15 {
        press(&mut app, KeyCode::PageUp);
    }
    assert!(
        support::fixtures::screen_at(&app, (80, 24)).contains("›key-149"),
        "299 - 150"
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('s'));
    let text = support::fixtures::screen_at(&app, (80, 24));
    assert!(
        text.contains("›key-150"),
        "the selected key is on screen: {text}"
    );
    insta::assert_snapshot!(text);
}

/// Issue 19 (tester, item 7): saving the unwrapped data where a secret exists brings the path
/// prompt back with the typed path and why (no overwrite offered), at 80x24 and 120x40.
#[test]
fn a_save_where_a_secret_exists_asks_another_path() {
    for size in [(80, 24), (120, 40)] {
        let entries = vec![SecretEntry::new(
            "password".into(),
            SecretText::new("パスワード 🔑 pä55"),
            false,
        )];
        let mut app = unwrapped_app(size, entries);
        press(&mut app, KeyCode::Char('w'));
        support::fixtures::ctrl(&mut app, 'u');
        type_text(&mut app, "secret/handed/taken");
        press(&mut app, KeyCode::Enter);
        let effects = press(&mut app, KeyCode::Char('y'));
        let [Effect::WriteSecret { location, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        update(
            &mut app,
            Action::SecretWritten {
                location: location.clone(),
                result: Err(tresor::vault::VaultError::AlreadyExists {
                    path: "secret/data/handed/taken".into(),
                }),
            },
        );
        let text = support::fixtures::screen_at(&app, size);
        assert!(text.contains("> secret/handed/taken"), "{text}");
        assert!(text.contains("Type another path."), "{text}");
        assert!(text.contains("Esc goes back to the data"), "{text}");
        assert!(!text.contains("overwrite"), "{text}");
        insta::assert_snapshot!(format!("save_refused_{}x{}", size.0, size.1), text);
    }
}
