//! The folder screens: the prompt, the work going on, the plan, the progress of a run, the
//! report, a comparison of two trees and a value search. Lists draw only the rows on screen.

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
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    if let Some(question) = &prompt.replace {
        lines.push(Line::raw(""));
        lines.extend(question_lines(question, &app.keymap));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
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

/// "3 versions (2 deleted, 1 destroyed)" for a replay.
fn versions_text(steps: &[VersionStep]) -> String {
    if steps.is_empty() {
        return String::new();
    }
    let named = |deleted: bool| -> Vec<String> {
        steps
            .iter()
            .filter(|s| match s {
                VersionStep::Deleted(_) => deleted,
                VersionStep::Destroyed(_) => !deleted,
                VersionStep::Live(_) => false,
            })
            .map(|s| format!("v{}", s.version()))
            .collect()
    };
    let (deleted, destroyed) = (named(true), named(false));
    let mut notes = Vec::new();
    if !deleted.is_empty() {
        notes.push(format!("{} deleted", deleted.join(" ")));
    }
    if !destroyed.is_empty() {
        notes.push(format!("{} destroyed", destroyed.join(" ")));
    }
    let mut text = count(steps.len(), "version", "versions");
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join(", ")));
    }
    text
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

fn draw_plan(frame: &mut Frame, area: Rect, app: &App, view: &PlanView) {
    let plan = &view.plan;
    let counts = view.counts;
    let keys = &app.keymap;
    let verb = match plan.kind {
        PlanKind::Copy => "Copy",
        PlanKind::Move => "Move",
        PlanKind::Delete => "Delete",
        PlanKind::Import => "Import",
    };
    let source = match &plan.origin {
        crate::vault::folder::Origin::Tree(source) => source.display(),
        crate::vault::folder::Origin::File(file) => file.display().to_string(),
        crate::vault::folder::Origin::Nothing => String::new(),
    };
    let mut header = vec![Line::styled(
        sanitize(&match plan.kind {
            PlanKind::Delete => format!(
                "{verb} {} below {} (every version and the metadata)",
                count(counts.items, "secret", "secrets"),
                view.target
            ),
            _ => format!(
                "{verb} {} from {source} to {}",
                count(counts.items, "secret", "secrets"),
                view.target
            ),
        })
        .into_owned(),
        theme::title(),
    )];
    if plan.kind == PlanKind::Move {
        header.push(Line::styled(
            "Each source is deleted once its copy reads back equal (one that does not is kept).",
            theme::dim(),
        ));
    }
    let mut summary = Vec::new();
    if plan.kind != PlanKind::Delete {
        summary.push(format!("{} new", counts.new));
        summary.push(format!("{} exist at the target", counts.existing));
    }
    if counts.unknown > 0 {
        summary.push(format!(
            "{} not known (target folder not listable)",
            counts.unknown
        ));
    }
    // What the run writes: versions of skipped targets are not replayed.
    let replayed = view.versions_replayed();
    if replayed > 0 {
        summary.push(format!(
            "{} replayed",
            count(replayed, "version", "versions")
        ));
    }
    let mut left_out = Vec::new();
    if counts.unlistable > 0 {
        left_out.push(format!(
            "{} the token may not list",
            count(counts.unlistable, "folder", "folders")
        ));
    }
    let unwritable = view.unwritable;
    if counts.unreadable > unwritable {
        left_out.push(format!(
            "{} it may not read",
            count(counts.unreadable - unwritable, "secret", "secrets")
        ));
    }
    if unwritable > 0 {
        left_out.push(format!(
            "{} it may not {}",
            count(unwritable, "secret", "secrets"),
            if plan.kind == PlanKind::Delete {
                "delete"
            } else {
                "write"
            }
        ));
    }
    if !summary.is_empty() {
        header.push(Line::raw(summary.join(" · ")));
    }
    if !left_out.is_empty() {
        header.push(Line::styled(
            format!("Not in the plan: {} (named below)", left_out.join(" · ")),
            theme::warning(),
        ));
    }
    if counts.items > 0 && view.secrets_written() == 0 {
        header.push(Line::styled(
            match view.existing {
                crate::app::folder::ExistingChoice::Abort => {
                    "Nothing will be written: the choice for existing targets is to abort."
                        .to_string()
                }
                _ => format!(
                    "Nothing will be written: {} at the target and {} skipped.",
                    match counts.items {
                        1 => "the secret exists".to_string(),
                        n => format!("all {n} secrets exist"),
                    },
                    if counts.items == 1 { "is" } else { "are" }
                ),
            },
            theme::warning(),
        ));
    }
    if counts.existing > 0 && plan.kind != PlanKind::Delete {
        header.push(Line::from(vec![
            Span::raw("Existing targets: "),
            Span::styled(format!("‹ {} ›", view.existing.label()), theme::warning()),
            Span::styled(
                format!(
                    " ({} changes)",
                    keys.key(Scope::Folder, Command::NextChoice)
                ),
                theme::dim(),
            ),
        ]));
    }
    header.push(Line::styled(
        format!(
            "Nothing is {} until you press {} · {} aborts",
            if plan.kind == PlanKind::Delete {
                "deleted"
            } else {
                "written"
            },
            keys.key(Scope::Folder, Command::Submit),
            keys.key(Scope::Folder, Command::Close)
        ),
        theme::dim(),
    ));
    let footer = match &view.question {
        Some(question) => {
            let mut lines = vec![Line::styled(
                match plan.kind {
                    PlanKind::Delete => format!(
                        "Delete {} for good? Type {} to confirm.",
                        count(counts.items, "secret", "secrets"),
                        plan.target.display()
                    ),
                    _ => format!(
                        "Overwrite {} (check-and-set: a target changed since the plan is left alone)?",
                        count(counts.existing, "existing secret", "existing secrets")
                    ),
                },
                theme::warning(),
            )];
            lines.extend(question_lines(question, keys));
            lines
        }
        None if view.rows() > 0 => {
            let (_, style, _, extra, full) = plan_row(plan, view.cursor);
            full_text(&full, &extra, usize::from(area.width), style)
        }
        None => Vec::new(),
    };
    let cell = |index: usize| plan_row(plan, index);
    draw_list(
        frame,
        area,
        header,
        footer,
        (view.rows(), view.cursor),
        |index| super::text::width(&cell(index).2),
        |index, width, path_width| {
            let selected = index == view.cursor;
            let (status, status_style, path, extra, _) = cell(index);
            let status_cell = pad(&status, 11);
            let rest = width.saturating_sub(13 + path_width + 1);
            Line::from(vec![
                Span::styled(if selected { "› " } else { "  " }, row_style(selected)),
                Span::styled(
                    status_cell,
                    if selected {
                        theme::on_selected(status_style, true)
                    } else {
                        status_style
                    },
                ),
                Span::styled(pad(&path, path_width), row_style(selected)),
                Span::styled(
                    format!(" {}", first_line_fit(&extra, rest)),
                    if selected {
                        row_style(true)
                    } else {
                        theme::dim()
                    },
                ),
            ])
        },
    );
}

/// The status of a secret left out of a plan: the token may not read it, or not write (delete) it.
fn left_out_label(kind: PlanKind, left_out: &crate::vault::folder::Unreadable) -> &'static str {
    match (crate::vault::jobs::is_unwritable(left_out), kind) {
        (false, _) => "unreadable",
        (true, PlanKind::Delete) => "no delete",
        (true, _) => "no write",
    }
}

/// A plan row: its status, the status's style, the path and what follows it.
/// Items are shown below the target (the header names it); notes by their full path.
type Row = (String, Style, String, String, String);

fn plan_row(plan: &crate::vault::folder::Plan, index: usize) -> Row {
    let notes = plan.unlistable.len();
    let unreadable = plan.unreadable.len();
    if index < notes {
        let path = plan.unlistable[index].clone();
        return (
            "not listed".to_string(),
            theme::warning(),
            path.clone(),
            "the token may not list this folder".to_string(),
            path,
        );
    }
    if index < notes + unreadable {
        let u = &plan.unreadable[index - notes];
        return (
            left_out_label(plan.kind, u).to_string(),
            theme::warning(),
            u.path.clone(),
            u.reason.clone(),
            u.path.clone(),
        );
    }
    let item = &plan.items[index - notes - unreadable];
    let (status, style) = match (plan.kind == PlanKind::Delete, item.target) {
        (true, TargetState::Versioned { current }) => {
            (format!("delete v{current}"), theme::error())
        }
        (true, _) => ("delete".to_string(), theme::error()),
        (false, TargetState::Absent) => ("new".to_string(), theme::ok()),
        (false, TargetState::Versioned { current }) => {
            (format!("exists v{current}"), theme::warning())
        }
        (false, TargetState::Present { .. }) => ("exists".to_string(), theme::warning()),
        (false, TargetState::Unknown) => ("unknown".to_string(), theme::dim()),
    };
    (
        status,
        style,
        item.relative.clone(),
        versions_text(&item.versions),
        plan.target_display(item),
    )
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

fn duration_text(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 3600 {
        format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60)
    } else if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

fn draw_running(frame: &mut Frame, area: Rect, app: &App, running: &Running) {
    let width = usize::from(area.width).saturating_sub(2);
    let bar_width = width.saturating_sub(2).clamp(10, 60);
    let filled = (running.done * bar_width)
        .checked_div(running.total)
        .unwrap_or(0)
        .min(bar_width);
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(bar_width - filled));
    let rate = running.rate(app.clock);
    let mut figures = vec![format!("{} / {}", running.done, running.total)];
    if let Some(percent) = (running.done * 100).checked_div(running.total) {
        figures.push(format!("{percent}%"));
    }
    figures.push(match rate {
        Some(rate) => format!("{rate:.1}/s"),
        None => "–/s".into(),
    });
    if let Some(left) = running.time_left(app.clock) {
        figures.push(format!("{} left", duration_text(left)));
    }
    figures.push(format!(
        "{} elapsed",
        duration_text(app.clock.saturating_sub(running.started))
    ));
    if running.total == 0 {
        // An export still walking its tree.
        let lines = vec![Line::raw(format!(
            "{} listing: {} found",
            spinner(app),
            count(running.listed, "secret", "secrets")
        ))];
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let mut lines = vec![
        Line::styled(bar, theme::ok()),
        Line::raw(figures.join(" · ")),
        Line::raw(format!(
            "Last: {}",
            first_line_fit(&running.path, width.saturating_sub(6))
        )),
    ];
    if running.failed > 0 {
        lines.push(Line::styled(
            format!(
                "{} so far (listed in the report)",
                count(running.failed, "failure", "failures")
            ),
            theme::error(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(if running.stopping {
        Line::styled(
            format!(
                "{} stopping: the secrets in flight finish, no new one starts…",
                spinner(app)
            ),
            theme::warning(),
        )
    } else {
        Line::styled(
            format!(
                "{} stops between secrets (never half a secret); the report follows.",
                app.keymap.key(Scope::Folder, Command::Close)
            ),
            theme::dim(),
        )
    });
    frame.render_widget(Paragraph::new(lines), area);
}

fn outcome_text(outcome: &ItemOutcome) -> (&'static str, Style, String) {
    match outcome {
        ItemOutcome::Done { version: Some(v) } => ("done", theme::ok(), format!("now v{v}")),
        ItemOutcome::Done { version: None } => ("done", theme::ok(), String::new()),
        ItemOutcome::Skipped(SkipReason::Exists) => {
            ("skipped", theme::dim(), "exists at the target".into())
        }
        ItemOutcome::Skipped(SkipReason::Policy(why)) => ("skipped", theme::warning(), why.clone()),
        ItemOutcome::Skipped(SkipReason::Cancelled) => {
            ("not run", theme::dim(), "stopped before it started".into())
        }
        ItemOutcome::Conflict(why) => ("conflict", theme::warning(), why.clone()),
        ItemOutcome::Failed(why) => ("failed", theme::error(), why.clone()),
    }
}

fn draw_report(frame: &mut Frame, area: Rect, app: &App, view: &ReportView) {
    let c = view.counts;
    let mut parts = vec![format!("{} done", c.done)];
    if c.skipped_existing > 0 {
        parts.push(format!("{} skipped (exist)", c.skipped_existing));
    }
    if c.skipped_policy > 0 {
        parts.push(format!("{} skipped (not allowed)", c.skipped_policy));
    }
    parts.push(count(c.conflicts, "conflict", "conflicts"));
    parts.push(format!("{} failed", c.failed));
    if c.cancelled > 0 {
        parts.push(format!("{} not run", c.cancelled));
    }
    let headline = if view.report.cancelled {
        ("Stopped: ", theme::warning())
    } else if c.failed == 0
        && c.conflicts == 0
        && c.cancelled == 0
        && c.skipped_policy == 0
        && view.report.unlistable.is_empty()
        && view.report.unreadable.is_empty()
    {
        ("Finished: ", theme::ok())
    } else {
        ("Finished with problems: ", theme::warning())
    };
    let mut header = vec![Line::from(vec![
        Span::styled(headline.0, headline.1),
        Span::raw(parts.join(" · ")),
    ])];
    if let Some(why) = &view.token {
        header.push(Line::styled(
            format!("The failures are the token's: {why}. Log in again, then retry them."),
            theme::error(),
        ));
    }
    if c.failed > 0 {
        header.push(Line::styled(
            format!(
                "{} retries the failed ones (a new plan first)",
                app.keymap.key(Scope::Folder, Command::Retry)
            ),
            theme::dim(),
        ));
    }
    let plan = &view.plan;
    let notes = view.report.unlistable.len();
    let unreadable = view.report.unreadable.len();
    let row_of = |index: usize| -> (&'static str, Style, String, String, String) {
        if index < notes {
            let path = view.report.unlistable[index].clone();
            (
                "not listed",
                theme::warning(),
                path.clone(),
                "the token may not list this folder".to_string(),
                path,
            )
        } else if index < notes + unreadable {
            let u = &view.report.unreadable[index - notes];
            (
                left_out_label(plan.kind, u),
                theme::warning(),
                u.path.clone(),
                u.reason.clone(),
                u.path.clone(),
            )
        } else {
            let item = &view.report.items[view.order[index - notes - unreadable]];
            let (status, style, why) = outcome_text(&item.outcome);
            let full = plan.target.display_of(&item.relative);
            (status, style, item.relative.clone(), why, full)
        }
    };
    let footer = if view.rows() == 0 {
        Vec::new()
    } else {
        let (_, style, _, why, full) = row_of(view.cursor);
        full_text(&full, &why, usize::from(area.width), style)
    };
    draw_list(
        frame,
        area,
        header,
        footer,
        (view.rows(), view.cursor),
        |index| super::text::width(&row_of(index).2),
        |index, width, path_width| {
            let selected = index == view.cursor;
            let (status, style, path, why, _) = row_of(index);
            let rest = width.saturating_sub(2 + 11 + path_width + 1);
            Line::from(vec![
                Span::styled(if selected { "› " } else { "  " }, row_style(selected)),
                Span::styled(
                    pad(status, 11),
                    if selected {
                        theme::on_selected(style, true)
                    } else {
                        style
                    },
                ),
                Span::styled(pad(&path, path_width), row_style(selected)),
                Span::styled(
                    format!(" {}", first_line_fit(&why, rest)),
                    if selected {
                        row_style(true)
                    } else {
                        theme::dim()
                    },
                ),
            ])
        },
    );
}

fn draw_diff(frame: &mut Frame, area: Rect, screen: &FolderScreen, view: &DiffView) {
    let d = &view.diff;
    let mut header = vec![Line::raw(
        sanitize(&format!(
            "here: {} · there: {} · {} only here · {} only there · {} differ · {} the same",
            screen.folder,
            view.right,
            d.only_left.len(),
            d.only_right.len(),
            d.changed.len(),
            d.same
        ))
        .into_owned(),
    )];
    if d.is_same() && !d.incomplete() {
        header.push(Line::styled(
            "The trees hold the same secrets and values.",
            theme::ok(),
        ));
    }
    if d.incomplete() {
        header.push(Line::styled(
            "Incomplete: some folders or secrets could not be read (listed first).",
            theme::warning(),
        ));
    }
    draw_list(
        frame,
        area,
        header,
        Vec::new(),
        (view.rows.len(), view.cursor),
        |_| 0,
        |index, width, _| {
            let selected = index == view.cursor;
            let revealed = view.revealed == Some(index);
            let mut spans = vec![Span::styled(
                if selected { "› " } else { "  " },
                row_style(selected),
            )];
            let style = |s: Style| {
                if selected {
                    theme::on_selected(s, true)
                } else {
                    s
                }
            };
            let cell = |text: &str, columns: usize| pad(text, columns);
            // A 12-column label, then the text cut to what is left (after its suffix).
            let labelled =
                |label: &str, label_style: Style, text: &str, suffix: &str, text_style| {
                    let room = width.saturating_sub(14 + crate::app::width::width(suffix));
                    [
                        Span::styled(cell(label, 12), style(label_style)),
                        Span::styled(
                            format!("{}{suffix}", first_line_fit(text, room)),
                            style(text_style),
                        ),
                    ]
                };
            match view.rows[index] {
                DiffRow::Unlistable(i) => {
                    spans.extend(labelled(
                        "skipped",
                        theme::warning(),
                        &d.unlistable[i],
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::Unreadable(i) => {
                    let u = &d.unreadable[i];
                    let text = format!("{}: {}", u.path, u.reason);
                    spans.extend(labelled(
                        "unreadable",
                        theme::warning(),
                        &text,
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::OnlyLeft(i) => {
                    spans.extend(labelled(
                        "only here",
                        theme::error(),
                        &d.only_left[i],
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::OnlyRight(i) => {
                    spans.extend(labelled(
                        "only there",
                        theme::ok(),
                        &d.only_right[i],
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::Secret(s) => {
                    let relative = &d.changed[s].relative;
                    spans.extend(labelled(
                        "differs",
                        theme::warning(),
                        relative,
                        "",
                        theme::title(),
                    ));
                }
                DiffRow::Added(s, k) => {
                    let key = &d.changed[s].added[k];
                    spans.extend(labelled(
                        "  + key",
                        theme::ok(),
                        key,
                        " (only there)",
                        Style::new(),
                    ));
                }
                DiffRow::Removed(s, k) => {
                    let key = &d.changed[s].removed[k];
                    spans.extend(labelled(
                        "  - key",
                        theme::error(),
                        key,
                        " (only here)",
                        Style::new(),
                    ));
                }
                DiffRow::Changed(s, k) => {
                    let changed = &d.changed[s].changed[k];
                    spans.push(Span::styled(cell("  ~ key", 12), style(theme::warning())));
                    let key_width = (width.saturating_sub(14) / 3).max(6);
                    spans.push(Span::styled(
                        pad(&changed.key, key_width),
                        style(Style::new()),
                    ));
                    let value_width = width.saturating_sub(14 + key_width + 4) / 2;
                    if revealed {
                        spans.push(Span::styled(
                            format!(" {}", first_line_fit(changed.left.expose(), value_width)),
                            style(theme::revealed()),
                        ));
                        spans.push(Span::styled(" → ", style(theme::dim())));
                        spans.push(Span::styled(
                            first_line_fit(changed.right.expose(), value_width),
                            style(theme::revealed()),
                        ));
                    } else {
                        spans.push(Span::styled(format!(" {MASK}"), style(theme::masked())));
                        spans.push(Span::styled(" → ", style(theme::dim())));
                        spans.push(Span::styled(MASK, style(theme::masked())));
                    }
                }
            }
            Line::from(spans)
        },
    );
}

fn draw_search(frame: &mut Frame, area: Rect, app: &App, view: &SearchView) {
    let (state, style) = match &view.state {
        SearchState::Searching { secrets, checked } => (
            format!(
                "{} {}searching: {} listed{}",
                spinner(app),
                if view.stopping { "stopping " } else { "" },
                count(*secrets, "secret", "secrets"),
                checked
                    .map(|(c, t)| format!(", {c} of {t} read"))
                    .unwrap_or_default()
            ),
            theme::dim(),
        ),
        SearchState::Done(summary) => (
            format!(
                "{}{} searched{}{}",
                if summary.cancelled {
                    "stopped: "
                } else {
                    "done: "
                },
                count(summary.searched, "secret", "secrets"),
                if summary.unlistable.is_empty() {
                    String::new()
                } else {
                    format!(
                        " · {} not listable",
                        count(summary.unlistable.len(), "folder", "folders")
                    )
                },
                if summary.unreadable.is_empty() {
                    String::new()
                } else {
                    format!(
                        " · {} not readable",
                        count(summary.unreadable.len(), "secret", "secrets")
                    )
                },
            ),
            if summary.cancelled || !summary.unlistable.is_empty() || !summary.unreadable.is_empty()
            {
                theme::warning()
            } else {
                theme::dim()
            },
        ),
        SearchState::Failed(reason) => (format!("failed: {reason}"), theme::error()),
    };
    let header = vec![
        Line::raw(format!(
            "{} for a string of {} (values masked)",
            count(view.matches.len(), "match", "matches"),
            count(view.needle_chars, "character", "characters")
        )),
        Line::styled(sanitize(&state).into_owned(), style),
    ];
    let empty = view.matches.is_empty();
    let rows = if empty { 1 } else { view.matches.len() };
    draw_list(
        frame,
        area,
        header,
        Vec::new(),
        (rows, view.cursor),
        |index| {
            view.matches
                .get(index)
                .map_or(0, |found| super::text::width(&found.path))
        },
        |index, width, path_width| {
            if empty {
                return Line::styled("  no match yet", theme::dim());
            }
            let found = &view.matches[index];
            let selected = index == view.cursor;
            let style = |s: Style| {
                if selected {
                    theme::on_selected(s, true)
                } else {
                    s
                }
            };
            let key_width = (width / 5).max(6);
            let value_width = width.saturating_sub(2 + path_width + key_width + 2);
            let value = if view.revealed == Some(index) {
                Span::styled(
                    first_line_fit(found.value.expose(), value_width),
                    style(theme::revealed()),
                )
            } else {
                Span::styled(MASK, style(theme::masked()))
            };
            Line::from(vec![
                Span::styled(if selected { "› " } else { "  " }, row_style(selected)),
                Span::styled(pad(&found.path, path_width), style(Style::new())),
                Span::styled(
                    format!(" {}", pad(&found.key, key_width)),
                    style(theme::key()),
                ),
                Span::styled(" ", style(Style::new())),
                value,
            ])
        },
    );
}
