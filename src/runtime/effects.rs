//! Carries out effects: network calls become tokio tasks that send an `Action` back; clipboard work
//! happens right here, between frames, since OSC 52 writes to the terminal.

use crate::app::history::VersionOperation;
use crate::app::tree::Location;
use crate::app::{Action, Effect};
use crate::clipboard::Clipboard;
use crate::vault::{VaultClient, VaultError};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

pub struct EffectRunner {
    pub client: VaultClient,
    pub actions: UnboundedSender<Action>,
    pub clipboard: Clipboard,
    pub clipboard_clear_after: Duration,
    /// Fingerprints of copies whose clear timer fired.
    pub clear_due: UnboundedSender<u64>,
}

/// Writes a secret. Engines without check-and-set get an existence check before a create, so a
/// new secret never replaces one that is there.
async fn write_secret(
    client: &VaultClient,
    location: &Location,
    body: &crate::secret::SecretBytes,
    cas: Option<u64>,
    patch: bool,
    create: bool,
) -> Result<Option<u64>, VaultError> {
    let (mount, path) = (&location.mount, location.path.as_str());
    if patch {
        return client.patch_secret(mount, path, body.expose()).await;
    }
    if create && cas.is_none() {
        match client.read_secret(mount, path, None).await {
            Err(VaultError::NotFound { .. }) => {}
            Ok(_) => {
                return Err(VaultError::Server {
                    status: 409,
                    path: location.display(),
                    errors: vec![
                        "a secret already exists at this path; nothing was written".into(),
                    ],
                });
            }
            Err(other) => return Err(other),
        }
    }
    client.write_secret(mount, path, body.expose(), cas).await
}

/// Carries out a confirmed version operation; a rollback answers with its new version.
async fn change_versions(
    client: &VaultClient,
    location: &Location,
    operation: &VersionOperation,
) -> Result<Option<u64>, VaultError> {
    let (mount, path) = (&location.mount, location.path.as_str());
    match operation {
        VersionOperation::SoftDelete {
            latest_via_data: true,
            ..
        } => client.delete_latest(mount, path).await.map(|_| None),
        VersionOperation::SoftDelete { versions, .. } => client
            .change_versions(mount, path, "delete", versions)
            .await
            .map(|_| None),
        VersionOperation::Undelete { versions } => client
            .change_versions(mount, path, "undelete", versions)
            .await
            .map(|_| None),
        VersionOperation::Destroy { versions } => client
            .change_versions(mount, path, "destroy", versions)
            .await
            .map(|_| None),
        VersionOperation::Rollback { version, current } => client
            .rollback(mount, path, *version, *current)
            .await
            .map(Some),
        VersionOperation::DeleteAll => client.delete_all_versions(mount, path).await.map(|_| None),
    }
}

impl EffectRunner {
    pub fn run(&mut self, effect: Effect, terminal: &mut dyn std::io::Write) {
        let client = self.client.clone();
        let actions = self.actions.clone();
        match effect {
            Effect::LoadMounts { generation } => {
                tokio::spawn(async move {
                    let result = client.secret_mounts().await;
                    let _ = actions.send(Action::MountsLoaded { generation, result });
                });
            }
            Effect::ListFolder {
                generation,
                node,
                location,
            } => {
                tokio::spawn(async move {
                    let result = client.list_folder(&location.mount, &location.path).await;
                    let _ = actions.send(Action::FolderListed {
                        generation,
                        node,
                        result,
                    });
                });
            }
            Effect::ReadSecret {
                request,
                location,
                version,
            } => {
                tokio::spawn(async move {
                    let result = client
                        .read_secret(&location.mount, &location.path, version)
                        .await;
                    let _ = actions.send(Action::SecretLoaded { request, result });
                });
            }
            Effect::LoadMetadata { request, location } => {
                tokio::spawn(async move {
                    let result = client.read_metadata(&location.mount, &location.path).await;
                    let _ = actions.send(Action::MetadataLoaded { request, result });
                });
            }
            Effect::LoadCapabilities { location } => {
                tokio::spawn(async move {
                    let result = client
                        .secret_capabilities(&location.mount, &location.path)
                        .await;
                    let _ = actions.send(Action::CapabilitiesLoaded {
                        key: location.display(),
                        result,
                    });
                });
            }
            Effect::ChangeVersions {
                location,
                operation,
            } => {
                tokio::spawn(async move {
                    let result = change_versions(&client, &location, &operation).await;
                    let _ = actions.send(Action::VersionsChanged {
                        location,
                        operation,
                        result,
                    });
                });
            }
            Effect::WriteSecret {
                location,
                body,
                cas,
                patch,
                create,
            } => {
                tokio::spawn(async move {
                    let result = write_secret(&client, &location, &body, cas, patch, create).await;
                    drop(body);
                    let _ = actions.send(Action::SecretWritten { location, result });
                });
            }
            Effect::EditInEditor { .. } => {
                // Carried out by the event loop, which owns the terminal.
            }
            Effect::SaveMetadata {
                location,
                change,
                current_custom,
            } => {
                tokio::spawn(async move {
                    let result = client
                        .change_metadata(&location.mount, &location.path, &change, &current_custom)
                        .await;
                    let _ = actions.send(Action::MetadataSaved { location, result });
                });
            }
            Effect::LookupToken => {
                if !client.has_token() {
                    return;
                }
                tokio::spawn(async move {
                    let _ = actions.send(Action::TokenLookedUp(client.lookup_self().await));
                });
            }
            Effect::LoadSealStatus => {
                tokio::spawn(async move {
                    let _ = actions.send(Action::SealStatusLoaded(client.seal_status().await));
                });
            }
            Effect::Copy {
                text,
                description,
                sensitive,
            } => {
                let result = self.clipboard.copy(text.expose(), terminal);
                drop(text);
                let backend = self.clipboard.backend_name();
                let clears = sensitive && result.is_ok() && !self.clipboard_clear_after.is_zero();
                if let (Ok(fingerprint), true) = (&result, clears) {
                    let fingerprint = *fingerprint;
                    let due = self.clear_due.clone();
                    let after = self.clipboard_clear_after;
                    tokio::spawn(async move {
                        tokio::time::sleep(after).await;
                        let _ = due.send(fingerprint);
                    });
                }
                let _ = self.actions.send(Action::Copied {
                    description,
                    result: result.map(|_| backend),
                    clears,
                });
            }
            Effect::Quit => {}
        }
    }

    pub fn clear_clipboard(&mut self, fingerprint: u64, terminal: &mut dyn std::io::Write) {
        let cleared = self.clipboard.clear_if_ours(fingerprint, terminal);
        let _ = self.actions.send(Action::ClipboardCleared { cleared });
    }

    /// On exit, a value we copied is not left behind on the clipboard.
    pub fn clear_pending(&mut self, terminal: &mut dyn std::io::Write) {
        if let Some(fingerprint) = self.clipboard.pending() {
            self.clipboard.clear_if_ours(fingerprint, terminal);
        }
    }
}
