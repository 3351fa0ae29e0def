//! Pure state tests of writing: what each key opens, what is refused before any request, what a
//! save sends (check-and-set, patch), and that no answer (failure, conflict, bad editor text) loses
//! the user's input.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{
    answer, connected_app, ctrl, history_app, open, open_with_data_denied, press, root,
    rotating_data, status, type_text,
};
use tresor::app::edit::DraftBase;
use tresor::app::{Action, App, Effect, Modal, StatusKind, update};
use tresor::secret::SecretText;
use tresor::vault::write::WriteMode;
use tresor::vault::{SecretCapabilities, VaultError};

const SIZE: (u16, u16) = (120, 40);

fn form_error(app: &App) -> String {
    match &app.modal {
        Some(Modal::SecretForm(form)) => form.error.clone().unwrap_or_default(),
        other => panic!("expected the form, got {other:?}"),
    }
}

/// Edits the first value of the open secret and gets to the confirmation.
fn edit_and_confirm(app: &mut App, suffix: &str) {
    press(app, KeyCode::Char('e'));
    press(app, KeyCode::Tab);
    type_text(app, suffix);
    press(app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::ConfirmWrite(_))));
}

#[test]
fn saving_an_edit_writes_with_check_and_set_from_the_opened_version() {
    let mut app = history_app(SIZE, &root());
    edit_and_confirm(&mut app, "-x");
    let effects = press(&mut app, KeyCode::Char('y'));
    let [
        Effect::WriteSecret {
            location,
            body,
            mode,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(location.display(), "secret/history/rotating");
    assert_eq!(*mode, WriteMode::Replace { cas: Some(27) });
    let sent: serde_json::Value = serde_json::from_slice(body.expose()).unwrap();
    assert_eq!(sent["stable"], "same-x");
    assert_eq!(sent["token"], "tok-27");
    assert!(
        !format!("{effects:?}").contains("same-x"),
        "Debug of the effect hides the body"
    );
    // The answer: saved, the dialog closes and the secret is reopened.
    let location = location.clone();
    let after = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Ok(Some(28)),
        },
    );
    assert!(app.modal.is_none());
    assert!(status(&app).contains("Saved secret/history/rotating as version 28"));
    assert!(
        after
            .iter()
            .any(|e| matches!(e, Effect::ReadSecret { version: None, .. }))
    );
}

#[test]
fn a_failed_write_returns_to_the_form_with_the_input() {
    let mut app = history_app(SIZE, &root());
    edit_and_confirm(&mut app, "-kept");
    let effects = press(&mut app, KeyCode::Char('y'));
    let Some(Effect::WriteSecret { location, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let location = location.clone();
    update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::PermissionDenied {
                path: "secret/data/history/rotating".into(),
                operation: tresor::vault::Operation::Write,
            }),
        },
    );
    let Some(Modal::SecretForm(form)) = &app.modal else {
        panic!("back in the form");
    };
    assert_eq!(form.draft.rows[0].value.text, "same-kept");
    assert!(
        form_error(&app)
            .contains("permission denied: create/update on secret/data/history/rotating")
    );
    // Enter goes straight back to the confirmation: a retry.
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::ConfirmWrite(_))));
}

#[test]
fn a_conflict_reads_their_version_and_reapplying_asks_again_with_their_cas() {
    let mut app = history_app(SIZE, &root());
    edit_and_confirm(&mut app, "-mine");
    let effects = press(&mut app, KeyCode::Char('y'));
    let Some(Effect::WriteSecret { location, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let location = location.clone();
    let read = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::CasMismatch {
                path: "secret/data/history/rotating".into(),
            }),
        },
    );
    let [Effect::ReadSecret { request, .. }] = read.as_slice() else {
        panic!("{read:?}");
    };
    assert!(matches!(app.modal, Some(Modal::Conflict(_))));
    // c copies my version, as a sensitive copy.
    let copy = press(&mut app, KeyCode::Char('c'));
    assert!(matches!(
        copy.as_slice(),
        [Effect::Copy {
            sensitive: true,
            ..
        }]
    ));
    let theirs = support::fixtures::version_body(
        28,
        serde_json::json!({"stable": "same", "token": "tok-28"}),
    );
    update(
        &mut app,
        Action::SecretLoaded {
            request: *request,
            result: tresor::vault::kv::parse_v2_secret(&theirs, "p"),
        },
    );
    press(&mut app, KeyCode::Char('a'));
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("re-apply asks again");
    };
    assert_eq!(confirm.draft.cas(), Some(28));
    let values: Vec<(String, String)> = confirm
        .draft
        .entries()
        .iter()
        .map(|e| (e.key.clone(), e.value.expose().to_string()))
        .collect();
    assert!(values.contains(&("stable".into(), "same-mine".into())));
    assert!(values.contains(&("token".into(), "tok-28".into())));
}

#[test]
fn escape_with_changes_asks_before_discarding() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none(), "no changes: Esc just closes");
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "typed");
    press(&mut app, KeyCode::Esc);
    assert!(form_error(&app).contains("Esc again discards"));
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn bad_input_is_refused_in_the_form_before_any_request() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    // Rename the second key to the first: a duplicate.
    press(&mut app, KeyCode::Down);
    ctrl(&mut app, 'u');
    type_text(&mut app, "stable");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(form_error(&app).contains("appears twice"));
    // A value marked JSON that is not JSON.
    ctrl(&mut app, 'u');
    type_text(&mut app, "cfg");
    press(&mut app, KeyCode::Tab);
    ctrl(&mut app, 't');
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(form_error(&app).contains("not valid JSON"));
    // Removing every key: an empty secret.
    ctrl(&mut app, 'd');
    ctrl(&mut app, 'd');
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(form_error(&app).contains("empty"));
}

#[test]
fn new_refuses_folders_dots_and_other_engines_then_opens_a_form_with_cas_zero() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('n'));
    let Some(Modal::PathPrompt(prompt)) = &app.modal else {
        panic!("a path prompt");
    };
    assert_eq!(prompt.input.text, "kv1/", "the selected mount's folder");
    ctrl(&mut app, 'u');
    for bad in ["secret/app/", "secret/a/../b", "nowhere/x"] {
        type_text(&mut app, bad);
        press(&mut app, KeyCode::Enter);
        let Some(Modal::PathPrompt(prompt)) = &app.modal else {
            panic!("{bad}: still prompting");
        };
        assert!(prompt.error.is_some(), "{bad}");
        ctrl(&mut app, 'u');
    }
    type_text(&mut app, "secret/app/new");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::SecretForm(form)) = &app.modal else {
        panic!("the form");
    };
    assert_eq!(form.draft.base, DraftBase::New);
    assert_eq!(form.draft.cas(), Some(0));
}

#[test]
fn kv1_writes_say_there_is_no_check_and_set() {
    let mut app = connected_app(SIZE);
    let effects = open(&mut app, "kv1/legacy/ftp");
    let Some(Effect::ReadSecret { request, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let body = serde_json::json!({"data": {"user": "ftp", "password": "p"}});
    update(
        &mut app,
        Action::SecretLoaded {
            request: *request,
            result: tresor::vault::kv::parse_v1_secret(&body, "kv1/legacy/ftp"),
        },
    );
    edit_and_confirm(&mut app, "2");
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!();
    };
    assert!(confirm.lines()[0].contains("no versions and no check-and-set"));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::WriteSecret {
            mode: WriteMode::Replace { cas: None },
            ..
        }]
    ));
}

#[test]
fn a_write_only_token_gets_a_patch_of_named_keys() {
    let writer = SecretCapabilities {
        data: vec!["patch".into(), "update".into()],
        ..Default::default()
    };
    let mut app = connected_app(SIZE);
    open_with_data_denied(&mut app, &writer);
    press(&mut app, KeyCode::Char('e'));
    let Some(Modal::SecretForm(form)) = &app.modal else {
        panic!("a patch form: {}", status(&app));
    };
    assert_eq!(form.draft.base, DraftBase::Patch);
    type_text(&mut app, "password");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "rotated");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!();
    };
    assert!(confirm.lines()[0].contains("without reading it (PATCH)"));
    let effects = press(&mut app, KeyCode::Char('y'));
    let [
        Effect::WriteSecret {
            body,
            mode: WriteMode::Patch,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(body.expose(), br#"{"password":"rotated"}"#);
    // A token that may neither read nor patch cannot edit.
    let mut app = connected_app(SIZE);
    open_with_data_denied(&mut app, &SecretCapabilities::default());
    press(&mut app, KeyCode::Char('e'));
    assert!(app.modal.is_none());
    assert_eq!(app.status.as_ref().unwrap().kind, StatusKind::Warning);
}

#[test]
fn invalid_editor_text_reopens_the_editor_with_the_users_text_and_the_error() {
    let mut app = history_app(SIZE, &root());
    let effects = press(&mut app, KeyCode::Char('E'));
    let [Effect::EditInEditor { text }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(text.expose().contains("\"token\": \"tok-27\""));
    let broken = "{\n  \"token\": \"tok-27\",\n  \"stable\": oops\n}\n";
    let again = update(&mut app, Action::EditorClosed(Ok(SecretText::new(broken))));
    let [Effect::EditInEditor { text }] = again.as_slice() else {
        panic!("{again:?}");
    };
    let reopened = text.expose();
    assert!(reopened.starts_with("// tresor:"), "{reopened}");
    assert!(reopened.contains("line 3"), "{reopened}");
    assert!(
        reopened.contains("\"stable\": oops"),
        "the user's text is kept"
    );
    // Fixed (note lines left in): one confirmation.
    let fixed = reopened.replace("oops", "\"fixed\"");
    update(&mut app, Action::EditorClosed(Ok(SecretText::new(fixed))));
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("the confirmation");
    };
    assert!(confirm.lines().join("\n").contains("~ changed: \"stable\""));
    // An editor that failed: nothing to write, said so.
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('E'));
    let nothing = update(
        &mut app,
        Action::EditorClosed(Err(tresor::editor::EditorError::Failed {
            command: "vi".into(),
            status: "exit status: 1".into(),
        })),
    );
    assert!(nothing.is_empty());
    assert!(
        status(&app).contains("the editor (vi) exited with exit status: 1: nothing was written"),
        "{}",
        status(&app)
    );
    assert!(app.editing.is_none());
}

/// The tree cursor on `secret/` expanded to the secrets `a` and `b`; nothing open.
fn tree_with_two_secrets() -> App {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.tree.full_path(app.tree.selected_id().unwrap()).unwrap(),
        "secret/"
    );
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ListFolder {
        node, generation, ..
    }) = effects.into_iter().next()
    else {
        panic!("expected a listing of secret/");
    };
    update(
        &mut app,
        Action::FolderListed {
            generation,
            node,
            result: Ok(vec!["a".into(), "b".into()]),
        },
    );
    app
}

#[test]
fn e_on_a_secret_not_yet_open_opens_it_then_edits_it() {
    let mut app = tree_with_two_secrets();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Char('e'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ReadSecret { location, .. }
            if location.display() == "secret/b")),
        "{effects:?}"
    );
    assert!(app.modal.is_none(), "no form before the data is there");
    assert!(
        status(&app).contains("Opening secret/b"),
        "{}",
        status(&app)
    );
    // Once the data (and the rest) arrive, the form opens on it.
    let mut pending = effects;
    while !pending.is_empty() {
        pending = answer(&mut app, pending, &root(), &rotating_data);
    }
    let Some(Modal::SecretForm(form)) = &app.modal else {
        panic!("expected the form, got {:?}", app.modal);
    };
    assert_eq!(form.draft.location.display(), "secret/b");
    assert_eq!(form.draft.cas(), Some(27));
}

#[test]
fn a_pending_edit_is_dropped_when_another_secret_is_opened_first() {
    let mut app = tree_with_two_secrets();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let first = press(&mut app, KeyCode::Char('E'));
    // The user moves on and opens `a` before `b` arrives.
    press(&mut app, KeyCode::Char('k'));
    let second = press(&mut app, KeyCode::Enter);
    let mut pending: Vec<Effect> = first.into_iter().chain(second).collect();
    let mut all = Vec::new();
    while !pending.is_empty() {
        let more = answer(&mut app, pending, &root(), &rotating_data);
        all.extend(more.iter().map(|e| format!("{e:?}")));
        pending = more;
    }
    assert!(app.modal.is_none() && app.editing.is_none());
    assert!(!all.iter().any(|e| e.contains("EditInEditor")), "{all:?}");
    assert_eq!(app.secret.location.as_ref().unwrap().display(), "secret/a");
}

#[test]
fn a_paste_with_cr_line_ends_keeps_its_lines_in_a_value() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    // tmux's paste-buffer sends line ends as CR; some terminals send CRLF.
    update(
        &mut app,
        Action::Paste("\r-----BEGIN KEY-----\rAAAA\r\nBBBB\r-----END KEY-----".into()),
    );
    let Some(Modal::SecretForm(form)) = &app.modal else {
        panic!("the form");
    };
    let value = form.draft.rows[0].value.text.clone();
    assert!(
        value.ends_with("\n-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----"),
        "{value:?}"
    );
}

#[test]
fn refused_editor_text_reopens_once_and_then_only_when_the_user_says_so() {
    // The same refused text back: stop, nothing written, no new editor.
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('E'));
    let again = update(
        &mut app,
        Action::EditorClosed(Ok(SecretText::new("[1,2,3]"))),
    );
    let [Effect::EditInEditor { text }] = again.as_slice() else {
        panic!("{again:?}");
    };
    let unchanged = text.clone();
    let stop = update(&mut app, Action::EditorClosed(Ok(unchanged)));
    assert!(stop.is_empty(), "{stop:?}");
    assert!(status(&app).contains("unchanged"), "{}", status(&app));
    assert!(app.editing.is_none() && app.modal.is_none());

    // Another error after a change: a question, answered by a key pressed on it.
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('E'));
    update(
        &mut app,
        Action::EditorClosed(Ok(SecretText::new("{ oops }"))),
    );
    let ask = update(
        &mut app,
        Action::EditorClosed(Ok(SecretText::new("{ oops 2 }"))),
    );
    assert!(ask.is_empty(), "{ask:?}");
    assert!(matches!(app.modal, Some(Modal::EditorRetry(_))));
    let reopen = press(&mut app, KeyCode::Char('y'));
    let [Effect::EditInEditor { text }] = reopen.as_slice() else {
        panic!("{reopen:?}");
    };
    assert!(
        text.expose().contains("oops 2"),
        "the user's text comes back"
    );
    update(
        &mut app,
        Action::EditorClosed(Ok(SecretText::new("{ oops 3 }"))),
    );
    assert!(matches!(app.modal, Some(Modal::EditorRetry(_))));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.modal.is_none() && app.editing.is_none());
    assert!(status(&app).contains("discarded"));
}

/// `n` at `path`, one key and value, Enter, y: the write effect.
fn create(app: &mut App, path: &str) -> Effect {
    press(app, KeyCode::Char('n'));
    ctrl(app, 'u');
    type_text(app, path);
    press(app, KeyCode::Enter);
    type_text(app, "password");
    press(app, KeyCode::Tab);
    type_text(app, "mine");
    press(app, KeyCode::Enter);
    let mut effects = press(app, KeyCode::Char('y'));
    assert_eq!(effects.len(), 1, "{effects:?}");
    effects.remove(0)
}

fn screen(app: &App) -> String {
    support::fixtures::screen_at(app, SIZE)
}

#[test]
fn a_create_refused_by_cas_zero_says_a_secret_exists_not_that_someone_wrote_since() {
    let mut app = connected_app(SIZE);
    let Effect::WriteSecret {
        location,
        mode: WriteMode::Create,
        ..
    } = create(&mut app, "secret/app/db")
    else {
        panic!("a create (check-and-set 0 on KV v2)");
    };
    // What the client answers when the server refuses cas 0 on an existing secret
    // (client_write: a_create_never_replaces_a_secret).
    let read = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::AlreadyExists {
                path: "secret/app/db".into(),
            }),
        },
    );
    let [Effect::ReadSecret { request, .. }] = read.as_slice() else {
        panic!("{read:?}");
    };
    assert!(status(&app).contains("already exists"), "{}", status(&app));
    // A write-only token may not read it.
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
    let shown = screen(&app);
    assert!(
        shown.contains("A secret already exists at secret/app/db, and this token may not"),
        "{shown}"
    );
    assert!(!shown.contains("after you opened it"), "{shown}");
    assert!(!shown.contains("Cannot read their version"), "{shown}");
    // a cannot re-apply on what cannot be read, and says so (not "still reading").
    press(&mut app, KeyCode::Char('a'));
    assert!(!status(&app).contains("Still reading"), "{}", status(&app));
    assert!(status(&app).contains("may not read"), "{}", status(&app));
    // o: an overwrite, only with the path typed.
    press(&mut app, KeyCode::Char('o'));
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("the overwrite confirmation: {:?}", app.modal);
    };
    assert!(confirm.question.typed.is_some());
    assert!(confirm.lines()[0].contains("Overwrite secret/app/db without reading it"));
    assert!(press(&mut app, KeyCode::Char('y')).is_empty(), "y is typed");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "a wrong path");
    assert!(screen(&app).contains("Type \"secret/app/db\" exactly"));
    ctrl(&mut app, 'u');
    type_text(&mut app, "secret/app/db");
    let effects = press(&mut app, KeyCode::Enter);
    let [
        Effect::WriteSecret {
            body,
            mode: WriteMode::Replace { cas: None },
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(body.expose(), br#"{"password":"mine"}"#);
}

#[test]
fn a_kv1_create_that_cannot_check_says_so_and_offers_the_typed_overwrite() {
    let mut app = connected_app(SIZE);
    let Effect::WriteSecret {
        location,
        mode: WriteMode::Create,
        ..
    } = create(&mut app, "kv1/legacy/ftp")
    else {
        panic!("a create (an existence check on KV v1)");
    };
    let effects = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::ExistenceUnknown {
                path: "kv1/legacy/ftp".into(),
            }),
        },
    );
    assert!(effects.is_empty());
    let shown = screen(&app);
    assert!(
        shown.contains("cannot check whether a secret exists at kv1/legacy/ftp"),
        "{shown}"
    );
    assert!(shown.contains("o overwrites it"), "{shown}");
    press(&mut app, KeyCode::Char('o'));
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("the overwrite confirmation");
    };
    assert!(confirm.question.typed.is_some());
    // Esc goes back to the form; saving from there asks for the path again.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.modal, Some(Modal::SecretForm(_))));
    press(&mut app, KeyCode::Enter);
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("the overwrite confirmation again");
    };
    assert!(confirm.question.typed.is_some());
}

#[test]
fn e_with_a_token_that_may_not_write_says_so_at_once() {
    let reader = SecretCapabilities {
        data: vec!["read".into()],
        metadata: vec!["read".into(), "list".into()],
        ..Default::default()
    };
    let mut app = history_app(SIZE, &reader);
    for key in ['e', 'E'] {
        let effects = press(&mut app, KeyCode::Char(key));
        assert!(effects.is_empty(), "{effects:?}");
        assert!(app.modal.is_none(), "{key}: no form for a read-only token");
        assert!(
            status(&app).contains("may not write secret/history/rotating"),
            "{key}: {}",
            status(&app)
        );
    }
    // Copying elsewhere needs no write on the source.
    press(&mut app, KeyCode::Char('c'));
    assert!(matches!(app.modal, Some(Modal::PathPrompt(_))));
}

#[test]
fn e_with_a_token_that_may_update_but_neither_read_nor_patch_offers_the_typed_overwrite() {
    let writer = SecretCapabilities {
        data: vec!["create".into(), "update".into()],
        ..Default::default()
    };
    let mut app = connected_app(SIZE);
    open_with_data_denied(&mut app, &writer);
    press(&mut app, KeyCode::Char('e'));
    let Some(Modal::SecretForm(form)) = &app.modal else {
        panic!("an overwrite form: {}", status(&app));
    };
    assert_eq!(form.draft.base, DraftBase::Overwrite);
    assert!(
        status(&app).contains("may write but not read"),
        "{}",
        status(&app)
    );
    type_text(&mut app, "password");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "rotated");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("the confirmation");
    };
    assert!(confirm.question.typed.is_some(), "the path must be typed");
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    // c cannot copy what cannot be read.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none(), "{:?}", app.modal);
    press(&mut app, KeyCode::Char('c'));
    assert!(app.modal.is_none());
}

#[test]
fn a_create_where_a_readable_secret_exists_shows_it_and_reapplies_on_it() {
    let mut app = connected_app(SIZE);
    let Effect::WriteSecret { location, .. } = create(&mut app, "secret/app/db") else {
        panic!("a write");
    };
    let read = update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::AlreadyExists {
                path: "secret/app/db".into(),
            }),
        },
    );
    let [Effect::ReadSecret { request, .. }] = read.as_slice() else {
        panic!("{read:?}");
    };
    let body = support::fixtures::version_body(4, serde_json::json!({"user": "theirs"}));
    update(
        &mut app,
        Action::SecretLoaded {
            request: *request,
            result: tresor::vault::kv::parse_v2_secret(&body, "secret/data/app/db"),
        },
    );
    let shown = screen(&app);
    assert!(
        shown.contains("A secret already exists at secret/app/db. Nothing was written."),
        "{shown}"
    );
    assert!(shown.contains("version 4"), "{shown}");
    assert!(
        !shown.contains("you started from"),
        "a new secret started from nothing: {shown}"
    );
    press(&mut app, KeyCode::Char('a'));
    let Some(Modal::ConfirmWrite(confirm)) = &app.modal else {
        panic!("re-applied: {}", status(&app));
    };
    assert_eq!(confirm.draft.cas(), Some(4));
    assert!(
        confirm.question.typed.is_none(),
        "a readable secret needs no typed path"
    );
}

/// `[keys.<scope>]` overrides for the write dialogs.
fn rebound(app: &mut App, lines: &[(&str, &str, &str)]) {
    let overrides: Vec<tresor::config::profiles::KeyOverride> = lines
        .iter()
        .map(
            |(scope, command, key)| tresor::config::profiles::KeyOverride {
                scope: Some((*scope).into()),
                command: (*command).into(),
                keys: vec![(*key).into()],
                line: None,
            },
        )
        .collect();
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    app.keymap = keymap;
}

#[test]
fn every_write_dialog_names_the_keys_the_user_bound() {
    let mut app = connected_app(SIZE);
    rebound(
        &mut app,
        &[
            ("path_prompt", "submit", "Ctrl-s"),
            ("path_prompt", "cancel", "Ctrl-g"),
            ("secret_form", "reveal", "Ctrl-e"),
            ("secret_form", "toggle_json", "Ctrl-b"),
            ("secret_form", "cancel", "Ctrl-q"),
            ("secret_form", "submit", "Ctrl-s"),
            ("confirm", "yes", "j"),
            ("conflict", "reapply", "r"),
            ("conflict", "cancel", "Ctrl-g"),
        ],
    );
    // The path prompt.
    press(&mut app, KeyCode::Char('n'));
    let shown = screen(&app);
    assert!(shown.contains("Ctrl-s goes on · Ctrl-g cancels"), "{shown}");
    assert!(!shown.contains("Enter goes on"), "{shown}");
    ctrl(&mut app, 'u');
    type_text(&mut app, "secret/app/db");
    ctrl(&mut app, 's');
    // The form: its lines, its footer, its warnings.
    let shown = screen(&app);
    assert!(shown.contains("(Ctrl-e reveals them)"), "{shown}");
    assert!(shown.contains("Ctrl-s saves"), "{shown}");
    assert!(shown.contains("Ctrl-b JSON"), "{shown}");
    assert!(shown.contains("Ctrl-q cancel"), "the footer: {shown}");
    assert!(!shown.contains("Ctrl-r"), "{shown}");
    type_text(&mut app, "cfg");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "{not json");
    ctrl(&mut app, 'b');
    ctrl(&mut app, 's');
    assert!(
        form_error(&app).contains("(Ctrl-b makes it text)"),
        "{}",
        form_error(&app)
    );
    ctrl(&mut app, 'q');
    assert!(
        form_error(&app).starts_with("Unsaved changes: Ctrl-q again discards them; Ctrl-s saves"),
        "{}",
        form_error(&app)
    );
    ctrl(&mut app, 'b');
    // The confirmation: j saves, as its last line and the footer say.
    ctrl(&mut app, 's');
    let shown = screen(&app);
    assert!(
        shown.contains("j/Enter save · n or Esc back to editing"),
        "{shown}"
    );
    assert!(
        press(&mut app, KeyCode::Char('y')).is_empty(),
        "y means nothing now"
    );
    let effects = press(&mut app, KeyCode::Char('j'));
    let [Effect::WriteSecret { location, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    // The conflict view: its line, and going back to editing names the re-apply key.
    let location = location.clone();
    update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::AlreadyExists {
                path: "secret/app/db".into(),
            }),
        },
    );
    let shown = screen(&app);
    assert!(shown.contains("r re-applies yours on theirs"), "{shown}");
    assert!(shown.contains("Ctrl-g edits"), "{shown}");
    ctrl(&mut app, 'g');
    assert!(
        form_error(&app).contains("re-apply on their version (r)"),
        "{}",
        form_error(&app)
    );
}
