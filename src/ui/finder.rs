//! The finder: the pattern, how the crawl is going, and the best matches with the matched
//! characters marked. Only the rows on screen are drawn.

use super::dialog::{input_spans, panel_area};
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::finder::{CrawlState, Finder, FinderMatch};
use crate::app::keymap::{Command, Scope};
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// "1 path", "2 paths".
fn progress_line(app: &App) -> Line<'static> {
    let cache = &app.paths;
    // A server-side scan lists no folders one by one: only the paths count then.
    let folders = if matches!(cache.state, CrawlState::Done { scanned: true }) {
        String::new()
    } else {
        format!(
            " · {} listed",
            super::text::count(cache.folders, "folder", "folders")
        )
    };
    let counts = format!(
        "{}{folders}{}",
        super::text::count(cache.paths.len(), "path", "paths"),
        if cache.skipped > 0 {
            format!(" · {} skipped (permission denied)", cache.skipped)
        } else {
            String::new()
        }
    );
    let (state, style) = match &cache.state {
        CrawlState::NotStarted => (String::new(), theme::dim()),
        CrawlState::Running => (format!("{} crawling… ", spinner(app)), theme::dim()),
        CrawlState::Done { scanned: true } => ("done (server-side scan) · ".into(), theme::dim()),
        CrawlState::Done { scanned: false } => ("done · ".into(), theme::dim()),
        CrawlState::Failed(error) => (
            format!(
                "crawl failed: listing the mounts: {} · ",
                sanitize(&crate::app::errors::error_text(&app.keymap, error))
            ),
            theme::error(),
        ),
    };
    let recrawl = app.keymap.key(Scope::Finder, Command::Recrawl);
    Line::styled(format!("{state}{counts} · {recrawl} crawls again"), style)
}

fn result_line(found: &FinderMatch, selected: bool) -> Line<'static> {
    let base = if selected {
        theme::selected(true)
    } else {
        Style::new()
    };
    let marked = if selected {
        theme::on_selected(theme::matched(), true)
    } else {
        theme::matched()
    };
    let mut spans = vec![Span::styled(if selected { "› " } else { "  " }, base)];
    // Runs of matched and unmatched characters; positions index the path's own characters, so
    // each character is made safe on its own (an escaped control character stays one position).
    let mut run = String::new();
    let mut run_hit = false;
    let mut buffer = [0u8; 4];
    for (index, c) in found.path.chars().enumerate() {
        // A combining mark goes with the character before it: a span cannot start with one
        // (the terminal would drop it, as `é` written e + U+0301 lost its accent).
        let joins = !run.is_empty() && crate::app::width::width(c.encode_utf8(&mut buffer)) == 0;
        let hit = if joins {
            run_hit
        } else {
            found.positions.binary_search(&index).is_ok()
        };
        if hit != run_hit && !run.is_empty() {
            let style = if run_hit { marked } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hit = hit;
        run.push_str(&sanitize(c.encode_utf8(&mut buffer)));
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { marked } else { base }));
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, app: &App, finder: &Finder) {
    let area = panel_area(frame);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            format!(
                " Find ({} jumps · {}/{} move · {} closes) ",
                app.keymap.key(Scope::Finder, Command::Submit),
                app.keymap.key(Scope::Finder, Command::Up),
                app.keymap.key(Scope::Finder, Command::Down),
                app.keymap.key(Scope::Finder, Command::Close),
            ),
            theme::title(),
        ));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    let mut prompt = vec![Span::styled("> ", theme::key())];
    prompt.extend(input_spans(&finder.input, true));
    lines.push(Line::from(prompt));
    lines.push(progress_line(app));
    let rows = usize::from(inner.height).saturating_sub(2);
    let start = finder.cursor.saturating_sub(rows.saturating_sub(1));
    if finder.results.is_empty() {
        lines.push(Line::styled(
            if app.paths.paths.is_empty() && matches!(app.paths.state, CrawlState::Done { .. }) {
                "no paths found: nothing this token may list"
            } else if app.paths.paths.is_empty() {
                "no paths yet"
            } else {
                "no path matches"
            },
            theme::dim(),
        ));
    }
    for (index, found) in finder.results.iter().enumerate().skip(start).take(rows) {
        lines.push(result_line(found, index == finder.cursor));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn marks_follow_the_path_characters_even_after_an_escaped_one() {
        let found = FinderMatch {
            path: "a\u{1b}b/cd".into(),
            score: 0,
            positions: vec![2, 4, 5],
        };
        let line = result_line(&found, false);
        let texts: Vec<&str> = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, vec!["  ", "a\\u{1b}", "b", "/", "cd"]);
        let marked = theme_marked(&line);
        assert_eq!(marked, vec!["b", "cd"]);
    }

    #[test]
    fn a_combining_mark_stays_with_its_letter() {
        // "cafe" + U+0301, the pattern matched c, a, f, e (positions 0-3), not the accent.
        let found = FinderMatch {
            path: "cafe\u{301}".into(),
            positions: vec![0, 1, 2, 3],
            score: 0,
        };
        let line = result_line(&found, false);
        assert_eq!(theme_marked(&line), vec!["cafe\u{301}"]);
    }

    fn theme_marked(line: &Line) -> Vec<String> {
        line.spans
            .iter()
            .filter(|s| s.style.add_modifier.contains(Modifier::BOLD))
            .map(|s| s.content.to_string())
            .collect()
    }
}
