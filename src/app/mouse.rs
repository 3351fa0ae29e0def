//! Mouse: clicks select and open, the wheel scrolls.

use super::action::Effect;
use super::history;
use super::keys::{expand, open_selected};
use super::layout;
use super::secret_pane::SecretTab;
use super::state::{App, Focus};
use super::tree::NodeKind;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

pub(super) fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    if app.modal.is_some() {
        return Vec::new();
    }
    let areas = app.areas();
    let inside = |rect: ratatui::layout::Rect| {
        mouse.column >= rect.x
            && mouse.column < rect.x + rect.width
            && mouse.row >= rect.y
            && mouse.row < rect.y + rect.height
    };
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) if inside(areas.tree) => {
            app.focus = Focus::Tree;
            let first_row = areas.tree.y + 1;
            if mouse.row < first_row {
                return Vec::new();
            }
            let index = app.tree.offset + (mouse.row - first_row) as usize;
            if index >= app.tree.visible.len()
                || (mouse.row - first_row) as usize >= app.tree_rows()
            {
                return Vec::new();
            }
            let already = app.tree.selected == index;
            app.tree.selected = index;
            let is_secret = app
                .tree
                .selected_id()
                .and_then(|id| app.tree.node(id))
                .is_some_and(|n| matches!(n.kind, NodeKind::Secret));
            if is_secret || !already {
                // A click opens a secret; a second click on a folder toggles it.
                if is_secret {
                    return open_selected(app);
                }
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
        MouseEventKind::Down(MouseButton::Left) if inside(areas.secret) => {
            if app.secret.location.is_some() {
                app.focus = Focus::Secret;
                let parts = layout::secret_areas(areas.secret, app.secret.entry_count());
                if mouse.row == parts.tabs.y {
                    // " 1 Data │ 2 Versions │ 3 Metadata │ 4 Diff": pick the tab under the click.
                    let mut x = parts.tabs.x;
                    for tab in SecretTab::ALL {
                        let width = tab.title().chars().count() as u16 + 5;
                        if mouse.column < x + width {
                            return history::select_tab(app, tab);
                        }
                        x += width;
                    }
                    return Vec::new();
                }
                if app.secret.tab == SecretTab::Versions {
                    // Two header lines above the rows; the list scrolls with the cursor.
                    let first_row = parts.body.y + 2;
                    let rows = (parts.body.height as usize).saturating_sub(6).max(1);
                    if mouse.row >= first_row && ((mouse.row - first_row) as usize) < rows {
                        let first = app.secret.version_cursor.saturating_sub(rows - 1);
                        let index = first + (mouse.row - first_row) as usize;
                        let delta = index as isize - app.secret.version_cursor as isize;
                        app.secret.move_version_cursor(delta);
                    }
                    return Vec::new();
                }
                if app.secret.tab != SecretTab::Data {
                    return Vec::new();
                }
                if mouse.row > parts.table.y && mouse.row < parts.table.y + parts.table.height {
                    let row = (mouse.row - parts.table.y - 1) as usize;
                    let rows = (parts.table.height as usize).saturating_sub(1).max(1);
                    app.secret.select_table_row(row, rows);
                }
            }
            Vec::new()
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
