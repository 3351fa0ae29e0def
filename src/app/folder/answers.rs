//! The runtime's answers for a folder job: progress, the plan, the report, an export, a
//! comparison and search matches (answers for another job are dropped).

use super::*;

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
        crate::app::state::Loadable::Ready(view) if view.uses_left.is_some() => {
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
    // A move that took everything leaves its folder gone: the cursor goes to its parent (the
    // folder kept something otherwise, and the cursor stays on it).
    let moved_away = match &plan.origin {
        folder::Origin::Tree(source)
            if plan.kind == PlanKind::Move
                && plan.unlistable.is_empty()
                && plan.unreadable.is_empty()
                && report.unlistable.is_empty()
                && report.unreadable.is_empty()
                && report.items.len() == plan.items.len()
                && report.counts().done == report.items.len() =>
        {
            let folder = source.display();
            let trimmed = folder.trim_end_matches('/');
            trimmed
                .rfind('/')
                .map(|slash| trimmed[..=slash].to_string())
        }
        _ => None,
    };
    let mut view = ReportView::new(plan.clone(), report);
    view.token = token_words.map(str::to_string);
    screen.stage = Stage::Report(view);
    let effects = crate::app::update::reload_shown(app);
    if let Some(parent) = moved_away {
        app.tree.restore_selected = Some(parent);
    }
    effects
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
