//! The requests behind effects: each network effect as one async call that answers with the
//! `Action` to report (reads asked again after 429/5xx), and the multi-step ones (writes with an
//! existence check, version operations, the seal overview of every node, the finder's walk of every
//! mount, logins).

use crate::app::login::login_error_message;
use crate::app::seal::{NodeReport, SealOverview};
use crate::app::{Action, Effect, LoginOutcome};
use crate::secret::Token;
use crate::vault::Credentials;
use crate::vault::VaultClient;
use std::time::Duration;

/// How often a read that met a 429 or a 5xx is asked again, and the first pause (doubling).
pub const READ_RETRIES: u32 = 4;
pub const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(500);

/// Performs a read, asking again after a pause (0.5 s, 1 s, 2 s, 4 s) while the server answers
/// 429 or 5xx, and telling the user each time. Writes are never repeated here.
pub(super) async fn perform_with_retries(
    client: &VaultClient,
    request: &Effect,
    actions: &super::effects::ActionSender,
) -> Option<Action> {
    let mut attempt = 0;
    loop {
        let action = perform(client, request).await?;
        match action.error() {
            Some(error) if error.is_transient() && request.is_read() && attempt < READ_RETRIES => {
                attempt += 1;
                let after = FIRST_RETRY_PAUSE * (1 << (attempt - 1));
                tracing::info!(%error, attempt, "asking again after a pause");
                let _ = actions.send(Action::Retrying {
                    what: request.describe(),
                    attempt,
                    of: READ_RETRIES,
                    after,
                    reason: error.to_string(),
                });
                client.pause(after).await;
            }
            _ => return Some(action),
        }
    }
}

/// Does a network effect and says what came of it; `None` for effects that are not requests.
pub(super) async fn perform(client: &VaultClient, effect: &Effect) -> Option<Action> {
    Some(match effect {
        Effect::LoadMounts { generation } => Action::MountsLoaded {
            generation: *generation,
            result: client.secret_mounts().await,
        },
        Effect::ListFolder {
            generation,
            node,
            location,
        } => Action::FolderListed {
            generation: *generation,
            node: *node,
            result: client.list_folder(&location.mount, &location.path).await,
        },
        Effect::ReadSecret {
            request,
            location,
            version,
        } => Action::SecretLoaded {
            request: *request,
            result: client
                .read_secret(&location.mount, &location.path, *version)
                .await,
        },
        Effect::LoadMetadata { request, location } => Action::MetadataLoaded {
            request: *request,
            result: client.read_metadata(&location.mount, &location.path).await,
        },
        Effect::LoadCapabilities { location } => Action::CapabilitiesLoaded {
            key: location.display(),
            result: client
                .secret_capabilities(&location.mount, &location.path)
                .await,
        },
        Effect::ChangeVersions {
            location,
            operation,
        } => Action::VersionsChanged {
            location: location.clone(),
            operation: operation.clone(),
            result: client.apply_version_operation(location, operation).await,
        },
        Effect::WriteSecret {
            location,
            body,
            mode,
        } => Action::SecretWritten {
            location: location.clone(),
            result: client.save_secret(location, body.expose(), *mode).await,
        },
        Effect::SaveMetadata {
            location,
            change,
            current_custom,
        } => Action::MetadataSaved {
            location: location.clone(),
            result: client
                .change_metadata(&location.mount, &location.path, change, current_custom)
                .await,
        },
        Effect::LookupToken => Action::TokenLookedUp(client.lookup_self().await),
        Effect::LoadSealStatus => Action::SealStatusLoaded(client.seal_status().await),
        Effect::RenewToken { increment } => Action::TokenRenewed {
            increment: *increment,
            result: client.renew_self(*increment).await,
        },
        Effect::Logout => Action::LoggedOut(client.revoke_self().await),
        Effect::LoadSealOverview { nodes, ask_cluster } => {
            Action::SealOverviewLoaded(Box::new(seal_overview(client, nodes, *ask_cluster).await))
        }
        Effect::Unseal { addr, share } => Action::UnsealAnswered {
            addr: addr.clone(),
            reset: false,
            result: match client.for_node(addr) {
                Ok(node) => node.unseal(share).await,
                Err(error) => Err(error),
            },
        },
        Effect::UnsealReset { addr } => Action::UnsealAnswered {
            addr: addr.clone(),
            reset: true,
            result: match client.for_node(addr) {
                Ok(node) => node.unseal_reset().await,
                Err(error) => Err(error),
            },
        },
        Effect::SealNode { addr } => Action::SealAnswered {
            addr: addr.clone(),
            result: match client.for_node(addr) {
                Ok(node) => node.seal().await,
                Err(error) => Err(error),
            },
        },
        Effect::CrawlAll { .. } => return None,
        Effect::LoadNamespaces => Action::NamespacesLoaded(client.namespaces().await),
        Effect::LoadAppRoleMounts => Action::AppRoleMountsLoaded(client.auth_mounts().await),
        Effect::LoadAppRoles { mount } => Action::AppRolesLoaded {
            mount: mount.clone(),
            result: client.approle_roles(mount).await,
        },
        Effect::LoadAppRole { mount, role } => {
            let (settings, role_id, accessors) = tokio::join!(
                client.approle_role(mount, role),
                client.approle_role_id(mount, role),
                client.approle_secret_id_accessors(mount, role)
            );
            Action::AppRoleLoaded {
                role: role.clone(),
                settings,
                role_id,
                accessors,
            }
        }
        Effect::GenerateSecretId {
            mount,
            role,
            wrap_ttl,
        } => Action::SecretIdGenerated {
            role: role.clone(),
            result: client.generate_secret_id(mount, role, *wrap_ttl).await,
        },
        Effect::DestroySecretId {
            mount,
            role,
            accessor,
        } => Action::SecretIdDestroyed {
            accessor: accessor.clone(),
            result: client
                .approle_destroy_secret_id(mount, role, accessor)
                .await,
        },
        Effect::Login { .. }
        | Effect::EditInEditor { .. }
        | Effect::Copy { .. }
        | Effect::CancelReads
        | Effect::SwitchNamespace { .. }
        | Effect::SwitchProfile { .. }
        | Effect::Quit => {
            return None;
        }
    })
}

/// Asks every node for its own seal status and health, and the cluster for its leader and nodes.
async fn seal_overview(client: &VaultClient, nodes: &[String], ask_cluster: bool) -> SealOverview {
    let ha = async {
        if client.has_token() && ask_cluster {
            Some(client.ha_status().await)
        } else {
            None
        }
    };
    let (leader, ha) = tokio::join!(client.leader(), ha);
    let mut addresses: Vec<String> = nodes.to_vec();
    if let Some(Ok(ha_nodes)) = &ha {
        for node in ha_nodes {
            let addr = node.api_address.trim_end_matches('/').to_string();
            if !addr.is_empty() && !addresses.contains(&addr) {
                addresses.push(addr);
            }
        }
    }
    let reports = addresses.into_iter().map(|addr| async move {
        let (status, health) = match client.for_node(&addr) {
            Ok(node) => {
                let (status, health) = tokio::join!(node.seal_status(), node.health());
                (status, health.ok())
            }
            Err(error) => (Err(error), None),
        };
        NodeReport {
            addr,
            status,
            health,
        }
    });
    SealOverview {
        leader,
        ha,
        nodes: futures::future::join_all(reports).await,
    }
}

/// Walks every browsable mount at once for the finder, streaming full paths back.
pub(super) async fn crawl_all(
    client: &VaultClient,
    generation: u64,
    actions: &super::effects::ActionSender,
) -> Result<bool, String> {
    use crate::vault::crawl::{CrawlEvent, CrawlOptions};
    let mounts = client
        .secret_mounts()
        .await
        .map_err(|e| format!("listing the mounts: {e}"))?;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let totals = &(AtomicUsize::new(0), AtomicUsize::new(0));
    let walks = mounts
        .into_iter()
        .filter(|m| m.engine.is_browsable())
        .map(|mount| async move {
            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
            let forward = async {
                // This mount's running totals, added into the totals of every mount.
                let (mut folders, mut skipped) = (0, 0);
                while let Some(event) = receiver.recv().await {
                    match event {
                        CrawlEvent::Found(paths) => {
                            let paths = paths
                                .into_iter()
                                .map(|p| format!("{}{p}", mount.path))
                                .collect();
                            let _ = actions.send(Action::CrawlFound { generation, paths });
                        }
                        CrawlEvent::Progress {
                            folders: f,
                            skipped: s,
                        } => {
                            let all_folders =
                                totals.0.fetch_add(f - folders, Relaxed) + f - folders;
                            let all_skipped =
                                totals.1.fetch_add(s - skipped, Relaxed) + s - skipped;
                            (folders, skipped) = (f, s);
                            let _ = actions.send(Action::CrawlProgress {
                                generation,
                                folders: all_folders,
                                skipped: all_skipped,
                            });
                        }
                    }
                }
            };
            let walk = async {
                let summary = client
                    .crawl(&mount, "", CrawlOptions::default(), &sender)
                    .await;
                drop(sender);
                summary
            };
            let (summary, _) = tokio::join!(walk, forward);
            summary
        });
    let summaries = futures::future::join_all(walks).await;
    let scanned = summaries
        .iter()
        .all(|s| s.as_ref().is_ok_and(|s| s.scanned));
    Ok(scanned)
}

/// Logs in, reads the new token's details, and saves it as the default token when asked.
pub(super) async fn login(
    client: &VaultClient,
    credentials: &Credentials,
    save_to: Option<&std::path::Path>,
) -> Result<LoginOutcome, String> {
    let login = client
        .login(credentials)
        .await
        .map_err(|error| login_error_message(credentials, &error))?;
    let info = client
        .with_token(Some(login.token.clone()))
        .lookup_self()
        .await
        .map_err(|error| format!("Logged in, but the new token cannot be looked up: {error}"))?;
    let saved_to = match save_to {
        Some(path) => {
            save_token_file(path, &login.token).map_err(|error| {
                format!(
                    "Logged in, but saving the token to {} failed: {error}",
                    path.display()
                )
            })?;
            Some(path.display().to_string())
        }
        None => None,
    };
    Ok(LoginOutcome {
        token: Some(login.token),
        info,
        saved_to,
    })
}

/// Writes the token file as `bao login` does: the token alone, mode 0600.
pub fn save_token_file(path: &std::path::Path, token: &Token) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(token.expose().as_bytes())?;
    file.sync_all()
}
