//! A run going on (bar, rate, time left) and its report.

use super::*;

pub(super) fn duration_text(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 3600 {
        format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60)
    } else if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

pub(super) fn draw_running(frame: &mut Frame, area: Rect, app: &App, running: &Running) {
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

pub(super) fn outcome_text(outcome: &ItemOutcome) -> (&'static str, Style, String) {
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

pub(super) fn draw_report(frame: &mut Frame, area: Rect, app: &App, view: &ReportView) {
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
        |index| crate::ui::text::width(&row_of(index).2),
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
