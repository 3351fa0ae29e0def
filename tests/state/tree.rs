//! Pure state tests of the tree's mounts: engines tresor does not browse say so up front.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, mount, press, screen_at};
use tresor::app::{Action, App, update};
use tresor::vault::{KvVersion, SecretEngine};

const SIZE: (u16, u16) = (120, 30);

fn with_pki_and_transit() -> App {
    let mut app = connected_app(SIZE);
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("kv1/", SecretEngine::Kv(KvVersion::V1)),
                mount("pki/", SecretEngine::Other("pki".into())),
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
                mount("transit/", SecretEngine::Other("transit".into())),
            ]),
        },
    );
    app
}

fn tree_line<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("{name} on screen:\n{screen}"))
}

#[test]
fn a_mount_tresor_does_not_browse_has_no_expander_and_says_so_up_front() {
    let app = with_pki_and_transit();
    let screen = screen_at(&app, SIZE);
    let line = tree_line(&screen, "transit/");
    assert!(!line.contains('▸'), "no expander: {line}");
    assert!(line.contains("not browsable"), "said up front: {line}");
    // A pki mount opens the PKI screen: not said to be unbrowsable.
    let line = tree_line(&screen, "pki/");
    assert!(!line.contains('▸'), "no expander: {line}");
    assert!(!line.contains("not browsable"), "it opens: {line}");
    let secret = tree_line(&screen, "secret/");
    assert!(secret.contains("▸ secret/"), "{secret}");
    assert!(!secret.contains("not browsable"), "{secret}");
}

#[test]
fn opening_a_mount_tresor_does_not_browse_says_why_and_asks_nothing() {
    let mut app = with_pki_and_transit();
    // (pki/ opens the PKI screen: tests/state/pki.rs.)
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('j'));
    }
    let id = app.tree.selected_id().expect("a selection");
    assert_eq!(app.tree.full_path(id).as_deref(), Some("transit/"));
    for key in [KeyCode::Enter, KeyCode::Char('l')] {
        let effects = press(&mut app, key);
        assert!(effects.is_empty(), "{effects:?}");
        let node = app.tree.node(id).expect("the node");
        assert!(!node.expanded, "nothing to expand");
        let status = app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        assert!(
            status.contains("tresor does not browse transit engines yet"),
            "{status}"
        );
    }
    let screen = screen_at(&app, SIZE);
    assert!(!tree_line(&screen, "transit/").contains('▾'), "{screen}");
}
