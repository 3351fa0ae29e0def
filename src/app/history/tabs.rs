//! The secret pane's tabs for a KV v2 secret: switching them, opening an old version in the Data
//! tab, marking versions, and the requests and answers of the history (metadata) they show.

use super::super::action::{Effect, RequestId};
use super::super::keymap::{Command, Scope};
use super::super::secret_pane::{SecretContent, SecretTab};
use super::super::state::{App, Focus, Loadable, StatusKind};
use super::super::tree::Location;
use super::capabilities::capability_request;
use super::compare::{compare, default_diff};
use crate::vault::SecretMetadata;

/// "Open a secret first (Enter on a secret).", with the key that opens.
fn open_a_secret_first(app: &App) -> String {
    format!(
        "Open a secret first ({} on a secret).",
        app.keymap
            .key_preferring(Scope::Main, Command::Open, "Enter")
    )
}

/// Requests for a KV v2 secret beyond its data: the metadata, and the capabilities once per secret.
pub fn history_requests(app: &mut App, location: &Location) -> Vec<Effect> {
    let mut effects = Vec::new();
    if !app.secret.is_versioned() {
        return effects;
    }
    let request = app.next_request_id();
    app.secret.metadata = Some(match app.secret.metadata.take() {
        Some(Loadable::Ready(old)) => Loadable::Ready(old),
        _ => Loadable::Loading,
    });
    app.secret.metadata_request = Some(request);
    effects.push(Effect::LoadMetadata {
        request,
        location: location.clone(),
    });
    effects.extend(capability_request(app, location));
    effects
}

pub fn select_tab(app: &mut App, tab: SecretTab) -> Vec<Effect> {
    if app.secret.location.is_none() {
        let message = open_a_secret_first(app);
        app.set_status(StatusKind::Info, message);
        return Vec::new();
    }
    if tab != SecretTab::Data && !app.secret.is_versioned() {
        app.set_status(
            StatusKind::Info,
            "This engine keeps no versions: only the Data tab exists (KV v1 and cubbyhole).",
        );
        return Vec::new();
    }
    app.secret.tab = tab;
    app.focus = Focus::Secret;
    if tab == SecretTab::Diff && app.secret.diff.is_none() {
        return default_diff(app);
    }
    Vec::new()
}

pub fn cycle_tab(app: &mut App, delta: isize) -> Vec<Effect> {
    let count = if app.secret.is_versioned() {
        SecretTab::ALL.len()
    } else {
        1
    };
    let index = (app.secret.tab.index() as isize + delta).rem_euclid(count as isize) as usize;
    select_tab(app, SecretTab::ALL[index])
}

/// Open in the Versions tab: show that version in the Data tab.
pub fn open_version(app: &mut App, version: u64) -> Vec<Effect> {
    let Some(location) = app.secret.location.clone() else {
        return Vec::new();
    };
    let current = app.secret.loaded_metadata().map(|m| m.current_version);
    app.secret.viewing = if Some(version) == current {
        None
    } else {
        Some(version)
    };
    let request = app.next_request_id();
    app.secret.set_content(SecretContent::Loading);
    app.secret.request = Some(request);
    app.secret.selected = 0;
    app.secret.detail_scroll = 0;
    app.secret.tab = SecretTab::Data;
    vec![Effect::ReadSecret {
        request,
        location,
        version: app.secret.viewing,
    }]
}

pub fn toggle_mark(app: &mut App) {
    if let Some(version) = app.secret.cursor_version()
        && !app.secret.marked.remove(&version)
    {
        app.secret.marked.insert(version);
    }
    app.secret.move_version_cursor(1);
}

/// The open KV v2 secret and its loaded history, or a status saying why there is none.
pub fn versioned_secret(app: &mut App, purpose: &str) -> Option<(Location, SecretMetadata)> {
    let Some(location) = app.secret.location.clone() else {
        let message = open_a_secret_first(app);
        app.set_status(StatusKind::Info, message);
        return None;
    };
    if !app.secret.is_versioned() {
        app.set_status(
            StatusKind::Warning,
            format!(
                "{} keeps no versions or metadata: nothing to {purpose} (KV v1 and cubbyhole).",
                location.mount.path
            ),
        );
        return None;
    }
    let Some(metadata) = app.secret.loaded_metadata().cloned() else {
        let refresh = app.keymap.key(Scope::Main, Command::Refresh);
        app.set_status(
            StatusKind::Warning,
            format!("The version history is not loaded (yet): wait, or press {refresh}."),
        );
        return None;
    };
    Some((location, metadata))
}

/// Re-reads the shown version, the metadata and an open diff of the open secret.
pub fn reload_open_secret(app: &mut App) -> Vec<Effect> {
    let Some(location) = app.secret.location.clone() else {
        return Vec::new();
    };
    let request = app.next_request_id();
    app.secret.request = Some(request);
    app.secret.set_content(SecretContent::Loading);
    let mut effects = vec![Effect::ReadSecret {
        request,
        location: location.clone(),
        version: app.secret.viewing,
    }];
    effects.extend(history_requests(app, &location));
    if let Some(diff) = &app.secret.diff {
        let (old, new) = (diff.old, diff.new);
        let tab = app.secret.tab;
        effects.extend(compare(app, old, new));
        app.secret.tab = tab;
    }
    effects
}

/// The metadata answer: keep the cursor on the same version, drop marks of versions that are gone,
/// and start the default comparison when the Diff tab waits for it.
pub fn metadata_loaded(
    app: &mut App,
    request: RequestId,
    result: Result<SecretMetadata, crate::vault::VaultError>,
) -> Vec<Effect> {
    if app.secret.metadata_request != Some(request) {
        return Vec::new();
    }
    app.secret.metadata_request = None;
    let cursor_on = app.secret.cursor_version();
    match result {
        Ok(metadata) => {
            app.secret.marked.retain(|v| metadata.version(*v).is_some());
            app.secret.metadata = Some(Loadable::Ready(metadata));
            app.secret.version_cursor = 0;
            if let Some(version) = cursor_on {
                app.secret.put_cursor_on(version);
            }
            if app.secret.tab == SecretTab::Diff && app.secret.diff.is_none() {
                return default_diff(app);
            }
        }
        Err(error) => {
            if matches!(error, crate::vault::VaultError::Sealed) {
                super::super::seal::sealed_answer(app);
            }
            app.secret.metadata = Some(Loadable::Failed(crate::app::errors::error_text(
                &app.keymap,
                &error,
            )));
        }
    }
    Vec::new()
}
