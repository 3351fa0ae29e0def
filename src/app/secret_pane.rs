//! The right pane: the open secret, its masking state, the selected row and the value scroll, and
//! for KV v2 its tabs: version history, metadata and a diff of two versions.

use super::action::RequestId;
use super::state::Loadable;
use super::tree::Location;
use crate::vault::{KvSecret, SecretEngine, SecretMetadata};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SecretTab {
    #[default]
    Data,
    Versions,
    Metadata,
    Diff,
}

impl SecretTab {
    pub const ALL: [SecretTab; 4] = [
        SecretTab::Data,
        SecretTab::Versions,
        SecretTab::Metadata,
        SecretTab::Diff,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SecretTab::Data => "Data",
            SecretTab::Versions => "Versions",
            SecretTab::Metadata => "Metadata",
            SecretTab::Diff => "Diff",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Two versions side by side, old on the left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffView {
    pub old: u64,
    pub new: u64,
    pub old_content: SecretContent,
    pub new_content: SecretContent,
    pub old_request: Option<RequestId>,
    pub new_request: Option<RequestId>,
    pub selected: usize,
}

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
    pub tab: SecretTab,
    /// The version shown in the Data tab when it is not the current one.
    pub viewing: Option<u64>,
    /// KV v2 only: the metadata with the version history.
    pub metadata: Option<Loadable<SecretMetadata>>,
    pub metadata_request: Option<RequestId>,
    /// Index into the metadata's versions (newest first).
    pub version_cursor: usize,
    /// Versions marked (Space) for an operation or a comparison.
    pub marked: BTreeSet<u64>,
    pub diff: Option<DiffView>,
    /// First line shown in the Metadata tab (it can hold 64 custom keys).
    pub metadata_scroll: u16,
}

impl SecretPane {
    pub fn open(&mut self, location: Location, request: RequestId) {
        let same = self.location.as_ref() == Some(&location);
        if !same {
            self.revealed = false;
            self.selected = 0;
            self.detail_scroll = 0;
            self.viewing = None;
            self.version_cursor = 0;
            self.marked.clear();
            self.diff = None;
            self.metadata = None;
        }
        if !matches!(
            location.mount.engine,
            SecretEngine::Kv(crate::vault::KvVersion::V2)
        ) {
            self.tab = SecretTab::Data;
            self.metadata = None;
        }
        self.location = Some(location);
        self.content = SecretContent::Loading;
        self.request = Some(request);
    }

    pub fn is_versioned(&self) -> bool {
        self.location.as_ref().is_some_and(|l| {
            matches!(
                l.mount.engine,
                SecretEngine::Kv(crate::vault::KvVersion::V2)
            )
        })
    }

    pub fn loaded_metadata(&self) -> Option<&SecretMetadata> {
        match &self.metadata {
            Some(Loadable::Ready(metadata)) => Some(metadata),
            _ => None,
        }
    }

    /// The version under the cursor in the Versions tab.
    pub fn cursor_version(&self) -> Option<u64> {
        self.loaded_metadata()?
            .versions
            .get(self.version_cursor)
            .map(|v| v.version)
    }

    /// The version the Data tab shows (the current one unless another was opened).
    pub fn shown_version(&self) -> Option<u64> {
        self.viewing.or_else(|| match &self.content {
            SecretContent::Loaded(secret) => secret.version,
            _ => self.loaded_metadata().map(|m| m.current_version),
        })
    }

    pub fn move_version_cursor(&mut self, delta: isize) {
        let count = self.loaded_metadata().map_or(0, |m| m.versions.len());
        if count == 0 {
            return;
        }
        self.version_cursor = self
            .version_cursor
            .saturating_add_signed(delta)
            .min(count - 1);
    }

    /// Moves the cursor onto `version` if the history has it.
    pub fn put_cursor_on(&mut self, version: u64) {
        if let Some(index) = self
            .loaded_metadata()
            .and_then(|m| m.versions.iter().position(|v| v.version == version))
        {
            self.version_cursor = index;
        }
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
