//! The conflict view: a write was refused because someone wrote first (or a secret is already
//! there, or whether one is there cannot be checked). Theirs is read and shown beside yours;
//! yours can be re-applied on theirs, overwrite what cannot be read, be copied, or be dropped.

use super::{ConfirmWrite, SecretForm};
use crate::app::action::{Effect, RequestId};
use crate::app::component::{Component, Outcome};
use crate::app::edit::{Draft, DraftBase};
use crate::app::keymap::{Command, Scope};
use crate::app::secret_pane::SecretContent;
use crate::app::state::{App, Modal, StatusKind};
use crossterm::event::KeyEvent;

/// Why a write was refused, which decides what the conflict view says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// An edit's check-and-set failed: someone wrote after it was opened.
    Changed,
    /// A create found a secret already there.
    Exists,
    /// A create on an engine without check-and-set could not check: the token may not read.
    MayExist,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub draft: Draft,
    pub kind: ConflictKind,
    /// The version someone else wrote, being read.
    pub theirs: SecretContent,
    /// Reading theirs was refused: the token may not read this secret.
    pub theirs_denied: bool,
    pub request: Option<RequestId>,
}

impl Conflict {
    /// Theirs cannot be shown, so the only way forward for the user's keys is an overwrite.
    pub fn unreadable(&self) -> bool {
        self.kind == ConflictKind::MayExist || matches!(self.theirs, SecretContent::Failed(_))
    }

    /// Yours on top of theirs, asked again; refused (with why) while theirs cannot be read.
    fn reapply(&self, app: &mut App) -> Outcome {
        if self.unreadable() {
            let overwrite = app.keymap.key(Scope::Conflict, Command::Overwrite);
            let path = self.draft.location.display();
            let why = if self.theirs_denied {
                format!("this token may not read {path}")
            } else {
                format!("{path} could not be read")
            };
            app.set_status(
                StatusKind::Warning,
                format!(
                    "There is nothing to re-apply on: {why}. {overwrite} overwrites it with yours \
                     (after you type its path)."
                ),
            );
            return Outcome::stay();
        }
        let SecretContent::Loaded(theirs) = &self.theirs else {
            app.set_status(StatusKind::Info, "Still reading their version.");
            return Outcome::stay();
        };
        let draft = self.draft.reapply_on(theirs);
        Outcome::open(Modal::ConfirmWrite(ConfirmWrite::new(draft, None)))
    }

    /// Yours over what cannot be read (the confirmation wants the path typed).
    fn overwrite(&self, app: &mut App) -> Outcome {
        if !self.unreadable() {
            let reapply = app.keymap.key(Scope::Conflict, Command::Reapply);
            app.set_status(
                StatusKind::Info,
                format!("Their version can be read: {reapply} re-applies yours on it."),
            );
            return Outcome::stay();
        }
        let mut draft = self.draft.clone();
        draft.base = DraftBase::Overwrite;
        Outcome::open(Modal::ConfirmWrite(ConfirmWrite::new(draft, None)))
    }
}

impl Component for Conflict {
    fn scope(&self) -> Scope {
        Scope::Conflict
    }

    fn on_key(&mut self, app: &mut App, _key: &KeyEvent, command: Option<Command>) -> Outcome {
        match command {
            Some(Command::Reapply) => self.reapply(app),
            Some(Command::Overwrite) => self.overwrite(app),
            Some(Command::CopyDraft) => {
                let text = self.draft.editor_text(&[]);
                let path = self.draft.location.display();
                Outcome::stay().with(vec![Effect::Copy {
                    text,
                    description: format!("your version of {path} as JSON"),
                    sensitive: true,
                }])
            }
            Some(Command::Discard) => {
                app.set_status(
                    StatusKind::Info,
                    "Discarded your changes; their version stays as it is.",
                );
                Outcome::close().with(crate::app::history::reload_open_secret(app))
            }
            Some(Command::Cancel) => {
                let reapply = app.keymap.key(Scope::Conflict, Command::Reapply);
                let reason = format!(
                    "Still in conflict: saving fails until you re-apply on their version \
                     ({reapply})."
                );
                Outcome::open(Modal::SecretForm(SecretForm::with_error(
                    self.draft.clone(),
                    reason,
                )))
            }
            _ => Outcome::stay(),
        }
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let first = if self.unreadable() {
            Command::Overwrite
        } else {
            Command::Reapply
        };
        app.keymap.hints(
            Scope::Conflict,
            &[first, Command::CopyDraft, Command::Discard, Command::Cancel],
        )
    }
}

/// A read for the conflict view (`denied`: the token may not read the secret); `false` when the
/// answer is not for it.
pub fn route_conflict_answer(
    app: &mut App,
    request: RequestId,
    content: SecretContent,
    denied: bool,
) -> bool {
    if let Some(Modal::Conflict(conflict)) = &mut app.modal
        && conflict.request == Some(request)
    {
        conflict.request = None;
        conflict.theirs = content;
        conflict.theirs_denied = denied;
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::component::Next;
    use crate::app::write::testing::{app, press, v2};

    fn conflict(kind: ConflictKind, theirs: SecretContent) -> Conflict {
        Conflict {
            draft: Draft::new_secret(v2("app/db")),
            kind,
            theirs,
            theirs_denied: false,
            request: None,
        }
    }

    #[test]
    fn what_cannot_be_read_offers_the_overwrite_not_the_reapply() {
        let mut app = app();
        let mut blind = conflict(ConflictKind::MayExist, SecretContent::Empty);
        assert_eq!(blind.hints(&app)[0].0, "o");
        let outcome = press(&mut blind, &mut app, "a");
        assert!(matches!(outcome.next, Next::Stay));
        let outcome = press(&mut blind, &mut app, "o");
        let Next::Open(modal) = outcome.next else {
            panic!("{outcome:?}");
        };
        assert!(
            matches!(&*modal, Modal::ConfirmWrite(c) if c.question.typed.is_some()),
            "{modal:?}"
        );
        let mut reading = conflict(ConflictKind::Changed, SecretContent::Loading);
        assert_eq!(reading.hints(&app)[0].0, "a");
        let outcome = press(&mut reading, &mut app, "o");
        assert!(matches!(outcome.next, Next::Stay), "theirs can be read");
        let outcome = press(&mut reading, &mut app, "a");
        assert!(matches!(outcome.next, Next::Stay), "still reading");
    }
}
