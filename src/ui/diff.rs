//! The Diff tab: two versions key by key, old on the left. Added, removed and changed keys are
//! marked; values stay masked unless revealed, and a changed masked value still shows as changed.

use super::{spinner, text, theme};
use crate::app::App;
use crate::app::diff::{Change, diff_entries, summarize};
use crate::app::keymap::{Command, Scope};
use crate::app::secret_pane::SecretContent;
use crate::vault::{KvSecret, SecretEntry, VersionState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let pane = &app.secret;
    let Some(diff) = &pane.diff else {
        // Without the history (still loading, or failed: not found, denied) say which.
        if super::secret::loaded_or_note(frame, area, app, &pane.metadata, "the version history")
            .is_some()
        {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!(
                        "Only one version: nothing to compare. In the Versions tab, mark two \
                         versions ({}) and press {}.",
                        app.keymap.key(Scope::Versions, Command::MarkVersion),
                        app.keymap.key(Scope::Versions, Command::CompareVersions)
                    ),
                    theme::dim(),
                ))
                .wrap(Wrap { trim: false }),
                area,
            );
        }
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("version {} → version {}", diff.old, diff.new),
            theme::title(),
        ),
        Span::styled(
            format!(
                "   {} older · {} newer · {} {}",
                app.keymap.key(Scope::Diff, Command::OlderPair),
                app.keymap.key(Scope::Diff, Command::NewerPair),
                app.keymap.key(Scope::Main, Command::Reveal),
                if pane.revealed { "masks" } else { "reveals" }
            ),
            theme::dim(),
        ),
    ])];
    let (old, new) = match (&diff.old_content, &diff.new_content) {
        (SecretContent::Loaded(old), SecretContent::Loaded(new)) => (old, new),
        (SecretContent::Failed(reason), _) | (_, SecretContent::Failed(reason)) => {
            lines.push(Line::styled("Cannot read a version:", theme::error()));
            lines.push(Line::raw(text::sanitize(reason).into_owned()));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
            return;
        }
        _ => {
            lines.push(Line::styled(
                format!("{} loading…", spinner(app)),
                theme::dim(),
            ));
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
    };
    for (version, side) in [(diff.old, old), (diff.new, new)] {
        if let Some(note) = no_data_note(version, side, app) {
            lines.push(Line::styled(note, theme::warning()));
        }
    }
    if lines.len() > 1 {
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        return;
    }
    let rows = diff_entries(&old.entries, &new.entries);
    let summary = summarize(&rows);
    lines.push(Line::styled(
        format!(
            "~{} changed · +{} added · -{} removed · {} same",
            summary.changed, summary.added, summary.removed, summary.same
        ),
        theme::dim(),
    ));
    let key_width = rows
        .iter()
        .map(|r| text::width(r.key))
        .max()
        .unwrap_or(3)
        .clamp(3, (area.width as usize / 3).max(3));
    let value_width = (area.width as usize).saturating_sub(key_width + 9) / 2;
    let old_label = format!("v{}", diff.old);
    lines.push(Line::styled(
        format!(
            "  {}  {}   v{}",
            text::pad("KEY", key_width),
            text::pad(&old_label, value_width),
            diff.new
        ),
        theme::dim(),
    ));
    let visible = (area.height as usize).saturating_sub(lines.len()).max(1);
    let selected = diff.selected.min(rows.len().saturating_sub(1));
    let first = selected.saturating_sub(visible - 1);
    for (index, row) in rows.iter().enumerate().skip(first).take(visible) {
        let style = change_style(row.change);
        let arrow = if row.change == Change::Changed {
            " → "
        } else {
            "   "
        };
        let mut line = Line::from(vec![
            Span::styled(format!("{} ", row.change.marker()), style),
            Span::styled(
                format!("{}  ", text::pad(row.key, key_width)),
                if row.change == Change::Same {
                    theme::dim()
                } else {
                    theme::key()
                },
            ),
            value_span(row.old, pane.revealed, value_width, row.change),
            Span::styled(arrow, style),
            value_span(row.new, pane.revealed, value_width, row.change),
        ]);
        if index == selected && focused {
            line = theme::select(line, true);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn no_data_note(version: u64, secret: &KvSecret, app: &App) -> Option<String> {
    match secret.state {
        VersionState::Live => None,
        VersionState::Deleted { .. } => Some(format!(
            "Version {version} is soft-deleted: no data to compare (undelete it with {}).",
            app.keymap.key(Scope::Main, Command::Undelete)
        )),
        VersionState::Destroyed => Some(format!(
            "Version {version} is destroyed: its data is gone for good."
        )),
    }
}

fn change_style(change: Change) -> Style {
    match change {
        Change::Added => theme::ok(),
        Change::Removed => theme::error(),
        Change::Changed => theme::warning(),
        Change::Same => theme::dim(),
    }
}

fn value_span(
    entry: Option<&SecretEntry>,
    revealed: bool,
    width: usize,
    change: Change,
) -> Span<'static> {
    let Some(entry) = entry else {
        return Span::raw(format!("{:<width$}", ""));
    };
    if !revealed {
        let style = if change == Change::Same {
            theme::dim()
        } else {
            theme::masked()
        };
        return Span::styled(format!("{:<width$}", theme::MASK), style);
    }
    let mut shown = text::first_line_fit(entry.value.expose(), width);
    shown.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(text::width(&shown)),
    ));
    Span::styled(shown, theme::revealed())
}
