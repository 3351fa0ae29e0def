//! The Leases screen: the prefix, the tree of prefixes and leases (only the visible rows, each
//! visible lease with its expiry counting down), the actions (struck through with the missing
//! capability and path when the token may not), and the confirmation.

use super::dialog::{input_spans, panel_area};
use super::text::{pad, sanitize};
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Scope};
use crate::app::leases::{LeasesScreen, Row, RowKind, list_height};
use crate::app::state::{Loadable, format_ttl};
use crate::vault::VaultError;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, app: &App, screen: &LeasesScreen) {
    let area = panel_area(frame);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(" Leases ", theme::title()));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    let bottom = bottom_lines(app, screen);
    let bottom_height = super::dialog::wrapped_height(&bottom, inner.width).max(2);
    let [top, list, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(bottom_height),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(prefix_line(app, screen)), top);
    let rows = usize::from(list.height).min(list_height(app.size.1).max(1));
    let lines = Paragraph::new(list_lines(app, screen, rows, usize::from(list.width)));
    // Rows are fitted to the width; a refusal is words, wrapped.
    let failed = matches!(
        screen.listings.get(&screen.prefix),
        Some(Loadable::Failed(_))
    );
    let lines = if failed {
        lines.wrap(Wrap { trim: false })
    } else {
        lines
    };
    frame.render_widget(lines, list);
    frame.render_widget(Paragraph::new(bottom).wrap(Wrap { trim: false }), foot);
}

fn prefix_line(app: &App, screen: &LeasesScreen) -> Line<'static> {
    let mut spans = vec![Span::styled("Prefix ", theme::dim())];
    match &screen.editing {
        Some(input) => spans.extend(input_spans(input, true)),
        None if screen.prefix.is_empty() => {
            spans.push(Span::styled(
                "(none: everything the token may list)",
                theme::dim(),
            ));
            spans.push(Span::styled(
                format!(
                    "  {} types one",
                    app.keymap.key(Scope::Leases, Command::Filter)
                ),
                theme::dim(),
            ));
        }
        None => spans.push(Span::raw(sanitize(&screen.prefix).into_owned())),
    }
    Line::from(spans)
}

fn denied_lines(app: &App, error: &VaultError, prefix: &str) -> Vec<Line<'static>> {
    match error {
        VaultError::PermissionDenied { path, operation } => vec![
            Line::styled(
                format!(
                    "✗ This token may not list leases here: {operation} on {} is denied.",
                    sanitize(path)
                ),
                theme::error(),
            ),
            Line::styled(
                format!(
                    "Listing needs the list capability on sys/leases/lookup/{} (and sudo); \
                     type a prefix it may list, or ask for a policy that allows it.",
                    sanitize(prefix)
                ),
                theme::dim(),
            ),
        ],
        other => vec![Line::styled(
            format!(
                "✗ Listing the leases failed: {}",
                sanitize(&crate::app::errors::error_text(&app.keymap, other))
            ),
            theme::error(),
        )],
    }
}

fn list_lines(app: &App, screen: &LeasesScreen, rows: usize, width: usize) -> Vec<Line<'static>> {
    match screen.listings.get(&screen.prefix) {
        None | Some(Loadable::Loading) => {
            return vec![Line::styled(
                format!("{} listing the leases…", spinner(app)),
                theme::dim(),
            )];
        }
        Some(Loadable::Failed(error)) => return denied_lines(app, error, &screen.prefix),
        Some(Loadable::Ready(keys)) if keys.is_empty() => {
            return vec![Line::styled(
                if screen.prefix.is_empty() {
                    "No leases.".to_string()
                } else {
                    format!("No leases under {}.", sanitize(&screen.prefix))
                },
                theme::dim(),
            )];
        }
        Some(Loadable::Ready(_)) => {}
    }
    let all = screen.rows();
    let start = if screen.cursor >= screen.scroll + rows {
        screen.cursor + 1 - rows
    } else {
        screen.scroll.min(screen.cursor)
    };
    // The names' column is as wide as the widest name on screen (ids are not cut while the
    // width allows).
    let names = all
        .iter()
        .skip(start)
        .take(rows)
        .filter(|row| row.kind == RowKind::Lease)
        .map(|row| unicode_width::UnicodeWidthStr::width(sanitize(&row.name).as_ref()))
        .max()
        .unwrap_or(0);
    all.iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(index, row)| {
            let selected = index == screen.cursor;
            let mut line = row_line(app, screen, row, width.saturating_sub(2), names);
            line.spans
                .insert(0, Span::raw(if selected { "› " } else { "  " }));
            if selected {
                theme::select(line, true)
            } else {
                line
            }
        })
        .collect()
}

fn row_line(
    app: &App,
    screen: &LeasesScreen,
    row: &Row,
    width: usize,
    names: usize,
) -> Line<'static> {
    let indent = "  ".repeat(row.depth);
    match row.kind {
        RowKind::Folder => {
            let open = screen.expanded.contains(&row.path);
            let mut spans = vec![Span::styled(
                format!(
                    "{indent}{} {}",
                    if open { "▾" } else { "▸" },
                    sanitize(&row.name)
                ),
                theme::folder(),
            )];
            match screen.listings.get(&row.path) {
                Some(Loadable::Loading) if open => {
                    spans.push(Span::styled(format!("  {}", spinner(app)), theme::dim()))
                }
                Some(Loadable::Failed(error)) => spans.push(Span::styled(
                    format!(
                        "  ✗ {}",
                        sanitize(&crate::app::errors::error_text(&app.keymap, error))
                    ),
                    theme::error(),
                )),
                Some(Loadable::Ready(keys)) if open && keys.is_empty() => {
                    spans.push(Span::styled("  (empty)", theme::dim()))
                }
                _ => {}
            }
            Line::from(spans)
        }
        RowKind::Lease => {
            // Room for "expires in 32d 00h · not renewable" after the name; the date when it fits.
            let room = width.saturating_sub(indent.len() + 4 + 36).max(10);
            let name_width = names.clamp(10, room);
            let mut spans = vec![Span::raw(format!(
                "{indent}  {}  ",
                pad(&row.name, name_width)
            ))];
            let used = indent.len() + 4 + name_width;
            match screen.details.get(&row.path) {
                None | Some(Loadable::Loading) => {
                    spans.push(Span::styled("…", theme::dim()));
                }
                Some(Loadable::Failed(error)) => spans.push(Span::styled(
                    format!(
                        "✗ {}",
                        sanitize(&crate::app::errors::error_text(&app.keymap, error))
                    ),
                    theme::error(),
                )),
                Some(Loadable::Ready(lease)) => {
                    let left = lease.view.remaining(app.clock);
                    if !lease.view.expires {
                        spans.push(Span::raw("does not expire"));
                    } else if left == 0 {
                        spans.push(Span::styled("expired", theme::error()));
                    } else {
                        spans.push(Span::raw(format!("expires in {}", format_ttl(left))));
                    }
                    spans.push(Span::styled(
                        if lease.view.renewable {
                            " · renewable"
                        } else {
                            " · not renewable"
                        },
                        theme::dim(),
                    ));
                    let taken: usize = spans.iter().map(|s| s.width()).sum();
                    if let Some(at) = lease
                        .details
                        .expire_time
                        .as_deref()
                        .and_then(|t| t.get(..16))
                        .filter(|_| taken.max(used) + 27 <= width)
                    {
                        spans.push(Span::styled(
                            format!(" · ends {} UTC", sanitize(&at.replace('T', " "))),
                            theme::dim(),
                        ));
                    }
                }
            }
            Line::from(spans)
        }
    }
}

fn bottom_lines(app: &App, screen: &LeasesScreen) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some((target, question)) = &screen.confirm {
        let ask = match target {
            crate::app::leases::Target::Lease(id) => format!(
                "Revoke the lease {}? Its credentials stop working at once.",
                sanitize(id)
            ),
            crate::app::leases::Target::Prefix(prefix) => format!(
                "Revoke EVERY lease under {}? Type the prefix to confirm.",
                sanitize(prefix)
            ),
        };
        lines.push(Line::styled(ask, theme::warning()));
        lines.extend(super::confirm::question_lines(question, &app.keymap));
        return lines;
    }
    if let Some(row) = screen.selected() {
        let mut spans = Vec::new();
        let commands: &[Command] = match row.kind {
            RowKind::Folder => &[Command::RevokePrefix],
            RowKind::Lease => &[Command::Renew, Command::Revoke, Command::RevokePrefix],
        };
        for &command in commands {
            let key = app.keymap.key(Scope::Leases, command);
            let hint = app.keymap.hint(Scope::Leases, command).unwrap_or_default();
            match screen.refused(command, &row, app.clock) {
                None => {
                    spans.push(Span::styled(key, theme::key()));
                    spans.push(Span::styled(format!(" {hint}  "), theme::dim()));
                }
                Some(why) => {
                    spans.push(Span::styled(
                        format!("{key} {hint}"),
                        theme::dim().add_modifier(Modifier::CROSSED_OUT),
                    ));
                    spans.push(Span::styled(
                        format!(" ({})  ", sanitize(&why)),
                        theme::dim(),
                    ));
                }
            }
        }
        lines.push(Line::from(spans));
    }
    if let Some((kind, text)) = &screen.message {
        let (mark, style) = theme::status(*kind);
        lines.push(Line::styled(format!("{mark}{}", sanitize(text)), style));
    }
    if lines.is_empty() {
        lines.push(Line::styled("", Style::new()));
    }
    lines
}
