//! The Seal screen (`S`; opens by itself when the server says it is sealed): every node's own seal
//! state, refreshed every few seconds without blocking; unseal a node (or each sealed node in
//! turn) with key shares typed into a masked field; reset progress; seal behind a typed "seal".
//!
//! Split by owner: this file is the screen, its one mode and its keys; [`watch`] keeps the
//! server's seal state (the header's, and the screen's row for the server) and the refreshes;
//! [`share`] the unseal share entry and what the answers to unseal requests say.

mod share;
mod watch;

pub use share::{ShareEntry, ShareStage, unseal_answered};
pub use watch::{
    SEAL_REFRESH, SealWatch, on_tick, overview_loaded, seal_age, sealed_answer, stale_age,
    status_loaded,
};

use super::action::Effect;
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::keymap::{Command, Scope};
use super::login::LoginReason;
use super::state::{App, Loadable, Modal, StatusKind};
use crate::vault::seal::{HaNode, Health, LeaderInfo};
use crate::vault::{SealStatus, VaultError};
use crossterm::event::KeyEvent;
use watch::{Asking, Refreshing};

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

impl NodeView {
    fn asking(addr: String) -> Self {
        Self {
            addr,
            status: Loadable::Loading,
            health: None,
            ha: None,
        }
    }
}

/// Defined beside the client, which gathers them; named here for the app's code.
pub use crate::vault::seal::{NodeReport, SealOverview};

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
    /// It refused ours: it wants a client certificate, or not the one given.
    ClientCertificateRefused,
    /// It answered an https request in plain http.
    PlainHttp,
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
            Loadable::Failed(VaultError::ClientCertificate(_)) => {
                SealState::ClientCertificateRefused
            }
            Loadable::Failed(VaultError::PlainHttp(_)) => SealState::PlainHttp,
            Loadable::Failed(VaultError::Redirect(_)) => SealState::Redirected,
            Loadable::Failed(error) if error.is_unreachable() => SealState::Unreachable,
            Loadable::Failed(_) => SealState::Unknown,
        }
    }
}

/// What the screen is doing: one mode at a time, so a share field, the seal question and a
/// request in flight without a field can never be there together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SealMode {
    /// The node list takes the keys.
    #[default]
    Browse,
    /// A share being typed (masked) for the selected node; it may be on its way (see
    /// [`ShareStage`]).
    Share(ShareEntry),
    /// The typed "seal" asked before sealing `addr`.
    ConfirmSeal { addr: String, question: Question },
    /// A request is out and no field is open: moving, refreshing and closing work meanwhile;
    /// another request waits for its answer.
    Waiting(Waiting),
}

/// A request the screen waits for while no share field is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// A share sent before its field was closed.
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

impl Waiting {
    pub fn addr(&self) -> &str {
        match self {
            Waiting::Unseal { addr, .. } | Waiting::Reset { addr } | Waiting::Seal { addr } => addr,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealScreen {
    pub nodes: Vec<NodeView>,
    pub cursor: usize,
    pub leader: Option<LeaderInfo>,
    /// Why the node list may be incomplete (no token, or no read on sys/ha-status).
    pub ha_note: Option<String>,
    /// The overview requests: when the last went out, whether it is still out, when one came back.
    pub refresh: Refreshing,
    pub mode: SealMode,
    pub message: Option<(StatusKind, String)>,
    /// After an unseal answer that carried no progress: the node whose progress the next
    /// refresh reports, in the server's words.
    pub report_progress: Option<String>,
    /// A raft node that took its last share and is joining: the refresh that shows it unsealed
    /// says so (the "unsealing" message never stays under a row that says unsealed).
    pub joining: Option<String>,
}

impl SealScreen {
    fn new(addresses: Vec<String>) -> Self {
        Self {
            nodes: addresses.into_iter().map(NodeView::asking).collect(),
            cursor: 0,
            leader: None,
            ha_note: None,
            refresh: Refreshing::default(),
            mode: SealMode::Browse,
            message: None,
            report_progress: None,
            joining: None,
        }
    }

    pub fn selected(&self) -> Option<&NodeView> {
        self.nodes.get(self.cursor)
    }

    /// A request is out (a share, a reset or a seal).
    pub fn busy(&self) -> bool {
        match &self.mode {
            SealMode::Waiting(_) => true,
            SealMode::Share(entry) => matches!(entry.stage, ShareStage::Sent { .. }),
            SealMode::Browse | SealMode::ConfirmSeal { .. } => false,
        }
    }

    /// The share being typed, if any.
    pub fn share(&self) -> Option<&ShareEntry> {
        match &self.mode {
            SealMode::Share(entry) => Some(entry),
            _ => None,
        }
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

    fn inform(&mut self, text: impl Into<String>) {
        self.message = Some((StatusKind::Info, text.into()));
    }

    /// The answer to the request for `addr` came: what was waited for is over. Returns the
    /// node's progress when a share was sent.
    fn answered(&mut self, addr: &str) -> Option<u32> {
        match &mut self.mode {
            SealMode::Share(entry) => match &entry.stage {
                ShareStage::Sent {
                    addr: sent,
                    progress_before,
                } if sent == addr => {
                    let before = *progress_before;
                    entry.stage = ShareStage::Typing;
                    before
                }
                _ => None,
            },
            SealMode::Waiting(waiting) if waiting.addr() == addr => {
                let before = match waiting {
                    Waiting::Unseal {
                        progress_before, ..
                    } => *progress_before,
                    _ => None,
                };
                self.mode = SealMode::Browse;
                before
            }
            _ => None,
        }
    }

    /// Keys while the node list has them.
    fn on_browse_key(&mut self, app: &App, command: Option<Command>) -> Outcome {
        let Some(command) = command else {
            return Outcome::stay();
        };
        let starts_request = matches!(
            command,
            Command::Unseal | Command::UnsealEach | Command::ResetProgress | Command::Seal
        );
        if let SealMode::Waiting(waiting) = &self.mode
            && starts_request
        {
            let text = format!("Waiting for {} to answer first.", waiting.addr());
            self.inform(text);
            return Outcome::stay();
        }
        let effects = match command {
            Command::Close => return Outcome::close(),
            Command::Down => {
                self.cursor = (self.cursor + 1).min(self.nodes.len().saturating_sub(1));
                Vec::new()
            }
            Command::Up => {
                self.cursor = self.cursor.saturating_sub(1);
                Vec::new()
            }
            Command::Unseal | Command::UnsealEach => {
                self.start_share(command == Command::UnsealEach);
                Vec::new()
            }
            Command::ResetProgress => self.reset(),
            Command::Seal => {
                self.ask_seal();
                Vec::new()
            }
            Command::Refresh => {
                self.refresh.in_flight = false;
                self.ask(&Asking::of(app))
            }
            _ => Vec::new(),
        };
        Outcome::stay().with(effects)
    }

    /// `u` (the selected node) or `U` (each sealed node in turn, from the selected one on).
    fn start_share(&mut self, each: bool) {
        let sealed_here = self.selected().is_some_and(Self::is_sealed);
        if !sealed_here {
            match self.next_sealed().filter(|_| each) {
                Some(next) => self.cursor = next,
                None => {
                    let asking = self
                        .selected()
                        .is_some_and(|n| matches!(n.status, Loadable::Loading));
                    self.inform(if each {
                        "No node is sealed."
                    } else if asking {
                        "Still asking this node for its seal state."
                    } else {
                        "This node is not sealed."
                    });
                    return;
                }
            }
        }
        self.mode = SealMode::Share(ShareEntry::new(each));
        self.message = None;
    }

    fn reset(&mut self) -> Vec<Effect> {
        match self.selected() {
            Some(node) if Self::is_sealed(node) => {
                let addr = node.addr.clone();
                self.mode = SealMode::Waiting(Waiting::Reset { addr: addr.clone() });
                vec![Effect::UnsealReset { addr }]
            }
            _ => {
                self.inform("This node is not sealed.");
                Vec::new()
            }
        }
    }

    fn ask_seal(&mut self) {
        if let Some(node) = self.selected() {
            self.mode = SealMode::ConfirmSeal {
                addr: node.addr.clone(),
                question: Question::typed("seal", "cancel", vec![SEAL_WORD.to_string()]),
            };
        }
    }

    /// Keys while the seal question is open.
    fn on_confirm_key(&mut self, app: &App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let SealMode::ConfirmSeal { addr, question } = &mut self.mode else {
            return Outcome::stay();
        };
        match question.answer(key, command, &app.keymap) {
            Answer::Undecided => Outcome::stay(),
            Answer::No => {
                self.mode = SealMode::Browse;
                Outcome::stay()
            }
            Answer::Yes => {
                let addr = addr.clone();
                self.mode = SealMode::Waiting(Waiting::Seal { addr: addr.clone() });
                Outcome::stay().with(vec![Effect::SealNode { addr }])
            }
        }
    }
}

impl Component for SealScreen {
    fn scope(&self) -> Scope {
        match &self.mode {
            SealMode::Share(_) => Scope::UnsealShare,
            SealMode::ConfirmSeal { .. } => Scope::Confirm,
            SealMode::Browse | SealMode::Waiting(_) => Scope::Seal,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match &self.mode {
            SealMode::Share(_) => Outcome::stay().with(share::on_key(self, key, command)),
            SealMode::ConfirmSeal { .. } => self.on_confirm_key(app, key, command),
            SealMode::Browse | SealMode::Waiting(_) => self.on_browse_key(app, command),
        }
    }

    /// Pasted text goes into the open field (shares are usually pasted).
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.mode {
            SealMode::Share(entry) => entry.input.insert_str(text.trim()),
            SealMode::ConfirmSeal { question, .. } => question.paste(text),
            SealMode::Browse | SealMode::Waiting(_) => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        match &self.mode {
            SealMode::Share(_) => app
                .keymap
                .hints(Scope::UnsealShare, &[Command::Submit, Command::Cancel]),
            SealMode::ConfirmSeal { question, .. } => question.hints(&app.keymap),
            SealMode::Browse | SealMode::Waiting(_) => app.keymap.hints(
                Scope::Seal,
                &[
                    Command::Unseal,
                    Command::UnsealEach,
                    Command::ResetProgress,
                    Command::Seal,
                    Command::Close,
                ],
            ),
        }
    }
}

fn screen_mut(app: &mut App) -> Option<&mut SealScreen> {
    match &mut app.modal {
        Some(Modal::Seal(screen)) => Some(screen),
        _ => None,
    }
}

/// `S`, or by itself on a sealed answer: the screen, and a first refresh.
pub fn open(app: &mut App) -> Vec<Effect> {
    if !matches!(app.modal, Some(Modal::Seal(_))) {
        let screen = SealScreen::new(Asking::of(app).nodes);
        app.modal = Some(Modal::Seal(Box::new(screen)));
    }
    watch::refresh_open_screen(app)
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
            let text = format!(
                "The server is sealed: {} opens the Seal screen.",
                app.keymap.key(Scope::Main, Command::SealScreen)
            );
            app.set_status(StatusKind::Error, text);
            Vec::new()
        }
    }
}

/// The answer to a seal request for `addr`.
pub fn seal_answered(app: &mut App, addr: String, result: Result<(), VaultError>) -> Vec<Effect> {
    let Some(screen) = screen_mut(app) else {
        return Vec::new();
    };
    screen.answered(&addr);
    screen.message = Some(match result {
        Ok(()) => (StatusKind::Warning, format!("{addr} is sealed.")),
        Err(error) if error.is_permission_denied() => (
            StatusKind::Error,
            "Sealing needs a token with sudo on sys/seal (root or an operator policy).".into(),
        ),
        Err(error) => (StatusKind::Error, format!("Sealing {addr} failed: {error}")),
    });
    watch::refresh_after_answer(app)
}

#[cfg(test)]
mod tests;
