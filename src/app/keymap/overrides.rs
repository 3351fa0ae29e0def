//! The user's `[keys]` tables applied to the defaults. Nothing here can stop the app: an unknown
//! screen or command, a key that cannot be read, or two commands on one key in one scope is a
//! warning, and the defaults are kept for it.

use super::Keymap;
use super::commands::{Command, Scope};
use super::key::{Key, is_interrupt, typed_char};
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
    // Which entry set each binding's keys, to name its line in a conflict.
    let mut origins: Vec<Option<&KeyOverride>> = vec![None; keymap.bindings.len()];
    for entry in overrides {
        match apply_entry(&mut keymap, entry) {
            Ok(targets) => {
                for index in targets {
                    origins[index] = Some(entry);
                }
            }
            Err(warning) => warnings.push(warning),
        }
    }
    // A scope with two commands on one key keeps its defaults, all of them: the user sees the
    // warning and the keys they know.
    for scope in Scope::ALL {
        let clashes = clashes_in(&keymap, *scope);
        if clashes.is_empty() {
            continue;
        }
        for (first, second, key) in clashes {
            let mut places: Vec<String> = [origins[first], origins[second]]
                .iter()
                .flatten()
                .map(|entry| entry.place())
                .collect();
            places.dedup();
            let place = if places.is_empty() {
                scope_table(*scope)
            } else {
                places.join(" and ")
            };
            warnings.push(format!(
                "{place}: conflict: {}; the default keys of {} are kept",
                say_clash(&keymap, first, second, &key),
                scope.screen()
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

/// One `command = keys` line; the bindings it set, or the warning when it cannot be used.
fn apply_entry(keymap: &mut Keymap, entry: &KeyOverride) -> Result<Vec<usize>, String> {
    let scopes: Vec<Scope> = match &entry.scope {
        None => Scope::MAIN_VIEW.to_vec(),
        Some(name) => match Scope::from_name(name) {
            Some(scope) => vec![scope],
            None => {
                let known: Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
                return Err(format!(
                    "{}: there is no screen {name:?} (screens: {})",
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
    let Some(command) = command.filter(|_| !targets.is_empty()) else {
        let known: Vec<&str> = keymap
            .bindings
            .iter()
            .filter(|b| scopes.contains(&b.scope))
            .map(|b| b.command.name())
            .collect();
        return Err(format!(
            "{}: unknown command {:?} (commands there: {})",
            entry.place(),
            entry.command,
            known.join(", ")
        ));
    };
    let refuse = |problem: String| {
        format!(
            "{}: {} = {:?}: {problem}; the default is kept",
            entry.place(),
            entry.command,
            entry.keys
        )
    };
    let mut keys = Vec::new();
    for text in &entry.keys {
        let key = Key::parse(text).map_err(&refuse)?;
        if let Some(problem) = unusable(&key, &keymap.bindings[targets[0]], command) {
            return Err(refuse(problem));
        }
        keys.push(key);
    }
    if keys.is_empty() && command.is_way_out() {
        let screen = keymap.bindings[targets[0]].scope.screen();
        return Err(refuse(format!("it would leave no way out of {screen}")));
    }
    for index in &targets {
        keymap.bindings[*index].keys = keys.clone();
    }
    Ok(targets)
}

/// Why a key cannot be bound to a command in a binding's scope, if it cannot.
fn unusable(key: &Key, binding: &super::Binding, command: Command) -> Option<String> {
    let event = KeyEvent::new(key.code, key.modifiers);
    if is_interrupt(&event) {
        return Some("Ctrl-c always quits and cannot be bound".to_string());
    }
    let scope = binding.scope;
    if scope.takes_text() && typed_char(&event).is_some() && !command.acts_only_beside_text() {
        return Some(format!(
            "{} is typed as text in {} (bind a key with Ctrl or Alt, or a named key)",
            key.label(),
            scope.screen()
        ));
    }
    None
}

/// Every key bound to two commands within one scope, said in words.
#[cfg(test)]
pub(super) fn conflicts(keymap: &Keymap) -> Vec<String> {
    Scope::ALL
        .iter()
        .flat_map(|scope| {
            clashes_in(keymap, *scope)
                .into_iter()
                .map(|(first, second, key)| say_clash(keymap, first, second, &key))
        })
        .collect()
}

fn say_clash(keymap: &Keymap, first: usize, second: usize, key: &Key) -> String {
    let first = &keymap.bindings[first];
    let second = &keymap.bindings[second];
    format!(
        "{} is bound to both {} and {} in {} ({})",
        key.label(),
        first.command.name(),
        second.command.name(),
        first.scope.screen(),
        scope_table(first.scope)
    )
}

/// The pairs of bindings (indices into the keymap) of one scope that share a key, with the key.
fn clashes_in(keymap: &Keymap, scope: Scope) -> Vec<(usize, usize, Key)> {
    let bindings: Vec<usize> = (0..keymap.bindings.len())
        .filter(|index| keymap.bindings[*index].scope == scope)
        .collect();
    let mut found = Vec::new();
    for (at, first) in bindings.iter().enumerate() {
        for second in &bindings[at + 1..] {
            for key in &keymap.bindings[*first].keys {
                if keymap.bindings[*second]
                    .keys
                    .iter()
                    .any(|other| other.same_as(key))
                {
                    found.push((*first, *second, *key));
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
    fn a_screen_keeps_a_way_out() {
        let (map, warnings) = Keymap::with_overrides(&[
            entry(Some("seal"), "close", &[]),
            entry(Some("confirm"), "cancel", &[]),
            entry(Some("help_overlay"), "close", &["F2"]),
        ]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("no way out of the Seal screen"),
            "{}",
            warnings[0]
        );
        assert!(warnings[1].contains("no way out of"), "{}", warnings[1]);
        assert_eq!(map.label(Scope::Seal, Command::Close), "Esc / q");
        assert_eq!(map.label(Scope::Confirm, Command::Cancel), "Esc");
        assert_eq!(map.label(Scope::Help, Command::Close), "F2");
    }

    #[test]
    fn a_plain_character_cannot_be_bound_where_text_is_typed() {
        let (map, warnings) = Keymap::with_overrides(&[
            entry(Some("jump_prompt"), "complete", &["s"]),
            entry(Some("secret_form"), "add_row", &["Ctrl-a", "a"]),
            entry(Some("filter_line"), "submit", &["Space"]),
            entry(Some("finder"), "down", &["Ctrl-j"]),
            // A choice key acts only on the choice, so text still takes it.
            entry(Some("login_dialog"), "next_choice", &["l"]),
            entry(Some("metadata_form"), "toggle", &["t"]),
            // Not a text screen.
            entry(Some("seal"), "close", &["x"]),
        ]);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("complete") && warnings[0].contains("typed"));
        assert!(warnings[1].contains("add_row"), "{}", warnings[1]);
        assert!(warnings[2].contains("Space"), "{}", warnings[2]);
        assert_eq!(map.key(Scope::Jump, Command::Complete), "Tab");
        assert_eq!(map.key(Scope::SecretForm, Command::AddRow), "Ctrl-n");
        assert_eq!(map.key(Scope::Filter, Command::Submit), "Enter");
        assert_eq!(map.key(Scope::Finder, Command::Down), "Ctrl-j");
        assert_eq!(map.key(Scope::Login, Command::NextChoice), "l");
        assert_eq!(map.key(Scope::MetadataForm, Command::Toggle), "t");
        assert_eq!(map.key(Scope::Seal, Command::Close), "x");
    }

    #[test]
    fn a_conflict_names_the_line_that_caused_it() {
        let mut close = entry(Some("seal"), "close", &["r"]);
        close.line = Some(5);
        let (map, warnings) = Keymap::with_overrides(&[close]);
        assert_eq!(map, Keymap::default());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("[keys.seal] line 5: "),
            "{}",
            warnings[0]
        );
        assert!(warnings[0].contains("Seal screen"), "{}", warnings[0]);
    }

    #[test]
    fn an_empty_list_unbinds() {
        let (map, warnings) = Keymap::with_overrides(&[entry(None, "copy_secret", &[])]);
        assert!(warnings.is_empty());
        assert_eq!(map.command(Scope::Main, &press('c')), None);
        assert_eq!(map.key(Scope::Main, Command::CopySecret), "(unbound)");
    }
}
