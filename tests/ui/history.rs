//! Snapshots of the secret pane's history tabs and dialogs (insta + ratatui TestBackend): each
//! tab, deleted and destroyed versions, an old version open, a permission-limited token, the
//! confirmations and the metadata form. Plus the checks a text snapshot cannot make (styles).

use crate::support;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use support::fixtures::{
    answer, connected_app, ctrl, history_app, open, open_with_data_denied, press, rebind, root,
    rotating_data, type_text,
};
use tresor::app::{Action, App, Effect, update};
use tresor::vault::{SecretCapabilities, VaultError};

const SIZE: (u16, u16) = (110, 34);

fn render(app: &App) -> Terminal<TestBackend> {
    support::fixtures::render_at(app, SIZE)
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    format!("{}", terminal.backend())
}

fn cell_of(terminal: &Terminal<TestBackend>, needle: &str) -> ratatui::buffer::Cell {
    support::fixtures::cell_at(terminal, needle, 0)
}

#[test]
fn data_tab_of_the_current_version() {
    let app = history_app(SIZE, &root());
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen(&terminal).contains("version 27 of 27"));
    assert!(!screen(&terminal).contains("tok-27"), "values stay masked");
}

#[test]
fn versions_tab_with_deleted_and_destroyed_versions() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    // Scroll down to the soft-deleted and destroyed versions near the oldest end.
    for _ in 0..22 {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char(' ')); // marks version 5
    press(&mut app, KeyCode::Char('j')); // version 3
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen(&terminal);
    assert!(text.contains("soft-deleted 1h ago"));
    assert!(text.contains("version 3: destroyed, its data is gone for good"));
    assert!(text.contains("destroyed"));
    assert!(text.contains("27 versions · current 27 · oldest 1"));
}

#[test]
fn versions_tab_top_shows_the_current_version() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert_eq!(
        support::fixtures::cell_at(&terminal, "ago     current", 9).fg,
        Color::Green
    );
}

#[test]
fn an_old_version_open_in_the_data_tab() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Enter);
    answer(&mut app, effects, &root(), &rotating_data);
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen(&terminal).contains("version 26 of 27 · not current"));
    assert_eq!(cell_of(&terminal, "not current").bg, Color::Yellow);
}

#[test]
fn metadata_tab() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('3'));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn diff_tab_masked_and_revealed() {
    let mut app = history_app(SIZE, &root());
    let effects = press(&mut app, KeyCode::Char('4'));
    answer(&mut app, effects, &root(), &rotating_data);
    let masked = render(&app);
    insta::assert_snapshot!("diff_masked", masked.backend());
    let text = screen(&masked);
    assert!(
        !text.contains("tok-2"),
        "masked values stay masked in the diff"
    );
    assert!(
        text.contains("~ token"),
        "a changed masked value shows as changed"
    );
    assert!(text.contains("- even"));
    press(&mut app, KeyCode::Char('s'));
    let revealed = render(&app);
    insta::assert_snapshot!("diff_revealed", revealed.backend());
    assert!(screen(&revealed).contains("tok-26"));
    assert!(screen(&revealed).contains("tok-27"));
}

#[test]
fn diff_with_a_destroyed_side_says_so() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    for _ in 0..23 {
        press(&mut app, KeyCode::Char('j')); // version 4
    }
    let effects = press(&mut app, KeyCode::Char('v')); // 3 vs 4
    for effect in effects {
        if let Effect::ReadSecret {
            request, version, ..
        } = effect
        {
            let body = if version == Some(3) {
                serde_json::json!({"data": {"data": null, "metadata": {"version": 3,
                    "created_time": "2026-11-22T00:00:00Z", "deletion_time": "", "destroyed": true}}})
            } else {
                support::fixtures::version_body(4, rotating_data(4))
            };
            update(
                &mut app,
                Action::SecretLoaded {
                    request,
                    result: tresor::vault::kv::parse_v2_secret(&body, "p"),
                },
            );
        }
    }
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen(&terminal).contains("Version 3 is destroyed"));
}

#[test]
fn a_limited_token_sees_versions_but_not_data_and_no_operations() {
    let metadata_only = SecretCapabilities {
        metadata: vec!["read".into(), "list".into()],
        ..Default::default()
    };
    let mut app = connected_app(SIZE);
    open_with_data_denied(&mut app, &metadata_only);
    let data = render(&app);
    insta::assert_snapshot!("limited_data", data.backend());
    assert!(screen(&data).contains("permission denied: read on secret/data/history/rotating"));
    press(&mut app, KeyCode::Char('2'));
    let versions = render(&app);
    insta::assert_snapshot!("limited_versions", versions.backend());
    let text = screen(&versions);
    assert!(
        !text.contains("views its data") && text.contains("may not read its data"),
        "nothing offered that the token may not do:\n{text}"
    );
    let destroy = cell_of(&versions, "D destroy");
    assert!(destroy.modifier.contains(Modifier::CROSSED_OUT));
    assert!(
        !cell_of(&versions, "v compare")
            .modifier
            .contains(Modifier::CROSSED_OUT)
    );
}

#[test]
fn kv1_secret_has_only_data_with_a_note() {
    let mut app = connected_app(SIZE);
    let effects = open(&mut app, "kv1/legacy/ldap");
    let Some(Effect::ReadSecret { request, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let body = serde_json::json!({"data": {"bind_dn": "cn=svc", "bind_password": "x"}});
    let request = *request;
    update(
        &mut app,
        Action::SecretLoaded {
            request,
            result: tresor::vault::kv::parse_v1_secret(&body, "kv1/legacy/ldap"),
        },
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen(&terminal).contains("kv v1 keeps no versions"));
}

#[test]
fn soft_delete_confirmation() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn destroy_confirmation_wants_the_path_typed() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('D'));
    type_text(&mut app, "secret/history/rot");
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    // An irreversible operation's dialog has a red border.
    assert_eq!(cell_of(&terminal, "┌ Destroy").fg, Color::Red);
}

#[test]
fn metadata_form_with_a_server_error() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('m'));
    ctrl(&mut app, 'n');
    type_text(&mut app, "team");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "platform");
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::SaveMetadata { location, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let location = location.clone();
    update(
        &mut app,
        Action::MetadataSaved {
            location,
            result: Err(VaultError::Server {
                status: 400,
                path: "secret/metadata/history/rotating".into(),
                errors: vec![
                    "1 error occurred:\n\t* custom_metadata validation failed: too many keys\n\n"
                        .into(),
                ],
            }),
        },
    );
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn secret_form_masked() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(!screen(&terminal).contains("tok-27"), "masked in the form");
}

#[test]
fn secret_form_revealed_with_a_multiline_value() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::Tab);
    update(&mut app, Action::Paste("\nsecond line".into()));
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen(&terminal).contains("second line"));
}

#[test]
fn write_confirmation_summarizes_keys_only() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab); // value of the first row
    type_text(&mut app, "-changed");
    ctrl(&mut app, 'n');
    type_text(&mut app, "added_key");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "new-value");
    press(&mut app, KeyCode::Enter);
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen(&terminal);
    assert!(text.contains("check-and-set: only if version 27"));
    assert!(
        !text.contains("new-value"),
        "values stay out of the summary"
    );
}

#[test]
fn conflict_view_shows_their_change_and_mine() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "-mine");
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Char('y'));
    let Some(Effect::WriteSecret { location, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let location = location.clone();
    let effects = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::CasMismatch {
                path: "secret/data/history/rotating".into(),
            }),
        },
    );
    // Their version 28 changed "stable" and "token" and added "even".
    for effect in effects {
        if let Effect::ReadSecret { request, .. } = effect {
            let body = support::fixtures::version_body(
                28,
                serde_json::json!({"even": "28", "stable": "theirs", "token": "tok-28"}),
            );
            update(
                &mut app,
                Action::SecretLoaded {
                    request,
                    result: tresor::vault::kv::parse_v2_secret(&body, "p"),
                },
            );
        }
    }
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen(&terminal);
    assert!(text.contains("Nothing was overwritten"));
    assert!(text.contains("changed on both sides: if you re-apply, yours wins for this key"));
    assert!(text.contains("Their version 28"));
}

#[test]
fn a_long_metadata_form_scrolls_to_the_focused_row_and_keeps_the_error_on_screen() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('m'));
    for n in 0..63 {
        ctrl(&mut app, 'n');
        type_text(&mut app, &format!("key{n:02}"));
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, &format!("value{n:02}"));
        let text = screen(&render(&app));
        assert!(text.contains(&format!("value{n:02}▏")), "row {n}:\n{text}");
    }
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::SaveMetadata { location, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let location = location.clone();
    update(
        &mut app,
        Action::MetadataSaved {
            location,
            result: Err(VaultError::Server {
                status: 400,
                path: "secret/metadata/history/rotating".into(),
                errors: vec![
                    "1 error occurred:\n\t* custom_metadata validation failed: too many keys\n\n"
                        .into(),
                ],
            }),
        },
    );
    let terminal = render(&app);
    let text = screen(&terminal);
    assert!(text.contains("too many keys"), "{text}");
    assert!(text.contains("value62▏"), "{text}");
    assert!(text.contains("more rows above"), "{text}");
    insta::assert_snapshot!(terminal.backend());
    // Back up through the rows: the focus stays in view all the way, the error too.
    press(&mut app, KeyCode::BackTab);
    for n in (0..63).rev() {
        let text = screen(&render(&app));
        assert!(text.contains(&format!("key{n:02}▏")), "row {n}:\n{text}");
        assert!(text.contains("too many keys"), "row {n}:\n{text}");
        press(&mut app, KeyCode::BackTab);
        press(&mut app, KeyCode::BackTab);
    }
    // Wrapping round to the first field shows the top of the form again.
    press(&mut app, KeyCode::Tab);
    for _ in 0..140 {
        press(&mut app, KeyCode::Tab);
        if matches!(&app.modal, Some(tresor::app::Modal::MetadataForm(f)) if f.focus == tresor::app::metadata_form::Field::MaxVersions)
        {
            break;
        }
    }
    let text = screen(&render(&app));
    assert!(text.contains("max versions"), "{text}");
    assert!(text.contains("more rows below"), "{text}");
    assert!(text.contains("too many keys"), "{text}");
}

#[test]
fn the_history_tabs_and_dialogs_name_the_keys_the_user_bound() {
    let mut app = history_app(SIZE, &root());
    rebind(
        &mut app,
        &[
            ("main", "open", "b"),
            ("main", "undelete", "z"),
            ("main", "rollback", "p"),
            ("main", "edit_metadata", "K"),
            ("versions", "mark", "i"),
            ("versions", "compare", "C"),
            ("metadata_form", "submit", "Ctrl-s"),
            ("metadata_form", "cancel", "Ctrl-q"),
            ("metadata_form", "next_field", "Ctrl-j"),
            ("metadata_form", "toggle", "Ctrl-t"),
            ("metadata_form", "add_row", "Ctrl-a"),
            ("metadata_form", "delete_row", "Ctrl-x"),
        ],
    );
    // The Versions tab's line about the version under the cursor.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    let text = screen(&render(&app));
    assert!(
        text.contains("b views its data, p rolls back to it"),
        "{text}"
    );
    for _ in 0..17 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.secret.cursor_version(), Some(9));
    let text = screen(&render(&app));
    assert!(
        text.contains("(1h ago); z"),
        "wrapped before 'undeletes': {text}"
    );
    // The Diff tab with nothing to compare says how to choose two.
    app.secret.diff = None;
    app.secret.tab = tresor::app::secret_pane::SecretTab::Diff;
    let text = screen(&render(&app));
    assert!(text.contains("versions (i) and press C"), "{text}");
    // The Metadata tab says how to edit.
    press(&mut app, KeyCode::Char('3'));
    let text = screen(&render(&app));
    assert!(text.contains("K edits these settings"), "{text}");
    // The metadata form's notes, hint line and footer.
    press(&mut app, KeyCode::Char('K'));
    let text = screen(&render(&app));
    assert!(text.contains("Ctrl-t toggles"), "{text}");
    assert!(
        text.contains(
            "Ctrl-s saves · Ctrl-j next field · Ctrl-a add row · Ctrl-x remove row · Ctrl-q"
        ),
        "{text}"
    );
    assert!(text.contains("Ctrl-s save  Ctrl-j next field"), "{text}");
    // To the first custom row and remove both: the note says how to add one.
    for _ in 0..3 {
        ctrl(&mut app, 'j');
    }
    ctrl(&mut app, 'x');
    ctrl(&mut app, 'x');
    let text = screen(&render(&app));
    assert!(text.contains("none · Ctrl-a adds a row"), "{text}");
    ctrl(&mut app, 'q');
    assert!(app.modal.is_none());
}

#[test]
fn a_soft_deleted_side_of_the_diff_names_the_undelete_key() {
    let mut app = history_app(SIZE, &root());
    rebind(&mut app, &[("main", "undelete", "z")]);
    press(&mut app, KeyCode::Char('2'));
    for _ in 0..18 {
        press(&mut app, KeyCode::Char('j')); // version 9, soft-deleted
    }
    let effects = press(&mut app, KeyCode::Char('v')); // 8 vs 9
    for effect in effects {
        if let Effect::ReadSecret {
            request, version, ..
        } = effect
        {
            let body = if version == Some(9) {
                serde_json::json!({"data": {"data": null, "metadata": {"version": 9,
                    "created_time": "2026-11-22T00:00:00Z",
                    "deletion_time": "2026-11-23T00:55:48Z", "destroyed": false}}})
            } else {
                support::fixtures::version_body(8, rotating_data(8))
            };
            update(
                &mut app,
                Action::SecretLoaded {
                    request,
                    result: tresor::vault::kv::parse_v2_secret(&body, "p"),
                },
            );
        }
    }
    let text = screen(&render(&app));
    // Wrapped after "with".
    assert!(text.contains("(undelete it with"), "{text}");
    assert!(text.contains("z)."), "{text}");
}
