//! The session: the token's live TTL, renewal at two thirds of it or with 5 s to spare (with backoff), the stop at max
//! TTL, and what happens when the server stops accepting the token: requests are parked, the
//! login dialog opens on top of whatever the user was doing, and after a login the parked
//! requests are sent again with the new token.

use super::action::Action;
use super::action::Effect;
use super::login::{LoginForm, LoginReason, Rejection};
use super::state::{App, Loadable, StatusKind, TokenView};
use crate::vault::{Renewal, TokenInfo, VaultError};
use std::time::Duration;

/// Requests kept for a retry after login; beyond this the oldest are dropped.
const MAX_PARKED: usize = 32;
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RenewalState {
    /// Nothing to renew (no token, root, or not renewable).
    #[default]
    Off,
    /// Renew at this `App::clock`.
    Due(Duration),
    InFlight,
    /// The last renewal failed; the next try is at `Due`, this many failures in a row.
    Retrying {
        at: Duration,
        failures: u32,
    },
    /// The server capped the TTL: the token ends at its max TTL whatever we do.
    AtMaxTtl,
}

#[derive(Debug, Default)]
pub struct Session {
    pub renewal: RenewalState,
    /// Requests the server refused because the token had stopped working.
    pub parked: Vec<Effect>,
    /// The re-login dialog was already shown for this token's end.
    pub prompted: bool,
    /// Failures in a row before the renewal now in flight (for the backoff).
    pub failures_before_flight: u32,
    /// The server accepted the token at least once in this session (a lookup or a login).
    pub accepted: bool,
    /// Why the server refused the token, once it has.
    pub rejected: Option<Rejection>,
}

/// When to ask for a new login before the token ends: a third of its TTL, at most a minute.
pub fn relogin_margin(info: &TokenInfo) -> u64 {
    let base = if info.creation_ttl > 0 {
        info.creation_ttl
    } else {
        info.ttl_seconds
    };
    (base / 3).clamp(1, 60)
}

/// Renew when two thirds of the TTL (as last reported) have passed, or earlier for a short TTL so
/// that 5 s are left to spare (a busy machine or a slow answer must not let it end), but never
/// before a third of it.
fn renewal_due(view: &TokenView) -> Duration {
    let ttl = view.info.ttl_seconds;
    let due = (ttl * 2 / 3)
        .min(ttl.saturating_sub(SPARE_SECONDS))
        .max(ttl / 3);
    view.looked_up_at + Duration::from_secs(due)
}

/// Seconds a renewal leaves to spare before the token would end, where the TTL allows.
const SPARE_SECONDS: u64 = 5;

/// What is known of why the server refused the token, from what this session saw of it.
fn rejection(app: &App) -> Rejection {
    if let Some(known) = &app.session.rejected {
        return known.clone();
    }
    if !app.session.accepted {
        return Rejection::NeverAccepted;
    }
    match &app.token {
        Loadable::Ready(view) if view.uses_left == Some(0) => Rejection::UsesRanOut,
        Loadable::Ready(view) if view.remaining(app.clock) == Some(0) => Rejection::Expired,
        Loadable::Ready(view) => match view.uses_left {
            Some(at_most) => Rejection::UsesMayHaveRunOut { at_most },
            None => Rejection::Revoked,
        },
        _ => Rejection::Revoked,
    }
}

/// The server refused the token: say why as far as known, stop renewing, open the login dialog.
fn rejected(app: &mut App) {
    let why = rejection(app);
    app.token = Loadable::Failed(why.short().into());
    app.session.renewal = RenewalState::Off;
    app.session.rejected = Some(why.clone());
    open_login(app, LoginReason::Rejected(why));
}

/// The server answered a request made with the token: it accepts the token, and a
/// use-limited token has one use less (see [`Action::spends_a_use`]).
pub fn use_spent(app: &mut App) {
    app.session.accepted = true;
    if let Loadable::Ready(view) = &mut app.token
        && let Some(left) = &mut view.uses_left
    {
        *left = left.saturating_sub(1);
    }
}

/// Whether a lookup may be sent without being asked for: not for a use-limited token, whose
/// uses are counted down here instead of spent on lookups.
pub fn background_lookup(app: &App) -> Option<Effect> {
    match &app.token {
        Loadable::Ready(view) if view.uses_left.is_some() => None,
        _ => Some(Effect::LookupToken),
    }
}

fn schedule(app: &mut App) {
    app.session.renewal = match &app.token {
        Loadable::Ready(view) if view.info.renewable && view.info.ttl_seconds > 0 => {
            RenewalState::Due(renewal_due(view))
        }
        _ => RenewalState::Off,
    };
}

/// A lookup-self answer: the token view, its renewal schedule, or the login dialog.
pub fn token_looked_up(app: &mut App, result: Result<TokenInfo, VaultError>) -> Vec<Effect> {
    match result {
        Ok(info) => {
            app.session.accepted = true;
            app.session.rejected = None;
            app.token = Loadable::Ready(TokenView::new(info, app.clock));
            if !matches!(
                app.session.renewal,
                RenewalState::AtMaxTtl | RenewalState::InFlight
            ) {
                app.session.prompted = false;
                schedule(app);
            }
        }
        Err(error) if error.is_permission_denied() => rejected(app),
        Err(error) => app.token = Loadable::Failed(error.to_string()),
    }
    Vec::new()
}

/// Each tick: renew when due, and open the login dialog when the token is about to end.
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let Loadable::Ready(view) = &app.token else {
        return Vec::new();
    };
    let now = app.clock;
    let remaining = view.remaining(now);
    let margin = relogin_margin(&view.info);
    let increment = if view.info.creation_ttl > 0 {
        view.info.creation_ttl
    } else {
        view.info.ttl_seconds
    };
    let ending = !matches!(
        app.session.renewal,
        RenewalState::Due(_) | RenewalState::InFlight | RenewalState::Retrying { .. }
    );
    if let Some(left) = remaining
        && left <= margin
        && ending
        && !app.session.prompted
    {
        app.session.prompted = true;
        let ends_at = view.ends_at.unwrap_or(now);
        open_login(app, LoginReason::Ending { ends_at });
        return Vec::new();
    }
    match app.session.renewal {
        RenewalState::Due(at) | RenewalState::Retrying { at, .. } if now >= at => {
            if let RenewalState::Retrying { failures, .. } = app.session.renewal {
                app.session.failures_before_flight = failures;
            } else {
                app.session.failures_before_flight = 0;
            }
            app.session.renewal = RenewalState::InFlight;
            vec![Effect::RenewToken { increment }]
        }
        _ => Vec::new(),
    }
}

/// A renew-self answer: a new TTL and schedule, the max-TTL stop, or a retry with backoff.
pub fn token_renewed(
    app: &mut App,
    increment: u64,
    result: Result<Renewal, VaultError>,
) -> Vec<Effect> {
    let Loadable::Ready(view) = &mut app.token else {
        return Vec::new();
    };
    match result {
        Ok(renewal) => {
            view.info.ttl_seconds = renewal.lease_duration;
            view.info.renewable = renewal.renewable;
            view.looked_up_at = app.clock;
            // A renewed token has an end, now lease_duration away (0: it has ended; at its max
            // TTL the server renews to nothing, which is not "never expires").
            view.ends_at = Some(app.clock + Duration::from_secs(renewal.lease_duration));
            let capped = renewal.capped(increment);
            if capped || !renewal.renewable {
                app.session.renewal = RenewalState::AtMaxTtl;
                // No seconds here: a status line does not count down, the header does.
                app.set_status(
                    StatusKind::Warning,
                    "The token reached its max TTL (the header counts down to its end); you will be asked to log in again.",
                );
            } else {
                let due = renewal_due(view);
                app.session.renewal = RenewalState::Due(due);
            }
            Vec::new()
        }
        Err(error) if error.is_permission_denied() => {
            rejected(app);
            Vec::new()
        }
        Err(error) => {
            let failures = app.session.failures_before_flight + 1;
            let backoff = Duration::from_secs(1 << failures.min(6)).min(MAX_BACKOFF);
            // Never wait past the token's end for the next try.
            let left = view.remaining(app.clock).unwrap_or(u64::MAX);
            let wait = backoff.min(Duration::from_secs(left / 2).max(Duration::from_secs(1)));
            app.session.renewal = RenewalState::Retrying {
                at: app.clock + wait,
                failures,
            };
            app.set_status(
                StatusKind::Warning,
                format!(
                    "Renewing the token failed ({error}); trying again (the header counts down)."
                ),
            );
            Vec::new()
        }
    }
}

/// The login dialog was closed without a login: what waited for it fails with the reason, so
/// nothing shows "loading" forever. The requests stay parked: a later login still sends them.
pub fn login_given_up(app: &mut App) -> Vec<Effect> {
    let answers: Vec<Action> = app
        .session
        .parked
        .iter()
        .filter_map(|effect| match effect {
            Effect::LoadMounts { generation } => Some(Action::MountsLoaded {
                generation: *generation,
                result: Err(VaultError::TokenRejected),
            }),
            Effect::ListFolder {
                generation, node, ..
            } => Some(Action::FolderListed {
                generation: *generation,
                node: *node,
                result: Err(VaultError::TokenRejected),
            }),
            Effect::ReadSecret { request, .. } => Some(Action::SecretLoaded {
                request: *request,
                result: Err(VaultError::TokenRejected),
            }),
            Effect::LoadMetadata { request, .. } => Some(Action::MetadataLoaded {
                request: *request,
                result: Err(VaultError::TokenRejected),
            }),
            Effect::ListLeases { prefix } => Some(Action::LeasesListed {
                prefix: prefix.clone(),
                result: Err(VaultError::TokenRejected),
            }),
            Effect::LookupLease { lease_id } => Some(Action::LeaseLookedUp {
                lease_id: lease_id.clone(),
                result: Err(VaultError::TokenRejected),
            }),
            _ => None,
        })
        .collect();
    answers
        .into_iter()
        .flat_map(|action| crate::app::update(app, action))
        .collect()
}

/// A request came back refused because the token no longer works: keep it for after the login.
pub fn session_lost(app: &mut App, retry: Effect) -> Vec<Effect> {
    if !app.session.parked.contains(&retry) {
        if app.session.parked.len() >= MAX_PARKED {
            app.session.parked.remove(0);
        }
        app.session.parked.push(retry);
    }
    rejected(app);
    Vec::new()
}

/// Opens the login dialog on top of the current screen (the modal underneath stays as it is).
pub fn open_login(app: &mut App, reason: LoginReason) {
    match &mut app.login {
        Some(form) => {
            form.reason = Some(reason);
            form.busy = false;
        }
        None => {
            let mut form = LoginForm::new(&app.login_defaults);
            form.reason = Some(reason);
            app.login = Some(form);
        }
    }
}

/// After a login: the new token's view, its schedule, fresh capabilities, and the parked
/// requests sent again (plus the mount list if it never loaded).
pub fn logged_in(app: &mut App, info: TokenInfo, saved_to: Option<String>) -> Vec<Effect> {
    let name = info.display_name.clone();
    app.connection.has_token = true;
    app.token = Loadable::Ready(TokenView::new(info, app.clock));
    app.session.prompted = false;
    app.session.accepted = true;
    app.session.rejected = None;
    schedule(app);
    app.login = None;
    app.capabilities.clear();
    app.capabilities_pending.clear();
    let mut effects = std::mem::take(&mut app.session.parked);
    let retried = effects.len();
    if effects.is_empty() {
        // A new identity may see other mounts and secrets: show the tree as it sees it.
        effects = super::update::refresh(app);
        effects.retain(|e| !matches!(e, Effect::LookupToken));
    } else if !matches!(app.mounts, Loadable::Ready(())) || app.tree.roots.is_empty() {
        let load = Effect::LoadMounts {
            generation: app.tree.generation,
        };
        if !effects.contains(&load) {
            effects.push(load);
        }
    }
    let saved = saved_to.map_or_else(String::new, |path| {
        format!("; saved as the default token in {path}")
    });
    let retried = if retried == 0 {
        String::new()
    } else {
        format!("; {retried} request(s) sent again")
    };
    app.set_status(
        StatusKind::Info,
        format!("Logged in as {name}{saved}{retried}"),
    );
    effects
}

/// After a logout: no token, no renewal, and the login dialog.
pub fn logged_out(app: &mut App, result: Result<(), VaultError>) -> Vec<Effect> {
    app.connection.has_token = false;
    app.token = Loadable::Failed("logged out".into());
    app.session = Session::default();
    app.capabilities.clear();
    match result {
        Ok(()) => app.set_status(StatusKind::Info, "Logged out: the token was revoked."),
        Err(error) => app.set_status(
            StatusKind::Warning,
            format!("Logged out here, but revoking the token failed: {error}"),
        ),
    }
    open_login(app, LoginReason::LoggedOut);
    Vec::new()
}
