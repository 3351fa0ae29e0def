//! `y` and `Y`: what gets copied, and the `bao` command form of a path.

use super::action::Effect;
use super::keymap::{Command, Scope};
use super::state::{App, Focus, StatusKind};
use super::tree::Location;
use crate::vault::{KvVersion, SecretEngine};

pub(super) fn copy_value(app: &mut App) -> Vec<Effect> {
    let (Some(entry), Some(location)) = (app.secret.selected_entry(), &app.secret.location) else {
        let key = |command| app.keymap.key(Scope::Main, command);
        let message = format!(
            "Open a secret first ({}), then pick a key ({}, {}).",
            app.keymap
                .key_preferring(Scope::Main, Command::Open, "Enter"),
            key(Command::SwitchPane),
            app.keymap.pair(Scope::Main, Command::Down, Command::Up)
        );
        app.set_status(StatusKind::Warning, message);
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
        // An older version open in the pane: the command reads that version.
        let version = match app.focus {
            Focus::Secret => app.secret.viewing,
            Focus::Tree => None,
        };
        let command = bao_command(&location, app.connection.namespace.as_deref(), version);
        let description = format!("the command `{command}`");
        (command, description)
    } else {
        app.copied_path = Some(path.clone());
        (
            path.clone(),
            format!(
                "the path {path} ({} again: as a bao command)",
                app.keymap.key(Scope::Main, Command::CopyPath)
            ),
        )
    };
    vec![Effect::Copy {
        text: crate::secret::SecretText::new(text),
        description,
        sensitive: false,
    }]
}

/// `bao kv get -mount=secret 'app/db'` (or `kv list` for a folder), quoted for a POSIX shell,
/// with `-namespace=` when a namespace is in use and `-version=` for an older version: a copied
/// command works as pasted.
pub fn bao_command(location: &Location, namespace: Option<&str>, version: Option<u64>) -> String {
    let mount = location.mount.path.trim_end_matches('/');
    let is_folder = location.path.is_empty() || location.path.ends_with('/');
    let verb = match (&location.mount.engine, is_folder) {
        (_, true) => "kv list",
        (SecretEngine::Kv(KvVersion::V1 | KvVersion::V2), false) => "kv get",
        (_, false) => "read",
    };
    let mut words = vec!["bao".to_string(), verb.to_string()];
    if let Some(namespace) = namespace.filter(|n| !n.trim().is_empty()) {
        words.push(format!("-namespace={}", shell_quote(namespace)));
    }
    if verb == "read" {
        words.push(shell_quote(&location.display()));
        return words.join(" ");
    }
    if let (Some(version), "kv get") = (version, verb) {
        words.push(format!("-version={version}"));
    }
    words.push(format!("-mount={}", shell_quote(mount)));
    if !location.path.is_empty() {
        words.push(shell_quote(&location.path));
    }
    words.join(" ")
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
