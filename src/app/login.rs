//! The login dialog (`L`): a method (Token, AppRole, Userpass, LDAP, JWT, TLS certificate), for
//! AppRole a way (role-id +
//! secret-id, a wrapping token, or the worker -> runner pull), the auth mount, masked secret
//! fields, and "save as default token". It lies on top of everything else, so a re-login never
//! disturbs a form or dialog underneath.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Loadable, StatusKind};
use crate::config::LoginDefaults;
use crate::secret::{SecretText, Token};
use crate::vault::auth::{CredentialKind, LoginFailure};
use crate::vault::{AuthMethod, Credentials, JwtSource};
use crossterm::event::KeyEvent;

pub mod oidc;

/// Why the dialog opened, shown at its top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginReason {
    NoToken,
    /// The server refused the token.
    Rejected(Rejection),
    /// The token ends at this `App::clock` and cannot be renewed further.
    Ending {
        ends_at: std::time::Duration,
    },
    LoggedOut,
}

/// What is known of why the server refused the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// It never worked in this session (mistyped, expired or revoked before the start).
    NeverAccepted,
    /// Its TTL ran out.
    Expired,
    /// Its uses ran out (counted down to none).
    UsesRanOut,
    /// Use-limited, with at most this many uses left as far as this session counted.
    UsesMayHaveRunOut { at_most: u64 },
    /// It worked and had time left: revoked (or ended early on the server).
    Revoked,
}

impl Rejection {
    /// For the header's token line.
    pub fn short(&self) -> &'static str {
        match self {
            Rejection::NeverAccepted => "not accepted by the server",
            Rejection::Expired => "expired",
            Rejection::UsesRanOut => "its uses ran out",
            Rejection::UsesMayHaveRunOut { .. } => {
                "rejected by the server (revoked, or its uses ran out)"
            }
            Rejection::Revoked => "rejected by the server (expired or revoked)",
        }
    }
}

impl LoginReason {
    /// The text at the dialog's top, with any countdown counted at `clock`.
    pub fn text(&self, clock: std::time::Duration) -> String {
        const AGAIN: &str = "Log in again: you stay where you were, and what failed is sent again.";
        match self {
            LoginReason::NoToken => "No token found (flag, BAO_TOKEN/VAULT_TOKEN, token file): log in.".into(),
            LoginReason::Rejected(Rejection::NeverAccepted) => "The server does not accept this token (mistyped, expired or revoked). Log in: what failed is sent again.".into(),
            LoginReason::Rejected(Rejection::Expired) => format!("The token expired. {AGAIN}"),
            LoginReason::Rejected(Rejection::UsesRanOut) => format!("The token can no longer be used: its uses ran out. {AGAIN}"),
            LoginReason::Rejected(Rejection::UsesMayHaveRunOut { at_most }) => format!("The server no longer accepts the token: revoked, or its uses ran out (it had at most {at_most} left). {AGAIN}"),
            LoginReason::Rejected(Rejection::Revoked) => format!("The server no longer accepts the token (expired or revoked). {AGAIN}"),
            LoginReason::Ending { ends_at } => match super::state::seconds_until(*ends_at, clock) {
                0 => "The token has expired and cannot be renewed. Log in again: you stay where you were.".into(),
                left => format!("The token ends in {left}s and cannot be renewed further. Log in again: you stay where you were."),
            },
            LoginReason::LoggedOut => "Logged out. Log in to go on.".into(),
        }
    }

    /// The text, naming the token file that was looked for (a profile's `token_file`,
    /// `BAO_TOKEN_PATH` or `~/.vault-token`) when there was no token.
    /// With a profile the environment's token is not used, so it is not named.
    pub fn text_naming(
        &self,
        store: Option<&crate::config::TokenStore>,
        profile: bool,
        clock: std::time::Duration,
    ) -> String {
        let file = store.map(|store| match store {
            crate::config::TokenStore::File(path) => format!("token file {}", path.display()),
            crate::config::TokenStore::Helper(_) => store.describe(),
        });
        match (self, file, profile) {
            (LoginReason::NoToken, Some(file), false) => {
                format!("No token found (flag, BAO_TOKEN/VAULT_TOKEN, {file}): log in.")
            }
            (LoginReason::NoToken, Some(file), true) => {
                format!("No token found (--token, the profile's token or its {file}): log in.")
            }
            (LoginReason::NoToken, None, true) => "No token found (--token or the profile's \
                 token; the environment's is not used with a profile): log in."
                .into(),
            _ => self.text(clock),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRoleWay {
    /// Role-id + secret-id.
    Push,
    /// Role-id + a response-wrapped secret-id (a wrapping token).
    Wrapped,
    /// A worker identity fetches a wrapped secret-id for a runner role.
    Pull,
}

impl AppRoleWay {
    const ALL: [AppRoleWay; 3] = [AppRoleWay::Push, AppRoleWay::Wrapped, AppRoleWay::Pull];

    pub fn label(self) -> &'static str {
        match self {
            AppRoleWay::Push => "role-id + secret-id",
            AppRoleWay::Wrapped => "wrapped secret-id",
            AppRoleWay::Pull => "worker -> runner",
        }
    }
}

/// The fields of the dialog; which ones show depends on the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Method,
    Way,
    Mount,
    Token,
    RoleId,
    SecretId,
    WrappingToken,
    WorkerRoleId,
    WorkerSecretId,
    RunnerRole,
    RunnerRoleId,
    Username,
    Password,
    /// The JWT, certificate or OIDC role (optional: the mount's default role).
    Role,
    /// The file a JWT login reads (at each login).
    JwtFile,
    SaveDefault,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Method => "Method",
            Field::Way => "AppRole",
            Field::Mount => "Auth mount",
            Field::Token => "Token",
            Field::RoleId => "Role-id",
            Field::SecretId => "Secret-id",
            Field::WrappingToken => "Wrapping token",
            Field::WorkerRoleId => "Worker role-id",
            Field::WorkerSecretId => "Worker secret-id",
            Field::RunnerRole => "Runner role",
            Field::RunnerRoleId => "Runner role-id",
            Field::Username => "Username",
            Field::Password => "Password",
            Field::Role => "Role",
            Field::JwtFile => "JWT file",
            Field::SaveDefault => "Save token",
        }
    }

    /// Typed secrets are masked.
    pub fn masked(self) -> bool {
        matches!(
            self,
            Field::Token
                | Field::SecretId
                | Field::WrappingToken
                | Field::WorkerSecretId
                | Field::Password
        )
    }

    fn is_text(self) -> bool {
        !matches!(self, Field::Method | Field::Way | Field::SaveDefault)
    }

    /// A field that may stay empty (a default applies).
    fn optional(self) -> bool {
        matches!(self, Field::RunnerRoleId | Field::Role)
    }
}

#[derive(Debug, Clone)]
pub struct LoginForm {
    pub method: AuthMethod,
    pub way: AppRoleWay,
    pub mounts: [TextInput; AuthMethod::ALL.len()],
    /// `TRESOR_JWT`: a JWT login sends it (the JWT file field is not shown then).
    pub jwt_from_env: Option<SecretText>,
    pub inputs: Vec<(Field, TextInput)>,
    pub focus: Field,
    pub save_default: bool,
    /// The file "Save token" writes to; without one the choice is not offered.
    pub save_to: Option<crate::config::TokenStore>,
    pub revealed: bool,
    pub reason: Option<LoginReason>,
    pub error: Option<String>,
    pub busy: bool,
    pub hints: Vec<String>,
    /// An OIDC login waiting for the browser (the dialog shows the wait instead of the fields).
    pub oidc: Option<oidc::OidcWait>,
}

fn method_index(method: AuthMethod) -> usize {
    AuthMethod::ALL
        .iter()
        .position(|m| *m == method)
        .unwrap_or(0)
}

impl LoginForm {
    pub fn new(defaults: &LoginDefaults) -> Self {
        let method = defaults.method.unwrap_or(
            if defaults.role_id.is_some() || defaults.secret_id.is_some() {
                AuthMethod::AppRole
            } else {
                AuthMethod::Token
            },
        );
        let mut mounts = AuthMethod::ALL.map(|m| TextInput::with_text(m.default_mount()));
        if let Some(mount) = &defaults.mount {
            mounts[method_index(method)] = TextInput::with_text(mount.trim_matches('/'));
        }
        let text =
            |value: Option<&SecretText>| TextInput::with_text(value.map_or("", |v| v.expose()));
        let inputs = vec![
            (Field::Token, TextInput::default()),
            (Field::RoleId, text(defaults.role_id.as_ref())),
            (Field::SecretId, text(defaults.secret_id.as_ref())),
            (Field::WrappingToken, TextInput::default()),
            (Field::WorkerRoleId, text(defaults.role_id.as_ref())),
            (Field::WorkerSecretId, text(defaults.secret_id.as_ref())),
            (
                Field::RunnerRole,
                TextInput::with_text(defaults.role.as_deref().unwrap_or("")),
            ),
            (Field::RunnerRoleId, TextInput::default()),
            (Field::Username, TextInput::default()),
            (Field::Password, TextInput::default()),
            (
                Field::Role,
                TextInput::with_text(defaults.role.as_deref().unwrap_or("")),
            ),
            (
                Field::JwtFile,
                TextInput::with_text(
                    &defaults
                        .jwt_file
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                ),
            ),
        ];
        let mut form = Self {
            method,
            way: AppRoleWay::Push,
            mounts,
            jwt_from_env: defaults.jwt.clone(),
            inputs,
            focus: Field::Method,
            save_default: false,
            save_to: defaults.save_token_to.clone(),
            revealed: false,
            reason: None,
            error: None,
            busy: false,
            hints: defaults.hints.clone(),
            oidc: None,
        };
        // Start on the first empty field of the method.
        form.focus = form
            .fields()
            .into_iter()
            .find(|f| {
                f.is_text() && *f != Field::Mount && !f.optional() && form.text(*f).is_empty()
            })
            .unwrap_or(Field::Method);
        form
    }

    /// The fields shown for the current method, top to bottom.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields = vec![Field::Method];
        match self.method {
            AuthMethod::Token => fields.push(Field::Token),
            AuthMethod::AppRole => {
                fields.extend([Field::Way, Field::Mount]);
                match self.way {
                    AppRoleWay::Push => fields.extend([Field::RoleId, Field::SecretId]),
                    AppRoleWay::Wrapped => fields.extend([Field::RoleId, Field::WrappingToken]),
                    AppRoleWay::Pull => fields.extend([
                        Field::WorkerRoleId,
                        Field::WorkerSecretId,
                        Field::RunnerRole,
                        Field::RunnerRoleId,
                    ]),
                }
            }
            AuthMethod::Userpass | AuthMethod::Ldap => {
                fields.extend([Field::Mount, Field::Username, Field::Password]);
            }
            AuthMethod::Jwt => {
                fields.extend([Field::Mount, Field::Role]);
                if self.jwt_from_env.is_none() {
                    fields.push(Field::JwtFile);
                }
            }
            AuthMethod::Cert => fields.extend([Field::Mount, Field::Role]),
            AuthMethod::Oidc => fields.extend([Field::Mount, Field::Role]),
        }
        if self.save_to.is_some() {
            fields.push(Field::SaveDefault);
        }
        fields
    }

    pub fn input(&self, field: Field) -> Option<&TextInput> {
        if field == Field::Mount {
            return Some(&self.mounts[method_index(self.method)]);
        }
        self.inputs
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| i)
    }

    fn input_mut(&mut self, field: Field) -> Option<&mut TextInput> {
        if field == Field::Mount {
            return Some(&mut self.mounts[method_index(self.method)]);
        }
        self.inputs
            .iter_mut()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| i)
    }

    pub(crate) fn text(&self, field: Field) -> &str {
        self.input(field).map_or("", |i| i.text.as_str())
    }

    fn secret(&self, field: Field) -> SecretText {
        SecretText::new(self.text(field).trim())
    }

    fn step(&mut self, forward: bool) {
        let fields = self.fields();
        let index = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward {
            (index + 1) % fields.len()
        } else {
            (index + fields.len() - 1) % fields.len()
        };
        self.focus = fields[next];
    }

    fn cycle(&mut self, forward: bool) {
        match self.focus {
            Field::Method => {
                let index = method_index(self.method);
                let len = AuthMethod::ALL.len();
                let next = if forward { index + 1 } else { index + len - 1 } % len;
                self.method = AuthMethod::ALL[next];
            }
            Field::Way => {
                let index = AppRoleWay::ALL
                    .iter()
                    .position(|w| *w == self.way)
                    .unwrap_or(0);
                let len = AppRoleWay::ALL.len();
                let next = if forward { index + 1 } else { index + len - 1 } % len;
                self.way = AppRoleWay::ALL[next];
            }
            Field::SaveDefault => self.save_default = !self.save_default,
            _ => {}
        }
        self.error = None;
    }

    /// The credentials typed, or what is missing (nothing is sent then).
    pub fn credentials(&self) -> Result<Credentials, String> {
        let missing: Vec<&str> = self
            .fields()
            .into_iter()
            .filter(|f| f.is_text() && !f.optional() && self.text(*f).trim().is_empty())
            .map(Field::label)
            .collect();
        if !missing.is_empty() {
            return Err(format!("Fill in: {}.", missing.join(", ")));
        }
        let mount = self.text(Field::Mount).trim().trim_matches('/').to_string();
        Ok(match self.method {
            AuthMethod::Token => Credentials::Token(Token::new(self.text(Field::Token).trim())),
            AuthMethod::AppRole => match self.way {
                AppRoleWay::Push => Credentials::AppRole {
                    mount,
                    role_id: self.secret(Field::RoleId),
                    secret_id: self.secret(Field::SecretId),
                },
                AppRoleWay::Wrapped => Credentials::AppRoleWrapped {
                    mount,
                    role_id: self.secret(Field::RoleId),
                    wrapping_token: Token::new(self.text(Field::WrappingToken).trim()),
                },
                AppRoleWay::Pull => Credentials::AppRolePull {
                    mount,
                    worker_role_id: self.secret(Field::WorkerRoleId),
                    worker_secret_id: self.secret(Field::WorkerSecretId),
                    runner_role: self.text(Field::RunnerRole).trim().to_string(),
                    runner_role_id: self.secret(Field::RunnerRoleId),
                },
            },
            AuthMethod::Userpass => Credentials::Userpass {
                mount,
                username: self.text(Field::Username).trim().to_string(),
                password: SecretText::new(self.text(Field::Password)),
            },
            AuthMethod::Ldap => Credentials::Ldap {
                mount,
                username: self.text(Field::Username).trim().to_string(),
                password: SecretText::new(self.text(Field::Password)),
            },
            AuthMethod::Jwt => Credentials::Jwt {
                mount,
                role: self.text(Field::Role).trim().to_string(),
                jwt: match &self.jwt_from_env {
                    Some(jwt) => JwtSource::Given(jwt.clone()),
                    None => JwtSource::File(self.text(Field::JwtFile).trim().into()),
                },
            },
            AuthMethod::Cert => Credentials::Cert {
                mount,
                role: Some(self.text(Field::Role).trim().to_string()).filter(|r| !r.is_empty()),
            },
            // The browser does the signing in (`oidc::start`): nothing is typed here.
            AuthMethod::Oidc => return Err("OIDC logs in through the browser.".into()),
        })
    }
}

/// `L`: the login dialog (also to switch identity while logged in).
pub fn open(app: &mut App) -> Vec<Effect> {
    if app.login.is_none() {
        app.login = Some(LoginForm::new(&app.login_defaults));
    }
    Vec::new()
}

/// A login worked: the dialog starts on its method (and that method's auth mount) from now on
/// in this session; a profile switch brings the profile's own defaults back.
pub fn remember_method(app: &mut App) {
    let Some(form) = &app.login else {
        return;
    };
    let method = form.method;
    let mount = form.text(Field::Mount).trim().trim_matches('/').to_string();
    app.login_defaults.method = Some(method);
    // A token login has no mount: the one remembered (if any) only fills the Token slot.
    if method != AuthMethod::Token {
        app.login_defaults.mount = (!mount.is_empty()).then_some(mount);
    }
}

impl LoginForm {
    /// Esc: the dialog closes without a login; what waited for it fails (the requests stay
    /// parked for a later login).
    fn give_up(&self, app: &mut App) -> Outcome {
        let has_token = app.connection.has_token && matches!(app.token, Loadable::Ready(_));
        let waited = !app.session.parked.is_empty();
        let effects = super::session::login_given_up(app);
        if !has_token || waited {
            let login = app.keymap.key(Scope::Main, Command::Login);
            app.set_status(
                StatusKind::Warning,
                format!("Not logged in: requests will fail until you log in ({login})."),
            );
        }
        Outcome::close().with(effects)
    }

    /// Enter: the credentials go to the server, or the dialog says what is missing.
    fn submit(&mut self, app: &App) -> Outcome {
        if self.method == AuthMethod::Oidc {
            return oidc::start(self, app);
        }
        match self.credentials() {
            Ok(credentials) => {
                self.busy = true;
                self.error = None;
                Outcome::stay().with(vec![Effect::Login {
                    credentials,
                    save_to: self.save_to.clone().filter(|_| self.save_default),
                }])
            }
            Err(message) => {
                self.error = Some(message);
                Outcome::stay()
            }
        }
    }

    fn logout(&mut self, app: &App) -> Outcome {
        if app.connection.has_token && matches!(app.token, Loadable::Ready(_)) {
            self.busy = true;
            // A token helper forgets the token too (the token file is left as it is).
            let erase_from = self
                .save_to
                .clone()
                .filter(|store| matches!(store, crate::config::TokenStore::Helper(_)));
            return Outcome::stay().with(vec![Effect::Logout { erase_from }]);
        }
        self.error = Some("There is no token to log out of.".into());
        Outcome::stay()
    }
}

/// The dialog lies above any modal: it is dispatched before it (`component::dispatch_login_key`)
/// and takes every key.
impl Component for LoginForm {
    fn scope(&self) -> Scope {
        if self.oidc.is_some() {
            Scope::OidcWait
        } else {
            Scope::Login
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.oidc.is_some() {
            return oidc::on_key(self, app, command);
        }
        if self.busy {
            if command == Some(Command::Cancel) {
                self.busy = false;
                self.error = Some("Stopped waiting; the server may still answer.".into());
            }
            return Outcome::stay();
        }
        let on_choice = !self.focus.is_text();
        match command {
            Some(Command::Cancel) => return self.give_up(app),
            Some(Command::Submit) => return self.submit(app),
            Some(Command::Logout) => return self.logout(app),
            Some(Command::NextField) => self.step(true),
            Some(Command::PreviousField) => self.step(false),
            Some(Command::Reveal) => self.revealed = !self.revealed,
            Some(Command::NextChoice) if on_choice => self.cycle(true),
            Some(Command::PreviousChoice) if on_choice => self.cycle(false),
            _ if on_choice => {}
            _ => {
                let focus = self.focus;
                if let Some(input) = self.input_mut(focus) {
                    input.handle_key(key);
                    self.error = None;
                }
            }
        }
        Outcome::stay()
    }

    /// Pasted text goes into the focused field (a token or secret-id is usually pasted).
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if self.oidc.is_some() {
            return Outcome::stay();
        }
        let focus = self.focus;
        if let Some(input) = self.input_mut(focus) {
            input.insert_str(text.trim());
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        if self.oidc.is_some() {
            return oidc::hints(app);
        }
        let keymap = &app.keymap;
        let cancel = keymap.key(Scope::Login, Command::Cancel);
        if self.busy {
            return vec![(cancel, "stop waiting".into())];
        }
        let mut hints = keymap.hints(Scope::Login, &[Command::Submit, Command::NextField]);
        hints.push((
            keymap.pair(Scope::Login, Command::PreviousChoice, Command::NextChoice),
            "choose".into(),
        ));
        hints.extend(keymap.hints(Scope::Login, &[Command::Reveal]));
        let close = if app.modal.is_some() {
            "close (your dialog underneath stays)"
        } else {
            "close"
        };
        hints.push((cancel, close.into()));
        hints
    }
}

/// A failed login: the dialog stays, with the server's reason; nothing typed is lost.
pub fn login_failed(app: &mut App, message: String) -> Vec<Effect> {
    if let Some(form) = &mut app.login {
        form.busy = false;
        form.oidc = None;
        form.error = Some(message);
    } else {
        app.set_status(StatusKind::Error, message);
    }
    Vec::new()
}

/// A login that did not give a usable session, in words.
pub fn login_failure_message(failure: &LoginFailure) -> String {
    match failure {
        LoginFailure::Refused { kind, error } => login_error_message(*kind, error),
        LoginFailure::LookUp(error) => {
            format!("Logged in, but the new token cannot be looked up: {error}")
        }
        LoginFailure::Save { path, reason } => {
            format!("Logged in, but saving the token to {path} failed: {reason}")
        }
    }
}

/// A failed login in words: the server's own reason, and for a pasted token that it was refused.
pub fn login_error_message(kind: CredentialKind, error: &crate::vault::VaultError) -> String {
    use crate::vault::VaultError;
    let method = match kind {
        CredentialKind::Token => "Token",
        CredentialKind::AppRole => "AppRole",
        CredentialKind::AppRoleWrapped => "AppRole (wrapped secret-id)",
        CredentialKind::AppRolePull => "AppRole (worker -> runner)",
        CredentialKind::Userpass => "Userpass",
        CredentialKind::Ldap => "LDAP",
        CredentialKind::Jwt => "JWT",
        CredentialKind::Cert => "TLS certificate",
    };
    let reason = match error {
        VaultError::PermissionDenied { .. } if kind == CredentialKind::Token => {
            "the server does not accept this token (invalid, expired or revoked)".to_string()
        }
        VaultError::PermissionDenied { path, .. } => format!("permission denied on {path}"),
        // OpenBao's LDAP method says "failed to bind as user" for a wrong password and for an
        // unknown user alike (it does not tell them apart, and neither can we).
        VaultError::Server {
            status: 400,
            errors,
            path,
        } if kind == CredentialKind::Ldap
            && errors.iter().any(|e| e.contains("failed to bind as user")) =>
        {
            format!(
                "the LDAP server refused this username or password ({}; {path})",
                crate::vault::error::server_lines(errors).join("; ")
            )
        }
        VaultError::Server { errors, path, .. } => {
            let lines = crate::vault::error::server_lines(errors);
            if lines.is_empty() {
                error.to_string()
            } else {
                format!("{} ({path})", lines.join("; "))
            }
        }
        VaultError::NotFound { path } => {
            format!("nothing answers at {path}: is the auth method enabled at that mount?")
        }
        VaultError::Config(message) => message.clone(),
        other => other.to_string(),
    };
    format!("{method} login failed: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::keymap::event;
    use crate::app::state::ConnectionView;
    use crate::vault::VaultError;

    fn press(app: &mut App, text: &str) -> Vec<Effect> {
        crate::app::update(app, Action::Key(event(text)))
    }

    /// An app without a token: the login dialog is open on the Token field.
    fn without_token() -> App {
        let mut app = App::new(ConnectionView::default(), (100, 30));
        let _ = app.start();
        app
    }

    #[test]
    fn enter_says_what_is_missing_and_sends_nothing() {
        let mut app = without_token();
        let effects = press(&mut app, "Enter");
        assert!(effects.is_empty(), "{effects:?}");
        let form = app.login.as_ref().expect("still open");
        assert_eq!(form.error.as_deref(), Some("Fill in: Token."));
        assert!(!form.busy);
    }

    #[test]
    fn while_waiting_only_cancel_works_and_it_keeps_the_dialog() {
        let mut app = without_token();
        let paste = crate::app::update(&mut app, Action::Paste(" s.abc \n".into()));
        assert!(paste.is_empty());
        let effects = press(&mut app, "Enter");
        assert!(
            matches!(effects.as_slice(), [Effect::Login { credentials: Credentials::Token(token), save_to: None }] if token.expose() == "s.abc"),
            "{effects:?}"
        );
        // Enter again, typing, reveal: nothing while the server is asked.
        for text in ["Enter", "x", "Ctrl-r"] {
            assert!(press(&mut app, text).is_empty());
        }
        let form = app.login.as_ref().expect("open");
        assert!(form.busy && !form.revealed);
        assert_eq!(form.text(Field::Token), "s.abc");
        press(&mut app, "Esc");
        let form = app
            .login
            .as_ref()
            .expect("still open after stopping the wait");
        assert!(!form.busy);
        assert_eq!(
            form.error.as_deref(),
            Some("Stopped waiting; the server may still answer.")
        );
        // Without a token there is nothing to log out of.
        press(&mut app, "Ctrl-x");
        let form = app.login.as_ref().expect("open");
        assert_eq!(
            form.error.as_deref(),
            Some("There is no token to log out of.")
        );
        press(&mut app, "Esc");
        assert!(app.login.is_none());
        let status = app.status.as_ref().map(|s| s.text.as_str());
        assert_eq!(
            status,
            Some("Not logged in: requests will fail until you log in (L).")
        );
    }

    #[test]
    fn login_failures_are_worded_here_from_typed_errors() {
        let refused = LoginFailure::Refused {
            kind: CredentialKind::Token,
            error: VaultError::PermissionDenied {
                path: "auth/token/lookup-self".into(),
                operation: crate::vault::Operation::Read,
            },
        };
        assert_eq!(
            login_failure_message(&refused),
            "Token login failed: the server does not accept this token (invalid, expired or revoked)"
        );
        let save = LoginFailure::Save {
            path: "/home/u/.vault-token".into(),
            reason: "Permission denied (os error 13)".into(),
        };
        assert_eq!(
            login_failure_message(&save),
            "Logged in, but saving the token to /home/u/.vault-token failed: Permission denied (os error 13)"
        );
        let lookup = LoginFailure::LookUp(VaultError::Sealed);
        assert_eq!(
            login_failure_message(&lookup),
            "Logged in, but the new token cannot be looked up: the server is sealed"
        );
    }
}
