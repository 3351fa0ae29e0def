//! The writing dialogs, one file each: the key/value form, the save confirmation, the editor's
//! retry question, the conflict view, and the path prompt of `n` and `c`. Values are masked
//! unless revealed. Every key they name comes from the keymap.

mod confirm_write;
mod conflict;
mod editor_retry;
mod path_prompt;
mod secret_form;

pub use confirm_write::draw as draw_confirm_write;
pub use conflict::draw as draw_conflict;
pub use editor_retry::draw as draw_editor_retry;
pub use path_prompt::draw as draw_path_prompt;
pub use secret_form::draw as draw_secret_form;

/// Columns of the key column in the form and the conflict view.
const KEY_WIDTH: usize = 24;
