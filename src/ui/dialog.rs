//! Dialogs over the screen: the confirmation in front of a version operation, and the metadata form.

use super::help::centered;
use super::{text::sanitize, theme};
use crate::app::history::Confirm;
use crate::app::input::TextInput;
use crate::app::metadata_form::{Field, MetadataForm};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// A text field: the text with a cursor bar where the cursor is, when focused.
pub(super) fn input_spans(input: &TextInput, focused: bool) -> Vec<Span<'static>> {
    if !focused {
        return vec![Span::raw(sanitize(&input.text).into_owned())];
    }
    vec![
        Span::styled(
            sanitize(input.before_cursor()).into_owned(),
            theme::revealed(),
        ),
        Span::styled("▏", theme::key()),
        Span::styled(
            sanitize(input.after_cursor()).into_owned(),
            theme::revealed(),
        ),
    ]
}

pub(super) fn frame_dialog(
    frame: &mut Frame,
    title: &str,
    lines: Vec<Line<'static>>,
    width: u16,
    danger: bool,
) {
    // Height after wrapping, so a long error is not cut off.
    let inner_width = width.min(frame.area().width).saturating_sub(2).max(1) as usize;
    let height = lines
        .iter()
        .map(|line| wrapped_rows(line, inner_width.saturating_sub(1).max(1)))
        .sum::<usize>() as u16
        + 2;
    let area = centered(frame.area(), width, height);
    let area = Rect {
        y: area.y.min(4),
        ..area
    };
    let border = if danger {
        theme::error()
    } else {
        theme::border(true)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(format!(" {title} "), theme::title()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// Rows a line takes when word-wrapped at `width` (greedy, as the paragraph wraps; a word longer
/// than the width is broken).
fn wrapped_rows(line: &Line, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let len = super::text::width(word);
        let needed = if used == 0 { len } else { used + 1 + len };
        if needed <= width {
            used = needed;
        } else {
            rows += 1;
            used = len;
            while used > width {
                rows += 1;
                used -= width;
            }
        }
    }
    rows
}

pub fn draw_confirm(frame: &mut Frame, confirm: &Confirm) {
    let mut lines: Vec<Line> = confirm
        .lines
        .iter()
        .map(|line| Line::raw(sanitize(line).into_owned()))
        .collect();
    if let Some(input) = &confirm.typed {
        let mut spans = vec![Span::styled("> ", theme::key())];
        spans.extend(input_spans(input, true));
        lines.push(Line::from(spans));
        if confirm.typed_matches() {
            lines.push(Line::styled("Enter confirms", theme::warning()));
        }
    }
    if let Some(error) = &confirm.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    let danger = confirm.typed.is_some();
    frame_dialog(frame, &confirm.title, lines, 76, danger);
}

pub fn draw_metadata_form(frame: &mut Frame, form: &MetadataForm) {
    let label = |text: &str, field: Field| {
        let style = if form.focus == field {
            theme::key()
        } else {
            theme::dim()
        };
        Span::styled(format!("{text:<22}"), style)
    };
    let mut lines = vec![
        Line::styled(
            format!("Metadata of {}", sanitize(&form.location.display())),
            theme::title(),
        ),
        Line::raw(""),
    ];
    let row = |text: &str, field: Field, input: &TextInput, note: &str| {
        let mut spans = vec![label(text, field)];
        spans.extend(input_spans(input, form.focus == field));
        spans.push(Span::styled(format!("  {note}"), theme::dim()));
        Line::from(spans)
    };
    lines.push(row(
        "max versions",
        Field::MaxVersions,
        &form.max_versions,
        "0 = the mount's setting",
    ));
    lines.push(Line::from(vec![
        label("check-and-set", Field::CasRequired),
        Span::styled(
            if form.cas_required {
                "[x] required"
            } else {
                "[ ] required"
            },
            if form.focus == Field::CasRequired {
                theme::revealed()
            } else {
                theme::dim()
            },
        ),
        Span::styled("  Space toggles", theme::dim()),
    ]));
    lines.push(row(
        "delete versions after",
        Field::DeleteVersionAfter,
        &form.delete_version_after,
        "0s = never; e.g. 720h",
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Custom metadata (up to 64 keys; key ≤ 128 bytes, value ≤ 512 bytes)",
        theme::title(),
    ));
    if form.rows.is_empty() {
        lines.push(Line::styled("  none · Ctrl-n adds a row", theme::dim()));
    }
    for (index, custom) in form.rows.iter().enumerate() {
        let mut spans = vec![Span::styled("  ", theme::dim())];
        spans.extend(input_spans(&custom.key, form.focus == Field::Key(index)));
        if custom.key.text.is_empty() && form.focus != Field::Key(index) {
            spans.push(Span::styled("(key)", theme::dim()));
        }
        spans.push(Span::styled(" = ", theme::dim()));
        spans.extend(input_spans(
            &custom.value,
            form.focus == Field::Value(index),
        ));
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    if form.saving {
        lines.push(Line::styled("Saving…", theme::dim()));
    } else if let Some(error) = &form.error {
        lines.extend(
            super::text::sanitized_lines(error)
                .map(|line| Line::styled(line.into_owned(), theme::error())),
        );
    }
    lines.push(Line::styled(
        "Enter saves · Tab next field · Ctrl-n add row · Ctrl-d remove row · Esc cancels",
        theme::dim(),
    ));
    frame_dialog(frame, "Edit metadata", lines, 84, false);
}

/// The area of a full-screen panel (AppRole browser, Seal screen): over both panes, between the
/// header and the footer.
pub(super) fn panel_area(frame: &Frame) -> Rect {
    let outer = frame.area();
    Rect {
        x: outer.x,
        y: outer.y + 2.min(outer.height),
        width: outer.width,
        height: outer.height.saturating_sub(3),
    }
}

/// Rows `lines` take when wrapped at `width` (for sizing a panel's bottom part).
pub(super) fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|line| line.width().div_ceil(width).max(1))
        .sum::<usize>() as u16
}

/// A panel's hint line, shown when nothing else is at its bottom.
pub(super) fn hint_if_empty(lines: &mut Vec<Line<'static>>, hint: &'static str) {
    if lines.is_empty() {
        lines.push(Line::styled(hint, theme::dim()));
    }
}

/// A typed secret as dots (one per character, at most 40) and, when focused, the cursor.
pub(super) fn masked_spans(length: usize, focused: bool) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled("•".repeat(length.min(40)), theme::masked())];
    if focused {
        spans.push(Span::styled("▏", theme::key()));
    }
    spans
}
