//! `y` and `Y`: what gets copied, and the `bao` command form of a path.

use super::action::Effect;
use super::state::{App, Focus, StatusKind};
use super::tree::Location;
use crate::vault::{KvVersion, SecretEngine};

pub(super) fn copy_value(app: &mut App) -> Vec<Effect> {
    let (Some(entry), Some(location)) = (app.secret.selected_entry(), &app.secret.location) else {
        app.set_status(
            StatusKind::Warning,
            "Open a secret first (Enter), then pick a key (Tab, j/k).",
        );
        return Vec::new();
    };
    vec![Effect::Copy {
        text: entry.value.clone(),
        description: format!("the value of {:?} from {}", entry.key, location.display()),
        sensitive: true,
    }]
}

/// The location `Y` copies: the open secret when the secret pane has focus, else the tree selection.
pub(super) fn path_target(app: &App) -> Option<Location> {
    match app.focus {
        Focus::Secret => app.secret.location.clone(),
        Focus::Tree => app.tree.selected_id().and_then(|id| app.tree.location(id)),
    }
}

pub(super) fn copy_path(app: &mut App) -> Vec<Effect> {
    let Some(location) = path_target(app) else {
        return Vec::new();
    };
    let path = location.display();
    let (text, description) = if app.copied_path.as_deref() == Some(path.as_str()) {
        app.copied_path = None;
        let mut command = bao_command(&location);
        // An older version open in the pane: the command reads that version.
        if let (Focus::Secret, Some(version)) = (app.focus, app.secret.viewing) {
            command =
                command.replacen("bao kv get ", &format!("bao kv get -version={version} "), 1);
        }
        let description = format!("the command `{command}`");
        (command, description)
    } else {
        app.copied_path = Some(path.clone());
        (
            path.clone(),
            format!("the path {path} (Y again: as a bao command)"),
        )
    };
    vec![Effect::Copy {
        text: crate::secret::SecretText::new(text),
        description,
        sensitive: false,
    }]
}

/// `bao kv get -mount=secret 'app/db'` (or `kv list` for a folder), quoted for a POSIX shell.
pub fn bao_command(location: &Location) -> String {
    let mount = location.mount.path.trim_end_matches('/');
    let is_folder = location.path.is_empty() || location.path.ends_with('/');
    let verb = match (&location.mount.engine, is_folder) {
        (_, true) => "kv list",
        (SecretEngine::Kv(KvVersion::V1 | KvVersion::V2), false) => "kv get",
        (_, false) => "read",
    };
    if verb == "read" {
        return format!("bao read {}", shell_quote(&location.display()));
    }
    let path = if location.path.is_empty() {
        ""
    } else {
        &location.path
    };
    format!(
        "bao {verb} -mount={} {}",
        shell_quote(mount),
        shell_quote(path)
    )
    .trim_end()
    .to_string()
}

pub(super) fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@".contains(c))
    {
        text.to_string()
    } else if text.is_empty() {
        String::new()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
