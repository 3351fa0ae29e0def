//! Walking a tree and reading what is in it: the secrets below a prefix, a secret's raw bytes,
//! and what a target holds (for the plan, and again before a delete).

use crate::vault::VaultError;
use crate::vault::client::{Operation, error_for_status};
use crate::vault::crawl::{CrawlEvent, CrawlOptions, with_retries};
use crate::vault::folder::plan::{fingerprint, relative_paths};
use crate::vault::folder::{FolderError, Progress, TargetState, TreeRef};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc::UnboundedSender;
use zeroize::Zeroizing;

/// Sends `progress` if anyone listens.
pub(super) fn tell(progress: Option<&UnboundedSender<Progress>>, event: Progress) {
    if let Some(sender) = progress {
        let _ = sender.send(event);
    }
}

/// What a walk of one tree found: secret paths relative to its prefix, and the folders the
/// token could not list (full paths).
pub(in crate::vault::folder) struct Walk {
    pub relative: Vec<String>,
    pub unlistable: Vec<String>,
}

/// Walks the tree below `tree.prefix` (the crawl: scan when allowed, else a concurrent LIST).
pub(in crate::vault::folder) async fn walk(
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

/// Whether the target path of `relative` lies in one of the `unlistable` folders (full paths).
pub(in crate::vault::folder) fn under_any(
    target: &TreeRef,
    relative: &str,
    unlistable: &[String],
) -> bool {
    let full = target.display_of(relative);
    unlistable.iter().any(|folder| full.starts_with(folder))
}

pub(super) fn require_kv(tree: &TreeRef) -> Result<(), FolderError> {
    if tree.mount.engine.is_browsable() {
        Ok(())
    } else {
        Err(FolderError::NotKv(tree.mount.path.clone()))
    }
}

/// A secret's data as the server sent it (raw JSON object bytes, wiped on drop), plus its custom
/// metadata (KV v2) and version. `data` is `None` for a deleted or destroyed version.
pub(in crate::vault::folder) struct RawSecret {
    pub data: Option<Zeroizing<Vec<u8>>>,
    pub destroyed: bool,
    pub custom_metadata: Option<Zeroizing<Vec<u8>>>,
}

/// Reads a secret as raw bytes (KV v2: optionally one version), asked again on 429 and 5xx.
pub(in crate::vault::folder) async fn read_raw(
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
pub(super) async fn target_state(
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
