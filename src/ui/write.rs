//! The writing dialogs: the key/value form, the confirmation with the change summary, the conflict
//! view, and the path prompt of `n` and `c`. Values are masked unless the form is revealed.

use super::dialog::{frame_dialog, input_spans};
use super::{text::sanitize, theme};
use crate::app::diff::{Change, diff_entries};
use crate::app::edit::{DraftBase, DraftRow};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::secret_pane::SecretContent;
use crate::app::write_flow::{
    ConfirmWrite, Conflict, ConflictKind, EditorRetry, PathPrompt, PromptPurpose, SecretForm,
};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

const KEY_WIDTH: usize = 24;
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
                super::text::count(count, "char", "chars")
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
                super::text::first_line_fit(line, VALUE_COLUMNS),
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
        used += super::text::grapheme_width(grapheme);
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
            super::text::first_line_fit(after, VALUE_COLUMNS / 2),
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
        .map(|s| super::text::width(&s.content))
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

pub fn draw_secret_form(frame: &mut Frame, form: &SecretForm) {
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
    let mut head = vec![
        Line::styled(about, theme::dim()),
        Line::styled(
            if form.revealed {
                "values shown (Ctrl-r masks them)"
            } else {
                "values masked (Ctrl-r reveals them)"
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
            super::text::sanitized_lines(error)
                .map(|line| Line::styled(line.into_owned(), theme::error())),
        );
    }
    tail.push(Line::styled(
        "Enter saves · Tab next field · Ctrl-n add · Ctrl-d remove · Ctrl-r reveal · Ctrl-t JSON \
         · Ctrl-j line break · Ctrl-o $EDITOR · Esc cancels",
        theme::dim(),
    ));
    let room = (frame.area().height as usize)
        .saturating_sub(head.len() + tail.len() + 6)
        .max(3);
    let first = focused_at.saturating_sub(room.saturating_sub(3));
    let shown: Vec<Line> = body.into_iter().skip(first).take(room).collect();
    head.extend(shown);
    head.extend(tail);
    frame_dialog(frame, &title, head, 96, false);
}

pub fn draw_confirm_write(frame: &mut Frame, confirm: &ConfirmWrite) {
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
    if let Some(input) = &confirm.typed {
        let path = sanitize(&confirm.draft.location.display()).into_owned();
        lines.push(Line::styled(
            format!("Type {path}, then Enter. Esc goes back to editing."),
            theme::warning(),
        ));
        let mut spans = vec![Span::styled("> ", theme::key())];
        spans.extend(input_spans(input, !confirm.saving));
        lines.push(Line::from(spans));
        if let Some(error) = &confirm.error {
            lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
        }
    }
    let hint = if confirm.saving {
        Some("Saving…")
    } else if confirm.typed.is_none() {
        Some("y saves · n or Esc goes back to editing")
    } else if confirm.typed_matches() {
        Some("Enter overwrites · Esc goes back to editing")
    } else {
        None // the line above the input says what to type
    };
    if let Some(hint) = hint {
        lines.push(Line::styled(hint, theme::dim()));
    }
    let title = format!("Save {}", sanitize(&confirm.draft.location.display()));
    frame_dialog(frame, &title, lines, 84, confirm.typed.is_some());
}

pub fn draw_editor_retry(frame: &mut Frame, retry: &EditorRetry) {
    let lines = vec![
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
        Line::styled(
            "y or Enter goes back to the editor · n or Esc discards the edit",
            theme::dim(),
        ),
    ];
    let title = format!("Edit {}", sanitize(&retry.draft.location.display()));
    frame_dialog(frame, &title, lines, 84, false);
}

/// Their change (against the version the edit started from) and mine, key by key.
pub fn draw_conflict(frame: &mut Frame, conflict: &Conflict, revealed: bool, keymap: &Keymap) {
    let path = sanitize(&conflict.draft.location.display()).into_owned();
    let headline = match (conflict.kind, conflict.theirs_denied) {
        (ConflictKind::Changed, _) => {
            format!("Someone wrote {path} after you opened it. Nothing was overwritten.")
        }
        (ConflictKind::Exists, true) => format!(
            "A secret already exists at {path}, and this token may not read it. Nothing was \
             written."
        ),
        (ConflictKind::Exists, false) => {
            format!("A secret already exists at {path}. Nothing was written.")
        }
        (ConflictKind::MayExist, _) => format!(
            "tresor cannot check whether a secret exists at {path}: this token may not read it, \
             and this engine has no check-and-set. Nothing was written."
        ),
    };
    let mut lines = vec![Line::styled(headline, theme::warning())];
    let base: Vec<crate::vault::SecretEntry> = match &conflict.draft.base {
        DraftBase::Existing { entries, .. } => entries.clone(),
        _ => Vec::new(),
    };
    let mine = conflict.draft.entries();
    match &conflict.theirs {
        SecretContent::Loaded(theirs) => {
            let version = theirs.version.map_or("?".into(), |v| v.to_string());
            lines.push(Line::styled(
                if conflict.kind == ConflictKind::Changed {
                    format!("Their version {version} against the one you started from, and yours:")
                } else if let Some(version) = theirs.version {
                    format!("The secret there (version {version}) and yours:")
                } else {
                    "The secret there and yours:".to_string()
                },
                theme::dim(),
            ));
            lines.push(Line::styled(
                format!("  {:<KEY_WIDTH$}  {:<14}  {:<14}", "KEY", "THEIRS", "YOURS"),
                theme::dim(),
            ));
            let theirs_rows = diff_entries(&base, &theirs.entries);
            let mine_rows = diff_entries(&base, &mine);
            let mut keys: Vec<&str> = theirs_rows
                .iter()
                .chain(mine_rows.iter())
                .map(|r| r.key)
                .collect();
            keys.sort_unstable();
            keys.dedup();
            let word = |change: Option<Change>| match change {
                Some(Change::Added) => ("+ added", theme::ok()),
                Some(Change::Removed) => ("- removed", theme::error()),
                Some(Change::Changed) => ("~ changed", theme::warning()),
                _ => ("  same", theme::dim()),
            };
            for key in keys {
                let theirs_change = theirs_rows.iter().find(|r| r.key == key).map(|r| r.change);
                let mine_change = mine_rows.iter().find(|r| r.key == key).map(|r| r.change);
                if theirs_change == Some(Change::Same) && mine_change == Some(Change::Same) {
                    continue;
                }
                let (t, t_style) = word(theirs_change);
                let (m, m_style) = word(mine_change);
                let both = theirs_change.is_some_and(|c| c != Change::Same)
                    && mine_change.is_some_and(|c| c != Change::Same);
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {}  ", super::text::pad(key, KEY_WIDTH)),
                        if both { theme::warning() } else { theme::key() },
                    ),
                    Span::styled(format!("{t:<14}  "), t_style),
                    Span::styled(format!("{m:<14}"), m_style),
                ]));
                if both {
                    // On a line of its own: the dialog wraps it rather than cutting it.
                    lines.push(Line::styled(
                        "      changed on both sides: if you re-apply, yours wins for this key",
                        theme::warning(),
                    ));
                }
                if revealed {
                    let value = |entries: &[crate::vault::SecretEntry]| {
                        entries
                            .iter()
                            .find(|e| e.key == key)
                            .map(|e| super::text::first_line_fit(e.value.expose(), 36))
                            .unwrap_or_default()
                    };
                    lines.push(Line::styled(
                        format!(
                            "      theirs: {}   yours: {}",
                            value(&theirs.entries),
                            value(&mine)
                        ),
                        theme::revealed(),
                    ));
                }
            }
        }
        SecretContent::Failed(_) if conflict.theirs_denied => {}
        SecretContent::Failed(reason) => {
            lines.push(Line::styled(
                format!("Cannot read their version: {}", sanitize(reason)),
                theme::error(),
            ));
        }
        SecretContent::Empty => {}
        SecretContent::Loading => lines.push(Line::styled("Reading their version…", theme::dim())),
    }
    lines.push(Line::raw(""));
    let key = |command| keymap.key(Scope::Conflict, command);
    let (copy, discard) = (key(Command::CopyDraft), key(Command::Discard));
    let edit = key(Command::Cancel);
    lines.push(Line::styled(
        if conflict.unreadable() {
            format!(
                "{} overwrites it with yours without reading it (asks you to type the path) · \
                 {copy} copies yours · {discard} discards yours · {edit} edits",
                key(Command::Overwrite)
            )
        } else {
            format!(
                "{} re-applies yours on theirs (asks again) · {copy} copies yours · {discard} \
                 discards yours · {edit} edits",
                key(Command::Reapply)
            )
        },
        theme::dim(),
    ));
    let title = match conflict.kind {
        ConflictKind::Changed => "Conflict",
        ConflictKind::Exists => "Already exists",
        ConflictKind::MayExist => "Cannot check",
    };
    frame_dialog(frame, title, lines, 96, true);
}

pub fn draw_path_prompt(frame: &mut Frame, prompt: &PathPrompt) {
    let (title, what) = match &prompt.purpose {
        PromptPurpose::New => ("New secret", "Path of the new secret (mount/folder/name):"),
        PromptPurpose::Copy { .. } => ("Copy secret", "Copy to (mount/folder/name):"),
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
                "[{}] also copy the custom metadata ({}; KV v2 to KV v2) · Tab, then Space",
                if prompt.with_metadata { "x" } else { " " },
                super::text::count(custom_metadata.len(), "key", "keys")
            ),
            style,
        ));
    }
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    lines.push(Line::styled(
        "Enter goes on · Esc cancels · a name ending in / is a folder, not a secret",
        theme::dim(),
    ));
    frame_dialog(frame, title, lines, 84, false);
}
