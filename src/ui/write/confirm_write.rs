//! The save confirmation: what the write does, the keys it changes, and the question's lines
//! (the typed path for an overwrite of what the token may not read).

use crate::app::keymap::Keymap;
use crate::app::write::ConfirmWrite;
use crate::ui::confirm::question_lines;
use crate::ui::dialog::frame_dialog;
use crate::ui::{text::sanitize, theme};
use ratatui::Frame;
use ratatui::text::Line;

pub fn draw(frame: &mut Frame, confirm: &ConfirmWrite, keymap: &Keymap) {
    let mut lines: Vec<Line> = confirm
        .lines()
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let style = match line.chars().next() {
                _ if index == 0 => theme::title(),
                Some('+') => theme::ok(),
                Some('-') => theme::error(),
                Some('~') => theme::warning(),
                _ => theme::dim(),
            };
            Line::styled(sanitize(&line).into_owned(), style)
        })
        .collect();
    lines.push(Line::raw(""));
    lines.extend(question_lines(&confirm.question, keymap));
    if confirm.saving() {
        lines.push(Line::styled("Saving…", theme::dim()));
    }
    let title = format!("Save {}", sanitize(&confirm.draft.location.display()));
    let typed = confirm.question.typed.is_some();
    frame_dialog(frame, &title, lines, 84, typed);
}
