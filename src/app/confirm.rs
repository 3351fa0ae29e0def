//! The one confirmation: a question answered with a yes, or, for what cannot be undone, with a
//! typed word (the path, or "destroy"). Every confirmation in tresor is a [`Question`] held by the
//! dialog or screen that asked it (with what to do on yes: a version operation, a write, a
//! seal...); the question takes the keys and says what was answered, the owner acts on it.
//! Its keys are the `confirm` scope's; its hint line and footer are built from them.

use super::input::TextInput;
use super::keymap::{Command, Keymap, Scope};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// What a yes does, as a verb for the hints ("save", "destroy", "seal").
    pub yes: &'static str,
    /// What a no does ("cancel", "back to editing", "discard").
    pub no: &'static str,
    /// For what cannot be undone: the words that confirm (any one of them), and the typing.
    pub typed: Option<TypedWord>,
    /// Why the last answer was not taken (a typed word that does not match).
    pub error: Option<String>,
    /// Answered yes, waiting for the server: keys are ignored meanwhile.
    pub busy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedWord {
    pub accepted: Vec<String>,
    pub input: TextInput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Nothing decided yet (a key typed into the word, a key that means nothing here).
    Undecided,
    Yes,
    No,
}

impl Question {
    /// A question answered with the `yes` key (or Enter).
    pub fn yes_no(yes: &'static str, no: &'static str) -> Self {
        Self {
            yes,
            no,
            typed: None,
            error: None,
            busy: false,
        }
    }

    /// A question answered by typing one of `accepted` and Enter.
    pub fn typed(yes: &'static str, no: &'static str, accepted: Vec<String>) -> Self {
        Self {
            typed: Some(TypedWord {
                accepted,
                input: TextInput::default(),
            }),
            ..Self::yes_no(yes, no)
        }
    }

    /// Whether what was typed confirms (always true for a yes/no question).
    pub fn typed_matches(&self) -> bool {
        self.typed.as_ref().is_none_or(|typed| {
            // A folder's path names it with or without its closing slash (`secret/app` is
            // `secret/app/`), as `tresor rm -r` takes it.
            let text = typed.input.text.trim();
            typed.accepted.iter().any(|word| {
                word == text
                    || (word.ends_with('/')
                        && word.trim_end_matches('/') == text
                        && !text.is_empty())
            })
        })
    }

    /// A key press, with what the keymap says it means in the `confirm` scope.
    pub fn answer(&mut self, key: &KeyEvent, command: Option<Command>, keymap: &Keymap) -> Answer {
        if self.busy {
            return Answer::Undecided;
        }
        let matches = self.typed_matches();
        match (&mut self.typed, command) {
            (_, Some(Command::Cancel)) => Answer::No,
            (None, Some(Command::Yes | Command::Submit)) => Answer::Yes,
            (None, Some(Command::No)) => Answer::No,
            (None, _) => Answer::Undecided,
            (Some(_), Some(Command::Submit)) if matches => Answer::Yes,
            (Some(typed), Some(Command::Submit)) => {
                let words: Vec<String> = typed.accepted.iter().map(|w| format!("{w:?}")).collect();
                self.error = Some(format!(
                    "Type {} exactly, then {}; {} cancels.",
                    words.join(" or "),
                    keymap.key(Scope::Confirm, Command::Submit),
                    keymap.key(Scope::Confirm, Command::Cancel)
                ));
                Answer::Undecided
            }
            (Some(typed), _) => {
                if typed.input.handle_key(key) {
                    self.error = None;
                }
                Answer::Undecided
            }
        }
    }

    /// Pasted text goes into the typed word.
    pub fn paste(&mut self, text: &str) {
        if let Some(typed) = &mut self.typed
            && !self.busy
        {
            typed.input.insert_str(text.trim());
            self.error = None;
        }
    }

    /// What to press now, as the dialog's last line says it ("y save · n or Esc cancel").
    pub fn hint_line(&self, keymap: &Keymap) -> Option<String> {
        if self.busy {
            return None;
        }
        let key = |command| keymap.key(Scope::Confirm, command);
        let cancel = key(Command::Cancel);
        match &self.typed {
            None => Some(format!(
                "{} {} · {} or {cancel} {}",
                yes_keys(keymap),
                self.yes,
                key(Command::No),
                self.no
            )),
            Some(_) if self.typed_matches() => Some(format!(
                "{} {} · {cancel} {}",
                key(Command::Submit),
                self.yes,
                self.no
            )),
            Some(typed) => {
                let words: Vec<&str> = typed.accepted.iter().map(String::as_str).collect();
                Some(format!(
                    "Type {}, then {} · {cancel} {}",
                    words.join(" or "),
                    key(Command::Submit),
                    self.no
                ))
            }
        }
    }

    /// The footer while the question is open.
    pub fn hints(&self, keymap: &Keymap) -> Vec<(String, String)> {
        let key = |command| keymap.key(Scope::Confirm, command);
        match &self.typed {
            _ if self.busy => Vec::new(),
            None => vec![
                (yes_keys(keymap), self.yes.to_string()),
                (
                    format!("{}/{}", key(Command::No), key(Command::Cancel)),
                    self.no.to_string(),
                ),
            ],
            Some(_) => vec![
                (key(Command::Submit), self.yes.to_string()),
                (key(Command::Cancel), self.no.to_string()),
            ],
        }
    }
}

/// The keys that say yes to a yes/no question: the yes key and Enter (`y/Enter`).
fn yes_keys(keymap: &Keymap) -> String {
    let yes = keymap.key(Scope::Confirm, Command::Yes);
    match keymap.keys(Scope::Confirm, Command::Submit).first() {
        Some(submit) => format!("{yes}/{}", submit.label()),
        None => yes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::event;

    fn press(question: &mut Question, text: &str) -> Answer {
        let keymap = Keymap::default();
        let key = event(text);
        let command = keymap.command(Scope::Confirm, &key);
        question.answer(&key, command, &keymap)
    }

    #[test]
    fn a_yes_no_question_takes_y_enter_n_and_esc() {
        let mut question = Question::yes_no("save", "cancel");
        assert_eq!(press(&mut question, "x"), Answer::Undecided);
        assert_eq!(press(&mut question, "y"), Answer::Yes);
        assert_eq!(press(&mut question, "Enter"), Answer::Yes);
        assert_eq!(press(&mut question, "n"), Answer::No);
        assert_eq!(press(&mut question, "Esc"), Answer::No);
        question.busy = true;
        assert_eq!(press(&mut question, "y"), Answer::Undecided);
    }

    #[test]
    fn a_typed_question_takes_only_the_word_and_enter() {
        let mut question = Question::typed(
            "destroy",
            "cancel",
            vec!["secret/a".into(), "destroy".into()],
        );
        assert_eq!(press(&mut question, "y"), Answer::Undecided, "y is typed");
        assert_eq!(press(&mut question, "Enter"), Answer::Undecided);
        assert!(
            question
                .error
                .as_deref()
                .is_some_and(|e| e.contains("\"destroy\""))
        );
        press(&mut question, "Backspace");
        question.paste("destroy");
        assert!(question.typed_matches());
        assert_eq!(press(&mut question, "Enter"), Answer::Yes);
        assert_eq!(press(&mut question, "Esc"), Answer::No);
        assert_eq!(press(&mut question, "n"), Answer::Undecided, "n is typed");
    }

    #[test]
    fn hints_name_the_keys_of_the_keymap() {
        let keymap = Keymap::default();
        let question = Question::yes_no("save", "back to editing");
        assert_eq!(
            question.hint_line(&keymap).as_deref(),
            Some("y/Enter save · n or Esc back to editing")
        );
        let overrides = [crate::config::profiles::KeyOverride {
            scope: Some("confirm".into()),
            command: "yes".into(),
            keys: vec!["j".into()],
            line: None,
        }];
        let (keymap, warnings) = Keymap::with_overrides(&overrides);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            question.hint_line(&keymap).as_deref(),
            Some("j/Enter save · n or Esc back to editing")
        );
    }
}
