//! A move from KV v2 into KV v1 keeps only the latest data: refused when a source has more
//! (older versions, custom metadata), found from each source's metadata, read concurrently.

use crate::vault::VaultError;
use crate::vault::crawl::with_retries;
use crate::vault::folder::{FolderError, Plan, TreeRef};
use futures_util::StreamExt;

/// The source's display path if a copy of it into KV v1 would lose something (older versions,
/// custom metadata), read from its metadata.
async fn lost_in_kv_v1(source: &TreeRef, relative: String) -> Result<Option<String>, VaultError> {
    let path = source.path_of(&relative);
    let client = &source.client;
    let metadata =
        with_retries(client, &path, || client.read_metadata(&source.mount, &path)).await?;
    Ok(
        (metadata.versions.len() > 1 || !metadata.custom_metadata.is_empty())
            .then(|| source.display_of(&relative)),
    )
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
    if let Some(example) = lossy.first() {
        return Err(FolderError::LossyMove {
            into: target.display(),
            count: lossy.len(),
            example: example.clone(),
        });
    }
    Ok(())
}
