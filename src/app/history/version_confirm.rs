//! The confirmation in front of a version operation: what it will do in words, and the one
//! [`Question`] (a yes, or the path or "destroy" typed for what cannot be undone) beside the
//! operation it runs on yes.

use super::super::action::Effect;
use super::super::component::{Component, Outcome};
use super::super::confirm::{Answer, Question};
use super::super::keymap::{Command, Scope};
use super::super::state::{App, StatusKind};
use super::super::tree::Location;
use super::VersionOperation;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionConfirm {
    pub location: Location,
    /// What a yes sends.
    pub operation: VersionOperation,
    pub title: String,
    /// What the operation does, one line each; the question's lines follow them.
    pub lines: Vec<String>,
    pub question: Question,
}

impl VersionConfirm {
    /// A confirmation answered with a yes; `verb` names the operation in the hints.
    pub fn yes_no(
        location: Location,
        operation: VersionOperation,
        title: &str,
        lines: Vec<String>,
        verb: &'static str,
    ) -> Self {
        Self {
            location,
            operation,
            title: title.into(),
            lines,
            question: Question::yes_no(verb, "cancel"),
        }
    }

    /// A confirmation for what cannot be undone: the path or "destroy" is typed.
    pub fn typed(
        location: Location,
        operation: VersionOperation,
        title: &str,
        lines: Vec<String>,
        verb: &'static str,
    ) -> Self {
        let accepted = vec![location.display(), "destroy".to_string()];
        Self {
            question: Question::typed(verb, "cancel", accepted),
            ..Self::yes_no(location, operation, title, lines, verb)
        }
    }

    /// An irreversible operation: its dialog is drawn as a danger.
    pub fn irreversible(&self) -> bool {
        self.question.typed.is_some()
    }
}

impl Component for VersionConfirm {
    fn scope(&self) -> Scope {
        Scope::Confirm
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match self.question.answer(key, command, &app.keymap) {
            Answer::Undecided => Outcome::stay(),
            Answer::No => {
                app.set_status(StatusKind::Info, "Cancelled: nothing was changed.");
                Outcome::close()
            }
            Answer::Yes => {
                app.set_status(StatusKind::Info, "Working…");
                Outcome::close().with(vec![Effect::ChangeVersions {
                    location: self.location.clone(),
                    operation: self.operation.clone(),
                }])
            }
        }
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        self.question.paste(text);
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        self.question.hints(&app.keymap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::component::Next;
    use crate::app::keymap::event;
    use crate::app::state::ConnectionView;
    use crate::vault::{KvVersion, MountInfo, SecretEngine};

    fn location() -> Location {
        Location {
            mount: MountInfo {
                path: "secret/".into(),
                engine: SecretEngine::Kv(KvVersion::V2),
                description: String::new(),
            },
            path: "a".into(),
        }
    }

    fn press(confirm: &mut VersionConfirm, app: &mut App, text: &str) -> Outcome {
        let key = event(text);
        let command = app.keymap.command(confirm.scope(), &key);
        confirm.on_key(app, &key, command)
    }

    fn sends(outcome: &Outcome, operation: &VersionOperation) -> bool {
        matches!(outcome.next, Next::Close)
            && matches!(outcome.effects.as_slice(),
                [Effect::ChangeVersions { operation: sent, .. }] if sent == operation)
    }

    #[test]
    fn a_yes_sends_the_operation_and_a_no_sends_nothing() {
        let mut app = App::new(ConnectionView::default(), (80, 24));
        let operation = VersionOperation::Undelete { versions: vec![3] };
        let mut confirm = VersionConfirm::yes_no(
            location(),
            operation.clone(),
            "Undelete",
            vec!["Undelete version 3 of secret/a?".into()],
            "undelete",
        );
        assert!(!confirm.irreversible());
        let outcome = press(&mut confirm, &mut app, "x");
        assert!(matches!(outcome.next, Next::Stay) && outcome.effects.is_empty());
        let outcome = press(&mut confirm, &mut app, "n");
        assert!(matches!(outcome.next, Next::Close) && outcome.effects.is_empty());
        let outcome = press(&mut confirm, &mut app, "y");
        assert!(sends(&outcome, &operation), "{outcome:?}");
        assert_eq!(
            confirm.hints(&app),
            [
                ("y/Enter".to_string(), "undelete".to_string()),
                ("n/Esc".to_string(), "cancel".to_string())
            ]
        );
    }

    #[test]
    fn an_irreversible_operation_takes_the_path_or_destroy_typed_or_pasted() {
        let mut app = App::new(ConnectionView::default(), (80, 24));
        let operation = VersionOperation::DeleteAll;
        let mut confirm = VersionConfirm::typed(
            location(),
            operation.clone(),
            "Delete every version",
            Vec::new(),
            "delete all",
        );
        assert!(confirm.irreversible());
        let outcome = press(&mut confirm, &mut app, "y");
        assert!(matches!(outcome.next, Next::Stay), "y is typed");
        let outcome = press(&mut confirm, &mut app, "Enter");
        assert!(matches!(outcome.next, Next::Stay) && outcome.effects.is_empty());
        let _ = press(&mut confirm, &mut app, "Backspace");
        let _ = confirm.on_paste(&mut app, "secret/a\n");
        let outcome = press(&mut confirm, &mut app, "Enter");
        assert!(sends(&outcome, &operation), "{outcome:?}");
    }
}
