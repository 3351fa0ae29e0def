//! The conflict view: why nothing was written, their change against the base and yours key by
//! key (values only when revealed), and what can be done, keys from the keymap.

use super::KEY_WIDTH;
use crate::app::diff::{Change, diff_entries};
use crate::app::edit::DraftBase;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::secret_pane::SecretContent;
use crate::app::write::{Conflict, ConflictKind};
use crate::ui::dialog::frame_dialog;
use crate::ui::{text::sanitize, theme};
use ratatui::Frame;
use ratatui::text::{Line, Span};

/// Their change (against the version the edit started from) and mine, key by key.
pub fn draw(frame: &mut Frame, conflict: &Conflict, revealed: bool, keymap: &Keymap) {
    let mut lines = vec![Line::styled(headline(conflict), theme::warning())];
    comparison(&mut lines, conflict, revealed);
    lines.push(Line::raw(""));
    lines.push(Line::styled(choices(conflict, keymap), theme::dim()));
    let title = match conflict.kind {
        ConflictKind::Changed => "Conflict",
        ConflictKind::Exists => "Already exists",
        ConflictKind::MayExist => "Cannot check",
    };
    frame_dialog(frame, title, lines, 96, true);
}

/// Why nothing was written.
fn headline(conflict: &Conflict) -> String {
    let path = sanitize(&conflict.draft.location.display()).into_owned();
    match (conflict.kind, conflict.theirs_denied) {
        (ConflictKind::Changed, _) => {
            format!("Someone wrote {path} after you opened it. Nothing was overwritten.")
        }
        (ConflictKind::Exists, true) => format!(
            "A secret already exists at {path}, and this token may not read it. Nothing was \
             written."
        ),
        (ConflictKind::Exists, false) => {
            format!("A secret already exists at {path}. Nothing was written.")
        }
        (ConflictKind::MayExist, _) => format!(
            "tresor cannot check whether a secret exists at {path}: this token may not read it, \
             and this engine has no check-and-set. Nothing was written."
        ),
    }
}

/// Theirs against the base and yours, a line per key that differs (values when revealed).
fn comparison(lines: &mut Vec<Line<'static>>, conflict: &Conflict, revealed: bool) {
    let base: Vec<crate::vault::SecretEntry> = match &conflict.draft.base {
        DraftBase::Existing { entries, .. } => entries.clone(),
        _ => Vec::new(),
    };
    let mine = conflict.draft.entries();
    match &conflict.theirs {
        SecretContent::Loaded(theirs) => {
            let version = theirs.version.map_or("?".into(), |v| v.to_string());
            lines.push(Line::styled(
                if conflict.kind == ConflictKind::Changed {
                    format!("Their version {version} against the one you started from, and yours:")
                } else if let Some(version) = theirs.version {
                    format!("The secret there (version {version}) and yours:")
                } else {
                    "The secret there and yours:".to_string()
                },
                theme::dim(),
            ));
            lines.push(Line::styled(
                format!("  {:<KEY_WIDTH$}  {:<14}  {:<14}", "KEY", "THEIRS", "YOURS"),
                theme::dim(),
            ));
            let theirs_rows = diff_entries(&base, &theirs.entries);
            let mine_rows = diff_entries(&base, &mine);
            let mut keys: Vec<&str> = theirs_rows
                .iter()
                .chain(mine_rows.iter())
                .map(|r| r.key)
                .collect();
            keys.sort_unstable();
            keys.dedup();
            let word = |change: Option<Change>| match change {
                Some(Change::Added) => ("+ added", theme::ok()),
                Some(Change::Removed) => ("- removed", theme::error()),
                Some(Change::Changed) => ("~ changed", theme::warning()),
                _ => ("  same", theme::dim()),
            };
            for key in keys {
                let theirs_change = theirs_rows.iter().find(|r| r.key == key).map(|r| r.change);
                let mine_change = mine_rows.iter().find(|r| r.key == key).map(|r| r.change);
                if theirs_change == Some(Change::Same) && mine_change == Some(Change::Same) {
                    continue;
                }
                let (t, t_style) = word(theirs_change);
                let (m, m_style) = word(mine_change);
                let both = theirs_change.is_some_and(|c| c != Change::Same)
                    && mine_change.is_some_and(|c| c != Change::Same);
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {}  ", crate::ui::text::pad(key, KEY_WIDTH)),
                        if both { theme::warning() } else { theme::key() },
                    ),
                    Span::styled(format!("{t:<14}  "), t_style),
                    Span::styled(format!("{m:<14}"), m_style),
                ]));
                if both {
                    // On a line of its own: the dialog wraps it rather than cutting it.
                    lines.push(Line::styled(
                        "      changed on both sides: if you re-apply, yours wins for this key",
                        theme::warning(),
                    ));
                }
                if revealed {
                    let value = |entries: &[crate::vault::SecretEntry]| {
                        entries
                            .iter()
                            .find(|e| e.key == key)
                            .map(|e| crate::ui::text::first_line_fit(e.value.expose(), 36))
                            .unwrap_or_default()
                    };
                    lines.push(Line::styled(
                        format!(
                            "      theirs: {}   yours: {}",
                            value(&theirs.entries),
                            value(&mine)
                        ),
                        theme::revealed(),
                    ));
                }
            }
        }
        SecretContent::Failed(_) if conflict.theirs_denied => {}
        SecretContent::Failed(reason) => {
            lines.push(Line::styled(
                format!("Cannot read their version: {}", sanitize(reason)),
                theme::error(),
            ));
        }
        SecretContent::Empty => {}
        SecretContent::Loading => lines.push(Line::styled("Reading their version…", theme::dim())),
    }
}

/// What can be done now, keys from the keymap.
fn choices(conflict: &Conflict, keymap: &Keymap) -> String {
    let key = |command| keymap.key(Scope::Conflict, command);
    let (copy, discard) = (key(Command::CopyDraft), key(Command::Discard));
    let edit = key(Command::Cancel);
    if conflict.unreadable() {
        format!(
            "{} overwrites it with yours without reading it (asks you to type the path) · \
             {copy} copies yours · {discard} discards yours · {edit} edits",
            key(Command::Overwrite)
        )
    } else {
        format!(
            "{} re-applies yours on theirs (asks again) · {copy} copies yours · {discard} \
             discards yours · {edit} edits",
            key(Command::Reapply)
        )
    }
}
