//! The server's seal state and the refreshes: the header's own watch (a `sys/seal-status` every
//! few seconds while the Seal screen is closed), the open screen's overview of every node, and
//! [`record_main`], through which every answer about the server's own seal goes, so the header
//! and the screen's row for the server never disagree.

use super::{Modal, NodeView, SealOverview, SealScreen, screen_mut, share};
use crate::app::action::Effect;
use crate::app::connectivity::Reachability;
use crate::app::login::LoginReason;
use crate::app::state::{App, Loadable, StatusKind};
use crate::vault::{SealStatus, VaultError};
use std::time::Duration;

/// How often the open screen asks again.
pub const SEAL_REFRESH: Duration = Duration::from_secs(3);

/// An ask with no answer after this long is given up on (the next one goes out).
const ASK_TIMEOUT: Duration = Duration::from_secs(30);

/// The header's own view of the server's seal state (the screen asks for itself while open).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealWatch {
    /// `App::clock` of the last answer about the server's seal state.
    pub seen_at: Option<Duration>,
    /// A `sys/seal-status` for the header went out at this clock and has no answer yet.
    pub asked_at: Option<Duration>,
}

/// The Seal screen's overview requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshing {
    /// One is out (one at a time, unless it goes unanswered for too long).
    pub in_flight: bool,
    /// When the last went out.
    pub sent_at: Duration,
    /// When the last came back (`None`: not yet).
    pub answered_at: Option<Duration>,
}

/// What an overview request needs from the rest of the app.
#[derive(Debug, Clone)]
pub(super) struct Asking {
    /// The server and the profile's nodes.
    pub nodes: Vec<String>,
    /// sys/ha-status needs the token: a token with a use limit does not spend uses on it.
    pub ask_cluster: bool,
    pub clock: Duration,
}

impl Asking {
    pub fn of(app: &App) -> Self {
        let mut nodes = Vec::new();
        add_address(&mut nodes, &app.connection.addr);
        for node in &app.watch_nodes {
            add_address(&mut nodes, node);
        }
        Self {
            nodes,
            ask_cluster: !matches!(&app.token, Loadable::Ready(view) if view.uses_left.is_some()),
            clock: app.clock,
        }
    }
}

fn add_address(out: &mut Vec<String>, addr: &str) {
    let addr = addr.trim_end_matches('/').to_string();
    if !addr.is_empty() && !out.contains(&addr) {
        out.push(addr);
    }
}

impl SealScreen {
    /// The overview request: the server, the profile's nodes and those the cluster reported.
    pub(super) fn ask(&mut self, asking: &Asking) -> Vec<Effect> {
        let since = asking.clock.saturating_sub(self.refresh.sent_at);
        if self.refresh.in_flight && since < ASK_TIMEOUT {
            return Vec::new();
        }
        let mut nodes = asking.nodes.clone();
        for node in &self.nodes {
            add_address(&mut nodes, &node.addr);
        }
        self.refresh.in_flight = true;
        self.refresh.sent_at = asking.clock;
        vec![Effect::LoadSealOverview {
            nodes,
            ask_cluster: asking.ask_cluster,
        }]
    }

    /// Whether the next overview is due at `clock`.
    fn due(&self, clock: Duration) -> bool {
        let since = clock.saturating_sub(self.refresh.sent_at);
        if self.refresh.in_flight {
            since >= ASK_TIMEOUT
        } else {
            since >= SEAL_REFRESH
        }
    }
}

/// An overview request for the open screen (none when it is closed).
pub(super) fn refresh_open_screen(app: &mut App) -> Vec<Effect> {
    let asking = Asking::of(app);
    screen_mut(app).map_or_else(Vec::new, |screen| screen.ask(&asking))
}

/// An answer changed what the screen shows: ask again now.
pub(super) fn refresh_after_answer(app: &mut App) -> Vec<Effect> {
    if let Some(screen) = screen_mut(app) {
        screen.refresh.in_flight = false;
    }
    refresh_open_screen(app)
}

/// Records what the server itself said about its seal: the header's state and, while the Seal
/// screen is open, its row for the server. Every answer about the server's seal goes through
/// here, so the two never disagree. When the server comes back from sealed, the rest of the app
/// reloads (the effects returned).
#[must_use]
pub(super) fn record_main(app: &mut App, status: Loadable<SealStatus, VaultError>) -> Vec<Effect> {
    let was_sealed = is_sealed(&app.seal);
    let unsealed = matches!(&status, Loadable::Ready(s) if !s.sealed);
    if let Loadable::Ready(s) = &status
        && s.sealed
        && !was_sealed
    {
        app.set_status(
            StatusKind::Error,
            "The server is sealed: reads will fail until it is unsealed.",
        );
    }
    let main_addr = main_addr(app);
    if let Some(screen) = screen_mut(app)
        && let Some(node) = screen.nodes.iter_mut().find(|n| n.addr == main_addr)
    {
        node.status = status.clone();
    }
    app.seal = status;
    app.seal_watch.seen_at = Some(app.clock);
    if !(was_sealed && unsealed) {
        return Vec::new();
    }
    let effects = crate::app::update::refresh(app);
    if !app.connection.has_token {
        crate::app::session::open_login(app, LoginReason::NoToken);
    }
    effects
}

fn is_sealed(seal: &Loadable<SealStatus, VaultError>) -> bool {
    super::SealState::of(seal) == super::SealState::Sealed
}

pub(super) fn main_addr(app: &App) -> String {
    app.connection.addr.trim_end_matches('/').to_string()
}

/// A request came back "sealed" (503): that is the server's word on its seal too.
pub fn sealed_answer(app: &mut App) {
    // From sealed to sealed: nothing to reload.
    let _ = record_main(app, Loadable::Failed(VaultError::Sealed));
}

/// A `sys/seal-status` answer for the server.
pub fn status_loaded(app: &mut App, result: Result<SealStatus, VaultError>) -> Vec<Effect> {
    app.seal_watch.asked_at = None;
    let status = match result {
        Ok(status) => Loadable::Ready(status),
        Err(error) => Loadable::Failed(error),
    };
    record_main(app, status)
}

/// How long ago the header's seal state was last confirmed, when that is longer than two
/// refreshes (so a slow or lost answer shows as old instead of as current).
pub fn seal_age(app: &App) -> Option<Duration> {
    stale_age(app.seal_watch.seen_at?, app.clock)
}

/// The age of an answer from `at`, when older than two refreshes.
pub fn stale_age(at: Duration, clock: Duration) -> Option<Duration> {
    let age = clock.saturating_sub(at);
    (age > SEAL_REFRESH * 2).then_some(age)
}

/// Every few seconds: the open screen asks for the overview (the server's own row included);
/// otherwise the header asks for the server's seal state, so a seal from anywhere shows within
/// [`SEAL_REFRESH`].
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let now = app.clock;
    if let Some(Modal::Seal(screen)) = &app.modal {
        return if screen.due(now) {
            refresh_open_screen(app)
        } else {
            Vec::new()
        };
    }
    // While the server is unreachable the connectivity probe asks instead.
    if !matches!(app.reachability, Reachability::Reachable) {
        return Vec::new();
    }
    let watch = &mut app.seal_watch;
    if watch
        .asked_at
        .is_some_and(|at| now.saturating_sub(at) < ASK_TIMEOUT)
    {
        return Vec::new();
    }
    let since = watch.seen_at.unwrap_or(Duration::ZERO);
    if now.saturating_sub(since) < SEAL_REFRESH {
        return Vec::new();
    }
    watch.asked_at = Some(now);
    vec![Effect::LoadSealStatus]
}

/// An overview for the open screen: the server's own answer is the header's too (and, when the
/// server is back, the tree reloads); every node's row, the cluster's view; then the share entry
/// goes on (a held share is sent, a node that unsealed on its own is done).
pub fn overview_loaded(app: &mut App, overview: SealOverview) -> Vec<Effect> {
    if !matches!(app.modal, Some(Modal::Seal(_))) {
        return Vec::new();
    }
    let main_addr = main_addr(app);
    let has_token = app.connection.has_token;
    let clock = app.clock;
    let mut back = Vec::new();
    if let Some(report) = overview.nodes.iter().find(|r| r.addr == main_addr) {
        let status = match &report.status {
            Ok(status) => Loadable::Ready(status.clone()),
            Err(error) => Loadable::Failed(error.clone()),
        };
        back = record_main(app, status);
    }
    let Some(screen) = screen_mut(app) else {
        return back;
    };
    screen.refresh.in_flight = false;
    screen.refresh.answered_at = Some(clock);
    screen.merge(overview, has_token);
    let mut effects = share::after_refresh(screen);
    effects.extend(back);
    effects
}

impl SealScreen {
    /// Every node's answers and the cluster's view into the rows (new nodes are added).
    fn merge(&mut self, overview: SealOverview, has_token: bool) {
        self.leader = overview.leader.ok();
        let ha_nodes = match overview.ha {
            Some(Ok(nodes)) => {
                self.ha_note = None;
                nodes
            }
            Some(Err(error)) if error.is_permission_denied() => {
                self.ha_note = Some(
                    "The token may not read sys/ha-status: only the server and the profile's nodes are shown."
                        .into(),
                );
                Vec::new()
            }
            Some(Err(_)) => Vec::new(),
            None => {
                if !has_token {
                    self.ha_note =
                        Some("No token: the other nodes of the cluster are not listed.".into());
                }
                Vec::new()
            }
        };
        for report in overview.nodes {
            let index = match self.nodes.iter().position(|n| n.addr == report.addr) {
                Some(index) => index,
                None => {
                    self.nodes.push(NodeView::asking(report.addr.clone()));
                    self.nodes.len() - 1
                }
            };
            let node = &mut self.nodes[index];
            node.status = match report.status {
                Ok(status) => Loadable::Ready(status),
                Err(error) => Loadable::Failed(error),
            };
            node.health = report.health;
        }
        // The cluster's view is this answer's, or none: what it said before (a node "active"
        // before it was sealed) is not current any more.
        for node in &mut self.nodes {
            node.ha = None;
        }
        for ha in ha_nodes {
            let addr = ha.api_address.trim_end_matches('/').to_string();
            match self.nodes.iter_mut().find(|n| n.addr == addr) {
                Some(node) => node.ha = Some(ha),
                // A node the cluster knows of that was not asked yet: asked on the next refresh.
                None => self.nodes.push(NodeView {
                    ha: Some(ha),
                    ..NodeView::asking(addr)
                }),
            }
        }
        self.cursor = self.cursor.min(self.nodes.len().saturating_sub(1));
    }
}
