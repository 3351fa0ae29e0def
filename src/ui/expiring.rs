//! The expiring view: one row per certificate ending within the window, soonest first (state in
//! words, subject, where it is), what could not be looked at, and the days prompt. Only the rows
//! on screen are drawn.

use super::dialog::{input_spans, panel_area, wrapped_height};
use super::text::{count, pad, sanitize};
use super::{spinner, theme};
use crate::app::App;
use crate::app::expiring::ExpiringView;
use crate::app::keymap::{Command, Scope};
use crate::app::state::Loadable;
use crate::certs::Validity;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

fn rows_lines(app: &App, view: &ExpiringView, rows: usize, width: usize) -> Vec<Line<'static>> {
    let report = match &view.result {
        Loadable::Loading => {
            return vec![Line::styled(
                format!(
                    "{} looking through every KV mount's PEM values and every PKI mount…",
                    spinner(app)
                ),
                theme::dim(),
            )];
        }
        Loadable::Failed(error) => {
            return vec![Line::styled(
                sanitize(&crate::app::errors::error_text(&app.keymap, error)).into_owned(),
                theme::error(),
            )];
        }
        Loadable::Ready(report) => report,
    };
    if report.found.is_empty() {
        let days = count(view.days as usize, "day", "days");
        // With something not looked at, "none expires" would claim more than is known.
        return vec![if report.problems.is_empty() {
            Line::styled(
                format!("No certificate expires within {days}."),
                theme::ok(),
            )
        } else {
            Line::styled(
                format!(
                    "None found in what could be read: no certificate there expires within {days}."
                ),
                theme::warning(),
            )
        }];
    }
    let width = width.saturating_sub(2);
    let now = time::OffsetDateTime::from_unix_timestamp(app.now_unix())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    // By display width, what the rows on screen need: the state whole first, then the subject
    // and the place share what is left (each whole when both fit).
    // The selected row stays on screen when the pane is shorter than the state counted.
    let first = if view.cursor >= view.scroll + rows {
        view.cursor + 1 - rows
    } else {
        view.scroll
    };
    let visible = || report.found.iter().skip(first).take(rows);
    let widest = |of: &dyn Fn(&crate::vault::pki::ExpiringCert) -> String, least: &str| {
        visible()
            .map(|found| crate::app::width::width(&of(found)))
            .max()
            .unwrap_or(0)
            .max(least.len())
    };
    let state_w = widest(&|f| f.summary.validity(now).describe(), "expiry").min(width / 2);
    let remaining = width.saturating_sub(state_w + 4);
    let subject_need = widest(&|f| f.summary.subject.clone(), "subject");
    let place_need = widest(&|f| f.place.display(), "where");
    let subject_w = if subject_need + place_need <= remaining {
        subject_need
    } else {
        subject_need.min((remaining / 2).max(remaining.saturating_sub(place_need)))
    };
    let place_w = remaining.saturating_sub(subject_w);
    let mut lines = vec![Line::styled(
        format!(
            "  {}  {}  {}",
            pad("expiry", state_w),
            pad("subject", subject_w),
            pad("where", place_w)
        ),
        theme::dim(),
    )];
    for (index, found) in report.found.iter().enumerate().skip(first).take(rows) {
        let selected = index == view.cursor;
        let validity = found.summary.validity(now);
        let style = match validity {
            Validity::Expired(_) => theme::error(),
            _ => theme::warning(),
        };
        let plain = if selected {
            theme::selected(true)
        } else {
            Style::new()
        };
        let style = if selected {
            theme::on_selected(style, true)
        } else {
            style
        };
        lines.push(Line::from(vec![
            Span::styled(if selected { "› " } else { "  " }, plain),
            Span::styled(pad(&validity.describe(), state_w), style),
            Span::styled("  ", plain),
            Span::styled(pad(&found.summary.subject, subject_w), plain),
            Span::styled("  ", plain),
            Span::styled(pad(&found.place.display(), place_w), plain),
        ]));
    }
    lines
}

fn bottom_lines(app: &App, view: &ExpiringView) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(input) = &view.prompt {
        let mut spans = vec![Span::styled("Days: ", theme::key())];
        spans.extend(input_spans(input, true));
        spans.push(Span::styled(
            format!(
                "  {} looks again · {} keeps {}",
                app.keymap.key(Scope::ExpiringDays, Command::Submit),
                app.keymap.key(Scope::ExpiringDays, Command::Cancel),
                view.days
            ),
            theme::dim(),
        ));
        lines.push(Line::from(spans));
    }
    if let Some(error) = &view.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    if let Loadable::Ready(report) = &view.result
        && !report.problems.is_empty()
    {
        lines.push(Line::styled(
            format!(
                "Not looked at ({}): {}",
                report.problems.len(),
                sanitize(&report.problems[0])
            ),
            theme::warning(),
        ));
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            format!(
                "{} changes the days · {} goes to the selected one",
                app.keymap.key(Scope::Expiring, Command::ChangeWindow),
                app.keymap.key(Scope::Expiring, Command::Open)
            ),
            theme::dim(),
        ));
    }
    lines
}

pub fn draw(frame: &mut Frame, app: &App, view: &ExpiringView) {
    let area = panel_area(frame);
    let found = match &view.result {
        Loadable::Ready(report) => format!(
            " · {}",
            count(report.found.len(), "certificate", "certificates")
        ),
        _ => String::new(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            format!(
                " Expiring within {}{found} ",
                count(view.days as usize, "day", "days")
            ),
            theme::title(),
        ));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bottom = bottom_lines(app, view);
    let [body, bottom_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(wrapped_height(&bottom, inner.width).max(1) + 1),
    ])
    .areas(inner);
    // Every row the pane has below the header line.
    let rows = usize::from(body.height.saturating_sub(1)).max(1);
    frame.render_widget(
        Paragraph::new(rows_lines(app, view, rows, usize::from(body.width))),
        body,
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
}
