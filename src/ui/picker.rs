//! The profile and namespace pickers: a short list, the current entry marked.

use super::dialog::{fit_rows, frame_dialog, wrap_width};
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Keymap, Scope};
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
            Span::styled("namespace: ", theme::key()),
            Span::raw(sanitize(input.before_cursor()).into_owned()),
            Span::styled("▏", theme::dim()),
            Span::raw(sanitize(input.after_cursor()).into_owned()),
        ]));
    }
    tail.push(Line::styled(keys_line(&app.keymap, picker), theme::dim()));
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

/// The closing line: what the keys do in the picker's current mode, named from the keymap.
fn keys_line(keymap: &Keymap, picker: &Picker) -> String {
    if picker.typed.is_some() {
        let key = |command| keymap.key(Scope::NamespaceName, command);
        return format!(
            "{} switches to it (empty: root) · {} back to the list",
            key(Command::Submit),
            key(Command::Cancel)
        );
    }
    let key = |command| keymap.key(Scope::Picker, command);
    let moves = keymap.pair(Scope::Picker, Command::Down, Command::Up);
    let type_name = match picker.kind {
        PickerKind::Namespace => format!(" · {} types a namespace", key(Command::TypeName)),
        PickerKind::Profile => String::new(),
    };
    format!(
        "{} switches · {moves} move{type_name} · {} closes",
        key(Command::Submit),
        key(Command::Close)
    )
}
