//! Export a subtree to a JSON file, and read one back for an import.
//!
//! The format (README "Export file format"), one secret a line:
//! ```json
//! {"format":"tresor-export","version":1,"mount":{"path":"secret/","type":"kv","kv_version":2},"prefix":"app/","secrets":[
//! {"path":"db","data":{"password":"…"},"custom_metadata":{"owner":"me"}},
//! {"path":"team/x","data":{"k":"v"},"versions":[{"version":1,"state":"live","data":{"k":"old"}},{"version":2,"state":"deleted"},{"version":3,"state":"live","data":{"k":"v"}}]}
//! ]}
//! ```
//! `data` is the secret's JSON object exactly as the server sent it (nested JSON, numbers and
//! unicode untouched); an import writes those bytes back, so export -> import -> export gives
//! the same `secrets` lines byte for byte.

use super::engine::{RawSecret, read_raw, walk};
use super::{CancelToken, FolderError, Progress, TreeRef, Unreadable, VersionStep};
use crate::vault::crawl::with_retries;
use crate::vault::{KvVersion, SecretEngine, VaultError};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use tokio::sync::mpsc::UnboundedSender;
use zeroize::Zeroizing;

/// The `format` field of every export file.
pub const EXPORT_FORMAT: &str = "tresor-export";
/// The `version` field this build writes (and the newest it reads).
pub const EXPORT_VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// KV v2: every version (data of live versions; deleted and destroyed ones noted).
    pub all_versions: bool,
    /// KV v2: the custom metadata.
    pub custom_metadata: bool,
    /// Replace an existing file (else it is refused: the file is created with O_EXCL).
    pub force: bool,
    pub concurrency: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            all_versions: false,
            custom_metadata: true,
            force: false,
            concurrency: super::DEFAULT_CONCURRENCY,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportSummary {
    /// Secrets written to the file.
    pub secrets: usize,
    pub unlistable: Vec<String>,
    pub unreadable: Vec<Unreadable>,
    /// Cancelled: the file was removed.
    pub cancelled: bool,
}

fn file_error(file: &Path, error: &std::io::Error) -> FolderError {
    FolderError::File(format!("{}: {error}", file.display()))
}

/// Opens the export file: mode 0600, refused if it exists unless `force`.
fn create(file: &Path, force: bool) -> Result<std::fs::File, FolderError> {
    let mut options = std::fs::OpenOptions::new();
    crate::platform::private(options.write(true));
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let opened = options.open(file).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            FolderError::File(format!(
                "{}: the file exists; nothing was written (--force replaces it)",
                file.display()
            ))
        } else {
            file_error(file, &error)
        }
    })?;
    // A replaced file keeps its old mode: made private before anything is written.
    crate::platform::make_private(file).map_err(|e| file_error(file, &e))?;
    Ok(opened)
}

/// One secret's line, or why it could not be read.
async fn secret_line(
    tree: &TreeRef,
    relative: &str,
    options: ExportOptions,
) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
    let path = tree.path_of(relative);
    let latest = read_raw(tree, &path, None).await?;
    let mut line = Zeroizing::new(Vec::with_capacity(
        latest.data.as_ref().map_or(0, |d| d.len()) * 2 + 64,
    ));
    line.extend_from_slice(b"{\"path\":");
    serde_json::to_writer(&mut *line, relative).map_err(|e| VaultError::Decode {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    line.extend_from_slice(b",\"data\":");
    match &latest.data {
        Some(data) => line.extend_from_slice(data),
        None if !options.all_versions => return Ok(None),
        None => line.extend_from_slice(b"null"),
    }
    if options.custom_metadata
        && let Some(custom) = &latest.custom_metadata
    {
        line.extend_from_slice(b",\"custom_metadata\":");
        line.extend_from_slice(custom);
    }
    if options.all_versions && tree.is_v2() {
        let client = &tree.client;
        let metadata =
            with_retries(client, &path, || client.read_metadata(&tree.mount, &path)).await?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        line.extend_from_slice(b",\"versions\":[");
        for (index, step) in super::plan::version_steps(&metadata, now)
            .iter()
            .enumerate()
        {
            if index > 0 {
                line.push(b',');
            }
            let version = step.version();
            let read = match step {
                VersionStep::Live(v) => Some(read_raw(tree, &path, Some(*v)).await?),
                _ => None,
            };
            let (state, data) = match (step, read) {
                (VersionStep::Live(_), Some(RawSecret { data: Some(d), .. })) => ("live", Some(d)),
                (VersionStep::Destroyed(_), _)
                | (
                    _,
                    Some(RawSecret {
                        destroyed: true, ..
                    }),
                ) => ("destroyed", None),
                _ => ("deleted", None),
            };
            line.extend_from_slice(
                format!("{{\"version\":{version},\"state\":\"{state}\"").as_bytes(),
            );
            if let Some(data) = data {
                line.extend_from_slice(b",\"data\":");
                line.extend_from_slice(&data);
            }
            line.push(b'}');
        }
        line.push(b']');
    }
    line.push(b'}');
    Ok(Some(line))
}

/// Writes every secret below `tree` to `file` (sorted by path, 16 read at once, written in
/// order as they come: memory does not grow with the tree). A cancelled or failed export
/// removes the file.
pub async fn export(
    tree: &TreeRef,
    file: &Path,
    options: ExportOptions,
    progress: Option<&UnboundedSender<Progress>>,
    cancel: &CancelToken,
) -> Result<ExportSummary, FolderError> {
    if !tree.mount.engine.is_browsable() {
        return Err(FolderError::NotKv(tree.mount.path.clone()));
    }
    let walked = walk(tree, options.concurrency, progress).await?;
    if walked.relative.is_empty() && walked.unlistable.is_empty() {
        return Err(FolderError::Empty(tree.display()));
    }
    let opened = create(file, options.force)?;
    let result = write_all(
        tree,
        file,
        opened,
        &walked.relative,
        options,
        progress,
        cancel,
    )
    .await;
    match result {
        Ok((secrets, unreadable, cancelled)) => {
            if cancelled {
                let _ = std::fs::remove_file(file);
            }
            Ok(ExportSummary {
                secrets,
                unlistable: walked.unlistable,
                unreadable,
                cancelled,
            })
        }
        Err(error) => {
            let _ = std::fs::remove_file(file);
            Err(error)
        }
    }
}

async fn write_all(
    tree: &TreeRef,
    file: &Path,
    opened: std::fs::File,
    relative: &[String],
    options: ExportOptions,
    progress: Option<&UnboundedSender<Progress>>,
    cancel: &CancelToken,
) -> Result<(usize, Vec<Unreadable>, bool), FolderError> {
    let mut out = std::io::BufWriter::new(opened);
    let (kind, kv_version) = match &tree.mount.engine {
        SecretEngine::Kv(KvVersion::V2) => ("kv", 2),
        SecretEngine::Kv(KvVersion::V1) => ("kv", 1),
        _ => ("cubbyhole", 1),
    };
    let header = serde_json::json!({
        "mount": {"path": tree.mount.path, "type": kind, "kv_version": kv_version},
        "prefix": tree.prefix,
    });
    let io = |e: std::io::Error| file_error(file, &e);
    write!(
        out,
        "{{\"format\":\"{EXPORT_FORMAT}\",\"version\":{EXPORT_VERSION},\"mount\":{},\"prefix\":{},\"secrets\":[",
        header["mount"], header["prefix"]
    )
    .map_err(io)?;
    let total = relative.len();
    let mut lines = futures_util::stream::iter((0..total).map(|index| async move {
        let relative = &relative[index];
        if cancel.is_cancelled() {
            return (relative, None);
        }
        (relative, Some(secret_line(tree, relative, options).await))
    }))
    .buffered(options.concurrency.max(1));
    let (mut written, mut done, mut unreadable, mut cancelled) = (0, 0, Vec::new(), false);
    while let Some((relative, line)) = lines.next().await {
        done += 1;
        let outcome = match line {
            None => {
                cancelled = true;
                break;
            }
            Some(Ok(Some(line))) => {
                out.write_all(if written == 0 { b"\n" } else { b",\n" })
                    .and_then(|()| out.write_all(&line))
                    .map_err(io)?;
                written += 1;
                super::OutcomeKind::Done
            }
            Some(Ok(None)) => {
                unreadable.push(Unreadable {
                    path: tree.display_of(relative),
                    reason: "its latest version is deleted or destroyed (--all-versions keeps \
                             the history)"
                        .into(),
                });
                super::OutcomeKind::Skipped
            }
            Some(Err(error)) => {
                unreadable.push(Unreadable {
                    path: tree.display_of(relative),
                    reason: error.to_string(),
                });
                super::OutcomeKind::Failed
            }
        };
        if let Some(sender) = progress {
            let _ = sender.send(Progress::Item {
                done,
                total,
                path: tree.display_of(relative),
                outcome,
            });
        }
    }
    drop(lines);
    out.write_all(b"\n]}\n").map_err(io)?;
    out.flush().map_err(io)?;
    out.get_ref().sync_all().map_err(io)?;
    Ok((written, unreadable, cancelled))
}

/// An export file read into memory (wiped on drop), parsed on demand without copying values.
pub(super) struct ImportFile {
    path: String,
    bytes: Zeroizing<Vec<u8>>,
}

#[derive(Deserialize)]
pub(super) struct Parsed<'a> {
    format: Cow<'a, str>,
    version: u64,
    #[serde(borrow)]
    pub secrets: Vec<FileSecret<'a>>,
}

#[derive(Deserialize)]
pub(super) struct FileSecret<'a> {
    #[serde(borrow)]
    pub path: Cow<'a, str>,
    #[serde(borrow)]
    data: &'a RawValue,
    #[serde(borrow, default)]
    custom_metadata: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub versions: Vec<FileVersion<'a>>,
}

#[derive(Deserialize)]
pub(super) struct FileVersion<'a> {
    version: u64,
    state: Cow<'a, str>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

fn owned(raw: Option<&RawValue>) -> Option<Zeroizing<Vec<u8>>> {
    raw.filter(|r| r.get() != "null")
        .map(|r| Zeroizing::new(r.get().as_bytes().to_vec()))
}

impl FileSecret<'_> {
    /// The latest data, or one version's, as a read from the server would give it.
    pub fn raw(&self, version: Option<u64>) -> RawSecret {
        let custom_metadata = owned(self.custom_metadata).filter(|c| c.as_slice() != b"{}");
        match version {
            None => RawSecret {
                data: owned(Some(self.data)),
                destroyed: false,
                custom_metadata,
            },
            Some(wanted) => {
                let found = self.versions.iter().find(|v| v.version == wanted);
                RawSecret {
                    data: found.and_then(|v| owned(v.data)),
                    destroyed: found.is_some_and(|v| v.state == "destroyed"),
                    custom_metadata,
                }
            }
        }
    }

    /// The file's versions as replay steps, oldest first.
    pub fn steps(&self) -> Vec<VersionStep> {
        let mut steps: Vec<VersionStep> = self
            .versions
            .iter()
            .map(|v| match v.state.as_ref() {
                "live" if v.data.is_some() => VersionStep::Live(v.version),
                "destroyed" => VersionStep::Destroyed(v.version),
                _ => VersionStep::Deleted(v.version),
            })
            .collect();
        steps.sort_by_key(VersionStep::version);
        steps
    }
}

impl ImportFile {
    pub fn load(file: &Path) -> Result<Self, FolderError> {
        let bytes = std::fs::read(file).map_err(|e| file_error(file, &e))?;
        Ok(Self {
            path: file.display().to_string(),
            bytes: Zeroizing::new(bytes),
        })
    }

    pub fn parse(&self) -> Result<Parsed<'_>, FolderError> {
        let format_error = |reason: String| FolderError::Format {
            path: self.path.clone(),
            reason,
        };
        let parsed: Parsed = serde_json::from_slice(&self.bytes).map_err(|e| {
            // serde_json's message may quote the text it choked on: only its place is said.
            format_error(format!(
                "{:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        if parsed.format != EXPORT_FORMAT {
            return Err(format_error(format!("the format is {:?}", parsed.format)));
        }
        if parsed.version > EXPORT_VERSION {
            return Err(format_error(format!(
                "format version {} is newer than this tresor reads ({EXPORT_VERSION})",
                parsed.version
            )));
        }
        for secret in &parsed.secrets {
            if !secret.data.get().starts_with('{') && secret.data.get() != "null" {
                return Err(format_error(format!(
                    "the data of {:?} is not an object",
                    secret.path
                )));
            }
        }
        Ok(parsed)
    }
}
