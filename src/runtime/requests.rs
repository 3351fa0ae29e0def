//! The requests behind effects: each network effect is one call of the client, answered with the
//! `Action` to report (reads asked again after 429/5xx). Multi-step requests (create-if-absent,
//! version operations, the seal overview, the walk of every mount, a login with its look-up) are
//! the client's own functions in `vault/`; the token file is written by `config/`.

use crate::app::{Action, Effect};
use crate::vault::Credentials;
use crate::vault::auth::{LoginFailure, LoginOutcome};
use crate::vault::{VaultClient, VaultError};
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
                    reason: error.clone(),
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
        Effect::Logout { erase_from } => {
            Action::LoggedOut(logout(client, erase_from.clone()).await)
        }
        Effect::LoadSealOverview { nodes, ask_cluster } => {
            Action::SealOverviewLoaded(Box::new(client.seal_overview(nodes, *ask_cluster).await))
        }
        Effect::Unseal { addr, share } => Action::UnsealAnswered {
            addr: addr.clone(),
            reset: false,
            result: client.unseal_node(addr, share).await,
        },
        Effect::UnsealReset { addr } => Action::UnsealAnswered {
            addr: addr.clone(),
            reset: true,
            result: client.reset_unseal_node(addr).await,
        },
        Effect::SealNode { addr } => Action::SealAnswered {
            addr: addr.clone(),
            result: client.seal_node(addr).await,
        },
        Effect::CrawlAll { .. } => return None,
        Effect::LoadNamespaces => Action::NamespacesLoaded(client.namespaces().await),
        Effect::LoadAppRoleMounts => Action::AppRoleMountsLoaded(client.auth_mounts().await),
        Effect::LoadAppRoles { mount } => Action::AppRolesLoaded {
            mount: mount.clone(),
            result: client.approle_roles(mount).await,
        },
        Effect::LoadAppRole { mount, role } => {
            let details = client.approle_role_details(mount, role).await;
            Action::AppRoleLoaded {
                role: role.clone(),
                settings: details.settings,
                role_id: details.role_id,
                accessors: details.accessors,
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
        Effect::IssueCredentials {
            request,
            mount,
            path,
            method,
        } => Action::CredentialsIssued {
            request: *request,
            result: client.issue_credentials(mount, path, method).await,
        },
        Effect::ListLeases { prefix } => Action::LeasesListed {
            prefix: prefix.clone(),
            result: client.list_leases(prefix).await,
        },
        Effect::LookupLease { lease_id } => Action::LeaseLookedUp {
            lease_id: lease_id.clone(),
            result: client.lookup_lease(lease_id).await,
        },
        Effect::RenewLease {
            lease_id,
            increment,
        } => Action::LeaseRenewed {
            lease_id: lease_id.clone(),
            result: client.renew_lease(lease_id, *increment).await,
        },
        Effect::RevokeLease { lease_id } => Action::LeaseRevoked {
            lease_id: lease_id.clone(),
            result: client.revoke_lease(lease_id).await,
        },
        Effect::RevokeLeasePrefix { prefix } => Action::LeasePrefixRevoked {
            prefix: prefix.clone(),
            result: client.revoke_lease_prefix(prefix).await,
        },
        Effect::LoadLeaseCapabilities { paths } => {
            Action::LeaseCapabilitiesLoaded(client.capabilities_of(paths).await)
        }
        Effect::LoadWrapCapability => Action::WrapCapabilityLoaded(
            client
                .path_capabilities(crate::vault::wrapping::WRAP_PATH)
                .await,
        ),
        Effect::WrapSecret { location, ttl } => Action::SecretWrapped {
            location: location.clone(),
            result: client.wrap_secret(location, *ttl).await,
        },
        Effect::LookupWrappingToken { request, token } => Action::WrappingTokenLookedUp {
            request: *request,
            result: client.lookup_wrapping_token(token).await,
        },
        Effect::UnwrapToken { token } => Action::TokenUnwrapped(client.unwrap_data(token).await),
        Effect::Transit { mount, request } => Action::TransitAnswered {
            mount: mount.clone(),
            answer: client.transit_request(mount, request).await,
        },
        Effect::Pki { mount, request } => Action::Pki {
            mount: mount.clone(),
            answer: client.pki(mount, request).await,
        },
        Effect::FindExpiring { request, days } => Action::ExpiringFound {
            request: *request,
            result: crate::vault::expiring::everywhere(
                client,
                time::OffsetDateTime::now_utc(),
                time::Duration::days(i64::from(*days)),
            )
            .await,
        },
        Effect::Login { .. }
        | Effect::OidcLogin(_)
        | Effect::CancelOidc
        | Effect::EditInEditor { .. }
        | Effect::Copy { .. }
        | Effect::CancelReads
        | Effect::StartFolderJob { .. }
        | Effect::RunFolderPlan { .. }
        | Effect::CancelFolderJob { .. }
        | Effect::SwitchNamespace { .. }
        | Effect::SwitchProfile { .. }
        | Effect::Quit => {
            return None;
        }
    })
}

/// Walks every browsable mount at once for the finder, streaming full paths back.
pub(super) async fn crawl_all(
    client: &VaultClient,
    generation: u64,
    actions: &super::effects::ActionSender,
) -> Result<bool, VaultError> {
    use crate::vault::crawl::AllMountsEvent;
    client
        .crawl_every_mount(&|event| {
            let _ = actions.send(match event {
                AllMountsEvent::Found(paths) => Action::CrawlFound { generation, paths },
                AllMountsEvent::Progress { folders, skipped } => Action::CrawlProgress {
                    generation,
                    folders,
                    skipped,
                },
            });
        })
        .await
}

/// Logs in, and keeps the new token (token file or token helper) when asked.
pub(super) async fn login(
    client: &VaultClient,
    credentials: &Credentials,
    save_to: Option<crate::config::TokenStore>,
) -> Result<LoginOutcome, LoginFailure> {
    let mut outcome = client.log_in(credentials).await?;
    if let (Some(store), Some(token)) = (save_to, outcome.token.clone()) {
        let described = store.describe();
        tokio::task::spawn_blocking(move || store.save(&token))
            .await
            .map_err(|error| error.to_string())
            .and_then(|saved| saved)
            .map_err(|reason| LoginFailure::Save {
                path: described.clone(),
                reason,
            })?;
        outcome.saved_to = Some(described);
    }
    Ok(outcome)
}

/// Revokes the token, then has the token helper (when it keeps the token) erase it.
async fn logout(
    client: &VaultClient,
    erase_from: Option<crate::config::TokenStore>,
) -> Result<(), crate::vault::VaultError> {
    client.revoke_self().await?;
    if let Some(crate::config::TokenStore::Helper(helper)) = erase_from {
        tokio::task::spawn_blocking(move || crate::config::token_store::helper_erase(&helper))
            .await
            .map_err(|error| error.to_string())
            .and_then(|erased| erased)
            .map_err(|reason| {
                crate::vault::VaultError::Config(format!("the token was revoked, but {reason}"))
            })?;
    }
    Ok(())
}
