//! Creating, editing, patching and copying secrets: `e` (form), `E` ($EDITOR), `n` (new), `c`
//! (copy); the key/value form; the confirmation with a summary of the change; the conflict view
//! when someone wrote first; and the answers. The user's text is never dropped on a failure: it
//! goes back into the form (or the editor) with the reason.

use super::action::{Effect, RequestId};
use super::edit::{Draft, DraftBase, DraftRow, EDITOR_NOTE};
use super::history::capabilities;
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::secret_pane::SecretContent;
use super::state::{App, Modal, StatusKind};
use super::tree::{Location, NodeKind};
use crate::secret::SecretText;
use crate::vault::{KvVersion, SecretEngine, VaultError};
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretForm {
    pub draft: Draft,
    pub row: usize,
    /// On the value of the row (else its key).
    pub on_value: bool,
    pub revealed: bool,
    pub error: Option<String>,
    /// Esc was pressed once with unsaved changes: a second Esc discards them.
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
}

/// The editor's text was refused a second time: asked before the editor opens again, so no
/// editor that exits by itself can be relaunched in a loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorRetry {
    pub draft: Draft,
    /// What the editor opens with if the user goes back (notes and the user's text).
    pub text: SecretText,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmWrite {
    pub draft: Draft,
    /// A copy that also copies the source's custom metadata.
    pub copy_metadata: Option<BTreeMap<String, String>>,
    pub saving: bool,
    /// Overwriting what the token may not read: the path must be typed to confirm.
    pub typed: Option<TextInput>,
    pub error: Option<String>,
}

impl ConfirmWrite {
    pub fn new(draft: Draft, copy_metadata: Option<BTreeMap<String, String>>) -> Self {
        let typed = (draft.base == DraftBase::Overwrite).then(TextInput::default);
        Self {
            draft,
            copy_metadata,
            saving: false,
            typed,
            error: None,
        }
    }

    /// Whether the typed text confirms an overwrite (always, when none is asked for).
    pub fn typed_matches(&self) -> bool {
        self.typed
            .as_ref()
            .is_none_or(|input| input.text.trim() == self.draft.location.display())
    }

    /// What the write does, in words: the kind of write and its safety net, then the keys.
    pub fn lines(&self) -> Vec<String> {
        let draft = &self.draft;
        let path = draft.location.display();
        let mut lines = vec![match (&draft.base, draft.location.mount.engine.clone()) {
            (DraftBase::Patch, _) => format!(
                "Merge these keys into {path} without reading it (PATCH): other keys are kept."
            ),
            (DraftBase::Overwrite, SecretEngine::Kv(KvVersion::V2)) => format!(
                "Overwrite {path} without reading it: all its keys are replaced by yours (the \
                 old data stays as the previous version)."
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
                    "Write {path} as version {} (check-and-set: only if version {current} is \
                     still current).",
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
        }];
        lines.extend(draft.summary());
        if let Some(custom) = &self.copy_metadata {
            lines.push(format!("and {} custom metadata keys", custom.len()));
        }
        lines
    }
}

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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    New,
    Copy {
        rows: Vec<DraftRow>,
        custom_metadata: BTreeMap<String, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrompt {
    pub purpose: PromptPurpose,
    pub input: TextInput,
    /// Copy only: the checkbox has the focus (Space toggles it).
    pub on_checkbox: bool,
    pub with_metadata: bool,
    pub error: Option<String>,
}

/// The open secret's data as a draft to edit, or why there is none.
fn draft_of_open_secret(app: &mut App) -> Option<Draft> {
    let Some(location) = app.secret.location.clone() else {
        app.set_status(StatusKind::Info, "Open a secret first (Enter on a secret).");
        return None;
    };
    if app.secret.viewing.is_some() {
        app.set_status(
            StatusKind::Warning,
            "An older version is open: Esc goes back to the current one to edit it (or r rolls back).",
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
        effects = super::keys::open_secret(app, id);
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
            .contains(&super::history::capability_key(&pending.location));
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

fn open_editor(app: &mut App, draft: Draft, notes: &[String]) -> Vec<Effect> {
    let text = draft.editor_text(notes);
    app.editing = Some(draft);
    app.editor_refused = None;
    app.modal = None;
    vec![Effect::EditInEditor { text }]
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
    app.modal = Some(Modal::PathPrompt(PathPrompt {
        purpose: PromptPurpose::New,
        input: TextInput::with_text(&current_folder(app)),
        on_checkbox: false,
        with_metadata: false,
        error: None,
    }));
    Vec::new()
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
    app.modal = Some(Modal::PathPrompt(PathPrompt {
        purpose: PromptPurpose::Copy {
            rows: draft.rows.clone(),
            custom_metadata,
        },
        input: TextInput::with_text(&format!("{source}-copy")),
        on_checkbox: false,
        with_metadata: false,
        error: None,
    }));
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

pub fn on_prompt_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let Some(Modal::PathPrompt(prompt)) = &mut app.modal else {
        return Vec::new();
    };
    let is_copy = matches!(prompt.purpose, PromptPurpose::Copy { .. });
    match app.keymap.command(Scope::PathPrompt, key) {
        Some(Command::Cancel) => {
            app.modal = None;
            return Vec::new();
        }
        Some(Command::NextField | Command::PreviousField) if is_copy => {
            prompt.on_checkbox = !prompt.on_checkbox;
            return Vec::new();
        }
        Some(Command::Toggle) if prompt.on_checkbox => {
            prompt.with_metadata = !prompt.with_metadata;
            return Vec::new();
        }
        Some(Command::Submit) => {}
        _ => {
            if !prompt.on_checkbox && prompt.input.handle_key(key) {
                prompt.error = None;
            }
            return Vec::new();
        }
    }
    let text = prompt.input.text.clone();
    let location = match location_for(app, &text) {
        Ok(location) => location,
        Err(reason) => {
            if let Some(Modal::PathPrompt(prompt)) = &mut app.modal {
                prompt.error = Some(reason);
            }
            return Vec::new();
        }
    };
    let Some(Modal::PathPrompt(prompt)) = app.modal.take() else {
        return Vec::new();
    };
    match prompt.purpose {
        PromptPurpose::New => {
            app.modal = Some(Modal::SecretForm(SecretForm::new(Draft::new_secret(
                location,
            ))));
        }
        PromptPurpose::Copy {
            rows,
            custom_metadata,
        } => {
            let to_v2 = matches!(location.mount.engine, SecretEngine::Kv(KvVersion::V2));
            let copy_metadata = (prompt.with_metadata && to_v2).then_some(custom_metadata);
            let draft = Draft {
                location,
                base: DraftBase::New,
                rows,
            };
            app.modal = Some(Modal::ConfirmWrite(ConfirmWrite::new(draft, copy_metadata)));
        }
    }
    Vec::new()
}

pub fn on_form_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let Some(Modal::SecretForm(form)) = &mut app.modal else {
        return Vec::new();
    };
    let command = app.keymap.command(Scope::SecretForm, key);
    if command != Some(Command::Cancel) {
        form.discard_armed = false;
    }
    // ↑/↓ move to the same field of the row above/below; Tab walks key, value, next key...
    match command {
        Some(Command::Down) => {
            form.row = (form.row + 1).min(form.draft.rows.len().saturating_sub(1));
            return Vec::new();
        }
        Some(Command::Up) => {
            form.row = form.row.saturating_sub(1);
            return Vec::new();
        }
        _ => {}
    }
    match command {
        Some(Command::Cancel) => {
            let changed = match &form.draft.base {
                DraftBase::Existing { .. } => !form.draft.is_unchanged(),
                _ => !form.draft.entries().is_empty(),
            };
            if changed && !form.discard_armed {
                form.discard_armed = true;
                form.error = Some(
                    "Unsaved changes: Esc again discards them; Enter saves; Ctrl-o opens them in $EDITOR."
                        .into(),
                );
            } else {
                app.modal = None;
                if changed {
                    app.set_status(
                        StatusKind::Info,
                        "Discarded the changes: nothing was written.",
                    );
                }
            }
        }
        Some(Command::NextField) => form.step(true),
        Some(Command::PreviousField) => form.step(false),
        Some(Command::AddRow) => {
            form.draft.rows.push(DraftRow::new("", "", false));
            form.row = form.draft.rows.len() - 1;
            form.on_value = false;
        }
        Some(Command::DeleteRow) => {
            if form.draft.rows.len() > 1 {
                form.draft.rows.remove(form.row);
                form.row = form.row.min(form.draft.rows.len() - 1);
            } else {
                form.draft.rows[0] = DraftRow::new("", "", false);
            }
            form.on_value = false;
        }
        Some(Command::Reveal) => form.revealed = !form.revealed,
        Some(Command::ToggleJson) => {
            if let Some(row) = form.draft.rows.get_mut(form.row) {
                row.json = !row.json;
            }
        }
        Some(Command::Newline) => {
            if form.on_value
                && let Some(input) = form.focused()
            {
                input.insert_multiline("\n");
            }
        }
        Some(Command::OpenEditor) => {
            let Some(Modal::SecretForm(form)) = app.modal.take() else {
                return Vec::new();
            };
            return open_editor(app, form.draft, &[]);
        }
        Some(Command::Submit) => return submit_form(app),
        _ => {
            if let Some(input) = form.focused()
                && input.handle_key(key)
            {
                form.error = None;
            }
        }
    }
    Vec::new()
}

/// Pasted text goes into the focused field; values keep their line breaks.
pub fn on_form_paste(app: &mut App, text: &str) {
    if let Some(Modal::SecretForm(form)) = &mut app.modal {
        let on_value = form.on_value;
        if let Some(input) = form.focused() {
            if on_value {
                input.insert_multiline(text);
            } else {
                input.insert_str(text.trim());
            }
        }
    }
}

fn submit_form(app: &mut App) -> Vec<Effect> {
    let Some(Modal::SecretForm(form)) = &mut app.modal else {
        return Vec::new();
    };
    if let Err(reason) = form.draft.validate() {
        form.error = Some(reason);
        return Vec::new();
    }
    if form.draft.is_unchanged() {
        app.modal = None;
        app.set_status(StatusKind::Info, "No changes: nothing was written.");
        return Vec::new();
    }
    let Some(Modal::SecretForm(form)) = app.modal.take() else {
        return Vec::new();
    };
    app.modal = Some(Modal::ConfirmWrite(ConfirmWrite::new(form.draft, None)));
    Vec::new()
}

pub fn on_confirm_write_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let command = app.keymap.command(Scope::Confirm, key);
    let Some(Modal::ConfirmWrite(confirm)) = &mut app.modal else {
        return Vec::new();
    };
    if confirm.saving {
        return Vec::new();
    }
    if confirm.typed.is_some() {
        let matches = confirm.typed_matches();
        match command {
            Some(Command::Submit) if !matches => {
                confirm.error = Some(format!(
                    "Type {} exactly to overwrite it; {} goes back to editing.",
                    confirm.draft.location.display(),
                    app.keymap.key(Scope::Confirm, Command::Cancel)
                ));
                return Vec::new();
            }
            Some(Command::Submit | Command::Cancel) => {}
            _ => {
                if let Some(input) = &mut confirm.typed
                    && input.handle_key(key)
                {
                    confirm.error = None;
                }
                return Vec::new();
            }
        }
    }
    match command {
        Some(Command::Yes | Command::Submit) => {
            let body = match confirm.draft.body() {
                Ok(body) => body,
                Err(reason) => {
                    let draft = confirm.draft.clone();
                    return back_to_form(app, draft, reason);
                }
            };
            confirm.saving = true;
            let effect = Effect::WriteSecret {
                location: confirm.draft.location.clone(),
                body,
                mode: confirm.draft.write_mode(),
            };
            app.set_status(StatusKind::Info, "Saving…");
            vec![effect]
        }
        Some(Command::No | Command::Cancel) => {
            let Some(Modal::ConfirmWrite(confirm)) = app.modal.take() else {
                return Vec::new();
            };
            // Back to editing, the rows intact (a copy too: its rows are the source's).
            app.modal = Some(Modal::SecretForm(SecretForm::new(confirm.draft)));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Keys of the "still refused" question: back into the editor with the text, or discard.
pub fn on_editor_retry_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    match app.keymap.command(Scope::Confirm, key) {
        Some(Command::Yes | Command::Submit) => {
            let Some(Modal::EditorRetry(retry)) = app.modal.take() else {
                return Vec::new();
            };
            app.editing = Some(retry.draft);
            vec![Effect::EditInEditor { text: retry.text }]
        }
        Some(Command::No | Command::Cancel) => {
            app.modal = None;
            app.editor_refused = None;
            app.set_status(StatusKind::Info, "Edit discarded: nothing was written.");
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn back_to_form(app: &mut App, draft: Draft, reason: String) -> Vec<Effect> {
    let mut form = SecretForm::new(draft);
    form.error = Some(reason);
    app.modal = Some(Modal::SecretForm(form));
    Vec::new()
}

pub fn on_conflict_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let Some(Modal::Conflict(conflict)) = &mut app.modal else {
        return Vec::new();
    };
    match app.keymap.command(Scope::Conflict, key) {
        Some(Command::Reapply) => {
            if conflict.unreadable() {
                let overwrite = app.keymap.key(Scope::Conflict, Command::Overwrite);
                let path = conflict.draft.location.display();
                let why = if conflict.theirs_denied {
                    format!("this token may not read {path}")
                } else {
                    format!("{path} could not be read")
                };
                app.set_status(
                    StatusKind::Warning,
                    format!(
                        "There is nothing to re-apply on: {why}. {overwrite} overwrites it with \
                         yours (after you type its path)."
                    ),
                );
                return Vec::new();
            }
            let SecretContent::Loaded(theirs) = &conflict.theirs else {
                app.set_status(StatusKind::Info, "Still reading their version.");
                return Vec::new();
            };
            let draft = conflict.draft.reapply_on(theirs);
            app.modal = Some(Modal::ConfirmWrite(ConfirmWrite::new(draft, None)));
            Vec::new()
        }
        Some(Command::Overwrite) => {
            if !conflict.unreadable() {
                let reapply = app.keymap.key(Scope::Conflict, Command::Reapply);
                app.set_status(
                    StatusKind::Info,
                    format!("Their version can be read: {reapply} re-applies yours on it."),
                );
                return Vec::new();
            }
            let mut draft = conflict.draft.clone();
            draft.base = DraftBase::Overwrite;
            app.modal = Some(Modal::ConfirmWrite(ConfirmWrite::new(draft, None)));
            Vec::new()
        }
        Some(Command::CopyDraft) => {
            let text = conflict.draft.editor_text(&[]);
            let path = conflict.draft.location.display();
            vec![Effect::Copy {
                text,
                description: format!("your version of {path} as JSON"),
                sensitive: true,
            }]
        }
        Some(Command::Discard) => {
            app.modal = None;
            app.set_status(
                StatusKind::Info,
                "Discarded your changes; their version stays as it is.",
            );
            super::history::reload_open_secret(app)
        }
        Some(Command::Cancel) => {
            let draft = conflict.draft.clone();
            back_to_form(
                app,
                draft,
                "Still in conflict: saving fails until you re-apply on their version (a).".into(),
            )
        }
        _ => Vec::new(),
    }
}

/// The answer to a write.
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
    match result {
        Ok(version) => {
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
            effects.extend(super::update::reload_parent_folder(app, &location));
            // The path was just written: its mount is in the tree.
            if let Ok(jump) = super::jump::jump_to(app, &path) {
                app.modal = None;
                effects.extend(jump);
            }
            effects
        }
        Err(VaultError::AlreadyExists { .. }) => already_exists(app, confirm.draft, location),
        Err(VaultError::CasMismatch { .. }) => {
            let request = app.next_request_id();
            app.set_status(
                StatusKind::Error,
                format!("Conflict: {path} changed since you opened it; nothing was overwritten."),
            );
            app.modal = Some(Modal::Conflict(Conflict {
                draft: confirm.draft,
                kind: ConflictKind::Changed,
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
            back_to_form(
                app,
                confirm.draft,
                format!("Could not save: {error}. Enter tries again; your input is kept."),
            )
        }
    }
}

/// A create found a secret at its path: say so, and read it to show it next to the draft.
fn already_exists(app: &mut App, draft: Draft, location: Location) -> Vec<Effect> {
    let request = app.next_request_id();
    app.set_status(
        StatusKind::Warning,
        format!(
            "A secret already exists at {}; nothing was written.",
            location.display()
        ),
    );
    app.modal = Some(Modal::Conflict(Conflict {
        draft,
        kind: ConflictKind::Exists,
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
        .and_then(|edited| edited.validate().map(|_| edited));
    match checked {
        Ok(edited) if edited.is_unchanged() => {
            app.set_status(StatusKind::Info, "No changes: nothing was written.");
            Vec::new()
        }
        Ok(edited) => {
            app.modal = Some(Modal::ConfirmWrite(ConfirmWrite::new(edited, None)));
            Vec::new()
        }
        Err(reason) => {
            // Back into the editor with the user's own text and the reason on top.
            let note = format!(
                "{reason}. Fix it and save, or empty the file to cancel. (Lines starting with \
                 {EDITOR_NOTE} are ignored.)"
            );
            let mut reopened = String::new();
            for line in note.lines() {
                reopened.push_str(EDITOR_NOTE);
                reopened.push(' ');
                reopened.push_str(line);
                reopened.push('\n');
            }
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
            reopened.push_str(body.expose());
            reopened.push('\n');
            match refused_before {
                None => {
                    app.editor_refused = Some(body);
                    app.editing = Some(draft);
                    vec![Effect::EditInEditor {
                        text: SecretText::new(reopened),
                    }]
                }
                Some(previous) if previous == body => {
                    app.set_status(
                        StatusKind::Warning,
                        format!(
                            "The editor gave the refused text back unchanged ({reason}): \
                             nothing was written."
                        ),
                    );
                    Vec::new()
                }
                Some(_) => {
                    app.editor_refused = Some(body);
                    app.modal = Some(Modal::EditorRetry(EditorRetry {
                        draft,
                        text: SecretText::new(reopened),
                        reason,
                    }));
                    Vec::new()
                }
            }
        }
    }
}

/// A read for the conflict view.
/// `denied`: the read was refused (the token may not read the secret).
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
