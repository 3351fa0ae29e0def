//! The confirmation in front of a version operation: what it does, then the question's lines
//! (the typed word's field, why an answer was not taken, what to press). Irreversible operations
//! get a red border.

use super::confirm::question_lines;
use super::dialog::frame_dialog;
use super::text::sanitize;
use crate::app::history::VersionConfirm;
use crate::app::keymap::Keymap;
use ratatui::Frame;
use ratatui::text::Line;

pub fn draw(frame: &mut Frame, confirm: &VersionConfirm, keymap: &Keymap) {
    let mut lines: Vec<Line> = confirm
        .lines
        .iter()
        .map(|line| Line::raw(sanitize(line).into_owned()))
        .collect();
    lines.extend(question_lines(&confirm.question, keymap));
    frame_dialog(frame, &confirm.title, lines, 76, confirm.irreversible());
}
