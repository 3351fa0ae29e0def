//! The profile and namespace pickers: a short list, the current entry marked.

use super::dialog::{fit_rows, frame_dialog, wrap_width};
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::picker::{Picker, PickerKind};
use crate::app::state::Loadable;
use ratatui::Frame;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, app: &App, picker: &Picker) {
    let title = match picker.kind {
        PickerKind::Profile => "Profile",
        PickerKind::Namespace => "Namespace",
    };
    let mut lines = Vec::new();
    match &picker.items {
        Loadable::Loading => lines.push(Line::styled(
            format!("{} listing namespaces…", spinner(app)),
            theme::dim(),
        )),
        Loadable::Failed(reason) => {
            lines.push(Line::styled(sanitize(reason).into_owned(), theme::error()));
        }
        Loadable::Ready(items) => {
            // Names in a column, so the addresses beside them line up.
            let name_width = items
                .iter()
                .map(|item| super::text::width(&sanitize(&item.label)))
                .max()
                .unwrap_or(0);
            for (index, item) in items.iter().enumerate() {
                let selected = index == picker.cursor;
                let marker = if selected { "›" } else { " " };
                let current = if item.current { "  (current)" } else { "" };
                let style = if selected {
                    theme::selected(true)
                } else {
                    ratatui::style::Style::new()
                };
                let label = sanitize(&item.label);
                let mut spans = vec![Span::styled(format!("{marker} {label}"), style)];
                if let Some(detail) = &item.detail {
                    let pad = name_width.saturating_sub(super::text::width(&label));
                    spans.push(Span::raw(" ".repeat(pad)));
                    spans.push(Span::styled(
                        format!("  {}", sanitize(detail)),
                        theme::dim(),
                    ));
                }
                spans.push(Span::styled(current, style));
                lines.push(Line::from(spans));
            }
        }
    }
    let mut tail = vec![Line::raw("")];
    if let Some(input) = &picker.typed {
        tail.push(Line::from(vec![
            ratatui::text::Span::styled("namespace: ", theme::key()),
            ratatui::text::Span::raw(sanitize(input.before_cursor()).into_owned()),
            ratatui::text::Span::styled("▏", theme::dim()),
            ratatui::text::Span::raw(sanitize(input.after_cursor()).into_owned()),
        ]));
        tail.push(Line::styled(
            "Enter switches to it (empty: root) · Esc back to the list",
            theme::dim(),
        ));
    } else if picker.kind == PickerKind::Namespace {
        tail.push(Line::styled(
            "Enter switches · j/k move · Tab types a namespace · Esc closes",
            theme::dim(),
        ));
    } else {
        tail.push(Line::styled(
            "Enter switches · j/k move · Esc closes",
            theme::dim(),
        ));
    }
    // Profiles carry their addresses beside their names.
    let width = match picker.kind {
        PickerKind::Profile => 90,
        PickerKind::Namespace => 60,
    };
    // A long list is cut to a window around the cursor.
    let lines = fit_rows(
        Vec::new(),
        lines,
        Some(picker.cursor),
        tail,
        wrap_width(width.min(frame.area().width)),
        frame.area().height.saturating_sub(2) as usize,
    );
    frame_dialog(frame, title, lines, width, false);
}
