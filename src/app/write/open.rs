//! Starting an edit: `e` (the form) and `E` (`$VISUAL` / `$EDITOR`) on the selected secret. A
//! secret still being opened is waited for ([`PendingEdit`]); a token that may write but not read
//! gets a patch or a typed overwrite; one that may not write is told at once.

use super::SecretForm;
use super::editor::open_editor;
use crate::app::action::Effect;
use crate::app::edit::{Draft, DraftBase, DraftRow};
use crate::app::history::capabilities;
use crate::app::keymap::{Command, Scope};
use crate::app::secret_pane::SecretContent;
use crate::app::state::{App, Modal, StatusKind};
use crate::app::tree::{Location, NodeKind};

/// The open secret's data as a draft to edit, or why there is none.
pub(super) fn draft_of_open_secret(app: &mut App) -> Option<Draft> {
    let key = |command| app.keymap.key(Scope::Main, command);
    let Some(location) = app.secret.location.clone() else {
        let open = key(Command::Open);
        app.set_status(
            StatusKind::Info,
            format!("Open a secret first ({open} on a secret)."),
        );
        return None;
    };
    if app.secret.viewing.is_some() {
        let (back, rollback) = (key(Command::Back), key(Command::Rollback));
        app.set_status(
            StatusKind::Warning,
            format!(
                "An older version is open: {back} goes back to the current one to edit it (or \
                 {rollback} rolls back)."
            ),
        );
        return None;
    }
    match app.secret.content() {
        SecretContent::Loaded(secret) => Some(Draft::edit(location, secret)),
        SecretContent::Failed(_) => {
            let caps = capabilities(app);
            if app.secret.is_versioned() && !caps.read_data() && caps.patch_data() {
                app.set_status(
                    StatusKind::Info,
                    "Your token may write but not read this secret: the keys you give are merged in.",
                );
                Some(Draft::patch(location))
            } else if app.secret.is_versioned() && !caps.read_data() && caps.write_data() {
                let overwrite = app.keymap.key(Scope::Confirm, Command::Submit);
                app.set_status(
                    StatusKind::Info,
                    format!(
                        "Your token may write but not read this secret: what you save replaces \
                         all of it ({overwrite} asks you to type its path)."
                    ),
                );
                Some(Draft {
                    location,
                    base: DraftBase::Overwrite,
                    rows: vec![DraftRow::new("", "", false)],
                })
            } else {
                app.set_status(
                    StatusKind::Warning,
                    format!(
                        "{} could not be read, so it cannot be edited safely.",
                        location.display()
                    ),
                );
                None
            }
        }
        _ => {
            app.set_status(StatusKind::Info, "Still loading the secret.");
            None
        }
    }
}

/// Which editor a pending `e` / `E` opens once its secret has arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEdit {
    pub location: Location,
    pub in_editor: bool,
}

/// `e`: edit the selected secret in the form.
pub fn edit_in_form(app: &mut App) -> Vec<Effect> {
    edit_selected(app, false)
}

/// `E`: edit the selected secret in `$VISUAL` / `$EDITOR`.
pub fn edit_in_editor(app: &mut App) -> Vec<Effect> {
    edit_selected(app, true)
}

/// Edits the secret under the tree cursor: when it is not the open one (or is still loading), it
/// is opened first and the edit starts as soon as its data (and, for a read failure, the
/// token's capabilities) are known.
fn edit_selected(app: &mut App, in_editor: bool) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(id) = app.tree.selected_id()
        && app
            .tree
            .node(id)
            .is_some_and(|n| matches!(n.kind, NodeKind::Secret))
        && let Some(location) = app.tree.location(id)
        && app.secret.location.as_ref() != Some(&location)
    {
        effects = crate::app::keys::open_secret(app, id);
    }
    let Some(location) = app.secret.location.clone() else {
        app.set_status(StatusKind::Info, "Select a secret in the tree first.");
        return effects;
    };
    app.pending_edit = Some(PendingEdit {
        location,
        in_editor,
    });
    effects.extend(resume_pending_edit(app));
    effects
}

/// Starts a pending `e` / `E` once the secret it waits for has settled; drops it when the user
/// has opened another secret meanwhile.
pub fn resume_pending_edit(app: &mut App) -> Vec<Effect> {
    let Some(pending) = app.pending_edit.clone() else {
        return Vec::new();
    };
    if app.secret.location.as_ref() != Some(&pending.location) || app.modal.is_some() {
        app.pending_edit = None;
        return Vec::new();
    }
    // A KV v2 secret waits for the token's capabilities too: a read-only token is told at once
    // that it may not write, and a failed read may still be a write-only token.
    let capabilities_known = !app.secret.is_versioned()
        || !app
            .capabilities_pending
            .contains(&crate::app::history::capability_key(&pending.location));
    let settled = match app.secret.content() {
        SecretContent::Loaded(_) | SecretContent::Failed(_) => capabilities_known,
        SecretContent::Empty | SecretContent::Loading => false,
    };
    let opening = format!("Opening {} to edit it…", pending.location.display());
    if !settled {
        app.set_status(StatusKind::Info, opening);
        return Vec::new();
    }
    app.pending_edit = None;
    let caps = capabilities(app);
    if app.secret.is_versioned()
        && matches!(app.secret.content(), SecretContent::Loaded(_))
        && !caps.write_data()
    {
        let path = pending.location.display();
        let data = crate::vault::versions::operation_path(
            &pending.location.mount,
            "data",
            &pending.location.path,
        );
        app.set_status(
            StatusKind::Error,
            format!("Your token may not write {path} (needs update on {data})."),
        );
        return Vec::new();
    }
    let Some(draft) = draft_of_open_secret(app) else {
        return Vec::new();
    };
    // Our own "Opening …" note is done; any other message stays.
    if app.status.as_ref().is_some_and(|s| s.text == opening) {
        app.status = None;
    }
    if pending.in_editor {
        open_editor(app, draft, &[])
    } else {
        app.modal = Some(Modal::SecretForm(SecretForm::new(draft)));
        Vec::new()
    }
}
