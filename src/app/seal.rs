//! The Seal screen (`S`; opens by itself when the server says it is sealed): every node's own seal
//! state, refreshed every few seconds without blocking; unseal a node (or each sealed node in
//! turn) with key shares typed into a masked field; reset progress; seal behind a typed "seal".

use super::action::Effect;
use super::connectivity::Reachability;
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::login::LoginReason;
use super::state::{App, Loadable, Modal, StatusKind};
use crate::secret::SecretText;
use crate::vault::seal::{HaNode, Health, LeaderInfo, check_share};
use crate::vault::{SealStatus, VaultError};
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Duration;

/// How often the open screen asks again.
pub const SEAL_REFRESH: Duration = Duration::from_secs(3);
/// The word to type before a seal.
pub const SEAL_WORD: &str = "seal";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeView {
    pub addr: String,
    pub status: Loadable<SealStatus, VaultError>,
    pub health: Option<Health>,
    /// From `sys/ha-status`, when the token may read it.
    pub ha: Option<HaNode>,
}

/// Defined beside the client, which gathers them; named here for the app's code.
pub use crate::vault::seal::{NodeReport, SealOverview};

/// What the screen is doing: one mode at a time, so a share field and the seal question can never
/// be open together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SealMode {
    #[default]
    Browse,
    /// A share being typed (masked) for the selected node.
    Share(ShareEntry),
    /// The word being typed before a seal.
    ConfirmSeal(TextInput),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareEntry {
    pub input: TextInput,
    /// `U`: after a node unseals, go on with the next sealed one.
    pub each_in_turn: bool,
    /// Typed for a follower that has not joined yet: sent once it has.
    pub held: bool,
}

impl ShareEntry {
    fn new(each_in_turn: bool) -> Self {
        Self {
            each_in_turn,
            ..Self::default()
        }
    }
}

/// The request the screen waits for (one at a time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    Unseal {
        addr: String,
        /// The node's progress when the share was sent.
        progress_before: Option<u32>,
    },
    Reset {
        addr: String,
    },
    Seal {
        addr: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealScreen {
    pub nodes: Vec<NodeView>,
    pub cursor: usize,
    pub leader: Option<LeaderInfo>,
    /// Why the node list may be incomplete (no token, or no read on sys/ha-status).
    pub ha_note: Option<String>,
    pub refreshing: bool,
    /// When the last refresh went out.
    pub last_refresh: Duration,
    /// When the last overview came back (`None`: not yet).
    pub answered_at: Option<Duration>,
    pub mode: SealMode,
    pub waiting: Option<Waiting>,
    pub message: Option<(StatusKind, String)>,
    /// After an unseal answer that carried no progress: the node whose progress the next
    /// refresh reports, in the server's words.
    pub report_progress: Option<String>,
}

impl SealScreen {
    fn new(addresses: Vec<String>) -> Self {
        Self {
            nodes: addresses
                .into_iter()
                .map(|addr| NodeView {
                    addr,
                    status: Loadable::Loading,
                    health: None,
                    ha: None,
                })
                .collect(),
            cursor: 0,
            leader: None,
            ha_note: None,
            refreshing: false,
            last_refresh: Duration::ZERO,
            answered_at: None,
            mode: SealMode::Browse,
            waiting: None,
            message: None,
            report_progress: None,
        }
    }

    pub fn selected(&self) -> Option<&NodeView> {
        self.nodes.get(self.cursor)
    }

    pub fn busy(&self) -> bool {
        self.waiting.is_some()
    }

    /// The share being typed, if any.
    pub fn share(&self) -> Option<&ShareEntry> {
        match &self.mode {
            SealMode::Share(entry) => Some(entry),
            _ => None,
        }
    }

    fn each_in_turn(&self) -> bool {
        self.share().is_some_and(|entry| entry.each_in_turn)
    }

    /// Sealed by its own seal-status, or by its answer to a request (503 "sealed").
    fn is_sealed(node: &NodeView) -> bool {
        matches!(
            &node.status,
            Loadable::Ready(SealStatus { sealed: true, .. }) | Loadable::Failed(VaultError::Sealed)
        )
    }

    fn next_sealed(&self) -> Option<usize> {
        let count = self.nodes.len();
        (1..=count)
            .map(|step| (self.cursor + step) % count)
            .find(|&index| Self::is_sealed(&self.nodes[index]))
    }

    /// A node finished unsealing: go on with the next sealed one (`U`), or stop taking shares.
    /// Returns the words to add to the message.
    fn after_unsealed(&mut self) -> Option<String> {
        match self.next_sealed().filter(|_| self.each_in_turn()) {
            Some(next) => {
                self.cursor = next;
                self.mode = SealMode::Share(ShareEntry::new(true));
                Some(format!("Next: {}.", self.nodes[next].addr))
            }
            None => {
                self.mode = SealMode::Browse;
                None
            }
        }
    }
}

/// The header's own view of the server's seal state (the screen asks for itself while open).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealWatch {
    /// `App::clock` of the last answer about the server's seal state.
    pub seen_at: Option<Duration>,
    /// A `sys/seal-status` for the header went out at this clock and has no answer yet.
    pub asked_at: Option<Duration>,
}

/// An ask with no answer after this long is given up on (the next one goes out).
const ASK_TIMEOUT: Duration = Duration::from_secs(30);

/// Records what the server itself said about its seal: the header's state and, while the Seal
/// screen is open, its row for the server. Every answer about the server's seal goes through
/// here, so the two never disagree. When the server comes back from sealed, the rest of the app
/// reloads (the effects returned).
#[must_use]
fn record_main(app: &mut App, status: Loadable<SealStatus, VaultError>) -> Vec<Effect> {
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
    if let Some(screen) = screen(app)
        && let Some(node) = screen.nodes.iter_mut().find(|n| n.addr == main_addr)
    {
        node.status = status.clone();
    }
    app.seal = status;
    app.seal_watch.seen_at = Some(app.clock);
    if !(was_sealed && unsealed) {
        return Vec::new();
    }
    let effects = super::update::refresh(app);
    if !app.connection.has_token {
        super::session::open_login(app, LoginReason::NoToken);
    }
    effects
}

/// What is known of a node's seal, as the header and the Seal screen show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealState {
    Checking,
    Unsealed,
    /// Its seal-status says so, or a request was refused with "sealed" (503).
    Sealed,
    NotInitialized,
    /// Its certificate was refused: it answered, but is not trusted.
    TlsRefused,
    /// It answered with a redirect that was not followed.
    Redirected,
    /// No answer (connection refused, timed out).
    Unreachable,
    /// Some other error.
    Unknown,
}

impl SealState {
    pub fn of(status: &Loadable<SealStatus, VaultError>) -> Self {
        match status {
            Loadable::Loading => SealState::Checking,
            Loadable::Ready(s) if !s.initialized => SealState::NotInitialized,
            Loadable::Ready(s) if s.sealed => SealState::Sealed,
            Loadable::Ready(_) => SealState::Unsealed,
            Loadable::Failed(VaultError::Sealed) => SealState::Sealed,
            Loadable::Failed(VaultError::Tls(_)) => SealState::TlsRefused,
            Loadable::Failed(VaultError::Redirect(_)) => SealState::Redirected,
            Loadable::Failed(error) if error.is_unreachable() => SealState::Unreachable,
            Loadable::Failed(_) => SealState::Unknown,
        }
    }
}

fn is_sealed(seal: &Loadable<SealStatus, VaultError>) -> bool {
    SealState::of(seal) == SealState::Sealed
}

fn main_addr(app: &App) -> String {
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

fn screen(app: &mut App) -> Option<&mut SealScreen> {
    match &mut app.modal {
        Some(Modal::Seal(screen)) => Some(screen),
        _ => None,
    }
}

/// The addresses to ask: the server, the profile's nodes, and those the cluster reported.
fn addresses(app: &App) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |addr: &str| {
        let addr = addr.trim_end_matches('/').to_string();
        if !addr.is_empty() && !out.contains(&addr) {
            out.push(addr);
        }
    };
    add(&app.connection.addr);
    for node in &app.watch_nodes {
        add(node);
    }
    if let Some(Modal::Seal(screen)) = &app.modal {
        for node in &screen.nodes {
            add(&node.addr);
        }
    }
    out
}

fn refresh(app: &mut App) -> Vec<Effect> {
    let nodes = addresses(app);
    let clock = app.clock;
    // sys/ha-status needs the token: a token with a use limit does not spend uses on it.
    let ask_cluster = !matches!(&app.token, Loadable::Ready(view) if view.uses_left.is_some());
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    // One at a time, unless the last one went unanswered for too long.
    if screen.refreshing && clock.saturating_sub(screen.last_refresh) < ASK_TIMEOUT {
        return Vec::new();
    }
    screen.refreshing = true;
    screen.last_refresh = clock;
    vec![Effect::LoadSealOverview { nodes, ask_cluster }]
}

/// `S`, or by itself on a sealed answer: the screen, and a first refresh.
pub fn open(app: &mut App) -> Vec<Effect> {
    if !matches!(app.modal, Some(Modal::Seal(_))) {
        app.modal = Some(Modal::Seal(Box::new(SealScreen::new(addresses(app)))));
    }
    refresh(app)
}

/// The server said it is sealed: show the Seal screen unless the user is in the middle of
/// something (then the status line says it). A login dialog opened only for a missing token
/// gives way: there is nothing to log in to while sealed.
pub fn server_sealed(app: &mut App) -> Vec<Effect> {
    if app
        .login
        .as_ref()
        .is_some_and(|f| f.reason == Some(LoginReason::NoToken))
    {
        app.login = None;
    }
    match &app.modal {
        None | Some(Modal::Help { .. }) | Some(Modal::Seal(_)) => open(app),
        Some(_) => {
            app.set_status(
                StatusKind::Error,
                "The server is sealed: S opens the Seal screen.",
            );
            Vec::new()
        }
    }
}

/// Every few seconds: the open screen asks for the overview (the server's own row included);
/// otherwise the header asks for the server's seal state, so a seal from anywhere shows within
/// [`SEAL_REFRESH`].
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let now = app.clock;
    if let Some(Modal::Seal(screen)) = &app.modal {
        let since = now.saturating_sub(screen.last_refresh);
        let due = if screen.refreshing {
            since >= ASK_TIMEOUT
        } else {
            since >= SEAL_REFRESH
        };
        return if due { refresh(app) } else { Vec::new() };
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

pub fn overview_loaded(app: &mut App, overview: SealOverview) -> Vec<Effect> {
    let main_addr = main_addr(app);
    let has_token = app.connection.has_token;
    let clock = app.clock;
    if !matches!(app.modal, Some(Modal::Seal(_))) {
        return Vec::new();
    }
    // The server's own answer is the header's too (and, when it is back, the tree reloads).
    let mut back = Vec::new();
    if let Some(report) = overview.nodes.iter().find(|r| r.addr == main_addr) {
        let status = match &report.status {
            Ok(status) => Loadable::Ready(status.clone()),
            Err(error) => Loadable::Failed(error.clone()),
        };
        back = record_main(app, status);
    }
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    screen.refreshing = false;
    screen.answered_at = Some(clock);
    screen.leader = overview.leader.ok();
    let ha_nodes = match overview.ha {
        Some(Ok(nodes)) => {
            screen.ha_note = None;
            nodes
        }
        Some(Err(error)) if error.is_permission_denied() => {
            screen.ha_note = Some(
                "The token may not read sys/ha-status: only the server and the profile's nodes are shown."
                    .into(),
            );
            Vec::new()
        }
        Some(Err(_)) => Vec::new(),
        None => {
            if !has_token {
                screen.ha_note =
                    Some("No token: the other nodes of the cluster are not listed.".into());
            }
            Vec::new()
        }
    };
    for report in overview.nodes {
        let index = match screen.nodes.iter().position(|n| n.addr == report.addr) {
            Some(index) => index,
            None => {
                screen.nodes.push(NodeView {
                    addr: report.addr.clone(),
                    status: Loadable::Loading,
                    health: None,
                    ha: None,
                });
                screen.nodes.len() - 1
            }
        };
        let node = &mut screen.nodes[index];
        node.status = match report.status {
            Ok(status) => Loadable::Ready(status),
            Err(error) => Loadable::Failed(error),
        };
        node.health = report.health;
    }
    for ha in ha_nodes {
        let addr = ha.api_address.trim_end_matches('/').to_string();
        match screen.nodes.iter_mut().find(|n| n.addr == addr) {
            Some(node) => node.ha = Some(ha),
            // A node the cluster knows of that was not asked yet: asked on the next refresh.
            None => screen.nodes.push(NodeView {
                addr,
                status: Loadable::Loading,
                health: None,
                ha: Some(ha),
            }),
        }
    }
    screen.cursor = screen.cursor.min(screen.nodes.len().saturating_sub(1));
    report_server_progress(screen);
    let joined = screen
        .selected()
        .is_some_and(|n| matches!(&n.status, Loadable::Ready(s) if s.initialized && s.sealed));
    let held = screen.share().is_some_and(|entry| entry.held);
    let mut effects = Vec::new();
    if held && joined && !screen.busy() {
        effects = send_share(screen);
    }
    // The node being unsealed finished on its own (a joining raft node): go on or stop.
    let selected_open = screen
        .selected()
        .is_some_and(|n| matches!(&n.status, Loadable::Ready(s) if !s.sealed));
    if screen.share().is_some() && selected_open && !screen.busy() {
        let done = screen
            .selected()
            .map(|n| n.addr.clone())
            .unwrap_or_default();
        let next = screen.after_unsealed();
        let text = match next {
            Some(next) => format!("{done} is unsealed. {next}"),
            None => format!("{done} is unsealed."),
        };
        screen.message = Some((StatusKind::Info, text));
    }
    effects.extend(back);
    effects
}

/// After an unseal answer that carried no progress (a refusal, an error): the refreshed row
/// says where progress stands, in the server's words, after the message.
fn report_server_progress(screen: &mut SealScreen) {
    let Some(addr) = screen.report_progress.take() else {
        return;
    };
    let said = match screen
        .nodes
        .iter()
        .find(|n| n.addr == addr)
        .map(|n| &n.status)
    {
        Some(Loadable::Ready(s)) if !s.sealed => "The server says: unsealed.".to_string(),
        Some(Loadable::Ready(s)) => format!(
            "The server says: progress {} of {}.",
            s.progress, s.threshold
        ),
        _ => return,
    };
    match &mut screen.message {
        Some((_, text)) => {
            text.push(' ');
            text.push_str(&said);
        }
        None => screen.message = Some((StatusKind::Info, said)),
    }
}

/// An unseal (or reset) answer for `addr`.
pub fn unseal_answered(
    app: &mut App,
    addr: String,
    reset: bool,
    result: Result<SealStatus, VaultError>,
) -> Vec<Effect> {
    let mut back = Vec::new();
    if addr == main_addr(app)
        && let Ok(status) = &result
    {
        back = record_main(app, Loadable::Ready(status.clone()));
    }
    let Some(screen) = screen(app) else {
        return back;
    };
    let before = match screen.waiting.take() {
        Some(Waiting::Unseal {
            progress_before, ..
        }) => progress_before,
        _ => None,
    };
    let Some(index) = screen.nodes.iter().position(|n| n.addr == addr) else {
        return back;
    };
    let message = match result {
        Ok(status) => {
            // A raft node that got its last share joins the cluster before it unseals.
            let joining = status.sealed
                && status.progress == 0
                && before.is_some_and(|b| b + 1 >= status.threshold);
            let text = if reset {
                (
                    StatusKind::Info,
                    format!(
                        "Unseal progress of {addr} reset: {} of {}.",
                        status.progress, status.threshold
                    ),
                )
            } else if !status.sealed {
                (StatusKind::Info, format!("{addr} is unsealed."))
            } else if before.is_some_and(|b| status.progress == b) && status.progress > 0 {
                (
                    StatusKind::Warning,
                    format!(
                        "That share did not advance progress ({} of {}): it was already given in this round.",
                        status.progress, status.threshold
                    ),
                )
            } else if joining {
                (
                    StatusKind::Info,
                    format!(
                        "Threshold reached: {addr} is unsealing (a raft node first joins the cluster; a few seconds)."
                    ),
                )
            } else if before.is_some_and(|b| status.progress < b) {
                (
                    StatusKind::Warning,
                    format!(
                        "The server says progress is back to {} of {}.",
                        status.progress, status.threshold
                    ),
                )
            } else {
                (
                    StatusKind::Info,
                    format!(
                        "Share accepted: {} of {}. Enter the next share.",
                        status.progress, status.threshold
                    ),
                )
            };
            // Done with this node: unsealed, or a raft node that got its last share and joins.
            let unsealed = !status.sealed || joining;
            screen.nodes[index].status = Loadable::Ready(status);
            if unsealed {
                match screen.after_unsealed() {
                    Some(next) => (StatusKind::Info, format!("{} {next}", text.1)),
                    None => text,
                }
            } else {
                if reset {
                    screen.mode = SealMode::Browse;
                }
                text
            }
        }
        Err(error) => {
            // The answer says nothing of progress: the refresh below asks, and the message
            // then says what the server says (a refusal does not always reset it).
            screen.report_progress = Some(addr.clone());
            let detail = match &error {
                VaultError::Server {
                    status: 400,
                    errors,
                    ..
                } => {
                    let lines = crate::vault::error::server_lines(errors).join("; ");
                    format!("The server refused the share ({lines}).")
                }
                other => format!("Unseal failed: {other}."),
            };
            (StatusKind::Error, detail)
        }
    };
    screen.message = Some(message);
    let mut effects = refresh_after_answer(app);
    effects.extend(back);
    effects
}

fn refresh_after_answer(app: &mut App) -> Vec<Effect> {
    if let Some(screen) = screen(app) {
        screen.refreshing = false;
    }
    refresh(app)
}

pub fn seal_answered(app: &mut App, addr: String, result: Result<(), VaultError>) -> Vec<Effect> {
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    screen.waiting = None;
    screen.message = Some(match result {
        Ok(()) => (StatusKind::Warning, format!("{addr} is sealed.")),
        Err(error) if error.is_permission_denied() => (
            StatusKind::Error,
            "Sealing needs a token with sudo on sys/seal (root or an operator policy).".into(),
        ),
        Err(error) => (StatusKind::Error, format!("Sealing {addr} failed: {error}")),
    });
    refresh_after_answer(app)
}

fn send_share(screen: &mut SealScreen) -> Vec<Effect> {
    let Some(node) = screen.nodes.get(screen.cursor) else {
        return Vec::new();
    };
    let addr = node.addr.clone();
    let progress_before = match &node.status {
        Loadable::Ready(status) => Some(status.progress),
        _ => None,
    };
    let joined = !matches!(&node.status, Loadable::Ready(s) if !s.initialized);
    let SealMode::Share(entry) = &mut screen.mode else {
        return Vec::new();
    };
    // Refused here, not by the server: the text stays (masked) for correction.
    if let Err(problem) = check_share(&entry.input.text) {
        screen.message = Some((StatusKind::Warning, format!("Not sent: {problem}.")));
        return Vec::new();
    }
    if !joined {
        // The share stays typed: it is sent once the node has joined.
        entry.held = true;
        screen.message = Some((
            StatusKind::Info,
            "This node has not joined the cluster yet (a raft follower joins once the leader is unsealed): the share is sent as soon as it has.".into(),
        ));
        return Vec::new();
    }
    entry.held = false;
    let share = SecretText::new(entry.input.text.trim());
    // The typed text is wiped as the old input drops.
    entry.input = TextInput::default();
    screen.waiting = Some(Waiting::Unseal {
        addr: addr.clone(),
        progress_before,
    });
    vec![Effect::Unseal { addr, share }]
}

/// Keys while the Seal screen is open.
pub fn on_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let command = app.keymap.command(Scope::Seal, key);
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    let busy = screen.busy();
    match &mut screen.mode {
        SealMode::Share(entry) => {
            return match key.code {
                KeyCode::Esc => {
                    screen.mode = SealMode::Browse;
                    Vec::new()
                }
                KeyCode::Enter if !busy => send_share(screen),
                _ => {
                    entry.input.handle_key(key);
                    Vec::new()
                }
            };
        }
        SealMode::ConfirmSeal(input) => {
            return match key.code {
                KeyCode::Esc => {
                    screen.mode = SealMode::Browse;
                    Vec::new()
                }
                KeyCode::Enter => {
                    let typed = input.text.trim() == SEAL_WORD;
                    screen.mode = SealMode::Browse;
                    match (typed, screen.selected()) {
                        (true, Some(node)) => {
                            let addr = node.addr.clone();
                            screen.waiting = Some(Waiting::Seal { addr: addr.clone() });
                            vec![Effect::SealNode { addr }]
                        }
                        _ => {
                            screen.message = Some((
                                StatusKind::Info,
                                format!("Not sealed: type {SEAL_WORD:?} to confirm."),
                            ));
                            Vec::new()
                        }
                    }
                }
                _ => {
                    input.handle_key(key);
                    Vec::new()
                }
            };
        }
        SealMode::Browse => {}
    }
    let Some(command) = command else {
        return Vec::new();
    };
    match command {
        Command::Close => {
            app.modal = None;
            Vec::new()
        }
        Command::Down => {
            screen.cursor = (screen.cursor + 1).min(screen.nodes.len().saturating_sub(1));
            Vec::new()
        }
        Command::Up => {
            screen.cursor = screen.cursor.saturating_sub(1);
            Vec::new()
        }
        Command::Unseal | Command::UnsealEach => {
            let each = command == Command::UnsealEach;
            let sealed_here = screen.selected().is_some_and(SealScreen::is_sealed);
            if !sealed_here {
                match screen.next_sealed().filter(|_| each) {
                    Some(next) => screen.cursor = next,
                    None => {
                        let asking = screen
                            .selected()
                            .is_some_and(|n| matches!(n.status, Loadable::Loading));
                        screen.message = Some((
                            StatusKind::Info,
                            if each {
                                "No node is sealed.".to_string()
                            } else if asking {
                                "Still asking this node for its seal state.".to_string()
                            } else {
                                "This node is not sealed.".to_string()
                            },
                        ));
                        return Vec::new();
                    }
                }
            }
            screen.mode = SealMode::Share(ShareEntry::new(each));
            screen.message = None;
            Vec::new()
        }
        Command::ResetProgress => match screen.selected() {
            Some(node) if SealScreen::is_sealed(node) && !screen.busy() => {
                let addr = node.addr.clone();
                screen.waiting = Some(Waiting::Reset { addr: addr.clone() });
                vec![Effect::UnsealReset { addr }]
            }
            Some(node) if SealScreen::is_sealed(node) => Vec::new(),
            _ => {
                screen.message = Some((StatusKind::Info, "This node is not sealed.".into()));
                Vec::new()
            }
        },
        Command::Seal => {
            screen.mode = SealMode::ConfirmSeal(TextInput::default());
            Vec::new()
        }
        Command::Refresh => {
            screen.refreshing = false;
            refresh(app)
        }
        _ => Vec::new(),
    }
}

/// Pasted text goes into the share field (shares are usually pasted).
pub fn on_paste(screen: &mut SealScreen, text: &str) {
    match &mut screen.mode {
        SealMode::Share(entry) => entry.input.insert_str(text.trim()),
        SealMode::ConfirmSeal(input) => input.insert_str(text.trim()),
        SealMode::Browse => {}
    }
}
