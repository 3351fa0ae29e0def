//! Snapshots of the dialogs a write-only token meets (a create where a secret it may not read
//! exists, and the typed overwrite confirmation), and of the editor's retry question.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, ctrl, history_app, press, render_at, type_text};
use tresor::app::{Action, App, Effect, update};
use tresor::secret::SecretText;
use tresor::vault::{SecretCapabilities, VaultError};

const SIZE: (u16, u16) = (100, 24);

/// `n secret/app/db`, one key, saved, refused by check-and-set 0, and the read denied.
fn exists_unreadable() -> App {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "secret/app/db");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "password");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "mine");
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Char('y'));
    let Some(Effect::WriteSecret { location, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let location = location.clone();
    let read = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::AlreadyExists {
                path: "secret/app/db".into(),
            }),
        },
    );
    let Some(Effect::ReadSecret { request, .. }) = read.first() else {
        panic!("{read:?}");
    };
    update(
        &mut app,
        Action::SecretLoaded {
            request: *request,
            result: Err(VaultError::PermissionDenied {
                path: "secret/data/app/db".into(),
                operation: tresor::vault::Operation::Read,
            }),
        },
    );
    app
}

#[test]
fn a_secret_exists_that_the_token_may_not_read() {
    let app = exists_unreadable();
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn the_overwrite_asks_for_the_path_typed() {
    let mut app = exists_unreadable();
    press(&mut app, KeyCode::Char('o'));
    type_text(&mut app, "secret/app/db");
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn the_editor_s_text_refused_twice_asks_before_the_editor_opens_again() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    press(&mut app, KeyCode::Char('E'));
    for text in ["{ oops }", "{ oops 2 }"] {
        update(&mut app, Action::EditorClosed(Ok(SecretText::new(text))));
    }
    assert!(matches!(
        app.modal,
        Some(tresor::app::Modal::EditorRetry(_))
    ));
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}
