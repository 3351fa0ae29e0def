//! A text input (filter, prompts, form fields): text plus a cursor, edited by keys. Form fields may
//! hold secret values, so the text is wiped on drop and never printed by `Debug`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::{Zeroize, Zeroizing};

#[derive(Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
}

impl std::fmt::Debug for TextInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextInput")
            .field("chars", &self.text.chars().count())
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl Drop for TextInput {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl TextInput {
    pub fn with_text(text: &str) -> Self {
        Self {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    /// Makes room for `extra` more bytes. When the buffer must grow, the text moves to a new one
    /// and the old one is wiped, so typing a secret never leaves a copy in freed memory.
    fn reserve_wiped(&mut self, extra: usize) {
        let needed = self.text.len() + extra;
        if self.text.capacity() >= needed {
            return;
        }
        let mut bigger = String::with_capacity(needed.max(32) * 2);
        bigger.push_str(&self.text);
        let mut old = std::mem::replace(&mut self.text, bigger);
        old.zeroize();
    }

    fn byte_index(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    pub fn insert_str(&mut self, text: &str) {
        let clean: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_control()).collect());
        let at = self.byte_index(self.cursor);
        self.reserve_wiped(clean.len());
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Inserts pasted text keeping line breaks and tabs (multi-line values); other control
    /// characters are dropped. `\r\n` and a lone `\r` (tmux pastes line ends as CR) become `\n`.
    pub fn insert_multiline(&mut self, text: &str) {
        let unified = Zeroizing::new(text.replace("\r\n", "\n").replace('\r', "\n"));
        let clean: Zeroizing<String> = Zeroizing::new(
            unified
                .chars()
                .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
                .collect(),
        );
        let at = self.byte_index(self.cursor);
        self.reserve_wiped(clean.len());
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Applies an editing key; returns false for keys it does not handle (Enter, Esc, Tab ...).
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_index(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                let before: Zeroizing<Vec<char>> =
                    Zeroizing::new(self.text.chars().take(self.cursor).collect());
                let mut start = before.len();
                while start > 0 && before[start - 1] == '/' {
                    start -= 1;
                }
                while start > 0 && before[start - 1] != '/' {
                    start -= 1;
                }
                let (from, to) = (self.byte_index(start), self.byte_index(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor = start;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.chars().count(),
            KeyCode::Char(c) if !ctrl => {
                let at = self.byte_index(self.cursor);
                self.reserve_wiped(c.len_utf8());
                self.text.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_index(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Backspace => {}
            KeyCode::Delete if self.cursor < self.text.chars().count() => {
                let at = self.byte_index(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.text.chars().count()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.chars().count(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut TextInput, code: KeyCode) {
        input.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn edits_unicode_text_at_the_cursor() {
        let mut input = TextInput::with_text("sé/");
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Char('x'));
        assert_eq!(input.text, "séx/");
        press(&mut input, KeyCode::Backspace);
        press(&mut input, KeyCode::Backspace);
        assert_eq!(input.text, "s/");
        input.handle_key(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(input.text, "/");
    }

    #[test]
    fn growing_moves_the_text_to_a_bigger_buffer_and_keeps_it_intact() {
        let mut input = TextInput::default();
        let typed: String = (0..500)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let mut moves = 0;
        for c in typed.chars() {
            let (before, capacity) = (input.text.as_ptr(), input.text.capacity());
            press(&mut input, KeyCode::Char(c));
            if input.text.as_ptr() != before {
                moves += 1;
                assert!(capacity < input.text.len(), "moved only when full");
            }
        }
        assert_eq!(input.text, typed);
        assert!(
            moves <= 6,
            "the buffer doubles: {moves} moves for 500 chars"
        );
        input.insert_multiline("x\r\ny\u{1b}");
        assert!(input.text.ends_with("x\ny"));
    }
}
