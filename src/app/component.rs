//! The protocol every dialog and screen follows. A component owns its state, reads its keys from
//! the keymap (its [`Scope`]), takes pastes, names its footer hints, and answers each event with
//! an [`Outcome`]; `update` applies the outcome in one place ([`dispatch_key`]), and `ui` draws
//! each component from one file. While a component handles an event it has been taken out of
//! `App::modal`, so it receives the rest of the app as `&mut App` without borrowing itself twice;
//! it never sets `App::modal` itself: opening, replacing and closing go through the outcome.

use super::action::Effect;
use super::keymap::{Command, Scope};
use super::login::LoginForm;
use super::state::{App, Modal};
use crossterm::event::KeyEvent;

/// What a component wants after an event.
#[derive(Debug)]
pub enum Next {
    /// Stay open (its state may have changed).
    Stay,
    /// Close: the view underneath gets the keys again.
    Close,
    /// Give way to another dialog or screen (a confirmation, the form after a prompt, ...).
    Open(Box<Modal>),
}

#[derive(Debug)]
#[must_use]
pub struct Outcome {
    pub next: Next,
    /// Requests for the runtime.
    pub effects: Vec<Effect>,
}

impl Outcome {
    pub fn stay() -> Self {
        Self::new(Next::Stay, Vec::new())
    }

    pub fn close() -> Self {
        Self::new(Next::Close, Vec::new())
    }

    pub fn open(modal: Modal) -> Self {
        Self::new(Next::Open(Box::new(modal)), Vec::new())
    }

    pub fn new(next: Next, effects: Vec<Effect>) -> Self {
        Self { next, effects }
    }

    /// The same outcome, with requests for the runtime.
    pub fn with(mut self, effects: Vec<Effect>) -> Self {
        self.effects.extend(effects);
        self
    }
}

pub trait Component {
    /// The keymap scope this component's keys are looked up in (it may depend on its mode).
    fn scope(&self) -> Scope;

    /// A key press; `command` is what the keymap says it means in [`Component::scope`] (text
    /// fields take the keys that mean nothing).
    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome;

    /// Pasted text (bracketed paste).
    fn on_paste(&mut self, _app: &mut App, _text: &str) -> Outcome {
        Outcome::stay()
    }

    /// The footer while it is open: (key, what it does now), keys from the keymap.
    fn hints(&self, app: &App) -> Vec<(String, String)>;
}

/// A key for the open modal: looked up in its scope, handled, and its outcome applied. `None`
/// when no modal is open.
pub(super) fn dispatch_key(app: &mut App, key: &KeyEvent) -> Option<Vec<Effect>> {
    let mut modal = app.modal.take()?;
    let component = modal.component_mut();
    let command = app.keymap.command(component.scope(), key);
    let outcome = component.on_key(app, key, command);
    Some(settle(app, modal, outcome))
}

/// Pasted text for the open modal (`None` when none is open).
pub(super) fn dispatch_paste(app: &mut App, text: &str) -> Option<Vec<Effect>> {
    let mut modal = app.modal.take()?;
    let component = modal.component_mut();
    let outcome = component.on_paste(app, text);
    Some(settle(app, modal, outcome))
}

/// A key for the login dialog, which lies above any modal (`App::login`) and takes every key while
/// open: taken out, handled, and its outcome applied like a modal's. `None` when it is not open.
pub(super) fn dispatch_login_key(app: &mut App, key: &KeyEvent) -> Option<Vec<Effect>> {
    let mut form = app.login.take()?;
    let command = app.keymap.command(form.scope(), key);
    let outcome = form.on_key(app, key, command);
    Some(settle_login(app, form, outcome))
}

/// Pasted text for the login dialog (`None` when it is not open).
pub(super) fn dispatch_login_paste(app: &mut App, text: &str) -> Option<Vec<Effect>> {
    let mut form = app.login.take()?;
    let outcome = form.on_paste(app, text);
    Some(settle_login(app, form, outcome))
}

/// The login dialog's outcome. It opens nothing of its own: a dialog it asks for goes underneath
/// it (where the modals are), and it closes.
fn settle_login(app: &mut App, form: LoginForm, outcome: Outcome) -> Vec<Effect> {
    debug_assert!(
        app.login.is_none(),
        "the login dialog closes through its Outcome, not by setting App::login"
    );
    match outcome.next {
        Next::Stay => app.login = Some(form),
        Next::Close => {}
        Next::Open(next) => app.modal = Some(*next),
    }
    outcome.effects
}

fn settle(app: &mut App, modal: Modal, outcome: Outcome) -> Vec<Effect> {
    debug_assert!(
        app.modal.is_none(),
        "a component opens and closes dialogs through its Outcome, not by setting App::modal"
    );
    match outcome.next {
        Next::Stay => app.modal = Some(modal),
        Next::Close => {}
        Next::Open(next) => app.modal = Some(*next),
    }
    outcome.effects
}
