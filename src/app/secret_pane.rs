//! The right pane: the open secret, its masking state, the selected row and the value scroll, and
//! for KV v2 its tabs: version history, metadata and a diff of two versions.

use super::action::RequestId;
use super::input::TextInput;
use super::keymap::Command;
use super::state::Loadable;
use super::tree::Location;
use crate::vault::{KvSecret, SecretEngine, SecretMetadata};
use crossterm::event::KeyEvent;
use std::collections::BTreeSet;
use std::ops::Range;

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

/// The screen rows of the selected value, prepared once when the value, the reveal state or the
/// pane width changes, so that drawing a frame costs what the screen shows, not what the value
/// holds. Byte ranges into the value, never a copy of it.
#[derive(Debug, Clone, Default)]
pub struct DetailRows {
    key: Option<DetailKey>,
    rows: Vec<Range<usize>>,
    /// How many times rows were prepared (a frame must not prepare them again).
    pub prepared: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DetailKey {
    generation: u64,
    selected: usize,
    width: u16,
}

/// The PEM blocks of the selected value (certificates decoded, private keys only named), decoded
/// once per value like the detail rows, so a frame does not parse it again.
#[derive(Debug, Clone, Default)]
pub struct PemView {
    /// (generation, selected) the blocks are for.
    key: Option<(u64, usize)>,
    blocks: Vec<crate::certs::PemBlock>,
}

#[derive(Debug, Clone, Default)]
pub struct SecretPane {
    pub location: Option<Location>,
    /// Private so that every change goes through `set_content`, which the prepared rows follow.
    content: SecretContent,
    /// Bumped by every `set_content`.
    generation: u64,
    /// Display width of the widest key, measured once per content.
    key_columns: usize,
    /// Indices of the entries the Data tab lists (those whose key contains the key filter),
    /// kept with the content and the filter so a frame does not filter every key again.
    listed: Vec<usize>,
    pub detail_rows: DetailRows,
    pub pem: PemView,
    /// Values are masked unless this is set; masking is decided when drawing, the data is untouched.
    pub revealed: bool,
    pub selected: usize,
    pub detail_scroll: usize,
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
    /// Only keys containing this (case-insensitive) are listed in the Data tab (set with
    /// `set_key_filter`, which keeps the listed entries in step).
    key_filter: String,
    /// Set while the key filter is being typed (`/` with the secret pane focused).
    pub key_filter_input: Option<TextInput>,
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
            self.key_filter.clear();
            self.key_filter_input = None;
            // (the listed entries follow with the new content below)
        }
        if !matches!(
            location.mount.engine,
            SecretEngine::Kv(crate::vault::KvVersion::V2)
        ) {
            self.tab = SecretTab::Data;
            self.metadata = None;
        }
        self.location = Some(location);
        self.set_content(SecretContent::Loading);
        self.request = Some(request);
    }

    /// Shows no secret (the open one was deleted): as before any was opened.
    pub fn close(&mut self) {
        let generation = self.generation;
        *self = Self::default();
        // Still counting up, so nothing prepared for the old content is taken for the new.
        self.generation = generation;
        self.set_content(SecretContent::Empty);
    }

    pub fn content(&self) -> &SecretContent {
        &self.content
    }

    pub fn set_content(&mut self, content: SecretContent) {
        self.key_columns = match &content {
            SecretContent::Loaded(secret) => secret
                .entries
                .iter()
                .map(|e| super::width::width(&e.key))
                .max()
                .unwrap_or(0),
            _ => 0,
        };
        self.content = content;
        self.generation += 1;
        self.relist();
    }

    pub fn key_filter(&self) -> &str {
        &self.key_filter
    }

    fn relist(&mut self) {
        self.listed = match &self.content {
            SecretContent::Loaded(secret) => {
                let needle = self.key_filter.to_lowercase();
                secret
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, entry)| {
                        needle.is_empty() || entry.key.to_lowercase().contains(&needle)
                    })
                    .map(|(index, _)| index)
                    .collect()
            }
            _ => Vec::new(),
        };
    }

    /// Display width of the widest key of the loaded secret.
    pub fn key_columns(&self) -> usize {
        self.key_columns
    }

    fn detail_key(&self, width: u16) -> DetailKey {
        DetailKey {
            generation: self.generation,
            selected: self.selected,
            width,
        }
    }

    /// Prepares the rows of the selected value for a pane `width` columns wide, unless they are
    /// ready already; masked values have no rows to prepare.
    pub fn prepare_detail(&mut self, width: u16) {
        self.prepare_pem();
        if !self.revealed || self.tab != SecretTab::Data {
            return;
        }
        let key = self.detail_key(width);
        if self.detail_rows.key == Some(key) {
            return;
        }
        let rows = match self.selected_entry() {
            Some(entry) => super::width::wrap_rows(entry.shown(), width as usize),
            None => Vec::new(),
        };
        self.detail_rows.rows = rows;
        self.detail_rows.key = Some(key);
        self.detail_rows.prepared += 1;
    }

    /// Decodes the PEM in the selected value, unless done for it already. Certificates are shown
    /// masked or not (they are public); a private key is only named.
    pub fn prepare_pem(&mut self) {
        let key = (self.generation, self.selected);
        if self.pem.key == Some(key) {
            return;
        }
        self.pem.blocks = match self.selected_entry() {
            Some(entry) if crate::certs::looks_like_pem(entry.value.expose()) => {
                crate::certs::decode(entry.value.expose())
            }
            _ => Vec::new(),
        };
        self.pem.key = Some(key);
    }

    /// The PEM blocks of the selected value, if decoded for this state.
    pub fn pem_blocks(&self) -> Option<&[crate::certs::PemBlock]> {
        (self.pem.key == Some((self.generation, self.selected))).then_some(&self.pem.blocks[..])
    }

    /// Rows the certificate summary takes at the top of a detail view `height` rows high: a
    /// title, five rows per certificate and one per other block, leaving the value's header and
    /// one row of it.
    pub fn pem_summary_rows(&self, height: u16) -> u16 {
        pem_summary_rows(self.pem_blocks().unwrap_or_default(), height)
    }

    /// The prepared rows of the selected value if they are for this state and `width`.
    pub fn prepared_rows(&self, width: u16) -> Option<&[Range<usize>]> {
        (self.detail_rows.key == Some(self.detail_key(width))).then_some(&self.detail_rows.rows[..])
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

    /// Indices of the entries the Data tab lists: those whose key contains the key filter
    /// (case-insensitive), every entry without one.
    pub fn listed_entries(&self) -> &[usize] {
        &self.listed
    }

    /// Where the selected entry is among the listed ones (the first when it is filtered out).
    pub fn listed_position(&self) -> usize {
        self.listed
            .iter()
            .position(|&index| index == self.selected)
            .unwrap_or(0)
    }

    fn select(&mut self, index: usize) {
        if index != self.selected {
            self.selected = index;
            self.detail_scroll = 0;
        }
    }

    /// Moves the selection among the listed entries.
    pub fn move_selection(&mut self, delta: isize) {
        if self.listed.is_empty() {
            return;
        }
        let position = self
            .listed_position()
            .saturating_add_signed(delta)
            .min(self.listed.len() - 1);
        self.select(self.listed[position]);
    }

    /// Selects the entry on row `row` of a table showing `rows` entries (scrolled as drawn).
    pub fn select_table_row(&mut self, row: usize, rows: usize) {
        let first = self
            .listed_position()
            .saturating_sub(rows.saturating_sub(1));
        if let Some(&index) = self.listed.get(first + row) {
            self.select(index);
        }
    }

    /// Sets the key filter and keeps the selection on a listed entry.
    pub fn set_key_filter(&mut self, filter: String) {
        self.key_filter = filter;
        self.relist();
        if !self.listed.contains(&self.selected)
            && let Some(&first) = self.listed.first()
        {
            self.select(first);
        }
    }

    /// A key while the key filter is typed: Enter keeps the filter, Esc clears it, ↑/↓ move.
    /// A key while the key filter is typed; `command` is its meaning in the filter line's scope.
    pub fn on_key_filter_key(&mut self, key: &KeyEvent, command: Option<Command>) {
        let Some(input) = &mut self.key_filter_input else {
            return;
        };
        match command {
            Some(Command::Cancel) => {
                self.key_filter_input = None;
                self.set_key_filter(String::new());
            }
            Some(Command::Submit) => self.key_filter_input = None,
            Some(Command::Up) => self.move_selection(-1),
            Some(Command::Down) => self.move_selection(1),
            _ => {
                if input.handle_key(key) {
                    let filter = input.text.clone();
                    self.set_key_filter(filter);
                }
            }
        }
    }

    /// Scrolls the revealed value by `delta` rows in a detail view of `width` × `height` (its
    /// header line included), never past the row that puts the value's end at the bottom: a
    /// value that fits does not move.
    pub fn scroll_detail(&mut self, delta: i32, width: u16, height: u16) {
        if !self.revealed {
            return;
        }
        self.prepare_detail(width);
        let total = self.detail_rows.rows.len();
        let last_first = total.saturating_sub(detail_body_rows(height, total));
        self.detail_scroll = self
            .detail_scroll
            .saturating_add_signed(delta as isize)
            .min(last_first);
    }
}

/// Rows of the certificate summary (see `SecretPane::pem_summary_rows`).
pub fn pem_summary_rows(blocks: &[crate::certs::PemBlock], height: u16) -> u16 {
    if blocks.is_empty() {
        return 0;
    }
    let rows: usize = 1 + blocks
        .iter()
        .map(|b| match b {
            crate::certs::PemBlock::Certificate(_) => PEM_ROWS_PER_CERTIFICATE,
            _ => 1,
        })
        .sum::<usize>();
    (rows.min(u16::MAX as usize) as u16).min(height.saturating_sub(2))
}

/// Subject and validity, issuer and key, serial, SANs, dates.
pub const PEM_ROWS_PER_CERTIFICATE: usize = 5;

/// Rows of value a detail view `height` rows high shows: minus its header line, and minus the
/// position line ("lines 41-80 of 2000") when the value does not fit.
pub fn detail_body_rows(height: u16, total_rows: usize) -> usize {
    let body = (height as usize).saturating_sub(1);
    if total_rows > body {
        body.saturating_sub(1).max(1)
    } else {
        body
    }
}

impl super::App {
    /// Width and height of the Data tab's detail view (the selected value) on this screen.
    pub fn detail_size(&self) -> (u16, u16) {
        let detail =
            super::layout::secret_areas(self.areas().secret, self.secret.entry_count()).detail;
        // The certificate summary, if any, sits above the value.
        let summary = self.secret.pem_summary_rows(detail.height);
        (detail.width, detail.height - summary)
    }

    /// Scrolls the selected value by `delta` rows.
    pub fn scroll_detail(&mut self, delta: i32) {
        let (width, height) = self.detail_size();
        self.secret.scroll_detail(delta, width, height);
    }
}
