//! The user's `[keys]` tables applied to the defaults. Nothing here can stop the app: an unknown
//! screen or command, a key that cannot be read, or two commands on one key in one scope is a
//! warning, and the defaults are kept for it.

use super::Keymap;
use super::commands::{Command, Scope};
use super::key::{Key, is_interrupt};
use crossterm::event::KeyEvent;

pub use crate::config::profiles::KeyOverride;

trait Place {
    fn table(&self) -> String;
    fn place(&self) -> String;
}

impl Place for KeyOverride {
    fn table(&self) -> String {
        match &self.scope {
            Some(scope) => format!("[keys.{scope}]"),
            None => "[keys]".to_string(),
        }
    }

    fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{} line {line}", self.table()),
            None => self.table(),
        }
    }
}

pub(super) fn apply(mut keymap: Keymap, overrides: &[KeyOverride]) -> (Keymap, Vec<String>) {
    let defaults = keymap.clone();
    let mut warnings = Vec::new();
    for entry in overrides {
        if let Err(warning) = apply_entry(&mut keymap, entry) {
            warnings.push(warning);
        }
    }
    // A scope with two commands on one key keeps its defaults, all of them: the user sees the
    // warning and the keys they know.
    for scope in Scope::ALL {
        let clashes = conflicts_in(&keymap, *scope);
        if clashes.is_empty() {
            continue;
        }
        for clash in clashes {
            warnings.push(format!(
                "keys: conflict: {clash}; the default keys are kept there"
            ));
        }
        for (binding, default) in keymap.bindings.iter_mut().zip(&defaults.bindings) {
            if binding.scope == *scope {
                binding.keys = default.keys.clone();
            }
        }
    }
    (keymap, warnings)
}

/// One `command = keys` line; `Err` is the warning when it cannot be used.
fn apply_entry(keymap: &mut Keymap, entry: &KeyOverride) -> Result<(), String> {
    let scopes: Vec<Scope> = match &entry.scope {
        None => Scope::MAIN_VIEW.to_vec(),
        Some(name) => match Scope::from_name(name) {
            Some(scope) => vec![scope],
            None => {
                let known: Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
                return Err(format!(
                    "keys: {}: there is no screen {name:?} (screens: {})",
                    entry.place(),
                    known.join(", ")
                ));
            }
        },
    };
    let command = Command::from_name(&entry.command);
    let targets: Vec<usize> = keymap
        .bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| scopes.contains(&b.scope) && Some(b.command) == command)
        .map(|(index, _)| index)
        .collect();
    if targets.is_empty() {
        let known: Vec<&str> = keymap
            .bindings
            .iter()
            .filter(|b| scopes.contains(&b.scope))
            .map(|b| b.command.name())
            .collect();
        return Err(format!(
            "keys: {}: unknown command {:?} (commands there: {})",
            entry.place(),
            entry.command,
            known.join(", ")
        ));
    }
    let mut keys = Vec::new();
    for text in &entry.keys {
        let problem = match Key::parse(text) {
            Ok(key) if is_interrupt(&KeyEvent::new(key.code, key.modifiers)) => {
                "Ctrl-c always quits and cannot be bound".to_string()
            }
            Ok(key) => {
                keys.push(key);
                continue;
            }
            Err(error) => error,
        };
        return Err(format!(
            "keys: {}: {} = {:?}: {problem}; the default key is kept",
            entry.place(),
            entry.command,
            entry.keys
        ));
    }
    for index in targets {
        keymap.bindings[index].keys = keys.clone();
    }
    Ok(())
}

/// Every key bound to two commands within one scope, said in words.
#[cfg(test)]
pub(super) fn conflicts(keymap: &Keymap) -> Vec<String> {
    Scope::ALL
        .iter()
        .flat_map(|scope| conflicts_in(keymap, *scope))
        .collect()
}

fn conflicts_in(keymap: &Keymap, scope: Scope) -> Vec<String> {
    let bindings: Vec<_> = keymap
        .bindings
        .iter()
        .filter(|b| b.scope == scope)
        .collect();
    let mut found = Vec::new();
    for (index, first) in bindings.iter().enumerate() {
        for second in &bindings[index + 1..] {
            for key in &first.keys {
                if second.keys.iter().any(|other| other.same_as(key)) {
                    found.push(format!(
                        "{} is bound to both {} and {} in {}",
                        key.label(),
                        first.command.name(),
                        second.command.name(),
                        scope_table(scope)
                    ));
                }
            }
        }
    }
    found
}

fn scope_table(scope: Scope) -> String {
    if scope == Scope::Main {
        "[keys]".to_string()
    } else {
        format!("[keys.{}]", scope.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn entry(scope: Option<&str>, command: &str, keys: &[&str]) -> KeyOverride {
        KeyOverride {
            scope: scope.map(str::to_string),
            command: command.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            line: None,
        }
    }

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn a_rebound_command_takes_its_new_key_and_drops_the_old_one() {
        let (map, warnings) =
            Keymap::with_overrides(&[entry(None, "reveal", &["v"]), entry(None, "quit", &["x"])]);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(map.command(Scope::Main, &press('v')), Some(Command::Reveal));
        assert_eq!(map.command(Scope::Main, &press('s')), None);
        assert_eq!(map.command(Scope::Main, &press('x')), Some(Command::Quit));
        assert_eq!(map.command(Scope::Main, &press('q')), None);
        assert_eq!(map.key(Scope::Main, Command::Reveal), "v");
        // The Versions tab's own v still compares there.
        assert_eq!(
            map.command_in(&[Scope::Versions, Scope::Main], &press('v')),
            Some((Scope::Versions, Command::CompareVersions))
        );
        // Other scopes' reveal is untouched.
        assert_eq!(map.key(Scope::SecretForm, Command::Reveal), "Ctrl-r");
    }

    #[test]
    fn a_conflict_keeps_the_defaults_and_names_both_commands() {
        let (map, warnings) = Keymap::with_overrides(&[entry(None, "reveal", &["y"])]);
        assert_eq!(map, Keymap::default());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("conflict"), "{}", warnings[0]);
        assert!(warnings[0].contains("reveal") && warnings[0].contains("copy_value"));
    }

    #[test]
    fn unknown_names_and_unreadable_keys_are_warnings() {
        let (map, warnings) = Keymap::with_overrides(&[
            entry(None, "revael", &["v"]),
            entry(Some("nowhere"), "close", &["x"]),
            entry(None, "quit", &["Hyper-q"]),
            entry(None, "help", &["Ctrl-c"]),
            entry(Some("seal"), "close", &["x"]),
        ]);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].contains("unknown command \"revael\""));
        assert!(warnings[1].contains("no screen \"nowhere\""));
        assert!(warnings[2].contains("not a key"));
        assert!(warnings[3].contains("Ctrl-c always quits"));
        assert_eq!(map.key(Scope::Main, Command::Quit), "q");
        assert_eq!(map.key(Scope::Seal, Command::Close), "x");
        assert_eq!(
            map.command(
                Scope::Seal,
                &KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)
            ),
            None
        );
    }

    #[test]
    fn an_empty_list_unbinds() {
        let (map, warnings) = Keymap::with_overrides(&[entry(None, "copy_secret", &[])]);
        assert!(warnings.is_empty());
        assert_eq!(map.command(Scope::Main, &press('c')), None);
        assert_eq!(map.key(Scope::Main, Command::CopySecret), "(unbound)");
    }
}
