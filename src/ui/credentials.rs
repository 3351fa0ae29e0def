//! The credentials view: the request (path, method, fields), then the answer with its values
//! masked until revealed and its lease counting down; renew and revoke struck through when the
//! lease or the token does not allow them.

use super::dialog::{input_spans, panel_area};
use super::text::{first_line_fit, sanitize};
use super::{spinner, theme};
use crate::app::App;
use crate::app::credentials::{
    CredentialsForm, CredentialsScreen, FormField, Issued, lease_action_refused,
};
use crate::app::keymap::{Command, Scope};
use crate::app::state::format_ttl;
use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, app: &App, screen: &CredentialsScreen) {
    let area = panel_area(frame);
    let title = format!(
        " Credentials: {} ({}) ",
        sanitize(&screen.mount),
        sanitize(&screen.engine)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(title, theme::title()));
    let inner_width = usize::from(area.width.saturating_sub(2));
    let mut lines = match &screen.stage {
        crate::app::credentials::Stage::Ask(form) => form_lines(app, screen, form, true),
        crate::app::credentials::Stage::Issuing(form) => {
            let mut lines = form_lines(app, screen, form, false);
            lines.push(Line::styled(
                format!("{} asking the engine…", spinner(app)),
                theme::dim(),
            ));
            lines
        }
        crate::app::credentials::Stage::Shown(issued) => issued_lines(app, issued, inner_width),
    };
    if let Some((kind, text)) = &screen.message {
        let (mark, style) = theme::status(*kind);
        lines.push(Line::styled(format!("{mark}{}", sanitize(text)), style));
    }
    if let Some(question) = screen.issued().and_then(|i| i.confirm.as_ref()) {
        lines.push(Line::styled(
            "Revoke the lease? The credentials stop working at once.",
            theme::warning(),
        ));
        lines.extend(super::confirm::question_lines(question, &app.keymap));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn form_lines(
    app: &App,
    screen: &CredentialsScreen,
    form: &CredentialsForm,
    active: bool,
) -> Vec<Line<'static>> {
    let label = |text: &str, field: FormField| {
        let style = if active && form.focus == field {
            theme::key()
        } else {
            theme::dim()
        };
        Span::styled(format!(" {text:<8}"), style)
    };
    let mut path = vec![
        label("Path", FormField::Path),
        Span::styled(sanitize(&screen.mount).into_owned(), theme::dim()),
    ];
    path.extend(input_spans(
        &form.path,
        active && form.focus == FormField::Path,
    ));
    let choice = |on: bool, text: &str| {
        let style = if on { theme::key() } else { theme::dim() };
        Span::styled(format!("({}) {text}  ", if on { "•" } else { " " }), style)
    };
    let mut lines = vec![
        Line::styled(
            format!(
                "Ask {} for credentials at a path under it (e.g. creds/<role>).",
                sanitize(&screen.mount)
            ),
            theme::dim(),
        ),
        Line::from(path),
        Line::from(vec![
            label("Method", FormField::Method),
            choice(!form.write, "read (GET)"),
            choice(form.write, "write (POST with fields)"),
        ]),
    ];
    if form.write {
        let mut fields = vec![label("Fields", FormField::Fields)];
        fields.extend(input_spans(
            &form.fields,
            active && form.focus == FormField::Fields,
        ));
        lines.push(Line::from(fields));
        lines.push(Line::styled(
            "          key=value, separated by spaces (e.g. ip=10.0.0.5 for ssh OTP)",
            theme::dim(),
        ));
    }
    if active {
        let toggle = app.keymap.key(Scope::CredentialsForm, Command::Toggle);
        lines.push(Line::styled(
            format!(
                "Some engines issue on read (database/creds/<role>), some on write \
                 (ssh/creds/<role>): {toggle} on the method switches."
            ),
            theme::dim(),
        ));
    }
    lines
}

fn issued_lines(app: &App, issued: &Issued, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("From {}", sanitize(&issued.path)),
        theme::title(),
    )];
    let key_width = issued
        .entries
        .iter()
        .map(|e| unicode_width::UnicodeWidthStr::width(e.key.as_str()))
        .max()
        .unwrap_or(3)
        .clamp(3, 24);
    let header = if issued.revealed {
        "VALUE"
    } else {
        "VALUE (masked)"
    };
    if issued.entries.is_empty() {
        lines.push(Line::styled("  (no values in the answer)", theme::dim()));
    } else {
        lines.push(Line::styled(
            format!("  {}  {header}", super::text::pad("KEY", key_width)),
            theme::dim(),
        ));
    }
    let value_width = width.saturating_sub(key_width + 6).max(4);
    for (index, entry) in issued.entries.iter().enumerate() {
        let selected = index == issued.cursor;
        let mut spans = vec![
            Span::raw(if selected { "› " } else { "  " }),
            Span::raw(format!(
                "{}  ",
                super::text::pad(&sanitize(&entry.key), key_width)
            )),
        ];
        if issued.revealed {
            let value = entry.value.expose();
            let more = value.lines().count().saturating_sub(1);
            let first = first_line_fit(value, value_width);
            spans.push(Span::styled(first, theme::revealed()));
            if more > 0 {
                spans.push(Span::styled(
                    format!(" (+{})", super::text::count(more, "line", "lines")),
                    theme::dim(),
                ));
            }
        } else {
            spans.push(Span::styled(theme::MASK, theme::masked()));
        }
        let line = Line::from(spans);
        lines.push(if selected {
            theme::select(line, true)
        } else {
            line
        });
    }
    lines.push(Line::raw(""));
    match &issued.lease {
        None => lines.push(Line::styled(
            "No lease: nothing to renew or revoke.",
            theme::dim(),
        )),
        Some(lease) => {
            lines.push(Line::from(vec![
                Span::styled(" Lease   ", theme::dim()),
                Span::raw(sanitize(&lease.id).into_owned()),
            ]));
            let left = lease.remaining(app.clock);
            let (ttl, style) = if lease.revoked {
                ("revoked".to_string(), theme::error())
            } else if !lease.expires {
                ("does not expire".to_string(), ratatui::style::Style::new())
            } else if left == 0 {
                ("expired".to_string(), theme::error())
            } else {
                (
                    format!("{} left", format_ttl(left)),
                    ratatui::style::Style::new(),
                )
            };
            lines.push(Line::from(vec![
                Span::styled(" TTL     ", theme::dim()),
                Span::styled(ttl, style),
                Span::styled(
                    if lease.renewable {
                        " · renewable"
                    } else {
                        " · not renewable"
                    },
                    theme::dim(),
                ),
            ]));
            let mut actions = Vec::new();
            for command in [Command::Renew, Command::Revoke] {
                let key = app.keymap.key(Scope::Credentials, command);
                let hint = app
                    .keymap
                    .hint(Scope::Credentials, command)
                    .unwrap_or_default();
                match lease_action_refused(command, lease, issued.capabilities.as_ref(), app.clock)
                {
                    None => {
                        actions.push(Span::styled(key, theme::key()));
                        actions.push(Span::styled(format!(" {hint}  "), theme::dim()));
                    }
                    Some(why) => {
                        actions.push(Span::styled(
                            format!("{key} {hint}"),
                            theme::dim().add_modifier(Modifier::CROSSED_OUT),
                        ));
                        actions.push(Span::styled(format!(" ({why})  "), theme::dim()));
                    }
                }
            }
            lines.push(Line::from(actions));
        }
    }
    lines
}
