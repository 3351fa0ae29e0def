//! One key (code plus modifiers): how it is matched, written ("Ctrl-r", "↓") and read from the
//! config file. The only place besides text input that looks at `KeyCode`s.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

pub const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

pub const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

pub const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

pub const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::ALT,
    }
}

impl Key {
    /// Whether a key press is this key. Shift is ignored for characters (`G` arrives as
    /// Shift+`G`) and for BackTab (which arrives with Shift set); Control and Alt count.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let wanted = event.modifiers & !KeyModifiers::SHIFT;
        let mine = self.modifiers & !KeyModifiers::SHIFT;
        let code_matches = match (self.code, event.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a == b || (mine.contains(KeyModifiers::CONTROL) && a.eq_ignore_ascii_case(&b))
            }
            (a, b) => a == b,
        };
        code_matches && mine == wanted
    }

    /// How the key is written in the footer, help, README and prompts.
    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        out.push_str(&name);
        out
    }

    /// Reads a key as the config file writes it: `v`, `G`, `Ctrl-r` (also `C-r`, `ctrl+r`),
    /// `Alt-Enter`, `Enter`, `Esc`, `Tab`, `Shift-Tab`, `Space`, `Up`/`↑`, `PgUp`, `F5`, ...
    pub fn parse(text: &str) -> Result<Key, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(if text.is_empty() {
                "an empty key (write e.g. \"v\" or \"Space\")".into()
            } else {
                "a blank: write \"Space\"".into()
            });
        }
        let mut modifiers = KeyModifiers::NONE;
        let mut shift = false;
        let mut rest = trimmed;
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower == "shift-tab" || lower == "shift+tab" {
                break;
            }
            let prefix = [
                "ctrl-", "ctrl+", "c-", "control-", "alt-", "alt+", "a-", "m-", "shift-", "shift+",
            ]
            .iter()
            .find(|p| lower.starts_with(**p) && rest.len() > p.len());
            let Some(prefix) = prefix else { break };
            if prefix.starts_with('s') {
                shift = true;
            } else if prefix.starts_with('c') {
                modifiers |= KeyModifiers::CONTROL;
            } else {
                modifiers |= KeyModifiers::ALT;
            }
            rest = &rest[prefix.len()..];
        }
        if shift {
            rest = shifted(trimmed, rest, modifiers)?;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => match c {
                '↑' => KeyCode::Up,
                '↓' => KeyCode::Down,
                '←' => KeyCode::Left,
                '→' => KeyCode::Right,
                c if modifiers.contains(KeyModifiers::CONTROL) => {
                    KeyCode::Char(c.to_ascii_lowercase())
                }
                c => KeyCode::Char(c),
            },
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "shift-tab" | "shift+tab" | "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "del" | "delete" => KeyCode::Delete,
                "ins" | "insert" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => {
                    return Err(format!(
                        "{trimmed:?} is not a key (write e.g. \"v\", \"Ctrl-r\", \"Enter\", \"F5\")"
                    ));
                }
            },
        };
        let key = Key { code, modifiers };
        match key.terminal_twin() {
            Some(twin) => Err(format!(
                "{} reaches tresor as {twin} (a terminal sends the same byte): write \"{twin}\"",
                key.label()
            )),
            None => Ok(key),
        }
    }

    /// The key a terminal sends for this one: Ctrl-m is Enter, Ctrl-i is Tab, Ctrl-[ is Esc, and
    /// on many terminals Ctrl-h is Backspace. Binding them would show a key that does something
    /// else when pressed.
    fn terminal_twin(&self) -> Option<&'static str> {
        if !self.modifiers.contains(KeyModifiers::CONTROL) {
            return None;
        }
        match self.code {
            KeyCode::Char('m') => Some("Enter"),
            KeyCode::Char('i') => Some("Tab"),
            KeyCode::Char('[') => Some("Esc"),
            KeyCode::Char('h') => Some("Backspace"),
            _ => None,
        }
    }

    /// The key press this key is.
    pub fn event(&self) -> KeyEvent {
        KeyEvent::new(self.code, self.modifiers)
    }

    /// Whether two keys are the same key press (as `matches` sees them).
    pub fn same_as(&self, other: &Key) -> bool {
        other.matches(&KeyEvent::new(self.code, self.modifiers))
            || self.matches(&KeyEvent::new(other.code, other.modifiers))
    }
}

/// `Shift-r` is the capital letter `R` (what the terminal sends); Shift with anything else
/// cannot be told apart from the key without it.
fn shifted<'a>(written: &str, rest: &'a str, modifiers: KeyModifiers) -> Result<&'a str, String> {
    let mut chars = rest.chars();
    let letter = match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => c.to_ascii_uppercase(),
        _ => {
            return Err(format!(
                "{written:?}: Shift goes only with a letter (write the character Shift types, e.g. \"R\" or \"!\")"
            ));
        }
    };
    if modifiers.contains(KeyModifiers::CONTROL) {
        return Err(format!(
            "{written:?} reaches tresor as Ctrl-{}: write \"Ctrl-{}\"",
            letter.to_ascii_lowercase(),
            letter.to_ascii_lowercase()
        ));
    }
    // The capital letter, taken from a static table so the slice outlives `rest`.
    const CAPITALS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let at = (letter as u8 - b'A') as usize;
    Ok(&CAPITALS[at..=at])
}

/// A key press written as the config file writes keys (`"y"`, `"Enter"`, `"Ctrl-x"`): for tests,
/// which then name keys the way users do instead of building `KeyCode`s.
///
/// # Panics
/// On text that is not a key (a test's typo).
pub fn event(text: &str) -> KeyEvent {
    match Key::parse(text) {
        Ok(key) => key.event(),
        Err(error) => panic!("not a key: {error}"),
    }
}

/// Ctrl-c: quits from anywhere, whatever the keymap says (so no binding can lock a user in).
pub fn is_interrupt(event: &KeyEvent) -> bool {
    ctrl('c').matches(event)
}

/// A printable character typed without Control or Alt (text fields take these).
pub fn typed_char(event: &KeyEvent) -> Option<char> {
    match event.code {
        KeyCode::Char(c)
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// Backspace or Delete: the keys that remove text.
pub fn is_deletion(event: &KeyEvent) -> bool {
    matches!(event.code, KeyCode::Backspace | KeyCode::Delete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_written() {
        for text in [
            "v",
            "G",
            "Ctrl-r",
            "Alt-Enter",
            "Enter",
            "Esc",
            "Tab",
            "Shift-Tab",
            "Space",
            "↑",
            "PgUp",
            "F5",
            "Del",
            "?",
            "/",
        ] {
            let key = Key::parse(text).unwrap();
            assert_eq!(Key::parse(&key.label()).unwrap(), key, "{text}");
        }
        assert_eq!(Key::parse("ctrl+R").unwrap(), ctrl('r'));
        assert_eq!(Key::parse("C-x").unwrap(), ctrl('x'));
        assert_eq!(Key::parse("pagedown").unwrap(), plain(KeyCode::PageDown));
        assert!(Key::parse("Ctrl-").is_err());
        assert!(Key::parse("nokey").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn keys_a_terminal_cannot_tell_apart_are_refused_with_the_key_they_are() {
        for (text, is) in [
            ("Ctrl-m", "Enter"),
            ("ctrl+M", "Enter"),
            ("Ctrl-i", "Tab"),
            ("Ctrl-[", "Esc"),
            ("Ctrl-h", "Backspace"),
        ] {
            let error = Key::parse(text).unwrap_err();
            assert!(
                error.contains(&format!("write \"{is}\"")),
                "{text}: {error}"
            );
        }
        let error = Key::parse(" ").unwrap_err();
        assert!(error.contains("write \"Space\""), "{error}");
        assert!(!error.contains("empty"), "{error}");
        assert_eq!(Key::parse("Shift-r").unwrap(), ch('R'));
        assert_eq!(Key::parse("shift+R").unwrap(), ch('R'));
        assert_eq!(Key::parse("Alt-Shift-x").unwrap(), alt(KeyCode::Char('X')));
        assert_eq!(Key::parse("Shift-Tab").unwrap(), plain(KeyCode::BackTab));
        let error = Key::parse("Shift-1").unwrap_err();
        assert!(error.contains("Shift"), "{error}");
        let error = Key::parse("Ctrl-Shift-r").unwrap_err();
        assert!(error.contains("write \"Ctrl-r\""), "{error}");
    }

    #[test]
    fn shift_is_part_of_a_character() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert!(ch('G').matches(&g));
        assert!(!ch('g').matches(&g));
        assert!(
            plain(KeyCode::BackTab).matches(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        assert!(!ch('c').matches(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(is_interrupt(&KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        )));
    }
}
