//! Running a plan: values stream from source to target, each secret checked and written to its
//! end; every item ends in the report.

use super::read::{RawSecret, read_raw, target_state};
use super::read_back::finish_move;
use super::replay::{Replay, replay};
use crate::vault::client::{Operation, error_for_status};
use crate::vault::folder::export::{FileSecret, ImportFile};
use crate::vault::folder::plan::fingerprint;
use crate::vault::folder::{
    CancelToken, Choices, Existing, FolderError, ItemOutcome, ItemReport, Origin, Plan, PlanItem,
    PlanKind, Progress, Report, SkipReason, TargetState, TreeRef,
};
use crate::vault::versions::operation_path;
use crate::vault::{VaultClient, VaultError};
use futures_util::StreamExt;
use std::collections::HashMap;
use tokio::sync::mpsc::UnboundedSender;
use zeroize::Zeroizing;

/// Where a run takes the values from.
pub(super) enum Values<'a> {
    Tree(&'a TreeRef),
    File(HashMap<&'a str, &'a FileSecret<'a>>),
    Nothing,
}

impl Values<'_> {
    /// The latest data, or one version of it.
    pub(super) async fn read(
        &self,
        relative: &str,
        version: Option<u64>,
    ) -> Result<RawSecret, VaultError> {
        match self {
            Values::Tree(source) => read_raw(source, &source.path_of(relative), version).await,
            Values::File(secrets) => {
                let secret = secrets.get(relative).ok_or_else(|| VaultError::NotFound {
                    path: relative.to_string(),
                })?;
                Ok(secret.raw(version))
            }
            Values::Nothing => Err(VaultError::NotFound {
                path: relative.to_string(),
            }),
        }
    }
}

/// Runs a plan: at most `plan.options.concurrency` secrets at once, each to its end (a secret
/// with all its versions is one unit). Every item ends in the report, in the plan's order.
/// `cancel` stops it between secrets.
pub async fn run(
    plan: &Plan,
    choices: &Choices,
    progress: &UnboundedSender<Progress>,
    cancel: &CancelToken,
) -> Report {
    let loaded;
    let parsed;
    let values = match &plan.origin {
        Origin::Tree(source) => Values::Tree(source),
        Origin::Nothing => Values::Nothing,
        Origin::File(file) => {
            let file_error = |error: FolderError| Report {
                items: plan
                    .items
                    .iter()
                    .map(|item| ItemReport {
                        relative: item.relative.clone(),
                        outcome: ItemOutcome::Failed(error.to_string()),
                    })
                    .collect(),
                cancelled: false,
                unlistable: plan.unlistable.clone(),
                unreadable: plan.unreadable.clone(),
            };
            loaded = match ImportFile::load(file) {
                Ok(loaded) => loaded,
                Err(error) => return file_error(error),
            };
            parsed = match loaded.parse() {
                Ok(parsed) => parsed,
                Err(error) => return file_error(error),
            };
            Values::File(
                parsed
                    .secrets
                    .iter()
                    .map(|s| (s.path.as_ref(), s))
                    .collect(),
            )
        }
    };
    let total = plan.items.len();
    let values = &values;
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; total];
    let mut done = 0;
    // Indices, not references, go through the closure: a closure over `&PlanItem` makes the
    // future too general for `tokio::spawn` (the UI runs this on a task).
    let mut running = futures_util::stream::iter((0..total).map(|index| {
        let item = &plan.items[index];
        async move {
            // Checked when the item is about to start: nothing of a cancelled item is written.
            if cancel.is_cancelled() {
                return (index, ItemOutcome::Skipped(SkipReason::Cancelled));
            }
            let outcome = match plan.kind {
                PlanKind::Delete => delete_item(plan, item).await,
                _ => transfer_item(plan, choices, values, item).await,
            };
            (index, outcome)
        }
    }))
    .buffer_unordered(plan.options.concurrency.max(1));
    while let Some((index, outcome)) = running.next().await {
        done += 1;
        let _ = progress.send(Progress::Item {
            done,
            total,
            path: plan.target_display(&plan.items[index]),
            outcome: outcome.kind(),
        });
        outcomes[index] = Some(outcome);
    }
    drop(running);
    Report {
        items: plan
            .items
            .iter()
            .zip(outcomes)
            .map(|(item, outcome)| ItemReport {
                relative: item.relative.clone(),
                outcome: outcome.unwrap_or(ItemOutcome::Skipped(SkipReason::Cancelled)),
            })
            .collect(),
        cancelled: cancel.is_cancelled(),
        unlistable: plan.unlistable.clone(),
        unreadable: plan.unreadable.clone(),
    }
}

/// A write sent once; only a 429 (refused before it was handled) is waited out.
pub(super) async fn write_once(
    target: &TreeRef,
    path: &str,
    data: &[u8],
    cas: Option<u64>,
) -> Result<Option<u64>, VaultError> {
    let client = &target.client;
    with_rate_limit(client, path, || {
        client.write_secret(&target.mount, path, data, cas)
    })
    .await
}

pub(super) async fn with_rate_limit<T, F, Fut>(
    client: &VaultClient,
    what: &str,
    mut request: F,
) -> Result<T, VaultError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, VaultError>>,
{
    let mut attempt = 0u32;
    loop {
        match request().await {
            Err(VaultError::RateLimited { .. }) if attempt < RATE_LIMIT_RETRIES => {
                attempt += 1;
                tracing::debug!(what = %what, attempt, "rate limited: writing again after a pause");
                let pause = (100u64 << attempt.min(5)).min(2000) + u64::from(attempt * 7 % 100);
                client.pause(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// About two minutes of pauses for one write, as the crawl waits for one folder.
const RATE_LIMIT_RETRIES: u32 = 64;

/// What an overwrite check found on a KV v1 target.
enum V1Check {
    Go,
    Outcome(ItemOutcome),
}

/// A KV v1 target is checked just before the write (a read): absent if the plan saw it absent,
/// unchanged (same fingerprint) if the plan saw it. The window between this read and the write
/// is one round trip: a write landing inside it is overwritten (KV v1 has no check-and-set).
async fn check_v1_target(plan: &Plan, choices: &Choices, item: &PlanItem) -> V1Check {
    let target = &plan.target;
    let path = target.path_of(&item.relative);
    let now = match read_raw(target, &path, None).await {
        Ok(secret) => secret
            .data
            .as_deref()
            .map(|data| fingerprint(&plan.fingerprints, data)),
        Err(VaultError::NotFound { .. }) => None,
        Err(VaultError::PermissionDenied { .. }) => {
            return V1Check::Outcome(ItemOutcome::Skipped(SkipReason::Policy(format!(
                "this token may not read {} to check it before writing",
                target.display_of(&item.relative)
            ))));
        }
        Err(error) => return V1Check::Outcome(ItemOutcome::Failed(error.to_string())),
    };
    match (item.target, now) {
        (TargetState::Absent, None) | (TargetState::Unknown, None) => V1Check::Go,
        (TargetState::Absent, Some(_)) => V1Check::Outcome(ItemOutcome::Conflict(
            "written by someone else since the plan: left as it is".into(),
        )),
        (TargetState::Unknown, Some(_)) => V1Check::Outcome(match choices.existing {
            Existing::Skip => ItemOutcome::Skipped(SkipReason::Exists),
            Existing::Overwrite => ItemOutcome::Conflict(
                "exists, and the plan could not see it (folder not listable): left as it is".into(),
            ),
        }),
        (
            TargetState::Present {
                fingerprint: Some(seen),
            },
            Some(now),
        ) if seen == now => V1Check::Go,
        (TargetState::Present { .. }, _) | (TargetState::Versioned { .. }, _) => V1Check::Outcome(
            ItemOutcome::Conflict("changed since the plan: left as it is".into()),
        ),
    }
}

/// Copies (moves, imports) one secret.
async fn transfer_item(
    plan: &Plan,
    choices: &Choices,
    values: &Values<'_>,
    item: &PlanItem,
) -> ItemOutcome {
    let target = &plan.target;
    if item.target.exists() {
        if choices.existing == Existing::Skip {
            return ItemOutcome::Skipped(SkipReason::Exists);
        }
        if item.target == (TargetState::Present { fingerprint: None }) {
            return ItemOutcome::Skipped(SkipReason::Policy(format!(
                "this token may not read {} to check it before overwriting",
                target.display_of(&item.relative)
            )));
        }
    }
    let path = target.path_of(&item.relative);
    if !target.is_v2()
        && let V1Check::Outcome(outcome) = check_v1_target(plan, choices, item).await
    {
        return outcome;
    }
    let first_cas = match item.target {
        TargetState::Versioned { current } => Some(current),
        _ if target.is_v2() => Some(0),
        _ => None,
    };
    let conflict = |error: &VaultError| -> Option<ItemOutcome> {
        matches!(error, VaultError::CasMismatch { .. }).then(|| {
            match (item.target, choices.existing) {
                (TargetState::Unknown, Existing::Skip) => ItemOutcome::Skipped(SkipReason::Exists),
                (TargetState::Unknown, Existing::Overwrite) => ItemOutcome::Conflict(
                    "exists, and the plan could not see it (folder not listable): left as it is"
                        .into(),
                ),
                (TargetState::Absent, _) => ItemOutcome::Conflict(
                    "written by someone else since the plan: left as it is".into(),
                ),
                _ => ItemOutcome::Conflict("changed since the plan: left as it is".into()),
            }
        })
    };
    let (written, version, custom) = if item.versions.is_empty() || !target.is_v2() {
        // The latest data only.
        let secret = match values.read(&item.relative, None).await {
            Ok(secret) => secret,
            Err(VaultError::NotFound { .. }) => {
                return ItemOutcome::Failed(format!(
                    "{}: gone since the plan: nothing written",
                    plan.source_display(item)
                ));
            }
            Err(error) => return ItemOutcome::Failed(format!("{error}: nothing written")),
        };
        let Some(data) = secret.data else {
            return ItemOutcome::Failed(format!(
                "{}: its latest version is deleted or destroyed: nothing written (--all-versions \
                 copies the history)",
                plan.source_display(item)
            ));
        };
        match write_once(target, &path, &data, first_cas).await {
            Ok(version) => (data, version, secret.custom_metadata),
            Err(error) => {
                return conflict(&error)
                    .unwrap_or_else(|| ItemOutcome::Failed(format!("{error}: nothing written")));
            }
        }
    } else {
        match replay(values, target, item, &path, first_cas).await {
            Ok(done) => done,
            Err(Replay::Conflict(error)) => {
                return conflict(&error)
                    .unwrap_or_else(|| ItemOutcome::Failed(format!("{error}: nothing written")));
            }
            Err(Replay::Failed(reason)) => return ItemOutcome::Failed(reason),
        }
    };
    if target.is_v2()
        && plan.options.custom_metadata
        && let Some(custom) = custom
    {
        let metadata_path = operation_path(&target.mount, "metadata", &path);
        let mut body = Zeroizing::new(Vec::with_capacity(custom.len() + 24));
        body.extend_from_slice(b"{\"custom_metadata\":");
        body.extend_from_slice(&custom);
        body.push(b'}');
        let client = &target.client;
        let answer = with_rate_limit(client, &metadata_path, || async {
            let (status, answer) = client
                .send_bytes(Operation::Write, &metadata_path, Some(&body))
                .await?;
            if status.is_success() {
                Ok(())
            } else {
                Err(error_for_status(
                    status,
                    &metadata_path,
                    Operation::Write,
                    &answer,
                ))
            }
        })
        .await;
        if let Err(error) = answer {
            return ItemOutcome::Failed(format!(
                "the data was written but not the custom metadata: {error}"
            ));
        }
    }
    if plan.kind == PlanKind::Move
        && let Values::Tree(source) = values
    {
        return finish_move(plan, source, item, &path, &written, version).await;
    }
    ItemOutcome::Done { version }
}

/// Deletes one secret if it is still as the plan saw it (KV v2: the same current version, read
/// from the metadata just before; KV v1: the same fingerprint). The window between that read
/// and the delete is one round trip.
pub(super) async fn delete_item(plan: &Plan, item: &PlanItem) -> ItemOutcome {
    let tree = &plan.target;
    let now = match target_state(tree, &item.relative, &plan.fingerprints).await {
        Ok(now) => now,
        Err(error) => return ItemOutcome::Failed(format!("{error}: not deleted")),
    };
    if now == TargetState::Absent {
        return ItemOutcome::Conflict("already gone (deleted since the plan)".into());
    }
    if now != item.target {
        return ItemOutcome::Conflict("changed since the plan: not deleted".into());
    }
    let path = tree.path_of(&item.relative);
    let delete_path = if tree.is_v2() {
        operation_path(&tree.mount, "metadata", &path)
    } else {
        tree.mount.read_path(&path)
    };
    let client = &tree.client;
    match with_rate_limit(client, &delete_path, || {
        client.send(Operation::Delete, &delete_path, None)
    })
    .await
    {
        Ok(_) => ItemOutcome::Done { version: None },
        Err(error) => ItemOutcome::Failed(error.to_string()),
    }
}
