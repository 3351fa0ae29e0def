//! Making the plans: the source walked, the target listed, each existing target's state read.

use super::read::{require_kv, target_state, tell, under_any, walk};
use crate::vault::crawl::with_retries;
use crate::vault::folder::export::ImportFile;
use crate::vault::folder::plan::version_steps;
use crate::vault::folder::{
    FolderError, Origin, Plan, PlanItem, PlanKind, PlanOptions, Progress, TargetState, TreeRef,
    Unreadable, VersionStep,
};
use futures_util::StreamExt;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tokio::sync::mpsc::UnboundedSender;

/// The plan's items: each relative path with its target state (looked at 16 at a time for the
/// paths the target listing has), and its versions when replaying.
#[allow(clippy::too_many_arguments)]
pub(super) async fn items_for(
    relative: Vec<String>,
    source: Option<&TreeRef>,
    target: &TreeRef,
    options: PlanOptions,
    key: &std::hash::RandomState,
    progress: Option<&UnboundedSender<Progress>>,
    file_versions: Option<&HashMap<String, Vec<VersionStep>>>,
    check_latest: bool,
) -> (Vec<PlanItem>, Vec<Unreadable>, Vec<String>) {
    // The target's own listing says which targets exist; a target that cannot be listed at all
    // leaves every state to the run.
    let (existing, target_unlistable): (Option<HashSet<String>>, Vec<String>) =
        match walk(target, options.concurrency, None).await {
            Ok(walk) => (Some(walk.relative.into_iter().collect()), walk.unlistable),
            Err(error) => {
                tracing::debug!(%error, target = %target.display(), "target not listable");
                (None, vec![target.display()])
            }
        };
    let replay = options.all_versions && target.is_v2();
    let total = relative.len();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut checked = 0;
    let mut items = Vec::with_capacity(total);
    let mut unreadable = Vec::new();
    let mut results = futures_util::stream::iter(relative.into_iter().map(|relative| {
        let existing = &existing;
        let unlistable = &target_unlistable;
        async move {
            let state = match existing {
                Some(set) if set.contains(&relative) => target_state(target, &relative, key).await,
                // Not listed in a folder the token could not list: the run finds out.
                Some(_) if under_any(target, &relative, unlistable) => Ok(TargetState::Unknown),
                Some(_) => Ok(TargetState::Absent),
                None => Ok(TargetState::Unknown),
            };
            let versions = match (replay, source, file_versions) {
                (true, _, Some(file)) => Ok(file.get(&relative).cloned().unwrap_or_default()),
                (true, Some(source), None) if source.is_v2() => {
                    let path = source.path_of(&relative);
                    let client = &source.client;
                    with_retries(client, &path, || client.read_metadata(&source.mount, &path))
                        .await
                        .map(|metadata| version_steps(&metadata, now))
                }
                _ => Ok(Vec::new()),
            };
            // Only the latest data goes: one whose latest version is deleted or destroyed has
            // none to copy, said now rather than failed at run time. Metadata the token may not
            // read leaves it to the run.
            let gone = match source {
                Some(source) if check_latest && source.is_v2() && !replay => {
                    latest_gone(source, &relative, now)
                        .await
                        .map(|why| crate::vault::folder::latest_gone_reason(&why, target.is_v2()))
                }
                _ => None,
            };
            (relative, state, versions, gone)
        }
    }))
    .buffered(options.concurrency.max(1));
    while let Some((relative, state, versions, gone)) = results.next().await {
        checked += 1;
        tell(progress, Progress::Checking { checked, total });
        if let Some(reason) = gone {
            unreadable.push(Unreadable {
                path: source.map_or_else(|| relative.clone(), |s| s.display_of(&relative)),
                reason,
            });
            continue;
        }
        match (state, versions) {
            (Ok(target_state), Ok(versions)) => items.push(PlanItem {
                relative,
                target: target_state,
                versions,
            }),
            (Err(error), _) => unreadable.push(Unreadable {
                path: target.display_of(&relative),
                reason: error.to_string(),
            }),
            (_, Err(error)) => unreadable.push(Unreadable {
                path: source.map_or_else(|| relative.clone(), |s| s.display_of(&relative)),
                reason: error.to_string(),
            }),
        }
    }
    drop(results);
    (items, unreadable, target_unlistable)
}

/// "the latest version (v3) is deleted" when the KV v2 secret at `relative` below `source` has no
/// latest data to copy (read from its metadata; `None` when it has, or when the metadata cannot be
/// read).
async fn latest_gone(source: &TreeRef, relative: &str, now: i64) -> Option<String> {
    let path = source.path_of(relative);
    let client = &source.client;
    let metadata = with_retries(client, &path, || client.read_metadata(&source.mount, &path))
        .await
        .ok()?;
    latest_gone_in(&metadata, now)
}

/// "the latest version (v3) is deleted" when `metadata`'s latest version has no data.
pub(super) fn latest_gone_in(
    metadata: &crate::vault::versions::SecretMetadata,
    now: i64,
) -> Option<String> {
    let latest = metadata
        .versions
        .iter()
        .find(|v| v.version == metadata.current_version)?;
    let what = if latest.destroyed {
        "destroyed"
    } else if latest.is_deleted(now) {
        "deleted"
    } else {
        return None;
    };
    Some(format!(
        "the latest version (v{}) is {what}",
        latest.version
    ))
}

/// `check_latest`: leave out (up front) a KV v2 source whose latest version has no data when only
/// the latest data is copied (false when the caller reads each source's metadata itself).
pub(super) async fn plan_transfer(
    kind: PlanKind,
    source: &TreeRef,
    target: &TreeRef,
    options: PlanOptions,
    progress: Option<&UnboundedSender<Progress>>,
    check_latest: bool,
) -> Result<Plan, FolderError> {
    require_kv(source)?;
    require_kv(target)?;
    if crate::vault::folder::plan::overlaps(source, target) {
        return Err(FolderError::Overlap {
            from: source.display(),
            into: target.display(),
        });
    }
    let walked = walk(source, options.concurrency, progress).await?;
    if walked.relative.is_empty() && walked.unlistable.is_empty() {
        return Err(FolderError::Empty(source.display()));
    }
    let key = std::hash::RandomState::new();
    // What the token may not read is named now, not failed later.
    let (readable, mut denied) =
        split_unreadable(source, walked.relative, options.concurrency).await;
    let (items, mut unreadable, _) = items_for(
        readable,
        Some(source),
        target,
        options,
        &key,
        progress,
        None,
        check_latest,
    )
    .await;
    unreadable.append(&mut denied);
    unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        kind,
        origin: Origin::Tree(source.clone()),
        target: target.clone(),
        options,
        items,
        unlistable: walked.unlistable,
        unreadable,
        fingerprints: key,
    })
}

/// Plans copying every secret below `source` to the same relative paths below `target`. The
/// trees may be on different mounts, KV versions or servers; they may not overlap.
pub async fn plan_copy(
    source: &TreeRef,
    target: &TreeRef,
    options: PlanOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<Plan, FolderError> {
    plan_transfer(PlanKind::Copy, source, target, options, progress, true).await
}

/// Plans a move: a copy whose run deletes each source after its target read back equal.
pub async fn plan_move(
    source: &TreeRef,
    target: &TreeRef,
    options: PlanOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<Plan, FolderError> {
    // A move is a rename: from KV v2 every version goes along (the source's history is deleted
    // with it), and a move that cannot take it along is refused before anything is written.
    let options = PlanOptions {
        all_versions: options.all_versions || source.is_v2(),
        ..options
    };
    if source.is_v2() && !target.is_v2() {
        // The lossy check reads each source's metadata: it leaves out those without latest data.
        let mut plan =
            plan_transfer(PlanKind::Copy, source, target, options, progress, false).await?;
        super::lossy::refuse_lossy_move(&mut plan, source, target).await?;
        plan.kind = PlanKind::Move;
        return Ok(plan);
    }
    plan_transfer(PlanKind::Move, source, target, options, progress, true).await
}

/// Splits `relative` into what the token may read below `tree` and what it may not (asked with
/// `sys/capabilities-self`, a few hundred paths a request, `concurrency` requests at once). A
/// server or token that cannot answer leaves everything to the run.
pub(super) async fn split_unreadable(
    tree: &TreeRef,
    relative: Vec<String>,
    concurrency: usize,
) -> (Vec<String>, Vec<Unreadable>) {
    const BATCH: usize = 256;
    // Owned batches into a named async fn: the plan's future stays `Send`.
    let batches: Vec<Vec<String>> = relative.chunks(BATCH).map(<[String]>::to_vec).collect();
    let mut answers = futures_util::stream::iter(
        batches
            .into_iter()
            .map(|batch| denied_in_batch(tree, batch)),
    )
    .buffered(concurrency.max(1));
    let mut denied_paths = HashSet::new();
    while let Some(answer) = answers.next().await {
        let Some(denied) = answer else {
            return (relative, Vec::new());
        };
        denied_paths.extend(denied);
    }
    drop(answers);
    let (readable, denied): (Vec<String>, Vec<String>) = relative
        .into_iter()
        .partition(|r| !denied_paths.contains(r));
    let unreadable = denied
        .iter()
        .map(|r| Unreadable {
            path: tree.display_of(r),
            reason: format!(
                "permission denied: read on {}",
                tree.mount.read_path(&tree.path_of(r))
            ),
        })
        .collect();
    (readable, unreadable)
}

/// Plans deleting every secret below `tree` (KV v2: metadata and all versions). Each item's
/// state is what the run checks before deleting.
pub async fn plan_delete(
    tree: &TreeRef,
    options: PlanOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<Plan, FolderError> {
    require_kv(tree)?;
    let walked = walk(tree, options.concurrency, progress).await?;
    if walked.relative.is_empty() && walked.unlistable.is_empty() {
        return Err(FolderError::Empty(tree.display()));
    }
    let key = std::hash::RandomState::new();
    let total = walked.relative.len();
    let mut checked = 0;
    let mut items = Vec::with_capacity(total);
    let mut unreadable = Vec::new();
    let key_ref = &key;
    let mut states =
        futures_util::stream::iter(walked.relative.into_iter().map(|relative| async move {
            let state = target_state(tree, &relative, key_ref).await;
            (relative, state)
        }))
        .buffered(options.concurrency.max(1));
    while let Some((relative, state)) = states.next().await {
        checked += 1;
        tell(progress, Progress::Checking { checked, total });
        match state {
            // Gone between the listing and now: nothing to delete.
            Ok(TargetState::Absent) => {}
            Ok(state) => items.push(PlanItem {
                relative,
                target: state,
                versions: Vec::new(),
            }),
            Err(error) => unreadable.push(Unreadable {
                path: tree.display_of(&relative),
                reason: error.to_string(),
            }),
        }
    }
    drop(states);
    Ok(Plan {
        kind: PlanKind::Delete,
        origin: Origin::Nothing,
        target: tree.clone(),
        options: PlanOptions {
            all_versions: false,
            ..options
        },
        items,
        unlistable: walked.unlistable,
        unreadable,
        fingerprints: key,
    })
}

/// Plans writing the secrets of an export `file` below `target`, with the same check-and-set as
/// a copy. `options.all_versions` replays the file's versions when it has them.
pub async fn plan_import(
    file: &Path,
    target: &TreeRef,
    options: PlanOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<Plan, FolderError> {
    require_kv(target)?;
    let loaded = ImportFile::load(file)?;
    let parsed = loaded.parse()?;
    let mut versions = HashMap::new();
    let mut relative = Vec::with_capacity(parsed.secrets.len());
    for secret in &parsed.secrets {
        crate::vault::path::validate_secret_path(&secret.path).map_err(|e| {
            FolderError::Format {
                path: file.display().to_string(),
                reason: format!("{:?}: {e}", secret.path),
            }
        })?;
        relative.push(secret.path.to_string());
        if options.all_versions && !secret.versions.is_empty() {
            versions.insert(secret.path.to_string(), secret.steps());
        }
    }
    let unique: HashSet<&String> = relative.iter().collect();
    if unique.len() != relative.len() {
        return Err(FolderError::Format {
            path: file.display().to_string(),
            reason: "a secret path appears twice".into(),
        });
    }
    relative.sort();
    let key = std::hash::RandomState::new();
    let (items, unreadable, _) = items_for(
        relative,
        None,
        target,
        options,
        &key,
        progress,
        Some(&versions),
        false,
    )
    .await;
    Ok(Plan {
        kind: PlanKind::Import,
        origin: Origin::File(file.to_path_buf()),
        target: target.clone(),
        options,
        items,
        unlistable: Vec::new(),
        unreadable,
        fingerprints: key,
    })
}

/// The paths of `batch` (relative below `tree`) the token may not read, by one request to
/// `sys/capabilities-self`; `None` when it cannot be answered.
async fn denied_in_batch(tree: &TreeRef, batch: Vec<String>) -> Option<Vec<String>> {
    let paths: Vec<String> = batch
        .iter()
        .map(|r| tree.mount.read_path(&tree.path_of(r)))
        .collect();
    let answer = tree.client.capabilities_of(&paths).await.ok()?;
    let denied = paths
        .iter()
        .zip(batch)
        .filter(|(path, _)| {
            let capabilities = answer.get(path.as_str()).cloned().unwrap_or_default();
            let may_read = capabilities
                .iter()
                .any(|c| matches!(c.as_str(), "read" | "root"));
            !capabilities.is_empty() && !may_read
        })
        .map(|(_, relative)| relative)
        .collect();
    Some(denied)
}
