//! Text from the server is untrusted: control characters (ESC sequences among them) are shown
//! escaped and never reach the terminal raw.

use std::borrow::Cow;

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
}
