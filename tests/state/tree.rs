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
                mount("ssh/", SecretEngine::Other("ssh".into())),
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
    for name in ["pki/", "transit/", "ssh/"] {
        let line = tree_line(&screen, name);
        assert!(!line.contains('▸'), "no expander: {line}");
        // Each opens a screen of its own: none is called "not browsable".
        assert!(!line.contains("not browsable"), "{line}");
    }
    let ssh = tree_line(&screen, "ssh/");
    assert!(ssh.contains("(credentials)"), "said up front: {ssh}");
    let secret = tree_line(&screen, "secret/");
    assert!(secret.contains("▸ secret/"), "{secret}");
    assert!(!secret.contains("not browsable"), "{secret}");
}

#[test]
fn every_engine_mount_opens_a_screen_of_its_own_and_expands_nothing() {
    let mut app = with_pki_and_transit();
    for name in ["pki/", "ssh/", "transit/"] {
        for _ in 0..10 {
            let id = app.tree.selected_id().expect("a selection");
            if app.tree.full_path(id).as_deref() == Some(name) {
                break;
            }
            press(&mut app, KeyCode::Char('j'));
        }
        let id = app.tree.selected_id().expect("a selection");
        assert_eq!(app.tree.full_path(id).as_deref(), Some(name));
        press(&mut app, KeyCode::Enter);
        let opened = format!("{:?}", app.modal);
        let expected = match name {
            "pki/" => "Pki(",
            "ssh/" => "Credentials",
            _ => "Transit(",
        };
        assert!(
            opened.starts_with(&format!("Some({expected}")),
            "{name}: {opened}"
        );
        assert!(
            !app.tree.node(id).expect("the node").expanded,
            "nothing to expand"
        );
        app.modal = None;
    }
}
