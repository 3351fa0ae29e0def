//! The Leases screen: `LIST sys/leases/lookup/<prefix>` walked lazily as a tree (folders expand
//! on demand), each visible lease looked up for its expiry (`sys/leases/lookup`), renewed or
//! revoked one at a time, or every lease under a prefix revoked after the prefix is typed. What
//! the token may not do is struck through with the missing capability and path.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::credentials::{LeaseView, missing_capability};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Loadable, Modal, StatusKind};
use crate::vault::VaultError;
use crate::vault::leases::{
    Capabilities, LeaseDetails, LeaseRenewal, RENEW_PATH, REVOKE_PATH, lookup_path,
    revoke_prefix_path,
};
use crossterm::event::KeyEvent;
use std::collections::{HashMap, HashSet};

/// Rows above and below the list (title, prefix, actions, message, borders).
pub const CHROME_ROWS: u16 = 8;

/// How many rows of the list a screen of `height` shows.
pub fn list_height(height: u16) -> usize {
    usize::from(height.saturating_sub(CHROME_ROWS)).max(1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A prefix (ends in `/`).
    Folder,
    Lease,
}

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// A folder's full prefix (`ssh/creds/`) or a lease's full id.
    pub path: String,
    /// The last segment (`creds/`, `pPCOLjZd…`).
    pub name: String,
    pub depth: usize,
    pub kind: RowKind,
}

/// A looked-up lease: its details and its end on the app's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub details: LeaseDetails,
    pub view: LeaseView,
}

/// What a confirmation is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Lease(String),
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeasesScreen {
    /// Where the tree starts (`""`: everything the token may list; else ends in `/`).
    pub prefix: String,
    /// The prefix being typed.
    pub editing: Option<TextInput>,
    /// Listings by folder prefix.
    pub listings: HashMap<String, Loadable<Vec<String>, VaultError>>,
    pub expanded: HashSet<String>,
    /// Lookups by lease id (asked for visible rows only).
    pub details: HashMap<String, Loadable<LeaseRow, VaultError>>,
    pub cursor: usize,
    pub scroll: usize,
    /// What the token may do, by path (missing: not known, offered; the server decides).
    pub capabilities: Capabilities,
    pub capabilities_asked: HashSet<String>,
    pub confirm: Option<(Target, Question)>,
    pub message: Option<(StatusKind, String)>,
    /// A renewal or revocation waiting for the server.
    pub busy: bool,
    /// When the cursor last moved (on `App::clock`): the visible leases are looked up once it
    /// has rested for [`LOOKUP_REST`], so scrolling past rows costs no look-ups.
    pub moved_at: Option<std::time::Duration>,
    /// The row to select again once a refresh has listed it.
    pub reselect: Option<String>,
}

/// How long the cursor rests before the rows on screen are looked up.
pub const LOOKUP_REST: std::time::Duration = std::time::Duration::from_millis(200);

/// Auth leases are tokens: `sys/leases/renew` refuses them.
pub const AUTH_RENEW_REFUSED: &str = "tokens cannot be renewed through this endpoint";

/// A prefix as the server lists it: empty, or ending in `/`.
pub fn normalize_prefix(text: &str) -> String {
    let trimmed = text.trim().trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        trimmed.to_string()
    } else {
        format!("{trimmed}/")
    }
}

/// The folder a row belongs to: a folder is its own, a lease its parent's.
fn folder_of(row: &Row) -> String {
    match row.kind {
        RowKind::Folder => row.path.clone(),
        RowKind::Lease => match row.path.rfind('/') {
            Some(at) => row.path[..=at].to_string(),
            None => String::new(),
        },
    }
}

impl LeasesScreen {
    /// The visible rows, from the prefix down through the expanded folders.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        self.push_rows(&self.prefix, 0, &mut rows);
        rows
    }

    fn push_rows(&self, folder: &str, depth: usize, rows: &mut Vec<Row>) {
        let Some(Loadable::Ready(keys)) = self.listings.get(folder) else {
            return;
        };
        for key in keys {
            let path = format!("{folder}{key}");
            if key.ends_with('/') {
                rows.push(Row {
                    path: path.clone(),
                    name: key.clone(),
                    depth,
                    kind: RowKind::Folder,
                });
                if self.expanded.contains(&path) {
                    self.push_rows(&path, depth + 1, rows);
                }
            } else {
                rows.push(Row {
                    path,
                    name: key.clone(),
                    depth,
                    kind: RowKind::Lease,
                });
            }
        }
    }

    pub fn selected(&self) -> Option<Row> {
        self.rows().into_iter().nth(self.cursor)
    }

    /// Lists the prefix again from the top (a new prefix, or a refresh).
    fn restart(&mut self) -> Vec<Effect> {
        self.listings.clear();
        self.details.clear();
        self.expanded.clear();
        self.cursor = 0;
        self.scroll = 0;
        self.reselect = None;
        self.list(self.prefix.clone())
    }

    /// Lists again what is shown: the prefix and every open folder, keeping them open and the
    /// selection where it was.
    fn refresh(&mut self) -> Vec<Effect> {
        self.reselect = self.selected().map(|row| row.path);
        self.listings.clear();
        self.details.clear();
        let mut folders: Vec<String> = self
            .expanded
            .iter()
            .filter(|f| f.starts_with(self.prefix.as_str()))
            .cloned()
            .collect();
        folders.sort();
        let mut effects = self.list(self.prefix.clone());
        for folder in folders {
            effects.extend(self.list(folder));
        }
        effects
    }

    fn list(&mut self, folder: String) -> Vec<Effect> {
        self.listings.insert(folder.clone(), Loadable::Loading);
        vec![Effect::ListLeases { prefix: folder }]
    }

    /// Keeps the cursor in the list and on screen, and asks for what the visible rows need:
    /// each visible lease's lookup, and the capabilities of the selected row's prefix.
    pub fn follow(&mut self, height: usize) -> Vec<Effect> {
        let rows = self.rows();
        self.cursor = self.cursor.min(rows.len().saturating_sub(1));
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + height {
            self.scroll = self.cursor + 1 - height;
        }
        let mut effects = Vec::new();
        // While the cursor moves, the rows it passes are not looked up (on_tick does, at rest).
        let resting = self.moved_at.is_none();
        for row in rows
            .iter()
            .skip(self.scroll)
            .take(height)
            .filter(|_| resting)
        {
            if row.kind == RowKind::Lease && !self.details.contains_key(&row.path) {
                self.details.insert(row.path.clone(), Loadable::Loading);
                effects.push(Effect::LookupLease {
                    lease_id: row.path.clone(),
                });
            }
        }
        let mut wanted = vec![
            lookup_path(&self.prefix),
            RENEW_PATH.to_string(),
            REVOKE_PATH.to_string(),
        ];
        if let Some(row) = rows.get(self.cursor) {
            wanted.push(revoke_prefix_path(&folder_of(row)));
        }
        let paths: Vec<String> = wanted
            .into_iter()
            .filter(|path| self.capabilities_asked.insert(path.clone()))
            .collect();
        if !paths.is_empty() {
            effects.push(Effect::LoadLeaseCapabilities { paths });
        }
        effects
    }

    /// Why `command` cannot be done on `row` (`None`: it can, or the server decides).
    pub fn refused(
        &self,
        command: Command,
        row: &Row,
        clock: std::time::Duration,
    ) -> Option<String> {
        let capabilities = Some(&self.capabilities);
        match command {
            Command::RevokePrefix => {
                let path = revoke_prefix_path(&folder_of(row));
                missing_capability(capabilities, &path, &["update", "sudo"])
            }
            Command::Renew | Command::Revoke => {
                if row.kind == RowKind::Folder {
                    return Some("a prefix, not a lease".into());
                }
                if command == Command::Renew && row.path.starts_with("auth/") {
                    return Some(AUTH_RENEW_REFUSED.into());
                }
                match self.details.get(&row.path) {
                    Some(Loadable::Ready(lease)) => super::credentials::lease_action_refused(
                        command,
                        &lease.view,
                        capabilities,
                        clock,
                    ),
                    _ => {
                        let path = if command == Command::Renew {
                            RENEW_PATH
                        } else {
                            REVOKE_PATH
                        };
                        missing_capability(capabilities, path, &["update"])
                    }
                }
            }
            _ => None,
        }
    }

    fn on_browse_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let Some(command) = command else {
            return Outcome::stay();
        };
        let height = list_height(app.size.1);
        let count = self.rows().len();
        let mut effects = Vec::new();
        let before = self.cursor;
        match command {
            Command::Close => return Outcome::close(),
            Command::Down => self.cursor = (self.cursor + 1).min(count.saturating_sub(1)),
            Command::Up => self.cursor = self.cursor.saturating_sub(1),
            Command::PageDown => self.cursor = (self.cursor + height).min(count.saturating_sub(1)),
            Command::PageUp => self.cursor = self.cursor.saturating_sub(height),
            Command::Top => self.cursor = 0,
            Command::Bottom => self.cursor = count.saturating_sub(1),
            Command::Filter => {
                self.editing = Some(TextInput::with_text(&self.prefix));
                return Outcome::stay();
            }
            Command::Refresh => {
                self.message = None;
                effects = self.refresh();
            }
            Command::Open | Command::Collapse => {
                if let Some(row) = self.selected() {
                    effects = self.open_or_close(&row, command == Command::Open);
                }
            }
            Command::Renew | Command::Revoke | Command::RevokePrefix => {
                effects = self.act(app, command);
            }
            _ => {}
        }
        if self.cursor != before {
            self.moved_at = Some(app.clock);
        } else if command == Command::Open {
            // Opening a folder is stopping on it: its leases are looked up as they are listed.
            self.moved_at = None;
        }
        effects.extend(self.follow(height));
        Outcome::stay().with(effects)
    }

    /// The cursor has rested: the rows on screen are looked up.
    fn on_tick(&mut self, now: std::time::Duration, height: usize) -> Vec<Effect> {
        match self.moved_at {
            Some(at) if now.saturating_sub(at) >= LOOKUP_REST => {
                self.moved_at = None;
                self.follow(height)
            }
            _ => Vec::new(),
        }
    }

    fn open_or_close(&mut self, row: &Row, open: bool) -> Vec<Effect> {
        match (row.kind, open) {
            (RowKind::Folder, true) => {
                self.expanded.insert(row.path.clone());
                match self.listings.get(&row.path) {
                    Some(Loadable::Ready(_) | Loadable::Loading) => Vec::new(),
                    _ => self.list(row.path.clone()),
                }
            }
            (RowKind::Folder, false) if self.expanded.remove(&row.path) => Vec::new(),
            (_, false) => {
                // On a lease or a closed folder: to the folder above.
                let parent = folder_of(&Row {
                    kind: RowKind::Lease,
                    path: row.path.trim_end_matches('/').to_string(),
                    ..row.clone()
                });
                if let Some(at) = self.rows().iter().position(|r| r.path == parent) {
                    self.cursor = at;
                }
                Vec::new()
            }
            (RowKind::Lease, true) => Vec::new(),
        }
    }

    fn act(&mut self, app: &App, command: Command) -> Vec<Effect> {
        let Some(row) = self.selected() else {
            return Vec::new();
        };
        if self.busy {
            self.message = Some((
                StatusKind::Info,
                "Waiting for the server to answer first.".into(),
            ));
            return Vec::new();
        }
        if let Some(why) = self.refused(command, &row, app.clock) {
            self.message = Some((StatusKind::Warning, format!("Not possible here: {why}.")));
            return Vec::new();
        }
        match command {
            Command::Renew => {
                self.busy = true;
                self.message = Some((StatusKind::Info, format!("Renewing {}…", row.path)));
                vec![Effect::RenewLease {
                    lease_id: row.path,
                    increment: None,
                }]
            }
            Command::Revoke => {
                self.confirm = Some((
                    Target::Lease(row.path),
                    Question::yes_no("revoke", "cancel"),
                ));
                Vec::new()
            }
            _ => {
                let prefix = folder_of(&row);
                self.confirm = Some((
                    Target::Prefix(prefix.clone()),
                    Question::typed("revoke every lease under it", "cancel", vec![prefix]),
                ));
                Vec::new()
            }
        }
    }

    fn on_confirm_key(&mut self, app: &App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Some((target, question)) = &mut self.confirm else {
            return Outcome::stay();
        };
        match question.answer(key, command, &app.keymap) {
            Answer::Undecided => Outcome::stay(),
            Answer::No => {
                self.confirm = None;
                Outcome::stay()
            }
            Answer::Yes => {
                let effect = match target {
                    Target::Lease(id) => Effect::RevokeLease {
                        lease_id: id.clone(),
                    },
                    Target::Prefix(prefix) => Effect::RevokeLeasePrefix {
                        prefix: prefix.clone(),
                    },
                };
                self.confirm = None;
                self.busy = true;
                self.message = Some((StatusKind::Info, "Revoking…".into()));
                Outcome::stay().with(vec![effect])
            }
        }
    }

    fn on_prefix_key(&mut self, app: &App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Some(input) = &mut self.editing else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Cancel) => self.editing = None,
            Some(Command::Submit) => {
                self.prefix = normalize_prefix(&input.text);
                self.editing = None;
                self.message = None;
                let mut effects = self.restart();
                effects.extend(self.follow(list_height(app.size.1)));
                return Outcome::stay().with(effects);
            }
            _ => {
                input.handle_key(key);
            }
        }
        Outcome::stay()
    }
}

impl Component for LeasesScreen {
    fn scope(&self) -> Scope {
        if self.editing.is_some() {
            Scope::LeasesPrefix
        } else if self.confirm.is_some() {
            Scope::Confirm
        } else {
            Scope::Leases
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.editing.is_some() {
            self.on_prefix_key(app, key, command)
        } else if self.confirm.is_some() {
            self.on_confirm_key(app, key, command)
        } else {
            self.on_browse_key(app, command)
        }
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if let Some(input) = &mut self.editing {
            input.insert_str(text.trim());
        } else if let Some((_, question)) = &mut self.confirm {
            question.paste(text);
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        if self.editing.is_some() {
            app.keymap
                .hints(Scope::LeasesPrefix, &[Command::Submit, Command::Cancel])
        } else if let Some((_, question)) = &self.confirm {
            question.hints(&app.keymap)
        } else {
            app.keymap.hints(
                Scope::Leases,
                &[Command::Open, Command::Filter, Command::Close],
            )
        }
    }
}

fn screen_mut(app: &mut App) -> Option<&mut LeasesScreen> {
    match &mut app.modal {
        Some(Modal::Leases(screen)) => Some(screen),
        _ => None,
    }
}

/// `T` on the main view: every lease the token may list.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut screen = LeasesScreen::default();
    let mut effects = screen.restart();
    effects.extend(screen.follow(list_height(app.size.1)));
    app.modal = Some(Modal::Leases(Box::new(screen)));
    effects
}

/// A folder's listing arrived.
pub fn listed(
    app: &mut App,
    prefix: String,
    result: Result<Vec<String>, VaultError>,
) -> Vec<Effect> {
    let height = list_height(app.size.1);
    let Some(screen) = screen_mut(app) else {
        return Vec::new();
    };
    if !matches!(screen.listings.get(&prefix), Some(Loadable::Loading)) {
        return Vec::new();
    }
    screen.listings.insert(
        prefix,
        match result {
            Ok(keys) => Loadable::Ready(keys),
            Err(error) => Loadable::Failed(error),
        },
    );
    if let Some(path) = screen.reselect.clone() {
        let rows = screen.rows();
        if let Some(at) = rows.iter().position(|row| row.path == path) {
            screen.cursor = at;
            screen.reselect = None;
        } else if !screen
            .listings
            .values()
            .any(|l| matches!(l, Loadable::Loading))
        {
            // Gone since: the cursor stays at its place in the list.
            screen.reselect = None;
        }
    }
    screen.follow(height)
}

/// A lease's lookup arrived.
pub fn looked_up(
    app: &mut App,
    lease_id: String,
    result: Result<LeaseDetails, VaultError>,
) -> Vec<Effect> {
    let clock = app.clock;
    let Some(screen) = screen_mut(app) else {
        return Vec::new();
    };
    if !screen.details.contains_key(&lease_id) {
        return Vec::new();
    }
    let entry = match result {
        Ok(details) => {
            let mut view =
                LeaseView::new(details.id.clone(), details.ttl, details.renewable, clock);
            view.expires = details.ttl > 0 || details.expire_time.is_some();
            Loadable::Ready(LeaseRow { details, view })
        }
        Err(error) => Loadable::Failed(error),
    };
    screen.details.insert(lease_id, entry);
    Vec::new()
}

pub fn capabilities_loaded(app: &mut App, result: &Result<Capabilities, VaultError>) {
    if let Some(screen) = screen_mut(app)
        && let Ok(capabilities) = result
    {
        screen.capabilities.extend(capabilities.clone());
    }
}

pub fn renewed(app: &mut App, lease_id: &str, result: &Result<LeaseRenewal, VaultError>) {
    let clock = app.clock;
    let keymap = app.keymap.clone();
    let Some(screen) = screen_mut(app) else {
        return;
    };
    screen.busy = false;
    screen.message = Some(match result {
        Ok(renewal) => {
            if let Some(Loadable::Ready(lease)) = screen.details.get_mut(lease_id) {
                lease.view.ends_at = clock + std::time::Duration::from_secs(renewal.ttl);
                lease.view.renewable = renewal.renewable;
                lease.details.ttl = renewal.ttl;
                // Asked with the engine's default increment: what was granted is what to say.
                let (kind, words) = super::credentials::renewal_words(renewal, 0);
                (kind, format!("{lease_id}: {words}"))
            } else {
                super::credentials::renewal_words(renewal, 0)
            }
        }
        Err(error) => (
            StatusKind::Error,
            format!(
                "Renewing {lease_id} failed: {}",
                super::errors::error_text(&keymap, error)
            ),
        ),
    });
}

pub fn revoked(app: &mut App, lease_id: &str, result: &Result<(), VaultError>) -> Vec<Effect> {
    let height = list_height(app.size.1);
    let keymap = app.keymap.clone();
    let Some(screen) = screen_mut(app) else {
        return Vec::new();
    };
    screen.busy = false;
    match result {
        Ok(()) => {
            screen.message = Some((StatusKind::Warning, format!("Revoked {lease_id}.")));
            screen.details.remove(lease_id);
            if let Some((folder, last)) = lease_id.rsplit_once('/')
                && let Some(Loadable::Ready(keys)) = screen.listings.get_mut(&format!("{folder}/"))
            {
                keys.retain(|key| key != last);
            }
        }
        Err(error) => {
            screen.message = Some((
                StatusKind::Error,
                format!(
                    "Revoking {lease_id} failed: {}",
                    super::errors::error_text(&keymap, error)
                ),
            ))
        }
    }
    screen.follow(height)
}

pub fn prefix_revoked(app: &mut App, prefix: &str, result: &Result<(), VaultError>) -> Vec<Effect> {
    let height = list_height(app.size.1);
    let keymap = app.keymap.clone();
    let Some(screen) = screen_mut(app) else {
        return Vec::new();
    };
    screen.busy = false;
    match result {
        Ok(()) => {
            screen.message = Some((
                StatusKind::Warning,
                format!("Revoked every lease under {prefix}."),
            ));
            let mut effects = screen.restart();
            effects.extend(screen.follow(height));
            effects
        }
        Err(error) => {
            screen.message = Some((
                StatusKind::Error,
                format!(
                    "Revoking the leases under {prefix} failed: {}",
                    super::errors::error_text(&keymap, error)
                ),
            ));
            Vec::new()
        }
    }
}

/// Time passed: the visible leases are looked up once the cursor rests.
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let (now, height) = (app.clock, list_height(app.size.1));
    match screen_mut(app) {
        Some(screen) => screen.on_tick(now, height),
        None => Vec::new(),
    }
}
