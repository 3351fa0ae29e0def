//! Mouse: clicks select and open, the wheel scrolls.

use super::action::Effect;
use super::history;
use super::keys::{expand, open_selected};
use super::layout;
use super::secret_pane::SecretTab;
use super::state::{App, Focus};
use super::tree::NodeKind;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

pub(super) fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    if app.modal.is_some() {
        return Vec::new();
    }
    let areas = app.areas();
    let inside = |rect: Rect| {
        mouse.column >= rect.x
            && mouse.column < rect.x + rect.width
            && mouse.row >= rect.y
            && mouse.row < rect.y + rect.height
    };
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) if inside(areas.tree) => {
            click_in_tree(app, areas.tree, mouse.row)
        }
        MouseEventKind::Down(MouseButton::Left) if inside(areas.secret) => {
            click_in_secret(app, areas.secret, mouse.column, mouse.row)
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if mouse.kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            if inside(areas.secret) {
                match app.secret.tab {
                    SecretTab::Versions => app.secret.move_version_cursor(delta),
                    SecretTab::Metadata => {
                        app.secret.metadata_scroll =
                            (app.secret.metadata_scroll as isize + delta).clamp(0, 200) as u16;
                    }
                    SecretTab::Data | SecretTab::Diff => app.scroll_detail(delta as i32),
                }
            } else if inside(areas.tree) {
                app.tree.move_selection(delta);
                let rows = app.tree_rows();
                app.tree.scroll_into_view(rows);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A click in the tree selects a row; it opens a secret, and a second click toggles a folder.
fn click_in_tree(app: &mut App, tree_area: Rect, row: u16) -> Vec<Effect> {
    app.focus = Focus::Tree;
    let first_row = tree_area.y + 1;
    if row < first_row {
        return Vec::new();
    }
    let index = app.tree.offset + (row - first_row) as usize;
    if index >= app.tree.visible.len() || (row - first_row) as usize >= app.tree_rows() {
        return Vec::new();
    }
    let already = app.tree.selected == index;
    app.tree.selected = index;
    let is_secret = app
        .tree
        .selected_id()
        .and_then(|id| app.tree.node(id))
        .is_some_and(|n| matches!(n.kind, NodeKind::Secret));
    if is_secret {
        return open_selected(app);
    }
    if !already {
        return Vec::new();
    }
    let id = app.tree.visible[index];
    if app.tree.node(id).is_some_and(|n| n.expanded) {
        app.tree.set_expanded(id, false);
        Vec::new()
    } else {
        expand(app, id)
    }
}

/// A click in the secret pane: a tab, a version, or a row of the data.
fn click_in_secret(app: &mut App, pane: Rect, column: u16, row: u16) -> Vec<Effect> {
    if app.secret.location.is_none() {
        return Vec::new();
    }
    app.focus = Focus::Secret;
    let parts = layout::secret_areas(pane, app.secret.entry_count());
    if row == parts.tabs.y {
        // " 1 Data │ 2 Versions │ 3 Metadata │ 4 Diff": pick the tab under the click.
        let mut x = parts.tabs.x;
        for tab in SecretTab::ALL {
            let width = tab.title().chars().count() as u16 + 5;
            if column < x + width {
                return history::select_tab(app, tab);
            }
            x += width;
        }
        return Vec::new();
    }
    match app.secret.tab {
        SecretTab::Versions => {
            // Two header lines above the rows; the list scrolls with the cursor.
            let first_row = parts.body.y + 2;
            let rows = (parts.body.height as usize).saturating_sub(6).max(1);
            if row >= first_row && ((row - first_row) as usize) < rows {
                let first = app.secret.version_cursor.saturating_sub(rows - 1);
                let index = first + (row - first_row) as usize;
                let delta = index as isize - app.secret.version_cursor as isize;
                app.secret.move_version_cursor(delta);
            }
        }
        SecretTab::Data if row > parts.table.y && row < parts.table.y + parts.table.height => {
            let rows = (parts.table.height as usize).saturating_sub(1).max(1);
            app.secret
                .select_table_row((row - parts.table.y - 1) as usize, rows);
        }
        _ => {}
    }
    Vec::new()
}
