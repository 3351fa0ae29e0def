//! The key/value form: a row per key, values masked as `•••••• (N chars)` unless revealed, the
//! focused row kept on screen, and the keys of the form (from the keymap) at the bottom.

use super::KEY_WIDTH;
use crate::app::edit::{DraftBase, DraftRow};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::write::SecretForm;
use crate::ui::dialog::{frame_dialog, input_spans};
use crate::ui::{text::sanitize, theme};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

/// Lines of a revealed value the form shows around the cursor, and columns of each line: drawing
/// the form costs what it shows, not the size of the value (all of it is a Ctrl-o away).
const VALUE_LINES: usize = 12;
const VALUE_COLUMNS: usize = 240;

/// A value field: masked as `•••••• (N chars)`, or its text line by line with the cursor shown
/// when focused. Returns one `Line` per text line (continuations are indented by the caller).
fn value_lines(input: &TextInput, focused: bool, revealed: bool) -> Vec<Vec<Span<'static>>> {
    if !revealed {
        let count = input.text.chars().count();
        let mut spans = vec![Span::styled(
            format!(
                "{} ({})",
                theme::MASK,
                crate::ui::text::count(count, "char", "chars")
            ),
            theme::masked(),
        )];
        if focused {
            spans.push(Span::styled("▏", theme::key()));
        }
        return vec![spans];
    }
    let text = input.text.as_str();
    let cursor = if focused {
        input.before_cursor().len()
    } else {
        0
    };
    // The cursor's line and up to half the window of lines above it, found from the cursor.
    let mut first = text[..cursor].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..VALUE_LINES / 2 {
        if first == 0 {
            break;
        }
        first = text[..first - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let mut lines = Vec::new();
    if first > 0 {
        lines.push(vec![Span::styled("⋯ more lines above", theme::dim())]);
    }
    let mut start = first;
    for shown in 1.. {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        if focused && (start..=end).contains(&cursor) {
            lines.push(cursor_line(line, cursor - start));
        } else {
            lines.push(vec![Span::styled(
                crate::ui::text::first_line_fit(line, VALUE_COLUMNS),
                theme::revealed(),
            )]);
        }
        if end == text.len() {
            break;
        }
        if shown == VALUE_LINES {
            lines.push(vec![Span::styled("⋯ more lines below", theme::dim())]);
            break;
        }
        start = end + 1;
    }
    lines
}

/// The line the cursor is on: the columns just before and after the cursor, `…` where cut.
fn cursor_line(line: &str, split: usize) -> Vec<Span<'static>> {
    let (before, after) = line.split_at(split);
    let mut from = before.len();
    let mut used = 0;
    for (index, grapheme) in before.grapheme_indices(true).rev() {
        used += crate::ui::text::grapheme_width(grapheme);
        if used > VALUE_COLUMNS / 2 {
            break;
        }
        from = index;
    }
    let mut shown_before = if from > 0 {
        "…".to_string()
    } else {
        String::new()
    };
    shown_before.push_str(&sanitize(&before[from..]));
    vec![
        Span::styled(shown_before, theme::revealed()),
        Span::styled("▏", theme::key()),
        Span::styled(
            crate::ui::text::first_line_fit(after, VALUE_COLUMNS / 2),
            theme::revealed(),
        ),
    ]
}

fn row_lines(form: &SecretForm, index: usize, row: &DraftRow) -> Vec<Line<'static>> {
    let focused_row = index == form.row;
    let cursor = if focused_row { "›" } else { " " };
    let mut key = vec![Span::styled(format!("{cursor} "), theme::key())];
    let key_focused = focused_row && !form.on_value;
    let mut key_spans = input_spans(&row.key, key_focused);
    if row.key.text.is_empty() && !key_focused {
        key_spans = vec![Span::styled("(key)", theme::dim())];
    }
    let key_len: usize = key_spans
        .iter()
        .map(|s| crate::ui::text::width(&s.content))
        .sum();
    key.extend(key_spans);
    key.push(Span::raw(" ".repeat(KEY_WIDTH.saturating_sub(key_len))));
    key.push(Span::styled(
        if row.json { " JSON = " } else { "      = " },
        theme::dim(),
    ));
    let values = value_lines(&row.value, focused_row && form.on_value, form.revealed);
    let mut lines = Vec::new();
    for (n, value) in values.into_iter().enumerate() {
        let mut spans = if n == 0 {
            key.clone()
        } else {
            vec![Span::raw(" ".repeat(KEY_WIDTH + 10))]
        };
        spans.extend(value);
        lines.push(Line::from(spans));
    }
    lines
}

pub fn draw(frame: &mut Frame, form: &SecretForm, keymap: &Keymap) {
    let draft = &form.draft;
    let path = sanitize(&draft.location.display()).into_owned();
    let (title, about) = match &draft.base {
        DraftBase::New => (format!("New secret {path}"), "a new secret".to_string()),
        DraftBase::Existing { version, .. } => (
            format!("Edit {path}"),
            match version {
                Some(v) => format!("from version {v}; saving checks nobody wrote since"),
                None => "no versions on this engine".to_string(),
            },
        ),
        DraftBase::Patch => (
            format!("Patch {path}"),
            "the keys you give are merged in; the others are kept (you cannot read them)"
                .to_string(),
        ),
        DraftBase::Overwrite => (
            format!("Overwrite {path}"),
            "replaces a secret you cannot read: only the keys you give will be there".to_string(),
        ),
    };
    let reveal = keymap.key(Scope::SecretForm, Command::Reveal);
    let mut head = vec![
        Line::styled(about, theme::dim()),
        Line::styled(
            if form.revealed {
                format!("values shown ({reveal} masks them)")
            } else {
                format!("values masked ({reveal} reveals them)")
            },
            theme::dim(),
        ),
        Line::styled(
            format!("  {:<KEY_WIDTH$}        VALUE", "KEY"),
            theme::dim(),
        ),
    ];
    // Rows, scrolled so the focused one is on screen.
    let mut body = Vec::new();
    let mut focused_at = 0;
    for (index, row) in draft.rows.iter().enumerate() {
        if index == form.row {
            focused_at = body.len();
        }
        body.extend(row_lines(form, index, row));
    }
    let mut tail = vec![Line::raw("")];
    if let Some(error) = &form.error {
        tail.extend(
            crate::ui::text::sanitized_lines(error)
                .map(|line| Line::styled(line.into_owned(), theme::error())),
        );
    }
    tail.push(Line::styled(keys_line(keymap), theme::dim()));
    let room = (frame.area().height as usize)
        .saturating_sub(head.len() + tail.len() + 6)
        .max(3);
    let first = focused_at.saturating_sub(room.saturating_sub(3));
    let shown: Vec<Line> = body.into_iter().skip(first).take(room).collect();
    head.extend(shown);
    head.extend(tail);
    frame_dialog(frame, &title, head, 96, false);
}

/// The form's keys, as its last line says them.
fn keys_line(keymap: &Keymap) -> String {
    [
        (Command::Submit, "saves"),
        (Command::NextField, "next field"),
        (Command::AddRow, "add"),
        (Command::DeleteRow, "remove"),
        (Command::Reveal, "reveal"),
        (Command::ToggleJson, "JSON"),
        (Command::Newline, "line break"),
        (Command::OpenEditor, "$EDITOR"),
        (Command::Cancel, "cancels"),
    ]
    .iter()
    .map(|(command, what)| format!("{} {what}", keymap.key(Scope::SecretForm, *command)))
    .collect::<Vec<_>>()
    .join(" · ")
}
