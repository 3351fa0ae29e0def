//! The login dialog while an OIDC sign-in waits for the browser: the provider's URL (whole, to
//! open by hand or copy), whether a browser was opened, where tresor listens, the countdown and
//! the keys.

use super::dialog::frame_dialog;
use super::text::sanitize;
use super::theme;
use crate::app::App;
use crate::app::keymap::{Command, Scope};
use crate::app::login::oidc::{OidcWait, countdown};
use ratatui::Frame;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, app: &App, wait: &OidcWait) {
    let keymap = &app.keymap;
    let key = |command| keymap.key(Scope::OidcWait, command);
    let callback = &wait.request.callback;
    let mut lines = vec![
        Line::raw(format!(
            "Sign in with your identity provider in the browser (auth mount {}{}).",
            sanitize(&wait.request.mount),
            if wait.request.role.is_empty() {
                ", the mount's default role".to_string()
            } else {
                format!(", role {}", sanitize(&wait.request.role))
            }
        )),
        Line::styled(
            format!(
                "tresor waits for its answer on {} (redirect URI {}).",
                sanitize(&callback.listen_on()),
                callback.redirect_uri()
            ),
            theme::dim(),
        ),
        Line::raw(""),
    ];
    match &wait.url {
        None => lines.push(Line::styled(
            format!(
                "{} Asking the server for the sign-in URL…",
                super::spinner(app)
            ),
            theme::dim(),
        )),
        Some(url) => {
            let browser = match &wait.browser {
                None => Line::styled("Opening a browser…", theme::dim()),
                Some(Ok(command)) => Line::styled(
                    format!(
                        "A browser was opened ({}). If none shows, open this URL yourself:",
                        sanitize(command)
                    ),
                    theme::dim(),
                ),
                Some(Err(reason)) => Line::styled(
                    format!(
                        "No browser could be opened ({}): open this URL yourself.",
                        sanitize(reason)
                    ),
                    theme::warning(),
                ),
            };
            lines.push(browser);
            lines.push(Line::styled(sanitize(url).into_owned(), theme::key()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw("Waiting for the browser: "),
        Span::styled(countdown(wait.seconds_left(app.clock)), theme::warning()),
        Span::raw(" left."),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{} copies the URL (for a browser on another machine, connect with ssh -L {port}:localhost:{port}) · {} stops waiting, frees the port",
            key(Command::Copy),
            key(Command::Cancel),
            port = callback.port,
        ),
        theme::dim(),
    ));
    frame_dialog(frame, "Log in: OIDC", lines, 100, false);
}
