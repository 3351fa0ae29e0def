//! The keymap: a value built at start from the embedded defaults ([`defaults::DEFAULTS`]) and the
//! user's `[keys]` tables. Key handling, footers, prompts, the `?` overlay and the README's key
//! table all read it, so a rebound key shows its new label everywhere.

mod commands;
mod defaults;
mod key;
mod overrides;

pub use commands::{Command, Scope, Section};
pub use key::{Key, event, is_deletion, is_interrupt, typed_char};
pub use overrides::KeyOverride;

use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub section: Section,
    pub command: Command,
    pub keys: Vec<Key>,
    pub help: &'static str,
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            bindings: defaults::DEFAULTS
                .iter()
                .map(|d| Binding {
                    scope: d.scope,
                    section: d.section,
                    command: d.command,
                    keys: d.keys.to_vec(),
                    help: d.help,
                    hint: d.hint,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the user's overrides; what could not be used is said in the warnings
    /// (the defaults are kept for it), never an error.
    pub fn with_overrides(overrides: &[KeyOverride]) -> (Keymap, Vec<String>) {
        overrides::apply(Keymap::default(), overrides)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    fn binding(&self, scope: Scope, command: Command) -> Option<&Binding> {
        self.bindings
            .iter()
            .find(|b| b.scope == scope && b.command == command)
    }

    /// The command a key press means in a scope, if any.
    pub fn command(&self, scope: Scope, event: &KeyEvent) -> Option<Command> {
        self.bindings
            .iter()
            .filter(|b| b.scope == scope)
            .find(|b| b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.command)
    }

    /// The command in the first of several scopes (layered: a tab's keys over the main view's)
    /// that binds the key.
    pub fn command_in(&self, scopes: &[Scope], event: &KeyEvent) -> Option<(Scope, Command)> {
        scopes
            .iter()
            .find_map(|scope| self.command(*scope, event).map(|c| (*scope, c)))
    }

    /// Whether a key press means this command in this scope.
    pub fn is(&self, scope: Scope, command: Command, event: &KeyEvent) -> bool {
        self.binding(scope, command)
            .is_some_and(|b| b.keys.iter().any(|k| k.matches(event)))
    }

    pub fn keys(&self, scope: Scope, command: Command) -> &[Key] {
        self.binding(scope, command).map_or(&[], |b| &b.keys)
    }

    /// The first key of a command, as footers, prompts and messages name it (`s`, `Ctrl-r`);
    /// "(unbound)" when the user took every key away.
    pub fn key(&self, scope: Scope, command: Command) -> String {
        self.keys(scope, command)
            .first()
            .map_or_else(|| "(unbound)".to_string(), Key::label)
    }

    /// The key named `preferred` (e.g. "Enter") when it is one of the command's keys, else its
    /// first key: prose reads better with the key most people press.
    pub fn key_preferring(&self, scope: Scope, command: Command, preferred: &str) -> String {
        let keys = self.keys(scope, command);
        match keys.iter().map(Key::label).find(|label| label == preferred) {
            Some(label) => label,
            None => self.key(scope, command),
        }
    }

    /// Every key of a command, as the help and README write them (`j / ↓`).
    pub fn label(&self, scope: Scope, command: Command) -> String {
        let keys = self.keys(scope, command);
        if keys.is_empty() {
            return "(unbound)".into();
        }
        keys.iter().map(Key::label).collect::<Vec<_>>().join(" / ")
    }

    /// The first keys of two commands as one footer key (`↑/↓`).
    pub fn pair(&self, scope: Scope, first: Command, second: Command) -> String {
        format!("{}/{}", self.key(scope, first), self.key(scope, second))
    }

    /// The footer word of a command in a scope.
    pub fn hint(&self, scope: Scope, command: Command) -> Option<&'static str> {
        self.binding(scope, command).and_then(|b| b.hint)
    }

    /// Footer pairs (first key, word) for commands of a scope, in the order given; commands
    /// without a word or without a key are left out.
    pub fn hints(&self, scope: Scope, commands: &[Command]) -> Vec<(String, String)> {
        commands
            .iter()
            .filter_map(|c| {
                let binding = self.binding(scope, *c)?;
                let hint = binding.hint?;
                let key = binding.keys.first()?;
                Some((key.label(), hint.to_string()))
            })
            .collect()
    }

    /// Every binding under a heading, for the help overlay and the README: (keys, name, help).
    pub fn rows(&self, section: Section) -> Vec<(String, &'static str, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| b.section == section)
            .map(|b| (self.label(b.scope, b.command), b.command.name(), b.help))
            .collect()
    }

    /// The README's key section (a test keeps the README in sync with the defaults).
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| Key | Command | Action |\n| --- | --- | --- |\n");
        for section in Section::ALL {
            let rows = self.rows(*section);
            if rows.is_empty() {
                continue;
            }
            out.push_str(&format!("| **{}** | | |\n", section.title()));
            for (label, name, help) in rows {
                out.push_str(&format!(
                    "| `{}` | `{}` | {} |\n",
                    label.replace(" / ", "` / `").replace('|', "\\|"),
                    name,
                    help.replace('|', "\\|")
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn default_keys_mean_their_commands() {
        let map = Keymap::default();
        let main = |code, modifiers| map.command(Scope::Main, &press(code, modifiers));
        assert_eq!(
            main(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Command::Down)
        );
        assert_eq!(
            main(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Command::Bottom)
        );
        assert_eq!(
            main(KeyCode::Char('c'), KeyModifiers::NONE),
            Some(Command::CopySecret)
        );
        assert_eq!(main(KeyCode::Char('x'), KeyModifiers::NONE), None);
        assert_eq!(
            main(KeyCode::Enter, KeyModifiers::NONE),
            Some(Command::Open)
        );
        assert_eq!(
            main(KeyCode::Char('D'), KeyModifiers::SHIFT),
            Some(Command::Destroy)
        );
        assert_eq!(
            map.command(
                Scope::SecretForm,
                &press(KeyCode::Char('n'), KeyModifiers::CONTROL)
            ),
            Some(Command::AddRow)
        );
        assert_eq!(
            map.command(
                Scope::SecretForm,
                &press(KeyCode::BackTab, KeyModifiers::SHIFT)
            ),
            Some(Command::PreviousField)
        );
        // A tab's keys come before the main view's.
        assert_eq!(
            map.command_in(
                &[Scope::Versions, Scope::Main],
                &press(KeyCode::Char('v'), KeyModifiers::NONE)
            ),
            Some((Scope::Versions, Command::CompareVersions))
        );
    }

    #[test]
    fn no_scope_binds_a_key_twice_by_default() {
        let (_, warnings) = Keymap::with_overrides(&[]);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            overrides::conflicts(&Keymap::default()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn no_screen_is_named_like_a_main_view_command() {
        // `[keys] help = "F2"` and `[keys.help]` in one file is a TOML error (a duplicate key):
        // the file would be refused whole.
        let map = Keymap::default();
        for binding in map.bindings() {
            if Scope::MAIN_VIEW.contains(&binding.scope) {
                assert!(
                    Scope::from_name(binding.command.name()).is_none(),
                    "{} is both a command of [keys] and a screen",
                    binding.command.name()
                );
            }
        }
    }

    /// A key named in fixed text, if any: it would stay wrong after a rebind.
    fn named_key(text: &str) -> Option<String> {
        const KEYS: &[&str] = &[
            "Enter",
            "Esc",
            "Tab",
            "Space",
            "Backspace",
            "Del",
            "PgUp",
            "PgDn",
            "Home",
            "End",
        ];
        for token in text.split_whitespace() {
            let word = token.trim_matches(|c: char| "()[],;:.\"'`".contains(c));
            let function_key = word.len() > 1
                && word.starts_with('F')
                && word[1..].chars().all(|c| c.is_ascii_digit());
            let modified = ["Ctrl-", "Alt-", "Shift-"]
                .iter()
                .any(|m| word.starts_with(m))
                // Ctrl-c quits whatever the keymap says: naming it is always true.
                && word != "Ctrl-c";
            let lone_sign = token.chars().count() == 1 && !token.chars().all(char::is_alphanumeric);
            if KEYS.contains(&word) || function_key || modified || lone_sign {
                return Some(token.to_string());
            }
        }
        // "(e, n)", "(:)": single characters in parentheses.
        let mut rest = text;
        while let Some(open) = rest.find('(') {
            let Some(close) = rest[open..].find(')') else {
                break;
            };
            let inside = &rest[open + 1..open + close];
            if inside.split(", ").all(|item| item.chars().count() == 1) {
                return Some(format!("({inside})"));
            }
            rest = &rest[open + close + 1..];
        }
        None
    }

    #[test]
    fn no_title_or_help_text_names_a_key() {
        assert_eq!(
            named_key("filter as you type (Enter keeps it)"),
            Some("(Enter".into())
        );
        assert_eq!(named_key("Finder (F)"), Some("(F)".into()));
        assert_eq!(named_key("a second / opens"), Some("/".into()));
        assert_eq!(named_key("quit (Ctrl-c quits from anywhere)"), None);
        let mut named = Vec::new();
        for section in Section::ALL {
            if let Some(key) = named_key(section.title()) {
                named.push(format!("section {:?}: {key}", section.title()));
            }
        }
        for binding in Keymap::default().bindings() {
            if let Some(key) = named_key(binding.help) {
                named.push(format!("{}: {key}", binding.command.name()));
            }
        }
        assert!(named.is_empty(), "{named:#?}");
    }

    #[test]
    fn labels_follow_the_keys() {
        let map = Keymap::default();
        assert_eq!(map.label(Scope::Main, Command::Down), "j / ↓");
        assert_eq!(map.key(Scope::SecretForm, Command::Reveal), "Ctrl-r");
        assert_eq!(map.key(Scope::Main, Command::PageUp), "PgUp");
        assert_eq!(map.pair(Scope::Finder, Command::Up, Command::Down), "↑/↓");
    }
}
