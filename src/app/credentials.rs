//! Dynamic credentials: opening a mount of an engine tresor does not browse (database, ssh, aws,
//! ...) asks for a path under it (`creds/readonly`) and the method (read, or write with
//! `key=value` fields: `ssh/creds/<role>` issues on write), then shows the answer: values masked
//! until revealed, each copyable (cleared from the clipboard after its timer), and the lease (id,
//! TTL counting down, renewable), renewed or revoked from here.

use super::action::{Effect, RequestId};
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Modal, StatusKind, format_ttl, seconds_until};
use crate::secret::SecretText;
use crate::vault::VaultError;
use crate::vault::kv::SecretEntry;
use crate::vault::leases::{
    self, Capabilities, IssueMethod, IssuedCredentials, LeaseRenewal, RENEW_PATH, REVOKE_PATH,
};
use crossterm::event::KeyEvent;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormField {
    #[default]
    Path,
    Method,
    Fields,
}

/// The path, the method, and the fields of a write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialsForm {
    pub path: TextInput,
    /// A write (POST) rather than a read (GET).
    pub write: bool,
    /// `key=value` pairs separated by spaces (a write only).
    pub fields: TextInput,
    pub focus: FormField,
}

impl CredentialsForm {
    /// The method, or why the fields cannot be read (never quoting a value).
    pub fn method(&self) -> Result<IssueMethod, String> {
        if !self.write {
            return Ok(IssueMethod::Read);
        }
        let mut fields = Vec::new();
        for (n, pair) in self.fields.text.split_whitespace().enumerate() {
            match pair.split_once('=') {
                Some((key, _)) if fields.iter().any(|(k, _)| k == key) => {
                    return Err(format!(
                        "The field {key:?} is given twice: give each field once."
                    ));
                }
                Some((key, value)) if !key.is_empty() => {
                    fields.push((key.to_string(), SecretText::new(value)))
                }
                _ => {
                    return Err(format!(
                        "Field {} is not key=value (fields are key=value, separated by spaces).",
                        n + 1
                    ));
                }
            }
        }
        Ok(IssueMethod::Write(fields))
    }
}

/// A lease as shown: counted down from `ends_at` on the app's clock, like the token's TTL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseView {
    pub id: String,
    /// When it ends, on `App::clock`.
    pub ends_at: Duration,
    pub renewable: bool,
    /// The TTL it was issued with: what a renewal asks for.
    pub issued_ttl: u64,
    pub revoked: bool,
    /// It has an end (a lease without one, such as a root token's, never expires).
    pub expires: bool,
}

impl LeaseView {
    pub fn new(id: String, ttl: u64, renewable: bool, clock: Duration) -> Self {
        Self {
            id,
            ends_at: clock + Duration::from_secs(ttl),
            renewable,
            issued_ttl: ttl,
            revoked: false,
            expires: ttl > 0,
        }
    }

    /// Whole seconds left at `clock` (0: it has ended).
    pub fn remaining(&self, clock: Duration) -> u64 {
        seconds_until(self.ends_at, clock)
    }
}

/// What an action on a lease needs and may lack: `None` when allowed, else why not (the missing
/// capability and path, or the lease's own state).
pub fn lease_action_refused(
    command: Command,
    lease: &LeaseView,
    capabilities: Option<&Capabilities>,
    clock: Duration,
) -> Option<String> {
    if lease.revoked {
        return Some("revoked".into());
    }
    if lease.expires && lease.remaining(clock) == 0 {
        return Some("expired".into());
    }
    if command == Command::Renew && !lease.renewable {
        return Some("not renewable".into());
    }
    let path = match command {
        Command::Renew => RENEW_PATH,
        _ => REVOKE_PATH,
    };
    missing_capability(capabilities, path, &["update"])
}

/// `None` when the token may (or it is not known: the server decides), else "needs update on
/// sys/leases/renew".
pub fn missing_capability(
    capabilities: Option<&Capabilities>,
    path: &str,
    wanted: &[&str],
) -> Option<String> {
    let held = capabilities?.get(path)?;
    (!leases::allows(held, wanted)).then(|| format!("needs {} on {path}", wanted.join("+")))
}

/// The answer, shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// `mount/path` it was asked at.
    pub path: String,
    pub entries: Vec<SecretEntry>,
    pub warnings: Vec<String>,
    pub cursor: usize,
    pub revealed: bool,
    pub lease: Option<LeaseView>,
    /// What the token may do on `sys/leases/renew` and `sys/leases/revoke` (`None`: not known
    /// yet, everything is offered and the server decides).
    pub capabilities: Option<Capabilities>,
    pub confirm: Option<Question>,
    /// A renewal or revocation waiting for the server.
    pub busy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Ask(CredentialsForm),
    /// Asked; the form is kept to go back to on a refusal.
    Issuing(CredentialsForm),
    Shown(Box<Issued>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsScreen {
    /// The mount with its trailing slash (`ssh/`).
    pub mount: String,
    /// Its engine's type (`ssh`, `database`).
    pub engine: String,
    pub stage: Stage,
    pub request: RequestId,
    /// `mount/path` of the request in flight (or last answered).
    pub asked: String,
    pub message: Option<(StatusKind, String)>,
}

impl CredentialsScreen {
    pub fn new(mount: &str, engine: &str) -> Self {
        let mount = format!("{}/", mount.trim_matches('/'));
        // Engines that issue on write by default.
        let write = engine == "ssh";
        Self {
            mount,
            engine: engine.to_string(),
            stage: Stage::Ask(CredentialsForm {
                write,
                ..Default::default()
            }),
            request: 0,
            asked: String::new(),
            message: None,
        }
    }

    pub fn issued(&self) -> Option<&Issued> {
        match &self.stage {
            Stage::Shown(issued) => Some(issued),
            _ => None,
        }
    }

    fn on_form_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Stage::Ask(form) = &mut self.stage else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Cancel) => return Outcome::close(),
            Some(Command::NextField | Command::PreviousField) => {
                let order = if form.write {
                    &[FormField::Path, FormField::Method, FormField::Fields][..]
                } else {
                    &[FormField::Path, FormField::Method][..]
                };
                let at = order.iter().position(|f| *f == form.focus).unwrap_or(0);
                let step = if command == Some(Command::NextField) {
                    1
                } else {
                    order.len() - 1
                };
                form.focus = order[(at + step) % order.len()];
            }
            Some(Command::Toggle | Command::NextChoice | Command::PreviousChoice)
                if form.focus == FormField::Method =>
            {
                form.write = !form.write;
            }
            Some(Command::Submit) => return self.submit(app),
            _ => {
                let input = match form.focus {
                    FormField::Path => &mut form.path,
                    FormField::Fields => &mut form.fields,
                    FormField::Method => return Outcome::stay(),
                };
                if input.handle_key(key) {
                    self.message = None;
                }
            }
        }
        Outcome::stay()
    }

    fn submit(&mut self, app: &mut App) -> Outcome {
        let Stage::Ask(form) = &self.stage else {
            return Outcome::stay();
        };
        // A path typed with its mount in front (`ssh/creds/otp`) means the same as without.
        let typed = form.path.text.trim().trim_matches('/');
        let path = typed
            .strip_prefix(self.mount.as_str())
            .unwrap_or(typed)
            .to_string();
        if path.is_empty() {
            self.message = Some((
                StatusKind::Error,
                format!(
                    "Type a path under {} (e.g. creds/<role>).",
                    self.mount.trim_end_matches('/')
                ),
            ));
            return Outcome::stay();
        }
        let method = match form.method() {
            Ok(method) => method,
            Err(why) => {
                self.message = Some((StatusKind::Error, why));
                return Outcome::stay();
            }
        };
        self.request = app.next_request_id();
        self.asked = format!("{}{path}", self.mount);
        self.message = None;
        let form = form.clone();
        self.stage = Stage::Issuing(form);
        Outcome::stay().with(vec![Effect::IssueCredentials {
            request: self.request,
            mount: self.mount.clone(),
            path,
            method,
        }])
    }

    fn on_shown_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Stage::Shown(issued) = &mut self.stage else {
            return Outcome::stay();
        };
        if let Some(question) = &mut issued.confirm {
            return match question.answer(key, command, &app.keymap) {
                Answer::Undecided => Outcome::stay(),
                Answer::No => {
                    issued.confirm = None;
                    Outcome::stay()
                }
                Answer::Yes => {
                    issued.confirm = None;
                    match &issued.lease {
                        Some(lease) => {
                            issued.busy = true;
                            self.message = Some((StatusKind::Info, "Revoking the lease…".into()));
                            Outcome::stay().with(vec![Effect::RevokeLease {
                                lease_id: lease.id.clone(),
                            }])
                        }
                        None => Outcome::stay(),
                    }
                }
            };
        }
        let Some(command) = command else {
            return Outcome::stay();
        };
        match command {
            Command::Close => {
                say_what_stays(app, issued);
                return Outcome::close();
            }
            Command::Down => {
                issued.cursor = (issued.cursor + 1).min(issued.entries.len().saturating_sub(1))
            }
            Command::Up => issued.cursor = issued.cursor.saturating_sub(1),
            Command::Reveal => issued.revealed = !issued.revealed,
            Command::Copy => {
                if let Some(entry) = issued.entries.get(issued.cursor) {
                    return Outcome::stay().with(vec![Effect::Copy {
                        text: entry.value.clone(),
                        description: format!("the value of {:?} from {}", entry.key, issued.path),
                        sensitive: true,
                    }]);
                }
            }
            Command::Renew | Command::Revoke => {
                let Some(lease) = &issued.lease else {
                    self.message = Some((
                        StatusKind::Info,
                        "This answer came without a lease: nothing to renew or revoke.".into(),
                    ));
                    return Outcome::stay();
                };
                if issued.busy {
                    self.message = Some((
                        StatusKind::Info,
                        "Waiting for the server to answer first.".into(),
                    ));
                    return Outcome::stay();
                }
                if let Some(why) =
                    lease_action_refused(command, lease, issued.capabilities.as_ref(), app.clock)
                {
                    let verb = if command == Command::Renew {
                        "renewed"
                    } else {
                        "revoked"
                    };
                    self.message = Some((
                        StatusKind::Warning,
                        format!("The lease cannot be {verb}: {why}."),
                    ));
                    return Outcome::stay();
                }
                if command == Command::Revoke {
                    issued.confirm = Some(Question::yes_no("revoke", "keep it"));
                    return Outcome::stay();
                }
                issued.busy = true;
                self.message = Some((StatusKind::Info, "Renewing the lease…".into()));
                return Outcome::stay().with(vec![Effect::RenewLease {
                    lease_id: lease.id.clone(),
                    increment: Some(lease.issued_ttl),
                }]);
            }
            _ => {}
        }
        Outcome::stay()
    }
}

/// Closing: the credentials stay valid until the lease ends, unless revoked.
fn say_what_stays(app: &mut App, issued: &Issued) {
    let Some(lease) = &issued.lease else {
        return;
    };
    if lease.revoked {
        app.set_status(
            StatusKind::Info,
            format!("The lease of {} was revoked.", issued.path),
        );
        return;
    }
    let left = lease.remaining(app.clock);
    if left == 0 {
        return;
    }
    app.set_status(
        StatusKind::Info,
        format!(
            "The credentials from {} stay valid until their lease ends (in {}) unless revoked \
             ({} lists leases).",
            issued.path,
            format_ttl(left),
            app.keymap.key(Scope::Main, Command::Leases)
        ),
    );
}

impl Component for CredentialsScreen {
    fn scope(&self) -> Scope {
        match &self.stage {
            Stage::Ask(_) => Scope::CredentialsForm,
            Stage::Shown(issued) if issued.confirm.is_some() => Scope::Confirm,
            Stage::Issuing(_) | Stage::Shown(_) => Scope::Credentials,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match &self.stage {
            Stage::Ask(_) => self.on_form_key(app, key, command),
            Stage::Issuing(_) => match command {
                Some(Command::Close) => {
                    // The server issues anyway: its answer is revoked when it arrives.
                    app.abandoned_credentials.push(Abandoned::Asked {
                        request: self.request,
                        path: self.asked.clone(),
                    });
                    app.set_status(
                        StatusKind::Info,
                        format!(
                            "Closed before {} answered: credentials it issues are revoked when they arrive.",
                            self.asked
                        ),
                    );
                    Outcome::close()
                }
                _ => Outcome::stay(),
            },
            Stage::Shown(_) => self.on_shown_key(app, key, command),
        }
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.stage {
            Stage::Ask(form) => match form.focus {
                FormField::Path => form.path.insert_str(text.trim()),
                FormField::Fields => form.fields.insert_str(text.trim()),
                FormField::Method => {}
            },
            Stage::Shown(issued) => {
                if let Some(question) = &mut issued.confirm {
                    question.paste(text);
                }
            }
            Stage::Issuing(_) => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        match &self.stage {
            Stage::Ask(_) => app.keymap.hints(
                Scope::CredentialsForm,
                &[
                    Command::Submit,
                    Command::NextField,
                    Command::Toggle,
                    Command::Cancel,
                ],
            ),
            Stage::Shown(issued) if issued.confirm.is_some() => issued
                .confirm
                .as_ref()
                .map(|q| q.hints(&app.keymap))
                .unwrap_or_default(),
            Stage::Issuing(_) => app.keymap.hints(Scope::Credentials, &[Command::Close]),
            Stage::Shown(_) => app.keymap.hints(
                Scope::Credentials,
                &[
                    Command::Reveal,
                    Command::Copy,
                    Command::Renew,
                    Command::Revoke,
                    Command::Close,
                ],
            ),
        }
    }
}

fn screen_mut(app: &mut App) -> Option<&mut CredentialsScreen> {
    match &mut app.modal {
        Some(Modal::Credentials(screen)) => Some(screen),
        _ => None,
    }
}

/// Enter on a mount of an engine tresor does not browse: ask for a path under it.
pub fn open(app: &mut App, mount: &str, engine: &str) -> Vec<Effect> {
    app.modal = Some(Modal::Credentials(Box::new(CredentialsScreen::new(
        mount, engine,
    ))));
    Vec::new()
}

/// The engine answered.
pub fn issued(
    app: &mut App,
    request: RequestId,
    result: Result<IssuedCredentials, VaultError>,
) -> Vec<Effect> {
    let clock = app.clock;
    if let Some(at) = app
        .abandoned_credentials
        .iter()
        .position(|a| matches!(a, Abandoned::Asked { request: r, .. } if *r == request))
    {
        return arrived_after_close(app, at, result);
    }
    let keymap = app.keymap.clone();
    let Some(screen) = screen_mut(app) else {
        return Vec::new();
    };
    let Stage::Issuing(form) = &screen.stage else {
        return Vec::new();
    };
    if request != screen.request {
        return Vec::new();
    }
    let path = match &screen.stage {
        Stage::Issuing(_) => screen.asked.clone(),
        _ => return Vec::new(),
    };
    match result {
        Ok(answer) => {
            let lease = answer
                .lease
                .map(|l| LeaseView::new(l.id, l.ttl, l.renewable, clock));
            screen.message = match (&lease, answer.entries.is_empty()) {
                (None, true) => Some((
                    StatusKind::Info,
                    "The server answered with nothing: no values, no lease.".into(),
                )),
                _ => answer
                    .warnings
                    .first()
                    .map(|w| (StatusKind::Warning, format!("The server warns: {w}"))),
            };
            let wants_capabilities = lease.is_some();
            screen.stage = Stage::Shown(Box::new(Issued {
                path,
                entries: answer.entries,
                warnings: answer.warnings,
                cursor: 0,
                revealed: false,
                lease,
                capabilities: None,
                confirm: None,
                busy: false,
            }));
            if wants_capabilities {
                vec![Effect::LoadLeaseCapabilities {
                    paths: vec![RENEW_PATH.to_string(), REVOKE_PATH.to_string()],
                }]
            } else {
                Vec::new()
            }
        }
        Err(error) => {
            let form = form.clone();
            screen.message = Some((
                StatusKind::Error,
                match &error {
                    VaultError::PermissionDenied { path, operation } => format!(
                        "This token may not {operation} {path}. {}",
                        if form.write {
                            "Some engines issue on read: switch the method."
                        } else {
                            "Some engines issue on write (ssh/creds/<role>): switch the method."
                        }
                    ),
                    VaultError::NotFound { path } => {
                        format!("Nothing at {path}: check the role's name (e.g. creds/<role>).")
                    }
                    other => format!(
                        "The engine refused: {}",
                        super::errors::error_text(&keymap, other)
                    ),
                },
            ));
            screen.stage = Stage::Ask(form);
            Vec::new()
        }
    }
}

/// Capabilities on the lease paths arrived (for whichever lease screen is open).
pub fn capabilities_loaded(app: &mut App, result: &Result<Capabilities, VaultError>) {
    if let Some(screen) = screen_mut(app)
        && let Stage::Shown(issued) = &mut screen.stage
    {
        // Not known (the token may not ask): everything stays offered, the server decides.
        if let Ok(capabilities) = result {
            issued
                .capabilities
                .get_or_insert_with(Default::default)
                .extend(capabilities.clone());
        }
    }
}

/// The lease was renewed (or not): say what the server granted.
pub fn renewed(app: &mut App, lease_id: &str, result: &Result<LeaseRenewal, VaultError>) -> bool {
    let clock = app.clock;
    let keymap = app.keymap.clone();
    let Some(screen) = screen_mut(app) else {
        return false;
    };
    let Stage::Shown(issued) = &mut screen.stage else {
        return false;
    };
    let Some(lease) = issued.lease.as_mut().filter(|l| l.id == lease_id) else {
        return false;
    };
    issued.busy = false;
    screen.message = Some(match result {
        Ok(renewal) => {
            lease.ends_at = clock + Duration::from_secs(renewal.ttl);
            lease.renewable = renewal.renewable;
            renewal_words(renewal, lease.issued_ttl)
        }
        Err(error) => (
            StatusKind::Error,
            format!(
                "Renewing failed: {}",
                super::errors::error_text(&keymap, error)
            ),
        ),
    });
    true
}

/// "Renewed: the server granted 5m 00s (asked 1h 00m: capped by the lease's max TTL)."
pub fn renewal_words(renewal: &LeaseRenewal, asked: u64) -> (StatusKind, String) {
    let granted = format_ttl(renewal.ttl);
    if renewal.ttl < asked {
        (
            StatusKind::Warning,
            format!(
                "Renewed: the server granted {granted}, less than the {} asked (capped by the \
                 max TTL).",
                format_ttl(asked)
            ),
        )
    } else {
        (
            StatusKind::Info,
            format!("Renewed: the server granted {granted}."),
        )
    }
}

/// The lease was revoked (or not).
pub fn revoked(app: &mut App, lease_id: &str, result: &Result<(), VaultError>) -> bool {
    if let Some(at) = app
        .abandoned_credentials
        .iter()
        .position(|a| matches!(a, Abandoned::Revoking { lease_id: id, .. } if id == lease_id))
    {
        late_lease_revoked(app, at, result);
        return true;
    }
    let keymap = app.keymap.clone();
    let Some(screen) = screen_mut(app) else {
        return false;
    };
    let Stage::Shown(issued) = &mut screen.stage else {
        return false;
    };
    let Some(lease) = issued.lease.as_mut().filter(|l| l.id == lease_id) else {
        return false;
    };
    issued.busy = false;
    screen.message = Some(match result {
        Ok(()) => {
            lease.revoked = true;
            (
                StatusKind::Warning,
                "Revoked: these credentials no longer work.".into(),
            )
        }
        Err(error) => (
            StatusKind::Error,
            format!(
                "Revoking failed: {}",
                super::errors::error_text(&keymap, error)
            ),
        ),
    });
    true
}

/// A request whose dialog was closed before the engine answered. Credentials nobody can see any
/// more are only a risk: their lease is revoked as soon as it is known, and the status says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abandoned {
    /// Asked; the dialog closed before the answer.
    Asked { request: RequestId, path: String },
    /// Answered with a lease, which is being revoked.
    Revoking { lease_id: String, path: String },
}

/// The answer of a request whose dialog was closed: its lease revoked at once, said in words.
fn arrived_after_close(
    app: &mut App,
    at: usize,
    result: Result<IssuedCredentials, VaultError>,
) -> Vec<Effect> {
    let Abandoned::Asked { path, .. } = app.abandoned_credentials.remove(at) else {
        return Vec::new();
    };
    match result {
        Ok(IssuedCredentials {
            lease: Some(lease), ..
        }) => {
            app.set_status(
                StatusKind::Warning,
                format!(
                    "{path} issued credentials after the dialog closed: revoking their lease (nobody saw them)…"
                ),
            );
            app.abandoned_credentials.push(Abandoned::Revoking {
                lease_id: lease.id.clone(),
                path,
            });
            vec![Effect::RevokeLease { lease_id: lease.id }]
        }
        Ok(_) => {
            app.set_status(
                StatusKind::Info,
                format!(
                    "{path} answered after the dialog closed, without a lease: nothing to revoke."
                ),
            );
            Vec::new()
        }
        // Nothing was issued: nothing to say beyond what closing said.
        Err(_) => Vec::new(),
    }
}

fn late_lease_revoked(app: &mut App, at: usize, result: &Result<(), VaultError>) {
    let Abandoned::Revoking { lease_id, path } = app.abandoned_credentials.remove(at) else {
        return;
    };
    match result {
        Ok(()) => app.set_status(
            StatusKind::Info,
            format!("The credentials {path} issued after the dialog closed were revoked."),
        ),
        Err(error) => {
            let text = format!(
                "The credentials {path} issued after the dialog closed are still valid: revoking {lease_id} failed ({}); {} lists leases.",
                super::errors::error_text(&app.keymap, error),
                app.keymap.key(Scope::Main, Command::Leases)
            );
            app.set_status(StatusKind::Error, text);
        }
    }
}
