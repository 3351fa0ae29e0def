//! The metadata form of a KV v2 secret: its settings, the custom metadata rows (a window around
//! the focused one when they do not fit), the server's error, and its keys from the keymap.

use super::dialog::{fit_rows, frame_dialog, input_spans, wrap_width};
use super::{text::sanitize, theme};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::metadata_form::{Field, MetadataForm};
use ratatui::Frame;
use ratatui::text::{Line, Span};

const DIALOG_WIDTH: u16 = 84;

pub fn draw(frame: &mut Frame, form: &MetadataForm, keymap: &Keymap) {
    let key = |command| keymap.key(Scope::MetadataForm, command);
    let toggle = key(Command::Toggle);
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
        Span::styled(format!("  {toggle} toggles"), theme::dim()),
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
                    theme::revealed()
                } else {
                    theme::dim()
                },
            ),
            Span::styled(
                format!("  {toggle} toggles · the mount may require it too"),
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
        lines.push(Line::styled(
            format!("  none · {} adds a row", key(Command::AddRow)),
            theme::dim(),
        ));
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
        format!(
            "{} saves · {} next field · {} add row · {} remove row · {} cancels",
            key(Command::Submit),
            key(Command::NextField),
            key(Command::AddRow),
            key(Command::DeleteRow),
            key(Command::Cancel)
        ),
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
