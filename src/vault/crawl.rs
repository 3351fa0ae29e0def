//! Walking a KV tree: OpenBao's server-side recursive list (`?scan=true`, one request) when the
//! server and the token allow it, else a concurrent LIST crawl (bounded concurrency, retries with
//! backoff on 429 and 5xx). Folders the token may not list are counted, not fatal. Paths are
//! reported as they are found, so a finder can show them while the walk goes on.

use super::VaultClient;
use super::client::Operation;
use super::error::VaultError;
use super::kv::{MountInfo, decode_listing};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

pub const DEFAULT_CONCURRENCY: usize = 16;
/// Server errors and network trouble: asked again this many times.
const RETRIES: u32 = 5;
/// A rate limit is the server asking to slow down, not failing: a walk keeps going (up to about
/// two minutes of pauses for one folder).
const RATE_LIMIT_RETRIES: u32 = 64;
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Whether to ask again after `error` on attempt `attempt` (0-based), and after how long:
/// 100 ms doubling up to 2 s, with a little spread so that a pool does not come back in step.
fn retry_after(error: &VaultError, attempt: u32, spread_seed: usize) -> Option<Duration> {
    let limit = if matches!(error, VaultError::RateLimited { .. }) {
        RATE_LIMIT_RETRIES
    } else {
        RETRIES
    };
    if !retryable(error) || attempt >= limit {
        return None;
    }
    let base = Duration::from_millis(100 << attempt.min(5)).min(LONGEST_PAUSE);
    let spread = Duration::from_millis((spread_seed as u64 * 37 + attempt as u64 * 11) % 100);
    Some(base + spread)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CrawlMethod {
    #[default]
    /// Try the server-side scan first, fall back to LIST.
    Auto,
    Scan,
    List,
}

#[derive(Debug, Clone, Copy)]
pub struct CrawlOptions {
    pub method: CrawlMethod,
    pub concurrency: usize,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        Self {
            method: CrawlMethod::default(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// What a walk reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrawlEvent {
    /// Secret paths found, relative to the mount (`app/db`).
    Found(Vec<String>),
    /// A folder listed (running totals).
    Progress { folders: usize, skipped: usize },
}

/// How a walk ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlSummary {
    pub secrets: usize,
    pub folders: usize,
    /// Folders the token may not list.
    pub skipped: Vec<String>,
    /// The server-side scan did it (one request).
    pub scanned: bool,
    /// The scan was asked for but this mount cannot be scanned (a cubbyhole, a server without
    /// scan): it was walked by LIST instead.
    pub scan_unsupported: bool,
}

/// The mount cannot answer a scan at all (as opposed to the token not being allowed to):
/// 405 (cubbyhole), 400 "unsupported", or an answer that is not a listing.
fn cannot_scan(error: &VaultError) -> bool {
    matches!(
        error,
        VaultError::Server {
            status: 400 | 405,
            ..
        } | VaultError::Decode { .. }
    )
}

fn retryable(error: &VaultError) -> bool {
    matches!(
        error,
        VaultError::RateLimited { .. }
            | VaultError::Server {
                status: 500..=599,
                ..
            }
            | VaultError::Timeout(_)
            | VaultError::Network(_)
    )
}

/// Sends `request` again after a pause while it fails with something worth waiting out (429s
/// for long, 5xx and network errors a few times); `what` names it in the log.
pub(crate) async fn with_retries<T, F, Fut>(
    client: &VaultClient,
    what: &str,
    mut request: F,
) -> Result<T, VaultError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, VaultError>>,
{
    let mut attempt = 0;
    loop {
        match request().await {
            Err(error) => match retry_after(&error, attempt, what.len()) {
                Some(pause) => {
                    attempt += 1;
                    tracing::debug!(%error, what = %what, attempt, "listing again after a pause");
                    client.pause(pause).await;
                }
                None => return Err(error),
            },
            ok => return ok,
        }
    }
}

/// What a walk of every mount reports as it goes: paths are full (`secret/app/db`) and the
/// counts are totals over every mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllMountsEvent {
    Found(Vec<String>),
    Progress { folders: usize, skipped: usize },
}

impl VaultClient {
    /// Walks every browsable mount at once (for the finder), telling `report` what it finds as it
    /// goes. Answers whether every mount was scanned server-side; fails only when the mounts
    /// cannot be listed.
    pub async fn crawl_every_mount(
        &self,
        report: &(dyn Fn(AllMountsEvent) + Sync),
    ) -> Result<bool, VaultError> {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let mounts = self.secret_mounts().await?;
        let totals = &(AtomicUsize::new(0), AtomicUsize::new(0));
        let walks =
            mounts
                .into_iter()
                .filter(|m| m.engine.is_browsable())
                .map(|mount| async move {
                    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
                    let forward = async {
                        // This mount's running totals, added into the totals of every mount.
                        let (mut folders, mut skipped) = (0, 0);
                        while let Some(event) = receiver.recv().await {
                            match event {
                                CrawlEvent::Found(paths) => report(AllMountsEvent::Found(
                                    paths
                                        .into_iter()
                                        .map(|p| format!("{}{p}", mount.path))
                                        .collect(),
                                )),
                                CrawlEvent::Progress {
                                    folders: f,
                                    skipped: s,
                                } => {
                                    let all_folders =
                                        totals.0.fetch_add(f - folders, Relaxed) + f - folders;
                                    let all_skipped =
                                        totals.1.fetch_add(s - skipped, Relaxed) + s - skipped;
                                    (folders, skipped) = (f, s);
                                    report(AllMountsEvent::Progress {
                                        folders: all_folders,
                                        skipped: all_skipped,
                                    });
                                }
                            }
                        }
                    };
                    let walk = async {
                        let summary = self
                            .crawl(&mount, "", CrawlOptions::default(), &sender)
                            .await;
                        drop(sender);
                        summary
                    };
                    let (summary, _) = tokio::join!(walk, forward);
                    summary
                });
        let summaries = futures_util::future::join_all(walks).await;
        Ok(summaries
            .iter()
            .all(|s| s.as_ref().is_ok_and(|s| s.scanned)))
    }

    /// Every secret below `prefix` (a folder path ending in `/`, or empty) in one request, when
    /// the server supports `?scan=true` and the token may use it.
    pub async fn scan(&self, mount: &MountInfo, prefix: &str) -> Result<Vec<String>, VaultError> {
        let path = mount.list_path(prefix);
        let keys = with_retries(self, &path, || self.scan_once(&path)).await?;
        let base = prefix.trim_start_matches('/');
        Ok(keys
            .into_iter()
            .filter(|key| !key.ends_with('/'))
            .map(|key| format!("{base}{key}"))
            .collect())
    }

    async fn scan_once(&self, path: &str) -> Result<Vec<String>, VaultError> {
        let (status, body) = self
            .send_raw(Operation::Read, path, &[("scan", "true")], None, &[])
            .await?;
        match status.as_u16() {
            404 => Ok(Vec::new()),
            _ if status.is_success() => decode_listing(&body, path).or_else(|_| {
                // An empty KV v1 mount answers a scan with `data: {}`; a server or engine that
                // does not scan says it ignored the parameter, or answers something else.
                let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let ignored = answer["warnings"].to_string().contains("scan");
                if !ignored && answer["data"].as_object().is_some_and(|d| d.is_empty()) {
                    Ok(Vec::new())
                } else {
                    Err(VaultError::Decode {
                        path: path.to_string(),
                        reason: "the server does not scan".into(),
                    })
                }
            }),
            _ => Err(
                match super::client::error_for_status(status, path, Operation::List, &body) {
                    // Scanning needs its own capability: name it, not `list`.
                    VaultError::PermissionDenied { path, .. } => VaultError::PermissionDenied {
                        path,
                        operation: crate::vault::Operation::Scan,
                    },
                    other => other,
                },
            ),
        }
    }

    /// Walks the tree below `prefix`, sending what it finds to `events` as it goes.
    pub async fn crawl(
        &self,
        mount: &MountInfo,
        prefix: &str,
        options: CrawlOptions,
        events: &UnboundedSender<CrawlEvent>,
    ) -> Result<CrawlSummary, VaultError> {
        let prefix = normalized(prefix);
        if options.method != CrawlMethod::List {
            match self.scan(mount, &prefix).await {
                Ok(paths) => {
                    let summary = CrawlSummary {
                        secrets: paths.len(),
                        folders: 1,
                        scanned: true,
                        ..CrawlSummary::default()
                    };
                    let _ = events.send(CrawlEvent::Found(paths));
                    return Ok(summary);
                }
                // Asked for a scan: one the token may not do is an error naming `scan`, but a
                // mount that cannot be scanned at all is walked by LIST (one mount at a time).
                Err(error) if options.method == CrawlMethod::Scan && !cannot_scan(&error) => {
                    return Err(error);
                }
                Err(error) => {
                    tracing::debug!(%error, mount = %mount.path, "scan not available, listing instead");
                    let mut summary = self
                        .list_crawl(mount, &prefix, options.concurrency.max(1), events)
                        .await?;
                    summary.scan_unsupported = cannot_scan(&error);
                    return Ok(summary);
                }
            }
        }
        self.list_crawl(mount, &prefix, options.concurrency.max(1), events)
            .await
    }

    async fn list_crawl(
        &self,
        mount: &MountInfo,
        prefix: &str,
        concurrency: usize,
        events: &UnboundedSender<CrawlEvent>,
    ) -> Result<CrawlSummary, VaultError> {
        let client = Arc::new(self.clone());
        let mount = Arc::new(mount.clone());
        let mut queue: VecDeque<String> = VecDeque::from([prefix.to_string()]);
        let mut running: JoinSet<(String, Result<Vec<String>, VaultError>)> = JoinSet::new();
        let mut summary = CrawlSummary::default();
        loop {
            while running.len() < concurrency
                && let Some(folder) = queue.pop_front()
            {
                let (client, mount) = (client.clone(), mount.clone());
                running.spawn(async move {
                    let result =
                        with_retries(&client, &folder, || client.list_folder(&mount, &folder))
                            .await;
                    (folder, result)
                });
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            let (folder, result) = joined.map_err(|e| VaultError::Network(e.to_string()))?;
            match result {
                Ok(keys) => {
                    summary.folders += 1;
                    let mut found = Vec::new();
                    for key in keys {
                        let full = format!("{folder}{key}");
                        if key.ends_with('/') {
                            queue.push_back(full);
                        } else {
                            found.push(full);
                        }
                    }
                    summary.secrets += found.len();
                    if !found.is_empty() {
                        let _ = events.send(CrawlEvent::Found(found));
                    }
                }
                Err(error) if error.is_permission_denied() => summary.skipped.push(folder),
                // The prefix itself failing is an error; a folder deep inside is skipped.
                Err(error) if folder == prefix => return Err(error),
                Err(error) => {
                    tracing::debug!(%error, folder = %folder, "folder skipped");
                    summary.skipped.push(folder);
                }
            }
            let _ = events.send(CrawlEvent::Progress {
                folders: summary.folders,
                skipped: summary.skipped.len(),
            });
        }
        Ok(summary)
    }
}

/// `a/b` -> `a/b/`; `/` and empty -> empty.
fn normalized(prefix: &str) -> String {
    let trimmed = prefix.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        trimmed.to_string()
    } else {
        format!("{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_folders() {
        assert_eq!(normalized(""), "");
        assert_eq!(normalized("/"), "");
        assert_eq!(normalized("app"), "app/");
        assert_eq!(normalized("app/"), "app/");
    }

    #[test]
    fn rate_limits_and_server_errors_are_retried_permission_is_not() {
        assert!(retryable(&VaultError::RateLimited { path: "x".into() }));
        assert!(retryable(&VaultError::Server {
            status: 503,
            path: "x".into(),
            errors: vec![]
        }));
        assert!(!retryable(&VaultError::PermissionDenied {
            path: "x".into(),
            operation: crate::vault::Operation::List
        }));
    }

    #[test]
    fn rate_limits_are_waited_out_longer_than_server_errors() {
        let limited = VaultError::RateLimited { path: "x".into() };
        let broken = VaultError::Server {
            status: 500,
            path: "x".into(),
            errors: vec![],
        };
        assert!(retry_after(&broken, RETRIES - 1, 0).is_some());
        assert!(retry_after(&broken, RETRIES, 0).is_none());
        assert!(retry_after(&limited, RETRIES, 0).is_some());
        assert!(retry_after(&limited, RATE_LIMIT_RETRIES, 0).is_none());
        let longest = (0..RATE_LIMIT_RETRIES)
            .filter_map(|attempt| retry_after(&limited, attempt, 7))
            .max()
            .unwrap();
        assert!(longest <= LONGEST_PAUSE + Duration::from_millis(100));
        let total: Duration = (0..RATE_LIMIT_RETRIES)
            .filter_map(|attempt| retry_after(&limited, attempt, 7))
            .sum();
        assert!(total >= Duration::from_secs(100), "{total:?}");
    }
}
