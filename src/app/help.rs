//! The `?` overlay: every binding of the keymap, scrolled with the help's own keys.

use super::component::{Component, Outcome};
use super::keymap::{Command, Scope};
use super::state::App;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HelpOverlay {
    pub scroll: u16,
}

impl Component for HelpOverlay {
    fn scope(&self) -> Scope {
        Scope::Help
    }

    fn on_key(&mut self, _app: &mut App, _key: &KeyEvent, command: Option<Command>) -> Outcome {
        match command {
            Some(Command::Down) => self.scroll = self.scroll.saturating_add(1),
            Some(Command::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Command::Close) => return Outcome::close(),
            _ => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let mut hints = app.keymap.hints(Scope::Help, &[Command::Close]);
        hints.push((
            app.keymap.pair(Scope::Help, Command::Up, Command::Down),
            "scroll".into(),
        ));
        hints
    }
}
