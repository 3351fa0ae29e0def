//! The whole application state. Plain data: drawing reads it, `update` changes it.

use super::action::{Effect, RequestId};
use super::component::Component;
use super::input::TextInput;
use super::keymap::Scope;
use super::layout::{self, Areas};
use super::secret_pane::SecretPane;
use super::tree::Tree;
/// Defined with the settings it is made from; named here for the app's code.
pub use crate::config::ConnectionView;
use crate::vault::{SealStatus, SecretCapabilities, TokenInfo, VaultError};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Tree,
    Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    Help(super::help::HelpOverlay),
    Jump(super::jump::JumpPrompt),
    /// A version operation waiting for the user's yes (or the typed path).
    Confirm(super::history::VersionConfirm),
    MetadataForm(super::metadata_form::MetadataForm),
    SecretForm(super::write::SecretForm),
    ConfirmWrite(super::write::ConfirmWrite),
    /// The editor's text was refused again: reopen it or discard, the user's choice.
    EditorRetry(super::write::EditorRetry),
    Conflict(super::write::Conflict),
    PathPrompt(super::write::PathPrompt),
    AppRole(Box<super::approle_browser::AppRoleBrowser>),
    Picker(super::picker::Picker),
    Seal(Box<super::seal::SealScreen>),
    Finder(super::finder::Finder),
    /// A folder operation: its prompt, plan, progress, report, comparison or search.
    Folder(Box<super::folder::FolderScreen>),
    /// Credentials from an engine tresor does not browse, with their lease.
    Credentials(Box<super::credentials::CredentialsScreen>),
    Leases(Box<super::leases::LeasesScreen>),
    /// `W`: the wrap prompt and the wrapping token, shown once.
    Wrap(super::wrap::WrapDialog),
    /// `U`: a wrapping token looked up, unwrapped after a yes, and its data.
    Unwrap(super::unwrap::UnwrapDialog),
    /// A transit mount: its keys, a key's settings, and operations on it.
    Transit(Box<super::transit::TransitScreen>),
    /// A PKI mount: its issuers, roles and issued certificates.
    Pki(Box<super::pki::PkiScreen>),
    /// Certificates that end soon, everywhere.
    Expiring(Box<super::expiring::ExpiringView>),
}

impl Modal {
    /// The component behind the modal: every dialog and screen is one.
    pub fn component_mut(&mut self) -> &mut dyn Component {
        match self {
            Modal::Help(help) => help,
            Modal::Jump(jump) => jump,
            Modal::Confirm(confirm) => confirm,
            Modal::MetadataForm(form) => form,
            Modal::Seal(screen) => screen.as_mut(),
            Modal::AppRole(browser) => browser.as_mut(),
            Modal::Finder(finder) => finder,
            Modal::Picker(picker) => picker,
            Modal::SecretForm(form) => form,
            Modal::ConfirmWrite(confirm) => confirm,
            Modal::EditorRetry(retry) => retry,
            Modal::Conflict(conflict) => conflict,
            Modal::PathPrompt(prompt) => prompt,
            Modal::Folder(screen) => screen.as_mut(),
            Modal::Credentials(screen) => screen.as_mut(),
            Modal::Leases(screen) => screen.as_mut(),
            Modal::Wrap(dialog) => dialog,
            Modal::Unwrap(dialog) => dialog,
            Modal::Transit(screen) => screen.as_mut(),
            Modal::Pki(screen) => screen.as_mut(),
            Modal::Expiring(view) => view.as_mut(),
        }
    }

    pub fn component(&self) -> &dyn Component {
        match self {
            Modal::Help(help) => help,
            Modal::Jump(jump) => jump,
            Modal::Confirm(confirm) => confirm,
            Modal::MetadataForm(form) => form,
            Modal::Seal(screen) => screen.as_ref(),
            Modal::AppRole(browser) => browser.as_ref(),
            Modal::Finder(finder) => finder,
            Modal::Picker(picker) => picker,
            Modal::SecretForm(form) => form,
            Modal::ConfirmWrite(confirm) => confirm,
            Modal::EditorRetry(retry) => retry,
            Modal::Conflict(conflict) => conflict,
            Modal::PathPrompt(prompt) => prompt,
            Modal::Folder(screen) => screen.as_ref(),
            Modal::Credentials(screen) => screen.as_ref(),
            Modal::Leases(screen) => screen.as_ref(),
            Modal::Wrap(dialog) => dialog,
            Modal::Unwrap(dialog) => dialog,
            Modal::Transit(screen) => screen.as_ref(),
            Modal::Pki(screen) => screen.as_ref(),
            Modal::Expiring(view) => view.as_ref(),
        }
    }

    /// The keymap scope of the modal's keys.
    pub fn scope(&self) -> Scope {
        self.component().scope()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The text as set (a countdown in it as it stood then).
    pub text: String,
    pub kind: StatusKind,
    pub shown_at: Duration,
    /// A countdown inside the line, counted from the clock on each frame.
    pub countdown: Option<Countdown>,
}

impl StatusMessage {
    /// The line as it reads at `clock`.
    pub fn shown(&self, clock: Duration) -> String {
        match &self.countdown {
            Some(countdown) => countdown.text(clock),
            None => self.text.clone(),
        }
    }
}

/// `before` + the time left until `to` + `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    pub before: String,
    pub to: Duration,
    pub after: String,
}

impl Countdown {
    pub fn text(&self, clock: Duration) -> String {
        let left = self.to.saturating_sub(clock);
        // Tenths while short (a retry pause), whole seconds (rounded up) otherwise.
        let left = if left < Duration::from_secs(10) {
            format!("{:.1} s", left.as_secs_f64())
        } else {
            format!("{} s", seconds_until(self.to, clock))
        };
        format!("{}{left}{}", self.before, self.after)
    }
}

/// Something asked of the server: waiting, there, or why not (`E`: words for the user, or the
/// typed error where the UI tells failures apart, as for the seal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loadable<T, E = String> {
    Loading,
    Ready(T),
    Failed(E),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub info: TokenInfo,
    /// `App::clock` when looked up (or last renewed).
    pub looked_up_at: Duration,
    /// When the token ends, on `App::clock`; `None`: it never does. Every countdown is counted
    /// from here against the current clock.
    pub ends_at: Option<Duration>,
    /// Uses left at most: the lookup's `num_uses`, less each answer to a request made with the
    /// token since (requests this session did not count spend uses too). `None`: unlimited.
    pub uses_left: Option<u64>,
}

impl TokenView {
    pub fn new(info: TokenInfo, clock: Duration) -> Self {
        Self {
            ends_at: info
                .expires
                .then(|| clock + Duration::from_secs(info.ttl_seconds)),
            uses_left: info.uses_left,
            looked_up_at: clock,
            info,
        }
    }

    /// Whole seconds left now (rounded up, so 0 means it has ended); `None` for tokens that
    /// never expire.
    pub fn remaining(&self, clock: Duration) -> Option<u64> {
        self.ends_at.map(|end| seconds_until(end, clock))
    }
}

/// `1h 02m`, `4m 09s`, `12s`.
pub fn format_ttl(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s:02}s"),
        (h, _) if h >= 48 => format!("{}d {:02}h", h / 24, h % 24),
        _ => format!("{h}h {m:02}m"),
    }
}

/// Whole seconds from `clock` to `end`, rounded up (0 once `end` has passed).
pub fn seconds_until(end: Duration, clock: Duration) -> u64 {
    let left = end.saturating_sub(clock);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

pub const STATUS_TIMEOUT: Duration = Duration::from_secs(6);
pub const BACKGROUND_REFRESH: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct App {
    pub connection: ConnectionView,
    pub token: Loadable<TokenView>,
    /// The server's seal state: the header shows it, and the Seal screen's row for the server
    /// is written with it (`seal::record_main`).
    pub seal: Loadable<SealStatus, VaultError>,
    pub seal_watch: super::seal::SealWatch,
    pub mounts: Loadable<(), super::tree::NoMounts>,
    pub tree: Tree,
    pub secret: super::secret_pane::SecretPane,
    pub focus: Focus,
    pub modal: Option<Modal>,
    /// Set while the filter is being typed.
    pub filter_input: Option<TextInput>,
    pub status: Option<StatusMessage>,
    pub clock: Duration,
    pub last_background_refresh: Duration,
    pub size: (u16, u16),
    pub next_request: RequestId,
    /// The path the last `Y` copied; a second `Y` on it copies the `bao kv get` command.
    pub copied_path: Option<String>,
    pub clipboard_clear_after: Duration,
    /// What the token may do per KV v2 secret (full path), asked once per secret per session.
    pub capabilities: HashMap<String, SecretCapabilities>,
    pub capabilities_pending: HashSet<String>,
    /// Wall-clock Unix seconds at `clock` zero, for "3h ago" (set by the runtime; fixed in tests).
    pub epoch_unix: i64,
    /// The draft whose text is open in `$EDITOR` right now.
    pub editing: Option<super::edit::Draft>,
    /// The text (without note lines) the editor last gave back with an error, for this edit: the
    /// same text again means nobody changed it, so the editor is not opened once more.
    pub editor_refused: Option<crate::secret::SecretText>,
    /// The token's own namespace was looked at (once per token: N may leave it afterwards).
    pub token_namespace_entered: bool,
    /// `e`/`E` pressed on a secret that was still being opened: the edit starts when it arrives.
    pub pending_edit: Option<super::write::PendingEdit>,
    /// The login dialog, above any modal (a re-login leaves the modal underneath untouched).
    pub login: Option<super::login::LoginForm>,
    pub login_defaults: crate::config::LoginDefaults,
    /// The theme and whether colour is drawn (`config.toml`'s `theme`, `NO_COLOR`).
    pub appearance: crate::config::appearance::Appearance,
    pub session: super::session::Session,
    /// The profile in use, and every profile `P` offers (the command-line session included).
    pub profile: String,
    pub profiles: Vec<super::picker::ProfileEntry>,
    /// Every path the finder's crawl found this session.
    pub paths: super::finder::PathCache,
    /// Nodes to watch on the Seal screen (from the profile).
    pub watch_nodes: Vec<String>,
    /// The Seal screen was opened by itself for the current sealing (not again until unsealed).
    pub seal_screen_offered: bool,
    pub reachability: super::connectivity::Reachability,
    /// Every key binding: the defaults with the user's `[keys]` overrides.
    pub keymap: super::keymap::Keymap,
    /// What was wrong in the config file at start (also in the `?` overlay for the session).
    pub start_warnings: Vec<String>,
    pub should_quit: bool,
    /// Credentials requests whose dialog closed before the answer (their leases get revoked).
    pub abandoned_credentials: Vec<super::credentials::Abandoned>,
    /// The expiring view's window (days) as last chosen: `C` opens it with that again.
    pub expiring_days: u32,
}

impl App {
    pub fn new(connection: ConnectionView, size: (u16, u16)) -> Self {
        let profiles = vec![super::picker::ProfileEntry {
            name: super::picker::COMMAND_LINE.to_string(),
            address: connection.addr.clone(),
            namespace: connection.namespace.clone(),
        }];
        Self {
            connection,
            token: Loadable::Loading,
            seal: Loadable::Loading,
            seal_watch: super::seal::SealWatch::default(),
            mounts: Loadable::Loading,
            tree: Tree::default(),
            secret: SecretPane::default(),
            focus: Focus::Tree,
            modal: None,
            filter_input: None,
            status: None,
            clock: Duration::ZERO,
            last_background_refresh: Duration::ZERO,
            size,
            next_request: 1,
            copied_path: None,
            clipboard_clear_after: Duration::from_secs(30),
            capabilities: HashMap::new(),
            capabilities_pending: HashSet::new(),
            epoch_unix: 0,
            editing: None,
            editor_refused: None,
            token_namespace_entered: false,
            pending_edit: None,
            login: None,
            login_defaults: crate::config::LoginDefaults::default(),
            appearance: crate::config::appearance::Appearance::default(),
            session: super::session::Session::default(),
            profile: super::picker::COMMAND_LINE.to_string(),
            profiles,
            paths: super::finder::PathCache::default(),
            watch_nodes: Vec::new(),
            seal_screen_offered: false,
            reachability: super::connectivity::Reachability::Reachable,
            keymap: super::keymap::Keymap::default(),
            start_warnings: Vec::new(),
            should_quit: false,
            abandoned_credentials: Vec::new(),
            expiring_days: super::expiring::DEFAULT_DAYS,
        }
    }

    /// The requests to send when the app starts.
    pub fn start(&mut self) -> Vec<Effect> {
        if !self.connection.has_token {
            super::session::open_login(self, super::login::LoginReason::NoToken);
        }
        vec![
            Effect::LoadSealStatus,
            Effect::LookupToken,
            Effect::LoadMounts {
                generation: self.tree.generation,
            },
        ]
    }

    /// The scopes keys are looked up in on the main view: the shown tab's own keys first.
    pub fn main_view_scopes(&self) -> Vec<Scope> {
        use super::secret_pane::SecretTab;
        let tab = match self.secret.tab {
            _ if self.secret.location.is_none() => None,
            SecretTab::Versions => Some(Scope::Versions),
            SecretTab::Diff => Some(Scope::Diff),
            SecretTab::Data | SecretTab::Metadata => None,
        };
        tab.into_iter().chain([Scope::Main]).collect()
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.size.0, self.size.1)
    }

    pub fn tree_rows(&self) -> usize {
        layout::tree_rows(&self.areas(), self.filter_line_shown())
    }

    pub fn filter_line_shown(&self) -> bool {
        self.filter_input.is_some() || !self.tree.filter.is_empty()
    }

    /// Wall-clock Unix seconds now.
    pub fn now_unix(&self) -> i64 {
        self.epoch_unix + self.clock.as_secs() as i64
    }

    pub fn next_request_id(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    /// The keys: the defaults with the user's `[keys]` overrides. What could not be used is
    /// returned, to be said at start (the defaults stay for it).
    pub fn use_keys(&mut self, overrides: &[crate::config::profiles::KeyOverride]) -> Vec<String> {
        let (keymap, warnings) = super::keymap::Keymap::with_overrides(overrides);
        self.keymap = keymap;
        warnings
    }

    /// What was wrong in the config file, said at start (the session starts anyway) and kept in
    /// the `?` overlay, since the next status line (a sealed server) may cover it.
    pub fn warn_at_start(&mut self, warnings: &[String]) {
        if !warnings.is_empty() {
            let help = self
                .keymap
                .key(super::keymap::Scope::Main, super::keymap::Command::Help);
            self.set_status(
                StatusKind::Warning,
                format!("{} ({help} lists these again)", warnings.join(" · ")),
            );
        }
        self.start_warnings = warnings.to_vec();
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            kind,
            shown_at: self.clock,
            countdown: None,
        });
    }

    /// A status line with a countdown in it (`before` 4.0 s `after`), counted on each frame.
    pub fn set_status_counting(
        &mut self,
        kind: StatusKind,
        before: impl Into<String>,
        to: Duration,
        after: impl Into<String>,
    ) {
        let countdown = Countdown {
            before: before.into(),
            to,
            after: after.into(),
        };
        self.status = Some(StatusMessage {
            text: countdown.text(self.clock),
            kind,
            shown_at: self.clock,
            countdown: Some(countdown),
        });
    }
}
