//! Unseal share entry: the masked field, a share checked before it is sent (or held for a node
//! that has not joined yet), what the server's answer says, and going on with the next sealed
//! node (`U`).

use super::watch::{main_addr, record_main, refresh_after_answer};
use super::{SealMode, SealScreen, Waiting, screen_mut};
use crate::app::action::Effect;
use crate::app::input::TextInput;
use crate::app::keymap::Command;
use crate::app::state::{App, Loadable, StatusKind};
use crate::secret::SecretText;
use crate::vault::seal::check_share;
use crate::vault::{SealStatus, VaultError};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareEntry {
    pub input: TextInput,
    /// `U`: after a node unseals, go on with the next sealed one.
    pub each_in_turn: bool,
    pub stage: ShareStage,
}

/// Where the share in the field stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ShareStage {
    /// Being typed.
    #[default]
    Typing,
    /// Typed for a follower that has not joined yet: sent once it has.
    Held,
    /// Sent to `addr`; the field takes the next share meanwhile, but sends it only after the
    /// answer.
    Sent {
        addr: String,
        /// The node's progress when the share was sent.
        progress_before: Option<u32>,
    },
}

impl ShareEntry {
    pub fn new(each_in_turn: bool) -> Self {
        Self {
            each_in_turn,
            ..Self::default()
        }
    }
}

/// Keys while the share field is open (the `unseal_share` scope): send, stop, or typing.
pub(super) fn on_key(
    screen: &mut SealScreen,
    key: &KeyEvent,
    command: Option<Command>,
) -> Vec<Effect> {
    let busy = screen.busy();
    let SealMode::Share(entry) = &mut screen.mode else {
        return Vec::new();
    };
    match command {
        Some(Command::Cancel) => {
            // A share on its way is still answered; the screen waits for it without the field.
            screen.mode = match std::mem::take(&mut entry.stage) {
                ShareStage::Sent {
                    addr,
                    progress_before,
                } => SealMode::Waiting(Waiting::Unseal {
                    addr,
                    progress_before,
                }),
                ShareStage::Typing | ShareStage::Held => SealMode::Browse,
            };
            Vec::new()
        }
        Some(Command::Submit) if !busy => send(screen),
        Some(Command::Submit) => Vec::new(),
        _ => {
            entry.input.handle_key(key);
            Vec::new()
        }
    }
}

/// Sends the typed share to the selected node, or says why not (malformed: kept, masked, for
/// correction; a node that has not joined: held until it has).
fn send(screen: &mut SealScreen) -> Vec<Effect> {
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
        entry.stage = ShareStage::Held;
        screen.message = Some((
            StatusKind::Info,
            "This node has not joined the cluster yet (a raft follower joins once the leader is unsealed): the share is sent as soon as it has.".into(),
        ));
        return Vec::new();
    }
    let share = SecretText::new(entry.input.text.trim());
    // The typed text is wiped as the old input drops.
    entry.input = TextInput::default();
    entry.stage = ShareStage::Sent {
        addr: addr.clone(),
        progress_before,
    };
    vec![Effect::Unseal { addr, share }]
}

impl SealScreen {
    /// A node finished unsealing: go on with the next sealed one (`U`), or stop taking shares.
    /// Returns the words to add to the message.
    pub(super) fn after_unsealed(&mut self) -> Option<String> {
        let each = self.share().is_some_and(|entry| entry.each_in_turn);
        match self.next_sealed().filter(|_| each) {
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

/// After an overview: the server's progress said (after a refused share), a held share sent
/// once its node has joined, and a node being unsealed that finished on its own (a joining raft
/// node) done with.
pub(super) fn after_refresh(screen: &mut SealScreen) -> Vec<Effect> {
    report_server_progress(screen);
    report_joined(screen);
    let selected = screen.selected().map(|n| n.status.clone());
    let joined = matches!(&selected, Some(Loadable::Ready(s)) if s.initialized && s.sealed);
    let open = matches!(&selected, Some(Loadable::Ready(s)) if !s.sealed);
    let held = screen
        .share()
        .is_some_and(|entry| entry.stage == ShareStage::Held);
    let mut effects = Vec::new();
    if held && joined {
        effects = send(screen);
    }
    if screen.share().is_some() && open && !screen.busy() {
        let done = screen
            .selected()
            .map(|n| n.addr.clone())
            .unwrap_or_default();
        let text = match screen.after_unsealed() {
            Some(next) => format!("{done} is unsealed. {next}"),
            None => format!("{done} is unsealed."),
        };
        screen.inform(text);
    }
    effects
}

/// A joining node that a refresh shows unsealed: the message says it is done.
fn report_joined(screen: &mut SealScreen) {
    let Some(addr) = screen.joining.clone() else {
        return;
    };
    let node = screen.nodes.iter().find(|n| n.addr == addr);
    let unsealed = matches!(node.map(|n| &n.status), Some(Loadable::Ready(s)) if !s.sealed);
    if node.is_none() || unsealed {
        screen.joining = None;
    }
    if unsealed {
        screen.inform(format!("{addr} is unsealed (it joined the cluster)."));
    }
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
        None => screen.inform(said),
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
    let Some(screen) = screen_mut(app) else {
        return back;
    };
    let before = screen.answered(&addr);
    let Some(index) = screen.nodes.iter().position(|n| n.addr == addr) else {
        return back;
    };
    let message = match result {
        Ok(status) => {
            let said = what_the_answer_says(&addr, reset, before, &status);
            screen.joining = said.joining.then(|| addr.clone());
            screen.nodes[index].status = Loadable::Ready(status);
            if said.done {
                match screen.after_unsealed() {
                    Some(next) => (StatusKind::Info, format!("{} {next}", said.text)),
                    None => (said.kind, said.text),
                }
            } else {
                (said.kind, said.text)
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

struct Said {
    kind: StatusKind,
    text: String,
    /// Done with this node: unsealed, or a raft node that got its last share and joins.
    done: bool,
    /// A raft node that got its last share and joins before it unseals.
    joining: bool,
}

/// What an unseal or reset answer means, from the node's progress before the share.
fn what_the_answer_says(addr: &str, reset: bool, before: Option<u32>, status: &SealStatus) -> Said {
    // A raft node that got its last share joins the cluster before it unseals.
    let joining =
        status.sealed && status.progress == 0 && before.is_some_and(|b| b + 1 >= status.threshold);
    let (progress, threshold) = (status.progress, status.threshold);
    let (kind, text) = if reset {
        (
            StatusKind::Info,
            format!("Unseal progress of {addr} reset: {progress} of {threshold}."),
        )
    } else if !status.sealed {
        (StatusKind::Info, format!("{addr} is unsealed."))
    } else if before.is_some_and(|b| progress == b) && progress > 0 {
        (
            StatusKind::Warning,
            format!(
                "That share did not advance progress ({progress} of {threshold}): it was already given in this round."
            ),
        )
    } else if joining {
        (
            StatusKind::Info,
            format!(
                "Threshold reached: {addr} is unsealing (a raft node first joins the cluster; a few seconds)."
            ),
        )
    } else if before.is_some_and(|b| progress < b) {
        (
            StatusKind::Warning,
            format!("The server says progress is back to {progress} of {threshold}."),
        )
    } else {
        (
            StatusKind::Info,
            format!("Share accepted: {progress} of {threshold}. Type or paste the next share."),
        )
    };
    Said {
        kind,
        text,
        done: !status.sealed || joining,
        joining,
    }
}
