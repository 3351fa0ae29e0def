//! The editor's text refused a second time: why, and the question (back to the editor, or
//! discard).

use crate::app::keymap::Keymap;
use crate::app::write::EditorRetry;
use crate::ui::confirm::question_lines;
use crate::ui::dialog::frame_dialog;
use crate::ui::{text::sanitize, theme};
use ratatui::Frame;
use ratatui::text::Line;

pub fn draw(frame: &mut Frame, retry: &EditorRetry, keymap: &Keymap) {
    let mut lines = vec![
        Line::styled(
            format!(
                "The edited text is still refused: {}",
                sanitize(&retry.reason)
            ),
            theme::warning(),
        ),
        Line::styled(
            "Nothing was written. Your text is kept for the editor.",
            theme::dim(),
        ),
        Line::raw(""),
    ];
    lines.extend(question_lines(&retry.question, keymap));
    let title = format!("Edit {}", sanitize(&retry.draft.location.display()));
    frame_dialog(frame, &title, lines, 84, false);
}
