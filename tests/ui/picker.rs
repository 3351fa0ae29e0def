//! The profile picker (`P`): each profile with the address (and namespace) it connects to, so the
//! choice is made knowing where it goes.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, press};
use tresor::app::picker::{COMMAND_LINE, ProfileEntry};

const SIZE: (u16, u16) = (100, 24);

#[test]
fn the_profile_picker_shows_where_each_profile_connects() {
    let mut app = connected_app(SIZE);
    app.profiles = vec![
        ProfileEntry {
            name: COMMAND_LINE.into(),
            address: "https://vault.example.com:8200".into(),
            namespace: None,
        },
        ProfileEntry {
            name: "prod".into(),
            address: "https://bao.prod.example:8200".into(),
            namespace: Some("team/payments".into()),
        },
        ProfileEntry {
            name: "staging-long-name".into(),
            address: "http://127.0.0.1:8200".into(),
            namespace: None,
        },
    ];
    press(&mut app, KeyCode::Char('P'));
    let terminal = support::fixtures::render_at(&app, SIZE);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("https://bao.prod.example:8200"), "{text}");
    assert!(text.contains("namespace team/payments"), "{text}");
    assert!(text.contains("http://127.0.0.1:8200"), "{text}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_long_namespace_list_keeps_the_cursor_on_screen() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('N'));
    tresor::app::update(
        &mut app,
        tresor::app::Action::NamespacesLoaded(Ok((0..60)
            .map(|n| format!("team{n:02}/"))
            .collect())),
    );
    for _ in 0..60 {
        press(&mut app, KeyCode::Char('j'));
    }
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("› team59/"), "{text}");
    assert!(text.contains("Enter switches"), "{text}");
    assert!(text.contains("more rows above"), "{text}");
}

/// The typed-namespace mode (Tab): its footer and its closing line name what the keys do there
/// (j and k are letters of the name, Esc goes back to the list), and a rebound key shows as such.
#[test]
fn typing_a_namespace_names_its_own_keys() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('N'));
    tresor::app::update(
        &mut app,
        tresor::app::Action::NamespacesLoaded(Ok(vec!["team/".into()])),
    );
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("Enter switch"), "{text}");
    assert!(text.contains("j/k move"), "{text}");
    press(&mut app, KeyCode::Tab);
    support::fixtures::type_text(&mut app, "jk");
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("namespace: jk"), "j and k are typed: {text}");
    let footer = text.lines().last().unwrap_or_default().to_string();
    assert!(
        !footer.contains("move"),
        "nothing moves while typing: {footer}"
    );
    assert!(footer.contains("Esc back to the list"), "{footer}");
    assert!(
        text.contains("Enter switches to it (empty: root) · Esc back to the list"),
        "{text}"
    );
    // Pasting a name types it.
    tresor::app::update(&mut app, tresor::app::Action::Paste(" /x\n".into()));
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("namespace: jk/x"), "{text}");
    press(&mut app, KeyCode::Esc);
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(!text.contains("namespace: "), "back to the list: {text}");
    assert!(text.contains("Tab types a namespace"), "{text}");
}

#[test]
fn q_closes_a_picker_and_rebound_keys_show_in_it() {
    let mut app = connected_app(SIZE);
    let overrides = [tresor::app::keymap::KeyOverride {
        scope: Some("picker".into()),
        command: "type_name".into(),
        keys: vec!["t".into()],
        line: None,
    }];
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    app.keymap = keymap;
    press(&mut app, KeyCode::Char('N'));
    tresor::app::update(&mut app, tresor::app::Action::NamespacesLoaded(Ok(vec![])));
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("t types a namespace"), "{text}");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.modal.is_none(), "q closes the picker");
}

/// A token of a namespace takes tresor there, and the status names the key that changes it as
/// the keymap has it.
#[test]
fn entering_the_tokens_namespace_names_the_namespace_key() {
    let mut app = connected_app(SIZE);
    let overrides = [tresor::app::keymap::KeyOverride {
        scope: None,
        command: "switch_namespace".into(),
        // Z: free in the main view (T opens the Leases screen now).
        keys: vec!["Z".into()],
        line: None,
    }];
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    app.keymap = keymap;
    app.token_namespace_entered = false;
    let info = tresor::vault::TokenInfo {
        namespace: Some("team".into()),
        display_name: "ana".into(),
        policies: vec!["default".into()],
        ttl_seconds: 3600,
        renewable: true,
        creation_ttl: 3600,
        expires: true,
        uses_left: None,
    };
    tresor::app::update(&mut app, tresor::app::Action::TokenLookedUp(Ok(info)));
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert_eq!(
        status,
        "Namespace team: the token belongs there (Z changes it)"
    );
}
