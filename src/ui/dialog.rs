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
                theme::selected(true)
            } else {
                theme::dim()
            },
        ),
        Span::styled("  Space toggles", theme::dim()),
    ]));
    if let Some(required) = form.metadata_cas_required {
        let focused = form.focus == Field::MetadataCasRequired;
        lines.push(Line::from(vec![
            label("metadata cas", Field::MetadataCasRequired),
            Span::styled(
                if required {
                    "[x] required"
                } else {
                    "[ ] required"
                },
                if focused {
                    theme::selected(true)
                } else {
                    theme::dim()
                },
            ),
            Span::styled(
                "  Space toggles · the mount may require it too",
                theme::dim(),
            ),
        ]));
    }
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
    let mut rows = Vec::with_capacity(form.rows.len());
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
        rows.push(Line::from(spans));
    }
    let mut tail = vec![Line::raw("")];
    if form.saving {
        tail.push(Line::styled("Saving…", theme::dim()));
    } else if let Some(error) = &form.error {
        tail.extend(
            super::text::sanitized_lines(error)
                .map(|line| Line::styled(line.into_owned(), theme::error())),
        );
    }
    tail.push(Line::styled(
        "Enter saves · Tab next field · Ctrl-n add row · Ctrl-d remove row · Esc cancels",
        theme::dim(),
    ));
    let focused_row = match form.focus {
        Field::Key(index) | Field::Value(index) => Some(index),
        _ => None,
    };
    let width = DIALOG_WIDTH.min(frame.area().width);
    let fitted = fit_rows(
        lines,
        rows,
        focused_row,
        tail,
        wrap_width(width),
        frame.area().height.saturating_sub(2) as usize,
    );
    frame_dialog(frame, "Edit metadata", fitted, DIALOG_WIDTH, false);
}

const DIALOG_WIDTH: u16 = 84;

/// The width `frame_dialog` wraps at, for a dialog `width` wide.
pub(super) fn wrap_width(width: u16) -> usize {
    width.saturating_sub(2).max(1).saturating_sub(1).max(1) as usize
}

/// A form taller than the screen: the head and the tail (where errors are) always show, and the
/// rows between them are cut to a window around the focused one, with a line saying how many are
/// above and below. Without a focused row the window starts at the first row.
pub(super) fn fit_rows(
    head: Vec<Line<'static>>,
    rows: Vec<Line<'static>>,
    focused: Option<usize>,
    tail: Vec<Line<'static>>,
    width: usize,
    max_height: usize,
) -> Vec<Line<'static>> {
    let height = |lines: &[Line]| lines.iter().map(|l| wrapped_rows(l, width)).sum::<usize>();
    let (head_height, tail_height) = (height(&head), height(&tail));
    if head_height + height(&rows) + tail_height <= max_height {
        return head.into_iter().chain(rows).chain(tail).collect();
    }
    // Two lines for "more above" / "more below"; at least the focused row itself.
    let mut budget = max_height
        .saturating_sub(head_height + tail_height + 2)
        .max(1);
    let focus = focused.unwrap_or(0).min(rows.len().saturating_sub(1));
    let (mut start, mut end) = (focus, focus);
    if let Some(row) = rows.get(focus) {
        budget = budget.saturating_sub(wrapped_rows(row, width));
        end = focus + 1;
    }
    // Grow the window both ways in turn, so the focused row sits near the middle.
    let mut grew = true;
    while grew {
        grew = false;
        if end < rows.len() {
            let needed = wrapped_rows(&rows[end], width);
            if needed <= budget {
                budget -= needed;
                end += 1;
                grew = true;
            }
        }
        if start > 0 {
            let needed = wrapped_rows(&rows[start - 1], width);
            if needed <= budget {
                budget -= needed;
                start -= 1;
                grew = true;
            }
        }
    }
    let total = rows.len();
    let mut fitted = head;
    // The "more above" line stays even at the top, so the rows do not jump by one when it comes.
    fitted.push(Line::styled(
        if start > 0 {
            format!(
                "  ↑ {} above",
                super::text::count(start, "more row", "more rows")
            )
        } else {
            String::new()
        },
        theme::dim(),
    ));
    fitted.extend(rows.into_iter().skip(start).take(end - start));
    if end < total {
        fitted.push(Line::styled(
            format!(
                "  ↓ {} below",
                super::text::count(total - end, "more row", "more rows")
            ),
            theme::dim(),
        ));
    }
    fitted.extend(tail);
    fitted
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
