//! The bottom line: the latest status message, else the keys that work right now (from the keymap).

use super::{text::sanitize, theme};
use crate::app::component::Component;
use crate::app::keymap::{Command, Scope};
use crate::app::secret_pane::SecretTab;
use crate::app::{App, Focus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// Commands whose hints make sense in the current context, in footer order.
pub fn hint_commands(app: &App) -> Vec<Command> {
    let tree = [
        Command::Open,
        Command::Collapse,
        Command::Filter,
        Command::Jump,
        Command::SwitchPane,
        Command::CopyPath,
        Command::Refresh,
        Command::Help,
        Command::Quit,
    ];
    let secret = [
        Command::Reveal,
        Command::CopyValue,
        Command::CopyPath,
        Command::NextTab,
        Command::SwitchPane,
        Command::Refresh,
        Command::Help,
        Command::Quit,
    ];
    let versions = [
        Command::Open,
        Command::MarkVersion,
        Command::CompareVersions,
        Command::SoftDelete,
        Command::Undelete,
        Command::Destroy,
        Command::Rollback,
        Command::NextTab,
        Command::Help,
    ];
    let metadata = [
        Command::EditMetadata,
        Command::NextTab,
        Command::SwitchPane,
        Command::Refresh,
        Command::Help,
        Command::Quit,
    ];
    let diff = [
        Command::Reveal,
        Command::OlderPair,
        Command::NewerPair,
        Command::NextTab,
        Command::SwitchPane,
        Command::Help,
        Command::Quit,
    ];
    let list: &[Command] = match app.focus {
        Focus::Tree if app.secret.location.is_some() => &[
            Command::Open,
            Command::Collapse,
            Command::Filter,
            Command::Jump,
            Command::Reveal,
            Command::CopyValue,
            Command::CopyPath,
            Command::SwitchPane,
            Command::Help,
            Command::Quit,
        ],
        Focus::Tree => &tree,
        Focus::Secret => match app.secret.tab {
            SecretTab::Data => &secret,
            SecretTab::Versions => &versions,
            SecretTab::Metadata => &metadata,
            SecretTab::Diff => &diff,
        },
    };
    list.to_vec()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 {
        return;
    }
    if let Some(status) = &app.status {
        let (symbol, style) = theme::status(status.kind);
        // A message wider than the screen grows upwards over the panes (at most a third of the
        // screen), wrapped, so its cause is not cut off at the edge.
        let text = format!(" {symbol}{}", sanitize(&status.shown(app.clock)));
        let rows = crate::app::width::wrap_rows(&text, area.width.max(1) as usize);
        let height = (rows.len() as u16).clamp(1, (frame.area().height / 3).max(1));
        let top = (area.y + area.height).saturating_sub(height);
        let area = Rect::new(area.x, top, area.width, area.y + area.height - top);
        let lines: Vec<Line> = rows
            .into_iter()
            .map(|row| Line::styled(text[row].to_string(), style))
            .collect();
        frame.render_widget(Clear, area);
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let typing_filter = app.filter_input.is_some() || app.secret.key_filter_input.is_some();
    let pairs: Vec<(String, String)> = match &app.modal {
        _ if let Some(form) = &app.login => form.hints(app),
        Some(modal) => modal.component().hints(app),
        None if typing_filter => {
            let mut pairs = app
                .keymap
                .hints(Scope::Filter, &[Command::Submit, Command::Cancel]);
            pairs.push((
                app.keymap.pair(Scope::Filter, Command::Up, Command::Down),
                "move".into(),
            ));
            pairs
        }
        None => main_hints(app),
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, hint) in fit(pairs, usize::from(area.width)) {
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::styled(format!(" {hint}  "), theme::dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The hints that fit in `columns` (display widths), none cut: the last two (help and quit, or a
/// dialog's way out) are kept, and hints before them are left out whole from the end (`?` lists
/// every key).
fn fit(pairs: Vec<(String, String)>, columns: usize) -> Vec<(String, String)> {
    use crate::app::width::width;
    // " " before the first, then "key hint  " each; the trailing spaces may be cut.
    let cost = |(key, hint): &(String, String)| width(key) + 1 + width(hint) + 2;
    let total: usize = 1 + pairs.iter().map(cost).sum::<usize>();
    if total <= columns + 2 {
        return pairs;
    }
    let kept_tail = pairs.len().min(2);
    let (head, tail) = pairs.split_at(pairs.len() - kept_tail);
    let mut used = 1 + tail.iter().map(cost).sum::<usize>();
    let mut out = Vec::new();
    for pair in head {
        if used + cost(pair) > columns + 2 {
            break;
        }
        used += cost(pair);
        out.push(pair.clone());
    }
    out.extend(tail.iter().cloned());
    out
}

/// The main view's footer: the commands that make sense now, with their keys.
fn main_hints(app: &App) -> Vec<(String, String)> {
    let scopes = app.main_view_scopes();
    hint_commands(app)
        .into_iter()
        .filter_map(|command| {
            let scope = scopes
                .iter()
                .copied()
                .find(|scope| app.keymap.hint(*scope, command).is_some())?;
            // A toggle says what pressing it does now.
            let hint = match command {
                Command::Reveal if app.secret.revealed => "mask",
                _ => app.keymap.hint(scope, command)?,
            };
            let key = match command {
                // One hint for both directions: `[/] tabs`.
                Command::NextTab => app.keymap.pair(scope, Command::PreviousTab, command),
                _ => app.keymap.keys(scope, command).first()?.label(),
            };
            Some((key, hint.to_string()))
        })
        .collect()
}
