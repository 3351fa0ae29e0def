//! The plan before anything is written: its header, and a row per secret (left-out ones first).

use super::*;

/// "3 versions (2 deleted, 1 destroyed)" for a replay.
pub(super) fn versions_text(steps: &[VersionStep]) -> String {
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

pub(super) fn draw_plan(frame: &mut Frame, area: Rect, app: &App, view: &PlanView) {
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
    if counts.unreadable > unwritable + view.gone {
        left_out.push(format!(
            "{} it may not read",
            count(
                counts.unreadable - unwritable - view.gone,
                "secret",
                "secrets"
            )
        ));
    }
    if view.gone > 0 {
        left_out.push(format!(
            "{} whose latest version is deleted or destroyed",
            count(view.gone, "secret", "secrets")
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
        |index| crate::ui::text::width(&cell(index).2),
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

/// The status of a secret left out of a plan: the token may not read it, or not write (delete) it,
/// or its latest version has no data (deleted or destroyed).
pub(super) fn left_out_label(
    kind: PlanKind,
    left_out: &crate::vault::folder::Unreadable,
) -> &'static str {
    if crate::vault::folder::is_latest_gone(&left_out.reason) {
        return "no data";
    }
    match (crate::vault::jobs::is_unwritable(left_out), kind) {
        (false, _) => "unreadable",
        (true, PlanKind::Delete) => "no delete",
        (true, _) => "no write",
    }
}

/// A plan row: its status, the status's style, the path and what follows it.
/// Items are shown below the target (the header names it); notes by their full path.
pub(super) type Row = (String, Style, String, String, String);

pub(super) fn plan_row(plan: &crate::vault::folder::Plan, index: usize) -> Row {
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
