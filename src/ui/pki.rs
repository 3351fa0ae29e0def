//! The PKI screen: the three lists as tabs (issuers and roles with the selection's details beside
//! them, certificates as a table), an opened certificate's summary, a certificate just issued
//! (its key masked), and at the bottom the question or form, errors, and what the token may not
//! do (struck through, with the capability and path it lacks). Only the rows on screen are drawn.

use super::dialog::{input_spans, panel_area, wrapped_height};
use super::text::{pad, sanitize};
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Scope};
use crate::app::pki::{CertRow, ISSUE_FIELDS, Issued, PkiList, PkiScreen, Prompt, View, list_rows};
use crate::app::state::Loadable;
use crate::certs::{self, CertSummary, Validity};
use crate::vault::VaultError;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// Whether a spinner turns (something is being read or done).
pub fn animated(screen: &PkiScreen) -> bool {
    screen.busy
        || matches!(screen.issuers, Loadable::Loading)
        || matches!(screen.roles, Loadable::Loading)
        || matches!(screen.serials, Loadable::Loading)
}

fn now(app: &App) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(app.now_unix())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn validity_style(validity: Validity) -> Style {
    match validity {
        Validity::Expired(_) => theme::error(),
        Validity::Soon(_) | Validity::NotYet(_) => theme::warning(),
        Validity::Valid(_) => theme::ok(),
    }
}

fn failed_line<T>(app: &App, what: &Loadable<T, VaultError>, name: &str) -> Option<Line<'static>> {
    match what {
        Loadable::Loading => Some(Line::styled(
            format!("{} loading {name}…", spinner(app)),
            theme::dim(),
        )),
        Loadable::Failed(error) => Some(Line::styled(
            format!(
                "{name}: {}",
                sanitize(&crate::app::errors::error_text(&app.keymap, error))
            ),
            theme::error(),
        )),
        Loadable::Ready(_) => None,
    }
}

fn tabs(screen: &PkiScreen) -> Line<'static> {
    let mut spans = Vec::new();
    for (index, list) in PkiList::ALL.into_iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" │ ", theme::dim()));
        }
        let count = match list {
            PkiList::Issuers => count_of(&screen.issuers),
            PkiList::Roles => count_of(&screen.roles),
            PkiList::Certs => count_of(&screen.serials),
        };
        let style = if list == screen.list && screen.view == View::Lists {
            theme::selected(true)
        } else {
            theme::title()
        };
        spans.push(Span::styled(format!("{}{count}", list.title()), style));
    }
    Line::from(spans)
}

fn count_of<T>(list: &Loadable<Vec<T>, VaultError>) -> String {
    match list {
        Loadable::Ready(items) => format!(" ({})", items.len()),
        Loadable::Loading => " (…)".into(),
        Loadable::Failed(_) => " (!)".into(),
    }
}

/// One selectable row.
fn row(text: String, selected: bool) -> Line<'static> {
    let line = Line::raw(format!("{} {text}", if selected { "›" } else { " " }));
    if selected {
        theme::select(line, true)
    } else {
        line
    }
}

fn issuer_name(issuer: &crate::vault::pki::Issuer) -> String {
    let (name, marker) = issuer_parts(issuer);
    format!("{name}{marker}")
}

/// An issuer's name (its id when unnamed) and the " (default)" marker, apart: a narrow list
/// shortens the name and keeps the marker.
fn issuer_parts(issuer: &crate::vault::pki::Issuer) -> (String, &'static str) {
    let name = if issuer.name.is_empty() {
        issuer.id.clone()
    } else {
        issuer.name.clone()
    };
    (name, if issuer.is_default { " (default)" } else { "" })
}

fn cert_lines(cert: &CertSummary, now: time::OffsetDateTime) -> Vec<Line<'static>> {
    let validity = cert.validity(now);
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("  {}", pad(name, 11)), theme::dim()),
            Span::raw(sanitize(&value).into_owned()),
        ])
    };
    vec![
        Line::from(vec![
            Span::styled(validity.describe(), validity_style(validity)),
            Span::raw("  "),
            Span::raw(sanitize(&cert.subject).into_owned()),
            Span::styled(if cert.is_ca { " (CA)" } else { "" }, theme::dim()),
        ]),
        field("issuer", cert.issuer.clone()),
        field("key", cert.key.clone()),
        field("serial", cert.serial.clone()),
        field(
            "SANs",
            if cert.sans.is_empty() {
                "none".into()
            } else {
                cert.sans.join(", ")
            },
        ),
        field("not after", date(cert.not_after)),
        field("not before", date(cert.not_before)),
    ]
}

fn date(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&format).unwrap_or_default()
}

fn issuer_detail(app: &App, screen: &PkiScreen) -> Vec<Line<'static>> {
    let Some(issuer) = screen.selected_issuer() else {
        return vec![Line::styled("No issuer selected.", theme::dim())];
    };
    let mut lines = vec![
        Line::styled(
            format!("Issuer {}", sanitize(&issuer_name(issuer))),
            theme::title(),
        ),
        Line::from(vec![
            Span::styled(format!("  {}", pad("id", 11)), theme::dim()),
            Span::raw(sanitize(&issuer.id).into_owned()),
        ]),
    ];
    if let Some(error) = &issuer.error {
        lines.push(Line::styled(
            format!("  could not be read: {}", sanitize(error)),
            theme::error(),
        ));
    }
    if let Some(cert) = &issuer.cert {
        lines.extend(cert_lines(cert, now(app)));
    }
    lines
}

fn role_detail(app: &App, screen: &PkiScreen, width: usize) -> Vec<Line<'static>> {
    let Some((role, settings)) = &screen.role else {
        return vec![Line::styled("No role selected.", theme::dim())];
    };
    let mut lines = vec![Line::styled(
        format!("Role {}", sanitize(role)),
        theme::title(),
    )];
    if let Some(line) = failed_line(app, settings, "settings") {
        lines.push(line);
        return lines;
    }
    let Loadable::Ready(settings) = settings else {
        return lines;
    };
    // The settings that say what the role issues first; then the rest that are set.
    const FIRST: [&str; 8] = [
        "allowed_domains",
        "allow_subdomains",
        "allow_any_name",
        "allow_ip_sans",
        "max_ttl",
        "ttl",
        "key_type",
        "key_bits",
    ];
    let ordered = FIRST
        .iter()
        .filter_map(|name| settings.iter().find(|s| s.name == *name))
        .chain(
            settings
                .iter()
                .filter(|s| !FIRST.contains(&s.name.as_str()) && !s.value.is_empty()),
        );
    let ordered: Vec<_> = ordered.collect();
    // The names' column as wide as the longest name shown; a long value wraps under itself.
    let name_w = ordered
        .iter()
        .map(|s| crate::app::width::width(&s.name))
        .max()
        .unwrap_or(0)
        .min(26);
    let value_w = width.saturating_sub(name_w + 3).max(8);
    for setting in ordered {
        let value = if setting.name.ends_with("ttl")
            && let Ok(seconds) = setting.value.parse::<u64>()
        {
            if seconds == 0 {
                "0 (the mount's default)".to_string()
            } else {
                super::time::duration(seconds)
            }
        } else {
            setting.value.clone()
        };
        let value = sanitize(&value).into_owned();
        for (index, range) in crate::app::width::wrap_rows(&value, value_w)
            .into_iter()
            .enumerate()
        {
            let name = if index == 0 {
                setting.name.as_str()
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", pad(name, name_w)), theme::dim()),
                Span::raw(value[range].to_string()),
            ]));
        }
    }
    lines
}

fn side_list(app: &App, screen: &PkiScreen, rows: usize, width: usize) -> Vec<Line<'static>> {
    let list = screen.list;
    let (names, failed): (Vec<(String, &str)>, Option<Line>) = match list {
        PkiList::Issuers => match &screen.issuers {
            Loadable::Ready(items) => (items.iter().map(issuer_parts).collect(), None),
            other => (Vec::new(), failed_line(app, other, "issuers")),
        },
        _ => match &screen.roles {
            Loadable::Ready(items) => (items.iter().map(|r| (r.clone(), "")).collect(), None),
            other => (Vec::new(), failed_line(app, other, "roles")),
        },
    };
    if let Some(line) = failed {
        return vec![line];
    }
    if names.is_empty() {
        let what = match list {
            PkiList::Issuers => "no issuers: no CA generated or imported yet",
            _ => "no roles on this mount",
        };
        return vec![Line::styled(what, theme::dim())];
    }
    let cursor = screen.cursor_of(list);
    names
        .iter()
        .enumerate()
        .skip(first_row(screen, list, rows))
        .take(rows)
        .map(|(index, (name, marker))| {
            let room = width.saturating_sub(3);
            let marker = if crate::app::width::width(marker) < room {
                *marker
            } else {
                ""
            };
            let name = super::text::first_line_fit(
                name,
                room.saturating_sub(crate::app::width::width(marker)),
            );
            row(format!("{name}{marker}"), index == cursor)
        })
        .collect()
}

/// Column widths of the certificates table: state, subject, serial. Each takes what the rows on
/// screen need (their widest) when there is room; else the subject keeps up to a third, the state
/// comes next and the serial gives way (cut with "…"); what is left goes to the subject.
fn columns(width: usize, (state, subject, serial): (usize, usize, usize)) -> (usize, usize, usize) {
    let gaps = 6;
    let subject_min = subject.max("subject".len()).min(width / 3);
    let room = width.saturating_sub(gaps + subject_min);
    let state = state.max("expiry".len()).min(room);
    let serial = serial.max("serial".len()).min(room.saturating_sub(state));
    let subject = width.saturating_sub(state + serial + gaps);
    (state, subject, serial)
}

fn cert_table(app: &App, screen: &PkiScreen, rows: usize, width: usize) -> Vec<Line<'static>> {
    let serials = match &screen.serials {
        Loadable::Ready(serials) => serials,
        other => {
            return failed_line(app, other, "certificates")
                .into_iter()
                .collect();
        }
    };
    if serials.is_empty() {
        return vec![Line::styled(
            "no certificates issued by this mount",
            theme::dim(),
        )];
    }
    let visible = || {
        serials
            .iter()
            .skip(first_row(screen, PkiList::Certs, rows))
            .take(rows)
    };
    let serial_need = visible()
        .map(|s| crate::app::width::width(s))
        .max()
        .unwrap_or(0);
    let state_need = visible()
        .map(|serial| cert_row(app, screen, serial).0)
        .map(|state| crate::app::width::width(&state))
        .max()
        .unwrap_or(0);
    let subject_need = visible()
        .map(|serial| crate::app::width::width(&cert_row(app, screen, serial).2))
        .max()
        .unwrap_or(0);
    let (state_w, subject_w, serial_w) = columns(
        width.saturating_sub(2),
        (state_need, subject_need, serial_need),
    );
    let mut lines = vec![Line::styled(
        format!(
            "  {}  {}  {}",
            pad("expiry", state_w),
            pad("subject", subject_w),
            pad("serial", serial_w)
        ),
        theme::dim(),
    )];
    let cursor = screen.cursor_of(PkiList::Certs);
    for (index, serial) in serials
        .iter()
        .enumerate()
        .skip(first_row(screen, PkiList::Certs, rows))
        .take(rows)
    {
        let selected = index == cursor;
        let (state, style, subject) = cert_row(app, screen, serial);
        let style = if selected {
            theme::on_selected(style, true)
        } else {
            style
        };
        let plain = if selected {
            theme::selected(true)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(if selected { "› " } else { "  " }, plain),
            Span::styled(pad(&state, state_w), style),
            Span::styled("  ", plain),
            Span::styled(pad(&subject, subject_w), plain),
            Span::styled("  ", plain),
            Span::styled(pad(serial, serial_w), plain),
        ]));
    }
    lines
}

/// A certificate row's state in words, its style, and the subject (or why it is unreadable).
fn cert_row(app: &App, screen: &PkiScreen, serial: &str) -> (String, Style, String) {
    let now = now(app);
    match screen.certs.get(serial) {
        Some(CertRow::Ready(cert)) => match (&cert.summary, cert.revoked_at) {
            (_, Some(_)) => (
                "REVOKED".to_string(),
                theme::error(),
                cert.summary
                    .as_ref()
                    .map(|s| s.subject.clone())
                    .unwrap_or_default(),
            ),
            (Some(summary), None) => {
                let validity = summary.validity(now);
                (
                    validity.describe(),
                    validity_style(validity),
                    summary.subject.clone(),
                )
            }
            (None, None) => (
                "not a readable certificate".into(),
                theme::error(),
                String::new(),
            ),
        },
        Some(CertRow::Failed(error)) => (
            "unreadable".into(),
            theme::error(),
            crate::app::errors::error_text(&app.keymap, error),
        ),
        Some(CertRow::Loading) | None => (
            format!("{} reading…", spinner(app)),
            theme::dim(),
            String::new(),
        ),
    }
}

fn opened_cert(app: &App, screen: &PkiScreen, serial: &str) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("Certificate {}", sanitize(serial)),
        theme::title(),
    )];
    match screen.certs.get(serial) {
        Some(CertRow::Ready(cert)) => {
            lines.push(match cert.revoked_at {
                Some(at) => Line::styled(
                    format!(
                        "REVOKED {}",
                        time::OffsetDateTime::from_unix_timestamp(at)
                            .map(date)
                            .unwrap_or_default()
                    ),
                    theme::error(),
                ),
                None => Line::styled("not revoked", theme::dim()),
            });
            match &cert.summary {
                Some(summary) => lines.extend(cert_lines(summary, now(app))),
                None => lines.push(Line::styled(
                    "the server's answer holds no readable certificate",
                    theme::error(),
                )),
            }
        }
        Some(CertRow::Failed(error)) => lines.push(Line::styled(
            sanitize(&crate::app::errors::error_text(&app.keymap, error)).into_owned(),
            theme::error(),
        )),
        Some(CertRow::Loading) | None => lines.push(Line::styled(
            format!("{} reading…", spinner(app)),
            theme::dim(),
        )),
    }
    lines
}

fn issued_lines(app: &App, issued: &Issued) -> Vec<Line<'static>> {
    let cert = &issued.cert;
    let key = |command| app.keymap.key(Scope::Pki, command);
    let mut lines = vec![Line::styled(
        format!(
            "Issued from role {}: serial {}",
            sanitize(&cert.role),
            sanitize(&cert.serial)
        ),
        theme::title(),
    )];
    // A TTL capped at the role's max_ttl, a name left out...: the server says so only here.
    for warning in &cert.warnings {
        lines.push(Line::styled(
            format!("The server warned: {}", sanitize(warning)),
            theme::warning(),
        ));
    }
    let mut key_line = vec![Span::styled(
        format!(
            "Private key{}: ",
            if cert.private_key_type.is_empty() {
                String::new()
            } else {
                format!(" ({})", sanitize(&cert.private_key_type))
            }
        ),
        theme::title(),
    )];
    if issued.revealed {
        lines.push(Line::from(key_line));
        for text in cert.private_key.expose().lines() {
            lines.push(Line::styled(sanitize(text).into_owned(), theme::revealed()));
        }
    } else {
        key_line.push(Span::styled(
            format!(
                "•••••• ({})",
                super::text::count(cert.private_key.expose().chars().count(), "char", "chars")
            ),
            theme::masked(),
        ));
        lines.push(Line::from(key_line));
    }
    lines.push(Line::styled(
        format!(
            "The private key is not stored anywhere: it will not be shown again after closing. \
             {} reveals it, {} copies it, {} copies the certificate and chain.",
            key(Command::Reveal),
            key(Command::CopyPrivateKey),
            key(Command::Copy)
        ),
        theme::warning(),
    ));
    lines.push(Line::raw(""));
    let blocks = certs::decode(&cert.full_chain());
    for (index, block) in blocks.iter().enumerate() {
        if let certs::PemBlock::Certificate(summary) = block {
            if index > 0 {
                lines.push(Line::styled("chain:", theme::dim()));
            }
            lines.extend(cert_lines(summary, now(app)));
        }
    }
    lines
}

/// A command drawn as offered, or struck through with why not.
fn offered(app: &App, command: Command, word: &str, denied: Option<String>) -> Vec<Span<'static>> {
    let key = app.keymap.key(Scope::Pki, command);
    match denied {
        None => vec![
            Span::styled(key, theme::key()),
            Span::raw(format!(" {word}")),
        ],
        Some(reason) => vec![
            Span::styled(
                format!("{key} {word}"),
                theme::dim().add_modifier(Modifier::CROSSED_OUT),
            ),
            Span::styled(format!(" ({})", sanitize(&reason)), theme::dim()),
        ],
    }
}

fn bottom_lines(app: &App, screen: &PkiScreen) -> Vec<Line<'static>> {
    let keymap = &app.keymap;
    let mut lines = Vec::new();
    match &screen.prompt {
        Some(Prompt::Revoke { serial, question }) => {
            lines.push(Line::styled(
                format!(
                    "Revoke certificate {}? It is put on the CRL; this cannot be undone.",
                    sanitize(serial)
                ),
                theme::error(),
            ));
            lines.extend(super::confirm::question_lines(question, keymap));
        }
        Some(Prompt::Issue(form)) => {
            lines.push(Line::styled(
                format!(
                    "Issue a certificate from role {} ({})",
                    sanitize(&form.role),
                    sanitize(&screen.issue_path(&form.role))
                ),
                theme::title(),
            ));
            for (index, name) in ISSUE_FIELDS.iter().enumerate() {
                let mut spans = vec![Span::styled(
                    format!("  {}", pad(name, 12)),
                    if index == form.focus {
                        theme::key()
                    } else {
                        theme::dim()
                    },
                )];
                spans.extend(input_spans(&form.fields[index], index == form.focus));
                if form.fields[index].text.is_empty() && index != form.focus {
                    spans.push(Span::styled(
                        match index {
                            0 => "app.example.com",
                            1 => "comma-separated, optional",
                            _ => "24h; empty: the role's default",
                        },
                        theme::dim(),
                    ));
                }
                lines.push(Line::from(spans));
            }
            if let Some(error) = &form.error {
                lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
            }
        }
        None => {
            let mut spans = Vec::new();
            let gap = || Span::raw("  ");
            match (&screen.view, screen.list) {
                (View::Issued(_), _) => {}
                (View::Cert(_), _) | (View::Lists, PkiList::Certs) => {
                    spans.extend(offered(app, Command::Copy, "copy PEM", None));
                    spans.push(gap());
                    spans.extend(offered(
                        app,
                        Command::Revoke,
                        "revoke",
                        screen.denied(&screen.revoke_path()),
                    ));
                }
                (View::Lists, PkiList::Roles) => {
                    if let Some(role) = screen.selected_role() {
                        spans.extend(offered(
                            app,
                            Command::Issue,
                            "issue",
                            screen.denied(&screen.issue_path(role)),
                        ));
                    }
                }
                (View::Lists, PkiList::Issuers) => {}
            }
            if !spans.is_empty() {
                lines.push(Line::from(spans));
            }
        }
    }
    if screen.busy {
        lines.push(Line::styled(
            format!("{} working…", spinner(app)),
            theme::dim(),
        ));
    }
    if let Some(error) = &screen.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    lines
}

pub fn draw(frame: &mut Frame, app: &App, screen: &PkiScreen) {
    let area = panel_area(frame);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            format!(" PKI · {} ", sanitize(&screen.mount)),
            theme::title(),
        ));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = list_rows(frame.area().height);
    let bottom = bottom_lines(app, screen);
    let [tab_area, body, bottom_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(wrapped_height(&bottom, inner.width).max(1) + 1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(tabs(screen)), tab_area);
    match &screen.view {
        View::Cert(serial) => draw_detail(frame, screen, opened_cert(app, screen, serial), body),
        View::Issued(issued) => draw_detail(frame, screen, issued_lines(app, issued), body),
        View::Lists => draw_lists(frame, app, screen, body, rows),
    }
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

/// An opened or issued certificate, scrolled (the keymap's line, page, top and bottom keys); what
/// is beyond the pane is recorded for the keys (and the footer offers them then).
fn draw_detail(frame: &mut Frame, screen: &PkiScreen, lines: Vec<Line<'static>>, body: Rect) {
    let area = body.inner(Margin::new(1, 0));
    // Words wrap at spaces: a wrapped line may take a row more than its width says.
    let slack = lines
        .iter()
        .filter(|line| line.width() > usize::from(area.width.max(1)))
        .count() as u16;
    let total = wrapped_height(&lines, area.width).saturating_add(slack);
    let overflow = total.saturating_sub(area.height);
    screen.detail_overflow.set(overflow);
    let scroll = screen.detail_scroll.min(overflow);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// The first row drawn: the state's, moved down when the pane is shorter than the state counted
/// (a taller question at the bottom) so that the selected row stays on screen.
fn first_row(screen: &PkiScreen, list: PkiList, rows: usize) -> usize {
    let (scroll, cursor) = (screen.scroll(list), screen.cursor_of(list));
    if cursor >= scroll + rows {
        cursor + 1 - rows.max(1)
    } else {
        scroll
    }
}

fn draw_lists(frame: &mut Frame, app: &App, screen: &PkiScreen, body: Rect, _rows: usize) {
    // Every row the pane has (below the table's header), none left empty at the bottom.
    let rows = usize::from(body.height.saturating_sub(1)).max(1);
    if screen.list == PkiList::Certs {
        frame.render_widget(
            Paragraph::new(cert_table(app, screen, rows, usize::from(body.width))),
            body,
        );
        return;
    }
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(35), Constraint::Min(10)]).areas(body);
    let left_block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(theme::border(false));
    frame.render_widget(
        Paragraph::new(side_list(app, screen, rows, usize::from(left.width))).block(left_block),
        left,
    );
    let detail = match screen.list {
        PkiList::Issuers => issuer_detail(app, screen),
        _ => role_detail(app, screen, usize::from(right.width.saturating_sub(2))),
    };
    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: false }),
        right.inner(Margin::new(1, 0)),
    );
}
