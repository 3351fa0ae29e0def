//! Reading two trees side by side (diff) and searching values in one (grep). Results hold
//! paths and key names; a value only behind `SecretText`, for a reveal the user asks for.

use super::engine::walk;
use super::{CancelToken, FolderError, Progress, TreeRef, Unreadable};
use crate::secret::SecretText;
use crate::vault::crawl::with_retries;
use crate::vault::{KvSecret, VaultError};
use futures_util::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use tokio::sync::mpsc::UnboundedSender;

/// A key whose value differs between the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedKey {
    pub key: String,
    pub left: SecretText,
    pub right: SecretText,
}

/// One secret on both sides whose keys differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretDiff {
    /// Below both prefixes.
    pub relative: String,
    /// Keys only on the right.
    pub added: Vec<String>,
    /// Keys only on the left.
    pub removed: Vec<String>,
    pub changed: Vec<ChangedKey>,
}

/// What differs between two trees (relative paths, sorted).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TreeDiff {
    pub only_left: Vec<String>,
    pub only_right: Vec<String>,
    pub changed: Vec<SecretDiff>,
    /// Secrets on both sides with the same keys and values.
    pub same: usize,
    /// Folders that could not be listed, on either side (full paths).
    pub unlistable: Vec<String>,
    /// Secrets that could not be read, on either side.
    pub unreadable: Vec<Unreadable>,
}

impl TreeDiff {
    /// No difference found (and nothing left unseen).
    pub fn is_same(&self) -> bool {
        self.only_left.is_empty() && self.only_right.is_empty() && self.changed.is_empty()
    }

    /// Something could not be compared.
    pub fn incomplete(&self) -> bool {
        !self.unlistable.is_empty() || !self.unreadable.is_empty()
    }
}

async fn read(tree: &TreeRef, relative: &str) -> Result<KvSecret, VaultError> {
    let path = tree.path_of(relative);
    let client = &tree.client;
    with_retries(client, &path, || {
        client.read_secret(&tree.mount, &path, None)
    })
    .await
}

/// The keys of two versions of a secret compared (values as stored: a JSON value and a string
/// with the same text differ).
fn compare(relative: &str, left: KvSecret, right: KvSecret) -> Option<SecretDiff> {
    let left: BTreeMap<String, (SecretText, bool)> = left
        .entries
        .into_iter()
        .map(|e| (e.key, (e.value, e.json)))
        .collect();
    let mut right: BTreeMap<String, (SecretText, bool)> = right
        .entries
        .into_iter()
        .map(|e| (e.key, (e.value, e.json)))
        .collect();
    let mut diff = SecretDiff {
        relative: relative.to_string(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for (key, (value, json)) in left {
        match right.remove(&key) {
            None => diff.removed.push(key),
            Some((other, other_json)) if other != value || other_json != json => {
                diff.changed.push(ChangedKey {
                    key,
                    left: value,
                    right: other,
                })
            }
            Some(_) => {}
        }
    }
    diff.added.extend(right.into_keys());
    (!diff.added.is_empty() || !diff.removed.is_empty() || !diff.changed.is_empty()).then_some(diff)
}

/// Compares every secret below `left` with the one at the same relative path below `right`
/// (two mounts, KV versions or servers): only-left, only-right, and per common secret the keys
/// added, removed and changed.
pub async fn diff(
    left: &TreeRef,
    right: &TreeRef,
    concurrency: usize,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<TreeDiff, FolderError> {
    for tree in [left, right] {
        if !tree.mount.engine.is_browsable() {
            return Err(FolderError::NotKv(tree.mount.path.clone()));
        }
    }
    let (walked_left, walked_right) = tokio::join!(
        walk(left, concurrency, progress),
        walk(right, concurrency, None)
    );
    let (walked_left, walked_right) = (walked_left?, walked_right?);
    let left_set: BTreeSet<&String> = walked_left.relative.iter().collect();
    let right_set: BTreeSet<&String> = walked_right.relative.iter().collect();
    let mut out = TreeDiff {
        // A secret in a folder the other side could not list was not compared: not "only here".
        only_left: left_set
            .difference(&right_set)
            .filter(|s| !super::engine::under_any(right, s, &walked_right.unlistable))
            .map(|s| s.to_string())
            .collect(),
        only_right: right_set
            .difference(&left_set)
            .filter(|s| !super::engine::under_any(left, s, &walked_left.unlistable))
            .map(|s| s.to_string())
            .collect(),
        unlistable: walked_left
            .unlistable
            .iter()
            .chain(&walked_right.unlistable)
            .cloned()
            .collect(),
        ..TreeDiff::default()
    };
    let common: Vec<&String> = left_set.intersection(&right_set).copied().collect();
    let total = common.len();
    let common = &common;
    let mut compared = futures_util::stream::iter((0..total).map(|index| async move {
        let relative = common[index];
        let (a, b) = tokio::join!(read(left, relative), read(right, relative));
        (relative, a, b)
    }))
    .buffered(concurrency.max(1));
    let mut checked = 0;
    while let Some((relative, a, b)) = compared.next().await {
        checked += 1;
        if let Some(sender) = progress {
            let _ = sender.send(Progress::Checking { checked, total });
        }
        match (a, b) {
            (Ok(a), Ok(b)) => match compare(relative, a, b) {
                Some(diff) => out.changed.push(diff),
                None => out.same += 1,
            },
            (Err(error), _) => out.unreadable.push(Unreadable {
                path: left.display_of(relative),
                reason: error.to_string(),
            }),
            (_, Err(error)) => out.unreadable.push(Unreadable {
                path: right.display_of(relative),
                reason: error.to_string(),
            }),
        }
    }
    Ok(out)
}

/// A key whose value contains the string searched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrepMatch {
    /// Full path (`secret/app/db`).
    pub path: String,
    pub key: String,
    /// For a reveal the user asks for; never printed by `tresor grep`.
    pub value: SecretText,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GrepSummary {
    pub searched: usize,
    pub matches: usize,
    pub unlistable: Vec<String>,
    pub unreadable: Vec<Unreadable>,
    pub cancelled: bool,
}

/// Searches every value below `tree` for `needle` (as stored: a JSON value's compact text,
/// so a string inside nested JSON is found), sending each match as it is found.
pub async fn grep(
    tree: &TreeRef,
    needle: &str,
    concurrency: usize,
    matches: &UnboundedSender<GrepMatch>,
    progress: Option<&UnboundedSender<Progress>>,
    cancel: &CancelToken,
) -> Result<GrepSummary, FolderError> {
    if !tree.mount.engine.is_browsable() {
        return Err(FolderError::NotKv(tree.mount.path.clone()));
    }
    let walked = walk(tree, concurrency, progress).await?;
    let total = walked.relative.len();
    let mut summary = GrepSummary {
        unlistable: walked.unlistable.clone(),
        ..GrepSummary::default()
    };
    let relative_paths = &walked.relative;
    let mut reads = futures_util::stream::iter((0..total).map(|index| async move {
        let relative = &relative_paths[index];
        if cancel.is_cancelled() {
            return (relative, None);
        }
        (relative, Some(read(tree, relative).await))
    }))
    .buffered(concurrency.max(1));
    while let Some((relative, secret)) = reads.next().await {
        let Some(secret) = secret else {
            summary.cancelled = true;
            break;
        };
        summary.searched += 1;
        match secret {
            Ok(secret) => {
                for entry in secret.entries {
                    if entry.value.expose().contains(needle) {
                        summary.matches += 1;
                        let _ = matches.send(GrepMatch {
                            path: tree.display_of(relative),
                            key: entry.key,
                            value: entry.value,
                        });
                    }
                }
            }
            Err(error) => summary.unreadable.push(Unreadable {
                path: tree.display_of(relative),
                reason: error.to_string(),
            }),
        }
        if let Some(sender) = progress {
            let _ = sender.send(Progress::Checking {
                checked: summary.searched,
                total,
            });
        }
    }
    Ok(summary)
}
