//! The Transit screen: the mount's keys on the left; the selected key's settings and its
//! operations on the right (what the token may not do struck through, with the capability and
//! path it lacks); the rotate question and errors at the bottom; the operation dialog on top.

use super::dialog::{
    frame_dialog_in, hint_if_empty, masked_spans, panel_area, wrapped_height, wrapped_rows,
};
use super::text::{pad, sanitize};
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::state::Loadable;
use crate::app::transit::{
    DialogField, INPUT_ROWS, OperationDialog, OutputRows, TransitScreen, dialog_columns,
    dialog_width, output_page,
};
use crate::vault::transit::{TransitKey, TransitOperation, TransitOutput};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const LABEL: usize = 14;

fn keys_lines(app: &App, screen: &TransitScreen, rows: usize) -> Vec<Line<'static>> {
    let keys = match &screen.keys {
        Loadable::Loading => {
            return vec![Line::styled(
                format!("{} loading keys…", spinner(app)),
                theme::dim(),
            )];
        }
        Loadable::Failed(reason) => {
            return vec![Line::styled(
                format!("keys: {}", sanitize(reason)),
                theme::error(),
            )];
        }
        Loadable::Ready(keys) => keys,
    };
    if keys.is_empty() {
        return vec![Line::styled("no keys on this mount", theme::dim())];
    }
    let start = if rows == 0 {
        0
    } else {
        screen.cursor.saturating_sub(rows - 1)
    };
    keys.iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(index, name)| {
            let selected = index == screen.cursor;
            let style = if selected {
                theme::selected(true)
            } else {
                ratatui::style::Style::new()
            };
            Line::styled(
                format!("{} {}", if selected { "›" } else { " " }, sanitize(name)),
                style,
            )
        })
        .collect()
}

fn setting(name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {}", pad(name, LABEL)), theme::dim()),
        Span::raw(value),
    ])
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

/// The versions the server keeps: all of them when few, else the range and the count.
fn versions_text(versions: &[u64]) -> String {
    match versions {
        [] => "none".into(),
        [one] => one.to_string(),
        many if many.len() <= 6 => many
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        [first, .., last] => format!("{first}–{last}"),
    }
}

fn key_lines(key: &TransitKey) -> Vec<Line<'static>> {
    let mut supports = Vec::new();
    if key.supports_encryption {
        supports.push("encryption");
    }
    if key.supports_decryption {
        supports.push("decryption");
    }
    if key.supports_signing {
        supports.push("signing");
    }
    let min_encryption = if key.min_encryption_version == 0 {
        "0 (latest)".to_string()
    } else {
        key.min_encryption_version.to_string()
    };
    // Two facts a line, so the operations below fit a 24-row terminal.
    vec![
        setting("type", sanitize(&key.kind).into_owned()),
        setting(
            "versions",
            format!(
                "latest {} · kept {}",
                key.latest_version,
                versions_text(&key.versions)
            ),
        ),
        setting(
            "min versions",
            format!(
                "decryption {} · encryption {min_encryption}",
                key.min_decryption_version
            ),
        ),
        setting(
            "exportable",
            format!(
                "{} · deletion allowed {}",
                yes_no(key.exportable),
                yes_no(key.deletion_allowed)
            ),
        ),
        setting(
            "supports",
            if supports.is_empty() {
                "nothing".into()
            } else {
                supports.join(", ")
            },
        ),
    ]
}

const OPERATIONS: [(Command, TransitOperation); 6] = [
    (Command::Encrypt, TransitOperation::Encrypt),
    (Command::Decrypt, TransitOperation::Decrypt),
    (Command::Rewrap, TransitOperation::Rewrap),
    (Command::Sign, TransitOperation::Sign),
    (Command::Verify, TransitOperation::Verify),
    (Command::Rotate, TransitOperation::Rotate),
];

/// One line per operation: its key and word, or struck through with why not (the capability
/// and path the token lacks, or the key type that does not do it).
fn operation_lines(screen: &TransitScreen, keymap: &Keymap) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("Operations", theme::title())];
    for (command, operation) in OPERATIONS {
        let key = keymap.key(Scope::Transit, command);
        let label = keymap.hint(Scope::Transit, command).unwrap_or_default();
        match screen.refusal(operation) {
            None => lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(key, theme::key()),
                Span::styled(format!(" {label}"), theme::dim()),
            ])),
            Some(refusal) => lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    format!("{key} {label}"),
                    theme::dim().add_modifier(Modifier::CROSSED_OUT),
                ),
                Span::styled(format!("  {}", refusal.short()), theme::dim()),
            ])),
        }
    }
    lines
}

fn detail_lines(app: &App, screen: &TransitScreen) -> Vec<Line<'static>> {
    let Some(detail) = &screen.detail else {
        return vec![Line::styled(
            match &screen.keys {
                Loadable::Ready(keys) if keys.is_empty() => format!(
                    "No keys yet: bao write -f {}keys/NAME creates one.",
                    sanitize(&screen.mount)
                ),
                _ => "Select a key.".to_string(),
            },
            theme::dim(),
        )];
    };
    let mut lines = vec![Line::styled(
        format!("Key {}", sanitize(&detail.name)),
        theme::title(),
    )];
    match &detail.key {
        Loadable::Loading => lines.push(Line::styled(
            format!("{} reading the key…", spinner(app)),
            theme::dim(),
        )),
        Loadable::Failed(reason) => lines.push(Line::styled(
            format!("  {}", sanitize(reason)),
            theme::error(),
        )),
        Loadable::Ready(key) => lines.extend(key_lines(key)),
    }
    lines.push(Line::raw(""));
    lines.extend(operation_lines(screen, &app.keymap));
    lines
}

fn bottom_lines(screen: &TransitScreen, keymap: &Keymap) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some((name, question)) = &screen.rotate {
        lines.push(Line::styled(
            format!(
                "Rotate {}? A new latest version encrypts from now on; older versions still \
                 decrypt down to the min decryption version.",
                sanitize(name)
            ),
            theme::warning(),
        ));
        lines.extend(super::confirm::question_lines(question, keymap));
    }
    if let Some((name, _)) = &screen.rotating {
        lines.push(Line::styled(
            format!("Rotating {}…", sanitize(name)),
            theme::dim(),
        ));
    }
    if let Some(error) = &screen.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    hint_if_empty(
        &mut lines,
        format!(
            "{}/{} select a key · {} closes",
            keymap.key(Scope::Transit, Command::Down),
            keymap.key(Scope::Transit, Command::Up),
            keymap.key(Scope::Transit, Command::Close)
        ),
    );
    lines
}

pub fn draw(frame: &mut Frame, app: &App, screen: &TransitScreen) {
    let area = panel_area(frame);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(screen.dialog.is_none()))
        .title(Span::styled(
            format!(" Transit · {} ", sanitize(&screen.mount)),
            theme::title(),
        ));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bottom = bottom_lines(screen, &app.keymap);
    let bottom_rows = wrapped_height(&bottom, inner.width);
    let [top, bottom_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(bottom_rows + 1)]).areas(inner);
    let list_width = (inner.width / 4).clamp(12, 30);
    let [keys_area, detail_area] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(10)]).areas(top);
    let keys_block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(theme::border(false));
    let rows = keys_block.inner(keys_area).height as usize;
    let count = match &screen.keys {
        Loadable::Ready(keys) => format!("Keys ({})", keys.len()),
        _ => "Keys".to_string(),
    };
    let mut keys = vec![Line::styled(count, theme::title())];
    keys.extend(keys_lines(app, screen, rows.saturating_sub(1)));
    frame.render_widget(Paragraph::new(keys).block(keys_block), keys_area);
    frame.render_widget(
        Paragraph::new(detail_lines(app, screen)).wrap(Wrap { trim: false }),
        detail_area.inner(Margin::new(1, 0)),
    );
    frame.render_widget(
        Paragraph::new(bottom)
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme::border(false)),
            )
            .wrap(Wrap { trim: false }),
        bottom_area,
    );
    if let Some(dialog) = &screen.dialog {
        draw_dialog(frame, dialog, &app.keymap);
    }
}

/// `text` in rows of at most `columns` display columns (broken between graphemes, as values are
/// shown), so wide characters (CJK, emoji) never spill over the dialog's border.
fn rows_of(text: &str, columns: usize, style: ratatui::style::Style) -> Vec<Line<'static>> {
    crate::app::width::wrap_rows(text, columns)
        .into_iter()
        .map(|range| {
            let row = &text[range];
            // The cursor bar keeps its own colour.
            match row.split_once('▏') {
                Some((before, after)) => Line::from(vec![
                    Span::styled(before.to_string(), style),
                    Span::styled("▏", theme::key()),
                    Span::styled(after.to_string(), style),
                ]),
                None => Line::styled(row.to_string(), style),
            }
        })
        .collect()
}

/// `n` with thousands grouped by commas: 228001 → "228,001".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn characters(n: usize) -> String {
    format!(
        "{} {}",
        grouped(n),
        if n == 1 { "character" } else { "characters" }
    )
}

/// The last `n` characters of `text` (all of it when shorter): what is read is what is shown.
fn last_chars(text: &str, n: usize) -> &str {
    match text.char_indices().rev().nth(n) {
        Some((at, c)) => &text[at + c.len_utf8()..],
        None => text,
    }
}

/// The first `n` characters of `text`.
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// A field in at most [`INPUT_ROWS`] rows: the rows around the cursor (after a paste, the
/// tail), with the size of the whole when it does not fit. Costs what it shows, not the input's
/// length (but for counting its characters).
fn field_line(
    label: &str,
    input: &crate::app::input::TextInput,
    masked: bool,
    focused: bool,
    columns: usize,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(label.to_string(), theme::dim())];
    let length = input.text.chars().count();
    // A non-breaking space: a long ciphertext wraps after the prompt, not onto its own line.
    let mut spans = vec![Span::styled(">\u{a0}", theme::key())];
    if masked {
        spans.extend(masked_spans(length, focused));
        if length > 40 {
            spans.push(Span::styled(
                format!(" {}", characters(length)),
                theme::dim(),
            ));
        }
        lines.push(Line::from(spans));
        return lines;
    }
    // Enough of either side of the cursor to fill the rows, whatever the characters' widths.
    let reach = INPUT_ROWS * columns;
    let before = last_chars(input.before_cursor(), reach);
    let after = first_chars(input.after_cursor(), reach);
    let cut_before = before.len() < input.before_cursor().len();
    let cut_after = after.len() < input.after_cursor().len();
    let start = if cut_before { "…" } else { ">\u{a0}" };
    let cursor = if focused { "▏" } else { "" };
    let text = format!(
        "{start}{}{cursor}{}{}",
        sanitize(before),
        sanitize(after),
        if cut_after { "…" } else { "" }
    );
    let cursor_at = start.len() + sanitize(before).len();
    let ranges = crate::app::width::wrap_rows(&text, columns);
    let cursor_row = ranges
        .iter()
        .rposition(|range| range.start <= cursor_at)
        .unwrap_or(0);
    let first = cursor_row.saturating_sub(INPUT_ROWS - 1);
    let shown = ranges.len().min(first + INPUT_ROWS) - first;
    let cut = cut_before || cut_after || first > 0 || first + shown < ranges.len();
    for range in ranges.into_iter().skip(first).take(shown) {
        lines.extend(rows_of(&text[range], columns, theme::revealed()));
    }
    if cut {
        // Rows were left out: say how much there is.
        lines.push(Line::styled(
            format!("  {} in all", characters(length)),
            theme::dim(),
        ));
    }
    lines
}

/// The result's rows from the dialog's scroll position, at most `rows` of them; when they do not
/// all fit, a line saying which are shown, how to page and how to copy all of it.
fn paged_rows(
    dialog: &OperationDialog,
    prepared: &OutputRows,
    keymap: &Keymap,
    columns: usize,
    rows: usize,
) -> Vec<Line<'static>> {
    let key = |command| keymap.key(Scope::TransitDialog, command);
    let Some(text) = &prepared.text else {
        return Vec::new();
    };
    let text = text.expose();
    let total = prepared.rows.len();
    let rows = rows.max(1);
    let first = dialog.output_scroll.min(total.saturating_sub(rows));
    // Only the rows on screen are made safe and drawn.
    let mut lines: Vec<Line<'static>> = prepared.rows[first..(first + rows).min(total)]
        .iter()
        .flat_map(|range| rows_of(&sanitize(&text[range.clone()]), columns, theme::revealed()))
        .collect();
    if total > rows {
        lines.push(Line::styled(
            format!(
                "{}{}–{} of {} rows · {}/{} · {} copies all {}",
                if first + rows < total { "… " } else { "" },
                grouped(first + 1),
                grouped(first + rows),
                grouped(total),
                key(Command::PageDown),
                key(Command::PageUp),
                key(Command::Copy),
                characters(prepared.characters)
            ),
            theme::dim(),
        ));
    }
    lines
}

/// The result: its heading and at most `rows` rows of it (paged when longer).
fn output_lines(
    dialog: &OperationDialog,
    keymap: &Keymap,
    width: u16,
    rows: usize,
) -> Vec<Line<'static>> {
    let key = |command| keymap.key(Scope::TransitDialog, command);
    let Some(output) = &dialog.output else {
        return Vec::new();
    };
    let columns = dialog_columns(width);
    let prepared = dialog.output_rows(width);
    let copy_hint = format!("{} copies", key(Command::Copy));
    match output {
        TransitOutput::Ciphertext(_) => {
            let mut lines = vec![Line::styled(
                match dialog.operation {
                    TransitOperation::Rewrap => format!("Rewrapped ciphertext ({copy_hint}):"),
                    _ => format!("Ciphertext ({copy_hint}):"),
                },
                theme::title(),
            )];
            lines.extend(paged_rows(dialog, &prepared, keymap, columns, rows));
            lines
        }
        TransitOutput::Signature(_) => {
            let mut lines = vec![Line::styled(
                format!("Signature ({copy_hint}):"),
                theme::title(),
            )];
            lines.extend(paged_rows(dialog, &prepared, keymap, columns, rows));
            lines
        }
        TransitOutput::Verified(true) => vec![Line::styled(
            "Valid: the signature matches the value and the key.",
            theme::ok(),
        )],
        TransitOutput::Verified(false) => vec![Line::styled(
            "Invalid: the signature does not match this value with this key.",
            theme::error(),
        )],
        TransitOutput::Plaintext(bytes) => {
            let (Some(_), utf8) = (&prepared.text, prepared.utf8) else {
                return Vec::new();
            };
            let mut lines = Vec::new();
            if !utf8 {
                lines.push(Line::styled(
                    format!(
                        "Not UTF-8 text ({}): shown and copied as base64.",
                        super::text::count(bytes.expose().len(), "byte", "bytes")
                    ),
                    theme::warning(),
                ));
            }
            let what = if utf8 {
                "Plaintext"
            } else {
                "Plaintext (base64)"
            };
            lines.push(Line::styled(
                format!(
                    "{what} ({} reveals, {copy_hint}; the clipboard is cleared after the timeout):",
                    key(Command::Reveal)
                ),
                theme::title(),
            ));
            if dialog.revealed {
                lines.extend(paged_rows(dialog, &prepared, keymap, columns, rows));
            } else {
                lines.push(Line::styled(
                    format!(
                        "•••••• ({})",
                        super::text::count(prepared.characters, "char", "chars")
                    ),
                    theme::masked(),
                ));
            }
            lines
        }
    }
}

fn draw_dialog(frame: &mut Frame, dialog: &OperationDialog, keymap: &Keymap) {
    let key = |command| keymap.key(Scope::TransitDialog, command);
    let verb = dialog.operation.verb();
    let mut head = Vec::new();
    let masked = dialog.input_is_plaintext() && !dialog.revealed;
    let input_label = match dialog.operation {
        TransitOperation::Decrypt | TransitOperation::Rewrap => {
            "Ciphertext (vault:vN:..., typed or pasted):".to_string()
        }
        _ => format!(
            "Plaintext (typed or pasted; {}; base64 is done for you):",
            if dialog.revealed { "shown" } else { "masked" }
        ),
    };
    let focused = !dialog.busy;
    let screen = frame.area();
    let width = dialog_width(screen.width);
    let columns = dialog_columns(screen.width);
    head.extend(field_line(
        &input_label,
        &dialog.input,
        masked,
        focused && dialog.field == DialogField::Input,
        columns,
    ));
    if dialog.operation == TransitOperation::Verify {
        head.extend(field_line(
            &format!(
                "Signature (vault:vN:...; {} switches fields):",
                key(Command::NextField)
            ),
            &dialog.signature,
            false,
            focused && dialog.field == DialogField::Signature,
            columns,
        ));
    }
    head.push(Line::raw(""));
    let mut tail = Vec::new();
    if dialog.busy {
        tail.push(Line::styled("Working…", theme::dim()));
    }
    if let Some(error) = &dialog.error {
        tail.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    let does = match dialog.operation {
        TransitOperation::Verify => "verifies".to_string(),
        other => format!("{}s", other.verb()),
    };
    let mut hints = vec![format!("{} {does}", key(Command::Submit))];
    if dialog.input_is_plaintext() || matches!(dialog.output, Some(TransitOutput::Plaintext(_))) {
        hints.push(format!(
            "{} {}",
            key(Command::Reveal),
            if dialog.revealed { "masks" } else { "reveals" }
        ));
    }
    if dialog
        .output
        .as_ref()
        .is_some_and(|o| !matches!(o, TransitOutput::Verified(_)))
    {
        hints.push(format!("{} copies", key(Command::Copy)));
    }
    hints.push(format!("{} closes (nothing is kept)", key(Command::Cancel)));
    tail.push(Line::styled(hints.join(" · "), theme::dim()));
    // The result gets what the screen has left (between header and footer, inside the border),
    // at most a page: the hints below it always show.
    let bounds = panel_area(frame);
    let height = |lines: &[Line]| {
        lines
            .iter()
            .map(|line| wrapped_rows(line, columns))
            .sum::<usize>()
    };
    // The result's heading (up to two rows) and its position line.
    let room = usize::from(bounds.height.saturating_sub(2))
        .saturating_sub(height(&head) + height(&tail) + 4);
    let rows = output_page(screen.height).min(room).max(1);
    let mut lines = head;
    lines.extend(output_lines(dialog, keymap, screen.width, rows));
    lines.extend(tail);
    let title = format!(
        "{} with {}",
        {
            let mut chars = verb.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        },
        sanitize(&dialog.key)
    );
    frame_dialog_in(frame, bounds, &title, lines, width, false);
}
