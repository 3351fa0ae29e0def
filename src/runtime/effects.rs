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
    /// Folder jobs in flight, by job number.
    pub folder_jobs:
        std::collections::HashMap<crate::vault::jobs::JobId, super::folder_jobs::FolderJob>,
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
                    let result = login(&client, &credentials, save_to).await;
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
            Effect::StartFolderJob { job, request } => self.start_folder_job(job, request),
            Effect::RunFolderPlan { job, plan, choices } => {
                self.run_folder_plan(job, plan, choices)
            }
            Effect::CancelFolderJob { job } => self.cancel_folder_job(job),
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
                self.cancel_all_folder_jobs();
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
                let result = self.clipboard.copy(text.expose(), sensitive, terminal);
                drop(text);
                let backend = self.clipboard.backend_name();
                let clears = sensitive && result.is_ok() && !self.clipboard_clear_after.is_zero();
                if let (Ok(copied), true) = (&result, clears) {
                    let fingerprint = copied.fingerprint;
                    let due = self.clear_due.clone();
                    let after = self.clipboard_clear_after;
                    tokio::spawn(async move {
                        tokio::time::sleep(after).await;
                        let _ = due.send(fingerprint);
                    });
                }
                let warning = result
                    .as_ref()
                    .ok()
                    .and_then(|copied| copied.warning.clone());
                let _ = self.actions.send(Action::Copied {
                    description,
                    result: result.map(|_| backend),
                    clears,
                    warning,
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
                        && client.has_token()
                    {
                        match client.lookup_self().await {
                            Err(error) if error.is_permission_denied() => {
                                let _ = actions.send(Action::SessionLost {
                                    retry: Box::new(request),
                                });
                                return;
                            }
                            // The question itself spent a use of a use-limited token.
                            Ok(_) => {
                                let _ = actions.send(Action::TokenStillAccepted);
                            }
                            Err(_) => {}
                        }
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
            Action::LoggedOut(_) => {
                self.cancel_all_folder_jobs();
                self.client = self.client.with_token(None);
            }
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

    /// On exit, no value we copied is left behind on the clipboard (nor in tmux's buffers); what
    /// could not be cleared is returned, to be said once the terminal is back.
    pub fn clear_pending(&mut self, terminal: &mut dyn std::io::Write) -> Vec<String> {
        use crate::clipboard::ClearOutcome;
        let mut failures = Vec::new();
        for fingerprint in self.clipboard.pending() {
            let outcome = self.clipboard.clear_if_ours(fingerprint, terminal).finish();
            if matches!(
                outcome,
                ClearOutcome::SystemFailed(_)
                    | ClearOutcome::Osc52Asked { tmux: Some(Err(_)) }
                    | ClearOutcome::TmuxEarlier(Err(_))
            ) {
                failures.push(outcome.describe());
            }
        }
        failures
    }
}
