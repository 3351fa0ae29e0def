//! The Diff tab's pair of versions: the default pair (previous against current), a chosen pair,
//! stepping through the history, and routing the two reads to their sides.

use super::super::action::{Effect, RequestId};
use super::super::secret_pane::{DiffView, SecretContent, SecretTab};
use super::super::state::{App, StatusKind};

/// Previous vs current, old on the left.
pub(super) fn default_diff(app: &mut App) -> Vec<Effect> {
    let Some(metadata) = app.secret.loaded_metadata() else {
        return Vec::new(); // compared once the metadata arrives
    };
    // The two newest versions that can be read: a deleted or destroyed one has nothing to show.
    let now = app.now_unix();
    let new = metadata.previous_live(metadata.current_version + 1, now);
    match new.and_then(|new| Some((metadata.previous_live(new, now)?, new))) {
        Some((old, new)) => compare(app, old, new),
        None => {
            if app.secret.tab == SecretTab::Diff {
                app.secret.tab = SecretTab::Data;
                app.set_status(
                    StatusKind::Info,
                    "Fewer than two readable versions: nothing to compare, showing the data.",
                );
            }
            Vec::new()
        }
    }
}

/// Loads two versions into the Diff tab.
pub fn compare(app: &mut App, old: u64, new: u64) -> Vec<Effect> {
    let Some(location) = app.secret.location.clone() else {
        return Vec::new();
    };
    let (old, new) = (old.min(new), old.max(new));
    let old_request = app.next_request_id();
    let new_request = app.next_request_id();
    app.secret.diff = Some(DiffView {
        old,
        new,
        old_content: SecretContent::Loading,
        new_content: SecretContent::Loading,
        old_request: Some(old_request),
        new_request: Some(new_request),
        selected: 0,
    });
    app.secret.tab = SecretTab::Diff;
    vec![
        Effect::ReadSecret {
            request: old_request,
            location: location.clone(),
            version: Some(old),
        },
        Effect::ReadSecret {
            request: new_request,
            location,
            version: Some(new),
        },
    ]
}

/// Compare in the Versions tab: the two marked versions, or the cursor's version against the one
/// before it.
pub fn compare_selected(app: &mut App) -> Vec<Effect> {
    let marked: Vec<u64> = app.secret.marked.iter().copied().collect();
    if let [old, new] = marked.as_slice() {
        return compare(app, *old, *new);
    }
    if marked.len() > 2 {
        app.set_status(
            StatusKind::Warning,
            "Mark exactly two versions to compare them.",
        );
        return Vec::new();
    }
    let Some(metadata) = app.secret.loaded_metadata() else {
        return Vec::new();
    };
    let Some(version) = app.secret.cursor_version() else {
        return Vec::new();
    };
    match metadata.previous(version) {
        Some(previous) => compare(app, previous, version),
        None => {
            app.set_status(
                StatusKind::Info,
                format!("Version {version} is the oldest: nothing before it to compare with."),
            );
            Vec::new()
        }
    }
}

/// Older / newer in the Diff tab: step the pair one version back or forward through the history.
pub fn step_diff(app: &mut App, forward: bool) -> Vec<Effect> {
    let (Some(diff), Some(metadata)) = (&app.secret.diff, app.secret.loaded_metadata()) else {
        return Vec::new();
    };
    // Deleted and destroyed versions are stepped over: there is nothing in them to compare.
    let now = app.now_unix();
    let pair = if forward {
        metadata.next_live(diff.new, now).and_then(|new| {
            let old = metadata.previous_live(new, now)?;
            Some((old, new))
        })
    } else {
        metadata.previous_live(diff.old, now).and_then(|old| {
            let new = metadata.next_live(old, now)?;
            Some((old, new))
        })
    };
    match pair {
        Some((old, new)) => compare(app, old, new),
        None => {
            let edge = if forward { "newest" } else { "oldest" };
            app.set_status(StatusKind::Info, format!("Already at the {edge} version."));
            Vec::new()
        }
    }
}

/// Routes a secret read to the Data tab or to one side of the diff. Returns false for stale answers.
pub fn route_secret_answer(app: &mut App, request: RequestId, content: SecretContent) -> bool {
    if let Some(diff) = &mut app.secret.diff {
        if diff.old_request == Some(request) {
            diff.old_request = None;
            diff.old_content = content;
            return true;
        }
        if diff.new_request == Some(request) {
            diff.new_request = None;
            diff.new_content = content;
            return true;
        }
    }
    false
}
