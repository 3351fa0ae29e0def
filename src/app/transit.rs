//! The Transit screen (open on a transit mount in the tree): the mount's keys, the selected key's
//! settings and what the token may do with it, and one operation at a time in a dialog (encrypt,
//! decrypt, rewrap, sign, verify). Rotating asks first ([`Question`]) and reads the key again.
//! Plaintext lives only in the dialog (typed in a wiped [`TextInput`], decrypted into wiped
//! bytes) and is gone when the dialog closes; it is masked unless revealed.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::input::TextInput;
use super::keymap::{Command, Keymap, Scope};
use super::state::{App, Loadable, Modal, StatusKind};
use crate::secret::{SecretBytes, SecretText};
use crate::vault::VaultError;
use crate::vault::transit::{
    KeyCapabilities, TransitAnswer, TransitInput, TransitKey, TransitOperation, TransitOutput,
    TransitRequest,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use crossterm::event::KeyEvent;
use zeroize::Zeroizing;

/// Why an operation is not offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No key is selected (none, or not listed yet): the reason in words.
    NoKey(String),
    /// The key's type does not do it (an ed25519 key does not encrypt).
    Unsupported {
        key: String,
        kind: String,
        operation: TransitOperation,
    },
    /// The token lacks `capability` on `path`.
    Denied {
        key: String,
        operation: TransitOperation,
        path: String,
        capability: &'static str,
    },
}

impl Refusal {
    /// The refusal as a sentence.
    pub fn text(&self) -> String {
        match self {
            Refusal::NoKey(reason) => reason.clone(),
            Refusal::Unsupported {
                key,
                kind,
                operation,
            } => format!(
                "{key} is a key of type {kind}, which does not {}.",
                operation.verb()
            ),
            Refusal::Denied {
                key,
                operation,
                path,
                capability,
            } => format!(
                "This token may not {} with {key}: it needs {capability} on {path}.",
                operation.verb()
            ),
        }
    }

    /// The refusal beside a struck-through operation: "needs update on transit/encrypt/app".
    pub fn short(&self) -> String {
        match self {
            Refusal::NoKey(_) => "no key selected".into(),
            Refusal::Unsupported { kind, .. } => format!("not for {kind} keys"),
            Refusal::Denied {
                path, capability, ..
            } => format!("needs {capability} on {path}"),
        }
    }
}

/// The selected key: its settings and what the token may do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDetail {
    pub name: String,
    pub key: Loadable<TransitKey>,
    pub capabilities: KeyCapabilities,
}

/// Which field of the dialog takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DialogField {
    #[default]
    Input,
    /// Verify: the signature.
    Signature,
}

/// One operation on one key: what is typed, and what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationDialog {
    pub key: String,
    pub operation: TransitOperation,
    /// The plaintext (encrypt, sign, verify) or the ciphertext (decrypt, rewrap).
    pub input: TextInput,
    /// Verify: the signature (`vault:v1:...`).
    pub signature: TextInput,
    pub field: DialogField,
    /// Plaintext shown (typed or decrypted) instead of dots.
    pub revealed: bool,
    pub busy: bool,
    pub output: Option<TransitOutput>,
    /// The first row of the result shown (a long result is shown a page at a time).
    pub output_scroll: usize,
    pub error: Option<String>,
    /// Counts the results set, so that rows cut for one are never taken for another's.
    output_number: u64,
    /// The result as shown, cut into rows by `update` (see [`OutputRows`]).
    output_rows: OutputRows,
}

/// The result as it is shown, cut into rows once (when the result, the reveal or the width
/// changes, by `update`): a frame then costs the rows it draws, not the size of a 400 KB
/// ciphertext or plaintext.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputRows {
    /// What the rows were cut for: the result's number, whether revealed, the columns.
    key: Option<(u64, bool, usize)>,
    /// The result as text: a ciphertext, a signature, or the plaintext (base64 when not UTF-8).
    pub text: Option<SecretText>,
    /// Whether a plaintext was UTF-8.
    pub utf8: bool,
    /// Characters in `text`.
    pub characters: usize,
    /// `text`'s rows when it is shown (none while a plaintext is masked).
    pub rows: Vec<std::ops::Range<usize>>,
}

impl OperationDialog {
    fn new(key: &str, operation: TransitOperation) -> Self {
        Self {
            key: key.to_string(),
            operation,
            input: TextInput::default(),
            signature: TextInput::default(),
            field: DialogField::Input,
            revealed: false,
            busy: false,
            output: None,
            output_scroll: 0,
            output_number: 0,
            output_rows: OutputRows::default(),
            error: None,
        }
    }

    /// Whether the input is plaintext (masked while typed) rather than a ciphertext.
    pub fn input_is_plaintext(&self) -> bool {
        matches!(
            self.operation,
            TransitOperation::Encrypt | TransitOperation::Sign | TransitOperation::Verify
        )
    }

    /// The decrypted plaintext as shown and copied: the text when it is UTF-8, else its base64
    /// (`false`).
    pub fn plaintext(&self) -> Option<(SecretText, bool)> {
        let Some(TransitOutput::Plaintext(bytes)) = &self.output else {
            return None;
        };
        Some(match std::str::from_utf8(bytes.expose()) {
            Ok(text) => (SecretText::new(text), true),
            Err(_) => {
                let mut encoded = Zeroizing::new(String::new());
                STANDARD.encode_string(bytes.expose(), &mut encoded);
                (SecretText::from_zeroizing(encoded), false)
            }
        })
    }

    fn focused_input(&mut self) -> &mut TextInput {
        match self.field {
            DialogField::Input => &mut self.input,
            DialogField::Signature => &mut self.signature,
        }
    }

    fn request(&self) -> Result<TransitInput, String> {
        let text = &self.input.text;
        let bytes = || SecretBytes::new(Zeroizing::new(text.as_bytes().to_vec()));
        let ciphertext = text.trim();
        match self.operation {
            TransitOperation::Decrypt | TransitOperation::Rewrap if ciphertext.is_empty() => {
                Err("Paste a ciphertext (vault:v1:...) first.".into())
            }
            TransitOperation::Decrypt => Ok(TransitInput::Decrypt(ciphertext.to_string())),
            TransitOperation::Rewrap => Ok(TransitInput::Rewrap(ciphertext.to_string())),
            TransitOperation::Encrypt => Ok(TransitInput::Encrypt(bytes())),
            TransitOperation::Sign => Ok(TransitInput::Sign(bytes())),
            TransitOperation::Verify if self.signature.text.trim().is_empty() => {
                Err("Paste the signature (vault:v1:...) in its field first.".into())
            }
            TransitOperation::Verify => Ok(TransitInput::Verify {
                input: bytes(),
                signature: self.signature.text.trim().to_string(),
            }),
            TransitOperation::Rotate => Err("Rotating is not done in this dialog.".into()),
        }
    }

    /// Sets the result (`None`: none), never to be drawn with the rows of the one before.
    fn set_output(&mut self, output: Option<TransitOutput>) {
        self.output = output;
        self.output_number += 1;
    }

    /// The result cut into rows at `columns` (the work [`Self::prepare_output`] does once).
    fn cut_output(&self, columns: usize) -> OutputRows {
        let (text, utf8) = match &self.output {
            Some(TransitOutput::Ciphertext(text) | TransitOutput::Signature(text)) => {
                (Some(SecretText::new(text.as_str())), true)
            }
            Some(TransitOutput::Plaintext(_)) => match self.plaintext() {
                Some((text, utf8)) => (Some(text), utf8),
                None => (None, true),
            },
            _ => (None, true),
        };
        let masked = matches!(self.output, Some(TransitOutput::Plaintext(_))) && !self.revealed;
        let rows = match &text {
            Some(text) if !masked => super::width::wrap_rows(text.expose(), columns),
            _ => Vec::new(),
        };
        OutputRows {
            key: Some((self.output_number, self.revealed, columns)),
            characters: text.as_ref().map_or(0, |t| t.expose().chars().count()),
            text,
            utf8,
            rows,
        }
    }

    /// Cuts the result into rows for a terminal `width` wide, unless they are already cut for
    /// this result, reveal and width.
    pub fn prepare_output(&mut self, width: u16) {
        let columns = dialog_columns(width);
        if self.output_rows.key != Some((self.output_number, self.revealed, columns)) {
            self.output_rows = self.cut_output(columns);
        }
    }

    /// The result's rows for a terminal `width` wide: the prepared ones, or (for a state built
    /// without `update`) cut now.
    pub fn output_rows(&self, width: u16) -> std::borrow::Cow<'_, OutputRows> {
        let columns = dialog_columns(width);
        if self.output_rows.key == Some((self.output_number, self.revealed, columns)) {
            std::borrow::Cow::Borrowed(&self.output_rows)
        } else {
            std::borrow::Cow::Owned(self.cut_output(columns))
        }
    }

    /// Pages the result by `pages` pages of `page` rows at a terminal `width` wide: from the
    /// first row to the last page.
    fn scroll_output(&mut self, pages: isize, page: usize, width: u16) {
        self.prepare_output(width);
        let total = self.output_rows.rows.len();
        if total == 0 {
            return;
        }
        let last = total.saturating_sub(page);
        self.output_scroll = self
            .output_scroll
            .min(last)
            .saturating_add_signed(pages.saturating_mul(page as isize))
            .min(last);
    }

    /// The result to copy: (text, what it is, whether it is a secret).
    fn copy_text(&self) -> Option<(SecretText, String, bool)> {
        match self.output.as_ref()? {
            TransitOutput::Ciphertext(text) => Some((
                SecretText::new(text.as_str()),
                format!("the ciphertext ({})", self.key),
                false,
            )),
            TransitOutput::Signature(text) => Some((
                SecretText::new(text.as_str()),
                format!("the signature ({})", self.key),
                false,
            )),
            TransitOutput::Plaintext(_) => {
                let (text, utf8) = self.plaintext()?;
                let what = if utf8 {
                    "the plaintext"
                } else {
                    "the plaintext (base64)"
                };
                Some((text, format!("{what} ({})", self.key), true))
            }
            TransitOutput::Verified(_) => None,
        }
    }
}

/// The operation dialog's width on a terminal `width` columns wide.
pub fn dialog_width(width: u16) -> u16 {
    width.saturating_sub(4).clamp(20, 96)
}

/// The columns the operation dialog's text is wrapped at (inside its border, less one).
pub fn dialog_columns(width: u16) -> usize {
    usize::from(dialog_width(width)).saturating_sub(3).max(1)
}

/// Rows of a typed or pasted value shown in the dialog (around the cursor): a pasted 200 KB
/// value does not push the rest off the screen.
pub const INPUT_ROWS: usize = 3;

/// Rows of a result shown at once on a terminal `height` rows high (what a page moves by): the
/// screen less the header, footer, the dialog's border and its other lines.
pub fn output_page(height: u16) -> usize {
    usize::from(height).saturating_sub(17).max(3)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitScreen {
    /// The mount, with its trailing slash (`transit/`).
    pub mount: String,
    pub keys: Loadable<Vec<String>>,
    pub cursor: usize,
    pub detail: Option<KeyDetail>,
    pub dialog: Option<OperationDialog>,
    /// Rotating the key named here waits for a yes.
    pub rotate: Option<(String, Question)>,
    /// A rotation of this key (at this latest version) waits for the server, then for the key
    /// to be read again.
    pub rotating: Option<(String, u64)>,
    pub error: Option<String>,
}

impl TransitScreen {
    /// The open dialog's result cut into rows for a terminal `width` wide (see [`OutputRows`]).
    pub fn prepare_output(&mut self, width: u16) {
        if let Some(dialog) = &mut self.dialog {
            dialog.prepare_output(width);
        }
    }

    pub fn new(mount: &str) -> Self {
        Self {
            mount: mount.to_string(),
            keys: Loadable::Loading,
            cursor: 0,
            detail: None,
            dialog: None,
            rotate: None,
            rotating: None,
            error: None,
        }
    }

    pub fn selected_key(&self) -> Option<&str> {
        match &self.keys {
            Loadable::Ready(keys) => keys.get(self.cursor).map(String::as_str),
            _ => None,
        }
    }

    fn effect(&self, request: TransitRequest) -> Effect {
        Effect::Transit {
            mount: self.mount.clone(),
            request,
        }
    }

    fn load_keys(&mut self) -> Vec<Effect> {
        self.keys = Loadable::Loading;
        self.detail = None;
        vec![self.effect(TransitRequest::ListKeys)]
    }

    /// Reads the selected key, unless it is the one shown (`again`: read it anyway).
    fn load_detail(&mut self, again: bool) -> Vec<Effect> {
        let Some(name) = self.selected_key().map(str::to_string) else {
            self.detail = None;
            return Vec::new();
        };
        if !again && self.detail.as_ref().is_some_and(|d| d.name == name) {
            return Vec::new();
        }
        let capabilities = match &self.detail {
            Some(detail) if detail.name == name => detail.capabilities.clone(),
            _ => KeyCapabilities::unknown(),
        };
        self.detail = Some(KeyDetail {
            name: name.clone(),
            key: Loadable::Loading,
            capabilities,
        });
        vec![self.effect(TransitRequest::ReadKey { name })]
    }

    fn loaded_key(&self) -> Option<&TransitKey> {
        match &self.detail.as_ref()?.key {
            Loadable::Ready(key) => Some(key),
            _ => None,
        }
    }

    /// Why `operation` cannot be done on the selected key, when it cannot: no key, a key type
    /// that does not do it, or a capability the token lacks (its path named).
    pub fn refusal(&self, operation: TransitOperation) -> Option<Refusal> {
        let Some(detail) = &self.detail else {
            return Some(Refusal::NoKey(match &self.keys {
                Loadable::Ready(keys) if keys.is_empty() => format!(
                    "No keys on {}: create one with bao write -f {}keys/NAME.",
                    self.mount, self.mount
                ),
                Loadable::Failed(error) => format!("The keys could not be listed: {error}"),
                _ => "The keys are still loading: wait a moment.".into(),
            }));
        };
        if let Some(key) = self.loaded_key() {
            let supported = match operation {
                TransitOperation::Encrypt | TransitOperation::Rewrap => key.supports_encryption,
                TransitOperation::Decrypt => key.supports_decryption,
                TransitOperation::Sign | TransitOperation::Verify => key.supports_signing,
                TransitOperation::Rotate => true,
            };
            if !supported {
                return Some(Refusal::Unsupported {
                    key: key.name.clone(),
                    kind: key.kind.clone(),
                    operation,
                });
            }
        }
        let (path, capability) = detail.capabilities.missing(operation)?;
        Some(Refusal::Denied {
            key: detail.name.clone(),
            operation,
            path,
            capability,
        })
    }

    fn open_dialog(&mut self, operation: TransitOperation) {
        if let Some(refusal) = self.refusal(operation) {
            self.error = Some(refusal.text());
            return;
        }
        let Some(name) = self.detail.as_ref().map(|d| d.name.clone()) else {
            return;
        };
        self.error = None;
        self.dialog = Some(OperationDialog::new(&name, operation));
    }

    fn ask_rotate(&mut self) {
        if let Some(refusal) = self.refusal(TransitOperation::Rotate) {
            self.error = Some(refusal.text());
            return;
        }
        let Some(name) = self.detail.as_ref().map(|d| d.name.clone()) else {
            return;
        };
        self.error = None;
        self.rotate = Some((name, Question::yes_no("rotate", "keep it")));
    }

    /// Moves the selection by `step` keys (negative: up), within the list.
    fn move_cursor(&mut self, step: isize) -> Vec<Effect> {
        let len = match &self.keys {
            Loadable::Ready(keys) => keys.len(),
            _ => 0,
        };
        if len == 0 {
            return Vec::new();
        }
        self.cursor = self.cursor.saturating_add_signed(step).min(len - 1);
        if self.detail.as_ref().map(|d| d.name.as_str()) != self.selected_key() {
            // Another key: what was said of the previous one no longer stands.
            self.error = None;
        }
        self.load_detail(false)
    }

    fn on_browse_key(&mut self, command: Option<Command>, page: isize) -> Outcome {
        let effects = match command {
            Some(Command::Close) => return Outcome::close(),
            Some(Command::Down) => self.move_cursor(1),
            Some(Command::Up) => self.move_cursor(-1),
            Some(Command::PageDown) => self.move_cursor(page),
            Some(Command::PageUp) => self.move_cursor(-page),
            Some(Command::Top) => self.move_cursor(isize::MIN),
            Some(Command::Bottom) => self.move_cursor(isize::MAX),
            Some(Command::Encrypt) => self.opened(TransitOperation::Encrypt),
            Some(Command::Decrypt) => self.opened(TransitOperation::Decrypt),
            Some(Command::Rewrap) => self.opened(TransitOperation::Rewrap),
            Some(Command::Sign) => self.opened(TransitOperation::Sign),
            Some(Command::Verify) => self.opened(TransitOperation::Verify),
            Some(Command::Rotate) => {
                self.ask_rotate();
                Vec::new()
            }
            Some(Command::Refresh) => {
                self.error = None;
                self.load_keys()
            }
            _ => Vec::new(),
        };
        Outcome::stay().with(effects)
    }

    fn opened(&mut self, operation: TransitOperation) -> Vec<Effect> {
        self.open_dialog(operation);
        Vec::new()
    }

    fn on_rotate_key(
        &mut self,
        keymap: &Keymap,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Vec<Effect> {
        let Some((name, question)) = &mut self.rotate else {
            return Vec::new();
        };
        match question.answer(key, command, keymap) {
            Answer::Undecided => Vec::new(),
            Answer::No => {
                self.rotate = None;
                Vec::new()
            }
            Answer::Yes => {
                let name = name.clone();
                self.rotate = None;
                let latest = self
                    .loaded_key()
                    .filter(|k| k.name == name)
                    .map_or(0, |k| k.latest_version);
                self.rotating = Some((name.clone(), latest));
                vec![self.effect(TransitRequest::Rotate { name })]
            }
        }
    }

    fn on_dialog_key(
        &mut self,
        key: &KeyEvent,
        command: Option<Command>,
        size: (u16, u16),
    ) -> Vec<Effect> {
        let Some(dialog) = &mut self.dialog else {
            return Vec::new();
        };
        match command {
            Some(Command::PageDown) => {
                dialog.scroll_output(1, output_page(size.1), size.0);
                Vec::new()
            }
            Some(Command::PageUp) => {
                dialog.scroll_output(-1, output_page(size.1), size.0);
                Vec::new()
            }
            Some(Command::Cancel) => {
                // Dropped: the typed text and the result are wiped with it.
                self.dialog = None;
                Vec::new()
            }
            Some(Command::Reveal) => {
                dialog.revealed = !dialog.revealed;
                dialog.output_scroll = 0;
                Vec::new()
            }
            Some(Command::Copy) => match dialog.copy_text() {
                Some((text, description, sensitive)) => vec![Effect::Copy {
                    text,
                    description,
                    sensitive,
                }],
                None => Vec::new(),
            },
            Some(Command::NextField) => {
                if dialog.operation == TransitOperation::Verify {
                    dialog.field = match dialog.field {
                        DialogField::Input => DialogField::Signature,
                        DialogField::Signature => DialogField::Input,
                    };
                }
                Vec::new()
            }
            Some(Command::Submit) if dialog.busy => Vec::new(),
            Some(Command::Submit) => match dialog.request() {
                Ok(input) => {
                    dialog.busy = true;
                    dialog.error = None;
                    dialog.set_output(None);
                    dialog.output_scroll = 0;
                    let name = dialog.key.clone();
                    vec![self.effect(TransitRequest::Run { name, input })]
                }
                Err(reason) => {
                    dialog.error = Some(reason);
                    Vec::new()
                }
            },
            _ if dialog.busy => Vec::new(),
            _ => {
                if dialog.focused_input().handle_key(key) {
                    // A changed input: the result was of what was there before.
                    dialog.set_output(None);
                    dialog.error = None;
                }
                Vec::new()
            }
        }
    }
}

/// A transit mount: opened in this screen rather than browsed (the tree does not call it "not
/// browsable").
pub fn is_transit(engine: &crate::vault::SecretEngine) -> bool {
    matches!(engine, crate::vault::SecretEngine::Other(kind) if kind == "transit")
}

/// Whether a spinner is on the screen (something is loading).
pub fn animated(screen: &TransitScreen) -> bool {
    matches!(screen.keys, Loadable::Loading)
        || screen
            .detail
            .as_ref()
            .is_some_and(|d| matches!(d.key, Loadable::Loading))
}

/// Opens the Transit screen on a transit mount (`transit/`) and asks for its keys.
pub fn open(app: &mut App, mount: &str) -> Vec<Effect> {
    let mut screen = TransitScreen::new(mount);
    let effects = screen.load_keys();
    app.modal = Some(Modal::Transit(Box::new(screen)));
    effects
}

fn screen<'a>(app: &'a mut App, mount: &str) -> Option<&'a mut TransitScreen> {
    match &mut app.modal {
        Some(Modal::Transit(screen)) if screen.mount == mount => Some(screen),
        _ => None,
    }
}

/// An error of an operation in words: a refusal names the capability and the path.
fn operation_error(operation: TransitOperation, error: &VaultError, keymap: &Keymap) -> String {
    match error {
        VaultError::PermissionDenied { path, .. } => format!(
            "Permission denied: to {} this token needs {} on {path}.",
            operation.verb(),
            operation.capability()
        ),
        other => format!(
            "{} failed: {}",
            capitalized(operation.verb()),
            super::errors::error_text(keymap, other)
        ),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A Transit request came back.
pub fn answered(app: &mut App, mount: String, answer: TransitAnswer) -> Vec<Effect> {
    let keymap = app.keymap.clone();
    let mut status = None;
    let effects = {
        let Some(screen) = screen(app, &mount) else {
            return Vec::new();
        };
        match answer {
            TransitAnswer::Keys(result) => match result {
                Ok(keys) => {
                    screen.cursor = screen.cursor.min(keys.len().saturating_sub(1));
                    screen.keys = Loadable::Ready(keys);
                    screen.load_detail(true)
                }
                Err(error) => {
                    screen.keys = Loadable::Failed(super::errors::error_text(&keymap, &error));
                    Vec::new()
                }
            },
            TransitAnswer::Key {
                name,
                key,
                capabilities,
            } => {
                let Some(detail) = screen.detail.as_mut().filter(|d| d.name == name) else {
                    return Vec::new();
                };
                detail.key = match key {
                    Ok(key) => Loadable::Ready(key),
                    Err(error) => Loadable::Failed(super::errors::error_text(&keymap, &error)),
                };
                // A token that may not ask is offered everything: the server decides.
                detail.capabilities = capabilities.unwrap_or_else(|_| KeyCapabilities::unknown());
                if let (Some((rotated, before)), Loadable::Ready(key)) =
                    (&screen.rotating, &detail.key)
                    && *rotated == name
                {
                    status = Some((
                        StatusKind::Info,
                        format!(
                            "Rotated {name}: latest version {} (was {before}).",
                            key.latest_version
                        ),
                    ));
                    screen.rotating = None;
                }
                Vec::new()
            }
            TransitAnswer::Ran {
                name,
                operation,
                result,
            } => {
                let Some(dialog) = screen
                    .dialog
                    .as_mut()
                    .filter(|d| d.key == name && d.operation == operation && d.busy)
                else {
                    return Vec::new();
                };
                dialog.busy = false;
                dialog.output_scroll = 0;
                match result {
                    Ok(output) => dialog.set_output(Some(output)),
                    Err(error) => dialog.error = Some(operation_error(operation, &error, &keymap)),
                }
                Vec::new()
            }
            TransitAnswer::Rotated { name, result } => match result {
                Ok(()) => {
                    // The versions are read again, not assumed.
                    if screen.selected_key() == Some(name.as_str()) {
                        screen.load_detail(true)
                    } else {
                        screen.rotating = None;
                        status = Some((StatusKind::Info, format!("Rotated {name}.")));
                        Vec::new()
                    }
                }
                Err(error) => {
                    screen.rotating = None;
                    screen.error = Some(operation_error(TransitOperation::Rotate, &error, &keymap));
                    Vec::new()
                }
            },
        }
    };
    if let Some((kind, text)) = status {
        app.set_status(kind, text);
    }
    effects
}

impl Component for TransitScreen {
    fn scope(&self) -> Scope {
        if self.rotate.is_some() {
            Scope::Confirm
        } else if self.dialog.is_some() {
            Scope::TransitDialog
        } else {
            Scope::Transit
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.rotate.is_some() {
            return Outcome::stay().with(self.on_rotate_key(&app.keymap, key, command));
        }
        if self.dialog.is_some() {
            return Outcome::stay().with(self.on_dialog_key(key, command, app.size));
        }
        // A page: about the rows of the key list (the screen less its frame and header).
        let page = app.size.1.saturating_sub(10).max(1) as isize;
        self.on_browse_key(command, page)
    }

    /// Pasted text goes into the dialog's field (line breaks and all: a plaintext is taken as
    /// pasted; a ciphertext or signature is trimmed when sent).
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if let Some((_, question)) = &mut self.rotate {
            question.paste(text);
        } else if let Some(dialog) = &mut self.dialog
            && !dialog.busy
        {
            dialog.focused_input().insert_str(text);
            dialog.set_output(None);
            dialog.error = None;
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        if let Some((_, question)) = &self.rotate {
            return question.hints(&app.keymap);
        }
        if self.dialog.is_some() {
            return app.keymap.hints(
                Scope::TransitDialog,
                &[
                    Command::Submit,
                    Command::Reveal,
                    Command::Copy,
                    Command::Cancel,
                ],
            );
        }
        app.keymap.hints(
            Scope::Transit,
            &[
                Command::Encrypt,
                Command::Decrypt,
                Command::Rewrap,
                Command::Sign,
                Command::Verify,
                Command::Rotate,
                Command::Close,
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drawing takes the rows cut once: prepared for a result, they are reused for it, and never
    /// for the next result, another reveal or another width.
    #[test]
    fn the_result_is_cut_into_rows_once_per_result_reveal_and_width() {
        let mut dialog = OperationDialog::new("app", TransitOperation::Encrypt);
        dialog.set_output(Some(TransitOutput::Ciphertext(format!(
            "vault:v1:{}",
            "A".repeat(10_000)
        ))));
        dialog.prepare_output(120);
        assert!(matches!(
            dialog.output_rows(120),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(dialog.output_rows(120).rows.len() > 1);
        // Another width: cut again, not taken from the prepared rows.
        assert!(matches!(dialog.output_rows(80), std::borrow::Cow::Owned(_)));
        // Another result of the same length: never drawn with the first one's rows.
        dialog.set_output(Some(TransitOutput::Ciphertext(format!(
            "vault:v1:{}",
            "B".repeat(10_000)
        ))));
        let rows = dialog.output_rows(120);
        assert!(matches!(rows, std::borrow::Cow::Owned(_)));
        assert!(
            rows.text
                .as_ref()
                .is_some_and(|t| t.expose().ends_with('B'))
        );
    }
}
