//! The answer to a write: saved (the tree shows it, a copy's metadata follows), or refused:
//! someone wrote first, a secret is already there, or whether one is there cannot be checked
//! (the conflict view), or another error (back to the form, the input kept).

use super::{ConfirmWrite, Conflict, ConflictKind, PathPrompt, SecretForm};
use crate::app::action::Effect;
use crate::app::edit::Draft;
use crate::app::keymap::{Command, Scope};
use crate::app::secret_pane::SecretContent;
use crate::app::state::{App, Modal, StatusKind};
use crate::app::tree::Location;
use crate::vault::VaultError;
use std::collections::BTreeMap;

/// The answer to a write, for the confirmation that sent it (ignored once that is gone).
pub fn written(
    app: &mut App,
    location: Location,
    result: Result<Option<u64>, VaultError>,
) -> Vec<Effect> {
    let confirm = match app.modal.take() {
        Some(Modal::ConfirmWrite(confirm)) if confirm.draft.location == location => confirm,
        other => {
            app.modal = other;
            return Vec::new(); // the dialog is gone: nothing to report into
        }
    };
    let path = location.display();
    if let (Err(error), Some(prompt)) = (&result, &confirm.prompt) {
        return save_refused(app, prompt, &path, error);
    }
    match result {
        Ok(version) => saved(app, confirm, location, version),
        Err(VaultError::AlreadyExists { .. }) => already_exists(app, confirm.draft, location),
        Err(VaultError::CasMismatch { .. }) => {
            app.set_status(
                StatusKind::Error,
                format!("Conflict: {path} changed since you opened it; nothing was overwritten."),
            );
            read_theirs(app, confirm.draft, ConflictKind::Changed, location)
        }
        Err(VaultError::ExistenceUnknown { .. }) => {
            app.set_status(
                StatusKind::Warning,
                format!(
                    "Cannot check whether a secret exists at {path}: this token may not read it. \
                     Nothing was written."
                ),
            );
            app.modal = Some(Modal::Conflict(Conflict {
                draft: confirm.draft,
                kind: ConflictKind::MayExist,
                theirs: SecretContent::Empty,
                theirs_denied: true,
                request: None,
            }));
            Vec::new()
        }
        Err(error) => {
            app.set_status(StatusKind::Error, format!("Could not save {path}: {error}"));
            let again = app.keymap.key(Scope::SecretForm, Command::Submit);
            let reason =
                format!("Could not save: {error}. {again} tries again; your input is kept.");
            app.modal = Some(Modal::SecretForm(SecretForm::with_error(
                confirm.draft,
                reason,
            )));
            Vec::new()
        }
    }
}

/// A save of data that is not a secret yet was refused: back to its path prompt with the typed
/// path and why. A create never becomes an overwrite or a re-apply on what is there.
fn save_refused(app: &mut App, prompt: &PathPrompt, path: &str, error: &VaultError) -> Vec<Effect> {
    let submit = app.keymap.key(Scope::PathPrompt, Command::Submit);
    let reason = match error {
        VaultError::AlreadyExists { .. } | VaultError::CasMismatch { .. } => format!(
            "A secret already exists at {path}; nothing was written (a save never replaces \
             one). Type another path."
        ),
        VaultError::ExistenceUnknown { .. } => format!(
            "Cannot check whether a secret exists at {path}: this token may not read it. \
             Nothing was written; type a path it may read."
        ),
        other => format!("Could not save {path}: {other}. {submit} tries again."),
    };
    app.set_status(
        StatusKind::Warning,
        format!("Nothing was written to {path}."),
    );
    app.modal = Some(Modal::PathPrompt(prompt.with_error(reason)));
    Vec::new()
}

/// Saved: say so, copy the custom metadata of a copy, and show the secret in the tree.
fn saved(
    app: &mut App,
    confirm: ConfirmWrite,
    location: Location,
    version: Option<u64>,
) -> Vec<Effect> {
    let path = location.display();
    let message = match version {
        Some(version) => format!("Saved {path} as version {version}"),
        None => format!("Saved {path}"),
    };
    app.set_status(StatusKind::Info, message);
    let mut effects = Vec::new();
    if let Some(custom) = confirm.copy_metadata
        && !custom.is_empty()
    {
        let change = crate::vault::MetadataChange {
            custom_metadata: custom.into_iter().map(|(k, v)| (k, Some(v))).collect(),
            ..Default::default()
        };
        effects.push(Effect::SaveMetadata {
            location: location.clone(),
            change,
            current_custom: BTreeMap::new(),
        });
    }
    effects.extend(crate::app::update::reload_parent_folder(app, &location));
    // The path was just written: its mount is in the tree.
    if let Ok(jump) = crate::app::jump::jump_to(app, &path) {
        effects.extend(jump);
    }
    effects
}

/// A create found a secret at its path: say so, and read it to show it next to the draft.
fn already_exists(app: &mut App, draft: Draft, location: Location) -> Vec<Effect> {
    app.set_status(
        StatusKind::Warning,
        format!(
            "A secret already exists at {}; nothing was written.",
            location.display()
        ),
    );
    read_theirs(app, draft, ConflictKind::Exists, location)
}

/// The conflict view, with theirs being read.
fn read_theirs(app: &mut App, draft: Draft, kind: ConflictKind, location: Location) -> Vec<Effect> {
    let request = app.next_request_id();
    app.modal = Some(Modal::Conflict(Conflict {
        draft,
        kind,
        theirs: SecretContent::Loading,
        theirs_denied: false,
        request: Some(request),
    }));
    vec![Effect::ReadSecret {
        request,
        location,
        version: None,
    }]
}
