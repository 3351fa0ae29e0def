//! The expiring view (`C`): every certificate that ends within N days (30 by default, changed in
//! the view) across the PEM values of every KV mount and the certificates every PKI mount issued,
//! soonest first, with where it is. Enter goes there: a KV secret in the tree, a PKI certificate
//! on the PKI screen. The walk is `vault::expiring::everywhere`, the one `tresor certs` uses.

use super::action::{Effect, RequestId};
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Loadable, Modal, StatusKind};
use crate::vault::VaultError;
use crate::vault::expiring::Report;
use crate::vault::pki::{CertPlace, ExpiringCert};
use crossterm::event::KeyEvent;

/// The window offered first (the 30 days).
pub const DEFAULT_DAYS: u32 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringView {
    pub request: RequestId,
    pub days: u32,
    pub result: Loadable<Report, VaultError>,
    pub cursor: usize,
    pub scroll: usize,
    /// The number of days being typed.
    pub prompt: Option<TextInput>,
    pub error: Option<String>,
}

impl ExpiringView {
    pub fn found(&self) -> &[ExpiringCert] {
        match &self.result {
            Loadable::Ready(report) => &report.found,
            _ => &[],
        }
    }

    fn search(&mut self, app: &mut App) -> Vec<Effect> {
        self.request = app.next_request_id();
        self.result = Loadable::Loading;
        self.cursor = 0;
        self.scroll = 0;
        vec![Effect::FindExpiring {
            request: self.request,
            days: self.days,
        }]
    }

    fn move_cursor(&mut self, delta: isize, rows: usize) {
        let len = self.found().len();
        if len == 0 {
            return;
        }
        self.cursor = (self.cursor as isize + delta).clamp(0, len as isize - 1) as usize;
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + rows {
            self.scroll = self.cursor + 1 - rows;
        }
    }

    /// Enter: where the selected certificate is.
    fn go(&mut self, app: &mut App) -> Outcome {
        let Some(found) = self.found().get(self.cursor).cloned() else {
            return Outcome::stay();
        };
        match found.place {
            CertPlace::Kv { path, .. } => match super::jump::jump_to(app, &path) {
                Ok(effects) => Outcome::close().with(effects),
                Err(message) => {
                    app.set_status(StatusKind::Warning, message);
                    Outcome::stay()
                }
            },
            CertPlace::Pki { mount, serial } => {
                let (screen, effects) = super::pki::screen_on(&mount, &serial);
                Outcome::open(Modal::Pki(Box::new(screen))).with(effects)
            }
        }
    }

    fn on_days_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Vec<Effect> {
        let Some(input) = &mut self.prompt else {
            return Vec::new();
        };
        match command {
            Some(Command::Cancel) => self.prompt = None,
            Some(Command::Submit) => {
                let text = input.text.trim().to_string();
                match text.parse::<u32>() {
                    Ok(days) if (1..=3650).contains(&days) => {
                        self.prompt = None;
                        self.error = None;
                        self.days = days;
                        app.expiring_days = days;
                        return self.search(app);
                    }
                    _ => {
                        self.error = Some(format!("A number of days from 1 to 3650, not {text:?}."))
                    }
                }
            }
            _ => {
                input.handle_key(key);
            }
        }
        Vec::new()
    }
}

/// `C`: open the view and look everywhere.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut view = ExpiringView {
        request: 0,
        // The window chosen last in this session, 30 days at first.
        days: app.expiring_days,
        result: Loadable::Loading,
        cursor: 0,
        scroll: 0,
        prompt: None,
        error: None,
    };
    let effects = view.search(app);
    app.modal = Some(Modal::Expiring(Box::new(view)));
    effects
}

/// The walk's answer; dropped when the view was closed or asked again since.
pub fn found(app: &mut App, request: RequestId, result: Result<Report, VaultError>) -> Vec<Effect> {
    let Some(Modal::Expiring(view)) = &mut app.modal else {
        return Vec::new();
    };
    if view.request != request {
        return Vec::new();
    }
    view.result = match result {
        Ok(report) => Loadable::Ready(report),
        Err(error) => Loadable::Failed(error),
    };
    Vec::new()
}

impl Component for ExpiringView {
    fn scope(&self) -> Scope {
        if self.prompt.is_some() {
            Scope::ExpiringDays
        } else {
            Scope::Expiring
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.prompt.is_some() {
            return Outcome::stay().with(self.on_days_key(app, key, command));
        }
        let rows = super::pki::list_rows(app.size.1);
        let page = rows as isize;
        let Some(command) = command else {
            return Outcome::stay();
        };
        match command {
            Command::Close => return Outcome::close(),
            Command::Down => self.move_cursor(1, rows),
            Command::Up => self.move_cursor(-1, rows),
            Command::PageDown => self.move_cursor(page, rows),
            Command::PageUp => self.move_cursor(-page, rows),
            Command::Top => self.move_cursor(isize::MIN / 2, rows),
            Command::Bottom => self.move_cursor(isize::MAX / 2, rows),
            Command::Open => return self.go(app),
            Command::ChangeWindow => {
                self.error = None;
                self.prompt = Some(TextInput::with_text(&self.days.to_string()));
            }
            Command::Refresh => return Outcome::stay().with(self.search(app)),
            _ => {}
        }
        Outcome::stay()
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if let Some(input) = &mut self.prompt {
            input.insert_str(text.trim());
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        if self.prompt.is_some() {
            return app
                .keymap
                .hints(Scope::ExpiringDays, &[Command::Submit, Command::Cancel]);
        }
        app.keymap.hints(
            Scope::Expiring,
            &[
                Command::Open,
                Command::ChangeWindow,
                Command::Refresh,
                Command::Close,
            ],
        )
    }
}
