//! Text from the server is untrusted: control characters (ESC sequences among them) are shown
//! escaped and never reach the terminal raw.

pub use crate::app::width::{grapheme_width, width};
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Sanitizes a multi-line value line by line (newlines are layout, not content).
pub fn sanitized_lines(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split('\n')
        .map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line)))
}

/// `1 version`, `2 versions`, `0 versions`: a count that reads right in the singular.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// The first line of `text` cut to `columns` display columns, sanitized; `…` marks that more
/// follows (more columns or more lines). Costs what it shows: a 2 MB value is not read to its end.
pub fn first_line_fit(text: &str, columns: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let mut graphemes = text.graphemes(true).peekable();
    while let Some(grapheme) = graphemes.next() {
        if grapheme == "\n" || grapheme == "\r\n" {
            if used < columns {
                out.push('…');
            }
            return out;
        }
        let cells = grapheme_width(grapheme);
        let last = graphemes
            .peek()
            .is_none_or(|next| *next == "\n" || *next == "\r\n");
        // Room for this grapheme, and for the `…` unless it ends the line.
        if used + cells + usize::from(!last) > columns {
            if used < columns {
                out.push('…');
            }
            return out;
        }
        out.push_str(&sanitize(grapheme));
        used += cells;
    }
    out
}

/// `text` sanitized and cut (`…`) or padded with spaces to exactly `columns` display columns.
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = first_line_fit(text, columns);
    let used = width(&out);
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_escaped() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("plain é"), "plain é");
        let lines: Vec<_> = sanitized_lines("a\r\nb\x07").collect();
        assert_eq!(lines, vec!["a", "b\\u{7}"]);
    }

    #[test]
    fn counts_read_right_in_the_singular() {
        assert_eq!(count(1, "version", "versions"), "1 version");
        assert_eq!(count(0, "key", "keys"), "0 keys");
        assert_eq!(count(2, "folder", "folders"), "2 folders");
    }

    #[test]
    fn fitting_counts_display_columns() {
        assert_eq!(first_line_fit("秘密キー", 8), "秘密キー");
        assert_eq!(first_line_fit("秘密キー", 7), "秘密キ…");
        assert_eq!(first_line_fit("秘密キー", 6), "秘密…");
        assert_eq!(first_line_fit("ab\ncd", 5), "ab…");
        assert_eq!(first_line_fit("e\u{301}x", 2), "e\u{301}x");
        assert_eq!(pad("🔑token", 9), "🔑token  ");
        assert_eq!(width(&pad("秘密キー", 5)), 5);
        assert_eq!(pad("plain", 9), "plain    ");
    }
}
