//! `U`: unwrap a wrapping token someone handed over. The token is pasted (masked); it is looked up
//! first (`sys/wrapping/lookup`: creation path, creation time, TTL left), which does not use it;
//! only a yes to the question unwraps it, which uses it up. The data is shown masked (revealable,
//! each value copyable) and can be saved as a new secret through the path prompt and the write
//! flow (create-if-absent). A token the server does not know is said to be used, expired or
//! mistyped: its answer does not tell these apart.

use super::action::{Effect, RequestId};
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::edit::DraftRow;
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Modal};
use crate::secret::Token;
use crate::vault::VaultError;
use crate::vault::kv::SecretEntry;
use crate::vault::wrapping::{UnwrappedData, WrapLookup};
use crossterm::event::KeyEvent;
use zeroize::Zeroize;

/// The data a wrapping token held: shown here only (the token is used up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnwrappedView {
    pub entries: Vec<SecretEntry>,
    pub cursor: usize,
    pub revealed: bool,
    /// Where the data was wrapped (`sys/wrapping/wrap`, or the path whose answer was wrapped).
    pub creation_path: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnwrapStage {
    /// The token is being typed or pasted.
    Typing,
    /// The lookup asked with this request (an answer to an earlier one is dropped).
    LookingUp {
        request: RequestId,
    },
    /// Looked up (not used): the question whether to unwrap it now.
    Looked {
        lookup: WrapLookup,
        question: Question,
    },
    Unwrapping {
        lookup: WrapLookup,
    },
    Done(UnwrappedView),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnwrapDialog {
    /// The wrapping token as typed (wiped once it is used up).
    pub input: TextInput,
    /// The typed token is shown, not masked.
    pub input_revealed: bool,
    pub stage: UnwrapStage,
    pub error: Option<String>,
}

impl Default for UnwrapDialog {
    fn default() -> Self {
        Self {
            input: TextInput::with_text(""),
            input_revealed: false,
            stage: UnwrapStage::Typing,
            error: None,
        }
    }
}

/// `U`: the unwrap dialog.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.modal = Some(Modal::Unwrap(UnwrapDialog::default()));
    Vec::new()
}

fn dialog(app: &mut App) -> Option<&mut UnwrapDialog> {
    match &mut app.modal {
        Some(Modal::Unwrap(dialog)) => Some(dialog),
        _ => None,
    }
}

impl UnwrapDialog {
    fn token(&self) -> Token {
        Token::new(self.input.text.trim())
    }
}

/// What the lookup said: the question, or why the token cannot be unwrapped.
pub fn looked_up(
    app: &mut App,
    request: RequestId,
    result: Result<WrapLookup, VaultError>,
) -> Vec<Effect> {
    let keymap = app.keymap.clone();
    let Some(dialog) = dialog(app) else {
        return Vec::new();
    };
    // Only the answer to the lookup asked last (not one given up on with another token since).
    if dialog.stage != (UnwrapStage::LookingUp { request }) {
        return Vec::new();
    }
    match result {
        Ok(lookup) => {
            dialog.error = None;
            dialog.stage = UnwrapStage::Looked {
                lookup,
                question: Question::yes_no("unwrap it now (uses it up)", "not now"),
            };
        }
        Err(error) => {
            dialog.stage = UnwrapStage::Typing;
            dialog.error = Some(match error {
                VaultError::WrappingTokenInvalid => "The server does not know this wrapping \
                    token: it was already unwrapped, has expired, or was mistyped. Nobody can \
                    unwrap it now; if you did not unwrap it yourself, someone else may have."
                    .to_string(),
                other => format!(
                    "The wrapping token could not be looked up: {}",
                    super::errors::error_text(&keymap, &other)
                ),
            });
        }
    }
    Vec::new()
}

/// The data, or why the unwrap did not give it.
pub fn unwrapped(app: &mut App, result: Result<UnwrappedData, VaultError>) -> Vec<Effect> {
    let keymap = app.keymap.clone();
    let Some(dialog) = dialog(app) else {
        return Vec::new();
    };
    let UnwrapStage::Unwrapping { lookup } = &dialog.stage else {
        return Vec::new();
    };
    let creation_path = lookup.creation_path.clone();
    match result {
        Ok(data) => {
            // Used up: the token is of no use to anyone now, and is not kept.
            dialog.input.text.zeroize();
            dialog.input = TextInput::with_text("");
            dialog.error = None;
            dialog.stage = UnwrapStage::Done(UnwrappedView {
                entries: data.entries,
                cursor: 0,
                revealed: false,
                creation_path,
            });
        }
        Err(error) => {
            dialog.stage = UnwrapStage::Typing;
            dialog.error = Some(match error {
                VaultError::WrappingTokenInvalid => "The server refused the wrapping token it \
                    knew a moment ago: it was unwrapped since (by someone else, or in another \
                    session) or it expired meanwhile. Nobody can unwrap it again."
                    .to_string(),
                other => format!(
                    "Nothing was unwrapped: {}",
                    super::errors::error_text(&keymap, &other)
                ),
            });
        }
    }
    Vec::new()
}

impl Component for UnwrapDialog {
    fn scope(&self) -> Scope {
        match self.stage {
            UnwrapStage::Typing => Scope::UnwrapPrompt,
            UnwrapStage::Looked { .. } => Scope::Confirm,
            UnwrapStage::LookingUp { .. }
            | UnwrapStage::Unwrapping { .. }
            | UnwrapStage::Done(_) => Scope::Unwrapped,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match &mut self.stage {
            UnwrapStage::Typing => match command {
                Some(Command::Cancel) => return Outcome::close(),
                Some(Command::Reveal) => self.input_revealed = !self.input_revealed,
                Some(Command::Submit) => {
                    if self.input.text.trim().is_empty() {
                        self.error = Some("Paste the wrapping token first.".into());
                        return Outcome::stay();
                    }
                    self.error = None;
                    let request = app.next_request_id();
                    self.stage = UnwrapStage::LookingUp { request };
                    return Outcome::stay().with(vec![Effect::LookupWrappingToken {
                        request,
                        token: self.token(),
                    }]);
                }
                _ => {
                    if self.input.handle_key(key) {
                        self.error = None;
                    }
                }
            },
            // Closing gives up on the lookup (nothing is used).
            UnwrapStage::LookingUp { .. } => {
                if command == Some(Command::Close) {
                    return Outcome::close();
                }
            }
            UnwrapStage::Looked { lookup, question } => {
                match question.answer(key, command, &app.keymap) {
                    Answer::Undecided => {}
                    Answer::No => self.stage = UnwrapStage::Typing,
                    Answer::Yes => {
                        let lookup = lookup.clone();
                        self.stage = UnwrapStage::Unwrapping { lookup };
                        return Outcome::stay().with(vec![Effect::UnwrapToken {
                            token: self.token(),
                        }]);
                    }
                }
            }
            // The answer holds data shown only once: the dialog waits for it.
            UnwrapStage::Unwrapping { .. } => {}
            UnwrapStage::Done(view) => match command {
                Some(Command::Close) => return Outcome::close(),
                Some(
                    step @ (Command::Down
                    | Command::Up
                    | Command::PageDown
                    | Command::PageUp
                    | Command::Top
                    | Command::Bottom),
                ) => {
                    let last = view.entries.len().saturating_sub(1);
                    view.cursor = match step {
                        Command::Down => view.cursor + 1,
                        Command::Up => view.cursor.saturating_sub(1),
                        Command::PageDown => view.cursor + 10,
                        Command::PageUp => view.cursor.saturating_sub(10),
                        Command::Top => 0,
                        _ => last,
                    }
                    .min(last);
                }
                Some(Command::Reveal) => view.revealed = !view.revealed,
                Some(Command::Copy) => {
                    if let Some(entry) = view.entries.get(view.cursor) {
                        return Outcome::stay().with(vec![Effect::Copy {
                            text: entry.value.clone(),
                            description: format!("the unwrapped value of {:?}", entry.key),
                            sensitive: true,
                        }]);
                    }
                }
                Some(Command::SaveToPath) => {
                    if view.entries.is_empty() {
                        self.error = Some("The wrapping token held no data to save.".into());
                        return Outcome::stay();
                    }
                    let rows = view
                        .entries
                        .iter()
                        .map(|e| DraftRow::new(&e.key, e.value.expose(), e.json))
                        .collect();
                    let back = Modal::Unwrap(self.clone());
                    let prompt = super::write::save_prompt(app, "the unwrapped data", rows, back);
                    return Outcome::open(Modal::PathPrompt(prompt));
                }
                _ => {}
            },
        }
        Outcome::stay()
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.stage {
            UnwrapStage::Typing => {
                self.input.insert_str(text.trim());
                self.error = None;
            }
            UnwrapStage::Looked { question, .. } => question.paste(text),
            _ => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        match &self.stage {
            UnwrapStage::Typing => app.keymap.hints(
                Scope::UnwrapPrompt,
                &[Command::Submit, Command::Reveal, Command::Cancel],
            ),
            UnwrapStage::Looked { question, .. } => question.hints(&app.keymap),
            UnwrapStage::LookingUp { .. } => app.keymap.hints(Scope::Unwrapped, &[Command::Close]),
            UnwrapStage::Unwrapping { .. } => Vec::new(),
            UnwrapStage::Done(_) => app.keymap.hints(
                Scope::Unwrapped,
                &[
                    Command::Reveal,
                    Command::Copy,
                    Command::SaveToPath,
                    Command::Close,
                ],
            ),
        }
    }
}
