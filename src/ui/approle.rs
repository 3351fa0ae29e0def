//! The AppRole browser: roles on the left; the selected role's role-id, settings and secret-id
//! accessors on the right; a generated secret-id (masked unless revealed) and the questions
//! (wrapping TTL, destroy) at the bottom.

use super::dialog::{hint_if_empty, input_spans, panel_area, wrapped_height};
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::approle_browser::{AppRoleBrowser, BrowserFocus, Prompt};
use crate::app::input::TextInput;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::state::Loadable;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

fn loading_line<T>(app: &App, what: &Loadable<T>, name: &str) -> Option<Line<'static>> {
    match what {
        Loadable::Loading => Some(Line::styled(
            format!("{} loading {name}…", spinner(app)),
            theme::dim(),
        )),
        Loadable::Failed(reason) => Some(Line::styled(
            format!("{name}: {}", sanitize(reason)),
            theme::error(),
        )),
        Loadable::Ready(_) => None,
    }
}

/// Keeps the cursor row on screen: the first row to draw.
fn window_start(cursor: usize, rows: usize) -> usize {
    if rows == 0 {
        return 0;
    }
    cursor.saturating_sub(rows - 1)
}

fn roles_lines(app: &App, browser: &AppRoleBrowser, rows: usize) -> Vec<Line<'static>> {
    if let Some(line) = loading_line(app, &browser.roles, "roles") {
        return vec![line];
    }
    let Loadable::Ready(roles) = &browser.roles else {
        return Vec::new();
    };
    if roles.is_empty() {
        return vec![Line::styled("no roles on this mount", theme::dim())];
    }
    let start = window_start(browser.role_cursor, rows);
    roles
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(index, role)| {
            let selected = index == browser.role_cursor;
            let style = if selected {
                theme::selected(browser.focus == BrowserFocus::Roles)
            } else {
                ratatui::style::Style::new()
            };
            Line::styled(
                format!("{} {}", if selected { "›" } else { " " }, sanitize(role)),
                style,
            )
        })
        .collect()
}

fn detail_lines(app: &App, browser: &AppRoleBrowser) -> Vec<Line<'static>> {
    let Some(detail) = &browser.detail else {
        return vec![Line::styled("Select a role.", theme::dim())];
    };
    let mut lines = vec![Line::styled(
        format!("Role {}", sanitize(&detail.role)),
        theme::title(),
    )];
    match &detail.role_id {
        Loadable::Ready(role_id) => lines.push(Line::from(vec![
            Span::styled(format!("  {:<24}", "role_id"), theme::dim()),
            Span::raw(sanitize(role_id).into_owned()),
        ])),
        other => lines.extend(loading_line(app, other, "role-id")),
    }
    match &detail.settings {
        Loadable::Ready(settings) => {
            for setting in settings {
                let Some(value) = setting_text(&setting.name, &setting.value) else {
                    continue;
                };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {}", super::text::pad(&setting.name, 24)),
                        theme::dim(),
                    ),
                    Span::raw(sanitize(&value).into_owned()),
                ]));
            }
        }
        other => lines.extend(loading_line(app, other, "settings")),
    }
    lines.push(Line::raw(""));
    match &detail.accessors {
        Loadable::Ready(accessors) => {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("Secret-id accessors ({})", accessors.len()),
                    theme::title(),
                ),
                Span::styled("  accessor · created · expires · uses", theme::dim()),
            ]));
            if accessors.is_empty() {
                lines.push(Line::styled("  none: no live secret-ids", theme::dim()));
            }
            for (index, accessor) in accessors.iter().enumerate() {
                let selected =
                    index == browser.accessor_cursor && browser.focus == BrowserFocus::Accessors;
                let expires = if accessor.expiration_time.is_empty()
                    || accessor.expiration_time.starts_with("0001")
                {
                    "no expiry".to_string()
                } else {
                    format!("expires {}", short_time(&accessor.expiration_time))
                };
                let uses = if accessor.secret_id_num_uses == 0 {
                    "uses ∞".to_string()
                } else {
                    format!("uses {}", accessor.secret_id_num_uses)
                };
                let style = if selected {
                    theme::selected(true)
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::styled(
                    format!(
                        "{} {}  {}  {expires}  {uses}",
                        if selected { "›" } else { " " },
                        sanitize(&accessor.accessor),
                        short_time(&accessor.creation_time)
                    ),
                    style,
                ));
            }
        }
        other => lines.extend(loading_line(app, other, "secret-id accessors")),
    }
    lines
}

/// A role setting as shown, `None` for one left out: durations (`*_ttl`, `*period`) read `1h`,
/// `30m`; a zero that means "no limit" says so; other unset or zero settings are left out.
fn setting_text(name: &str, value: &str) -> Option<String> {
    match (name, value) {
        ("secret_id_ttl", "0") => return Some("0 (never expires)".into()),
        ("secret_id_num_uses", "0") => return Some("0 (unlimited uses)".into()),
        (_, "" | "0") => return None,
        _ => {}
    }
    if (name.ends_with("_ttl") || name.ends_with("period"))
        && let Ok(seconds) = value.parse::<u64>()
    {
        return Some(super::time::duration(seconds));
    }
    Some(value.to_string())
}

/// `2026-11-23T05:40:33.123Z` as `2026-11-23 05:40`.
fn short_time(text: &str) -> String {
    let trimmed: String = text.chars().take(16).collect();
    trimmed.replace('T', " ")
}

/// The wrapping TTL question (the AppRole browser's and the wrap dialog's): "Wrap WHAT for how
/// long?", the field, and its keys in `scope`; with `denied` the submit key is struck through.
pub(super) fn wrap_ttl_line(
    what: &str,
    input: &TextInput,
    keymap: &Keymap,
    scope: Scope,
    submit_word: &str,
    denied: bool,
) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("Wrap {what} for how long (5m, 1h30m, 90s)? "),
        theme::key(),
    )];
    spans.extend(input_spans(input, true));
    let submit = format!("{} {submit_word}", keymap.key(scope, Command::Submit));
    spans.push(Span::raw("  "));
    if denied {
        spans.push(Span::styled(
            submit,
            theme::dim().add_modifier(ratatui::style::Modifier::CROSSED_OUT),
        ));
    } else {
        spans.push(Span::styled(submit, theme::dim()));
    }
    spans.push(Span::styled(
        format!(" · {} cancels", keymap.key(scope, Command::Cancel)),
        theme::dim(),
    ));
    Line::from(spans)
}

fn bottom_lines(browser: &AppRoleBrowser, keymap: &Keymap) -> Vec<Line<'static>> {
    let key = |command| keymap.key(Scope::AppRole, command);
    let mut lines = Vec::new();
    if let Some(generated) = &browser.generated {
        let what = if generated.wrapped {
            "Wrapping token"
        } else {
            "Secret-id"
        };
        let value = if generated.revealed {
            Span::styled(generated.secret.expose().to_string(), theme::revealed())
        } else {
            Span::styled(
                format!(
                    "•••••• ({})",
                    super::text::count(generated.secret.expose().chars().count(), "char", "chars")
                ),
                theme::masked(),
            )
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{what} for {} (shown once): ", sanitize(&generated.role)),
                theme::title(),
            ),
            value,
        ]));
        let mut facts = Vec::new();
        if let Some(accessor) = &generated.accessor {
            facts.push(format!("accessor {accessor}"));
        }
        if generated.ttl > 0 {
            facts.push(format!("ttl {}", super::time::duration(generated.ttl)));
        }
        if generated.wrapped {
            facts.push(format!(
                "works once: {}, AppRole, wrapped secret-id",
                keymap.key(Scope::Main, Command::Login)
            ));
        }
        facts.push(format!(
            "{} reveals · {} copies",
            key(Command::Reveal),
            key(Command::Copy)
        ));
        lines.push(Line::styled(
            format!("  {}", facts.join(" · ")),
            theme::dim(),
        ));
    }
    match &browser.prompt {
        Some(Prompt::WrapTtl(input)) => lines.push(wrap_ttl_line(
            "the secret-id",
            input,
            keymap,
            Scope::WrapTtl,
            "generates",
            false,
        )),
        Some(Prompt::Destroy { accessor, question }) => {
            lines.push(Line::styled(
                format!(
                    "Destroy the secret-id of accessor {}? It stops working at once.",
                    sanitize(accessor)
                ),
                theme::error(),
            ));
            lines.extend(super::confirm::question_lines(question, keymap));
        }
        None => {}
    }
    if browser.busy {
        lines.push(Line::styled("Working…", theme::dim()));
    }
    if let Some(error) = &browser.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    hint_if_empty(
        &mut lines,
        format!(
            "{} generates a secret-id, {} a wrapped one; {} goes to the accessors ({} destroys one) · {} closes",
            key(Command::Generate),
            key(Command::GenerateWrapped),
            key(Command::SwitchList),
            key(Command::Destroy),
            key(Command::Close)
        ),
    );
    lines
}

pub fn draw(frame: &mut Frame, app: &App, browser: &AppRoleBrowser) {
    let area = panel_area(frame);
    let mount = browser.mount().unwrap_or("…").to_string();
    let mounts = match &browser.mounts {
        Loadable::Ready(list) if list.len() > 1 => {
            format!(
                " ({} of {}, {} next)",
                browser.mount + 1,
                list.len(),
                app.keymap.key(Scope::AppRole, Command::NextMount)
            )
        }
        _ => String::new(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            format!(
                " AppRole · auth/{}{mounts} ",
                sanitize(mount.trim_end_matches('/'))
            ),
            theme::title(),
        ));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bottom = bottom_lines(browser, &app.keymap);
    let bottom_rows = wrapped_height(&bottom, inner.width);
    let [top, bottom_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(bottom_rows + 1)]).areas(inner);
    let [roles_area, detail_area] =
        Layout::horizontal([Constraint::Length(26), Constraint::Min(10)]).areas(top);
    let roles_block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(theme::border(false));
    let rows = roles_block.inner(roles_area).height as usize;
    let mut roles = vec![Line::styled("Roles", theme::title())];
    roles.extend(roles_lines(app, browser, rows.saturating_sub(1)));
    frame.render_widget(Paragraph::new(roles).block(roles_block), roles_area);
    if let Some(line) = loading_line(app, &browser.mounts, "AppRole mounts") {
        frame.render_widget(
            Paragraph::new(line),
            detail_area.inner(ratatui::layout::Margin::new(1, 0)),
        );
    } else {
        frame.render_widget(
            Paragraph::new(detail_lines(app, browser)).wrap(Wrap { trim: false }),
            detail_area.inner(ratatui::layout::Margin::new(1, 0)),
        );
    }
    let bottom_block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme::border(false));
    frame.render_widget(
        Paragraph::new(bottom)
            .block(bottom_block)
            .wrap(Wrap { trim: false }),
        bottom_area,
    );
}
