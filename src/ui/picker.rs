//! The profile and namespace pickers: a short list, the current entry marked.

use super::dialog::frame_dialog;
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::picker::{Picker, PickerKind};
use crate::app::state::Loadable;
use ratatui::Frame;
use ratatui::text::Line;

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
            for (index, item) in items.iter().enumerate() {
                let selected = index == picker.cursor;
                let marker = if selected { "›" } else { " " };
                let current = if item.current { "  (current)" } else { "" };
                let style = if selected {
                    theme::selected(true)
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::styled(
                    format!("{marker} {}{current}", sanitize(&item.label)),
                    style,
                ));
            }
        }
    }
    lines.push(Line::raw(""));
    if let Some(input) = &picker.typed {
        lines.push(Line::from(vec![
            ratatui::text::Span::styled("namespace: ", theme::key()),
            ratatui::text::Span::raw(sanitize(input.before_cursor()).into_owned()),
            ratatui::text::Span::styled("▏", theme::dim()),
            ratatui::text::Span::raw(sanitize(input.after_cursor()).into_owned()),
        ]));
        lines.push(Line::styled(
            "Enter switches to it (empty: root) · Esc back to the list",
            theme::dim(),
        ));
    } else if picker.kind == PickerKind::Namespace {
        lines.push(Line::styled(
            "Enter switches · j/k move · Tab types a namespace · Esc closes",
            theme::dim(),
        ));
    } else {
        lines.push(Line::styled(
            "Enter switches · j/k move · Esc closes",
            theme::dim(),
        ));
    }
    frame_dialog(frame, title, lines, 60, false);
}
