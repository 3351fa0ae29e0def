//! The `:` prompt: type a path, Tab completes from what is loaded.

use super::{text::sanitize, theme};
use crate::app::jump::JumpPrompt;
use ratatui::Frame;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, prompt: &JumpPrompt) {
    let JumpPrompt {
        input,
        completions,
        error,
        prefilled,
    } = prompt;
    let (prefilled, error) = (*prefilled, error.as_deref());
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", theme::key()),
        if prefilled {
            Span::styled(
                sanitize(input.before_cursor()).into_owned(),
                theme::selected(true),
            )
        } else {
            Span::raw(sanitize(input.before_cursor()).into_owned())
        },
        Span::styled("▏", theme::dim()),
        Span::raw(sanitize(input.after_cursor()).into_owned()),
    ])];
    if prefilled {
        lines.push(Line::styled(
            "  the selected folder: type a path to replace it, → to add to it",
            theme::dim(),
        ));
    }
    if let Some(error) = error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    for completion in completions {
        lines.push(Line::styled(
            format!("  {}", sanitize(completion)),
            theme::dim(),
        ));
    }
    if completions.is_empty() && error.is_none() {
        lines.push(Line::styled(
            "  a folder ends with /, anything else opens as a secret",
            theme::dim(),
        ));
    }
    super::dialog::frame_dialog(frame, "Jump to path", lines, 72, false);
}
