//! The Seal screen (`S`; opens by itself when the server says it is sealed): every node's own seal
//! state, refreshed every few seconds without blocking; unseal a node (or each sealed node in
//! turn) with key shares typed into a masked field; reset progress; seal behind a typed "seal".

use super::action::Effect;
use super::input::TextInput;
use super::keymap::{self, SealCommand};
use super::login::LoginReason;
use super::state::{App, Loadable, Modal, StatusKind};
use crate::secret::SecretText;
use crate::vault::seal::{HaNode, Health, LeaderInfo};
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
    pub status: Loadable<SealStatus>,
    pub health: Option<Health>,
    /// From `sys/ha-status`, when the token may read it.
    pub ha: Option<HaNode>,
}

/// One node's answers in an overview.
#[derive(Debug, Clone)]
pub struct NodeReport {
    pub addr: String,
    pub status: Result<SealStatus, VaultError>,
    pub health: Option<Health>,
}

/// Everything one refresh found out.
#[derive(Debug, Clone)]
pub struct SealOverview {
    pub leader: Result<LeaderInfo, VaultError>,
    /// `None`: not asked (no token).
    pub ha: Option<Result<Vec<HaNode>, VaultError>>,
    pub nodes: Vec<NodeReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealScreen {
    pub nodes: Vec<NodeView>,
    pub cursor: usize,
    pub leader: Option<LeaderInfo>,
    /// Why the node list may be incomplete (no token, or no read on sys/ha-status).
    pub ha_note: Option<String>,
    pub refreshing: bool,
    pub last_refresh: Duration,
    /// The masked share being typed.
    pub share: Option<TextInput>,
    /// `U`: after a node unseals, go on with the next sealed one.
    pub each_in_turn: bool,
    pub confirm_seal: Option<TextInput>,
    pub message: Option<(StatusKind, String)>,
    pub busy: bool,
    /// Progress of the selected node when the last share was sent.
    pub progress_before: Option<u32>,
    /// A share typed for a follower that has not joined yet: sent once it has.
    pub held: bool,
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
            share: None,
            each_in_turn: false,
            confirm_seal: None,
            message: None,
            busy: false,
            progress_before: None,
            held: false,
        }
    }

    pub fn selected(&self) -> Option<&NodeView> {
        self.nodes.get(self.cursor)
    }

    fn is_sealed(node: &NodeView) -> bool {
        matches!(&node.status, Loadable::Ready(s) if s.sealed)
    }

    fn next_sealed(&self) -> Option<usize> {
        let count = self.nodes.len();
        (1..=count)
            .map(|step| (self.cursor + step) % count)
            .find(|&index| Self::is_sealed(&self.nodes[index]))
    }
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
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    if screen.refreshing {
        return Vec::new();
    }
    screen.refreshing = true;
    screen.last_refresh = clock;
    vec![Effect::LoadSealOverview { nodes }]
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

/// Every few seconds while open.
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let due = match &app.modal {
        Some(Modal::Seal(screen)) => app.clock.saturating_sub(screen.last_refresh) >= SEAL_REFRESH,
        _ => false,
    };
    if due { refresh(app) } else { Vec::new() }
}

pub fn overview_loaded(app: &mut App, overview: SealOverview) -> Vec<Effect> {
    let main_addr = app.connection.addr.trim_end_matches('/').to_string();
    let has_token = app.connection.has_token;
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    screen.refreshing = false;
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
    let mut main_unsealed = false;
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
        if report.addr == main_addr {
            main_unsealed = matches!(&report.status, Ok(s) if !s.sealed);
        }
        node.status = match report.status {
            Ok(status) => Loadable::Ready(status),
            Err(error) => Loadable::Failed(error.to_string()),
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
    let joined = screen
        .selected()
        .is_some_and(|n| matches!(&n.status, Loadable::Ready(s) if s.initialized && s.sealed));
    let mut effects = Vec::new();
    if screen.held && joined && !screen.busy {
        effects = send_share(screen);
    }
    // The node being unsealed finished on its own (a joining raft node): go on or stop.
    let selected_open = screen
        .selected()
        .is_some_and(|n| matches!(&n.status, Loadable::Ready(s) if !s.sealed));
    if screen.share.is_some() && selected_open && !screen.busy {
        let done = screen
            .selected()
            .map(|n| n.addr.clone())
            .unwrap_or_default();
        match screen.next_sealed().filter(|_| screen.each_in_turn) {
            Some(next) => {
                screen.cursor = next;
                screen.share = Some(TextInput::default());
                screen.message = Some((
                    StatusKind::Info,
                    format!("{done} is unsealed. Next: {}.", screen.nodes[next].addr),
                ));
            }
            None => {
                screen.share = None;
                screen.each_in_turn = false;
                screen.message = Some((StatusKind::Info, format!("{done} is unsealed.")));
            }
        }
    }
    // The server came back: bring the rest of the app back too.
    let recovered = main_unsealed
        && matches!(
            app.seal,
            Loadable::Failed(_) | Loadable::Ready(SealStatus { sealed: true, .. })
        );
    if recovered {
        app.seal = Loadable::Loading;
        effects.extend(super::update::refresh(app));
        if !app.connection.has_token {
            super::session::open_login(app, LoginReason::NoToken);
        }
        effects.retain(|e| !matches!(e, Effect::LoadSealStatus));
        effects.push(Effect::LoadSealStatus);
    }
    effects
}

/// An unseal (or reset) answer for `addr`.
pub fn unseal_answered(
    app: &mut App,
    addr: String,
    reset: bool,
    result: Result<SealStatus, VaultError>,
) -> Vec<Effect> {
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    screen.busy = false;
    let before = screen.progress_before.take();
    let Some(index) = screen.nodes.iter().position(|n| n.addr == addr) else {
        return Vec::new();
    };
    let message = match result {
        Ok(status) => {
            let text = if reset {
                (
                    StatusKind::Info,
                    format!("Unseal progress of {addr} reset."),
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
            } else if status.progress == 0 && before.is_some_and(|b| b + 1 >= status.threshold) {
                // A raft node that got its last share joins the cluster before it unseals.
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
                        "Progress went back to {} of {}.",
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
            let unsealed = !status.sealed
                || (status.progress == 0 && before.is_some_and(|b| b + 1 >= status.threshold));
            screen.nodes[index].status = Loadable::Ready(status);
            if unsealed {
                match screen.next_sealed().filter(|_| screen.each_in_turn) {
                    Some(next) => {
                        screen.cursor = next;
                        screen.share = Some(TextInput::default());
                        (
                            StatusKind::Info,
                            format!("{} Next: {}.", text.1, screen.nodes[next].addr),
                        )
                    }
                    None => {
                        screen.share = None;
                        screen.each_in_turn = false;
                        text
                    }
                }
            } else {
                if reset {
                    screen.share = None;
                }
                text
            }
        }
        Err(error) => {
            let detail = match &error {
                VaultError::Server {
                    status: 400,
                    errors,
                    ..
                } => {
                    let lines = crate::vault::error::server_lines(errors).join("; ");
                    format!(
                        "The server refused the share ({lines}). Unseal progress is reset: start again with the first share."
                    )
                }
                other => format!("Unseal failed: {other}"),
            };
            (StatusKind::Error, detail)
        }
    };
    screen.message = Some(message);
    refresh_after_answer(app)
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
    screen.busy = false;
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
    let Some(input) = screen.share.as_mut() else {
        return Vec::new();
    };
    if input.text.trim().is_empty() {
        screen.message = Some((
            StatusKind::Warning,
            "Type or paste a key share first.".into(),
        ));
        return Vec::new();
    }
    let Some(node) = screen.nodes.get(screen.cursor) else {
        return Vec::new();
    };
    if matches!(&node.status, Loadable::Ready(s) if !s.initialized) {
        // The share stays typed: it is sent once the node has joined.
        screen.held = true;
        screen.message = Some((
            StatusKind::Info,
            "This node has not joined the cluster yet (a raft follower joins once the leader is unsealed): the share is sent as soon as it has.".into(),
        ));
        return Vec::new();
    }
    screen.held = false;
    let share = SecretText::new(input.text.trim());
    // The typed text is wiped as the old input drops.
    *input = TextInput::default();
    screen.progress_before = match &node.status {
        Loadable::Ready(status) => Some(status.progress),
        _ => None,
    };
    screen.busy = true;
    vec![Effect::Unseal {
        addr: node.addr.clone(),
        share,
    }]
}

/// Keys while the Seal screen is open.
pub fn on_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let Some(screen) = screen(app) else {
        return Vec::new();
    };
    if let Some(input) = &mut screen.share {
        return match key.code {
            KeyCode::Esc => {
                screen.share = None;
                screen.each_in_turn = false;
                screen.held = false;
                Vec::new()
            }
            KeyCode::Enter if !screen.busy => send_share(screen),
            _ => {
                input.handle_key(key);
                Vec::new()
            }
        };
    }
    if let Some(input) = &mut screen.confirm_seal {
        return match key.code {
            KeyCode::Esc => {
                screen.confirm_seal = None;
                Vec::new()
            }
            KeyCode::Enter => {
                let typed = input.text.trim() == SEAL_WORD;
                screen.confirm_seal = None;
                match (typed, screen.selected()) {
                    (true, Some(node)) => {
                        let addr = node.addr.clone();
                        screen.busy = true;
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
    let Some(command) = keymap::seal_command_for(key) else {
        return Vec::new();
    };
    match command {
        SealCommand::Close => {
            app.modal = None;
            Vec::new()
        }
        SealCommand::Down => {
            screen.cursor = (screen.cursor + 1).min(screen.nodes.len().saturating_sub(1));
            Vec::new()
        }
        SealCommand::Up => {
            screen.cursor = screen.cursor.saturating_sub(1);
            Vec::new()
        }
        SealCommand::Unseal | SealCommand::UnsealEach => {
            let each = command == SealCommand::UnsealEach;
            let sealed_here = screen.selected().is_some_and(SealScreen::is_sealed);
            if !sealed_here {
                match screen.next_sealed().filter(|_| each) {
                    Some(next) => screen.cursor = next,
                    None => {
                        screen.message = Some((
                            StatusKind::Info,
                            if each {
                                "No node is sealed.".to_string()
                            } else {
                                "This node is not sealed.".to_string()
                            },
                        ));
                        return Vec::new();
                    }
                }
            }
            screen.each_in_turn = each;
            screen.share = Some(TextInput::default());
            screen.message = None;
            Vec::new()
        }
        SealCommand::Reset => match screen.selected() {
            Some(node) if SealScreen::is_sealed(node) => {
                let addr = node.addr.clone();
                screen.busy = true;
                vec![Effect::UnsealReset { addr }]
            }
            _ => {
                screen.message = Some((StatusKind::Info, "This node is not sealed.".into()));
                Vec::new()
            }
        },
        SealCommand::Seal => {
            screen.confirm_seal = Some(TextInput::default());
            Vec::new()
        }
        SealCommand::Refresh => {
            screen.refreshing = false;
            refresh(app)
        }
    }
}

/// Pasted text goes into the share field (shares are usually pasted).
pub fn on_paste(screen: &mut SealScreen, text: &str) {
    if let Some(input) = &mut screen.share {
        input.insert_str(text.trim());
    } else if let Some(input) = &mut screen.confirm_seal {
        input.insert_str(text.trim());
    }
}
