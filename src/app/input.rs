//! A text input (filter, prompts, form fields): text plus a cursor, edited by keys. Form fields may
//! hold secret values, so the text is wiped on drop and never printed by `Debug`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_segmentation::UnicodeSegmentation;
use zeroize::{Zeroize, Zeroizing};

#[derive(Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    /// Cursor position: a byte offset into `text`, always between two graphemes (moving and
    /// deleting go by grapheme, so `e` + U+0301 is one step and one Backspace).
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
            cursor: text.len(),
        }
    }

    /// The text left of the cursor (drawn before the cursor bar; its display width is the
    /// cursor's column).
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.at()]
    }

    /// The text right of the cursor.
    pub fn after_cursor(&self) -> &str {
        &self.text[self.at()..]
    }

    /// The cursor, kept inside the text and on a char boundary even if `text` was replaced.
    fn at(&self) -> usize {
        let mut at = self.cursor.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// Where the grapheme before the cursor starts.
    fn previous_boundary(&self) -> usize {
        let at = self.at();
        self.text[..at]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    /// Where the grapheme after the cursor ends.
    fn next_boundary(&self) -> usize {
        let at = self.at();
        self.text[at..]
            .graphemes(true)
            .next()
            .map_or(at, |g| at + g.len())
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

    /// Inserts at the cursor and puts the cursor after the insertion; a combining mark typed after
    /// a letter joins it (the cursor never lands inside the grapheme they form).
    fn insert_at_cursor(&mut self, clean: &str) {
        if clean.is_empty() {
            return;
        }
        let at = self.at();
        self.reserve_wiped(clean.len());
        self.text.insert_str(at, clean);
        // The end of the grapheme the insertion ends in (itself, unless it merged with what
        // follows, as `e` typed before a combining accent does). Segmented from the insertion
        // point (a boundary before it), not from the start: typing into a 2 MB value stays cheap.
        self.cursor = at
            + self.text[at..]
                .grapheme_indices(true)
                .map(|(i, g)| i + g.len())
                .find(|&grapheme_end| grapheme_end >= clean.len())
                .unwrap_or(clean.len());
    }

    pub fn insert_str(&mut self, text: &str) {
        let clean: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_control()).collect());
        self.insert_at_cursor(&clean);
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
        self.insert_at_cursor(&clean);
    }

    /// Applies an editing key; returns false for keys it does not handle (Enter, Esc, Tab ...).
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.at();
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                let before = self.before_cursor();
                let trimmed = before.trim_end_matches('/');
                let start = trimmed.rfind('/').map_or(0, |i| i + 1);
                let to = self.at();
                self.text.replace_range(start..to, "");
                self.cursor = start;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char(c) if !ctrl => {
                let mut buffer = [0u8; 4];
                let typed: &str = c.encode_utf8(&mut buffer);
                self.insert_at_cursor(typed);
                buffer.zeroize();
            }
            KeyCode::Backspace => {
                let (from, to) = (self.previous_boundary(), self.at());
                self.text.replace_range(from..to, "");
                self.cursor = from;
            }
            KeyCode::Delete => {
                let (from, to) = (self.at(), self.next_boundary());
                self.text.replace_range(from..to, "");
                self.cursor = from;
            }
            KeyCode::Left => self.cursor = self.previous_boundary(),
            KeyCode::Right => self.cursor = self.next_boundary(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
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
    fn moves_and_deletes_by_grapheme() {
        // "e" + combining acute is one grapheme: one Left, one Backspace.
        let mut input = TextInput::with_text("ae\u{301}");
        press(&mut input, KeyCode::Backspace);
        assert_eq!(input.text, "a");
        let mut input = TextInput::with_text("ae\u{301}b");
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Left);
        assert_eq!(input.before_cursor(), "a");
        press(&mut input, KeyCode::Delete);
        assert_eq!(input.text, "ab");
        // Emoji with a modifier and a flag are one step each.
        let mut input = TextInput::with_text("👍🏽🇯🇵x");
        press(&mut input, KeyCode::Home);
        press(&mut input, KeyCode::Right);
        assert_eq!(input.before_cursor(), "👍🏽");
        press(&mut input, KeyCode::Right);
        assert_eq!(input.after_cursor(), "x");
        press(&mut input, KeyCode::Backspace);
        assert_eq!(input.text, "👍🏽x");
        // Typing a combining mark joins the letter before; typing a letter in front of a mark
        // leaves the cursor after the grapheme they form, never inside it.
        let mut input = TextInput::with_text("e");
        press(&mut input, KeyCode::Char('\u{301}'));
        assert_eq!(input.before_cursor(), "e\u{301}");
        let mut input = TextInput::with_text("\u{301}");
        press(&mut input, KeyCode::Home);
        press(&mut input, KeyCode::Char('e'));
        assert_eq!(input.before_cursor(), "e\u{301}");
        assert_eq!(input.after_cursor(), "");
        // The cursor column is the display width of the text before it.
        let mut input = TextInput::with_text("秘密");
        press(&mut input, KeyCode::Left);
        assert_eq!(crate::app::width::width(input.before_cursor()), 2);
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
