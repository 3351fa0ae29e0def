//! Editing in `$VISUAL` / `$EDITOR`: the draft as JSON out, the text back in. A refused text goes
//! back into the editor once with the reason on top; refused again, [`EditorRetry`] asks before
//! the editor opens once more, so an editor that exits by itself cannot loop.

use super::ConfirmWrite;
use crate::app::action::Effect;
use crate::app::component::{Component, Outcome};
use crate::app::confirm::{Answer, Question};
use crate::app::edit::{Draft, EDITOR_NOTE};
use crate::app::keymap::{Command, Scope};
use crate::app::state::{App, Modal, StatusKind};
use crate::secret::SecretText;
use crossterm::event::KeyEvent;

/// The editor's text was refused a second time: asked before the editor opens again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorRetry {
    pub draft: Draft,
    /// What the editor opens with if the user goes back (notes and the user's text).
    pub text: SecretText,
    pub reason: String,
    /// Back to the editor, or discard the edit.
    pub question: Question,
}

impl EditorRetry {
    pub fn new(draft: Draft, text: SecretText, reason: String) -> Self {
        Self {
            draft,
            text,
            reason,
            question: Question::yes_no("back to the editor", "discard"),
        }
    }
}

impl Component for EditorRetry {
    fn scope(&self) -> Scope {
        Scope::Confirm
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match self.question.answer(key, command, &app.keymap) {
            Answer::Undecided => Outcome::stay(),
            Answer::Yes => {
                app.editing = Some(self.draft.clone());
                Outcome::close().with(vec![Effect::EditInEditor {
                    text: self.text.clone(),
                }])
            }
            Answer::No => {
                app.editor_refused = None;
                app.set_status(StatusKind::Info, "Edit discarded: nothing was written.");
                Outcome::close()
            }
        }
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        self.question.hints(&app.keymap)
    }
}

/// The draft as JSON in the editor (the caller closes any dialog).
pub(super) fn open_editor(app: &mut App, draft: Draft, notes: &[String]) -> Vec<Effect> {
    let text = draft.editor_text(notes);
    app.editing = Some(draft);
    app.editor_refused = None;
    vec![Effect::EditInEditor { text }]
}

/// The editor returned: read its text back into the draft, or reopen it with what is wrong.
pub fn editor_closed(
    app: &mut App,
    result: Result<SecretText, crate::editor::EditorError>,
) -> Vec<Effect> {
    let Some(draft) = app.editing.take() else {
        return Vec::new();
    };
    let refused_before = app.editor_refused.take();
    let text = match result {
        Ok(text) => text,
        Err(reason) => {
            app.set_status(StatusKind::Error, format!("{reason}: nothing was written."));
            return Vec::new();
        }
    };
    let checked = draft
        .from_editor_text(text.expose())
        .and_then(|edited| edited.validate(&app.keymap).map(|_| edited));
    match checked {
        Ok(edited) if edited.is_unchanged() => {
            app.set_status(StatusKind::Info, "No changes: nothing was written.");
            Vec::new()
        }
        Ok(edited) => {
            app.modal = Some(Modal::ConfirmWrite(ConfirmWrite::new(edited, None)));
            Vec::new()
        }
        Err(reason) => refused(app, draft, &text, reason, refused_before),
    }
}

/// The editor's text was refused: back into the editor with the user's own text and the reason
/// on top; the same text refused twice is dropped, a changed one asks first.
fn refused(
    app: &mut App,
    draft: Draft,
    text: &SecretText,
    reason: String,
    refused_before: Option<SecretText>,
) -> Vec<Effect> {
    let body: Vec<&str> = text
        .expose()
        .lines()
        .filter(|line| !line.trim_start().starts_with(EDITOR_NOTE))
        .collect();
    if body.iter().all(|line| line.trim().is_empty()) {
        app.set_status(
            StatusKind::Info,
            "The file was emptied: nothing was written.",
        );
        return Vec::new();
    }
    let body = SecretText::new(body.join("\n"));
    let mut reopened = reason_notes(&reason);
    reopened.push_str(body.expose());
    reopened.push('\n');
    let reopened = SecretText::new(reopened);
    match refused_before {
        None => {
            app.editor_refused = Some(body);
            app.editing = Some(draft);
            vec![Effect::EditInEditor { text: reopened }]
        }
        Some(previous) if previous == body => {
            app.set_status(
                StatusKind::Warning,
                format!(
                    "The editor gave the refused text back unchanged ({reason}): nothing was \
                     written."
                ),
            );
            Vec::new()
        }
        Some(_) => {
            app.editor_refused = Some(body);
            app.modal = Some(Modal::EditorRetry(EditorRetry::new(
                draft, reopened, reason,
            )));
            Vec::new()
        }
    }
}

/// The reason, as note lines on top of the reopened text.
fn reason_notes(reason: &str) -> String {
    let note = format!(
        "{reason}. Fix it and save, or empty the file to cancel. (Lines starting with \
         {EDITOR_NOTE} are ignored.)"
    );
    let mut notes = String::new();
    for line in note.lines() {
        notes.push_str(EDITOR_NOTE);
        notes.push(' ');
        notes.push_str(line);
        notes.push('\n');
    }
    notes
}
