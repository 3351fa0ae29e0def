//! The left pane: mounts, folders and secrets; only the rows on screen are built.

use super::{spinner, text::sanitize, theme};
use crate::app::state::Loadable;
use crate::app::tree::NoMounts;
use crate::app::tree::{Listing, NodeKind};
use crate::app::{App, Focus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// Columns a tree level is indented by.
pub const INDENT: usize = 4;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Focus::Tree && app.modal.is_none();
    let tree = &app.tree;
    let count = if tree.filter.is_empty() {
        format!(" {} ", tree.visible.len())
    } else {
        format!(" {} matching ", tree.visible.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(" Secrets ", theme::title()))
        .title_bottom(Line::from(Span::styled(count, theme::dim())).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }

    let rows = app.tree_rows();
    let mut lines: Vec<Line> = Vec::with_capacity(rows);
    match &app.mounts {
        Loadable::Loading if tree.visible.is_empty() => {
            lines.push(Line::styled(
                format!("{} loading mounts…", spinner(app)),
                theme::dim(),
            ));
        }
        Loadable::Failed(NoMounts::LoggedOut) if tree.visible.is_empty() => {
            lines.push(Line::styled("Logged out.", theme::warning()));
            lines.push(Line::styled(
                format!(
                    "What the old token saw is gone. {} logs in.",
                    app.keymap.key(
                        crate::app::keymap::Scope::Main,
                        crate::app::keymap::Command::Login
                    )
                ),
                theme::dim(),
            ));
        }
        Loadable::Failed(NoMounts::Error(error)) if tree.visible.is_empty() => {
            lines.push(Line::styled("Cannot list mounts:", theme::error()));
            lines.push(Line::raw(
                sanitize(&crate::app::errors::error_text(&app.keymap, error)).into_owned(),
            ));
            lines.push(Line::styled(
                format!(
                    "{} retries",
                    app.keymap.key(
                        crate::app::keymap::Scope::Main,
                        crate::app::keymap::Command::Refresh
                    )
                ),
                theme::dim(),
            ));
        }
        // Without a token the server shows only its "unauth" mounts: say why the tree is empty.
        Loadable::Ready(()) if tree.roots.is_empty() && !app.connection.has_token => {
            lines.push(Line::styled(
                format!(
                    "No token: nothing to show. {} logs in.",
                    app.keymap.key(
                        crate::app::keymap::Scope::Main,
                        crate::app::keymap::Command::Login
                    )
                ),
                theme::dim(),
            ));
        }
        Loadable::Ready(()) if tree.roots.is_empty() => {
            lines.push(Line::styled(
                "No secret engines visible to this token.",
                theme::dim(),
            ));
        }
        _ => {}
    }
    let end = (tree.offset + rows).min(tree.visible.len());
    for (index, &id) in tree.visible[tree.offset.min(end)..end].iter().enumerate() {
        let node = &tree.nodes[id];
        let row = tree.offset + index;
        // Four columns a level: a folder's marker sits two columns right of the names of its
        // parent's other children, never in their column.
        let indent = " ".repeat(INDENT * node.depth as usize);
        let (marker, name_style) = match &node.kind {
            NodeKind::Mount(_) if node.unbrowsable_engine().is_some() => ("  ", theme::dim()),
            NodeKind::Mount(_) => (if node.expanded { "▾ " } else { "▸ " }, theme::mount()),
            NodeKind::Folder => (if node.expanded { "▾ " } else { "▸ " }, theme::folder()),
            NodeKind::Secret => ("  ", Style::new()),
        };
        let cursor = if row == tree.selected { "›" } else { " " };
        let mut spans = vec![
            Span::styled(cursor, theme::key()),
            Span::raw(indent),
            Span::styled(marker, theme::dim()),
            Span::styled(sanitize(&node.name).into_owned(), name_style),
        ];
        if let NodeKind::Mount(mount) = &node.kind {
            spans.push(Span::styled(
                format!(" {}", mount.engine.label()),
                theme::dim(),
            ));
            match node.unbrowsable_engine() {
                // Open screens of their own (app::pki, app::transit): nothing to add.
                Some(engine) if crate::app::pki::opens(engine) => {}
                Some(engine) if crate::app::transit::is_transit(engine) => {}
                // Opened as a request for dynamic credentials (app::credentials).
                Some(_) => spans.push(Span::styled(" (credentials)", theme::dim())),
                None => {}
            }
        }
        match &node.listing {
            Listing::Loading => {
                spans.push(Span::styled(format!(" {}", spinner(app)), theme::dim()))
            }
            Listing::Denied => spans.push(Span::styled(" permission denied", theme::error())),
            Listing::Failed(error) => spans.push(Span::styled(
                format!(
                    " {}",
                    sanitize(&crate::app::errors::error_text(&app.keymap, error))
                ),
                theme::error(),
            )),
            Listing::Loaded if node.expanded && node.children.is_empty() => {
                spans.push(Span::styled(" (empty)", theme::dim()))
            }
            _ => {}
        }
        let mut line = Line::from(spans);
        if row == tree.selected {
            line = theme::select(line, focused);
        }
        lines.push(line);
    }
    let list_area = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.min(rows as u16 + 3),
    );
    if tree.visible.is_empty() {
        // Only a note (why the mounts are missing): wrapped, so the cause is not cut off.
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), list_area);
    } else {
        frame.render_widget(Paragraph::new(lines), list_area);
    }

    draw_failure_of_selected(frame, inner, app, rows);

    if app.filter_line_shown() {
        let filter_line = Line::from(match &app.filter_input {
            // The cursor bar where the cursor is, after the display width of the text before it.
            Some(input) => vec![
                Span::styled("/", theme::key()),
                Span::raw(sanitize(input.before_cursor()).into_owned()),
                Span::styled("▏", theme::dim()),
                Span::raw(sanitize(input.after_cursor()).into_owned()),
            ],
            None => vec![
                Span::styled("/", theme::key()),
                Span::raw(sanitize(&tree.filter).into_owned()),
                Span::styled(
                    format!(
                        "  ({} clears)",
                        app.keymap.key(
                            crate::app::keymap::Scope::Main,
                            crate::app::keymap::Command::Back
                        )
                    ),
                    theme::dim(),
                ),
            ],
        });
        let y = inner.y + inner.height - 1;
        frame.render_widget(
            Paragraph::new(filter_line),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
}

/// Why the selected folder could not be listed, in full and wrapped (its row has room for the
/// start only): a box over the bottom rows of the list, or over the top ones when the selected
/// row is down there.
fn draw_failure_of_selected(frame: &mut Frame, inner: Rect, app: &App, rows: usize) {
    let tree = &app.tree;
    let Some(node) = tree.selected_id().and_then(|id| tree.node(id)) else {
        return;
    };
    let Listing::Failed(error) = &node.listing else {
        return;
    };
    let width = inner.width as usize;
    let list_height = rows.min(inner.height as usize);
    if width == 0 || list_height < 4 {
        return;
    }
    let reason = crate::app::errors::error_text(&app.keymap, error);
    let text = format!("{}: {}", sanitize(&node.name), sanitize(&reason));
    let wrapped = crate::app::width::wrap_rows(&text, width);
    let height = (wrapped.len() + 1).min(list_height / 2).max(2);
    let mut lines = vec![Line::styled("─".repeat(width), theme::dim())];
    lines.extend(
        wrapped
            .into_iter()
            .take(height - 1)
            .map(|row| Line::styled(text[row].to_string(), theme::error())),
    );
    let selected_y = tree.selected.saturating_sub(tree.offset);
    let at_bottom = list_height - height;
    let y = if selected_y < at_bottom { at_bottom } else { 0 };
    if y == 0 {
        // Over the top rows: the rule goes below the text.
        lines.rotate_left(1);
    }
    let area = Rect::new(inner.x, inner.y + y as u16, inner.width, height as u16);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}
