//! Whether the server answers. A request that cannot reach it (refused, dropped, timed out) marks
//! the server unreachable: what is loaded stays on screen, the app keeps working, and a cheap probe
//! (seal status) goes out every few seconds. The first answer after that reloads what is shown.
//! Esc gives up on reads still waiting for an answer.

use super::action::{Action, Effect};
use super::state::{App, Loadable, StatusKind};
use std::time::Duration;

/// How often an unreachable server is asked again.
pub const PROBE_EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Reachability {
    #[default]
    Reachable,
    Unreachable {
        reason: String,
        since: Duration,
        last_probe: Duration,
    },
}

/// What an action says about the server, taken before `update` consumes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sign {
    Unreachable(String),
    Answered,
    Nothing,
}

pub fn sign_of(action: &Action) -> Sign {
    match action.error() {
        Some(error) if error.is_unreachable() => Sign::Unreachable(error.to_string()),
        _ if action.is_answer_from_server() => Sign::Answered,
        _ => Sign::Nothing,
    }
}

/// Follows the server's reachability after an action was applied.
pub fn follow(app: &mut App, sign: Sign) -> Vec<Effect> {
    match (sign, &app.reachability) {
        (Sign::Unreachable(reason), Reachability::Reachable) => {
            app.set_status(
                StatusKind::Error,
                format!(
                    "{reason}. What is loaded stays on screen; asking again every {} s.",
                    PROBE_EVERY.as_secs()
                ),
            );
            app.reachability = Reachability::Unreachable {
                reason,
                since: app.clock,
                last_probe: app.clock,
            };
            Vec::new()
        }
        (Sign::Unreachable(reason), Reachability::Unreachable { .. }) => {
            if let Reachability::Unreachable { reason: last, .. } = &mut app.reachability {
                *last = reason;
            }
            Vec::new()
        }
        (Sign::Answered, Reachability::Unreachable { since, .. }) => {
            let down_for = app.clock.saturating_sub(*since).as_secs();
            app.reachability = Reachability::Reachable;
            // What the answer itself said ("Saved …") stays; an error from the outage goes.
            let said = app
                .status
                .take()
                .filter(|status| status.kind != StatusKind::Error);
            let effects = super::update::reload_shown(app);
            app.set_status(
                StatusKind::Info,
                format!("The server answers again (after {down_for} s): reloading."),
            );
            if said.is_some() {
                app.status = said;
            }
            effects
        }
        _ => Vec::new(),
    }
}

/// While the server is unreachable, a probe every few seconds.
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let now = app.clock;
    match &mut app.reachability {
        Reachability::Unreachable { last_probe, .. }
            if now.saturating_sub(*last_probe) >= PROBE_EVERY =>
        {
            *last_probe = now;
            vec![Effect::LoadSealStatus]
        }
        _ => Vec::new(),
    }
}

/// Reads the user is waiting for: the mounts, a folder, the open secret or its metadata.
pub fn reads_in_flight(app: &App) -> bool {
    matches!(app.mounts, Loadable::Loading)
        || app.secret.request.is_some()
        || app.secret.metadata_request.is_some()
        || app.tree.any_loading()
}

/// Esc while reads are waiting: give up on them (each answers "cancelled").
pub fn cancel_reads(app: &mut App) -> Vec<Effect> {
    app.set_status(
        StatusKind::Info,
        "Cancelled the requests still waiting for the server.",
    );
    vec![Effect::CancelReads]
}
