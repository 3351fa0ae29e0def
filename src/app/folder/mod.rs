//! Folders on screen (issue 17): copy, move, delete, export and import a folder, compare it with
//! another tree, and search the values below it. One screen goes through the stages of a job:
//! a prompt (the target, a file, the other side or the string), the work (planning, walking),
//! the plan (nothing is written before the user confirms it), the progress of the run, and the
//! report. The engine is `vault::folder`; the runtime runs it and sends its progress back as
//! actions carrying the job's number (answers for another job are dropped).

mod answers;
mod keys;
mod views;

pub use answers::{
    animated, count, diffed, export_file_exists, exported, planned, progress, ran, search_finished,
    values_found,
};
pub use views::{
    DiffRow, DiffView, ExistingChoice, PlanView, ReportView, Running, SearchState, SearchView,
    Working,
};

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
            FolderOp::Copy => &[Input, Profile, Namespace, AllVersions, CustomMetadata],
            // A move always takes every version along (the form says so, not as a choice).
            FolderOp::Move => &[Input, Profile, Namespace, CustomMetadata],
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

/// The target of a plan in words: the user's naming when there is one (it carries the profile).
fn plan_target_label(other: Option<&TreeSpec>, plan: &folder::Plan) -> String {
    match (plan.kind, other) {
        (PlanKind::Copy | PlanKind::Move, Some(spec)) => spec.display(),
        _ => plan.target.display(),
    }
}
