//! The save confirmation: what the write does in words (the kind of write and its safety net,
//! then the keys it changes), answered with a [`Question`]: a yes, or, to overwrite what the
//! token may not read, the path typed.

use super::{PathPrompt, SecretForm};
use crate::app::action::Effect;
use crate::app::component::{Component, Outcome};
use crate::app::confirm::{Answer, Question};
use crate::app::edit::{Draft, DraftBase};
use crate::app::keymap::{Command, Scope};
use crate::app::state::{App, Modal, StatusKind};
use crate::vault::{KvVersion, SecretEngine};
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmWrite {
    pub draft: Draft,
    /// A copy that also copies the source's custom metadata.
    pub copy_metadata: Option<BTreeMap<String, String>>,
    /// Save, or go back to editing. Overwriting what the token may not read wants the path
    /// typed; `busy` while the write is on its way.
    pub question: Question,
    /// A save of data that is not a secret yet (what a wrapping token held): its path prompt,
    /// which comes back on no and when the create is refused, so the data is never lost here.
    pub prompt: Option<Box<PathPrompt>>,
}

impl ConfirmWrite {
    pub fn new(draft: Draft, copy_metadata: Option<BTreeMap<String, String>>) -> Self {
        let question = if draft.base == DraftBase::Overwrite {
            Question::typed(
                "overwrite",
                "back to editing",
                vec![draft.location.display()],
            )
        } else {
            Question::yes_no("save", "back to editing")
        };
        Self {
            draft,
            copy_metadata,
            question,
            prompt: None,
        }
    }

    /// A save from `prompt`: no, or a refused create, goes back to it (never to a form without a
    /// path, never to an overwrite).
    pub fn returning_to(mut self, prompt: PathPrompt) -> Self {
        self.question = Question::yes_no("save", "back to the path");
        self.prompt = Some(Box::new(prompt));
        self
    }

    /// The write is on its way (keys are ignored until its answer).
    pub fn saving(&self) -> bool {
        self.question.busy
    }

    /// What the write does, in words: the kind of write and its safety net, then the keys.
    pub fn lines(&self) -> Vec<String> {
        let draft = &self.draft;
        let mut lines = vec![what_the_write_does(draft)];
        lines.extend(draft.summary());
        if let Some(custom) = &self.copy_metadata {
            lines.push(format!("and {} custom metadata keys", custom.len()));
        }
        lines
    }

    /// Yes: the write is sent (or the form comes back if its body cannot be built).
    fn save(&mut self, app: &mut App) -> Outcome {
        let body = match self.draft.body() {
            Ok(body) => body,
            Err(reason) => {
                if let Some(prompt) = &self.prompt {
                    return Outcome::open(Modal::PathPrompt(prompt.with_error(reason)));
                }
                return Outcome::open(Modal::SecretForm(SecretForm::with_error(
                    self.draft.clone(),
                    reason,
                )));
            }
        };
        self.question.busy = true;
        app.set_status(StatusKind::Info, "Saving…");
        Outcome::stay().with(vec![Effect::WriteSecret {
            location: self.draft.location.clone(),
            body,
            mode: self.draft.write_mode(),
        }])
    }
}

fn what_the_write_does(draft: &Draft) -> String {
    let path = draft.location.display();
    match (&draft.base, draft.location.mount.engine.clone()) {
        (DraftBase::Patch, _) => {
            format!("Merge these keys into {path} without reading it (PATCH): other keys are kept.")
        }
        (DraftBase::Overwrite, SecretEngine::Kv(KvVersion::V2)) => format!(
            "Overwrite {path} without reading it: all its keys are replaced by yours (the old \
             data stays as the previous version)."
        ),
        (DraftBase::Overwrite, engine) => format!(
            "Overwrite {path} without reading it ({}: no versions; whatever is there is gone).",
            engine.label()
        ),
        (DraftBase::New, SecretEngine::Kv(KvVersion::V2)) => {
            format!("Create {path} (check-and-set 0: only if it does not exist yet).")
        }
        (DraftBase::Existing { version, .. }, SecretEngine::Kv(KvVersion::V2)) => {
            let current = version.unwrap_or(0);
            format!(
                "Write {path} as version {} (check-and-set: only if version {current} is still \
                 current).",
                current + 1
            )
        }
        (DraftBase::New, engine) => format!(
            "Create {path} ({}: no versions and no check-and-set; refused if it exists).",
            engine.label()
        ),
        (_, engine) => format!(
            "Replace {path} ({}: no versions and no check-and-set; the old data is gone).",
            engine.label()
        ),
    }
}

impl Component for ConfirmWrite {
    fn scope(&self) -> Scope {
        Scope::Confirm
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match self.question.answer(key, command, &app.keymap) {
            Answer::Undecided => Outcome::stay(),
            Answer::Yes => self.save(app),
            // A save: back to its path prompt, the path and the data intact.
            Answer::No if self.prompt.is_some() => match self.prompt.take() {
                Some(prompt) => Outcome::open(Modal::PathPrompt(*prompt)),
                None => Outcome::close(),
            },
            // Back to editing, the rows intact (a copy too: its rows are the source's).
            Answer::No => Outcome::open(Modal::SecretForm(SecretForm::new(self.draft.clone()))),
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
    use crate::app::edit::DraftRow;
    use crate::app::write::testing::{app, press, v2};

    fn draft(base: DraftBase) -> Draft {
        Draft {
            location: v2("app/db"),
            base,
            rows: vec![DraftRow::new("user", "me", false)],
        }
    }

    #[test]
    fn a_yes_sends_the_write_once_and_waits_for_its_answer() {
        let mut app = app();
        let mut confirm = ConfirmWrite::new(draft(DraftBase::New), None);
        assert!(confirm.question.typed.is_none());
        let outcome = press(&mut confirm, &mut app, "y");
        assert!(matches!(outcome.next, Next::Stay));
        let [Effect::WriteSecret { mode, .. }] = outcome.effects.as_slice() else {
            panic!("{outcome:?}");
        };
        // A create: check-and-set 0 on KV v2 (the client sends it).
        assert_eq!(*mode, crate::vault::write::WriteMode::Create);
        assert!(confirm.saving());
        let again = press(&mut confirm, &mut app, "y");
        assert!(again.effects.is_empty(), "keys wait for the answer");
        assert!(confirm.hints(&app).is_empty());
    }

    #[test]
    fn no_goes_back_to_the_form_with_the_rows() {
        let mut app = app();
        let mut confirm = ConfirmWrite::new(draft(DraftBase::New), None);
        let outcome = press(&mut confirm, &mut app, "n");
        let Next::Open(modal) = outcome.next else {
            panic!("{outcome:?}");
        };
        let Modal::SecretForm(form) = *modal else {
            panic!("{modal:?}");
        };
        assert_eq!(form.draft, draft(DraftBase::New));
    }

    #[test]
    fn an_overwrite_wants_the_path_typed() {
        let mut app = app();
        let mut confirm = ConfirmWrite::new(draft(DraftBase::Overwrite), None);
        assert!(confirm.question.typed.is_some());
        assert!(press(&mut confirm, &mut app, "y").effects.is_empty());
        assert!(press(&mut confirm, &mut app, "Enter").effects.is_empty());
        assert!(confirm.question.error.is_some(), "a wrong path is refused");
        let _ = press(&mut confirm, &mut app, "Backspace");
        let _ = confirm.on_paste(&mut app, "secret/app/db");
        let outcome = press(&mut confirm, &mut app, "Enter");
        let [
            Effect::WriteSecret {
                mode: crate::vault::write::WriteMode::Replace { cas: None },
                ..
            },
        ] = outcome.effects.as_slice()
        else {
            panic!("{outcome:?}");
        };
    }
}
