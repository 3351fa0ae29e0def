//! Planning and running folder operations against the server (I/O through `VaultClient` only).
//!
//! Reads are asked again on 429 (waited out) and 5xx / network trouble (a few times), as the
//! crawl does. Writes are sent once: a 5xx or a lost connection on a write is a failure (it may
//! have landed), never repeated; only a 429 on a write is waited out, because a rate-limit quota
//! refuses a request before it is handled.

use super::export::{FileSecret, ImportFile};
use super::plan::{fingerprint, relative_paths, version_steps};
use super::{
    CancelToken, Choices, Existing, FolderError, ItemOutcome, ItemReport, Origin, Plan, PlanItem,
    PlanKind, PlanOptions, Progress, Report, SkipReason, TargetState, TreeRef, Unreadable,
    VersionStep,
};
use crate::vault::client::{Operation, error_for_status};
use crate::vault::crawl::{CrawlEvent, CrawlOptions, with_retries};
use crate::vault::versions::operation_path;
use crate::vault::{VaultClient, VaultError};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tokio::sync::mpsc::UnboundedSender;
use zeroize::Zeroizing;

/// Sends `progress` if anyone listens.
fn tell(progress: Option<&UnboundedSender<Progress>>, event: Progress) {
    if let Some(sender) = progress {
        let _ = sender.send(event);
    }
}

/// What a walk of one tree found: secret paths relative to its prefix, and the folders the
/// token could not list (full paths).
pub(super) struct Walk {
    pub relative: Vec<String>,
    pub unlistable: Vec<String>,
}

/// Walks the tree below `tree.prefix` (the crawl: scan when allowed, else a concurrent LIST).
pub(super) async fn walk(
    tree: &TreeRef,
    concurrency: usize,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<Walk, VaultError> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let options = CrawlOptions {
        concurrency: concurrency.max(1),
        ..CrawlOptions::default()
    };
    let crawl = async {
        let summary = tree
            .client
            .crawl(&tree.mount, &tree.prefix, options, &sender)
            .await;
        drop(sender);
        summary
    };
    let collect = async {
        let mut found = Vec::new();
        while let Some(event) = receiver.recv().await {
            match event {
                CrawlEvent::Found(paths) => found.extend(paths),
                CrawlEvent::Progress { folders, .. } => tell(
                    progress,
                    Progress::Listing {
                        secrets: found.len(),
                        folders,
                    },
                ),
            }
        }
        found
    };
    let (summary, found) = tokio::join!(crawl, collect);
    let summary = summary?;
    Ok(Walk {
        relative: relative_paths(&tree.prefix, found),
        unlistable: summary
            .skipped
            .iter()
            .map(|folder| format!("{}{folder}", tree.mount.path))
            .collect(),
    })
}

fn require_kv(tree: &TreeRef) -> Result<(), FolderError> {
    if tree.mount.engine.is_browsable() {
        Ok(())
    } else {
        Err(FolderError::NotKv(tree.mount.path.clone()))
    }
}

/// A secret's data as the server sent it (raw JSON object bytes, wiped on drop), plus its custom
/// metadata (KV v2) and version. `data` is `None` for a deleted or destroyed version.
pub(super) struct RawSecret {
    pub data: Option<Zeroizing<Vec<u8>>>,
    pub destroyed: bool,
    pub custom_metadata: Option<Zeroizing<Vec<u8>>>,
}

/// Reads a secret as raw bytes (KV v2: optionally one version), asked again on 429 and 5xx.
pub(super) async fn read_raw(
    tree: &TreeRef,
    path: &str,
    version: Option<u64>,
) -> Result<RawSecret, VaultError> {
    let api_path = tree.mount.read_path(path);
    let version_text = version.map(|v| v.to_string());
    let query: Vec<(&str, &str)> = version_text
        .as_deref()
        .map(|v| vec![("version", v)])
        .unwrap_or_default();
    let client = &tree.client;
    let (status, body) = with_retries(client, &api_path, || async {
        let (status, body) = client
            .send_raw(Operation::Read, &api_path, &query, None, &[])
            .await?;
        // A deleted KV v2 version is a 404 with a body: kept; other failures become errors.
        if status.is_success() || (status.as_u16() == 404 && tree.is_v2() && !body.is_empty()) {
            Ok((status, body))
        } else {
            Err(error_for_status(status, &api_path, Operation::Read, &body))
        }
    })
    .await?;
    parse_raw(&body, tree.is_v2(), status.is_success(), &api_path)
}

fn parse_raw(body: &[u8], v2: bool, ok: bool, path: &str) -> Result<RawSecret, VaultError> {
    let decode = |reason: String| VaultError::Decode {
        path: path.to_string(),
        reason,
    };
    let owned = |raw: &RawValue| -> Option<Zeroizing<Vec<u8>>> {
        match raw.get() {
            "null" => None,
            text => Some(Zeroizing::new(text.as_bytes().to_vec())),
        }
    };
    if !v2 {
        #[derive(Deserialize)]
        struct V1<'a> {
            #[serde(borrow)]
            data: &'a RawValue,
        }
        let parsed: V1 = serde_json::from_slice(body)
            .map_err(|e| decode(format!("no data in the answer ({:?} error)", e.classify())))?;
        return Ok(RawSecret {
            data: owned(parsed.data),
            destroyed: false,
            custom_metadata: None,
        });
    }
    #[derive(Deserialize)]
    struct Outer<'a> {
        #[serde(borrow)]
        data: Option<Inner<'a>>,
    }
    #[derive(Deserialize)]
    struct Inner<'a> {
        #[serde(borrow)]
        data: Option<&'a RawValue>,
        metadata: Option<Meta<'a>>,
    }
    #[derive(Deserialize)]
    struct Meta<'a> {
        #[serde(default)]
        destroyed: bool,
        #[serde(borrow)]
        custom_metadata: Option<&'a RawValue>,
    }
    let parsed: Outer = serde_json::from_slice(body)
        .map_err(|e| decode(format!("no data in the answer ({:?} error)", e.classify())))?;
    let Some(inner) = parsed.data else {
        return Err(VaultError::NotFound {
            path: path.to_string(),
        });
    };
    let meta = inner.metadata;
    let data = inner.data.and_then(owned).filter(|_| ok);
    if !ok && meta.is_none() {
        return Err(VaultError::NotFound {
            path: path.to_string(),
        });
    }
    Ok(RawSecret {
        data,
        destroyed: meta.as_ref().is_some_and(|m| m.destroyed),
        custom_metadata: meta
            .as_ref()
            .and_then(|m| m.custom_metadata)
            .and_then(owned)
            .filter(|c| c.as_slice() != b"{}"),
    })
}

/// What is at `relative` below the target, for the plan: KV v2 its current version (from the
/// metadata), KV v1 a fingerprint of its data.
async fn target_state(
    target: &TreeRef,
    relative: &str,
    key: &std::hash::RandomState,
) -> Result<TargetState, VaultError> {
    let path = target.path_of(relative);
    if target.is_v2() {
        let client = &target.client;
        let metadata =
            with_retries(client, &path, || client.read_metadata(&target.mount, &path)).await;
        return match metadata {
            Ok(metadata) => Ok(TargetState::Versioned {
                current: metadata.current_version,
            }),
            Err(VaultError::NotFound { .. }) => Ok(TargetState::Absent),
            Err(other) => Err(other),
        };
    }
    match read_raw(target, &path, None).await {
        Ok(secret) => Ok(TargetState::Present {
            fingerprint: secret.data.as_deref().map(|data| fingerprint(key, data)),
        }),
        Err(VaultError::NotFound { .. }) => Ok(TargetState::Absent),
        Err(VaultError::PermissionDenied { .. }) => Ok(TargetState::Present { fingerprint: None }),
        Err(other) => Err(other),
    }
}

/// The plan's items: each relative path with its target state (looked at 16 at a time for the
/// paths the target listing has), and its versions when replaying.
async fn items_for(
    relative: Vec<String>,
    source: Option<&TreeRef>,
    target: &TreeRef,
    options: PlanOptions,
    key: &std::hash::RandomState,
    progress: Option<&UnboundedSender<Progress>>,
    file_versions: Option<&HashMap<String, Vec<VersionStep>>>,
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
            (relative, state, versions)
        }
    }))
    .buffered(options.concurrency.max(1));
    while let Some((relative, state, versions)) = results.next().await {
        checked += 1;
        tell(progress, Progress::Checking { checked, total });
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

/// Whether the target path of `relative` lies in one of the `unlistable` folders (full paths).
pub(super) fn under_any(target: &TreeRef, relative: &str, unlistable: &[String]) -> bool {
    let full = target.display_of(relative);
    unlistable.iter().any(|folder| full.starts_with(folder))
}

async fn plan_transfer(
    kind: PlanKind,
    source: &TreeRef,
    target: &TreeRef,
    options: PlanOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<Plan, FolderError> {
    require_kv(source)?;
    require_kv(target)?;
    if super::plan::overlaps(source, target) {
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
    let (readable, mut denied) = split_unreadable(source, walked.relative).await;
    let (items, mut unreadable, _) = items_for(
        readable,
        Some(source),
        target,
        options,
        &key,
        progress,
        None,
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
    plan_transfer(PlanKind::Copy, source, target, options, progress).await
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
        let mut plan = plan_transfer(PlanKind::Copy, source, target, options, progress).await?;
        // Owned paths into a named async fn: a closure over `&PlanItem` would make the future
        // too general to be `Send` (the UI spawns this on a task).
        let relative: Vec<String> = plan.items.iter().map(|i| i.relative.clone()).collect();
        let mut checks = futures_util::stream::iter(
            relative
                .into_iter()
                .map(|relative| lost_in_kv_v1(source, relative)),
        )
        .buffered(options.concurrency.max(1));
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
        plan.kind = PlanKind::Move;
        return Ok(plan);
    }
    plan_transfer(PlanKind::Move, source, target, options, progress).await
}

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

/// Splits `relative` into what the token may read below `tree` and what it may not (asked with
/// `sys/capabilities-self`, a few hundred paths a request). A server or token that cannot answer
/// leaves everything to the run.
async fn split_unreadable(tree: &TreeRef, relative: Vec<String>) -> (Vec<String>, Vec<Unreadable>) {
    const BATCH: usize = 256;
    let mut denied_paths = HashSet::new();
    for chunk in relative.chunks(BATCH) {
        let paths: Vec<String> = chunk
            .iter()
            .map(|r| tree.mount.read_path(&tree.path_of(r)))
            .collect();
        let request = "sys/capabilities-self";
        let answer = tree
            .client
            .send(
                super::super::client::Operation::Write,
                request,
                Some(&serde_json::json!({ "paths": paths })),
            )
            .await
            .and_then(|raw| raw.json(request));
        let Ok(answer) = answer else {
            return (relative, Vec::new());
        };
        let data = answer.get("data").unwrap_or(&answer);
        for (path, relative) in paths.iter().zip(chunk) {
            let capabilities: Vec<&str> = data
                .get(path)
                .and_then(|c| c.as_array())
                .map(|c| c.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let may_read = capabilities.iter().any(|c| matches!(*c, "read" | "root"));
            if !capabilities.is_empty() && !may_read {
                denied_paths.insert(relative.clone());
            }
        }
    }
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

/// Where a run takes the values from.
enum Values<'a> {
    Tree(&'a TreeRef),
    File(HashMap<&'a str, &'a FileSecret<'a>>),
    Nothing,
}

impl Values<'_> {
    /// The latest data, or one version of it.
    async fn read(&self, relative: &str, version: Option<u64>) -> Result<RawSecret, VaultError> {
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
async fn write_once(
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

async fn with_rate_limit<T, F, Fut>(
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

/// The target read back: equal to what was written, then the source is deleted.
async fn finish_move(
    plan: &Plan,
    source: &TreeRef,
    item: &PlanItem,
    path: &str,
    written: &[u8],
    version: Option<u64>,
) -> ItemOutcome {
    let target = &plan.target;
    match read_raw(target, path, None).await {
        Ok(back) if back.data.as_ref().map(|d| d.as_slice()) == Some(written) => {}
        Ok(_) => {
            return ItemOutcome::Failed(format!(
                "{} does not read back as written: the source is kept",
                target.display_of(&item.relative)
            ));
        }
        Err(error) => {
            return ItemOutcome::Failed(format!(
                "written, but reading it back failed ({error}): the source is kept"
            ));
        }
    }
    let source_path = source.path_of(&item.relative);
    let delete_path = if source.is_v2() {
        operation_path(&source.mount, "metadata", &source_path)
    } else {
        source.mount.read_path(&source_path)
    };
    let client = &source.client;
    match with_rate_limit(client, &delete_path, || {
        client.send(Operation::Delete, &delete_path, None)
    })
    .await
    {
        Ok(_) => ItemOutcome::Done { version },
        Err(error) => ItemOutcome::Failed(format!(
            "copied and read back equal, but the source could not be deleted ({error}): it is \
             still there"
        )),
    }
}

enum Replay {
    /// The first write was refused by check-and-set: nothing written.
    Conflict(VaultError),
    Failed(String),
}

type Written = (Zeroizing<Vec<u8>>, Option<u64>, Option<Zeroizing<Vec<u8>>>);

/// Every version oldest first, as new versions on the target (check-and-set chained from the
/// version the plan saw): live versions copied, deleted and destroyed ones as empty placeholders
/// deleted or destroyed in turn. A failure part-way says which versions were written.
async fn replay(
    values: &Values<'_>,
    target: &TreeRef,
    item: &PlanItem,
    path: &str,
    first_cas: Option<u64>,
) -> Result<Written, Replay> {
    let mut cas = first_cas.unwrap_or(0);
    let mut last: Option<Zeroizing<Vec<u8>>> = None;
    let mut custom = None;
    let mut written_count = 0usize;
    let part_way = |count: usize, reason: String| {
        if count == 0 {
            Replay::Failed(format!("{reason}: nothing written"))
        } else {
            Replay::Failed(format!(
                "{reason}: stopped after {count} of {} versions (the target has only those)",
                item.versions.len()
            ))
        }
    };
    for step in &item.versions {
        let (data, change) = match step {
            VersionStep::Live(version) => {
                let secret = values
                    .read(&item.relative, Some(*version))
                    .await
                    .map_err(|e| part_way(written_count, e.to_string()))?;
                custom = secret.custom_metadata;
                match secret.data {
                    Some(data) => (data, None),
                    // Deleted or destroyed since the plan: reproduced as it is now.
                    None if secret.destroyed => (placeholder(), Some("destroy")),
                    None => (placeholder(), Some("delete")),
                }
            }
            VersionStep::Deleted(_) => (placeholder(), Some("delete")),
            VersionStep::Destroyed(_) => (placeholder(), Some("destroy")),
        };
        let version = match write_once(target, path, &data, Some(cas)).await {
            Ok(Some(version)) => version,
            Ok(None) => {
                return Err(part_way(
                    written_count,
                    format!(
                        "{}: no version in the write answer",
                        target.display_of(&item.relative)
                    ),
                ));
            }
            Err(error @ VaultError::CasMismatch { .. }) if written_count == 0 => {
                return Err(Replay::Conflict(error));
            }
            Err(error) => return Err(part_way(written_count, error.to_string())),
        };
        written_count += 1;
        cas = version;
        if let Some(endpoint) = change {
            let change_path = operation_path(&target.mount, endpoint, path);
            let body = serde_json::json!({ "versions": [version] });
            let client = &target.client;
            if let Err(error) = with_rate_limit(client, &change_path, || {
                client.send(Operation::Write, &change_path, Some(&body))
            })
            .await
            {
                return Err(part_way(written_count, error.to_string()));
            }
        }
        last = Some(data);
    }
    match last {
        Some(data) => Ok((data, Some(cas), custom)),
        None => Err(Replay::Failed(
            "no versions to copy: nothing written".into(),
        )),
    }
}

fn placeholder() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(b"{}".to_vec())
}

/// Deletes one secret if it is still as the plan saw it (KV v2: the same current version, read
/// from the metadata just before; KV v1: the same fingerprint). The window between that read
/// and the delete is one round trip.
async fn delete_item(plan: &Plan, item: &PlanItem) -> ItemOutcome {
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
