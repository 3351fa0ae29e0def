//! Carries out effects: network calls become tokio tasks that send an `Action` back; clipboard work
//! happens right here, between frames, since OSC 52 writes to the terminal.

use super::requests::{crawl_all, login, perform_with_retries};
use crate::app::{Action, Effect};
use crate::clipboard::Clipboard;
use crate::vault::{VaultClient, VaultError};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Sends actions back to the event loop, each marked with the server session (profile) it belongs
/// to: the loop drops answers that arrive after a profile switch, so nothing of the old server is
/// shown or acted on in the new one.
#[derive(Clone)]
pub struct ActionSender {
    tx: UnboundedSender<(u64, Action)>,
    session: u64,
}

impl ActionSender {
    pub fn new(tx: UnboundedSender<(u64, Action)>) -> Self {
        Self { tx, session: 0 }
    }

    pub fn send(&self, action: Action) -> Result<(), Box<Action>> {
        self.tx
            .send((self.session, action))
            .map_err(|error| Box::new(error.0.1))
    }

    /// Whether an action sent from `session` still belongs to the session in use.
    pub fn is_current(&self, session: u64) -> bool {
        session == self.session
    }

    /// From now on, answers sent by earlier tasks are dropped.
    fn next_session(&mut self) {
        self.session += 1;
    }
}

pub struct EffectRunner {
    pub client: VaultClient,
    pub profiles: super::profiles::ProfileSessions,
    pub actions: ActionSender,
    pub clipboard: Clipboard,
    pub clipboard_clear_after: Duration,
    /// Fingerprints of copies whose clear timer fired.
    pub clear_due: UnboundedSender<u64>,
    /// Moved on by Esc: reads sent before give up.
    pub cancel: tokio::sync::watch::Sender<u64>,
    /// The OIDC login waiting for the browser: aborting it closes its listener.
    pub oidc: Option<tokio::task::AbortHandle>,
}

impl EffectRunner {
    pub fn run(&mut self, effect: Effect, terminal: &mut dyn std::io::Write) {
        let client = if effect.is_cancellable() {
            self.client.cancellable(crate::vault::client::Cancellation {
                counter: self.cancel.subscribe(),
                started_at: *self.cancel.borrow(),
            })
        } else {
            self.client.clone()
        };
        let actions = self.actions.clone();
        match effect {
            Effect::EditInEditor { .. } | Effect::Quit => {
                // The editor is run by the event loop, which owns the terminal.
            }
            Effect::Login {
                credentials,
                save_to,
            } => {
                tokio::spawn(async move {
                    let result = login(&client, &credentials, save_to.as_deref()).await;
                    drop(credentials);
                    let _ = actions.send(Action::LoggedIn(result));
                });
            }
            Effect::OidcLogin(request) => {
                if let Some(earlier) = self.oidc.take() {
                    earlier.abort();
                }
                let task = tokio::spawn(super::oidc::run(client, request, actions));
                self.oidc = Some(task.abort_handle());
            }
            Effect::CancelOidc => {
                if let Some(task) = self.oidc.take() {
                    task.abort();
                }
            }
            Effect::LookupToken if !client.has_token() => {}
            Effect::CancelReads => {
                self.cancel.send_modify(|counter| *counter += 1);
            }
            Effect::CrawlAll { generation } => {
                tokio::spawn(async move {
                    let result = crawl_all(&client, generation, &actions).await;
                    let _ = actions.send(Action::CrawlFinished { generation, result });
                });
            }
            Effect::SwitchNamespace { namespace } => {
                self.client = self.client.with_namespace(namespace);
            }
            Effect::SwitchProfile { name } => {
                let result = self.profiles.switch(&mut self.client, &name);
                if result.is_ok() {
                    self.actions.next_session();
                }
                let _ = self.actions.send(Action::ProfileSwitched(result));
            }
            Effect::Copy {
                text,
                description,
                sensitive,
            } => {
                let result = self.clipboard.copy(text.expose(), terminal);
                drop(text);
                let backend = self.clipboard.backend_name();
                let clears = sensitive && result.is_ok() && !self.clipboard_clear_after.is_zero();
                if let (Ok(fingerprint), true) = (&result, clears) {
                    let fingerprint = *fingerprint;
                    let due = self.clear_due.clone();
                    let after = self.clipboard_clear_after;
                    tokio::spawn(async move {
                        tokio::time::sleep(after).await;
                        let _ = due.send(fingerprint);
                    });
                }
                let _ = self.actions.send(Action::Copied {
                    description,
                    result: result.map(|_| backend),
                    clears,
                });
            }
            request => {
                tokio::spawn(async move {
                    let Some(action) = perform_with_retries(&client, &request, &actions).await
                    else {
                        return;
                    };
                    // A refusal may mean the token itself stopped working: ask the server, and
                    // if so keep the request for after the login instead of failing it.
                    if action.error().is_some_and(VaultError::is_permission_denied)
                        && client.token_refused().await
                    {
                        let _ = actions.send(Action::SessionLost {
                            retry: Box::new(request),
                        });
                        return;
                    }
                    drop(request);
                    let _ = actions.send(action);
                });
            }
        }
    }

    /// The client follows the session: a login swaps its token, a logout removes it.
    pub fn follow_session(&mut self, action: &mut Action) {
        match action {
            Action::LoggedIn(Ok(outcome)) => {
                if let Some(token) = outcome.token.take() {
                    self.client = self.client.with_token(Some(token));
                }
            }
            Action::LoggedOut(_) => self.client = self.client.with_token(None),
            _ => {}
        }
    }

    pub fn clear_clipboard(&mut self, fingerprint: u64, terminal: &mut dyn std::io::Write) {
        match self.clipboard.clear_if_ours(fingerprint, terminal) {
            crate::clipboard::Clearing::Done(outcome) => {
                let _ = self.actions.send(Action::ClipboardCleared { outcome });
            }
            // tmux commands block: off the event loop.
            crate::clipboard::Clearing::Tmux(copies) => {
                let actions = self.actions.clone();
                tokio::task::spawn_blocking(move || {
                    let outcome = copies.delete();
                    let _ = actions.send(Action::ClipboardCleared { outcome });
                });
            }
        }
    }

    /// On exit, a value we copied is not left behind on the clipboard; what could not be cleared
    /// is returned, to be said once the terminal is back.
    pub fn clear_pending(&mut self, terminal: &mut dyn std::io::Write) -> Option<String> {
        let fingerprint = self.clipboard.pending()?;
        match self.clipboard.clear_if_ours(fingerprint, terminal).finish() {
            outcome @ (crate::clipboard::ClearOutcome::SystemFailed(_)
            | crate::clipboard::ClearOutcome::Osc52Asked { tmux: Some(Err(_)) }) => {
                Some(outcome.describe())
            }
            _ => None,
        }
    }
}
