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
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(8);
    let mut lines = Vec::new();
    for section in Section::ALL {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(section.title(), theme::title()));
        for (label, help) in section_rows(section) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {label:<label_width$}  "), theme::key()),
                Span::raw(help),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Mouse: click selects/opens, wheel scrolls.",
        theme::dim(),
    ));
    let width = lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 2;
    let area = centered(frame.area(), width, lines.len() as u16 + 2);
    let title = if area.height < lines.len() as u16 + 2 {
        " Keys (j/k scroll, Esc closes) "
    } else {
        " Keys (Esc closes) "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(title, theme::title()));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}
