//! Folders as first-class things: copy, move, delete, export and import whole subtrees, diff two
//! trees and search values in one.
//!
//! Every operation that writes goes in two steps:
//! 1. **plan** ([`plan_copy`], [`plan_move`], [`plan_delete`], [`plan_import`]): the source tree is
//!    walked (the crawl: server-side scan or a concurrent LIST walk), the target is listed, and each
//!    existing target's state is read (KV v2: its current version; KV v1: a keyed fingerprint of
//!    its data). The [`Plan`] holds paths, versions and fingerprints only, never a value, so it
//!    stays small whatever the secrets hold.
//! 2. **run** ([`run`]): values stream from source to target, 16 secrets at a time, each written
//!    with check-and-set against what the plan saw; every item ends in the [`Report`].
//!
//! Pure planning logic (path mapping, overlap checks, version replay steps, retry plans) lives in
//! [`plan`] and is tested without a server; the I/O is in `engine`, `export` and `compare`.

mod compare;
mod engine;
mod export;
pub mod plan;

pub use compare::{ChangedKey, GrepMatch, GrepSummary, SecretDiff, TreeDiff, diff, grep};
pub use engine::{plan_copy, plan_delete, plan_import, plan_move, run};
pub use export::{EXPORT_FORMAT, EXPORT_VERSION, ExportOptions, ExportSummary, export};

use super::{MountInfo, VaultClient, VaultError};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Secrets handled at once by a run (and target states checked at once by a plan), like the crawl.
pub const DEFAULT_CONCURRENCY: usize = crate::vault::crawl::DEFAULT_CONCURRENCY;

/// One end of an operation: a folder on one server (a client carries the address, token and
/// namespace, so two `TreeRef`s may be on two profiles), in one mount.
#[derive(Debug, Clone)]
pub struct TreeRef {
    pub client: VaultClient,
    pub mount: MountInfo,
    /// The folder below the mount: `""` (the mount's root) or a path ending in `/`.
    pub prefix: String,
}

impl TreeRef {
    /// `prefix` is normalised to a folder (`app` -> `app/`, `/` -> ``).
    pub fn new(client: VaultClient, mount: MountInfo, prefix: &str) -> Self {
        Self {
            client,
            mount,
            prefix: plan::folder(prefix),
        }
    }

    /// `mount/prefix` as users type it (`secret/app/`).
    pub fn display(&self) -> String {
        format!("{}{}", self.mount.path, self.prefix)
    }

    /// The path below the mount of the secret at `relative` below the prefix.
    pub fn path_of(&self, relative: &str) -> String {
        format!("{}{relative}", self.prefix)
    }

    /// `mount/prefix/relative`, for messages.
    pub fn display_of(&self, relative: &str) -> String {
        format!("{}{}{relative}", self.mount.path, self.prefix)
    }

    /// KV v2 (versions, check-and-set, metadata); anything else is written like KV v1.
    pub fn is_v2(&self) -> bool {
        matches!(
            self.mount.engine,
            super::SecretEngine::Kv(super::KvVersion::V2)
        )
    }

    /// The same server and namespace (same address, same namespace): used to refuse a copy or
    /// move of a tree into itself.
    pub fn same_server(&self, other: &TreeRef) -> bool {
        self.client.base() == other.client.base()
            && self.client.namespace() == other.client.namespace()
    }
}

/// What to carry over and how hard to work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    /// KV v2 to KV v2: replay every version oldest first (deleted and destroyed versions are
    /// reproduced as placeholders deleted or destroyed in turn: the server never serves their
    /// data). Otherwise only the latest data is copied.
    pub all_versions: bool,
    /// KV v2 to KV v2: copy the custom metadata too (it comes with the data read, so it costs a
    /// request only for secrets that have some).
    pub custom_metadata: bool,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            all_versions: false,
            custom_metadata: true,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// What the operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    Copy,
    /// Copy, read the target back, and delete the source (KV v2: metadata and every version)
    /// only when the target reads back equal.
    Move,
    /// Delete every secret of the target tree (KV v2: metadata and every version).
    Delete,
    /// Write the secrets of an export file.
    Import,
}

/// Where the values come from.
#[derive(Debug, Clone)]
// One per plan: the size of a client inline costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum Origin {
    /// Copy and move.
    Tree(TreeRef),
    /// Import: the file is read again at run time (values are not kept in the plan).
    File(PathBuf),
    /// Delete: nothing is written.
    Nothing,
}

/// What is at a target path (for a delete: at the path to delete) when the plan looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    /// Nothing: written with check-and-set 0 (KV v2) or after a read that finds nothing (KV v1).
    Absent,
    /// KV v2: a secret whose current version is `current` (it may be a deleted version). An
    /// overwrite sends `cas = current`; a delete first checks that `current` is still current.
    Versioned { current: u64 },
    /// KV v1 / cubbyhole: a secret with this data (a keyed fingerprint, never the value; `None`
    /// when the token may list but not read it: it is then never overwritten).
    Present { fingerprint: Option<u64> },
    /// The target folder could not be listed: the run finds out (check-and-set 0 or a read).
    Unknown,
}

impl TargetState {
    pub fn exists(&self) -> bool {
        matches!(
            self,
            TargetState::Versioned { .. } | TargetState::Present { .. }
        )
    }
}

/// How one source version is reproduced on the target (with `all_versions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionStep {
    /// Read and written as a new version.
    Live(u64),
    /// Soft-deleted on the source: its data cannot be read, so an empty placeholder version is
    /// written and soft-deleted on the target.
    Deleted(u64),
    /// Destroyed on the source: an empty placeholder is written and destroyed on the target.
    Destroyed(u64),
}

impl VersionStep {
    pub fn version(&self) -> u64 {
        match self {
            VersionStep::Live(v) | VersionStep::Deleted(v) | VersionStep::Destroyed(v) => *v,
        }
    }
}

/// One secret of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    /// Below both the source and the target prefix (`db`, `team/a b/ключ`).
    pub relative: String,
    /// What is at the target (for a delete: the secret to delete) as the plan saw it.
    pub target: TargetState,
    /// With `all_versions` from a KV v2 source: every version, oldest first. Empty otherwise
    /// (the latest data is read at run time).
    pub versions: Vec<VersionStep>,
}

/// A secret the plan could not look at (its target state, or its versions with `all_versions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Full path (`secret/app/db`).
    pub path: String,
    /// The client's error, worded (names paths and operations, never a value).
    pub reason: String,
}

/// How the reason of a secret left out because its latest version is deleted or destroyed ends
/// (see [`is_latest_gone`]).
const LATEST_GONE: &str = ": nothing to copy";

/// The reason a plan gives for a KV v2 secret whose latest version (`why`: "the latest version
/// (v3) is deleted") has no data, when only the latest data would be copied.
pub fn latest_gone_reason(why: &str, into_v2: bool) -> String {
    let history = if into_v2 {
        "every version (--all-versions) copies its history"
    } else {
        "KV v1 keeps only the latest data"
    };
    format!("{why}, its data cannot be read; {history}{LATEST_GONE}")
}

/// Whether a plan's left-out reason says the secret's latest version is deleted or destroyed
/// (not a permission the token lacks).
pub fn is_latest_gone(reason: &str) -> bool {
    reason.ends_with(LATEST_GONE)
}

/// Everything an operation will do, before anything is written. No values.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: PlanKind,
    pub origin: Origin,
    /// Where secrets are written (for a delete: the tree that is deleted).
    pub target: TreeRef,
    pub options: PlanOptions,
    /// Sorted by `relative`.
    pub items: Vec<PlanItem>,
    /// Folders the token could not list (full paths, on the source or, for a delete, the
    /// target): their secrets are not in the plan.
    pub unlistable: Vec<String>,
    /// Secrets the plan could not inspect: not in `items`, and named in the report.
    pub unreadable: Vec<Unreadable>,
    /// The key of the KV v1 fingerprints (random per plan; never leaves the process).
    pub(crate) fingerprints: std::hash::RandomState,
}

impl Plan {
    /// A plan from its parts (fingerprints keyed afresh): for screens and tests that show plans.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: PlanKind,
        origin: Origin,
        target: TreeRef,
        options: PlanOptions,
        items: Vec<PlanItem>,
        unlistable: Vec<String>,
        unreadable: Vec<Unreadable>,
    ) -> Plan {
        Plan {
            kind,
            origin,
            target,
            options,
            items,
            unlistable,
            unreadable,
            fingerprints: std::hash::RandomState::new(),
        }
    }
}

/// Counts for a plan's summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanCounts {
    pub items: usize,
    /// Targets that do not exist yet.
    pub new: usize,
    /// Targets that exist (skipped unless overwriting).
    pub existing: usize,
    /// Targets whose state the run finds out (the target folder could not be listed).
    pub unknown: usize,
    /// Versions to replay with `all_versions` (placeholders included).
    pub versions: usize,
    pub unlistable: usize,
    pub unreadable: usize,
}

impl Plan {
    pub fn counts(&self) -> PlanCounts {
        plan::counts(self)
    }

    /// Full source path of an item (`secret/app/db`), or the file for an import.
    pub fn source_display(&self, item: &PlanItem) -> String {
        match &self.origin {
            Origin::Tree(source) => source.display_of(&item.relative),
            Origin::File(file) => format!("{}:{}", file.display(), item.relative),
            Origin::Nothing => self.target.display_of(&item.relative),
        }
    }

    /// Full target path of an item.
    pub fn target_display(&self, item: &PlanItem) -> String {
        self.target.display_of(&item.relative)
    }

    /// The same plan with only the items for which `keep` says yes (retrying, or a UI that
    /// lets the user leave some out). Unlistable and unreadable notes are dropped.
    pub fn restricted(&self, keep: impl Fn(&PlanItem) -> bool) -> Plan {
        Plan {
            items: self.items.iter().filter(|i| keep(i)).cloned().collect(),
            unlistable: Vec::new(),
            unreadable: Vec::new(),
            ..self.clone()
        }
    }
}

/// What the user chose for targets that already exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Existing {
    /// Leave them, and report them as skipped (exit 4 on the command line).
    #[default]
    Skip,
    /// Overwrite with check-and-set against the version the plan saw (KV v1: only if its data
    /// still has the fingerprint the plan saw).
    Overwrite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Choices {
    pub existing: Existing,
}

/// Stops a run between secrets. Clone it, hand one to [`run`], call [`CancelToken::cancel`] on
/// the other (Esc): secrets in flight are finished (a secret, with all its versions, is one
/// unit), no new one is started, and the rest are reported as skipped (cancelled).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<(AtomicBool, tokio::sync::Notify)>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }
}

/// What planning and running report as they go (an unbounded channel: the sender never waits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Planning: walking the source (or target) tree; running totals.
    Listing { secrets: usize, folders: usize },
    /// Planning: target states (and versions) looked at so far, of `total`.
    Checking { checked: usize, total: usize },
    /// Running: `done` of `total` secrets finished; `path` (full target path, or the deleted
    /// one) is the one that just finished, and how.
    Item {
        done: usize,
        total: usize,
        path: String,
        outcome: OutcomeKind,
    },
}

/// The outcome of one item without its reason (for progress events and counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    Done,
    Skipped,
    Conflict,
    Failed,
}

/// Why an item was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The target exists and the choice was to skip existing targets.
    Exists,
    /// The token may not check the target (a KV v1 target it may not read), so it was not
    /// written; the reason says which permission.
    Policy(String),
    /// The run was cancelled before this item was started: nothing of it was written.
    Cancelled,
}

/// How one item ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Written (and for a move, read back equal and the source deleted; for a delete, deleted).
    /// `version`: the target's new current version (KV v2).
    Done {
        version: Option<u64>,
    },
    Skipped(SkipReason),
    /// The target changed after the plan (or appeared): left as it is.
    Conflict(String),
    /// Something went wrong; the reason names the path and operation, never a value. For a
    /// move, says whether the target was written and the source kept.
    Failed(String),
}

impl ItemOutcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            ItemOutcome::Done { .. } => OutcomeKind::Done,
            ItemOutcome::Skipped(_) => OutcomeKind::Skipped,
            ItemOutcome::Conflict(_) => OutcomeKind::Conflict,
            ItemOutcome::Failed(_) => OutcomeKind::Failed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReport {
    pub relative: String,
    pub outcome: ItemOutcome,
}

/// Every item of a plan, how it ended (in the plan's order), plus the plan's unlistable and
/// unreadable notes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub items: Vec<ItemReport>,
    pub cancelled: bool,
    pub unlistable: Vec<String>,
    pub unreadable: Vec<Unreadable>,
}

/// Report counts per outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportCounts {
    pub done: usize,
    /// Of which existing targets left alone.
    pub skipped_existing: usize,
    pub skipped_policy: usize,
    pub cancelled: usize,
    pub conflicts: usize,
    pub failed: usize,
}

impl Report {
    pub fn counts(&self) -> ReportCounts {
        plan::report_counts(self)
    }

    /// "Retry the failed ones": the plan's items that failed, as a new plan (their target state
    /// as first planned: a write that failed but landed shows up as a conflict, not an
    /// overwrite).
    pub fn retry_plan(&self, plan: &Plan) -> Plan {
        plan::retry_plan(plan, self)
    }

    /// Everything asked was done: no failure, conflict, cancellation, unlistable folder or
    /// unreadable secret (existing targets skipped are counted apart).
    pub fn complete(&self) -> bool {
        let c = self.counts();
        c.failed == 0
            && c.conflicts == 0
            && c.cancelled == 0
            && c.skipped_policy == 0
            && self.unlistable.is_empty()
            && self.unreadable.is_empty()
    }
}

/// What stops an operation before any item ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A copy or move of a tree into itself (or of a tree into one of its own folders).
    #[error("{from} and {into} overlap: a tree cannot be copied or moved into itself")]
    Overlap { from: String, into: String },
    /// Nothing to work on: the source folder is empty or does not exist.
    #[error("{0}: no secrets there (no such folder, or it is empty)")]
    Empty(String),
    /// The export file exists (and `force` was not given), or a file could not be read or
    /// written.
    #[error("{0}")]
    File(String),
    /// An import file that is not a tresor export (or of a newer format).
    #[error("{path}: not a tresor export: {reason}")]
    Format { path: String, reason: String },
    /// Only KV (v1, v2) and cubbyhole mounts hold key/value secrets.
    #[error("{0} is not a key/value mount")]
    NotKv(String),
    /// A move from KV v2 to a mount without history would delete what cannot go along. The
    /// message names every secret and what it would lose, one a line.
    #[error(
        "{into} keeps only the latest data: a move would delete, with their source, what {} \
         cannot take along; copy instead (tresor cp -r, or c), then delete the source yourself \
         if that is what you want:{}",
        crate::ui::text::count(lost.len(), "secret", "secrets"),
        lost.iter().map(|l| format!("\n  {l}")).collect::<String>()
    )]
    LossyMove { into: String, lost: Vec<Lost> },
}

/// A KV v2 secret that has more than a KV v1 target keeps (its latest data), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    /// Full source path (`secret/app/db`).
    pub path: String,
    /// Versions older than the latest (deleted and destroyed ones included).
    pub older_versions: usize,
    /// Keys of custom metadata.
    pub custom_metadata: usize,
}

impl std::fmt::Display for Lost {
    /// `secret/app/db: 3 older versions, custom metadata (2 keys)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::ui::text::count;
        let mut what = Vec::new();
        if self.older_versions > 0 {
            what.push(count(
                self.older_versions,
                "older version",
                "older versions",
            ));
        }
        if self.custom_metadata > 0 {
            what.push(format!(
                "custom metadata ({})",
                count(self.custom_metadata, "key", "keys")
            ));
        }
        write!(f, "{}: {}", self.path, what.join(", "))
    }
}
