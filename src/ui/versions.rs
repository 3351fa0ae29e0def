//! The Versions tab: every version, newest first, with its created time and state; the actions the
//! token may take are listed below, the ones it may not greyed out.

use super::{text, theme, time};
use crate::app::App;
use crate::app::history::{OperationKind, capabilities};
use crate::app::keymap::{Command, Scope};
use crate::vault::VersionInfo;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let pane = &app.secret;
    let Some(metadata) =
        super::secret::loaded_or_note(frame, area, app, &pane.metadata, "the version history")
    else {
        return;
    };
    if area.height < 3 {
        return;
    }
    let oldest = metadata.versions.last().map_or(0, |v| v.version);
    let max = match metadata.max_versions {
        0 => "mount default".to_string(),
        n => n.to_string(),
    };
    let mut lines = vec![Line::styled(
        format!(
            "{} · current {} · oldest {} · keeps {max}{}",
            super::text::count(metadata.versions.len(), "version", "versions"),
            metadata.current_version,
            oldest,
            if pane.marked.is_empty() {
                String::new()
            } else {
                format!(" · {} marked", pane.marked.len())
            }
        ),
        theme::title(),
    )];
    lines.push(Line::styled(
        format!("   {:>4}  {:<20}  {:<9}  STATE", "VER", "CREATED", "AGE"),
        theme::dim(),
    ));
    // Rows that fit between the two header lines and the detail and action lines.
    let rows = (area.height as usize).saturating_sub(6).max(1);
    let first = pane.version_cursor.saturating_sub(rows - 1);
    let now = app.now_unix();
    for (index, version) in metadata.versions.iter().enumerate().skip(first).take(rows) {
        let cursor = if index == pane.version_cursor {
            "›"
        } else {
            " "
        };
        let mark = if pane.marked.contains(&version.version) {
            "●"
        } else {
            " "
        };
        let (state, state_style) = state_word(version, metadata.current_version, now);
        let mut line = Line::from(vec![
            Span::styled(format!("{cursor}{mark} "), theme::key()),
            Span::styled(format!("{:>4}  ", version.version), theme::key()),
            Span::raw(format!(
                "{:<20}  {:<9}  ",
                time::absolute(&text::sanitize(&version.created_time)),
                time::relative(&version.created_time, now)
            )),
            Span::styled(state, state_style),
        ]);
        if index == pane.version_cursor {
            line = theme::select(line, focused);
        }
        lines.push(line);
    }
    // The list is cut at the pane's edge; the detail and the keys below it wrap.
    let list_height = (lines.len() as u16).min(area.height);
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(area.x, area.y, area.width, list_height),
    );
    let mut below = vec![Line::raw("")];
    if let Some(version) = metadata.versions.get(pane.version_cursor) {
        below.push(detail_line(version, metadata.current_version, now, app));
    }
    below.push(action_line(app));
    let rest = Rect::new(
        area.x,
        area.y + list_height,
        area.width,
        area.height - list_height,
    );
    frame.render_widget(Paragraph::new(below).wrap(Wrap { trim: false }), rest);
}

/// The state column: short, so the row fits; the cursor's version gets the full times below.
fn state_word(version: &VersionInfo, current: u64, now: i64) -> (String, Style) {
    let mut words = Vec::new();
    let mut style = Style::new();
    if version.version == current {
        words.push("current".to_string());
        style = theme::ok();
    }
    if version.destroyed {
        words.push("destroyed".into());
        style = theme::error();
    } else if let Some(deleted) = &version.deletion_time {
        // The state decides (it allows for the server's clock running ahead), not the wording.
        if version.is_deleted(now) {
            words.push(format!(
                "soft-deleted {}",
                time::relative_past(deleted, now)
            ));
            style = theme::error();
        } else {
            words.push(format!("deletes {}", time::relative(deleted, now)));
            style = theme::warning();
        }
    }
    (words.join(", "), style)
}

/// "version 9: soft-deleted 2026-11-23 02:15:23Z (5s ago); u undeletes" (keys from the keymap).
fn detail_line(version: &VersionInfo, current: u64, now: i64, app: &App) -> Line<'static> {
    let key = |command| app.keymap.key(Scope::Main, command);
    let open = app
        .keymap
        .key_preferring(Scope::Main, Command::Open, "Enter");
    let mut line = format!("version {}", version.version);
    if version.version == current {
        line.push_str(" (current)");
    }
    // Only what the token may do is offered; rolling back for an older version only (the
    // current one is already current).
    let caps = capabilities(app);
    let readable = if !caps.read_data() {
        "this token may not read its data".to_string()
    } else if version.version == current || !OperationKind::Rollback.allowed(&caps, false) {
        format!("{open} views its data")
    } else {
        format!(
            "{open} views its data, {} rolls back to it",
            key(Command::Rollback)
        )
    };
    match &version.deletion_time {
        _ if version.destroyed => line.push_str(": destroyed, its data is gone for good"),
        Some(deleted) if version.is_deleted(now) => line.push_str(&format!(
            ": soft-deleted {} ({}); {} undeletes",
            time::absolute(&text::sanitize(deleted)),
            time::relative(deleted, now),
            key(Command::Undelete)
        )),
        Some(deleted) => line.push_str(&format!(
            ": deletes itself at {} ({}); {readable}",
            time::absolute(&text::sanitize(deleted)),
            time::relative(deleted, now)
        )),
        None => line.push_str(&format!(": {readable}")),
    }
    Line::styled(line, theme::dim())
}

/// The keys of this tab, from the keymap; operations the token may not do are struck through.
fn action_line(app: &App) -> Line<'static> {
    let caps = capabilities(app);
    let only_latest = app.secret.marked.is_empty()
        && app.secret.cursor_version() == app.secret.loaded_metadata().map(|m| m.current_version);
    let mut spans = Vec::new();
    for (command, kind) in [
        (Command::MarkVersion, None),
        (Command::CompareVersions, None),
        (Command::SoftDelete, Some(OperationKind::SoftDelete)),
        (Command::Undelete, Some(OperationKind::Undelete)),
        (Command::Destroy, Some(OperationKind::Destroy)),
        (Command::Rollback, Some(OperationKind::Rollback)),
        (Command::DeleteAll, Some(OperationKind::DeleteAll)),
    ] {
        let scope = match command {
            Command::MarkVersion | Command::CompareVersions => Scope::Versions,
            _ => Scope::Main,
        };
        let key = app.keymap.key(scope, command);
        let label = app.keymap.hint(scope, command).unwrap_or_default();
        if kind.is_none_or(|kind| kind.allowed(&caps, only_latest)) {
            spans.push(Span::styled(key, theme::key()));
            spans.push(Span::styled(format!(" {label}  "), theme::dim()));
        } else {
            let denied = theme::dim().add_modifier(Modifier::CROSSED_OUT);
            spans.push(Span::styled(format!("{key} {label}"), denied));
            spans.push(Span::raw("  "));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deleted_at(offset: i64, now: i64) -> VersionInfo {
        let at = ::time::OffsetDateTime::from_unix_timestamp(now + offset)
            .unwrap()
            .format(&::time::format_description::well_known::Rfc3339)
            .unwrap();
        VersionInfo {
            version: 3,
            created_time: String::new(),
            deletion_time: Some(at),
            destroyed: false,
        }
    }

    /// The word follows the state (`VersionInfo::is_deleted`, which allows for the server's clock
    /// running ahead), not the wording of the time: a soft-delete stamped 5 s ahead is deleted.
    #[test]
    fn a_soft_delete_stamped_by_a_clock_a_little_ahead_reads_soft_deleted() {
        let now = 1_800_000_000;
        let version = deleted_at(5, now);
        assert!(version.is_deleted(now));
        let (word, _) = state_word(&version, 9, now);
        assert_eq!(word, "soft-deleted just now");
        let (word, _) = state_word(&deleted_at(3600, now), 9, now);
        assert_eq!(word, "deletes in 1h");
        let (word, _) = state_word(&deleted_at(-120, now), 9, now);
        assert_eq!(word, "soft-deleted 2m ago");
    }
}
