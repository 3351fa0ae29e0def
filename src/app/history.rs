//! KV v2 history in the secret pane: the tabs, opening an old version, comparing two versions, and
//! the version operations (soft-delete, undelete, destroy, roll back, delete everything), each
//! checked against the token's capabilities and put behind a confirmation that names path and
//! versions.

use super::action::Effect;
use super::input::TextInput;
use super::secret_pane::{DiffView, SecretContent, SecretTab};
use super::state::{App, Focus, Loadable, Modal, StatusKind};
use super::tree::Location;
use crate::vault::{SecretCapabilities, SecretMetadata};

/// Defined beside the client (effects carry it to the runtime); named here for the app's code.
pub use crate::vault::versions::VersionOperation;

/// Past tense, for the status line: "Destroyed versions 3, 5 of secret/x".
pub fn done_message(operation: &VersionOperation, path: &str, new_version: Option<u64>) -> String {
    match operation {
        VersionOperation::SoftDelete { versions, .. } => {
            format!("Soft-deleted {} of {path}", versions_text(versions))
        }
        VersionOperation::Undelete { versions } => {
            format!("Undeleted {} of {path}", versions_text(versions))
        }
        VersionOperation::Destroy { versions } => {
            format!("Destroyed {} of {path}", versions_text(versions))
        }
        VersionOperation::Rollback { version, .. } => match new_version {
            Some(new) => format!("Rolled {path} back to version {version}: now version {new}"),
            None => format!("Rolled {path} back to version {version}"),
        },
        VersionOperation::DeleteAll => {
            format!("Deleted every version and the metadata of {path}")
        }
    }
}

/// A confirmation dialog in front of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub location: Location,
    pub operation: VersionOperation,
    pub title: String,
    pub lines: Vec<String>,
    /// Irreversible operations need the path (or "destroy") typed; others take `y`.
    pub typed: Option<TextInput>,
    pub error: Option<String>,
}

impl Confirm {
    /// Whether what was typed confirms an irreversible operation.
    pub fn typed_matches(&self) -> bool {
        self.typed.as_ref().is_some_and(|input| {
            let text = input.text.trim();
            text == "destroy" || text == self.location.display()
        })
    }
}

/// What an irreversible operation asks to be typed: shown up front in every typed confirmation.
fn typed_prompt(path: &str) -> String {
    format!("Type {path} or destroy, then Enter.")
}

/// "version 3" / "versions 3, 5 and 7".
pub fn versions_text(versions: &[u64]) -> String {
    let numbers: Vec<String> = versions.iter().map(u64::to_string).collect();
    match numbers.as_slice() {
        [] => "no versions".into(),
        [one] => format!("version {one}"),
        [init @ .., last] => format!("versions {} and {last}", init.join(", ")),
    }
}

/// The key of the capability cache: the secret's full path.
pub fn capability_key(location: &Location) -> String {
    location.display()
}

/// What the token may do with the open secret; everything while not known (the server decides).
pub fn capabilities(app: &App) -> SecretCapabilities {
    app.secret
        .location
        .as_ref()
        .and_then(|l| app.capabilities.get(&capability_key(l)))
        .cloned()
        .unwrap_or_else(SecretCapabilities::unknown)
}

/// Requests for a KV v2 secret beyond its data: the metadata, and the capabilities once per secret.
pub fn history_requests(app: &mut App, location: &Location) -> Vec<Effect> {
    let mut effects = Vec::new();
    if !app.secret.is_versioned() {
        return effects;
    }
    let request = app.next_request_id();
    app.secret.metadata = Some(match app.secret.metadata.take() {
        Some(Loadable::Ready(old)) => Loadable::Ready(old),
        _ => Loadable::Loading,
    });
    app.secret.metadata_request = Some(request);
    effects.push(Effect::LoadMetadata {
        request,
        location: location.clone(),
    });
    let key = capability_key(location);
    if !app.capabilities.contains_key(&key) && app.capabilities_pending.insert(key) {
        effects.push(Effect::LoadCapabilities {
            location: location.clone(),
        });
    }
    effects
}

pub fn select_tab(app: &mut App, tab: SecretTab) -> Vec<Effect> {
    if app.secret.location.is_none() {
        app.set_status(StatusKind::Info, "Open a secret first (Enter on a secret).");
        return Vec::new();
    }
    if tab != SecretTab::Data && !app.secret.is_versioned() {
        app.set_status(
            StatusKind::Info,
            "This engine keeps no versions: only the Data tab exists (KV v1 and cubbyhole).",
        );
        return Vec::new();
    }
    app.secret.tab = tab;
    app.focus = Focus::Secret;
    if tab == SecretTab::Diff && app.secret.diff.is_none() {
        return default_diff(app);
    }
    Vec::new()
}

pub fn cycle_tab(app: &mut App, delta: isize) -> Vec<Effect> {
    let count = if app.secret.is_versioned() {
        SecretTab::ALL.len()
    } else {
        1
    };
    let index = (app.secret.tab.index() as isize + delta).rem_euclid(count as isize) as usize;
    select_tab(app, SecretTab::ALL[index])
}

/// Previous vs current, old on the left.
fn default_diff(app: &mut App) -> Vec<Effect> {
    let Some(metadata) = app.secret.loaded_metadata() else {
        return Vec::new(); // compared once the metadata arrives
    };
    // The two newest versions that can be read: a deleted or destroyed one has nothing to show.
    let now = app.now_unix();
    let new = metadata.previous_live(metadata.current_version + 1, now);
    match new.and_then(|new| Some((metadata.previous_live(new, now)?, new))) {
        Some((old, new)) => compare(app, old, new),
        None => {
            if app.secret.tab == SecretTab::Diff {
                app.secret.tab = SecretTab::Data;
                app.set_status(
                    StatusKind::Info,
                    "Fewer than two readable versions: nothing to compare, showing the data.",
                );
            }
            Vec::new()
        }
    }
}

/// Loads two versions into the Diff tab.
pub fn compare(app: &mut App, old: u64, new: u64) -> Vec<Effect> {
    let Some(location) = app.secret.location.clone() else {
        return Vec::new();
    };
    let (old, new) = (old.min(new), old.max(new));
    let old_request = app.next_request_id();
    let new_request = app.next_request_id();
    app.secret.diff = Some(DiffView {
        old,
        new,
        old_content: SecretContent::Loading,
        new_content: SecretContent::Loading,
        old_request: Some(old_request),
        new_request: Some(new_request),
        selected: 0,
    });
    app.secret.tab = SecretTab::Diff;
    vec![
        Effect::ReadSecret {
            request: old_request,
            location: location.clone(),
            version: Some(old),
        },
        Effect::ReadSecret {
            request: new_request,
            location,
            version: Some(new),
        },
    ]
}

/// `v` in the Versions tab: the two marked versions, or the cursor's version against the one
/// before it.
pub fn compare_selected(app: &mut App) -> Vec<Effect> {
    let marked: Vec<u64> = app.secret.marked.iter().copied().collect();
    if let [old, new] = marked.as_slice() {
        return compare(app, *old, *new);
    }
    if marked.len() > 2 {
        app.set_status(
            StatusKind::Warning,
            "Mark exactly two versions to compare them.",
        );
        return Vec::new();
    }
    let Some(metadata) = app.secret.loaded_metadata() else {
        return Vec::new();
    };
    let Some(version) = app.secret.cursor_version() else {
        return Vec::new();
    };
    match metadata.previous(version) {
        Some(previous) => compare(app, previous, version),
        None => {
            app.set_status(
                StatusKind::Info,
                format!("Version {version} is the oldest: nothing before it to compare with."),
            );
            Vec::new()
        }
    }
}

/// `<` / `>` in the Diff tab: step the pair one version back or forward through the history.
pub fn step_diff(app: &mut App, forward: bool) -> Vec<Effect> {
    let (Some(diff), Some(metadata)) = (&app.secret.diff, app.secret.loaded_metadata()) else {
        return Vec::new();
    };
    // Deleted and destroyed versions are stepped over: there is nothing in them to compare.
    let now = app.now_unix();
    let pair = if forward {
        metadata.next_live(diff.new, now).and_then(|new| {
            let old = metadata.previous_live(new, now)?;
            Some((old, new))
        })
    } else {
        metadata.previous_live(diff.old, now).and_then(|old| {
            let new = metadata.next_live(old, now)?;
            Some((old, new))
        })
    };
    match pair {
        Some((old, new)) => compare(app, old, new),
        None => {
            let edge = if forward { "newest" } else { "oldest" };
            app.set_status(StatusKind::Info, format!("Already at the {edge} version."));
            Vec::new()
        }
    }
}

/// Enter in the Versions tab: show that version in the Data tab.
pub fn open_version(app: &mut App, version: u64) -> Vec<Effect> {
    let Some(location) = app.secret.location.clone() else {
        return Vec::new();
    };
    let current = app.secret.loaded_metadata().map(|m| m.current_version);
    app.secret.viewing = if Some(version) == current {
        None
    } else {
        Some(version)
    };
    let request = app.next_request_id();
    app.secret.set_content(SecretContent::Loading);
    app.secret.request = Some(request);
    app.secret.selected = 0;
    app.secret.detail_scroll = 0;
    app.secret.tab = SecretTab::Data;
    vec![Effect::ReadSecret {
        request,
        location,
        version: app.secret.viewing,
    }]
}

pub fn toggle_mark(app: &mut App) {
    if let Some(version) = app.secret.cursor_version()
        && !app.secret.marked.remove(&version)
    {
        app.secret.marked.insert(version);
    }
    app.secret.move_version_cursor(1);
}

/// Which versions an operation acts on: the marked ones, else the one under the cursor (Versions
/// tab) or the one shown (Data tab).
fn target_versions(app: &App) -> Option<Vec<u64>> {
    if !app.secret.marked.is_empty() {
        return Some(app.secret.marked.iter().copied().collect());
    }
    match app.secret.tab {
        SecretTab::Versions => app.secret.cursor_version().map(|v| vec![v]),
        SecretTab::Data => app.secret.shown_version().map(|v| vec![v]),
        SecretTab::Metadata | SecretTab::Diff => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    SoftDelete,
    Undelete,
    Destroy,
    Rollback,
    DeleteAll,
}

impl OperationKind {
    fn verb(self) -> &'static str {
        match self {
            OperationKind::SoftDelete => "soft-delete",
            OperationKind::Undelete => "undelete",
            OperationKind::Destroy => "destroy",
            OperationKind::Rollback => "roll back",
            OperationKind::DeleteAll => "delete all versions of",
        }
    }

    /// The API path and capability the operation needs, for the refusal message.
    fn needs(self, location: &Location) -> String {
        let (operation, capability) = match self {
            OperationKind::SoftDelete => ("delete", "update"),
            OperationKind::Undelete => ("undelete", "update"),
            OperationKind::Destroy => ("destroy", "update"),
            OperationKind::Rollback => ("data", "update"),
            OperationKind::DeleteAll => ("metadata", "delete"),
        };
        format!(
            "{capability} on {}",
            crate::vault::versions::operation_path(&location.mount, operation, &location.path)
        )
    }

    pub fn allowed(self, caps: &SecretCapabilities, only_latest: bool) -> bool {
        match self {
            OperationKind::SoftDelete => caps.soft_delete(only_latest),
            OperationKind::Undelete => caps.undelete(),
            OperationKind::Destroy => caps.destroy(),
            OperationKind::Rollback => caps.read_data() && caps.write_data(),
            OperationKind::DeleteAll => caps.delete_all(),
        }
    }
}

/// The open KV v2 secret and its loaded history, or a status saying why there is none.
pub fn versioned_secret(app: &mut App, purpose: &str) -> Option<(Location, SecretMetadata)> {
    let Some(location) = app.secret.location.clone() else {
        app.set_status(StatusKind::Info, "Open a secret first (Enter on a secret).");
        return None;
    };
    if !app.secret.is_versioned() {
        app.set_status(
            StatusKind::Warning,
            format!(
                "{} keeps no versions or metadata: nothing to {purpose} (KV v1 and cubbyhole).",
                location.mount.path
            ),
        );
        return None;
    }
    let Some(metadata) = app.secret.loaded_metadata().cloned() else {
        app.set_status(
            StatusKind::Warning,
            "The version history is not loaded (yet): wait, or press R.",
        );
        return None;
    };
    Some((location, metadata))
}

/// `d`, `u`, `D`, `r`, `X`: checks what can be done and opens the confirmation.
pub fn request_operation(app: &mut App, kind: OperationKind) -> Vec<Effect> {
    let Some((location, metadata)) = versioned_secret(app, kind.verb()) else {
        return Vec::new();
    };
    let path = location.display();
    let caps = capabilities(app);
    let confirm = match kind {
        OperationKind::DeleteAll => {
            if !kind.allowed(&caps, false) {
                return refuse(app, kind, &location);
            }
            Confirm {
                title: "Delete every version".into(),
                lines: vec![
                    match metadata.versions.len() {
                        1 => format!("Delete the only version and the metadata of {path}?"),
                        n => format!("Delete all {n} versions and the metadata of {path}?"),
                    },
                    "This cannot be undone: the history and custom metadata go too.".into(),
                    typed_prompt(&path),
                ],
                typed: Some(TextInput::default()),
                operation: VersionOperation::DeleteAll,
                location,
                error: None,
            }
        }
        _ => {
            let Some(targets) = target_versions(app) else {
                use super::keymap::{Command, Scope};
                app.set_status(
                    StatusKind::Info,
                    format!(
                        "Choose versions in the Versions tab (2): move with {}/{}, mark with {}.",
                        app.keymap.key(Scope::Main, Command::Down),
                        app.keymap.key(Scope::Main, Command::Up),
                        app.keymap.key(Scope::Versions, Command::MarkVersion)
                    ),
                );
                return Vec::new();
            };
            let only_latest = targets == [metadata.current_version];
            if !kind.allowed(&caps, only_latest) {
                return refuse(app, kind, &location);
            }
            match version_confirm(&metadata, &location, kind, &targets, &caps, app.now_unix()) {
                Ok(confirm) => confirm,
                Err(reason) => {
                    app.set_status(StatusKind::Warning, reason);
                    return Vec::new();
                }
            }
        }
    };
    app.modal = Some(Modal::Confirm(confirm));
    Vec::new()
}

fn refuse(app: &mut App, kind: OperationKind, location: &Location) -> Vec<Effect> {
    app.set_status(
        StatusKind::Error,
        format!(
            "Your token may not {} {} (needs {}).",
            kind.verb(),
            location.display(),
            kind.needs(location)
        ),
    );
    Vec::new()
}

fn version_confirm(
    metadata: &SecretMetadata,
    location: &Location,
    kind: OperationKind,
    targets: &[u64],
    caps: &SecretCapabilities,
    now_unix: i64,
) -> Result<Confirm, String> {
    let path = location.display();
    let known = |v: &u64| metadata.version(*v);
    let pick = |keep: &dyn Fn(&crate::vault::VersionInfo) -> bool| -> Vec<u64> {
        targets
            .iter()
            .filter(|v| known(v).is_some_and(keep))
            .copied()
            .collect()
    };
    let skipped = |chosen: &[u64], why: &str| -> Option<String> {
        let rest: Vec<u64> = targets
            .iter()
            .filter(|v| !chosen.contains(v))
            .copied()
            .collect();
        (!rest.is_empty()).then(|| format!("Skipping {} ({why}).", versions_text(&rest)))
    };
    let (operation, title, mut lines, typed) = match kind {
        OperationKind::SoftDelete => {
            let versions = pick(&|v| v.is_live(now_unix));
            if versions.is_empty() {
                return Err(format!(
                    "{} of {path} is already deleted or destroyed.",
                    versions_text(targets)
                ));
            }
            let latest_via_data =
                versions == [metadata.current_version] && !caps.soft_delete(false);
            let mut lines = vec![
                format!("Soft-delete {} of {path}?", versions_text(&versions)),
                "The data stays recoverable with undelete (u).".into(),
            ];
            lines.extend(skipped(&versions, "already deleted or destroyed"));
            (
                VersionOperation::SoftDelete {
                    versions,
                    latest_via_data,
                },
                "Soft-delete",
                lines,
                false,
            )
        }
        OperationKind::Undelete => {
            let versions = pick(&|v| v.is_deleted(now_unix));
            if versions.is_empty() {
                return Err(format!(
                    "{} of {path} is not soft-deleted (a destroyed version cannot come back).",
                    versions_text(targets)
                ));
            }
            let mut lines = vec![format!("Undelete {} of {path}?", versions_text(&versions))];
            lines.extend(skipped(&versions, "not soft-deleted"));
            (
                VersionOperation::Undelete { versions },
                "Undelete",
                lines,
                false,
            )
        }
        OperationKind::Destroy => {
            let versions = pick(&|v| !v.destroyed);
            if versions.is_empty() {
                return Err(format!(
                    "{} of {path} is already destroyed.",
                    versions_text(targets)
                ));
            }
            let mut lines = vec![
                format!("Destroy {} of {path}?", versions_text(&versions)),
                "The data is erased for good: this cannot be undone.".into(),
            ];
            lines.extend(skipped(&versions, "already destroyed"));
            (
                VersionOperation::Destroy { versions },
                "Destroy",
                lines,
                true,
            )
        }
        OperationKind::Rollback => {
            let [version] = targets else {
                return Err("Roll back to one version: unmark all but one (Space).".into());
            };
            let version = *version;
            let current = metadata.current_version;
            if version == current {
                return Err(format!(
                    "Version {version} is already the current version of {path}."
                ));
            }
            match known(&version) {
                None => return Err(format!("{path} has no version {version}.")),
                Some(info) if info.destroyed => {
                    return Err(format!(
                        "Version {version} is destroyed: there is no data to roll back to."
                    ));
                }
                Some(info) if info.is_deleted(now_unix) => {
                    return Err(format!(
                        "Version {version} is soft-deleted: undelete it (u) before rolling back."
                    ));
                }
                Some(_) => {}
            }
            (
                VersionOperation::Rollback { version, current },
                "Roll back",
                vec![
                    format!("Roll {path} back to version {version}?",),
                    format!(
                        "Writes version {version}'s data as version {}, only if version {current} \
                         is still current (check-and-set).",
                        current + 1
                    ),
                ],
                false,
            )
        }
        OperationKind::DeleteAll => unreachable!("handled by the caller"),
    };
    if typed {
        lines.push(typed_prompt(&path));
    } else {
        lines.push("y confirms · n or Esc cancels".into());
    }
    Ok(Confirm {
        location: location.clone(),
        operation,
        title: title.into(),
        lines,
        typed: typed.then(TextInput::default),
        error: None,
    })
}

/// A key in the confirmation dialog.
pub fn on_confirm_key(app: &mut App, key: &crossterm::event::KeyEvent) -> Vec<Effect> {
    use crossterm::event::KeyCode;
    let Some(Modal::Confirm(confirm)) = &mut app.modal else {
        return Vec::new();
    };
    match (key.code, &mut confirm.typed) {
        (KeyCode::Esc, _) | (KeyCode::Char('n'), None) => {
            app.modal = None;
            app.set_status(StatusKind::Info, "Cancelled: nothing was changed.");
            Vec::new()
        }
        (KeyCode::Char('y') | KeyCode::Enter, None) => run_confirmed(app),
        (KeyCode::Enter, Some(_)) => {
            if confirm.typed_matches() {
                run_confirmed(app)
            } else {
                confirm.error = Some(format!(
                    "Type {} or destroy exactly to confirm.",
                    confirm.location.display()
                ));
                Vec::new()
            }
        }
        (_, Some(input)) => {
            if input.handle_key(key) {
                confirm.error = None;
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn run_confirmed(app: &mut App) -> Vec<Effect> {
    let Some(Modal::Confirm(confirm)) = app.modal.take() else {
        return Vec::new();
    };
    app.set_status(StatusKind::Info, "Working…");
    vec![Effect::ChangeVersions {
        location: confirm.location,
        operation: confirm.operation,
    }]
}

/// The answer to an operation: report it, then reload what it changed.
pub fn operation_done(
    app: &mut App,
    location: Location,
    operation: VersionOperation,
    result: Result<Option<u64>, crate::vault::VaultError>,
) -> Vec<Effect> {
    let path = location.display();
    let still_open = app.secret.location.as_ref() == Some(&location);
    match result {
        Ok(new_version) => {
            app.set_status(
                StatusKind::Info,
                done_message(&operation, &path, new_version),
            );
            if operation == VersionOperation::DeleteAll {
                return deleted_everything(app, &location, still_open);
            }
            if !still_open {
                return Vec::new();
            }
            app.secret.marked.clear();
            reload_open_secret(app)
        }
        Err(error) => {
            let message = match &error {
                crate::vault::VaultError::CasMismatch { .. } => format!(
                    "Conflict: {path} was written by someone else since you looked; nothing was \
                     overwritten. Look at the new version, then roll back again if still needed."
                ),
                other => format!("Could not change {path}: {other}"),
            };
            app.set_status(StatusKind::Error, message);
            if still_open {
                reload_open_secret(app)
            } else {
                Vec::new()
            }
        }
    }
}

/// After a delete-all: the secret is gone from the pane (when it is still open there), from the
/// finder's paths and from the tree, now rather than when (or if: a token may delete but not
/// list) a listing answers; the folder it was in is listed again.
fn deleted_everything(app: &mut App, location: &Location, still_open: bool) -> Vec<Effect> {
    let path = location.display();
    if still_open {
        // Nothing is left to show: the pane closes, the status line says what happened.
        app.secret.close();
        if app.focus == Focus::Secret {
            app.focus = Focus::Tree;
        }
    }
    app.paths.paths.retain(|known| *known != path);
    match app.tree.find(&path) {
        Some(id) => match app.tree.remove(id) {
            Some(folder) => super::keys::list_folder(app, folder),
            None => Vec::new(),
        },
        None => super::update::reload_parent_folder(app, location),
    }
}

/// Re-reads the shown version, the metadata and an open diff of the open secret.
pub fn reload_open_secret(app: &mut App) -> Vec<Effect> {
    let Some(location) = app.secret.location.clone() else {
        return Vec::new();
    };
    let request = app.next_request_id();
    app.secret.request = Some(request);
    app.secret.set_content(SecretContent::Loading);
    let mut effects = vec![Effect::ReadSecret {
        request,
        location: location.clone(),
        version: app.secret.viewing,
    }];
    effects.extend(history_requests(app, &location));
    if let Some(diff) = &app.secret.diff {
        let (old, new) = (diff.old, diff.new);
        let tab = app.secret.tab;
        effects.extend(compare(app, old, new));
        app.secret.tab = tab;
    }
    effects
}

/// The metadata answer: keep the cursor on the same version, drop marks of versions that are gone,
/// and start the default comparison when the Diff tab waits for it.
pub fn metadata_loaded(
    app: &mut App,
    request: super::action::RequestId,
    result: Result<SecretMetadata, crate::vault::VaultError>,
) -> Vec<Effect> {
    if app.secret.metadata_request != Some(request) {
        return Vec::new();
    }
    app.secret.metadata_request = None;
    let cursor_on = app.secret.cursor_version();
    match result {
        Ok(metadata) => {
            app.secret.marked.retain(|v| metadata.version(*v).is_some());
            app.secret.metadata = Some(Loadable::Ready(metadata));
            app.secret.version_cursor = 0;
            if let Some(version) = cursor_on {
                app.secret.put_cursor_on(version);
            }
            if app.secret.tab == SecretTab::Diff && app.secret.diff.is_none() {
                return default_diff(app);
            }
        }
        Err(error) => {
            if matches!(error, crate::vault::VaultError::Sealed) {
                super::seal::sealed_answer(app);
            }
            app.secret.metadata = Some(Loadable::Failed(super::errors::error_text(
                &app.keymap,
                &error,
            )));
        }
    }
    Vec::new()
}

/// Routes a secret read to the Data tab or to one side of the diff. Returns false for stale answers.
pub fn route_secret_answer(
    app: &mut App,
    request: super::action::RequestId,
    content: SecretContent,
) -> bool {
    if let Some(diff) = &mut app.secret.diff {
        if diff.old_request == Some(request) {
            diff.old_request = None;
            diff.old_content = content;
            return true;
        }
        if diff.new_request == Some(request) {
            diff.new_request = None;
            diff.new_content = content;
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_listed_in_words() {
        assert_eq!(versions_text(&[3]), "version 3");
        assert_eq!(versions_text(&[3, 5]), "versions 3 and 5");
        assert_eq!(versions_text(&[1, 3, 5]), "versions 1, 3 and 5");
    }
}
