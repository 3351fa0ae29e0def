//! What every dialog over the screen is drawn with: the frame, text fields, fitting rows to the
//! screen; and the full-screen panels' area. Each dialog has its own file.

use super::help::centered;
use super::{text::sanitize, theme};
use crate::app::input::TextInput;
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
    let area = frame.area();
    frame_dialog_in(frame, area, title, lines, width, danger);
}

/// A dialog within `bounds` (no taller than them; its top no lower than row 4 when they allow): a dialog
/// that must leave the header and footer alone is given the area between them.
pub(super) fn frame_dialog_in(
    frame: &mut Frame,
    bounds: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    width: u16,
    danger: bool,
) {
    // Height after wrapping, so a long error is not cut off.
    let inner_width = width.min(bounds.width).saturating_sub(2).max(1) as usize;
    let height = lines
        .iter()
        .map(|line| wrapped_rows(line, inner_width.saturating_sub(1).max(1)))
        .sum::<usize>() as u16
        + 2;
    let area = centered(bounds, width, height);
    let area = Rect {
        y: area.y.min(bounds.y.max(4)),
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
pub(super) fn wrapped_rows(line: &Line, width: usize) -> usize {
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
pub(super) fn hint_if_empty(lines: &mut Vec<Line<'static>>, hint: String) {
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
