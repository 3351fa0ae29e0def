//! A move from KV v2 into KV v1 keeps only the latest data: refused when a source has more
//! (older versions, custom metadata), found from each source's metadata, read concurrently.

use crate::vault::VaultError;
use crate::vault::crawl::with_retries;
use crate::vault::folder::{FolderError, Lost, Plan, TreeRef, Unreadable};
use futures_util::StreamExt;

/// What a move of one source into KV v1 would do, read from its metadata.
enum Check {
    /// Nothing lost.
    Fine,
    /// Older versions or custom metadata would be lost.
    Lost(Lost),
    /// Its latest version has no data ("the latest version (v3) is deleted"): left out.
    Gone(String, String),
}

/// What a copy of the source into KV v1 would lose (older versions, custom metadata), read from
/// its metadata, or that it has no latest data to copy.
async fn lost_in_kv_v1(source: &TreeRef, relative: String) -> Result<Check, VaultError> {
    let path = source.path_of(&relative);
    let client = &source.client;
    let metadata =
        with_retries(client, &path, || client.read_metadata(&source.mount, &path)).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Some(why) = super::planning::latest_gone_in(&metadata, now) {
        return Ok(Check::Gone(relative, why));
    }
    let lost = Lost {
        path: source.display_of(&relative),
        older_versions: metadata.versions.len().saturating_sub(1),
        custom_metadata: metadata.custom_metadata.len(),
    };
    Ok(if lost.older_versions > 0 || lost.custom_metadata > 0 {
        Check::Lost(lost)
    } else {
        Check::Fine
    })
}

/// Refuses (before anything is written) a move of `plan`'s items from KV v2 `source` into KV v1
/// `target` when one of them has more than its latest data; reads each source's metadata,
/// `plan.options.concurrency` at a time. A source whose latest version has no data leaves the
/// plan (named with the reason): nothing of it would be copied, so nothing is lost.
pub(super) async fn refuse_lossy_move(
    plan: &mut Plan,
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
    let mut gone = std::collections::HashMap::new();
    while let Some(checked) = checks.next().await {
        match checked.map_err(FolderError::Vault)? {
            Check::Fine => {}
            Check::Lost(lost) => lossy.push(lost),
            Check::Gone(relative, why) => {
                gone.insert(relative, why);
            }
        }
    }
    drop(checks);
    if !gone.is_empty() {
        let into_v2 = target.is_v2();
        plan.items.retain(|item| !gone.contains_key(&item.relative));
        plan.unreadable
            .extend(gone.into_iter().map(|(relative, why)| Unreadable {
                path: source.display_of(&relative),
                reason: crate::vault::folder::latest_gone_reason(&why, into_v2),
            }));
        plan.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if !lossy.is_empty() {
        lossy.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(FolderError::LossyMove {
            into: target.display(),
            lost: lossy,
        });
    }
    Ok(())
}
