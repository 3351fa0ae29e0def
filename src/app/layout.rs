//! Screen geometry as a pure function of the terminal size, shared by drawing (where to draw) and
//! by `update` (which row a click hit, how many rows a page is).

use ratatui::layout::Rect;

pub const HEADER_ROWS: u16 = 2;
pub const FOOTER_ROWS: u16 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub tree: Rect,
    pub secret: Rect,
    pub footer: Rect,
}

pub fn areas(width: u16, height: u16) -> Areas {
    let header_rows = HEADER_ROWS.min(height);
    let footer_rows = FOOTER_ROWS.min(height - header_rows);
    let body_rows = height - header_rows - footer_rows;
    let tree_width = (width * 2 / 5).clamp(width.min(24), width.min(60));
    Areas {
        header: Rect::new(0, 0, width, header_rows),
        tree: Rect::new(0, header_rows, tree_width, body_rows),
        secret: Rect::new(tree_width, header_rows, width - tree_width, body_rows),
        footer: Rect::new(0, header_rows + body_rows, width, footer_rows),
    }
}

/// Rows of tree entries that fit: the pane minus its border and the filter line when shown.
pub fn tree_rows(areas: &Areas, filter_line: bool) -> usize {
    (areas.tree.height as usize).saturating_sub(2 + usize::from(filter_line))
}

/// The secret pane: the tab bar, then (Data tab) a version line, the key/value table and the
/// detail view of the selected value. Other tabs draw into `body`.
pub struct SecretAreas {
    pub tabs: Rect,
    /// Everything below the tab bar.
    pub body: Rect,
    pub title: Rect,
    pub table: Rect,
    pub detail: Rect,
}

pub fn secret_areas(secret: Rect, entry_count: usize) -> SecretAreas {
    let inner = Rect::new(
        secret.x + 1,
        secret.y + 1,
        secret.width.saturating_sub(2),
        secret.height.saturating_sub(2),
    );
    let tabs = Rect::new(inner.x, inner.y, inner.width, 1.min(inner.height));
    let body = Rect::new(
        inner.x,
        inner.y + tabs.height,
        inner.width,
        inner.height - tabs.height,
    );
    let title = Rect::new(body.x, body.y, body.width, 1.min(body.height));
    let rest = body.height.saturating_sub(title.height);
    // Table: header + one row per key, at most half of what is left so the value has room.
    let table_rows = ((entry_count as u16).saturating_add(1))
        .min(rest / 2)
        .max(rest.min(2));
    let table = Rect::new(inner.x, title.y + title.height, inner.width, table_rows);
    let detail = Rect::new(
        inner.x,
        table.y + table.height,
        inner.width,
        rest.saturating_sub(table_rows),
    );
    SecretAreas {
        tabs,
        body,
        title,
        table,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_cover_the_screen_without_overlap() {
        let a = areas(120, 40);
        assert_eq!(a.header.height + a.tree.height + a.footer.height, 40);
        assert_eq!(a.tree.width + a.secret.width, 120);
        let tiny = areas(10, 2);
        assert_eq!(tiny.tree.height, 0);
        assert_eq!(tree_rows(&tiny, true), 0);
    }
}
