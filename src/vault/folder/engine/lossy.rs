//! A move from KV v2 into KV v1 keeps only the latest data: refused when a source has more
//! (older versions, custom metadata), found from each source's metadata, read concurrently.

use crate::vault::VaultError;
use crate::vault::crawl::with_retries;
use crate::vault::folder::{FolderError, Lost, Plan, TreeRef};
use futures_util::StreamExt;

/// What a copy of the source into KV v1 would lose (older versions, custom metadata), read from
/// its metadata; `None` when nothing.
async fn lost_in_kv_v1(source: &TreeRef, relative: String) -> Result<Option<Lost>, VaultError> {
    let path = source.path_of(&relative);
    let client = &source.client;
    let metadata =
        with_retries(client, &path, || client.read_metadata(&source.mount, &path)).await?;
    let lost = Lost {
        path: source.display_of(&relative),
        older_versions: metadata.versions.len().saturating_sub(1),
        custom_metadata: metadata.custom_metadata.len(),
    };
    Ok((lost.older_versions > 0 || lost.custom_metadata > 0).then_some(lost))
}

/// Refuses (before anything is written) a move of `plan`'s items from KV v2 `source` into KV v1
/// `target` when one of them has more than its latest data; reads each source's metadata,
/// `plan.options.concurrency` at a time.
pub(super) async fn refuse_lossy_move(
    plan: &Plan,
    source: &TreeRef,
    target: &TreeRef,
) -> Result<(), FolderError> {
    // Owned paths into a named async fn: a closure over `&PlanItem` would make the future
    // too general to be `Send` (the UI spawns this on a task).
    let relative: Vec<String> = plan.items.iter().map(|i| i.relative.clone()).collect();
    let mut checks = futures_util::stream::iter(
        relative
            .into_iter()
            .map(|relative| lost_in_kv_v1(source, relative)),
    )
    .buffered(plan.options.concurrency.max(1));
    let mut lossy = Vec::new();
    while let Some(checked) = checks.next().await {
        if let Some(lost) = checked.map_err(FolderError::Vault)? {
            lossy.push(lost);
        }
    }
    drop(checks);
    if !lossy.is_empty() {
        lossy.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(FolderError::LossyMove {
            into: target.display(),
            lost: lossy,
        });
    }
    Ok(())
}
