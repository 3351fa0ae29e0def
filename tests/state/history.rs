//! Pure state tests of the KV v2 history: tabs, viewing old versions, comparing, the version
//! operations behind their confirmations, capability checks, and what happens with the answers.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{
    answer, connected_app, ctrl, history_app, open, open_with_data_denied, press, rebind, root,
    rotating_data, status, type_text,
};
use tresor::app::history::VersionOperation;
use tresor::app::secret_pane::{SecretContent, SecretTab};
use tresor::app::{Action, Effect, Focus, Modal, StatusKind, update};
use tresor::vault::{SecretCapabilities, VaultError};

const SIZE: (u16, u16) = (120, 40);

#[test]
fn opening_a_kv2_secret_asks_data_metadata_and_capabilities_once() {
    let mut app = connected_app(SIZE);
    let effects = open(&mut app, "secret/history/rotating");
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::ReadSecret { version: None, .. },
            Effect::LoadMetadata { .. },
            Effect::LoadCapabilities { .. }
        ]
    ));
    answer(&mut app, effects, &root(), &rotating_data);
    // Reopening the same secret does not ask the capabilities again.
    let again = open(&mut app, "secret/history/rotating");
    assert_eq!(again.len(), 2, "{again:?}");
    // A KV v1 secret has no history to ask for.
    let v1 = open(&mut app, "kv1/legacy");
    assert!(matches!(v1.as_slice(), [Effect::ReadSecret { .. }]));
}

#[test]
fn tabs_switch_with_brackets_and_digits() {
    let mut app = history_app(SIZE, &root());
    assert_eq!(app.secret.tab, SecretTab::Data);
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.secret.tab, SecretTab::Versions);
    assert_eq!(app.focus, Focus::Secret, "a tab switch focuses the pane");
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.secret.tab, SecretTab::Metadata);
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.secret.tab, SecretTab::Diff, "wraps around");
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.secret.tab, SecretTab::Data);
}

#[test]
fn kv1_secrets_have_only_the_data_tab() {
    let mut app = connected_app(SIZE);
    open(&mut app, "kv1/legacy");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.secret.tab, SecretTab::Data);
    assert!(
        status(&app).contains("keeps no versions"),
        "{}",
        status(&app)
    );
    press(&mut app, KeyCode::Char('d'));
    assert!(app.modal.is_none());
}

#[test]
fn versions_are_newest_first_and_enter_opens_one_marked_not_current() {
    let mut app = history_app(SIZE, &root());
    let metadata = app.secret.loaded_metadata().unwrap();
    assert_eq!(metadata.versions.len(), 27);
    assert_eq!(metadata.versions[0].version, 27);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.secret.cursor_version(), Some(25));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::ReadSecret {
            version: Some(25),
            ..
        }]
    ));
    assert_eq!(app.secret.tab, SecretTab::Data);
    assert_eq!(app.secret.viewing, Some(25));
    answer(&mut app, effects, &root(), &rotating_data);
    let SecretContent::Loaded(secret) = app.secret.content() else {
        panic!("version 25 loaded");
    };
    assert_eq!(secret.version, Some(25));
    // Esc goes back to the current version.
    let back = press(&mut app, KeyCode::Esc);
    assert!(matches!(
        back.as_slice(),
        [Effect::ReadSecret { version: None, .. }]
    ));
    assert_eq!(app.secret.viewing, None);
}

#[test]
fn diff_defaults_to_previous_versus_current_and_steps_through_history() {
    let mut app = history_app(SIZE, &root());
    let effects = press(&mut app, KeyCode::Char('4'));
    let versions: Vec<Option<u64>> = effects
        .iter()
        .map(|e| match e {
            Effect::ReadSecret { version, .. } => *version,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(versions, vec![Some(26), Some(27)], "old on the left");
    answer(&mut app, effects, &root(), &rotating_data);
    let diff = app.secret.diff.as_ref().unwrap();
    assert!(matches!(diff.old_content, SecretContent::Loaded(_)));
    assert!(matches!(diff.new_content, SecretContent::Loaded(_)));

    let older = press(&mut app, KeyCode::Char('<'));
    assert_eq!(older.len(), 2);
    let diff = app.secret.diff.as_ref().unwrap();
    assert_eq!((diff.old, diff.new), (25, 26));
    // Stepping back skips nothing that exists: 4 -> 2 passes destroyed 3 as a version.
    let newer = press(&mut app, KeyCode::Char('>'));
    assert_eq!(newer.len(), 2);
    assert_eq!(app.secret.diff.as_ref().unwrap().new, 27);
    press(&mut app, KeyCode::Char('>'));
    assert!(status(&app).contains("newest"));
}

#[test]
fn two_marked_versions_are_compared_with_v() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char(' ')); // marks 27, moves to 26
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j')); // 24
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.secret.marked.iter().copied().collect::<Vec<_>>(),
        [24, 27]
    );
    let effects = press(&mut app, KeyCode::Char('v'));
    assert_eq!(effects.len(), 2);
    let diff = app.secret.diff.as_ref().unwrap();
    assert_eq!((diff.old, diff.new), (24, 27));
    assert_eq!(app.secret.tab, SecretTab::Diff);
}

#[test]
fn soft_delete_asks_first_names_path_and_versions_and_sends_on_yes() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j')); // 26
    assert!(press(&mut app, KeyCode::Char('d')).is_empty());
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("a confirmation");
    };
    assert!(confirm.lines[0].contains("version 26 of secret/history/rotating"));
    assert!(confirm.question.typed.is_none());
    // n cancels without a request.
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(app.modal.is_none());
    press(&mut app, KeyCode::Char('d'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::ChangeVersions {
            operation: VersionOperation::SoftDelete { versions, latest_via_data: false },
            ..
        }] if versions == &[26]
    ));
}

#[test]
fn operations_skip_versions_they_cannot_apply_to_and_refuse_when_none_is_left() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    // Cursor to version 9 (soft-deleted): index 27 - 9 = 18.
    for _ in 0..18 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.secret.cursor_version(), Some(9));
    press(&mut app, KeyCode::Char('d'));
    assert!(app.modal.is_none());
    assert!(status(&app).contains("already deleted"), "{}", status(&app));
    // Rolling back to a soft-deleted version is refused with the way out.
    press(&mut app, KeyCode::Char('r'));
    assert!(app.modal.is_none());
    assert!(status(&app).contains("undelete it (u)"), "{}", status(&app));
    // Undelete offers only the soft-deleted ones of the marked set.
    press(&mut app, KeyCode::Char(' ')); // mark 9, cursor to 8
    press(&mut app, KeyCode::Char(' ')); // mark 8
    press(&mut app, KeyCode::Char('u'));
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("a confirmation");
    };
    assert!(confirm.lines[0].contains("Undelete version 9 of"));
    assert!(confirm.lines[1].contains("Skipping version 8"));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::ChangeVersions { operation: VersionOperation::Undelete { versions }, .. }]
            if versions == &[9]
    ));
}

#[test]
fn destroy_and_delete_all_need_the_path_typed() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('D'));
    assert!(matches!(&app.modal, Some(Modal::Confirm(c)) if c.question.typed.is_some()));
    // y is just a letter here, Enter with the wrong text is refused.
    assert!(type_text(&mut app, "y").is_empty());
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("still open");
    };
    assert!(
        confirm
            .question
            .error
            .as_deref()
            .unwrap()
            .contains("secret/history/rotating")
    );
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "secret/history/rotating");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::ChangeVersions { operation: VersionOperation::Destroy { versions }, .. }]
            if versions == &[26]
    ));

    press(&mut app, KeyCode::Char('X'));
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("delete-all asks");
    };
    assert!(confirm.lines[0].contains("all 27 versions"));
    type_text(&mut app, "destroy");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::ChangeVersions {
            operation: VersionOperation::DeleteAll,
            ..
        }]
    ));
}

#[test]
fn rollback_uses_the_current_version_for_check_and_set() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('r'));
    assert!(status(&app).contains("already the current version"));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j')); // 25
    press(&mut app, KeyCode::Char('r'));
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("a confirmation");
    };
    assert!(confirm.lines[1].contains("as version 28, only if version 27 is still current"));
    let effects = press(&mut app, KeyCode::Char('y'));
    let [
        Effect::ChangeVersions {
            location,
            operation,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(
        operation,
        &VersionOperation::Rollback {
            version: 25,
            current: 27
        }
    );
    // A conflict is reported as one and nothing is retried blindly; the history reloads.
    let reload = update(
        &mut app,
        Action::VersionsChanged {
            location: location.clone(),
            operation: operation.clone(),
            result: Err(VaultError::CasMismatch {
                path: "secret/data/history/rotating".into(),
            }),
        },
    );
    let message = status(&app);
    assert!(message.contains("Conflict") && message.contains("nothing was overwritten"));
    assert_eq!(app.status.as_ref().unwrap().kind, StatusKind::Error);
    assert!(
        reload
            .iter()
            .any(|e| matches!(e, Effect::LoadMetadata { .. }))
    );
    assert!(
        !reload
            .iter()
            .any(|e| matches!(e, Effect::ChangeVersions { .. }))
    );
}

#[test]
fn a_limited_token_is_refused_before_asking_with_the_capability_it_lacks() {
    let readonly = SecretCapabilities {
        data: vec!["read".into()],
        metadata: vec!["read".into()],
        ..Default::default()
    };
    let mut app = history_app(SIZE, &readonly);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    for key in ['d', 'u', 'D', 'r', 'X', 'm'] {
        assert!(press(&mut app, KeyCode::Char(key)).is_empty());
        assert!(app.modal.is_none(), "{key} must not open a dialog");
        assert_eq!(app.status.as_ref().unwrap().kind, StatusKind::Error);
    }
    press(&mut app, KeyCode::Char('D'));
    assert!(
        status(&app).contains("update on secret/destroy/history/rotating"),
        "{}",
        status(&app)
    );
}

#[test]
fn metadata_but_no_data_still_shows_versions() {
    let mut app = connected_app(SIZE);
    open_with_data_denied(&mut app, &root());
    assert!(matches!(app.secret.content(), SecretContent::Failed(_)));
    assert_eq!(app.secret.loaded_metadata().unwrap().versions.len(), 27);
}

#[test]
fn metadata_form_keeps_the_input_when_the_server_refuses() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.modal, Some(Modal::MetadataForm(_))));
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "40");
    let effects = press(&mut app, KeyCode::Enter);
    let [
        Effect::SaveMetadata {
            location, change, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(change.max_versions, Some(40));
    assert!(change.custom_metadata.is_empty());
    update(
        &mut app,
        Action::MetadataSaved {
            location: location.clone(),
            result: Err(VaultError::Server {
                status: 400,
                path: "secret/metadata/history/rotating".into(),
                errors: vec!["1 error occurred:\n\t* max_versions too large\n\n".into()],
            }),
        },
    );
    let Some(Modal::MetadataForm(form)) = &app.modal else {
        panic!("the form stays open");
    };
    assert_eq!(form.max_versions.text, "40", "the input is kept");
    assert!(
        form.error
            .as_deref()
            .unwrap()
            .contains("max_versions too large")
    );
    assert!(!form.saving);
    // Success closes it and reloads the history.
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::SaveMetadata { location, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let reload = update(
        &mut app,
        Action::MetadataSaved {
            location: location.clone(),
            result: Ok(()),
        },
    );
    assert!(app.modal.is_none());
    assert!(
        reload
            .iter()
            .any(|e| matches!(e, Effect::LoadMetadata { .. }))
    );
}

#[test]
fn deleting_everything_clears_the_pane_and_relists_the_folder() {
    let mut app = history_app(SIZE, &root());
    let location = app.secret.location.clone().unwrap();
    let effects = update(
        &mut app,
        Action::VersionsChanged {
            location,
            operation: VersionOperation::DeleteAll,
            result: Ok(None),
        },
    );
    assert!(app.secret.metadata.is_none());
    // The pane closes (it showed the gone secret as a read failure with "R retries").
    assert!(matches!(app.secret.content(), SecretContent::Empty));
    assert_eq!(app.secret.location, None);
    // history/ held only this secret, so it went too: its parent is listed again.
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::ListFolder { location, .. } if location.display() == "secret/")
        ),
        "{effects:?}"
    );
}

#[test]
fn mouse_picks_tabs_and_versions() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = history_app(SIZE, &root());
    let areas = app.areas();
    let parts = tresor::app::layout::secret_areas(areas.secret, app.secret.entry_count());
    let click = |column: u16, row: u16| {
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // " 1 Data │ 2 Versions │ ...": a click on "Versions" opens that tab.
    update(&mut app, click(parts.tabs.x + 12, parts.tabs.y));
    assert_eq!(app.secret.tab, SecretTab::Versions);
    // The third row of the list is version 25.
    update(&mut app, click(parts.body.x + 5, parts.body.y + 2 + 2));
    assert_eq!(app.secret.cursor_version(), Some(25));
    let wheel = Action::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: parts.body.x + 5,
        row: parts.body.y + 5,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut app, wheel);
    assert_eq!(app.secret.cursor_version(), Some(22));
}

#[test]
fn copying_the_command_of_an_old_version_names_the_version() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Enter);
    answer(&mut app, effects, &root(), &rotating_data);
    press(&mut app, KeyCode::Char('Y'));
    let effects = press(&mut app, KeyCode::Char('Y'));
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        text.expose(),
        "bao kv get -version=26 -mount=secret history/rotating"
    );
}

/// Tab 4 on a path that does not exist says so, as tab 1 does, instead of loading forever.
#[test]
fn the_diff_tab_on_a_missing_secret_says_not_found() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.secret.tab, SecretTab::Diff);
    let effects = open(&mut app, "secret/history/missing");
    for effect in effects {
        let not_found = || VaultError::NotFound {
            path: "secret/data/history/missing".into(),
        };
        match effect {
            Effect::ReadSecret { request, .. } => {
                update(
                    &mut app,
                    Action::SecretLoaded {
                        request,
                        result: Err(not_found()),
                    },
                );
            }
            Effect::LoadMetadata { request, .. } => {
                update(
                    &mut app,
                    Action::MetadataLoaded {
                        request,
                        result: Err(not_found()),
                    },
                );
            }
            _ => {}
        }
    }
    let screen = support::fixtures::screen_at(&app, SIZE);
    assert!(!screen.contains("Loading the history"), "{screen}");
    assert!(screen.contains("not found"), "{screen}");
}

/// `<` and `>` step over deleted and destroyed versions (5 and 9 soft-deleted, 3 destroyed).
#[test]
fn diff_steps_skip_versions_with_nothing_to_show() {
    let mut app = history_app(SIZE, &root());
    let effects = press(&mut app, KeyCode::Char('4'));
    answer(&mut app, effects, &root(), &rotating_data);
    let mut pairs = Vec::new();
    loop {
        let effects = press(&mut app, KeyCode::Char('<'));
        if effects.is_empty() {
            break;
        }
        let diff = app.secret.diff.as_ref().unwrap();
        pairs.push((diff.old, diff.new));
        answer(&mut app, effects, &root(), &rotating_data);
    }
    assert!(status(&app).contains("oldest"));
    let tail = &pairs[pairs.len() - 7..];
    assert_eq!(
        tail,
        [(10, 11), (8, 10), (7, 8), (6, 7), (4, 6), (2, 4), (1, 2)]
    );
    for (old, new) in pairs {
        for gone in [3, 5, 9] {
            assert!(old != gone && new != gone, "stepped onto {gone}");
        }
    }
}

/// On the Diff tab, a secret with a single readable version shows its data and says why.
#[test]
fn the_diff_tab_gives_way_to_data_on_a_secret_with_one_version() {
    let mut app = history_app(SIZE, &root());
    let effects = press(&mut app, KeyCode::Char('4'));
    answer(&mut app, effects, &root(), &rotating_data);
    for effect in open(&mut app, "secret/history/single") {
        if let Effect::LoadMetadata { request, .. } = effect {
            let body = serde_json::json!({"data": {
                "current_version": 1, "oldest_version": 1, "max_versions": 0,
                "cas_required": false, "delete_version_after": "0s",
                "created_time": "2026-01-01T00:00:00Z", "updated_time": "2026-01-01T00:00:00Z",
                "custom_metadata": null,
                "versions": {"1": {"created_time": "2026-01-01T00:00:00Z",
                                   "deletion_time": "", "destroyed": false}}}});
            update(
                &mut app,
                Action::MetadataLoaded {
                    request,
                    result: Ok(tresor::vault::versions::parse_metadata(&body).unwrap()),
                },
            );
        }
    }
    assert_eq!(app.secret.tab, SecretTab::Data);
    assert!(
        status(&app).contains("nothing to compare"),
        "{}",
        status(&app)
    );
}

#[test]
fn every_typed_confirmation_says_what_to_type_up_front() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    for key in ['D', 'X'] {
        press(&mut app, KeyCode::Char(key));
        let Some(Modal::Confirm(confirm)) = &app.modal else {
            panic!("{key} asks");
        };
        assert!(confirm.question.typed.is_some(), "{key} needs typing");
        assert!(confirm.question.error.is_none(), "{key}: nothing typed yet");
        let hint = confirm.question.hint_line(&app.keymap).unwrap_or_default();
        assert!(
            hint.contains("Type secret/history/rotating or destroy"),
            "{key}: {hint:?}"
        );
        press(&mut app, KeyCode::Esc);
    }
}

#[test]
fn space_marks_and_moves_down_as_its_help_says() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    let marked: Vec<u64> = app.secret.marked.iter().copied().collect();
    assert_eq!(marked, vec![26, 27], "two in a row");
    assert_eq!(app.secret.cursor_version(), Some(25), "the cursor moved on");
    let rows = app.keymap.rows(tresor::app::keymap::Section::VersionsTab);
    let (_, _, help) = rows
        .iter()
        .find(|(_, name, _)| *name == "mark")
        .expect("the mark command is in the help");
    assert!(
        help.contains("move to the next"),
        "undocumented move: {help}"
    );
}

#[test]
fn removing_the_row_an_error_was_about_clears_the_error() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('m'));
    ctrl(&mut app, 'n');
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "orphan");
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "refused locally"
    );
    let error = |app: &tresor::app::App| match &app.modal {
        Some(Modal::MetadataForm(form)) => form.error.clone(),
        _ => panic!("the form stays open"),
    };
    assert!(error(&app).unwrap().contains("key is empty"));
    ctrl(&mut app, 'd');
    assert_eq!(error(&app), None, "the row it was about is gone");
}

#[test]
fn a_secret_deleted_with_every_version_leaves_the_tree_at_once() {
    let mut app = history_app(SIZE, &root());
    assert!(app.tree.find("secret/history/rotating").is_some());
    let location = app.secret.location.clone().unwrap();
    let effects = update(
        &mut app,
        Action::VersionsChanged {
            location,
            operation: VersionOperation::DeleteAll,
            result: Ok(None),
        },
    );
    // Gone before any listing answers: a token that may delete but not list keeps it out too.
    assert_eq!(app.tree.find("secret/history/rotating"), None);
    // Its folder held nothing else: a KV folder exists only while something is below it.
    assert_eq!(app.tree.find("secret/history/"), None);
    assert!(
        !app.tree
            .known_paths()
            .iter()
            .any(|p| p.starts_with("secret/history")),
        "the jump prompt does not offer it: {:?}",
        app.tree.known_paths()
    );
    let relist = effects
        .iter()
        .find_map(|e| match e {
            Effect::ListFolder {
                generation,
                node,
                location,
            } => Some((*generation, *node, location.display())),
            _ => None,
        })
        .expect("the nearest folder left is listed again");
    assert_eq!(relist.2, "secret/");
    update(
        &mut app,
        Action::FolderListed {
            generation: relist.0,
            node: relist.1,
            result: Err(VaultError::PermissionDenied {
                path: "secret/metadata/".into(),
                operation: tresor::vault::Operation::List,
            }),
        },
    );
    assert_eq!(app.tree.find("secret/history/rotating"), None);
    // The pane does not show the gone secret as if it were there.
    assert_eq!(app.secret.location, None);
    let screen = support::fixtures::screen_at(&app, SIZE);
    assert!(!screen.contains("1 Data"), "{screen}");
    assert!(
        screen.contains("Deleted every version and the metadata of secret/history/rotating"),
        "{screen}"
    );
}

/// The server stamps a soft-delete with its own clock, which may run a little ahead of ours (and
/// our clock moves by ticks): a version just soft-deleted can carry a deletion time a second or
/// two "in the future". `u` must still undelete it, not say it is not soft-deleted.
#[test]
fn a_version_just_soft_deleted_by_a_clock_ahead_of_ours_can_be_undeleted() {
    let mut app = history_app(SIZE, &root());
    let ahead = time::OffsetDateTime::from_unix_timestamp(support::fixtures::NOW + 2)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    if let Some(tresor::app::state::Loadable::Ready(metadata)) = &mut app.secret.metadata {
        let v26 = metadata
            .versions
            .iter_mut()
            .find(|v| v.version == 26)
            .unwrap();
        v26.deletion_time = Some(ahead);
    }
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('u'));
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("undelete asks: {}", status(&app));
    };
    assert!(
        confirm.lines[0].contains("Undelete version 26"),
        "{:?}",
        confirm.lines
    );
}

#[test]
fn a_secret_deleted_with_every_version_is_not_offered_by_the_finder() {
    let mut app = history_app(SIZE, &root());
    app.paths.paths = vec![
        "secret/history/rotating".into(),
        "secret/history/rotating-old".into(),
    ];
    let location = app.secret.location.clone().unwrap();
    update(
        &mut app,
        Action::VersionsChanged {
            location,
            operation: VersionOperation::DeleteAll,
            result: Ok(None),
        },
    );
    assert_eq!(
        app.paths.paths,
        vec!["secret/history/rotating-old".to_string()]
    );
}

#[test]
fn a_secret_deleted_after_the_pane_moved_on_still_leaves_the_tree() {
    let mut app = history_app(SIZE, &root());
    let location = app.secret.location.clone().unwrap();
    open(&mut app, "kv1/legacy");
    update(
        &mut app,
        Action::VersionsChanged {
            location,
            operation: VersionOperation::DeleteAll,
            result: Ok(None),
        },
    );
    assert_eq!(app.tree.find("secret/history/rotating"), None);
    assert_eq!(
        app.secret.location.as_ref().map(|l| l.display()).as_deref(),
        Some("kv1/legacy"),
        "the other secret stays open"
    );
}

#[test]
fn a_metadata_save_refused_by_metadata_check_and_set_says_what_happened() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Backspace);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::SaveMetadata { location, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::MetadataSaved {
            location: location.clone(),
            result: Err(VaultError::CasMismatch {
                path: "secret/metadata/history/rotating".into(),
            }),
        },
    );
    let Some(Modal::MetadataForm(form)) = &app.modal else {
        panic!("the form stays open");
    };
    let error = form.error.as_deref().unwrap();
    assert!(error.contains("changed since this form opened"), "{error}");
    assert!(!error.contains("someone else wrote it first"), "{error}");
}

/// Keys a user rebound in config.toml, for the tests below: each is free in its scope.
const REBOUND: &[(&str, &str, &str)] = &[
    ("main", "open", "b"),
    ("main", "refresh", "B"),
    ("main", "versions_tab", "t"),
    ("main", "undelete", "z"),
    ("main", "rollback", "p"),
    ("versions", "mark", "i"),
    ("confirm", "yes", "Y"),
    ("confirm", "submit", "Ctrl-s"),
    ("confirm", "cancel", "Ctrl-q"),
];

#[test]
fn history_messages_name_the_keys_the_user_bound() {
    // Nothing open: the tab key says how to open a secret.
    let mut app = connected_app(SIZE);
    rebind(&mut app, REBOUND);
    press(&mut app, KeyCode::Char('t'));
    assert!(status(&app).contains("(b on a secret)"), "{}", status(&app));
    // Open, but the history has not come yet.
    let mut app = connected_app(SIZE);
    open(&mut app, "secret/history/rotating");
    rebind(&mut app, REBOUND);
    press(&mut app, KeyCode::Char('d'));
    assert!(status(&app).contains("press B"), "{}", status(&app));

    let fresh = || {
        let mut app = history_app(SIZE, &root());
        rebind(&mut app, REBOUND);
        app
    };
    // No version chosen: where and how to choose.
    let mut app = fresh();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('d'));
    assert!(
        status(&app).contains("Versions tab (t)"),
        "{}",
        status(&app)
    );
    // A soft-deleted version cannot be rolled back to: undelete it first.
    let mut app = fresh();
    press(&mut app, KeyCode::Char('t'));
    for _ in 0..18 {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('p'));
    assert!(status(&app).contains("undelete it (z)"), "{}", status(&app));
    // Two marked: roll back to one.
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Char('p'));
    assert!(
        status(&app).contains("unmark all but one (i)"),
        "{}",
        status(&app)
    );
    // The soft-delete dialog names undelete's key, and takes the rebound yes.
    let mut app = fresh();
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('d'));
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("undelete (z)"), "{text}");
    assert!(text.contains("Y/Ctrl-s soft-delete"), "{text}");
    assert!(
        press(&mut app, KeyCode::Char('y')).is_empty(),
        "y is not yes"
    );
    let effects = press(&mut app, KeyCode::Char('Y'));
    assert!(
        matches!(effects.as_slice(), [Effect::ChangeVersions { .. }]),
        "{effects:?}"
    );
    // A typed confirmation names the rebound submit and cancel keys, and takes them.
    press(&mut app, KeyCode::Char('D'));
    let text = support::fixtures::screen_at(&app, SIZE);
    assert!(text.contains("then Ctrl-s · Ctrl-q cancel"), "{text}");
    type_text(&mut app, "destroy");
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "Enter is not submit"
    );
    let effects = ctrl(&mut app, 's');
    assert!(
        matches!(effects.as_slice(), [Effect::ChangeVersions { .. }]),
        "{effects:?}"
    );
    press(&mut app, KeyCode::Char('X'));
    assert!(app.modal.is_some());
    ctrl(&mut app, 'q');
    assert!(app.modal.is_none(), "the rebound cancel closes it");
}

#[test]
fn a_metadata_form_closed_while_saving_names_the_refresh_key() {
    let mut app = history_app(SIZE, &root());
    rebind(&mut app, REBOUND);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Backspace);
    assert!(!press(&mut app, KeyCode::Enter).is_empty(), "saving");
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    assert!(
        status(&app).contains("B shows the result"),
        "{}",
        status(&app)
    );
}

#[test]
fn text_pasted_into_a_typed_confirmation_counts_as_typed() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('D'));
    update(&mut app, Action::Paste("secret/history/rotating".into()));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::ChangeVersions { .. }]),
        "{effects:?}"
    );
}

#[test]
fn text_pasted_into_the_metadata_form_goes_into_the_focused_field() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('m'));
    ctrl(&mut app, 'n');
    update(&mut app, Action::Paste("team".into()));
    press(&mut app, KeyCode::Tab);
    update(&mut app, Action::Paste("platform\n".into()));
    let Some(Modal::MetadataForm(form)) = &app.modal else {
        panic!("the form is open");
    };
    let row = form.rows.last().expect("the new row");
    assert_eq!(
        (row.key.text.as_str(), row.value.text.as_str()),
        ("team", "platform")
    );
}
