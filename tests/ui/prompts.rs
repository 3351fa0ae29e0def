//! Snapshots of the small dialogs: the namespace picker (`N`) and the path prompt, for a new
//! secret (`n`, the current folder filled in) and for a copy (`c`, with its metadata checkbox), the
//! prompt refusing a path it cannot write, and the question before the editor opens a third time.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, ctrl, history_app, press, render_at, root, type_text};
use tresor::app::{Action, Effect, update};
use tresor::secret::SecretText;

const SIZE: (u16, u16) = (100, 24);

#[test]
fn the_namespace_picker_lists_the_namespaces_below_the_current_one() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('N'));
    update(
        &mut app,
        Action::NamespacesLoaded(Ok(vec![
            "team-a/".into(),
            "team-b/".into(),
            "платежи/".into(),
        ])),
    );
    press(&mut app, KeyCode::Char('j'));
    let terminal = render_at(&app, SIZE);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("team-a/") && text.contains("платежи/"),
        "{text}"
    );
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_new_secret_prompt_starts_in_the_current_folder() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "new-one");
    let terminal = render_at(&app, SIZE);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("secret/history/new-one"), "{text}");
    let footer = text.lines().last().unwrap_or_default();
    assert!(
        !footer.contains("Tab"),
        "a new secret's prompt has no options for Tab to reach: {footer}"
    );
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_copy_prompt_offers_the_metadata_too() {
    let mut app = history_app(SIZE, &root());
    press(&mut app, KeyCode::Char('c'));
    let terminal = render_at(&app, SIZE);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("secret/history/rotating-copy"), "{text}");
    let footer = text.lines().last().unwrap_or_default();
    assert!(footer.contains("Tab options"), "{footer}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_path_prompt_refuses_a_folder_and_keeps_the_text() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "secret/app/");
    press(&mut app, KeyCode::Enter);
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn an_editor_text_refused_twice_asks_before_the_editor_opens_again() {
    let mut app = history_app(SIZE, &root());
    let effects = press(&mut app, KeyCode::Char('E'));
    assert!(
        matches!(effects.as_slice(), [Effect::EditInEditor { .. }]),
        "{effects:?}"
    );
    let again = update(
        &mut app,
        Action::EditorClosed(Ok(SecretText::new("{ oops }".to_string()))),
    );
    assert!(
        matches!(again.as_slice(), [Effect::EditInEditor { .. }]),
        "the first refusal reopens the editor with the reason: {again:?}"
    );
    update(
        &mut app,
        Action::EditorClosed(Ok(SecretText::new("{ oops again }".to_string()))),
    );
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_namespace_the_token_may_not_list_can_be_typed() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('N'));
    update(
        &mut app,
        Action::NamespacesLoaded(Ok(vec!["team-a/".into()])),
    );
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "team-c/ops");
    let terminal = render_at(&app, SIZE);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("namespace: team-c/ops"), "{text}");
    // j and k are letters of the name here, and Esc goes back to the list.
    let footer = text.lines().last().unwrap_or_default();
    assert!(
        !footer.contains("j/k") && !footer.contains("close"),
        "the footer offers what the typing does not do: {footer}"
    );
    insta::assert_snapshot!(terminal.backend());
}
