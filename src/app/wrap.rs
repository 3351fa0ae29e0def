//! `W`: wrap a secret's data for someone else. The wrap prompt asks a TTL (default 10 minutes,
//! read as the AppRole browser's wrapping TTL is); the runtime reads the secret's current version
//! fresh and wraps its data (`sys/wrapping/wrap`); the wrapping token is shown once, masked until
//! revealed, copyable, with its TTL counting down. Whether the token may wrap (`update` on
//! `sys/wrapping/wrap`) is asked when the prompt opens: without it the action is struck through.

use super::action::Effect;
use super::approle_browser::parse_wrap_ttl;
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Focus, Loadable, Modal, StatusKind, seconds_until};
use super::tree::{Location, NodeKind};
use crate::secret::SecretText;
use crate::vault::VaultError;
use crate::vault::wrapping::{WRAP_PATH, WrappedSecret};
use crossterm::event::KeyEvent;
use std::time::Duration;

/// The wrapping TTL offered by default (seconds).
pub const DEFAULT_TTL: u64 = 600;

/// A wrapping token just made: shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapShown {
    pub token: SecretText,
    pub accessor: String,
    pub ttl: u64,
    pub creation_path: String,
    /// The version whose data was wrapped (KV v2).
    pub version: Option<u64>,
    pub keys: usize,
    /// `App::clock` when it was made: the TTL counts down from here.
    pub made_at: Duration,
    pub revealed: bool,
}

impl WrapShown {
    /// Whole seconds the token has left (0: it has expired, nobody can unwrap it).
    pub fn remaining(&self, clock: Duration) -> u64 {
        seconds_until(self.made_at + Duration::from_secs(self.ttl), clock)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WrapStage {
    /// How long the wrapping token may wait to be unwrapped.
    Ttl(TextInput),
    Wrapping {
        ttl: u64,
    },
    Done(WrapShown),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapDialog {
    pub location: Location,
    pub stage: WrapStage,
    /// Whether the token may wrap: asked when the dialog opens; `Ready(true)` when it could not
    /// be asked (the server decides).
    pub allowed: Loadable<bool>,
    pub error: Option<String>,
}

impl WrapDialog {
    pub fn new(location: Location) -> Self {
        Self {
            location,
            stage: WrapStage::Ttl(TextInput::with_text(&format!("{}m", DEFAULT_TTL / 60))),
            allowed: Loadable::Loading,
            error: None,
        }
    }

    /// Why the token may not wrap, when it may not.
    pub fn denied(&self) -> Option<String> {
        matches!(self.allowed, Loadable::Ready(false))
            .then(|| format!("Your token may not wrap: it needs update on {WRAP_PATH}."))
    }
}

/// The secret `W` wraps: the open one when the secret pane has focus, else the tree's selected
/// secret, else the open one.
fn target(app: &App) -> Option<Location> {
    let selected = || {
        let id = app.tree.selected_id()?;
        let node = app.tree.node(id)?;
        matches!(node.kind, NodeKind::Secret)
            .then(|| app.tree.location(id))
            .flatten()
    };
    match app.focus {
        Focus::Secret => app.secret.location.clone().or_else(selected),
        Focus::Tree => selected().or_else(|| app.secret.location.clone()),
    }
}

/// `W`: the wrap prompt for the selected (or open) secret, and the question whether the token
/// may wrap.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(location) = target(app) else {
        let open = app.keymap.key(Scope::Main, Command::Open);
        app.set_status(
            StatusKind::Info,
            format!("Select a secret to wrap first ({open} on a secret opens it)."),
        );
        return Vec::new();
    };
    app.modal = Some(Modal::Wrap(WrapDialog::new(location)));
    vec![Effect::LoadWrapCapability]
}

fn dialog(app: &mut App) -> Option<&mut WrapDialog> {
    match &mut app.modal {
        Some(Modal::Wrap(dialog)) => Some(dialog),
        _ => None,
    }
}

/// What the token may do on `sys/wrapping/wrap`. Not asked (refused, no answer): the server
/// decides when it wraps.
pub fn capability_loaded(app: &mut App, result: Result<Vec<String>, VaultError>) -> Vec<Effect> {
    if let Some(dialog) = dialog(app) {
        dialog.allowed = Loadable::Ready(match result {
            Ok(caps) => caps.iter().any(|c| c == "root" || c == "update"),
            Err(_) => true,
        });
    }
    Vec::new()
}

/// The server's answer to the wrap: the token, shown once (or why there is none).
pub fn wrapped(
    app: &mut App,
    location: Location,
    result: Result<WrappedSecret, VaultError>,
) -> Vec<Effect> {
    let clock = app.clock;
    let keymap = app.keymap.clone();
    let Some(dialog) = dialog(app).filter(|d| d.location == location) else {
        return Vec::new();
    };
    let WrapStage::Wrapping { ttl } = dialog.stage else {
        return Vec::new();
    };
    match result {
        Ok(wrapped) => {
            dialog.error = None;
            dialog.stage = WrapStage::Done(WrapShown {
                token: SecretText::new(wrapped.token.expose()),
                accessor: wrapped.accessor,
                ttl: wrapped.ttl,
                creation_path: wrapped.creation_path,
                version: wrapped.version,
                keys: wrapped.keys,
                made_at: clock,
                revealed: false,
            });
        }
        Err(error) => {
            if let VaultError::PermissionDenied { path, .. } = &error
                && path == WRAP_PATH
            {
                dialog.allowed = Loadable::Ready(false);
            }
            dialog.error = Some(format!(
                "Nothing was wrapped: {}",
                super::errors::error_text(&keymap, &error)
            ));
            dialog.stage = WrapStage::Ttl(TextInput::with_text(&format!("{}s", ttl)));
        }
    }
    Vec::new()
}

impl Component for WrapDialog {
    fn scope(&self) -> Scope {
        match self.stage {
            WrapStage::Ttl(_) => Scope::WrapPrompt,
            WrapStage::Wrapping { .. } | WrapStage::Done(_) => Scope::Wrapped,
        }
    }

    fn on_key(&mut self, _app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let denied = self.denied();
        match &mut self.stage {
            WrapStage::Ttl(input) => match command {
                Some(Command::Cancel) => return Outcome::close(),
                Some(Command::Submit) => {
                    if let Some(denied) = denied {
                        self.error = Some(denied);
                        return Outcome::stay();
                    }
                    match parse_wrap_ttl(&input.text) {
                        Ok(ttl) => {
                            self.error = None;
                            self.stage = WrapStage::Wrapping { ttl };
                            return Outcome::stay().with(vec![Effect::WrapSecret {
                                location: self.location.clone(),
                                ttl,
                            }]);
                        }
                        // The text stays, for correcting.
                        Err(reason) => self.error = Some(reason),
                    }
                }
                _ => {
                    if input.handle_key(key) {
                        self.error = None;
                    }
                }
            },
            // The wrap is on its way: closing now would lose the token (it is shown only here).
            WrapStage::Wrapping { .. } => {}
            WrapStage::Done(shown) => match command {
                Some(Command::Close) => return Outcome::close(),
                Some(Command::Reveal) => shown.revealed = !shown.revealed,
                Some(Command::Copy) => {
                    return Outcome::stay().with(vec![Effect::Copy {
                        text: shown.token.clone(),
                        description: format!("the wrapping token of {}", self.location.display()),
                        sensitive: true,
                    }]);
                }
                _ => {}
            },
        }
        Outcome::stay()
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if let WrapStage::Ttl(input) = &mut self.stage {
            input.insert_str(text.trim());
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        match &self.stage {
            // The dialog strikes the wrap through and says why; the footer offers what works.
            WrapStage::Ttl(_) if self.denied().is_some() => {
                app.keymap.hints(Scope::WrapPrompt, &[Command::Cancel])
            }
            WrapStage::Ttl(_) => app
                .keymap
                .hints(Scope::WrapPrompt, &[Command::Submit, Command::Cancel]),
            WrapStage::Wrapping { .. } => Vec::new(),
            WrapStage::Done(_) => app.keymap.hints(
                Scope::Wrapped,
                &[Command::Reveal, Command::Copy, Command::Close],
            ),
        }
    }
}
