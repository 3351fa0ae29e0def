//! The right pane: a tab bar, then the open secret as a key/value table plus the full selected
//! value (Data), or its history, metadata or a diff. Values are masked here, at drawing time,
//! unless the pane is in revealed state.

use super::{spinner, text, theme, time};
use crate::app::keymap::{Command, Scope};
use crate::app::layout::secret_areas;
use crate::app::secret_pane::{SecretContent, SecretTab, detail_body_rows, pem_summary_rows};
use crate::app::state::Loadable;
use crate::app::width::wrap_rows;
use crate::app::{App, Focus};
use crate::certs::{PemBlock, Validity};
use crate::vault::{KvSecret, VersionState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Focus::Secret && app.modal.is_none();
    let pane = &app.secret;
    let title = match (&pane.location, pane.content()) {
        (Some(location), SecretContent::Loaded(secret)) => format!(
            " {} · {} ",
            text::sanitize(&location.display()),
            text::count(secret.entries.len(), "key", "keys")
        ),
        (Some(location), _) => format!(" {} ", text::sanitize(&location.display())),
        (None, _) => " Secret ".to_string(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(title, theme::title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if pane.location.is_none() {
        frame.render_widget(how_to_open(app), inner);
        return;
    }
    let parts = secret_areas(area, pane.entry_count());
    frame.render_widget(Paragraph::new(tab_bar(app)), parts.tabs);
    match pane.tab {
        SecretTab::Data => {}
        SecretTab::Versions => return super::versions::draw(frame, parts.body, app, focused),
        SecretTab::Metadata => return super::metadata::draw(frame, parts.body, app),
        SecretTab::Diff => return super::diff::draw(frame, parts.body, app, focused),
    }
    let inner = parts.body;
    match pane.content() {
        SecretContent::Empty => frame.render_widget(how_to_open(app), inner),
        SecretContent::Loading => {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("{} loading…", spinner(app)),
                    theme::dim(),
                )),
                inner,
            );
        }
        SecretContent::Failed(reason) => {
            let mut lines = vec![
                Line::styled("Cannot read this secret:", theme::error()),
                Line::raw(text::sanitize(reason).into_owned()),
                Line::styled(
                    format!("{} retries", app.keymap.key(Scope::Main, Command::Refresh)),
                    theme::dim(),
                ),
            ];
            if pane.loaded_metadata().is_some() {
                lines.push(Line::styled(
                    "Its version history is readable: Versions tab (2).",
                    theme::dim(),
                ));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        SecretContent::Loaded(secret) => draw_loaded(frame, area, app, secret, focused),
    }
}

/// The loaded value; otherwise draws "loading …" or why it failed, and gives `None`.
pub(super) fn loaded_or_note<'a, T>(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    loadable: &'a Option<Loadable<T>>,
    what: &str,
) -> Option<&'a T> {
    match loadable {
        Some(Loadable::Ready(value)) => Some(value),
        Some(Loadable::Failed(reason)) => {
            let lines = vec![
                Line::styled(format!("Cannot read {what}:"), theme::error()),
                Line::raw(text::sanitize(reason).into_owned()),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
            None
        }
        _ => {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("{} loading {what}…", spinner(app)),
                    theme::dim(),
                )),
                area,
            );
            None
        }
    }
}

/// `Data │ Versions │ Metadata │ Diff` with the active tab highlighted; engines without versions
/// say why there is only the Data tab.
/// What to press to open a secret and see its values, while none is open.
fn how_to_open(app: &App) -> Paragraph<'static> {
    let open = app
        .keymap
        .key_preferring(Scope::Main, Command::Open, "Enter");
    let reveal = app.keymap.key(Scope::Main, Command::Reveal);
    Paragraph::new(vec![
        Line::styled(
            format!("Select a secret and press {open} to open it."),
            theme::dim(),
        ),
        Line::styled(
            format!("Values stay masked until you press {reveal}."),
            theme::dim(),
        ),
    ])
}

fn tab_bar(app: &App) -> Line<'static> {
    let pane = &app.secret;
    if !pane.is_versioned() {
        let engine = pane
            .location
            .as_ref()
            .map(|l| l.mount.engine.label())
            .unwrap_or_default();
        return Line::from(vec![
            Span::styled(" 1 Data ", theme::selected(true)),
            Span::styled(
                format!("  {engine} keeps no versions: no history, metadata or diff"),
                theme::dim(),
            ),
        ]);
    }
    let mut spans = Vec::new();
    for (index, tab) in SecretTab::ALL.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled("│", theme::dim()));
        }
        let label = format!(" {} {} ", index + 1, tab.title());
        spans.push(if *tab == pane.tab {
            Span::styled(label, theme::selected(true))
        } else {
            Span::styled(label, theme::dim())
        });
    }
    Line::from(spans)
}

fn version_line(app: &App, secret: &KvSecret) -> Line<'static> {
    let mut spans = Vec::new();
    let total = app.secret.loaded_metadata().map(|m| m.current_version);
    match (secret.version, app.secret.viewing, total) {
        (Some(version), Some(_), Some(current)) => spans.push(Span::styled(
            format!(
                "version {version} of {current} · not current ({}: back to current)",
                app.keymap.key(Scope::Main, Command::Back)
            ),
            theme::warning(),
        )),
        (Some(version), Some(_), None) => spans.push(Span::styled(
            format!("version {version} · not current"),
            theme::warning(),
        )),
        (Some(version), None, Some(current)) => spans.push(Span::styled(
            format!("version {version} of {current}"),
            theme::title(),
        )),
        (Some(version), None, None) => {
            spans.push(Span::styled(format!("version {version}"), theme::title()))
        }
        (None, _, _) => spans.push(Span::styled("no versions", theme::dim())),
    }
    if let Some(created) = &secret.created_time {
        spans.push(Span::styled(
            format!(
                "  created {} ({})",
                time::absolute(&text::sanitize(created)),
                time::relative(created, app.now_unix())
            ),
            theme::dim(),
        ));
    }
    match &secret.state {
        VersionState::Live => {}
        VersionState::Deleted { deletion_time } => spans.push(Span::styled(
            format!(
                "  deleted {}",
                time::absolute(&text::sanitize(deletion_time))
            ),
            theme::error(),
        )),
        VersionState::Destroyed => spans.push(Span::styled("  destroyed", theme::error())),
    }
    Line::from(spans)
}

fn draw_loaded(frame: &mut Frame, area: Rect, app: &App, secret: &KvSecret, focused: bool) {
    let pane = &app.secret;
    let parts = secret_areas(area, secret.entries.len());
    frame.render_widget(Paragraph::new(version_line(app, secret)), parts.title);

    if secret.entries.is_empty() {
        let note = match secret.state {
            VersionState::Live => "This secret has no keys.",
            VersionState::Deleted { .. } => {
                "This version is soft-deleted: its data can be undeleted."
            }
            VersionState::Destroyed => "This version is destroyed: its data is gone for good.",
        };
        frame.render_widget(
            Paragraph::new(Line::styled(note, theme::dim())),
            parts.table,
        );
        return;
    }

    // Table: header plus the rows that fit, scrolled so the selected row is visible.
    let key_width = pane
        .key_columns()
        .clamp(3, (parts.table.width as usize / 2).max(3));
    let body_rows = (parts.table.height as usize).saturating_sub(1).max(1);
    let listed = pane.listed_entries();
    let first = pane.listed_position().saturating_sub(body_rows - 1);
    let header = match &pane.key_filter_input {
        None if pane.key_filter().is_empty() => Line::from(vec![
            Span::styled(format!(" {}  ", text::pad("KEY", key_width)), theme::dim()),
            // The dots alone could be a value: say they are a mask.
            Span::styled(
                if pane.revealed {
                    "VALUE"
                } else {
                    "VALUE (masked)"
                },
                theme::dim(),
            ),
        ]),
        typing => Line::from(vec![
            Span::styled(" /", theme::key()),
            Span::raw(
                text::sanitize(
                    typing
                        .as_ref()
                        .map_or(pane.key_filter(), |i| i.before_cursor()),
                )
                .into_owned(),
            ),
            Span::styled(if typing.is_some() { "▏" } else { "" }, theme::key()),
            Span::raw(
                text::sanitize(typing.as_ref().map_or("", |i| i.after_cursor())).into_owned(),
            ),
            Span::styled(
                format!(
                    "  {} of {} match ({} clears)",
                    listed.len(),
                    secret.entries.len(),
                    if typing.is_some() {
                        app.keymap.key(Scope::Filter, Command::Cancel)
                    } else {
                        app.keymap.key(Scope::Main, Command::Back)
                    }
                ),
                theme::dim(),
            ),
        ]),
    };
    let mut lines = vec![header];
    let value_width = (parts.table.width as usize).saturating_sub(key_width + 3);
    for &index in listed.iter().skip(first).take(body_rows) {
        let entry = &secret.entries[index];
        let key = text::pad(&entry.key, key_width);
        let value = if pane.revealed {
            Span::styled(
                text::first_line_fit(entry.value.expose(), value_width),
                theme::revealed(),
            )
        } else {
            Span::styled(theme::MASK, theme::masked())
        };
        let cursor = if index == pane.selected { "›" } else { " " };
        let mut line = Line::from(vec![
            Span::styled(cursor, theme::key()),
            Span::styled(format!("{key}  "), theme::key()),
            value,
        ]);
        if index == pane.selected {
            line = theme::select(line, focused);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), parts.table);

    // Detail: the full selected value, scrollable.
    let Some(entry) = pane.selected_entry().filter(|_| !listed.is_empty()) else {
        return;
    };
    if parts.detail.height == 0 {
        return;
    }
    // Certificates in the value: a summary above it (they are public; a private key is named,
    // never shown).
    let fresh_pem;
    let blocks = match pane.pem_blocks() {
        Some(blocks) => blocks,
        None if crate::certs::looks_like_pem(entry.value.expose()) => {
            fresh_pem = crate::certs::decode(entry.value.expose());
            &fresh_pem[..]
        }
        None => &[],
    };
    let summary_rows = pem_summary_rows(blocks, parts.detail.height);
    let mut parts = parts;
    if summary_rows > 0 {
        let summary = Rect::new(
            parts.detail.x,
            parts.detail.y,
            parts.detail.width,
            summary_rows,
        );
        let lines = pem_summary(blocks, app.now_unix())
            .into_iter()
            .map(|line| fit(line, summary.width as usize))
            .collect::<Vec<_>>();
        frame.render_widget(Paragraph::new(lines), summary);
        parts.detail.y += summary_rows;
        parts.detail.height -= summary_rows;
    }
    let header = Line::from(vec![
        Span::styled("── ", theme::dim()),
        Span::styled(text::sanitize(&entry.key).into_owned(), theme::key()),
        Span::styled(
            if entry.display.is_some() {
                " (JSON) ──"
            } else {
                " ──"
            },
            theme::dim(),
        ),
    ]);
    let mut detail = vec![header];
    if pane.revealed {
        // Rows prepared by `update`; a state built without it gets them cut here, for this frame.
        let width = parts.detail.width;
        let fresh;
        let rows = match pane.prepared_rows(width) {
            Some(rows) => rows,
            None => {
                fresh = wrap_rows(entry.shown(), width as usize);
                &fresh[..]
            }
        };
        let total = rows.len();
        let body_rows = detail_body_rows(parts.detail.height, total);
        let first = pane.detail_scroll.min(total.saturating_sub(body_rows));
        let shown = entry.shown();
        detail.extend(rows[first..].iter().take(body_rows).map(|row| {
            Line::styled(
                text::sanitize(&shown[row.clone()]).into_owned(),
                theme::revealed(),
            )
        }));
        if total > body_rows {
            let last = (first + body_rows).min(total);
            detail.push(Line::styled(
                format!(
                    "rows {}-{last} of {total} ({}/{})",
                    first + 1,
                    app.keymap.key(Scope::Main, Command::PageUp),
                    app.keymap.key(Scope::Main, Command::PageDown)
                ),
                theme::dim(),
            ));
        }
    } else {
        detail.push(Line::from(vec![
            Span::styled(theme::MASK, theme::masked()),
            Span::styled(
                format!(
                    "   {} reveals · {} copies",
                    app.keymap.key(Scope::Main, Command::Reveal),
                    app.keymap.key(Scope::Main, Command::CopyValue)
                ),
                theme::dim(),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(detail).style(Style::new()), parts.detail);
}

/// The certificate summary: a title, then per certificate its subject with the validity word,
/// issuer and key, serial, SANs, and its dates; a private key or another block in one row.
fn pem_summary(blocks: &[PemBlock], now_unix: i64) -> Vec<Line<'static>> {
    let now = ::time::OffsetDateTime::from_unix_timestamp(now_unix)
        .unwrap_or(::time::OffsetDateTime::UNIX_EPOCH);
    let certificates = blocks
        .iter()
        .filter(|b| matches!(b, PemBlock::Certificate(_)))
        .count();
    let keys = blocks
        .iter()
        .filter(|b| matches!(b, PemBlock::PrivateKey { .. }))
        .count();
    let mut title = text::count(certificates, "certificate", "certificates");
    if keys > 0 {
        title.push_str(&format!(
            ", {} (masked)",
            text::count(keys, "private key", "private keys")
        ));
    }
    let mut lines = vec![Line::from(vec![
        Span::styled("── PEM: ", theme::dim()),
        Span::styled(title, theme::title()),
        Span::styled(" ──", theme::dim()),
    ])];
    let mut number = 0;
    for block in blocks {
        match block {
            PemBlock::Certificate(cert) => {
                number += 1;
                let validity = cert.validity(now);
                let style = match validity {
                    Validity::Expired(_) => theme::error(),
                    Validity::Soon(_) | Validity::NotYet(_) => theme::warning(),
                    Validity::Valid(_) => theme::ok(),
                };
                // The state first: a long subject is cut, never the word.
                lines.push(Line::from(vec![
                    Span::styled(format!(" {number} "), theme::key()),
                    Span::styled(validity.describe(), style),
                    Span::raw("  "),
                    Span::raw(text::sanitize(&cert.subject).into_owned()),
                    Span::styled(if cert.is_ca { " (CA)" } else { "" }, theme::dim()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("   issuer ", theme::dim()),
                    Span::raw(text::sanitize(&cert.issuer).into_owned()),
                    Span::styled(" · key ", theme::dim()),
                    Span::raw(cert.key.clone()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("   serial ", theme::dim()),
                    Span::raw(cert.serial.clone()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("   SANs ", theme::dim()),
                    Span::raw(if cert.sans.is_empty() {
                        "none".to_string()
                    } else {
                        text::sanitize(&cert.sans.join(", ")).into_owned()
                    }),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("   valid ", theme::dim()),
                    Span::raw(format!(
                        "{} to {}",
                        date(cert.not_before),
                        date(cert.not_after)
                    )),
                ]));
            }
            PemBlock::PrivateKey { label } => lines.push(Line::from(vec![
                Span::styled("   private key ", theme::dim()),
                Span::raw(format!("({label}): masked like the value")),
            ])),
            PemBlock::Unreadable { label, reason } => lines.push(Line::from(vec![
                Span::styled(format!("   {label}: "), theme::error()),
                Span::raw(text::sanitize(reason).into_owned()),
            ])),
            PemBlock::Other { label } => lines.push(Line::styled(
                format!("   {} block (not decoded)", text::sanitize(label)),
                theme::dim(),
            )),
        }
    }
    lines
}

/// A line cut to `columns` display columns, `…` where it was cut (a cut serial or name must not
/// pass for a whole one).
fn fit(line: Line<'static>, columns: usize) -> Line<'static> {
    let mut used = 0;
    let mut spans = Vec::new();
    for span in line.spans {
        let width = unicode_width::UnicodeWidthStr::width(span.content.as_ref());
        if used + width <= columns {
            used += width;
            spans.push(span);
            continue;
        }
        let cut = text::first_line_fit(&format!("{} ", span.content), columns - used);
        spans.push(Span::styled(cut, span.style));
        break;
    }
    Line::from(spans)
}

fn date(t: ::time::OffsetDateTime) -> String {
    let format = ::time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&format).unwrap_or_default()
}
