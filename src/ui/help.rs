//! The `?` overlay, generated from the keymap table.

use super::theme;
use crate::app::keymap::{Section, section_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn centered(outer: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(outer.width);
    let height = height.min(outer.height);
    Rect::new(
        outer.x + (outer.width - width) / 2,
        outer.y + (outer.height - height) / 2,
        width,
        height,
    )
}

pub fn draw(frame: &mut Frame, scroll: u16) {
    let label_width = Section::ALL
        .iter()
        .flat_map(|s| section_rows(*s))
        .map(|(label, _)| super::text::width(label))
        .max()
        .unwrap_or(8);
    let indent = label_width + 4;
    // Help text wraps under itself when the terminal is narrower than the longest line.
    let widest = Section::ALL
        .iter()
        .flat_map(|s| section_rows(*s))
        .map(|(_, help)| indent + super::text::width(help))
        .max()
        .unwrap_or(40);
    let inner_width = widest.min(usize::from(frame.area().width.saturating_sub(2)));
    let text_width = inner_width.saturating_sub(indent).max(20);
    let mut lines = Vec::new();
    for section in Section::ALL {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(section.title(), theme::title()));
        for (label, help) in section_rows(section) {
            for (index, part) in wrap(help, text_width).into_iter().enumerate() {
                let lead = if index == 0 {
                    format!("  {label:<label_width$}  ")
                } else {
                    " ".repeat(indent)
                };
                lines.push(Line::from(vec![
                    Span::styled(lead, theme::key()),
                    Span::raw(part),
                ]));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Mouse: click selects/opens, wheel scrolls.",
        theme::dim(),
    ));
    let mut width = lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 2;
    // Nearly as wide as the screen: take all of it, rather than leave a sliver of the screen
    // behind showing beside the box.
    if width + 4 >= frame.area().width {
        width = frame.area().width;
    }
    let area = centered(frame.area(), width, lines.len() as u16 + 2);
    let overflow = (lines.len() as u16 + 2).saturating_sub(area.height);
    let title = if overflow > 0 {
        " Keys (j/k scroll, Esc closes) "
    } else {
        " Keys (Esc closes) "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(title, theme::title()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(overflow), 0)),
        area,
    );
}

/// Splits `text` at spaces into lines of at most `width` characters (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed =
            super::text::width(&line) + usize::from(!line.is_empty()) + super::text::width(word);
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let cut: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(cut);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn help_text_wraps_at_spaces_and_cuts_only_overlong_words() {
        assert_eq!(
            wrap("edit the open secret", 9),
            ["edit the", "open", "secret"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("fits", 4), ["fits"]);
    }
}
