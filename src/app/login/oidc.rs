//! The login dialog's OIDC wait: after Enter the runtime listens on the callback port, asks the
//! server for the provider's URL and opens the browser; the dialog shows the URL (`y` copies it,
//! for a browser on another machine), a countdown, and Esc to stop waiting (the port is freed).
//! The end comes as `Action::LoggedIn` (the same session behaviour as every login) or as a
//! failure said in the dialog.

use super::LoginForm;
use crate::app::action::Effect;
use crate::app::component::Outcome;
use crate::app::keymap::{Command, Scope};
use crate::app::state::{App, StatusKind};
use crate::secret::SecretText;
use crate::vault::oidc::{DEFAULT_WAIT, OidcFailure, OidcProgress, OidcRequest};
use std::time::Duration;

/// Where the wait is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcWait {
    pub request: OidcRequest,
    /// The provider's URL, once the server gave it.
    pub url: Option<String>,
    /// The browser command that was started, or why none could be (`None`: not known yet).
    pub browser: Option<Result<String, String>>,
    /// The wait ends at this `App::clock`.
    pub deadline: Duration,
    /// How long the whole wait is.
    pub wait: Duration,
}

impl OidcWait {
    /// Whole seconds left at `clock`.
    pub fn seconds_left(&self, clock: Duration) -> u64 {
        crate::app::state::seconds_until(self.deadline, clock)
    }
}

/// Enter with OIDC chosen: the wait starts (the runtime takes the port first).
pub fn start(form: &mut LoginForm, app: &App) -> Outcome {
    let mount = form
        .text(super::Field::Mount)
        .trim()
        .trim_matches('/')
        .to_string();
    if mount.is_empty() {
        form.error = Some("Fill in: Auth mount.".into());
        return Outcome::stay();
    }
    let request = OidcRequest {
        mount,
        role: form.text(super::Field::Role).trim().to_string(),
        callback: app.login_defaults.oidc.clone(),
        save_to: form.save_to.clone().filter(|_| form.save_default),
    };
    form.error = None;
    form.oidc = Some(OidcWait {
        request: request.clone(),
        url: None,
        browser: None,
        deadline: app.clock + DEFAULT_WAIT,
        wait: DEFAULT_WAIT,
    });
    Outcome::stay().with(vec![Effect::OidcLogin(request)])
}

/// Keys while waiting: copy the URL, or stop waiting.
pub fn on_key(form: &mut LoginForm, app: &mut App, command: Option<Command>) -> Outcome {
    let Some(wait) = &form.oidc else {
        return Outcome::stay();
    };
    match command {
        Some(Command::Copy) => match &wait.url {
            // Not a secret: it leads to the provider's sign-in, which still asks who you are;
            // its state only ties the answer to this tresor. Not cleared from the clipboard.
            Some(url) => Outcome::stay().with(vec![Effect::Copy {
                text: SecretText::new(url.clone()),
                description: "the sign-in URL".into(),
                sensitive: false,
            }]),
            None => {
                app.set_status(
                    StatusKind::Warning,
                    "The server has not given the sign-in URL yet.".to_string(),
                );
                Outcome::stay()
            }
        },
        Some(Command::Cancel) => {
            let port = wait.request.callback.port;
            form.oidc = None;
            form.error = Some(format!(
                "Stopped waiting for the browser: port {port} is free again."
            ));
            Outcome::stay().with(vec![Effect::CancelOidc])
        }
        _ => Outcome::stay(),
    }
}

/// The runtime's news of the wait. News of a wait given up on is dropped.
pub fn progress(app: &mut App, progress: OidcProgress) -> Vec<Effect> {
    let Some(form) = app.login.as_mut() else {
        return Vec::new();
    };
    let Some(wait) = form.oidc.as_mut() else {
        return Vec::new();
    };
    match progress {
        OidcProgress::Waiting { url } => wait.url = Some(url),
        OidcProgress::Browser(opened) => wait.browser = Some(opened),
        OidcProgress::Failed(failure) => {
            form.oidc = None;
            form.error = Some(failure_message(&failure));
        }
    }
    Vec::new()
}

/// The countdown ran out: the wait stops (and the port is freed).
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let clock = app.clock;
    let Some(form) = app.login.as_mut() else {
        return Vec::new();
    };
    let Some(wait) = &form.oidc else {
        return Vec::new();
    };
    if clock < wait.deadline {
        return Vec::new();
    }
    let (waited, port) = (wait.wait.as_secs(), wait.request.callback.port);
    form.oidc = None;
    form.error = Some(format!(
        "OIDC login failed: no answer from the browser within {}: stopped waiting, port {port} \
         is free again.",
        crate::app::login::oidc::minutes(waited)
    ));
    vec![Effect::CancelOidc]
}

/// `2m`, `1m30s`, `45s`.
pub fn minutes(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s:02}s"),
    }
}

/// A countdown as `1:59`.
pub fn countdown(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A failed OIDC login, in words.
pub fn failure_message(failure: &OidcFailure) -> String {
    format!("OIDC login failed: {failure}.")
}

/// The footer while waiting.
pub fn hints(app: &App) -> Vec<(String, String)> {
    app.keymap
        .hints(Scope::OidcWait, &[Command::Copy, Command::Cancel])
}
