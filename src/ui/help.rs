//! The `?` overlay, generated from the keymap table.

use super::theme;
use crate::app::App;
use crate::app::keymap::{Command, Scope, Section};
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

pub fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let keymap = &app.keymap;
    type Rows = Vec<(String, &'static str, &'static str)>;
    let rows: Vec<(Section, Rows)> = Section::ALL
        .iter()
        .map(|s| (*s, keymap.rows(*s)))
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let all = || rows.iter().flat_map(|(_, rows)| rows.iter());
    let label_width = all()
        .map(|(label, _, _)| super::text::width(label))
        .max()
        .unwrap_or(8);
    let name_width = all()
        .map(|(_, name, _)| super::text::width(name))
        .max()
        .unwrap_or(8);
    let indent = label_width + name_width + 6;
    // Help text wraps under itself when the terminal is narrower than the longest line.
    let widest = all()
        .map(|(_, _, help)| indent + super::text::width(help))
        .max()
        .unwrap_or(40);
    let inner_width = widest.min(usize::from(frame.area().width.saturating_sub(2)));
    let text_width = inner_width.saturating_sub(indent).max(20);
    let mut lines = Vec::new();
    // What was wrong in the config file: a status line at start can be covered by the next one
    // (a sealed or unreachable server), so it is kept here for the session.
    if !app.start_warnings.is_empty() {
        lines.push(Line::styled("Config file warnings", theme::warning()));
        for warning in &app.start_warnings {
            for (index, part) in wrap(warning, inner_width.saturating_sub(4).max(20))
                .into_iter()
                .enumerate()
            {
                let lead = if index == 0 { "  ! " } else { "    " };
                lines.push(Line::styled(format!("{lead}{part}"), theme::warning()));
            }
        }
    }
    for (section, rows) in &rows {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(section.title(), theme::title()));
        for (label, name, help) in rows {
            for (index, part) in wrap(help, text_width).into_iter().enumerate() {
                let lead = if index == 0 {
                    vec![
                        Span::styled(
                            format!("  {}  ", super::text::pad(label, label_width)),
                            theme::key(),
                        ),
                        Span::styled(
                            format!("{}  ", super::text::pad(name, name_width)),
                            theme::dim(),
                        ),
                    ]
                } else {
                    vec![Span::raw(" ".repeat(indent))]
                };
                let mut spans = lead;
                spans.push(Span::raw(part));
                lines.push(Line::from(spans));
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
    let close = keymap.key(Scope::Help, Command::Close);
    let title = if overflow > 0 {
        let scroll = keymap.pair(Scope::Help, Command::Down, Command::Up);
        format!(" Keys ({scroll} scroll, {close} closes) ")
    } else {
        format!(" Keys ({close} closes) ")
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
        // A word wider than the line is cut at display columns (wide characters count two).
        if super::text::width(&line) > width {
            let rows = crate::app::width::wrap_rows(&line, width);
            if let Some((last, full)) = rows.split_last() {
                lines.extend(full.iter().map(|row| line[row.clone()].to_string()));
                line = line[last.clone()].to_string();
            }
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
        // Wide characters take two columns each: a word of them is cut by columns, not chars.
        assert_eq!(wrap("秘密秘密", 4), ["秘密", "秘密"]);
    }
}
