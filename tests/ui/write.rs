//! Snapshots of the dialogs a write-only token meets: a create where a secret it may not read
//! exists, and the typed overwrite confirmation.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, ctrl, press, render_at, type_text};
use tresor::app::{Action, App, Effect, update};
use tresor::vault::VaultError;

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
