//! The key/value form of `e` and `n`: rows of key and value, masked unless revealed; Enter asks
//! for the save ([`ConfirmWrite`]), Esc twice discards unsaved changes, Ctrl-o goes on in the
//! editor with everything typed so far.

use super::ConfirmWrite;
use super::editor::open_editor;
use crate::app::component::{Component, Outcome};
use crate::app::edit::{Draft, DraftBase, DraftRow};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::state::{App, Modal, StatusKind};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretForm {
    pub draft: Draft,
    pub row: usize,
    /// On the value of the row (else its key).
    pub on_value: bool,
    pub revealed: bool,
    pub error: Option<String>,
    /// Cancel was pressed once with unsaved changes: a second one discards them.
    pub discard_armed: bool,
}

impl SecretForm {
    pub fn new(draft: Draft) -> Self {
        Self {
            draft,
            row: 0,
            on_value: false,
            revealed: false,
            error: None,
            discard_armed: false,
        }
    }

    /// The form again after a refusal, the user's rows intact and the reason on it.
    pub fn with_error(draft: Draft, reason: String) -> Self {
        Self {
            error: Some(reason),
            ..Self::new(draft)
        }
    }

    fn focused(&mut self) -> Option<&mut TextInput> {
        let row = self.draft.rows.get_mut(self.row)?;
        Some(if self.on_value {
            &mut row.value
        } else {
            &mut row.key
        })
    }

    fn step(&mut self, forward: bool) {
        let fields = self.draft.rows.len() * 2;
        if fields == 0 {
            return;
        }
        let index = self.row * 2 + usize::from(self.on_value);
        let next = if forward {
            (index + 1) % fields
        } else {
            (index + fields - 1) % fields
        };
        self.row = next / 2;
        self.on_value = next % 2 == 1;
    }

    fn add_row(&mut self) {
        self.draft.rows.push(DraftRow::new("", "", false));
        self.row = self.draft.rows.len() - 1;
        self.on_value = false;
    }

    fn delete_row(&mut self) {
        if self.draft.rows.len() > 1 {
            self.draft.rows.remove(self.row);
            self.row = self.row.min(self.draft.rows.len() - 1);
        } else {
            self.draft.rows[0] = DraftRow::new("", "", false);
        }
        self.on_value = false;
    }

    /// Whether cancelling now would lose something the user typed.
    fn changed(&self) -> bool {
        match &self.draft.base {
            DraftBase::Existing { .. } => !self.draft.is_unchanged(),
            _ => !self.draft.entries().is_empty(),
        }
    }

    /// Cancel: closes at once without changes; with changes the first press warns, the second
    /// discards.
    fn cancel(&mut self, app: &mut App) -> Outcome {
        let changed = self.changed();
        if changed && !self.discard_armed {
            self.discard_armed = true;
            self.error = Some(discard_warning(&app.keymap));
            return Outcome::stay();
        }
        if changed {
            app.set_status(
                StatusKind::Info,
                "Discarded the changes: nothing was written.",
            );
        }
        Outcome::close()
    }

    /// Submit: refused here if invalid; closed if nothing changed; else the confirmation.
    fn submit(&mut self, app: &mut App) -> Outcome {
        if let Err(reason) = self.draft.validate(&app.keymap) {
            self.error = Some(reason);
            return Outcome::stay();
        }
        if self.draft.is_unchanged() {
            app.set_status(StatusKind::Info, "No changes: nothing was written.");
            return Outcome::close();
        }
        Outcome::open(Modal::ConfirmWrite(ConfirmWrite::new(
            self.draft.clone(),
            None,
        )))
    }
}

/// What a first cancel with unsaved changes says, keys from the keymap.
fn discard_warning(keymap: &Keymap) -> String {
    let key = |command| keymap.key(Scope::SecretForm, command);
    format!(
        "Unsaved changes: {} again discards them; {} saves; {} opens them in $EDITOR.",
        key(Command::Cancel),
        key(Command::Submit),
        key(Command::OpenEditor)
    )
}

impl Component for SecretForm {
    fn scope(&self) -> Scope {
        Scope::SecretForm
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if command != Some(Command::Cancel) {
            self.discard_armed = false;
        }
        match command {
            // Up/down move to the same field of the row above/below; next field walks key,
            // value, next key...
            Some(Command::Down) => {
                self.row = (self.row + 1).min(self.draft.rows.len().saturating_sub(1));
            }
            Some(Command::Up) => self.row = self.row.saturating_sub(1),
            Some(Command::Cancel) => return self.cancel(app),
            Some(Command::NextField) => self.step(true),
            Some(Command::PreviousField) => self.step(false),
            Some(Command::AddRow) => self.add_row(),
            Some(Command::DeleteRow) => self.delete_row(),
            Some(Command::Reveal) => self.revealed = !self.revealed,
            Some(Command::ToggleJson) => {
                if let Some(row) = self.draft.rows.get_mut(self.row) {
                    row.json = !row.json;
                }
            }
            Some(Command::Newline) => {
                if self.on_value
                    && let Some(input) = self.focused()
                {
                    input.insert_multiline("\n");
                }
            }
            Some(Command::OpenEditor) => {
                return Outcome::close().with(open_editor(app, self.draft.clone(), &[]));
            }
            Some(Command::Submit) => return self.submit(app),
            _ => {
                if let Some(input) = self.focused()
                    && input.handle_key(key)
                {
                    self.error = None;
                }
            }
        }
        Outcome::stay()
    }

    /// Pasted text goes into the focused field; values keep their line breaks.
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        let on_value = self.on_value;
        if let Some(input) = self.focused() {
            if on_value {
                input.insert_multiline(text);
            } else {
                input.insert_str(text.trim());
            }
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let reveal = app.keymap.key(Scope::SecretForm, Command::Reveal);
        app.keymap
            .hints(
                Scope::SecretForm,
                &[
                    Command::Submit,
                    Command::NextField,
                    Command::AddRow,
                    Command::DeleteRow,
                    Command::Reveal,
                    Command::ToggleJson,
                    Command::OpenEditor,
                    Command::Cancel,
                ],
            )
            .into_iter()
            // A toggle says what pressing it does now.
            .map(|(key, word)| {
                if key == reveal && self.revealed {
                    (key, "mask".to_string())
                } else {
                    (key, word)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::component::Next;
    use crate::app::write::testing::{app, press, v2};
    use crate::config::profiles::KeyOverride;

    fn form() -> SecretForm {
        SecretForm::new(Draft {
            location: v2("app/db"),
            base: DraftBase::New,
            rows: vec![
                DraftRow::new("a", "1", false),
                DraftRow::new("b", "2", false),
            ],
        })
    }

    #[test]
    fn the_reveal_hint_says_what_pressing_it_does_now() {
        let mut app = app();
        let mut form = form();
        let word = |form: &SecretForm, app: &App| {
            form.hints(app)
                .into_iter()
                .find(|(key, _)| key == "Ctrl-r")
                .map(|(_, word)| word)
        };
        assert_eq!(word(&form, &app).as_deref(), Some("reveal"));
        let _ = press(&mut form, &mut app, "Ctrl-r");
        assert_eq!(word(&form, &app).as_deref(), Some("mask"));
    }

    #[test]
    fn next_field_walks_key_value_next_key_and_wraps() {
        let mut app = app();
        let mut form = form();
        let mut seen = Vec::new();
        for _ in 0..5 {
            let _ = press(&mut form, &mut app, "Tab");
            seen.push((form.row, form.on_value));
        }
        assert_eq!(
            seen,
            [(0, true), (1, false), (1, true), (0, false), (0, true)]
        );
        let _ = press(&mut form, &mut app, "Down");
        assert_eq!((form.row, form.on_value), (1, true), "the same field below");
    }

    #[test]
    fn removing_the_last_row_leaves_one_blank_row() {
        let mut form = form();
        form.delete_row();
        form.delete_row();
        assert_eq!(form.draft.rows, vec![DraftRow::new("", "", false)]);
        form.add_row();
        assert_eq!((form.row, form.on_value), (1, false));
    }

    #[test]
    fn cancel_with_changes_warns_once_then_closes() {
        let mut app = app();
        let mut form = form();
        let first = press(&mut form, &mut app, "Esc");
        assert!(matches!(first.next, Next::Stay));
        assert!(form.discard_armed);
        let second = press(&mut form, &mut app, "Esc");
        assert!(matches!(second.next, Next::Close));
        let mut empty = SecretForm::new(Draft::new_secret(v2("app/db")));
        let outcome = press(&mut empty, &mut app, "Esc");
        assert!(matches!(outcome.next, Next::Close), "nothing to lose");
    }

    #[test]
    fn submit_refuses_bad_input_in_place_and_asks_before_saving() {
        let mut app = app();
        let mut form = form();
        form.draft.rows[1].key = TextInput::with_text("a");
        let outcome = press(&mut form, &mut app, "Enter");
        assert!(matches!(outcome.next, Next::Stay));
        assert!(form.error.as_deref().is_some_and(|e| e.contains("twice")));
        form.draft.rows[1].key = TextInput::with_text("b");
        let outcome = press(&mut form, &mut app, "Enter");
        assert!(
            matches!(outcome.next, Next::Open(ref m) if matches!(**m, Modal::ConfirmWrite(_))),
            "{outcome:?}"
        );
    }

    #[test]
    fn the_discard_warning_names_the_keys_of_the_keymap() {
        assert_eq!(
            discard_warning(&Keymap::default()),
            "Unsaved changes: Esc again discards them; Enter saves; Ctrl-o opens them in $EDITOR."
        );
        let overrides = [KeyOverride {
            scope: Some("secret_form".into()),
            command: "cancel".into(),
            keys: vec!["Ctrl-q".into()],
            line: None,
        }];
        let (keymap, warnings) = Keymap::with_overrides(&overrides);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(discard_warning(&keymap).starts_with("Unsaved changes: Ctrl-q again discards"));
    }
}
