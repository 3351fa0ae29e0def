//! The version operations: which versions one acts on, whether the token may, the confirmation
//! that names path and versions (or why there is nothing to do), and the server's answer.

use super::super::action::Effect;
use super::super::keymap::{Command, Scope};
use super::super::secret_pane::SecretTab;
use super::super::state::{App, Focus, Modal, StatusKind};
use super::super::tree::Location;
use super::capabilities::capabilities;
use super::tabs::{reload_open_secret, versioned_secret};
use super::version_confirm::VersionConfirm;
use super::{VersionOperation, versions_text};
use crate::vault::{SecretCapabilities, SecretMetadata, VersionInfo};

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

/// An operation's key (soft-delete, undelete, destroy, roll back, delete all): checks what can be
/// done and opens the confirmation, or says in the status line why not.
pub fn request_operation(app: &mut App, kind: OperationKind) -> Vec<Effect> {
    let Some((location, metadata)) = versioned_secret(app, kind.verb()) else {
        return Vec::new();
    };
    let caps = capabilities(app);
    let confirm = if kind == OperationKind::DeleteAll {
        if !kind.allowed(&caps, false) {
            return refuse(app, kind, &location);
        }
        Ok(delete_all_confirm(&metadata, location))
    } else {
        let Some(targets) = target_versions(app) else {
            let message = choose_versions_first(app);
            app.set_status(StatusKind::Info, message);
            return Vec::new();
        };
        if !kind.allowed(&caps, targets == [metadata.current_version]) {
            return refuse(app, kind, &location);
        }
        let chosen = Chosen {
            metadata: &metadata,
            location: &location,
            targets: &targets,
            now_unix: app.now_unix(),
        };
        chosen.confirm(app, kind, &caps)
    };
    match confirm {
        Ok(confirm) => app.modal = Some(Modal::Confirm(confirm)),
        Err(reason) => app.set_status(StatusKind::Warning, reason),
    }
    Vec::new()
}

/// Where and how versions are chosen, with the keys of the keymap.
fn choose_versions_first(app: &App) -> String {
    let key = |scope, command| app.keymap.key(scope, command);
    format!(
        "Choose versions in the Versions tab ({}): move with {}/{}, mark with {}.",
        key(Scope::Main, Command::VersionsTab),
        key(Scope::Main, Command::Down),
        key(Scope::Main, Command::Up),
        key(Scope::Versions, Command::MarkVersion)
    )
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

fn delete_all_confirm(metadata: &SecretMetadata, location: Location) -> VersionConfirm {
    let path = location.display();
    let lines = vec![
        match metadata.versions.len() {
            1 => format!("Delete the only version and the metadata of {path}?"),
            n => format!("Delete all {n} versions and the metadata of {path}?"),
        },
        "This cannot be undone: the history and custom metadata go too.".into(),
    ];
    VersionConfirm::typed(
        location,
        VersionOperation::DeleteAll,
        "Delete every version",
        lines,
        "delete all",
    )
}

/// The versions an operation was asked for, and what is known about them.
struct Chosen<'a> {
    metadata: &'a SecretMetadata,
    location: &'a Location,
    targets: &'a [u64],
    now_unix: i64,
}

impl Chosen<'_> {
    /// The confirmation for `kind` on the chosen versions, or why there is nothing to confirm.
    fn confirm(
        &self,
        app: &App,
        kind: OperationKind,
        caps: &SecretCapabilities,
    ) -> Result<VersionConfirm, String> {
        let undelete = app.keymap.key(Scope::Main, Command::Undelete);
        match kind {
            OperationKind::SoftDelete => self.soft_delete(caps, &undelete),
            OperationKind::Undelete => self.undelete(),
            OperationKind::Destroy => self.destroy(),
            OperationKind::Rollback => {
                let mark = app.keymap.key(Scope::Versions, Command::MarkVersion);
                self.rollback(&undelete, &mark)
            }
            OperationKind::DeleteAll => {
                Ok(delete_all_confirm(self.metadata, self.location.clone()))
            }
        }
    }

    fn path(&self) -> String {
        self.location.display()
    }

    /// The chosen versions `keep` accepts.
    fn pick(&self, keep: impl Fn(&VersionInfo) -> bool) -> Vec<u64> {
        self.targets
            .iter()
            .filter(|v| self.metadata.version(**v).is_some_and(&keep))
            .copied()
            .collect()
    }

    /// "Skipping version 8 (why)." for the chosen versions left out.
    fn skipped(&self, chosen: &[u64], why: &str) -> Option<String> {
        let rest: Vec<u64> = self
            .targets
            .iter()
            .filter(|v| !chosen.contains(v))
            .copied()
            .collect();
        (!rest.is_empty()).then(|| format!("Skipping {} ({why}).", versions_text(&rest)))
    }

    fn soft_delete(
        &self,
        caps: &SecretCapabilities,
        undelete: &str,
    ) -> Result<VersionConfirm, String> {
        let path = self.path();
        let versions = self.pick(|v| v.is_live(self.now_unix));
        if versions.is_empty() {
            return Err(format!(
                "{} of {path} is already deleted or destroyed.",
                versions_text(self.targets)
            ));
        }
        let latest_via_data =
            versions == [self.metadata.current_version] && !caps.soft_delete(false);
        let mut lines = vec![
            format!("Soft-delete {} of {path}?", versions_text(&versions)),
            format!("The data stays recoverable with undelete ({undelete})."),
        ];
        lines.extend(self.skipped(&versions, "already deleted or destroyed"));
        let operation = VersionOperation::SoftDelete {
            versions,
            latest_via_data,
        };
        Ok(VersionConfirm::yes_no(
            self.location.clone(),
            operation,
            "Soft-delete",
            lines,
            "soft-delete",
        ))
    }

    fn undelete(&self) -> Result<VersionConfirm, String> {
        let path = self.path();
        let versions = self.pick(|v| v.is_deleted(self.now_unix));
        if versions.is_empty() {
            return Err(format!(
                "{} of {path} is not soft-deleted (a destroyed version cannot come back).",
                versions_text(self.targets)
            ));
        }
        let mut lines = vec![format!("Undelete {} of {path}?", versions_text(&versions))];
        lines.extend(self.skipped(&versions, "not soft-deleted"));
        Ok(VersionConfirm::yes_no(
            self.location.clone(),
            VersionOperation::Undelete { versions },
            "Undelete",
            lines,
            "undelete",
        ))
    }

    fn destroy(&self) -> Result<VersionConfirm, String> {
        let path = self.path();
        let versions = self.pick(|v| !v.destroyed);
        if versions.is_empty() {
            return Err(format!(
                "{} of {path} is already destroyed.",
                versions_text(self.targets)
            ));
        }
        let mut lines = vec![
            format!("Destroy {} of {path}?", versions_text(&versions)),
            "The data is erased for good: this cannot be undone.".into(),
        ];
        lines.extend(self.skipped(&versions, "already destroyed"));
        Ok(VersionConfirm::typed(
            self.location.clone(),
            VersionOperation::Destroy { versions },
            "Destroy",
            lines,
            "destroy",
        ))
    }

    fn rollback(&self, undelete: &str, mark: &str) -> Result<VersionConfirm, String> {
        let path = self.path();
        let [version] = self.targets else {
            return Err(format!(
                "Roll back to one version: unmark all but one ({mark})."
            ));
        };
        let version = *version;
        let current = self.metadata.current_version;
        if version == current {
            return Err(format!(
                "Version {version} is already the current version of {path}."
            ));
        }
        match self.metadata.version(version) {
            None => return Err(format!("{path} has no version {version}.")),
            Some(info) if info.destroyed => {
                return Err(format!(
                    "Version {version} is destroyed: there is no data to roll back to."
                ));
            }
            Some(info) if info.is_deleted(self.now_unix) => {
                return Err(format!(
                    "Version {version} is soft-deleted: undelete it ({undelete}) before rolling \
                     back."
                ));
            }
            Some(_) => {}
        }
        let lines = vec![
            format!("Roll {path} back to version {version}?"),
            format!(
                "Writes version {version}'s data as version {}, only if version {current} is \
                 still current (check-and-set).",
                current + 1
            ),
        ];
        Ok(VersionConfirm::yes_no(
            self.location.clone(),
            VersionOperation::Rollback { version, current },
            "Roll back",
            lines,
            "roll back",
        ))
    }
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
            app.set_status(StatusKind::Info, operation.done_message(&path, new_version));
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
            Some(folder) => super::super::keys::list_folder(app, folder),
            None => Vec::new(),
        },
        None => super::super::update::reload_parent_folder(app, location),
    }
}
