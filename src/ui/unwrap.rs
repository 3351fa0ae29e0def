//! The unwrap dialog (`U`): the wrapping token typed masked; what the lookup says of it (before it
//! is used) with the question; the data it held, masked unless revealed, with the selected key
//! marked.

use super::dialog::{fit_rows, frame_dialog, wrap_width};
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Scope};
use crate::app::unwrap::{UnwrapDialog, UnwrapStage};
use crate::vault::wrapping::WrapLookup;
use ratatui::Frame;
use ratatui::text::{Line, Span};

const WIDTH: u16 = 96;

fn lookup_lines(app: &App, lookup: &WrapLookup) -> Vec<Line<'static>> {
    let left = lookup
        .expires_unix
        .map(|end| (end - app.now_unix()).max(0) as u64);
    let ttl = match left {
        Some(0) => "expired".to_string(),
        Some(left) => format!(
            "{} left of {}",
            super::time::duration(left),
            super::time::duration(lookup.creation_ttl)
        ),
        None => format!(
            "{} from its creation",
            super::time::duration(lookup.creation_ttl)
        ),
    };
    vec![
        Line::from(vec![
            Span::styled("Creation path: ", theme::dim()),
            Span::raw(sanitize(&lookup.creation_path).into_owned()),
        ]),
        Line::from(vec![
            Span::styled("Created: ", theme::dim()),
            Span::raw(sanitize(&lookup.creation_time).into_owned()),
        ]),
        Line::from(vec![Span::styled("TTL: ", theme::dim()), Span::raw(ttl)]),
    ]
}

fn token_line(dialog: &UnwrapDialog, focused: bool) -> Line<'static> {
    let text = &dialog.input.text;
    let mut spans = vec![Span::styled("Wrapping token: ", theme::key())];
    if dialog.input_revealed {
        spans.extend(super::dialog::input_spans(&dialog.input, focused));
    } else {
        spans.push(Span::styled(
            "•".repeat(text.chars().count().min(40)),
            theme::masked(),
        ));
        if focused {
            spans.push(Span::styled("▏", theme::key()));
        }
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, app: &App, dialog: &UnwrapDialog) {
    let keymap = &app.keymap;
    let key = |scope, command| keymap.key(scope, command);
    let mut head = Vec::new();
    let mut rows = Vec::new();
    let mut focused = None;
    let mut tail = Vec::new();
    match &dialog.stage {
        UnwrapStage::Typing => {
            head.push(Line::styled(
                "Paste the wrapping token you were given. It is looked up first (that does not \
                 use it); it is used only when you say so.",
                theme::dim(),
            ));
            head.push(token_line(dialog, true));
            tail.push(Line::styled(
                format!(
                    "{} looks it up · {} shows the token · {} cancels",
                    key(Scope::UnwrapPrompt, Command::Submit),
                    key(Scope::UnwrapPrompt, Command::Reveal),
                    key(Scope::UnwrapPrompt, Command::Cancel)
                ),
                theme::dim(),
            ));
        }
        UnwrapStage::LookingUp { .. } => {
            head.push(token_line(dialog, false));
            head.push(Line::styled(
                format!(
                    "{} looking the wrapping token up (not using it)…",
                    spinner(app)
                ),
                theme::dim(),
            ));
        }
        UnwrapStage::Looked { lookup, question } => {
            head.push(token_line(dialog, false));
            head.push(Line::styled(
                "The server knows this wrapping token (it was not used by the lookup):",
                theme::ok(),
            ));
            head.extend(lookup_lines(app, lookup));
            tail.push(Line::styled(
                "Unwrapping uses it up: after that nobody (you included) can unwrap it again.",
                theme::warning(),
            ));
            tail.extend(super::confirm::question_lines(question, keymap));
        }
        UnwrapStage::Unwrapping { lookup } => {
            head.extend(lookup_lines(app, lookup));
            head.push(Line::styled(
                format!("{} unwrapping…", spinner(app)),
                theme::dim(),
            ));
        }
        UnwrapStage::Done(view) => {
            head.push(Line::styled(
                format!(
                    "Unwrapped (wrapped at {}): the token is used up, this data is shown only \
                     here.",
                    sanitize(&view.creation_path)
                ),
                theme::ok(),
            ));
            if view.entries.is_empty() {
                head.push(Line::styled("It held no data.", theme::dim()));
            }
            let key_width = view
                .entries
                .iter()
                .map(|e| super::text::width(&e.key))
                .max()
                .unwrap_or(0)
                .min(30);
            for (index, entry) in view.entries.iter().enumerate() {
                let name = super::text::first_line_fit(&sanitize(&entry.key), key_width);
                let value = if view.revealed {
                    Span::styled(
                        super::text::first_line_fit(
                            &sanitize(entry.value.expose()),
                            (WIDTH as usize).saturating_sub(key_width + 8),
                        ),
                        theme::revealed(),
                    )
                } else {
                    Span::styled("••••••••", theme::masked())
                };
                let marker = if index == view.cursor { "›" } else { " " };
                let mut line = Line::from(vec![
                    Span::raw(format!("{marker}{} ", super::text::pad(&name, key_width))),
                    value,
                ]);
                if index == view.cursor {
                    line = theme::select(line, true);
                    focused = Some(rows.len());
                }
                rows.push(line);
            }
            tail.push(Line::styled(
                format!(
                    "{} reveals · {} copies the selected value · {} saves it as a new secret · {} \
                     closes (not shown again)",
                    key(Scope::Unwrapped, Command::Reveal),
                    key(Scope::Unwrapped, Command::Copy),
                    key(Scope::Unwrapped, Command::SaveToPath),
                    key(Scope::Unwrapped, Command::Close)
                ),
                theme::dim(),
            ));
        }
    }
    if let Some(error) = &dialog.error {
        tail.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    let max_height = frame.area().height.saturating_sub(4) as usize;
    let lines = fit_rows(head, rows, focused, tail, wrap_width(WIDTH), max_height);
    frame_dialog(frame, "Unwrap", lines, WIDTH, false);
}
