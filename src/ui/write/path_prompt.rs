//! The path prompt of `n` (new secret) and `c` (copy, with the custom-metadata checkbox).

use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::write::{PathPrompt, PromptPurpose};
use crate::ui::dialog::{frame_dialog, input_spans};
use crate::ui::{text::sanitize, theme};
use ratatui::Frame;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, prompt: &PathPrompt, keymap: &Keymap) {
    let key = |command| keymap.key(Scope::PathPrompt, command);
    let (title, what) = match &prompt.purpose {
        PromptPurpose::New => (
            "New secret".to_string(),
            "Path of the new secret (mount/folder/name):",
        ),
        // The open secret is copied, which may not be the one under the tree's cursor: named.
        PromptPurpose::Copy { source, .. } => (
            format!("Copy secret {}", sanitize(source)),
            "Copy to (mount/folder/name):",
        ),
        PromptPurpose::Save { what, .. } => (
            format!("Save {}", sanitize(what)),
            "Save as a new secret at (mount/folder/name; never replaces one):",
        ),
    };
    let mut spans = vec![Span::styled("> ", theme::key())];
    spans.extend(input_spans(&prompt.input, !prompt.on_checkbox));
    let mut lines = vec![Line::styled(what, theme::dim()), Line::from(spans)];
    if let PromptPurpose::Copy {
        custom_metadata, ..
    } = &prompt.purpose
    {
        let style = if prompt.on_checkbox {
            theme::selected(true)
        } else {
            theme::dim()
        };
        lines.push(Line::styled(
            format!(
                "[{}] also copy the custom metadata ({}; KV v2 to KV v2) · {}, then {}",
                if prompt.with_metadata { "x" } else { " " },
                crate::ui::text::count(custom_metadata.len(), "key", "keys"),
                key(Command::NextField),
                key(Command::Toggle)
            ),
            style,
        ));
    }
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    // A save's cancel gives the data's screen back: said so, not "cancels" (nothing is lost).
    let cancel = match &prompt.purpose {
        PromptPurpose::Save { .. } => "goes back to the data",
        _ => "cancels",
    };
    lines.push(Line::styled(
        format!(
            "{} goes on · {} {cancel} · a name ending in / is a folder, not a secret",
            key(Command::Submit),
            key(Command::Cancel)
        ),
        theme::dim(),
    ));
    frame_dialog(frame, &title, lines, 84, false);
}
