//! Display widths as the terminal shows them: by grapheme (`e` + U+0301 is one column, `秘` two,
//! `🔑` two), with a control character counted as the escaped text drawing puts in its place
//! (`ui::text::sanitize`). Columns on screen are lined up with these, never with `chars().count()`.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns one grapheme takes once drawn.
pub fn grapheme_width(grapheme: &str) -> usize {
    if !grapheme.chars().any(char::is_control) {
        return grapheme.width();
    }
    grapheme
        .chars()
        .map(|c| match c {
            '\t' => 4,
            c if c.is_control() => c.escape_default().count(),
            c => c.width().unwrap_or(0),
        })
        .sum()
}

/// Columns `text` takes once drawn on one line.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// The byte ranges of the screen rows `text` takes in `columns` columns: every line (`\n`, a
/// trailing `\r` dropped) starts a row, and a line wider than the pane goes on over the next rows,
/// broken between graphemes (a value is shown as it is, not re-flowed at spaces). Never empty.
pub fn wrap_rows(text: &str, columns: usize) -> Vec<Range<usize>> {
    let columns = columns.max(1);
    let mut rows = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let content = line.strip_suffix('\r').unwrap_or(line);
        // Printable ASCII (most values): one column a byte, no graphemes to find.
        if content.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            let mut start = line_start;
            let end = line_start + content.len();
            while end - start > columns {
                rows.push(start..start + columns);
                start += columns;
            }
            rows.push(start..end);
            line_start += line.len() + 1;
            continue;
        }
        let mut start = line_start;
        let mut used = 0;
        for (offset, grapheme) in content.grapheme_indices(true) {
            let cells = grapheme_width(grapheme);
            if used + cells > columns && used > 0 {
                rows.push(start..line_start + offset);
                start = line_start + offset;
                used = 0;
            }
            used += cells;
        }
        rows.push(start..line_start + content.len());
        line_start += line.len() + 1;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_display_columns_by_grapheme() {
        assert_eq!(width("plain"), 5);
        assert_eq!(width("秘密キー"), 8);
        assert_eq!(width("🔑token"), 7);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("a\x1b"), 1 + "\\u{1b}".len());
        assert_eq!(width("a\tb"), 6);
    }

    #[test]
    fn rows_break_between_graphemes_at_the_width() {
        let text = "ab秘密\r\ncd";
        let rows: Vec<&str> = wrap_rows(text, 4).into_iter().map(|r| &text[r]).collect();
        assert_eq!(rows, vec!["ab秘", "密", "cd"]);
        let text = "e\u{301}e\u{301}e\u{301}";
        let rows: Vec<&str> = wrap_rows(text, 2).into_iter().map(|r| &text[r]).collect();
        assert_eq!(rows, vec!["e\u{301}e\u{301}", "e\u{301}"]);
        assert_eq!(wrap_rows("", 10), vec![0..0]);
        assert_eq!(wrap_rows("a\n", 10), vec![0..1, 2..2]);
        let text = "abcdefg\nxy";
        let rows: Vec<&str> = wrap_rows(text, 3).into_iter().map(|r| &text[r]).collect();
        assert_eq!(rows, vec!["abc", "def", "g", "xy"]);
        assert_eq!(wrap_rows("abc", 3), vec![0..3]);
        // A grapheme wider than the pane still gets a row of its own.
        assert_eq!(wrap_rows("秘", 1), vec![0..3]);
    }
}
