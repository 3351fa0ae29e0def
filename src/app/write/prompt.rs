//! The path prompt of `n` (a new secret: the form follows) and `c` (a copy of the open secret:
//! the confirmation follows, optionally with the source's custom metadata).

use super::{ConfirmWrite, SecretForm, draft_of_open_secret};
use crate::app::action::Effect;
use crate::app::component::{Component, Outcome};
use crate::app::edit::{Draft, DraftBase, DraftRow};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Scope};
use crate::app::state::{App, Modal, StatusKind};
use crate::app::tree::{Location, NodeKind};
use crate::vault::{KvVersion, SecretEngine};
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    New,
    Copy {
        /// The secret being copied (the open one, which may not be the tree's cursor).
        source: String,
        rows: Vec<DraftRow>,
        custom_metadata: BTreeMap<String, String>,
    },
    /// Data that is not a secret yet (what a wrapping token held): written as a new secret. The
    /// screen it came from comes back on cancel, so the data is not lost with the prompt.
    Save {
        what: String,
        rows: Vec<DraftRow>,
        back: Box<Modal>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrompt {
    pub purpose: PromptPurpose,
    pub input: TextInput,
    /// Copy only: the checkbox has the focus (the toggle key toggles it).
    pub on_checkbox: bool,
    pub with_metadata: bool,
    pub error: Option<String>,
}

impl PathPrompt {
    fn new(purpose: PromptPurpose, text: &str) -> Self {
        Self {
            purpose,
            input: TextInput::with_text(text),
            on_checkbox: false,
            with_metadata: false,
            error: None,
        }
    }

    /// This prompt again, showing why the last try did not save.
    pub fn with_error(&self, reason: String) -> Self {
        let mut prompt = self.clone();
        prompt.error = Some(reason);
        prompt
    }

    fn is_copy(&self) -> bool {
        matches!(self.purpose, PromptPurpose::Copy { .. })
    }

    /// Submit: the form for a new secret, the confirmation for a copy; a path that cannot be
    /// written stays in the prompt with why.
    fn submit(&mut self, app: &App) -> Outcome {
        let location = match location_for(app, &self.input.text) {
            Ok(location) => location,
            Err(reason) => {
                self.error = Some(reason);
                return Outcome::stay();
            }
        };
        match &self.purpose {
            PromptPurpose::New => Outcome::open(Modal::SecretForm(SecretForm::new(
                Draft::new_secret(location),
            ))),
            PromptPurpose::Copy {
                rows,
                custom_metadata,
                ..
            } => {
                let to_v2 = matches!(location.mount.engine, SecretEngine::Kv(KvVersion::V2));
                let copy_metadata = (self.with_metadata && to_v2).then(|| custom_metadata.clone());
                let draft = Draft {
                    location,
                    base: DraftBase::New,
                    rows: rows.clone(),
                };
                Outcome::open(Modal::ConfirmWrite(ConfirmWrite::new(draft, copy_metadata)))
            }
            PromptPurpose::Save { rows, .. } => {
                let draft = Draft {
                    location,
                    base: DraftBase::New,
                    rows: rows.clone(),
                };
                let mut prompt = self.clone();
                prompt.error = None;
                let confirm = ConfirmWrite::new(draft, None).returning_to(prompt);
                Outcome::open(Modal::ConfirmWrite(confirm))
            }
        }
    }
}

impl Component for PathPrompt {
    fn scope(&self) -> Scope {
        Scope::PathPrompt
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match command {
            Some(Command::Cancel) => {
                return match &self.purpose {
                    PromptPurpose::Save { back, .. } => Outcome::open((**back).clone()),
                    _ => Outcome::close(),
                };
            }
            Some(Command::NextField | Command::PreviousField) if self.is_copy() => {
                self.on_checkbox = !self.on_checkbox;
            }
            Some(Command::Toggle) if self.on_checkbox => {
                self.with_metadata = !self.with_metadata;
            }
            Some(Command::Submit) => return self.submit(app),
            _ => {
                if !self.on_checkbox && self.input.handle_key(key) {
                    self.error = None;
                }
            }
        }
        Outcome::stay()
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        self.input.insert_str(text.trim());
        Outcome::stay()
    }

    /// The options key only where there are options (a copy's checkbox).
    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let commands: &[Command] = if self.is_copy() {
            &[Command::Submit, Command::NextField, Command::Cancel]
        } else {
            &[Command::Submit, Command::Cancel]
        };
        app.keymap.hints(Scope::PathPrompt, commands)
    }
}

/// The folder of the tree selection (or of the open secret), as `mount/folder/`.
fn current_folder(app: &App) -> String {
    let from_tree = app.tree.selected_id().and_then(|id| {
        let node = app.tree.node(id)?;
        let folder = match node.kind {
            NodeKind::Secret => node.parent?,
            _ => id,
        };
        app.tree.full_path(folder)
    });
    from_tree
        .or_else(|| {
            app.secret.location.as_ref().map(|l| {
                let parent = l.path.rfind('/').map_or("", |i| &l.path[..=i]);
                format!("{}{parent}", l.mount.path)
            })
        })
        .unwrap_or_default()
}

/// `n`: a path prompt for a new secret, the current folder filled in.
pub fn new_secret(app: &mut App) -> Vec<Effect> {
    let prompt = PathPrompt::new(PromptPurpose::New, &current_folder(app));
    app.modal = Some(Modal::PathPrompt(prompt));
    Vec::new()
}

/// A path prompt that saves `rows` as a new secret (in the current folder), and gives the screen
/// back to `back` when cancelled.
pub fn save_prompt(app: &App, what: &str, rows: Vec<DraftRow>, back: Modal) -> PathPrompt {
    let purpose = PromptPurpose::Save {
        what: what.to_string(),
        rows,
        back: Box::new(back),
    };
    PathPrompt::new(purpose, &current_folder(app))
}

/// `c`: copy the open secret to a new path.
pub fn copy_secret(app: &mut App) -> Vec<Effect> {
    let Some(draft) = draft_of_open_secret(app) else {
        return Vec::new();
    };
    if matches!(draft.base, DraftBase::Patch | DraftBase::Overwrite) {
        app.set_status(
            StatusKind::Warning,
            "Cannot copy a secret the token may not read.",
        );
        return Vec::new();
    }
    let custom_metadata = app
        .secret
        .loaded_metadata()
        .map(|m| m.custom_metadata.clone())
        .unwrap_or_default();
    let source = draft.location.display();
    let purpose = PromptPurpose::Copy {
        source: source.clone(),
        rows: draft.rows,
        custom_metadata,
    };
    app.modal = Some(Modal::PathPrompt(PathPrompt::new(
        purpose,
        &format!("{source}-copy"),
    )));
    Vec::new()
}

/// The location a typed full path names, or why it cannot be written.
fn location_for(app: &App, text: &str) -> Result<Location, String> {
    let text = text.trim().trim_start_matches('/');
    let Some((mount_id, rest)) = app.tree.mount_node_for(text) else {
        return Err(format!("No mount matches {text:?}."));
    };
    let Some(NodeKind::Mount(mount)) = app.tree.node(mount_id).map(|n| n.kind.clone()) else {
        return Err(format!("No mount matches {text:?}."));
    };
    if !mount.engine.is_browsable() {
        return Err(format!(
            "{} is a {} engine: tresor writes KV and cubbyhole secrets only.",
            mount.path,
            mount.engine.label()
        ));
    }
    crate::vault::path::validate_secret_path(&rest).map_err(|e| e.to_string())?;
    Ok(Location { mount, path: rest })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::write::testing::{app, press};

    #[test]
    fn the_checkbox_is_a_copy_s_and_space_toggles_it_only_when_focused() {
        let mut app = app();
        let mut new = PathPrompt::new(PromptPurpose::New, "secret/");
        let _ = press(&mut new, &mut app, "Tab");
        assert!(!new.on_checkbox, "a new secret has no options");
        assert!(
            new.hints(&app).iter().all(|(_, what)| what != "options"),
            "nor does its footer offer them"
        );
        let _ = press(&mut new, &mut app, "Space");
        assert_eq!(new.input.text, "secret/ ", "space is typed");
        let copy = PromptPurpose::Copy {
            source: "secret/a".into(),
            rows: Vec::new(),
            custom_metadata: BTreeMap::new(),
        };
        let mut copy = PathPrompt::new(copy, "secret/a-copy");
        assert!(copy.hints(&app).iter().any(|(_, what)| what == "options"));
        let _ = press(&mut copy, &mut app, "Tab");
        assert!(copy.on_checkbox);
        let _ = press(&mut copy, &mut app, "Space");
        assert!(copy.with_metadata);
        assert_eq!(copy.input.text, "secret/a-copy", "nothing typed meanwhile");
    }

    #[test]
    fn a_path_without_a_mount_stays_in_the_prompt_with_why() {
        let mut app = app();
        let mut prompt = PathPrompt::new(PromptPurpose::New, "nowhere/x");
        let outcome = press(&mut prompt, &mut app, "Enter");
        assert!(matches!(outcome.next, crate::app::component::Next::Stay));
        assert!(
            prompt
                .error
                .as_deref()
                .is_some_and(|e| e.contains("No mount"))
        );
    }
}
