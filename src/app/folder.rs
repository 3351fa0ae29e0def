//! Folders on screen (issue 17): copy, move, delete, export and import a folder, compare it with
//! another tree, and search the values below it. One screen goes through the stages of a job:
//! a prompt (the target, a file, the other side or the string), the work (planning, walking),
//! the plan (nothing is written before the user confirms it), the progress of the run, and the
//! report. The engine is `vault::folder`; the runtime runs it and sends its progress back as
//! actions carrying the job's number (answers for another job are dropped).

use super::action::Effect;
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Modal, StatusKind};
use super::tree::NodeKind;
use crate::secret::SecretText;
use crate::vault::folder::{
    self, Choices, Existing, ExportOptions, ExportSummary, FolderError, GrepMatch, GrepSummary,
    ItemOutcome, OutcomeKind, PlanCounts, PlanKind, PlanOptions, Progress, Report, ReportCounts,
    SkipReason, TreeDiff,
};
use crate::vault::jobs::{FolderRequest, JobId, SharedPlan, TreeSpec};
use crossterm::event::KeyEvent;
use std::path::PathBuf;
use std::time::Duration;

/// What the screen was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderOp {
    Copy,
    Move,
    Delete,
    Export,
    Import,
    Diff,
    Search,
}

impl FolderOp {
    pub fn title(self) -> &'static str {
        match self {
            FolderOp::Copy => "Copy folder",
            FolderOp::Move => "Move folder",
            FolderOp::Delete => "Delete folder",
            FolderOp::Export => "Export folder",
            FolderOp::Import => "Import into folder",
            FolderOp::Diff => "Compare folders",
            FolderOp::Search => "Search values",
        }
    }

    /// The prompt's fields, in Tab order (the first is the text field).
    pub fn fields(self) -> &'static [PromptField] {
        use PromptField::*;
        match self {
            FolderOp::Copy | FolderOp::Move => {
                &[Input, Profile, Namespace, AllVersions, CustomMetadata]
            }
            FolderOp::Diff => &[Input, Profile, Namespace],
            FolderOp::Export | FolderOp::Import => &[Input, AllVersions, CustomMetadata],
            FolderOp::Search | FolderOp::Delete => &[Input],
        }
    }

    /// What the text field holds.
    pub fn input_label(self) -> &'static str {
        match self {
            FolderOp::Copy | FolderOp::Move => "Target folder",
            FolderOp::Diff => "Other folder",
            FolderOp::Export => "Write to file",
            FolderOp::Import => "Read from file",
            FolderOp::Search | FolderOp::Delete => "Search for",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptField {
    Input,
    Profile,
    Namespace,
    AllVersions,
    CustomMetadata,
}

/// The first stage: where to, which file, the other side, or the string to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub input: TextInput,
    /// The profile of the other end: 0 is the session in use, then the config's other profiles.
    pub profile: usize,
    pub profiles: Vec<String>,
    /// Empty: the profile's own namespace.
    pub namespace: TextInput,
    pub all_versions: bool,
    pub custom_metadata: bool,
    pub focus: PromptField,
    pub error: Option<String>,
    /// Export: the file exists; replace it?
    pub replace: Option<Question>,
}

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

    fn next(self) -> Self {
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
        Self {
            counts: plan.counts(),
            plan,
            target,
            existing: ExistingChoice::Skip,
            versions_new,
            unwritable,
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
    fn new(plan: SharedPlan, report: Report) -> Self {
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
    fn new(right: String, diff: TreeDiff) -> Self {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Prompt(Prompt),
    Working(Working),
    Plan(PlanView),
    Running(Running),
    Report(ReportView),
    Diff(DiffView),
    Search(SearchView),
    /// The operation could not start (worded).
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderScreen {
    /// The job whose answers this screen takes.
    pub job: JobId,
    pub op: FolderOp,
    /// The selected folder, `mount/folder/` (the mount alone for its root).
    pub folder: String,
    /// The other end as last asked (target, file or other side), for titles and retries.
    pub other: Option<TreeSpec>,
    /// The prompt as last submitted (an export asked to replace its file goes back to it).
    pub last_prompt: Option<Prompt>,
    pub stage: Stage,
}

/// The folder selected in the tree (`mount/folder/`), when the tree has the focus on a folder or
/// a mount of a key/value engine.
pub fn selected_folder(app: &App) -> Option<String> {
    if app.focus != super::state::Focus::Tree {
        return None;
    }
    let id = app.tree.selected_id()?;
    let node = app.tree.node(id)?;
    match &node.kind {
        NodeKind::Secret => None,
        NodeKind::Mount(mount) if !mount.engine.is_browsable() => None,
        _ => app.tree.full_path(id),
    }
}

/// The tree's cursor is on a mount's root.
fn selected_is_mount(app: &App) -> bool {
    app.tree
        .selected_id()
        .and_then(|id| app.tree.node(id))
        .is_some_and(|node| matches!(node.kind, NodeKind::Mount(_)))
}

/// A folder key on the main view: the screen for `op` on the selected folder.
pub fn open(app: &mut App, op: FolderOp) -> Vec<Effect> {
    let Some(folder) = selected_folder(app) else {
        app.set_status(
            StatusKind::Info,
            "Select a folder (or a mount) in the tree first: folder operations act on a whole folder.",
        );
        return Vec::new();
    };
    // As `tresor rm -r`: a folder is deleted, never a whole mount.
    if op == FolderOp::Delete && selected_is_mount(app) {
        let delete = app.keymap.key(Scope::Main, Command::DeleteAll);
        app.set_status(
            StatusKind::Warning,
            format!(
                "{delete} deletes a folder, not a whole mount: select a folder in {folder} first."
            ),
        );
        return Vec::new();
    }
    let job = app.next_request_id();
    let mut screen = FolderScreen {
        job,
        op,
        folder: folder.clone(),
        other: None,
        last_prompt: None,
        stage: Stage::Working(Working::default()),
    };
    let effects = if op == FolderOp::Delete {
        screen.start(
            app,
            FolderRequest::Plan {
                kind: PlanKind::Delete,
                source: TreeSpec::here(&folder),
                target: None,
                options: PlanOptions::default(),
            },
        )
    } else {
        screen.stage = Stage::Prompt(new_prompt(app, op, &folder));
        Vec::new()
    };
    app.modal = Some(Modal::Folder(Box::new(screen)));
    effects
}

fn new_prompt(app: &App, op: FolderOp, folder: &str) -> Prompt {
    let trimmed = folder.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let text = match op {
        FolderOp::Copy => format!("{trimmed}-copy/"),
        FolderOp::Move | FolderOp::Diff => folder.to_string(),
        FolderOp::Export => format!("{}.json", last.replace(['/', ' '], "-")),
        FolderOp::Import | FolderOp::Search | FolderOp::Delete => String::new(),
    };
    let mut profiles = vec![app.profile.clone()];
    profiles.extend(
        app.profiles
            .iter()
            .map(|p| p.name.clone())
            .filter(|name| *name != app.profile),
    );
    Prompt {
        input: TextInput::with_text(&text),
        profile: 0,
        profiles,
        namespace: TextInput::default(),
        all_versions: false,
        custom_metadata: true,
        focus: PromptField::Input,
        error: None,
        replace: None,
    }
}

impl Prompt {
    /// The other end as typed (`None` with why, when it cannot be used).
    fn spec(&self) -> Result<TreeSpec, String> {
        let path = self.input.text.trim().trim_start_matches('/');
        if path.is_empty() {
            return Err("Type the other folder as mount/path/.".into());
        }
        let namespace = self.namespace.text.trim().trim_matches('/');
        Ok(TreeSpec {
            profile: (self.profile > 0).then(|| self.profiles[self.profile].clone()),
            namespace: (!namespace.is_empty()).then(|| format!("{namespace}/")),
            path: if path.ends_with('/') {
                path.to_string()
            } else {
                format!("{path}/")
            },
        })
    }

    fn options(&self) -> PlanOptions {
        PlanOptions {
            all_versions: self.all_versions,
            custom_metadata: self.custom_metadata,
            ..PlanOptions::default()
        }
    }

    fn step_focus(&mut self, fields: &[PromptField], forward: bool) {
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward {
            (at + 1) % fields.len()
        } else {
            (at + fields.len() - 1) % fields.len()
        };
        self.focus = fields[next];
    }

    fn toggle(&mut self, forward: bool) {
        match self.focus {
            PromptField::Profile if !self.profiles.is_empty() => {
                let n = self.profiles.len();
                self.profile = if forward {
                    (self.profile + 1) % n
                } else {
                    (self.profile + n - 1) % n
                };
            }
            PromptField::AllVersions => self.all_versions = !self.all_versions,
            PromptField::CustomMetadata => self.custom_metadata = !self.custom_metadata,
            _ => {}
        }
    }

    fn focused_text(&mut self) -> Option<&mut TextInput> {
        match self.focus {
            PromptField::Input => Some(&mut self.input),
            PromptField::Namespace => Some(&mut self.namespace),
            _ => None,
        }
    }
}

/// A folder error in words (a server error as everywhere else).
pub fn error_words(app: &App, error: &FolderError) -> String {
    match error {
        FolderError::Vault(error) => super::errors::error_text(&app.keymap, error),
        other => other.to_string(),
    }
}

impl FolderScreen {
    /// What could not start, said where it was asked: the prompt as submitted, with `why` (bad
    /// input loses nothing); a screen without a prompt (a delete) just says why.
    fn back_to_prompt(&self, why: String) -> Stage {
        match &self.last_prompt {
            Some(prompt) => {
                let mut prompt = prompt.clone();
                prompt.error = Some(why);
                Stage::Prompt(prompt)
            }
            None => Stage::Failed(why),
        }
    }

    /// Starts `request` as a new job (answers to the one before are dropped from now on).
    fn start(&mut self, app: &mut App, request: FolderRequest) -> Vec<Effect> {
        self.job = app.next_request_id();
        vec![Effect::StartFolderJob {
            job: self.job,
            request,
        }]
    }

    fn submit_prompt(&mut self, app: &mut App) -> Vec<Effect> {
        let Stage::Prompt(prompt) = &mut self.stage else {
            return Vec::new();
        };
        let here = TreeSpec::here(&self.folder);
        let text = prompt.input.text.trim().to_string();
        let request = match self.op {
            FolderOp::Copy | FolderOp::Move | FolderOp::Diff => match prompt.spec() {
                Ok(spec) => {
                    self.other = Some(spec.clone());
                    match self.op {
                        FolderOp::Diff => FolderRequest::Diff {
                            left: here,
                            right: spec,
                        },
                        op => FolderRequest::Plan {
                            kind: if op == FolderOp::Move {
                                PlanKind::Move
                            } else {
                                PlanKind::Copy
                            },
                            source: here,
                            target: Some(spec),
                            options: prompt.options(),
                        },
                    }
                }
                Err(error) => {
                    prompt.error = Some(error);
                    return Vec::new();
                }
            },
            _ if text.is_empty() => {
                prompt.error = Some(match self.op {
                    FolderOp::Search => "Type the string to look for.".into(),
                    _ => "Type the file's path.".into(),
                });
                return Vec::new();
            }
            FolderOp::Import => FolderRequest::PlanImport {
                file: PathBuf::from(&text),
                target: here,
                options: prompt.options(),
            },
            FolderOp::Export => FolderRequest::Export {
                source: here,
                file: PathBuf::from(&text),
                options: ExportOptions {
                    all_versions: prompt.all_versions,
                    custom_metadata: prompt.custom_metadata,
                    force: prompt.replace.is_some(),
                    concurrency: folder::DEFAULT_CONCURRENCY,
                },
            },
            FolderOp::Search => FolderRequest::Grep {
                tree: here,
                needle: SecretText::new(prompt.input.text.clone()),
            },
            FolderOp::Delete => return Vec::new(),
        };
        let needle_chars = prompt.input.text.chars().count();
        if self.op != FolderOp::Search {
            let mut kept = prompt.clone();
            kept.replace = None;
            kept.error = None;
            self.last_prompt = Some(kept);
        }
        self.stage = match self.op {
            FolderOp::Search => Stage::Search(SearchView {
                needle_chars,
                matches: Vec::new(),
                cursor: 0,
                revealed: None,
                state: SearchState::Searching {
                    secrets: 0,
                    checked: None,
                },
                stopping: false,
            }),
            FolderOp::Export => Stage::Running(Running {
                plan: None,
                done: 0,
                total: 0,
                path: String::new(),
                failed: 0,
                listed: 0,
                started: app.clock,
                stopping: false,
            }),
            _ => Stage::Working(Working::default()),
        };
        self.start(app, request)
    }

    fn on_prompt_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Outcome {
        let fields = self.op.fields();
        let Stage::Prompt(prompt) = &mut self.stage else {
            return Outcome::stay();
        };
        if let Some(question) = &mut prompt.replace {
            let command = app.keymap.command(Scope::Confirm, key);
            match question.answer(key, command, &app.keymap) {
                Answer::Yes => return Outcome::stay().with(self.submit_prompt(app)),
                Answer::No => prompt.replace = None,
                Answer::Undecided => {}
            }
            return Outcome::stay();
        }
        let on_text = matches!(prompt.focus, PromptField::Input | PromptField::Namespace);
        match command {
            Some(Command::Cancel) => return Outcome::close(),
            Some(Command::Submit) => return Outcome::stay().with(self.submit_prompt(app)),
            Some(Command::NextField) => prompt.step_focus(fields, true),
            Some(Command::PreviousField) => prompt.step_focus(fields, false),
            Some(Command::Toggle | Command::NextChoice) if !on_text => prompt.toggle(true),
            Some(Command::PreviousChoice) if !on_text => prompt.toggle(false),
            _ => {
                if let Some(input) = prompt.focused_text()
                    && input.handle_key(key)
                {
                    prompt.error = None;
                }
            }
        }
        Outcome::stay()
    }

    fn on_plan_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Stage::Plan(view) = &mut self.stage else {
            return Outcome::stay();
        };
        if let Some(question) = &mut view.question {
            match question.answer(key, command, &app.keymap) {
                Answer::Yes => {
                    view.question = None;
                    return Outcome::stay().with(self.run_plan(app));
                }
                Answer::No => view.question = None,
                Answer::Undecided => {}
            }
            return Outcome::stay();
        }
        let rows = view.rows();
        match command {
            Some(Command::Close) => {
                let what = if view.plan.kind == PlanKind::Delete {
                    "Plan closed: nothing was deleted."
                } else {
                    "Plan closed: nothing was written."
                };
                app.set_status(StatusKind::Info, what);
                return Outcome::close();
            }
            Some(Command::NextChoice) => view.existing = view.existing.next(),
            Some(Command::Submit) => {
                let counts = view.counts;
                if counts.items == 0 {
                    app.set_status(StatusKind::Info, "Nothing to do: the plan has no secrets.");
                    return Outcome::close();
                }
                if view.plan.kind == PlanKind::Delete {
                    let path = view.plan.target.display();
                    view.question = Some(Question::typed("delete", "back to the plan", vec![path]));
                } else if counts.existing > 0 && view.existing == ExistingChoice::Abort {
                    app.set_status(StatusKind::Info, "Aborted: nothing was written.");
                    return Outcome::close();
                } else if counts.existing > 0 && view.existing == ExistingChoice::Overwrite {
                    view.question = Some(Question::yes_no("overwrite", "back to the plan"));
                } else {
                    return Outcome::stay().with(self.run_plan(app));
                }
            }
            Some(command) => view.cursor = moved(view.cursor, rows, command, page(app)),
            None => {}
        }
        Outcome::stay()
    }

    /// The confirmed plan goes to the runtime.
    fn run_plan(&mut self, app: &mut App) -> Vec<Effect> {
        let Stage::Plan(view) = &self.stage else {
            return Vec::new();
        };
        let plan = view.plan.clone();
        let choices = Choices {
            existing: match view.existing {
                ExistingChoice::Overwrite => Existing::Overwrite,
                _ => Existing::Skip,
            },
        };
        self.job = app.next_request_id();
        self.stage = Stage::Running(Running {
            total: plan.items.len(),
            plan: Some(plan.clone()),
            done: 0,
            path: String::new(),
            failed: 0,
            listed: 0,
            started: app.clock,
            stopping: false,
        });
        vec![Effect::RunFolderPlan {
            job: self.job,
            plan,
            choices,
        }]
    }

    fn on_report_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let Stage::Report(view) = &mut self.stage else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Close | Command::Submit) => return Outcome::close(),
            Some(Command::Retry) => {
                let retry = view.report.retry_plan(&view.plan);
                if retry.items.is_empty() {
                    app.set_status(
                        StatusKind::Info,
                        "Nothing failed or was left not run: nothing to retry.",
                    );
                } else {
                    let target = plan_target_label(self.other.as_ref(), &retry);
                    self.stage = Stage::Plan(PlanView::new(SharedPlan::new(retry), target));
                }
            }
            Some(command) => view.cursor = moved(view.cursor, view.rows(), command, page(app)),
            None => {}
        }
        Outcome::stay()
    }

    fn on_diff_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let Stage::Diff(view) = &mut self.stage else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Close | Command::Submit) => return Outcome::close(),
            Some(Command::Reveal) => {
                let changed = matches!(view.rows.get(view.cursor), Some(DiffRow::Changed(..)));
                view.revealed = match view.revealed {
                    Some(row) if row == view.cursor => None,
                    _ if changed => Some(view.cursor),
                    other => other,
                };
            }
            Some(command) => {
                view.cursor = moved(view.cursor, view.rows.len(), command, page(app));
                view.revealed = view.revealed.filter(|row| *row == view.cursor);
            }
            None => {}
        }
        Outcome::stay()
    }

    fn on_search_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let job = self.job;
        let Stage::Search(view) = &mut self.stage else {
            return Outcome::stay();
        };
        let searching = matches!(view.state, SearchState::Searching { .. });
        match command {
            Some(Command::Close) if searching && !view.stopping => {
                view.stopping = true;
                return Outcome::stay().with(vec![Effect::CancelFolderJob { job }]);
            }
            Some(Command::Close) => return Outcome::close(),
            Some(Command::Reveal) if !view.matches.is_empty() => {
                view.revealed = match view.revealed {
                    Some(i) if i == view.cursor => None,
                    _ => Some(view.cursor),
                };
            }
            Some(Command::Submit) => {
                let Some(found) = view.matches.get(view.cursor) else {
                    return Outcome::stay();
                };
                let path = found.path.clone();
                let mut effects = Vec::new();
                if searching {
                    effects.push(Effect::CancelFolderJob { job });
                }
                return match super::jump::jump_to(app, &path) {
                    Ok(more) => {
                        effects.extend(more);
                        Outcome::close().with(effects)
                    }
                    Err(message) => {
                        app.set_status(StatusKind::Warning, message);
                        Outcome::stay()
                    }
                };
            }
            Some(command) => {
                view.cursor = moved(view.cursor, view.matches.len(), command, page(app));
                view.revealed = view.revealed.filter(|i| *i == view.cursor);
            }
            None => {}
        }
        Outcome::stay()
    }
}

/// The target of a plan in words: the user's naming when there is one (it carries the profile).
fn plan_target_label(other: Option<&TreeSpec>, plan: &folder::Plan) -> String {
    match (plan.kind, other) {
        (PlanKind::Copy | PlanKind::Move, Some(spec)) => spec.display(),
        _ => plan.target.display(),
    }
}

/// Rows a page key moves: the screen's list height, roughly.
fn page(app: &App) -> usize {
    usize::from(app.size.1).saturating_sub(12).max(1)
}

/// The cursor after a moving command over `rows` rows.
fn moved(cursor: usize, rows: usize, command: Command, page: usize) -> usize {
    let last = rows.saturating_sub(1);
    match command {
        Command::Down => (cursor + 1).min(last),
        Command::Up => cursor.saturating_sub(1),
        Command::PageDown => (cursor + page).min(last),
        Command::PageUp => cursor.saturating_sub(page),
        Command::Top => 0,
        Command::Bottom => last,
        _ => cursor,
    }
}

impl Component for FolderScreen {
    fn scope(&self) -> Scope {
        match &self.stage {
            Stage::Prompt(prompt) if prompt.replace.is_some() => Scope::Confirm,
            Stage::Prompt(_) => Scope::FolderPrompt,
            Stage::Plan(view) if view.question.is_some() => Scope::Confirm,
            _ => Scope::Folder,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match &mut self.stage {
            Stage::Prompt(_) => self.on_prompt_key(app, key, command),
            Stage::Plan(_) => self.on_plan_key(app, key, command),
            Stage::Report(_) => self.on_report_key(app, command),
            Stage::Diff(_) => self.on_diff_key(app, command),
            Stage::Search(_) => self.on_search_key(app, command),
            Stage::Working(_) => match command {
                // Planning and comparing only read: the job is dropped.
                Some(Command::Close) => {
                    Outcome::close().with(vec![Effect::CancelFolderJob { job: self.job }])
                }
                _ => Outcome::stay(),
            },
            Stage::Running(running) => match command {
                Some(Command::Close) if !running.stopping => {
                    running.stopping = true;
                    Outcome::stay().with(vec![Effect::CancelFolderJob { job: self.job }])
                }
                _ => Outcome::stay(),
            },
            Stage::Failed(_) => match command {
                Some(Command::Close | Command::Submit) => Outcome::close(),
                _ => Outcome::stay(),
            },
        }
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.stage {
            Stage::Prompt(prompt) => {
                if let Some(question) = &mut prompt.replace {
                    question.paste(text);
                } else if let Some(input) = prompt.focused_text() {
                    input.insert_str(text.trim());
                }
            }
            Stage::Plan(view) => {
                if let Some(question) = &mut view.question {
                    question.paste(text);
                }
            }
            _ => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let keys = &app.keymap;
        let moving = || {
            (
                keys.pair(Scope::Folder, Command::Up, Command::Down),
                "move".to_string(),
            )
        };
        let hint = |command, what: &str| (keys.key(Scope::Folder, command), what.to_string());
        match &self.stage {
            Stage::Prompt(prompt) => match &prompt.replace {
                Some(question) => question.hints(keys),
                None => {
                    let mut hints = keys.hints(Scope::FolderPrompt, &[Command::Submit]);
                    if self.op.fields().len() > 1 {
                        hints.extend(keys.hints(Scope::FolderPrompt, &[Command::NextField]));
                    }
                    hints.extend(keys.hints(Scope::FolderPrompt, &[Command::Cancel]));
                    hints
                }
            },
            Stage::Working(_) => vec![hint(Command::Close, "stop")],
            Stage::Plan(view) => match &view.question {
                Some(question) => question.hints(keys),
                None => {
                    let mut hints = vec![hint(Command::Submit, "run"), moving()];
                    if view.counts.existing > 0 && view.plan.kind != PlanKind::Delete {
                        hints.push(hint(Command::NextChoice, "existing targets"));
                    }
                    hints.push(hint(Command::Close, "abort"));
                    hints
                }
            },
            Stage::Running(running) if running.stopping => Vec::new(),
            Stage::Running(_) => vec![hint(Command::Close, "stop")],
            Stage::Report(view) => {
                let mut hints = vec![moving()];
                if view.counts.failed > 0 {
                    hints.push(hint(Command::Retry, "retry the failed and not run"));
                }
                hints.push(hint(Command::Close, "close"));
                hints
            }
            Stage::Diff(_) => vec![
                moving(),
                hint(Command::Reveal, "reveal the pair"),
                hint(Command::Close, "close"),
            ],
            Stage::Search(view) => {
                let mut hints = vec![hint(Command::Submit, "open"), moving()];
                hints.push(hint(Command::Reveal, "reveal"));
                let searching = matches!(view.state, SearchState::Searching { .. });
                hints.push(hint(
                    Command::Close,
                    if searching && !view.stopping {
                        "stop"
                    } else {
                        "close"
                    },
                ));
                hints
            }
            Stage::Failed(_) => vec![hint(Command::Close, "close")],
        }
    }
}

/// The open folder screen of `job`, if that is the job it waits for.
fn screen_of(app: &mut App, job: JobId) -> Option<&mut FolderScreen> {
    match &mut app.modal {
        Some(Modal::Folder(screen)) if screen.job == job => Some(screen),
        _ => None,
    }
}

pub fn progress(app: &mut App, job: JobId, progress: Progress) -> Vec<Effect> {
    let Some(screen) = screen_of(app, job) else {
        return Vec::new();
    };
    match (&mut screen.stage, progress) {
        (Stage::Working(working), Progress::Listing { secrets, folders }) => {
            working.secrets = secrets;
            working.folders = folders;
        }
        (Stage::Working(working), Progress::Checking { checked, total }) => {
            working.checked = Some((checked, total));
        }
        (
            Stage::Running(running),
            Progress::Item {
                done,
                total,
                path,
                outcome,
            },
        ) => {
            running.done = done;
            running.total = total;
            running.path = path;
            if outcome == OutcomeKind::Failed {
                running.failed += 1;
            }
        }
        (Stage::Running(running), Progress::Listing { secrets, .. }) => {
            running.listed = secrets;
        }
        (Stage::Search(view), Progress::Listing { secrets, .. }) => {
            if let SearchState::Searching { secrets: s, .. } = &mut view.state {
                *s = secrets;
            }
        }
        (Stage::Search(view), Progress::Checking { checked, total }) => {
            if let SearchState::Searching { checked: c, .. } = &mut view.state {
                *c = Some((checked, total));
            }
        }
        _ => {}
    }
    Vec::new()
}

pub fn planned(app: &mut App, job: JobId, result: Result<SharedPlan, FolderError>) -> Vec<Effect> {
    let words = result.as_ref().err().map(|error| error_words(app, error));
    let Some(screen) = screen_of(app, job) else {
        return Vec::new();
    };
    screen.stage = match (result, words) {
        (Ok(plan), _) => {
            let target = plan_target_label(screen.other.as_ref(), &plan);
            Stage::Plan(PlanView::new(plan, target))
        }
        (Err(_), words) => screen.back_to_prompt(words.unwrap_or_default()),
    };
    Vec::new()
}

/// The run ended: the report, and the tree reloads what it shows (folders may have changed).
/// When the server stopped accepting the token, the failures say so (not "permission denied").
pub fn ran(app: &mut App, job: JobId, mut report: Report, token_refused: bool) -> Vec<Effect> {
    let token_words = token_refused.then(|| match &app.token {
        // What the header says of a use-limited token: its uses are what ran out.
        super::state::Loadable::Ready(view) if view.uses_left.is_some() => {
            "the token has no uses left (the server no longer accepts it)"
        }
        _ => crate::vault::jobs::TOKEN_REFUSED,
    });
    if let Some(why) = token_words {
        crate::vault::jobs::blame_the_token(&mut report, why);
    }
    let Some(screen) = screen_of(app, job) else {
        return Vec::new();
    };
    let Stage::Running(Running {
        plan: Some(plan), ..
    }) = &screen.stage
    else {
        return Vec::new();
    };
    let mut view = ReportView::new(plan.clone(), report);
    view.token = token_words.map(str::to_string);
    screen.stage = Stage::Report(view);
    super::update::reload_shown(app)
}

pub fn export_file_exists(app: &mut App, job: JobId) -> Vec<Effect> {
    let Some(screen) = screen_of(app, job) else {
        return Vec::new();
    };
    let Some(mut prompt) = screen.last_prompt.clone() else {
        return Vec::new();
    };
    prompt.replace = Some(Question::yes_no("replace it", "back"));
    prompt.error = Some("That file exists.".into());
    screen.stage = Stage::Prompt(prompt);
    Vec::new()
}

pub fn exported(
    app: &mut App,
    job: JobId,
    result: Result<ExportSummary, FolderError>,
) -> Vec<Effect> {
    let words = result.as_ref().err().map(|error| error_words(app, error));
    let Some(screen) = screen_of(app, job) else {
        return Vec::new();
    };
    let file = screen
        .last_prompt
        .as_ref()
        .map(|p| p.input.text.trim().to_string())
        .unwrap_or_default();
    match result {
        Ok(summary) if summary.cancelled => {
            app.modal = None;
            app.set_status(
                StatusKind::Warning,
                format!("Export stopped: {file} was removed (nothing half-written is left)."),
            );
        }
        Ok(summary) => {
            app.modal = None;
            let mut text = format!(
                "Exported {} to {file} (mode 0600).",
                count(summary.secrets, "secret", "secrets")
            );
            let kind = if summary.unlistable.is_empty() && summary.unreadable.is_empty() {
                StatusKind::Info
            } else {
                text.push_str(&format!(
                    " Not in it: {} the token may not list, {} it may not read.",
                    count(summary.unlistable.len(), "folder", "folders"),
                    count(summary.unreadable.len(), "secret", "secrets"),
                ));
                StatusKind::Warning
            };
            app.set_status(kind, text);
        }
        Err(_) => screen.stage = screen.back_to_prompt(words.unwrap_or_default()),
    }
    Vec::new()
}

pub fn diffed(app: &mut App, job: JobId, result: Result<TreeDiff, FolderError>) -> Vec<Effect> {
    let words = result.as_ref().err().map(|error| error_words(app, error));
    let Some(screen) = screen_of(app, job) else {
        return Vec::new();
    };
    let right = screen
        .other
        .as_ref()
        .map(TreeSpec::display)
        .unwrap_or_default();
    screen.stage = match result {
        Ok(diff) => Stage::Diff(DiffView::new(right, diff)),
        Err(_) => screen.back_to_prompt(words.unwrap_or_default()),
    };
    Vec::new()
}

pub fn values_found(app: &mut App, job: JobId, matches: Vec<GrepMatch>) -> Vec<Effect> {
    if let Some(screen) = screen_of(app, job)
        && let Stage::Search(view) = &mut screen.stage
    {
        view.matches.extend(matches);
    }
    Vec::new()
}

pub fn search_finished(
    app: &mut App,
    job: JobId,
    result: Result<GrepSummary, FolderError>,
) -> Vec<Effect> {
    let words = result.as_ref().err().map(|error| error_words(app, error));
    if let Some(screen) = screen_of(app, job)
        && let Stage::Search(view) = &mut screen.stage
    {
        view.state = match result {
            Ok(summary) => SearchState::Done(summary),
            Err(_) => SearchState::Failed(words.unwrap_or_default()),
        };
    }
    Vec::new()
}

/// "1 secret", "2 secrets".
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Whether the screen shows a spinner or a clock that moves (work going on).
pub fn animated(screen: &FolderScreen) -> bool {
    match &screen.stage {
        Stage::Working(_) | Stage::Running(_) => true,
        Stage::Search(view) => matches!(view.state, SearchState::Searching { .. }),
        _ => false,
    }
}
