//! The wrap dialog (`W`): the TTL prompt (the AppRole browser's wrapping TTL line), then the
//! wrapping token, once: masked until revealed, its TTL counting down, where it was made, and
//! what whoever unwraps it gets.

use super::approle::wrap_ttl_line;
use super::dialog::frame_dialog;
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Scope};
use crate::app::state::Loadable;
use crate::app::wrap::{WrapDialog, WrapStage};
use crate::vault::wrapping::WRAP_PATH;
use ratatui::Frame;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, app: &App, dialog: &WrapDialog) {
    let keymap = &app.keymap;
    let path = sanitize(&dialog.location.display()).into_owned();
    let mut lines = Vec::new();
    match &dialog.stage {
        WrapStage::Ttl(input) => {
            lines.push(Line::styled(
                format!(
                    "Wraps the data of {path} as it is now (its current version, read fresh from \
                     the server when wrapping)."
                ),
                theme::dim(),
            ));
            lines.push(wrap_ttl_line(
                "it",
                input,
                keymap,
                Scope::WrapPrompt,
                "wrap",
                dialog.denied().is_some(),
            ));
            match &dialog.allowed {
                Loadable::Loading => lines.push(Line::styled(
                    format!("{} asking whether your token may wrap…", spinner(app)),
                    theme::dim(),
                )),
                Loadable::Ready(false) => lines.push(Line::styled(
                    format!("Your token may not wrap: it needs update on {WRAP_PATH}."),
                    theme::error(),
                )),
                _ => {}
            }
        }
        WrapStage::Wrapping { ttl } => lines.push(Line::styled(
            format!(
                "{} reading {path} and wrapping its data for {}…",
                spinner(app),
                super::time::duration(*ttl)
            ),
            theme::dim(),
        )),
        WrapStage::Done(shown) => {
            let token = if shown.revealed {
                Span::styled(shown.token.expose().to_string(), theme::revealed())
            } else {
                Span::styled(
                    format!(
                        "•••••• ({})",
                        super::text::count(shown.token.expose().chars().count(), "char", "chars")
                    ),
                    theme::masked(),
                )
            };
            lines.push(Line::from(vec![
                Span::styled("Wrapping token (shown once): ", theme::title()),
                token,
            ]));
            let left = shown.remaining(app.clock);
            let ttl = if left == 0 {
                Span::styled(
                    "expired: nobody can unwrap it now".to_string(),
                    theme::error(),
                )
            } else {
                Span::raw(format!(
                    "{} left of {}",
                    super::time::duration(left),
                    super::time::duration(shown.ttl)
                ))
            };
            lines.push(Line::from(vec![Span::styled("TTL: ", theme::dim()), ttl]));
            lines.push(Line::from(vec![
                Span::styled("Creation path: ", theme::dim()),
                Span::raw(sanitize(&shown.creation_path).into_owned()),
                Span::styled("  accessor: ", theme::dim()),
                Span::raw(sanitize(&shown.accessor).into_owned()),
            ]));
            let version = shown
                .version
                .map(|v| format!(", version {v} (the current one, read when wrapping)"))
                .unwrap_or_else(|| " (read when wrapping)".into());
            lines.push(Line::raw(format!(
                "Holds {} of {path}{version}.",
                super::text::count(shown.keys, "key", "keys")
            )));
            lines.push(Line::styled(
                format!(
                    "Whoever unwraps it first gets the data, once ({} in tresor); after that, or \
                     after the TTL, nobody can.",
                    keymap.key(Scope::Main, Command::Unwrap)
                ),
                theme::warning(),
            ));
            lines.push(Line::styled(
                format!(
                    "{} reveals · {} copies · {} closes (the token is not shown again)",
                    keymap.key(Scope::Wrapped, Command::Reveal),
                    keymap.key(Scope::Wrapped, Command::Copy),
                    keymap.key(Scope::Wrapped, Command::Close)
                ),
                theme::dim(),
            ));
        }
    }
    if let Some(error) = &dialog.error {
        lines.push(Line::styled(sanitize(error).into_owned(), theme::error()));
    }
    frame_dialog(frame, &format!("Wrap {path}"), lines, 96, false);
}
