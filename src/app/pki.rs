//! The PKI screen: a `pki` mount opened from the tree. Three lists (issuers, roles, the
//! certificates the mount issued); a role's settings beside the roles; a certificate opened shows
//! its decoded summary and its PEM can be copied; revoking one asks first ([`Question`]) and reads
//! it again afterwards; a role issues a certificate from a small form, shown once with its key
//! masked. Certificates are read lazily: only the rows on screen (and the next page) are asked
//! for, so a mount with thousands stays fluid. What the token may not do (revoke, issue) is known
//! from `sys/capabilities-self` and said with the path and the capability it lacks.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::input::TextInput;
use super::keymap::{Command, Keymap, Scope};
use super::state::{App, Loadable, Modal, StatusKind};
use crate::secret::SecretText;
use crate::vault::VaultError;
use crate::vault::approle::RoleSetting;
use crate::vault::pki::{
    Capabilities, IssueRequest, IssuedCert, Issuer, PkiAnswer, PkiCert, PkiRequest, may_write,
    mount_path,
};
use crossterm::event::KeyEvent;
use std::collections::HashMap;

/// The three lists, in the order Tab goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PkiList {
    #[default]
    Issuers,
    Roles,
    Certs,
}

impl PkiList {
    pub const ALL: [PkiList; 3] = [PkiList::Issuers, PkiList::Roles, PkiList::Certs];

    pub fn title(self) -> &'static str {
        match self {
            PkiList::Issuers => "Issuers",
            PkiList::Roles => "Roles",
            PkiList::Certs => "Certificates",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % 3]
    }
}

/// One certificate's row: being read, read, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertRow {
    Loading,
    Ready(PkiCert),
    Failed(VaultError),
}

/// A certificate just issued: shown once; the key is in memory only while this is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub cert: IssuedCert,
    pub revealed: bool,
}

/// What the screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Lists,
    /// One certificate opened (by serial).
    Cert(String),
    Issued(Box<Issued>),
}

/// The issue form's fields, in order.
pub const ISSUE_FIELDS: [&str; 3] = ["common name", "alt names", "TTL"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueForm {
    pub role: String,
    /// Common name, alt names (comma-separated), TTL (`24h`; empty: the role's default).
    pub fields: [TextInput; 3],
    pub focus: usize,
    pub error: Option<String>,
}

/// A question over the screen, one at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Revoke { serial: String, question: Question },
    Issue(IssueForm),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkiScreen {
    /// The mount, with its trailing slash (`pki_int/`).
    pub mount: String,
    pub list: PkiList,
    pub issuers: Loadable<Vec<Issuer>, VaultError>,
    pub roles: Loadable<Vec<String>, VaultError>,
    /// The selected role's settings.
    pub role: Option<(String, Loadable<Vec<RoleSetting>, VaultError>)>,
    pub serials: Loadable<Vec<String>, VaultError>,
    /// Details per serial, for the rows that were on screen.
    pub certs: HashMap<String, CertRow>,
    /// Per list (in [`PkiList::ALL`] order): the selected row and the first row drawn.
    pub cursors: [usize; 3],
    pub scrolls: [usize; 3],
    /// What the token may do on the revoke and issue paths (`None`: not known yet).
    pub capabilities: Option<Capabilities>,
    pub view: View,
    pub prompt: Option<Prompt>,
    pub busy: bool,
    pub error: Option<String>,
    /// Open this certificate once the serials are there (a jump from the expiring view).
    pub open_serial: Option<String>,
    /// The first row drawn of an opened or issued certificate (a revealed key and its chain are
    /// longer than a small terminal).
    pub detail_scroll: u16,
    /// How far that view can scroll: rows beyond the pane, as last drawn (like ratatui's
    /// `ListState` offset, the drawing is what knows how the text wraps).
    pub detail_overflow: std::cell::Cell<u16>,
}

/// Whether an engine's mount opens the PKI screen (it is not "not browsable" then).
pub fn opens(engine: &crate::vault::SecretEngine) -> bool {
    matches!(engine, crate::vault::SecretEngine::Other(kind) if kind == "pki")
}

/// Rows of a list on a screen `height` rows high: the header (2), the footer (1), the panel's
/// border (2), the tabs (1), the bottom line and its rule (2), the table's header (1). The drawing
/// fills the pane it has (fewer when the bottom holds more, the selected row kept on screen).
pub fn list_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(9)).max(1)
}

impl PkiScreen {
    pub fn new(mount: &str) -> Self {
        Self {
            mount: format!("{}/", mount_path(mount)),
            list: PkiList::Issuers,
            issuers: Loadable::Loading,
            roles: Loadable::Loading,
            role: None,
            serials: Loadable::Loading,
            certs: HashMap::new(),
            cursors: [0; 3],
            scrolls: [0; 3],
            capabilities: None,
            view: View::Lists,
            prompt: None,
            busy: false,
            error: None,
            open_serial: None,
            detail_scroll: 0,
            detail_overflow: std::cell::Cell::new(0),
        }
    }

    /// `pki_int/revoke`.
    pub fn revoke_path(&self) -> String {
        format!("{}/revoke", mount_path(&self.mount))
    }

    /// `pki_int/issue/<role>`.
    pub fn issue_path(&self, role: &str) -> String {
        format!("{}/issue/{role}", mount_path(&self.mount))
    }

    /// Why the token may not write `path`, when it may not (needs `update`).
    pub fn denied(&self, path: &str) -> Option<String> {
        let caps = self.capabilities.as_ref()?;
        (!may_write(caps.get(path))).then(|| format!("needs update on {path}"))
    }

    pub fn len(&self, list: PkiList) -> usize {
        match list {
            PkiList::Issuers => ready_len(&self.issuers),
            PkiList::Roles => ready_len(&self.roles),
            PkiList::Certs => ready_len(&self.serials),
        }
    }

    pub fn cursor(&self) -> usize {
        self.cursors[self.list.index()]
    }

    pub fn scroll(&self, list: PkiList) -> usize {
        self.scrolls[list.index()]
    }

    pub fn cursor_of(&self, list: PkiList) -> usize {
        self.cursors[list.index()]
    }

    pub fn selected_issuer(&self) -> Option<&Issuer> {
        match &self.issuers {
            Loadable::Ready(list) => list.get(self.cursor_of(PkiList::Issuers)),
            _ => None,
        }
    }

    pub fn selected_role(&self) -> Option<&str> {
        match &self.roles {
            Loadable::Ready(list) => list.get(self.cursor_of(PkiList::Roles)).map(String::as_str),
            _ => None,
        }
    }

    pub fn selected_serial(&self) -> Option<&str> {
        match &self.serials {
            Loadable::Ready(list) => list.get(self.cursor_of(PkiList::Certs)).map(String::as_str),
            _ => None,
        }
    }

    /// The certificate the keys act on: the one opened, else the selected row's.
    fn target_serial(&self) -> Option<String> {
        match &self.view {
            View::Cert(serial) => Some(serial.clone()),
            View::Lists if self.list == PkiList::Certs => {
                self.selected_serial().map(str::to_string)
            }
            _ => None,
        }
    }

    pub fn cert(&self, serial: &str) -> Option<&PkiCert> {
        match self.certs.get(serial) {
            Some(CertRow::Ready(cert)) => Some(cert),
            _ => None,
        }
    }

    fn request(&self, request: PkiRequest) -> Effect {
        Effect::Pki {
            mount: self.mount.clone(),
            request,
        }
    }

    /// Moves the cursor of the shown list by `delta` (clamped) and keeps it on screen; asks for
    /// what the new rows need.
    fn move_cursor(&mut self, delta: isize, rows: usize) -> Vec<Effect> {
        let list = self.list;
        let len = self.len(list);
        if len == 0 {
            return Vec::new();
        }
        let index = list.index();
        let cursor = (self.cursors[index] as isize + delta).clamp(0, len as isize - 1) as usize;
        self.cursors[index] = cursor;
        self.keep_in_view(list, rows);
        let mut effects = self.want_details(rows);
        effects.extend(self.want_role());
        effects
    }

    fn keep_in_view(&mut self, list: PkiList, rows: usize) {
        let index = list.index();
        let cursor = self.cursors[index];
        let scroll = &mut self.scrolls[index];
        if cursor < *scroll {
            *scroll = cursor;
        } else if cursor >= *scroll + rows {
            *scroll = cursor + 1 - rows;
        }
    }

    /// The details of the certificates on screen and the next page that are not asked for yet,
    /// in one request (read a few at a time by the client).
    fn want_details(&mut self, rows: usize) -> Vec<Effect> {
        let Loadable::Ready(serials) = &self.serials else {
            return Vec::new();
        };
        let start = self.scrolls[PkiList::Certs.index()];
        let missing: Vec<String> = serials
            .iter()
            .skip(start)
            .take(rows * 2)
            .filter(|s| !self.certs.contains_key(*s))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Vec::new();
        }
        for serial in &missing {
            self.certs.insert(serial.clone(), CertRow::Loading);
        }
        vec![self.request(PkiRequest::Certs { serials: missing })]
    }

    /// The selected role's settings, when not asked for yet.
    fn want_role(&mut self) -> Vec<Effect> {
        let Some(role) = self.selected_role().map(str::to_string) else {
            return Vec::new();
        };
        if self.role.as_ref().is_some_and(|(name, _)| *name == role) {
            return Vec::new();
        }
        self.role = Some((role.clone(), Loadable::Loading));
        vec![self.request(PkiRequest::Role { name: role })]
    }

    fn capability_request(&self) -> Effect {
        let mut paths = vec![self.revoke_path()];
        if let Loadable::Ready(roles) = &self.roles {
            paths.extend(roles.iter().map(|role| self.issue_path(role)));
        }
        self.request(PkiRequest::Capabilities { paths })
    }

    /// Everything again (`R`), keeping the place.
    fn reload(&mut self) -> Vec<Effect> {
        self.issuers = Loadable::Loading;
        self.roles = Loadable::Loading;
        self.serials = Loadable::Loading;
        self.role = None;
        self.certs.clear();
        self.error = None;
        vec![
            self.request(PkiRequest::Issuers),
            self.request(PkiRequest::Roles),
            self.request(PkiRequest::Serials),
        ]
    }

    /// An answer from the server for this mount.
    pub fn answered(&mut self, answer: PkiAnswer, rows: usize) -> (Vec<Effect>, Option<String>) {
        let mut status = None;
        let effects = match answer {
            PkiAnswer::Issuers(result) => {
                self.issuers = loadable(result);
                clamp_cursor(self, PkiList::Issuers);
                Vec::new()
            }
            PkiAnswer::Roles(result) => {
                self.roles = loadable(result);
                clamp_cursor(self, PkiList::Roles);
                let mut effects = vec![self.capability_request()];
                effects.extend(self.want_role());
                effects
            }
            PkiAnswer::Role { name, result } => {
                if let Some((role, settings)) = &mut self.role
                    && *role == name
                {
                    *settings = loadable(result);
                }
                Vec::new()
            }
            PkiAnswer::Serials(result) => {
                self.serials = loadable(result);
                clamp_cursor(self, PkiList::Certs);
                if let (Some(serial), Loadable::Ready(serials)) =
                    (self.open_serial.take(), &self.serials)
                {
                    if let Some(index) = serials.iter().position(|s| *s == serial) {
                        self.list = PkiList::Certs;
                        self.cursors[PkiList::Certs.index()] = index;
                        self.keep_in_view(PkiList::Certs, rows);
                        self.detail_scroll = 0;
                        self.view = View::Cert(serial);
                    } else {
                        self.error = Some(format!(
                            "{serial} is not among the certificates of {}",
                            self.mount
                        ));
                    }
                }
                self.want_details(rows)
            }
            PkiAnswer::Certs(list) => {
                for (serial, result) in list {
                    let row = match result {
                        Ok(cert) => CertRow::Ready(cert),
                        Err(error) => CertRow::Failed(error),
                    };
                    self.certs.insert(serial, row);
                }
                Vec::new()
            }
            PkiAnswer::Revoked { serial, result } => {
                self.busy = false;
                match result {
                    Ok(()) => {
                        // Read again: the row says what the server now says.
                        self.certs.insert(serial.clone(), CertRow::Loading);
                        status = Some(format!("Revoked certificate {serial}"));
                        vec![self.request(PkiRequest::Certs {
                            serials: vec![serial],
                        })]
                    }
                    Err(error) => {
                        self.error = Some(format!("Revoking {serial} failed: {error}"));
                        Vec::new()
                    }
                }
            }
            PkiAnswer::Issued(result) => {
                self.busy = false;
                match result {
                    Ok(cert) => {
                        self.prompt = None;
                        self.detail_scroll = 0;
                        self.view = View::Issued(Box::new(Issued {
                            cert,
                            revealed: false,
                        }));
                        // The new certificate is in the list from now on.
                        self.certs.clear();
                        vec![self.request(PkiRequest::Serials)]
                    }
                    Err(error) => {
                        let text = format!("Issuing failed: {error}");
                        match &mut self.prompt {
                            Some(Prompt::Issue(form)) => form.error = Some(text),
                            _ => self.error = Some(text),
                        }
                        Vec::new()
                    }
                }
            }
            PkiAnswer::Capabilities(result) => {
                // A token that may not ask is offered everything: the server decides.
                self.capabilities = result.ok();
                Vec::new()
            }
        };
        (effects, status)
    }

    fn ask_revoke(&mut self, keymap: &Keymap) {
        let Some(serial) = self.target_serial() else {
            self.error = Some(format!(
                "{} to the certificates and select one to revoke.",
                keymap.key(Scope::Pki, Command::SwitchList)
            ));
            return;
        };
        if let Some(reason) = self.denied(&self.revoke_path()) {
            self.error = Some(format!("The token may not revoke: {reason}."));
            return;
        }
        if self.cert(&serial).is_some_and(|c| c.revoked_at.is_some()) {
            self.error = Some(format!("{serial} is revoked already."));
            return;
        }
        self.error = None;
        self.prompt = Some(Prompt::Revoke {
            serial,
            question: Question::yes_no("revoke", "keep it"),
        });
    }

    fn ask_issue(&mut self, keymap: &Keymap) {
        let Some(role) = self
            .selected_role()
            .filter(|_| self.list == PkiList::Roles && self.view == View::Lists)
            .map(str::to_string)
        else {
            self.error = Some(format!(
                "{} to the roles and select the role to issue from.",
                keymap.key(Scope::Pki, Command::SwitchList)
            ));
            return;
        };
        if let Some(reason) = self.denied(&self.issue_path(&role)) {
            self.error = Some(format!("The token may not issue from {role}: {reason}."));
            return;
        }
        self.error = None;
        self.prompt = Some(Prompt::Issue(IssueForm {
            role,
            fields: Default::default(),
            focus: 0,
            error: None,
        }));
    }

    fn copy(&self) -> Vec<Effect> {
        match &self.view {
            View::Issued(issued) => vec![Effect::Copy {
                text: SecretText::new(issued.cert.full_chain()),
                description: format!("the certificate and chain of {}", issued.cert.serial),
                sensitive: false,
            }],
            _ => {
                let Some(cert) = self.target_serial().and_then(|s| self.cert(&s).cloned()) else {
                    return Vec::new();
                };
                vec![Effect::Copy {
                    text: SecretText::new(cert.pem.as_str()),
                    description: format!("the PEM of certificate {}", cert.serial),
                    sensitive: false,
                }]
            }
        }
    }

    /// Scrolls an opened or issued certificate, within what the last drawing overflowed.
    fn scroll_detail(&mut self, command: Command, page: usize) {
        let page = u16::try_from(page).unwrap_or(u16::MAX).max(1);
        let last = self.detail_overflow.get();
        let scroll = self.detail_scroll.min(last);
        self.detail_scroll = match command {
            Command::Down => scroll.saturating_add(1),
            Command::Up => scroll.saturating_sub(1),
            Command::PageDown => scroll.saturating_add(page),
            Command::PageUp => scroll.saturating_sub(page),
            Command::Top => 0,
            _ => last,
        }
        .min(last);
    }

    fn on_browse_key(&mut self, app: &App, command: Option<Command>) -> Outcome {
        let Some(command) = command else {
            return Outcome::stay();
        };
        let rows = list_rows(app.size.1);
        let page = rows as isize;
        if command != Command::Copy {
            self.error = None;
        }
        let effects = match command {
            Command::Close => match self.view {
                View::Lists => return Outcome::close(),
                // The issued key goes with the view: it is not kept anywhere.
                _ => {
                    self.detail_scroll = 0;
                    self.view = View::Lists;
                    Vec::new()
                }
            },
            Command::Down
            | Command::Up
            | Command::PageDown
            | Command::PageUp
            | Command::Top
            | Command::Bottom
                if self.view != View::Lists =>
            {
                self.scroll_detail(command, rows);
                Vec::new()
            }
            Command::Down if self.view == View::Lists => self.move_cursor(1, rows),
            Command::Up if self.view == View::Lists => self.move_cursor(-1, rows),
            Command::PageDown if self.view == View::Lists => self.move_cursor(page, rows),
            Command::PageUp if self.view == View::Lists => self.move_cursor(-page, rows),
            Command::Top if self.view == View::Lists => self.move_cursor(isize::MIN / 2, rows),
            Command::Bottom if self.view == View::Lists => self.move_cursor(isize::MAX / 2, rows),
            Command::SwitchList if self.view == View::Lists => {
                self.list = self.list.next();
                let mut effects = self.want_details(rows);
                effects.extend(self.want_role());
                effects
            }
            Command::Open if self.view == View::Lists && self.list == PkiList::Certs => {
                if let Some(serial) = self.selected_serial().map(str::to_string) {
                    self.detail_scroll = 0;
                    self.view = View::Cert(serial);
                }
                Vec::new()
            }
            Command::Copy => self.copy(),
            Command::CopyPrivateKey => match &self.view {
                View::Issued(issued) => vec![Effect::Copy {
                    text: issued.cert.private_key.clone(),
                    description: format!("the private key of {}", issued.cert.serial),
                    sensitive: true,
                }],
                _ => Vec::new(),
            },
            Command::Reveal => {
                if let View::Issued(issued) = &mut self.view {
                    issued.revealed = !issued.revealed;
                }
                Vec::new()
            }
            Command::Revoke => {
                self.ask_revoke(&app.keymap);
                Vec::new()
            }
            Command::Issue => {
                self.ask_issue(&app.keymap);
                Vec::new()
            }
            Command::Refresh => self.reload(),
            _ => Vec::new(),
        };
        Outcome::stay().with(effects)
    }

    fn on_revoke_key(
        &mut self,
        keymap: &Keymap,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Vec<Effect> {
        let Some(Prompt::Revoke { serial, question }) = &mut self.prompt else {
            return Vec::new();
        };
        match question.answer(key, command, keymap) {
            Answer::Undecided => Vec::new(),
            Answer::No => {
                self.prompt = None;
                Vec::new()
            }
            Answer::Yes => {
                let serial = serial.clone();
                self.prompt = None;
                self.busy = true;
                vec![self.request(PkiRequest::Revoke { serial })]
            }
        }
    }

    fn on_issue_key(&mut self, key: &KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(Prompt::Issue(form)) = &mut self.prompt else {
            return Vec::new();
        };
        match command {
            Some(Command::Cancel) => self.prompt = None,
            Some(Command::NextField) => form.focus = (form.focus + 1) % ISSUE_FIELDS.len(),
            Some(Command::PreviousField) => {
                form.focus = (form.focus + ISSUE_FIELDS.len() - 1) % ISSUE_FIELDS.len()
            }
            Some(Command::Submit) => {
                let common_name = form.fields[0].text.trim().to_string();
                if common_name.is_empty() {
                    form.error = Some("A common name is needed (app.example.com).".into());
                    form.focus = 0;
                    return Vec::new();
                }
                let ttl = form.fields[2].text.trim().to_string();
                if !ttl.is_empty() && crate::config::parse_duration(&ttl).is_none() {
                    form.error = Some(format!(
                        "A TTL such as 24h, 30m or 90 (seconds), or empty for the role's default, not {ttl:?}."
                    ));
                    form.focus = 2;
                    return Vec::new();
                }
                form.error = None;
                let request = IssueRequest {
                    role: form.role.clone(),
                    common_name,
                    alt_names: crate::vault::pki::comma_list(&form.fields[1].text),
                    ttl,
                };
                self.busy = true;
                return vec![self.request(PkiRequest::Issue(request))];
            }
            _ => {
                form.fields[form.focus].handle_key(key);
            }
        }
        Vec::new()
    }
}

fn ready_len<T>(list: &Loadable<Vec<T>, VaultError>) -> usize {
    match list {
        Loadable::Ready(items) => items.len(),
        _ => 0,
    }
}

fn clamp_cursor(screen: &mut PkiScreen, list: PkiList) {
    let len = screen.len(list);
    let index = list.index();
    screen.cursors[index] = screen.cursors[index].min(len.saturating_sub(1));
    screen.scrolls[index] = screen.scrolls[index].min(screen.cursors[index]);
}

fn loadable<T>(result: Result<T, VaultError>) -> Loadable<T, VaultError> {
    match result {
        Ok(value) => Loadable::Ready(value),
        Err(error) => Loadable::Failed(error),
    }
}

/// Opens the PKI screen on `mount` and asks for its lists.
pub fn open(app: &mut App, mount: &str) -> Vec<Effect> {
    open_screen(app, PkiScreen::new(mount))
}

/// The PKI screen on `mount` with one certificate opened once the list is there, and its
/// requests (for the expiring view, which gives way to it).
pub fn screen_on(mount: &str, serial: &str) -> (PkiScreen, Vec<Effect>) {
    let mut screen = PkiScreen::new(mount);
    screen.open_serial = Some(serial.to_string());
    screen.list = PkiList::Certs;
    let effects = screen.reload();
    (screen, effects)
}

fn open_screen(app: &mut App, mut screen: PkiScreen) -> Vec<Effect> {
    let effects = screen.reload();
    app.modal = Some(Modal::Pki(Box::new(screen)));
    effects
}

/// An answer for the PKI screen; dropped when the screen was closed or shows another mount.
pub fn answered(app: &mut App, mount: String, answer: PkiAnswer) -> Vec<Effect> {
    let rows = list_rows(app.size.1);
    let Some(Modal::Pki(screen)) = &mut app.modal else {
        return Vec::new();
    };
    if screen.mount != mount {
        return Vec::new();
    }
    let (effects, status) = screen.answered(answer, rows);
    if let Some(status) = status {
        app.set_status(StatusKind::Info, status);
    }
    effects
}

impl Component for PkiScreen {
    fn scope(&self) -> Scope {
        match &self.prompt {
            None => Scope::Pki,
            Some(Prompt::Revoke { .. }) => Scope::Confirm,
            Some(Prompt::Issue(_)) => Scope::PkiIssue,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.busy {
            // Waiting for the server: only leaving is taken.
            return match command {
                Some(Command::Close) if self.prompt.is_none() => Outcome::close(),
                _ => Outcome::stay(),
            };
        }
        match &self.prompt {
            Some(Prompt::Revoke { .. }) => {
                Outcome::stay().with(self.on_revoke_key(&app.keymap, key, command))
            }
            Some(Prompt::Issue(_)) => Outcome::stay().with(self.on_issue_key(key, command)),
            None => self.on_browse_key(app, command),
        }
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.prompt {
            Some(Prompt::Issue(form)) => form.fields[form.focus].insert_str(text.trim()),
            Some(Prompt::Revoke { question, .. }) => question.paste(text),
            None => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        match &self.prompt {
            Some(Prompt::Revoke { question, .. }) => question.hints(&app.keymap),
            Some(Prompt::Issue(_)) => app.keymap.hints(
                Scope::PkiIssue,
                &[Command::Submit, Command::NextField, Command::Cancel],
            ),
            None => {
                let commands: &[Command] = match (&self.view, self.list) {
                    (View::Issued(_), _) => &[
                        Command::Reveal,
                        Command::Copy,
                        Command::CopyPrivateKey,
                        Command::Close,
                    ],
                    (View::Cert(_), _) => &[Command::Copy, Command::Revoke, Command::Close],
                    (View::Lists, PkiList::Certs) => &[
                        Command::SwitchList,
                        Command::Open,
                        Command::Copy,
                        Command::Revoke,
                        Command::Close,
                    ],
                    (View::Lists, PkiList::Roles) => {
                        &[Command::SwitchList, Command::Issue, Command::Close]
                    }
                    (View::Lists, PkiList::Issuers) => &[Command::SwitchList, Command::Close],
                };
                let mut hints = app.keymap.hints(Scope::Pki, commands);
                if self.view != View::Lists && self.detail_overflow.get() > 0 {
                    // More below than the pane shows: say how to get there.
                    let scroll = app
                        .keymap
                        .pair(Scope::Pki, Command::Down, Command::PageDown);
                    hints.insert(0, (scroll, "scroll".into()));
                }
                hints
            }
        }
    }
}
