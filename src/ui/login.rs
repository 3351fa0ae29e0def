//! The login dialog: method and AppRole way as choices, the fields (secrets masked unless
//! revealed), "save as default token", why it opened, and the server's reason when a login fails.

use super::dialog::{frame_dialog, input_spans, masked_spans};
use super::text::sanitize;
use super::theme;
use crate::app::App;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::login::{AppRoleWay, Field, LoginForm};
use crate::vault::AuthMethod;
use ratatui::Frame;
use ratatui::text::{Line, Span};

const LABEL_WIDTH: usize = 22;

fn choice_spans<T: Copy + PartialEq>(
    all: &[T],
    current: T,
    label: fn(T) -> &'static str,
    focused: bool,
    keymap: &Keymap,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (index, item) in all.iter().enumerate() {
        if index > 0 {
            spans.push(Span::raw("  "));
        }
        let text = label(*item);
        if *item == current {
            spans.push(Span::styled(format!("[{text}]"), theme::selected(focused)));
        } else {
            spans.push(Span::styled(format!(" {text} "), theme::dim()));
        }
    }
    if focused {
        let key = |command| keymap.key(Scope::Login, command);
        spans.push(Span::styled(
            format!(
                "   {} {}",
                key(Command::PreviousChoice),
                key(Command::NextChoice)
            ),
            theme::dim(),
        ));
    }
    spans
}

pub fn draw(frame: &mut Frame, app: &App, form: &LoginForm) {
    if let Some(wait) = &form.oidc {
        return super::login_oidc::draw(frame, app, wait);
    }
    let keymap = &app.keymap;
    let profile = app.profile != crate::app::picker::COMMAND_LINE;
    let mut lines = Vec::new();
    if let Some(reason) = &form.reason {
        let text = reason.text_naming(form.save_to.as_ref(), profile, app.clock);
        lines.push(Line::styled(sanitize(&text).into_owned(), theme::warning()));
        lines.push(Line::raw(""));
    }
    // What is presented without being typed (TRESOR_JWT, the client certificate) sits with the
    // fields, before "Save token".
    let source_line = credential_source_line(app, form);
    for field in form.fields() {
        if field == Field::SaveDefault
            && let Some(line) = &source_line
        {
            lines.push(line.clone());
        }
        lines.push(field_line(form, field, keymap));
    }
    if !form.fields().contains(&Field::SaveDefault)
        && let Some(line) = source_line
    {
        lines.push(line);
    }
    if form.method == AuthMethod::Oidc {
        let callback = &app.login_defaults.oidc;
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Enter opens your browser; tresor listens on {} for its answer. The role must \
                 allow the redirect URI {}.",
                sanitize(&callback.listen_on()),
                callback.redirect_uri()
            ),
            theme::dim(),
        ));
    }
    if let Some(error) = &form.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    if form.busy {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Logging in…  ({} stops waiting)",
                keymap.key(Scope::Login, Command::Cancel)
            ),
            theme::dim(),
        ));
    }
    if !form.hints.is_empty() {
        lines.push(Line::raw(""));
        for hint in &form.hints {
            lines.push(Line::styled(sanitize(hint).into_owned(), theme::dim()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(keys_line(keymap), theme::dim()));
    frame_dialog(frame, "Log in", lines, 100, false);
}

/// One field: its label (marked when focused) and its value, choice or check box.
fn field_line(form: &LoginForm, field: Field, keymap: &Keymap) -> Line<'static> {
    let focused = form.focus == field;
    let marker = if focused { "▸ " } else { "  " };
    let mut spans = vec![Span::styled(
        format!("{marker}{:<LABEL_WIDTH$}", field.label()),
        if focused { theme::key() } else { theme::dim() },
    )];
    match field {
        Field::Method => spans.extend(choice_spans(
            &AuthMethod::ALL,
            form.method,
            AuthMethod::label,
            focused,
            keymap,
        )),
        Field::Way => spans.extend(choice_spans(
            &[AppRoleWay::Push, AppRoleWay::Wrapped, AppRoleWay::Pull],
            form.way,
            AppRoleWay::label,
            focused,
            keymap,
        )),
        Field::SaveDefault => spans.push(Span::styled(
            format!(
                "[{}] {}, as `bao login` does",
                if form.save_default { "x" } else { " " },
                match &form.save_to {
                    Some(crate::config::TokenStore::File(path)) => format!(
                        "write it to {} (0600)",
                        sanitize(&path.display().to_string())
                    ),
                    Some(store) => format!("keep it with {}", sanitize(&store.describe())),
                    None => String::new(),
                }
            ),
            if focused {
                theme::selected(true)
            } else {
                theme::dim()
            },
        )),
        field => {
            let input = form.input(field).cloned().unwrap_or_default();
            if field.masked() && !form.revealed {
                spans.extend(masked_spans(input.text.chars().count(), focused));
            } else {
                spans.extend(input_spans(&input, focused));
            }
            if field == Field::RunnerRoleId && input.text.is_empty() && !focused {
                spans.push(Span::styled(
                    "(empty: read with the worker's token)",
                    theme::dim(),
                ));
            }
            if field == Field::Role && input.text.is_empty() && !focused {
                spans.push(Span::styled(
                    "(empty: the mount's default role)",
                    theme::dim(),
                ));
            }
        }
    }
    Line::from(spans)
}

/// What a JWT or certificate login presents that is not typed here: the JWT from `TRESOR_JWT`,
/// or the connection's client certificate (or that there is none).
fn credential_source_line(app: &App, form: &LoginForm) -> Option<Line<'static>> {
    let label = |text: &str| Span::styled(format!("  {text:<LABEL_WIDTH$}"), theme::dim());
    match form.method {
        AuthMethod::Jwt => form
            .jwt_from_env
            .as_ref()
            .map(|_| Line::from(vec![label("JWT"), Span::raw("from TRESOR_JWT (not shown)")])),
        AuthMethod::Cert => Some(match &app.connection.client_certificate {
            Some(file) => Line::from(vec![
                label("Certificate"),
                Span::raw(sanitize(&file.display().to_string()).into_owned()),
            ]),
            None => Line::from(vec![
                label("Certificate"),
                Span::styled(
                    "none: start with --client-cert and --client-key (or BAO_CLIENT_CERT/KEY)",
                    theme::warning(),
                ),
            ]),
        }),
        _ => None,
    }
}

/// The closing line: every key of the dialog, named from the keymap.
fn keys_line(keymap: &Keymap) -> String {
    let key = |command| keymap.key(Scope::Login, command);
    format!(
        "{} logs in · {} fields · {} choices · {} reveal · {} log out · {} closes",
        key(Command::Submit),
        keymap.pair(Scope::Login, Command::NextField, Command::PreviousField),
        keymap.pair(Scope::Login, Command::PreviousChoice, Command::NextChoice),
        key(Command::Reveal),
        key(Command::Logout),
        key(Command::Cancel),
    )
}
