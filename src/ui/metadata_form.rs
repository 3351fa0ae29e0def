//! The metadata form of a KV v2 secret: its settings, the custom metadata rows (a window around
//! the focused one when they do not fit), the server's error, and its keys from the keymap.

use super::dialog::{fit_rows, frame_dialog, input_spans, wrap_width};
use super::{text::sanitize, theme};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::metadata_form::{Field, MetadataForm};
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

const DIALOG_WIDTH: u16 = 84;

pub fn draw(frame: &mut Frame, form: &MetadataForm, keymap: &Keymap) {
    let key = |command| keymap.key(Scope::MetadataForm, command);
    let focused_row = match form.focus {
        Field::Key(index) | Field::Value(index) => Some(index),
        _ => None,
    };
    let width = DIALOG_WIDTH.min(frame.area().width);
    let fitted = fit_rows(
        settings(form, &key),
        custom_rows(form),
        focused_row,
        tail(form, &key),
        wrap_width(width),
        frame.area().height.saturating_sub(2) as usize,
    );
    frame_dialog(frame, "Edit metadata", fitted, DIALOG_WIDTH, false);
}

/// A field's label, highlighted while focused.
fn label(form: &MetadataForm, text: &str, field: Field) -> Span<'static> {
    let style = if form.focus == field {
        theme::key()
    } else {
        theme::dim()
    };
    Span::styled(format!("{text:<22}"), style)
}

/// A text field with its note.
fn text_row(
    form: &MetadataForm,
    text: &str,
    field: Field,
    input: &TextInput,
    note: &str,
) -> Line<'static> {
    let mut spans = vec![label(form, text, field)];
    spans.extend(input_spans(input, form.focus == field));
    spans.push(Span::styled(format!("  {note}"), theme::dim()));
    Line::from(spans)
}

/// A yes/no field with its note.
fn check_row(
    form: &MetadataForm,
    text: &str,
    field: Field,
    on: bool,
    note: String,
) -> Line<'static> {
    let style: Style = if form.focus == field {
        theme::selected(true)
    } else {
        theme::dim()
    };
    Line::from(vec![
        label(form, text, field),
        Span::styled(if on { "[x] required" } else { "[ ] required" }, style),
        Span::styled(note, theme::dim()),
    ])
}

/// Everything above the custom rows: the title, the settings and the table's heading.
fn settings(form: &MetadataForm, key: &dyn Fn(Command) -> String) -> Vec<Line<'static>> {
    let toggle = key(Command::Toggle);
    let mut lines = vec![
        Line::styled(
            format!("Metadata of {}", sanitize(&form.location.display())),
            theme::title(),
        ),
        Line::raw(""),
        text_row(
            form,
            "max versions",
            Field::MaxVersions,
            &form.max_versions,
            "0 = the mount's setting",
        ),
        check_row(
            form,
            "check-and-set",
            Field::CasRequired,
            form.cas_required,
            format!("  {toggle} toggles"),
        ),
    ];
    if let Some(required) = form.metadata_cas_required {
        lines.push(check_row(
            form,
            "metadata cas",
            Field::MetadataCasRequired,
            required,
            format!("  {toggle} toggles · the mount may require it too"),
        ));
    }
    lines.push(text_row(
        form,
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
    lines
}

/// One line per custom metadata row: `key = value`.
fn custom_rows(form: &MetadataForm) -> Vec<Line<'static>> {
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
    rows
}

/// Below the rows: saving, or the error, then the keys.
fn tail(form: &MetadataForm, key: &dyn Fn(Command) -> String) -> Vec<Line<'static>> {
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
    tail
}
