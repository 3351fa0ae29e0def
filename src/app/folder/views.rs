//! The stages' state after the prompt: planning, the plan, a run, its report, a comparison and
//! a search.

use super::*;

/// Waiting for the plan, or for a walk (export, diff) to get going.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Working {
    pub secrets: usize,
    pub folders: usize,
    /// Target states (or values) looked at, of how many.
    pub checked: Option<(usize, usize)>,
}

/// What to do with targets that already exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExistingChoice {
    #[default]
    Skip,
    Overwrite,
    Abort,
}

impl ExistingChoice {
    pub fn label(self) -> &'static str {
        match self {
            ExistingChoice::Skip => "skip them",
            ExistingChoice::Overwrite => "overwrite (check-and-set against what the plan saw)",
            ExistingChoice::Abort => "abort: write nothing",
        }
    }

    pub(super) fn next(self) -> Self {
        match self {
            ExistingChoice::Skip => ExistingChoice::Overwrite,
            ExistingChoice::Overwrite => ExistingChoice::Abort,
            ExistingChoice::Abort => ExistingChoice::Skip,
        }
    }
}

/// The plan, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanView {
    pub plan: SharedPlan,
    /// The plan's counts, counted once (a frame costs what is on screen, not the plan's size).
    pub counts: PlanCounts,
    /// The target as the user named it (with its profile).
    pub target: String,
    pub existing: ExistingChoice,
    /// Versions to replay for the targets that do not exist (what a run that skips existing
    /// targets writes), counted once.
    pub versions_new: usize,
    /// Of the secrets left out, those the token may not write (or delete), counted once.
    pub unwritable: usize,
    /// Of the secrets left out, those whose latest version is deleted or destroyed.
    pub gone: usize,
    /// Row under the cursor (notes first, then items).
    pub cursor: usize,
    /// The question before a delete (the path typed) or an overwrite.
    pub question: Option<Question>,
}

impl PlanView {
    pub fn new(plan: SharedPlan, target: String) -> Self {
        let versions_new = plan
            .items
            .iter()
            .filter(|item| !item.target.exists())
            .map(|item| item.versions.len())
            .sum();
        let unwritable = plan
            .unreadable
            .iter()
            .filter(|u| crate::vault::jobs::is_unwritable(u))
            .count();
        let gone = plan
            .unreadable
            .iter()
            .filter(|u| crate::vault::folder::is_latest_gone(&u.reason))
            .count();
        Self {
            counts: plan.counts(),
            plan,
            target,
            existing: ExistingChoice::Skip,
            versions_new,
            unwritable,
            gone,
            cursor: 0,
            question: None,
        }
    }

    /// Versions a run writes with the choice made for existing targets.
    pub fn versions_replayed(&self) -> usize {
        if self.counts.existing == 0 {
            return self.counts.versions;
        }
        match self.existing {
            ExistingChoice::Skip => self.versions_new,
            ExistingChoice::Overwrite => self.counts.versions,
            ExistingChoice::Abort => 0,
        }
    }

    /// Secrets a run writes (or deletes) with the choice made for existing targets.
    pub fn secrets_written(&self) -> usize {
        let c = self.counts;
        if self.plan.kind == PlanKind::Delete {
            return c.items;
        }
        match self.existing {
            _ if c.existing == 0 => c.items,
            ExistingChoice::Skip => c.items - c.existing,
            ExistingChoice::Overwrite => c.items,
            ExistingChoice::Abort => 0,
        }
    }

    /// Rows: the folders skipped and the secrets unreadable (named), then every item.
    pub fn rows(&self) -> usize {
        self.plan.unlistable.len() + self.plan.unreadable.len() + self.plan.items.len()
    }
}

/// A run (or an export) going on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    /// The plan being run (`None` for an export).
    pub plan: Option<SharedPlan>,
    pub done: usize,
    pub total: usize,
    /// The last secret finished.
    pub path: String,
    pub failed: usize,
    /// An export walking its tree before the first secret is written: secrets found so far.
    pub listed: usize,
    /// `App::clock` when it started: rate and time left are counted from it.
    pub started: Duration,
    /// Esc was pressed: no new secret starts; the report follows.
    pub stopping: bool,
}

impl Running {
    /// Secrets per second so far (`None` until one is done).
    pub fn rate(&self, clock: Duration) -> Option<f64> {
        let elapsed = clock.saturating_sub(self.started).as_secs_f64();
        (self.done > 0 && elapsed > 0.0).then(|| self.done as f64 / elapsed)
    }

    /// Time left at the rate so far.
    pub fn time_left(&self, clock: Duration) -> Option<Duration> {
        let rate = self.rate(clock)?;
        let left = self.total.saturating_sub(self.done) as f64 / rate;
        Some(Duration::from_secs_f64(left.min(1e7)))
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportView {
    pub plan: SharedPlan,
    pub report: Report,
    /// Counted once.
    pub counts: ReportCounts,
    /// Item indices in the order shown: failed, conflicts, skipped, done, then not started.
    pub order: Vec<usize>,
    pub cursor: usize,
    /// The server stopped accepting the token during the run: why, in words.
    pub token: Option<String>,
}

impl ReportView {
    pub(super) fn new(plan: SharedPlan, report: Report) -> Self {
        // What needs a look first; what was never started (a stop) last.
        let rank = |outcome: &ItemOutcome| match outcome {
            ItemOutcome::Failed(_) => 0,
            ItemOutcome::Conflict(_) => 1,
            ItemOutcome::Skipped(SkipReason::Cancelled) => 4,
            ItemOutcome::Skipped(_) => 2,
            ItemOutcome::Done { .. } => 3,
        };
        let mut order: Vec<usize> = (0..report.items.len()).collect();
        order.sort_by_key(|&i| rank(&report.items[i].outcome));
        Self {
            plan,
            counts: report.counts(),
            report,
            order,
            cursor: 0,
            token: None,
        }
    }

    pub fn rows(&self) -> usize {
        self.report.unlistable.len() + self.report.unreadable.len() + self.order.len()
    }
}

/// One row of a tree comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffRow {
    OnlyLeft(usize),
    OnlyRight(usize),
    /// A secret on both sides that differs (index into `changed`).
    Secret(usize),
    Added(usize, usize),
    Removed(usize, usize),
    Changed(usize, usize),
    Unlistable(usize),
    Unreadable(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffView {
    /// The other side as the user named it.
    pub right: String,
    pub diff: TreeDiff,
    pub rows: Vec<DiffRow>,
    pub cursor: usize,
    /// The changed pair shown in clear (only ever the selected row).
    pub revealed: Option<usize>,
}

impl DiffView {
    pub(super) fn new(right: String, diff: TreeDiff) -> Self {
        let mut rows: Vec<DiffRow> = Vec::new();
        rows.extend((0..diff.unlistable.len()).map(DiffRow::Unlistable));
        rows.extend((0..diff.unreadable.len()).map(DiffRow::Unreadable));
        rows.extend((0..diff.only_left.len()).map(DiffRow::OnlyLeft));
        rows.extend((0..diff.only_right.len()).map(DiffRow::OnlyRight));
        for (s, secret) in diff.changed.iter().enumerate() {
            rows.push(DiffRow::Secret(s));
            rows.extend((0..secret.added.len()).map(|k| DiffRow::Added(s, k)));
            rows.extend((0..secret.removed.len()).map(|k| DiffRow::Removed(s, k)));
            rows.extend((0..secret.changed.len()).map(|k| DiffRow::Changed(s, k)));
        }
        Self {
            right,
            diff,
            rows,
            cursor: 0,
            revealed: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchState {
    Searching {
        secrets: usize,
        checked: Option<(usize, usize)>,
    },
    Done(GrepSummary),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchView {
    /// How many characters were searched for (the string itself is not kept on screen).
    pub needle_chars: usize,
    pub matches: Vec<GrepMatch>,
    pub cursor: usize,
    /// The match shown in clear (only ever the selected one).
    pub revealed: Option<usize>,
    pub state: SearchState,
    pub stopping: bool,
}
