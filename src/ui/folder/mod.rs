//! The folder screens: the prompt, the work going on, the plan, the progress of a run, the
//! report, a comparison of two trees and a value search. Lists draw only the rows on screen.

mod compare;
mod plan;
mod run;

use compare::{draw_diff, draw_search};
use plan::{draw_plan, left_out_label};
use run::{draw_report, draw_running};

use super::confirm::question_lines;
use super::dialog::{input_spans, panel_area};
use super::text::{count, first_line_fit, pad, sanitize};
use super::{spinner, theme};
use crate::app::App;
use crate::app::folder::{
    DiffRow, DiffView, FolderOp, FolderScreen, PlanView, Prompt, PromptField, ReportView, Running,
    SearchState, SearchView, Stage, Working,
};
use crate::app::keymap::{Command, Scope};
use crate::vault::folder::{ItemOutcome, PlanKind, SkipReason, TargetState, VersionStep};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use std::time::Duration;
const MASK: &str = "••••••••";

pub fn draw(frame: &mut Frame, app: &App, screen: &FolderScreen) {
    let area = panel_area(frame);
    let title = match &screen.other {
        Some(other) if !matches!(screen.stage, Stage::Prompt(_)) => {
            let arrow = if screen.op == FolderOp::Diff {
                "↔"
            } else {
                "→"
            };
            format!(
                " {}: {} {arrow} {} ",
                screen.op.title(),
                screen.folder,
                other.display()
            )
        }
        _ => format!(" {}: {} ", screen.op.title(), screen.folder),
    };
    let danger = screen.op == FolderOp::Delete;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if danger {
            theme::error()
        } else {
            theme::border(true)
        })
        .title(Span::styled(sanitize(&title).into_owned(), theme::title()));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &screen.stage {
        Stage::Prompt(prompt) => draw_prompt(frame, inner, app, screen.op, prompt),
        Stage::Working(working) => draw_working(frame, inner, app, screen, working),
        Stage::Plan(view) => draw_plan(frame, inner, app, view),
        Stage::Running(running) => draw_running(frame, inner, app, running),
        Stage::Report(view) => draw_report(frame, inner, app, view),
        Stage::Diff(view) => draw_diff(frame, inner, screen, view),
        Stage::Search(view) => draw_search(frame, inner, app, view),
        Stage::Failed(reason) => {
            let lines = vec![
                Line::styled("Nothing was done:", theme::error()),
                Line::styled(sanitize(reason).into_owned(), theme::error()),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}

fn marker(focused: bool) -> Span<'static> {
    Span::styled(if focused { "› " } else { "  " }, theme::key())
}

fn checkbox(on: bool) -> &'static str {
    if on { "[x]" } else { "[ ]" }
}

fn draw_prompt(frame: &mut Frame, area: Rect, app: &App, op: FolderOp, prompt: &Prompt) {
    let mut lines = Vec::new();
    for field in op.fields() {
        let focused = prompt.focus == *field && prompt.replace.is_none();
        let mut spans = vec![marker(focused)];
        match field {
            PromptField::Input => {
                spans.push(Span::raw(format!("{}: ", op.input_label())));
                if op == FolderOp::Search {
                    // The string may be the very credential hunted for: masked as typed.
                    let typed = prompt.input.text.chars().count();
                    spans.push(Span::styled("•".repeat(typed), theme::masked()));
                    if focused {
                        spans.push(Span::styled("▏", theme::key()));
                    }
                } else {
                    spans.extend(input_spans(&prompt.input, focused));
                }
            }
            PromptField::Profile => {
                let name = prompt
                    .profiles
                    .get(prompt.profile)
                    .cloned()
                    .unwrap_or_default();
                let what = if prompt.profile == 0 {
                    format!("{name} (the session in use)")
                } else {
                    format!("{name} (its own session and token)")
                };
                spans.push(Span::raw("Profile: "));
                spans.push(Span::styled(
                    format!("‹ {} ›", sanitize(&what)),
                    if focused {
                        theme::revealed()
                    } else {
                        Style::new()
                    },
                ));
            }
            PromptField::Namespace => {
                spans.push(Span::raw("Namespace: "));
                spans.extend(input_spans(&prompt.namespace, focused));
                if prompt.namespace.text.is_empty() {
                    spans.push(Span::styled(" (empty: the profile's own)", theme::dim()));
                }
            }
            PromptField::AllVersions => spans.push(Span::raw(format!(
                "{} every version, oldest first ({})",
                checkbox(prompt.all_versions),
                match op {
                    FolderOp::Export => "KV v2; otherwise the latest only",
                    FolderOp::Import => "when the file has them; otherwise the latest only",
                    _ => "KV v2 to KV v2; otherwise the latest only",
                }
            ))),
            PromptField::CustomMetadata if op == FolderOp::Move => {
                // Not a choice for a move: said, ticked, above the custom metadata box.
                lines.push(Line::from(vec![
                    marker(false),
                    Span::styled(
                        "[x] every version goes along: a move keeps the history",
                        theme::dim(),
                    ),
                ]));
                spans.push(Span::raw(format!(
                    "{} custom metadata",
                    checkbox(prompt.custom_metadata)
                )));
            }
            PromptField::CustomMetadata => spans.push(Span::raw(format!(
                "{} custom metadata",
                checkbox(prompt.custom_metadata)
            ))),
        }
        lines.push(Line::from(spans));
    }
    if op == FolderOp::Import {
        lines.push(Line::styled(
            "  The file's secrets are planned below this folder first; nothing is written before you confirm.",
            theme::dim(),
        ));
    }
    let question = prompt.replace.as_ref().map(|question| {
        let mut below = vec![Line::raw("")];
        below.extend(question_lines(question, &app.keymap));
        below
    });
    if let Some(error) = &prompt.error {
        let columns = usize::from(area.width);
        let used: usize = lines
            .iter()
            .chain(question.iter().flatten())
            .map(|line| rows_of(line, columns))
            .sum();
        let left = usize::from(area.height).saturating_sub(used);
        lines.extend(error_lines(error, columns, left));
    }
    lines.extend(question.into_iter().flatten());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// Rows a line takes wrapped at spaces in `columns` columns.
fn rows_of(line: &Line, columns: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    word_rows(&text, columns).len()
}

/// An error of several lines (a headline, then one line per secret) in `rows` rows: the
/// headline whole, then as many lines as fit and "and N more" for the rest.
fn error_lines(error: &str, columns: usize, rows: usize) -> Vec<Line<'static>> {
    let mut parts = crate::ui::text::sanitized_lines(error).map(|line| {
        let rows = word_rows(&line, columns).len();
        (line.into_owned(), rows)
    });
    let Some((headline, mut used)) = parts.next() else {
        return Vec::new();
    };
    let mut lines = vec![Line::styled(headline, theme::error())];
    let rest: Vec<(String, usize)> = parts.collect();
    let total = rest.len();
    for (shown, (line, needs)) in rest.into_iter().enumerate() {
        let last = shown + 1 == total;
        // Room for this line, and (unless it is the last) for the "and N more" after it.
        let room = if last { needs } else { needs + 1 };
        if used + room > rows && !(last && used + needs <= rows) {
            lines.push(Line::styled(
                format!("  and {} more", total - shown),
                theme::error(),
            ));
            break;
        }
        used += needs;
        lines.push(Line::styled(line, theme::error()));
    }
    lines
}

fn draw_working(frame: &mut Frame, area: Rect, app: &App, screen: &FolderScreen, w: &Working) {
    // Two steps: the walk of the tree, then a look at each secret found.
    let second = match screen.op {
        FolderOp::Diff => "comparing the values on both sides",
        FolderOp::Delete => "reading the current version of each",
        FolderOp::Import => "checking what is at the target",
        _ => "checking what is at the target (and the versions to replay)",
    };
    let folder = sanitize(&screen.folder).into_owned();
    let mut lines = Vec::new();
    match w.checked {
        None => {
            lines.push(Line::raw(format!(
                "{} Step 1 of 2: listing the secrets below {folder}",
                spinner(app),
            )));
            lines.push(Line::raw(format!(
                "  {} in {} so far",
                count(w.secrets, "secret", "secrets"),
                count(w.folders, "folder", "folders"),
            )));
        }
        Some((checked, total)) => {
            lines.push(Line::styled(
                format!(
                    "✓ Step 1 of 2: listed {} below {folder}",
                    count(w.secrets.max(total), "secret", "secrets"),
                ),
                theme::dim(),
            ));
            let percent = (checked * 100).checked_div(total).unwrap_or(100);
            lines.push(Line::raw(format!("{} Step 2 of 2: {second}", spinner(app))));
            lines.push(Line::raw(format!(
                "  {checked} of {} ({percent}%)",
                count(total, "secret", "secrets"),
            )));
        }
    }
    lines.push(Line::styled(
        format!(
            "Nothing is written while planning · {} stops",
            app.keymap.key(Scope::Folder, Command::Close)
        ),
        theme::dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The window of `rows` rows that keeps `cursor` in `height`.
fn window(cursor: usize, rows: usize, height: usize) -> std::ops::Range<usize> {
    let start = cursor.saturating_sub(height.saturating_sub(1));
    start..(start + height).min(rows)
}

fn row_style(selected: bool) -> Style {
    if selected {
        theme::selected(true)
    } else {
        Style::new()
    }
}

/// Byte ranges of the rows `text` takes in `columns` columns, broken at spaces where a row has
/// one (a word wider than the row is broken between graphemes). Widths are display widths.
fn word_rows(text: &str, columns: usize) -> Vec<std::ops::Range<usize>> {
    use unicode_segmentation::UnicodeSegmentation;
    let columns = columns.max(1);
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    // The last space in the current row: (its byte offset, the width up to and with it).
    let mut space: Option<(usize, usize)> = None;
    for (offset, grapheme) in text.grapheme_indices(true) {
        let cells = crate::app::width::grapheme_width(grapheme);
        if used + cells > columns && used > 0 {
            match space {
                Some((at, through)) if at > start => {
                    rows.push(start..at);
                    start = at + 1;
                    used -= through;
                }
                _ => {
                    rows.push(start..offset);
                    start = offset;
                    used = 0;
                }
            }
            space = None;
        }
        used += cells;
        if grapheme == " " {
            space = Some((offset, used));
        }
    }
    rows.push(start..text.len());
    rows
}

/// A header line wider than `columns`, over as many rows as it needs (each span keeps its
/// style): nothing the header says is cut.
fn wrap_line(line: Line<'static>, columns: usize) -> Vec<Line<'static>> {
    let text: String = line
        .spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect();
    if super::text::width(&text) <= columns {
        return vec![line];
    }
    let mut bounds = Vec::with_capacity(line.spans.len());
    let mut at = 0;
    for span in &line.spans {
        bounds.push((at, at + span.content.len(), span.style));
        at += span.content.len();
    }
    word_rows(&text, columns)
        .into_iter()
        .map(|row| {
            let spans: Vec<Span<'static>> = bounds
                .iter()
                .filter_map(|&(start, end, style)| {
                    let (a, b) = (start.max(row.start), end.min(row.end));
                    (a < b).then(|| Span::styled(text[a..b].to_string(), style))
                })
                .collect();
            Line::from(spans).style(line.style)
        })
        .collect()
}

/// A header, the rows on screen (`cursor` kept in view) and a footer. `measure` gives a row's
/// path width: the path column is as wide as the widest path on screen (at most half the width),
/// so what follows it (versions, reasons) keeps its room.
fn draw_list(
    frame: &mut Frame,
    area: Rect,
    header: Vec<Line<'static>>,
    footer: Vec<Line<'static>>,
    (rows, cursor): (usize, usize),
    measure: impl Fn(usize) -> usize,
    row: impl Fn(usize, usize, usize) -> Line<'static>,
) {
    let width = usize::from(area.width);
    let header: Vec<Line<'static>> = header
        .into_iter()
        .flat_map(|line| wrap_line(line, width))
        .collect();
    let list_height = usize::from(area.height)
        .saturating_sub(header.len() + footer.len())
        .max(1);
    let range = window(cursor, rows, list_height);
    let path_width = range
        .clone()
        .map(&measure)
        .max()
        .unwrap_or(0)
        .clamp(8, (width / 2).max(8));
    let mut lines = header;
    for index in range {
        lines.push(row(index, width, path_width));
    }
    while lines.len() < usize::from(area.height).saturating_sub(footer.len()) {
        lines.push(Line::raw(""));
    }
    lines.extend(footer);
    frame.render_widget(Paragraph::new(lines), area);
}

/// The selected row's full path and note (at most 3 rows), for what a row cuts short.
fn full_text(path: &str, note: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let text = if note.is_empty() {
        sanitize(path).into_owned()
    } else {
        sanitize(&format!("{path}: {note}")).into_owned()
    };
    let mut lines = vec![Line::raw("")];
    for range in crate::app::width::wrap_rows(&text, width.max(1))
        .into_iter()
        .take(3)
    {
        lines.push(Line::styled(text[range].to_string(), style));
    }
    lines
}
