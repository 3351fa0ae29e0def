//! The lines every confirmation ends with: the typed word's field (when one is asked for), why
//! the last answer was not taken, and what to press, from the keymap.

use super::dialog::input_spans;
use super::{text::sanitize, theme};
use crate::app::confirm::Question;
use crate::app::keymap::Keymap;
use ratatui::text::{Line, Span};

pub fn question_lines(question: &Question, keymap: &Keymap) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(typed) = &question.typed {
        let mut spans = vec![Span::styled("> ", theme::key())];
        spans.extend(input_spans(&typed.input, !question.busy));
        lines.push(Line::from(spans));
    }
    if let Some(error) = &question.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    if let Some(hint) = question.hint_line(keymap) {
        let style = if question.typed.is_some() && question.typed_matches() {
            theme::warning()
        } else {
            theme::dim()
        };
        lines.push(Line::styled(hint, style));
    }
    lines
}
