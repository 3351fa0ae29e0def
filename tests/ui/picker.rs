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
