//! The right pane: the open secret, its masking state, the selected row and the value scroll.

use super::action::RequestId;
use super::tree::Location;
use crate::vault::KvSecret;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretContent {
    #[default]
    Empty,
    Loading,
    Loaded(KvSecret),
    Failed(String),
}

#[derive(Debug, Clone, Default)]
pub struct SecretPane {
    pub location: Option<Location>,
    pub content: SecretContent,
    /// Values are masked unless this is set; masking is decided when drawing, the data is untouched.
    pub revealed: bool,
    pub selected: usize,
    pub detail_scroll: u16,
    /// The request whose answer this pane waits for; other answers are stale and dropped.
    pub request: Option<RequestId>,
}

impl SecretPane {
    pub fn open(&mut self, location: Location, request: RequestId) {
        let same = self.location.as_ref() == Some(&location);
        if !same {
            self.revealed = false;
            self.selected = 0;
            self.detail_scroll = 0;
        }
        self.location = Some(location);
        self.content = SecretContent::Loading;
        self.request = Some(request);
    }

    pub fn entry_count(&self) -> usize {
        match &self.content {
            SecretContent::Loaded(secret) => secret.entries.len(),
            _ => 0,
        }
    }

    pub fn selected_entry(&self) -> Option<&crate::vault::SecretEntry> {
        match &self.content {
            SecretContent::Loaded(secret) => secret.entries.get(self.selected),
            _ => None,
        }
    }

    pub fn move_selection(&mut self, delta: isize) {
        let count = self.entry_count();
        if count == 0 {
            return;
        }
        let next = self.selected.saturating_add_signed(delta).min(count - 1);
        if next != self.selected {
            self.selected = next;
            self.detail_scroll = 0;
        }
    }

    pub fn scroll_detail(&mut self, delta: i32) {
        let lines = self
            .selected_entry()
            .map(|e| e.shown().lines().count())
            .unwrap_or(0) as i32;
        let next = (self.detail_scroll as i32 + delta).clamp(0, (lines - 1).max(0));
        self.detail_scroll = next as u16;
    }
}
