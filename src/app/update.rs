//! `update`: the only place state changes. Returns the effects the runtime should carry out.

use super::action::{Action, Effect};
use super::input::TextInput;
use super::keymap::{self, Command};
use super::layout;
use super::secret_pane::SecretContent;
use super::state::{
    App, BACKGROUND_REFRESH, Focus, Loadable, Modal, STATUS_TIMEOUT, StatusKind, TokenView,
};
use super::tree::{Listing, Location, NodeId, NodeKind};
use crate::vault::{KvVersion, SecretEngine, VaultError};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Action::Key(_) => Vec::new(),
        Action::Mouse(mouse) => on_mouse(app, mouse),
        Action::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Action::Resize(width, height) => {
            app.size = (width, height);
            let rows = app.tree_rows();
            app.tree.scroll_into_view(rows);
            Vec::new()
        }
        Action::Tick(now) => on_tick(app, now),
        Action::MountsLoaded { generation, result } => {
            if generation != app.tree.generation {
                return Vec::new();
            }
            match result {
                Ok(mounts) => {
                    app.mounts = Loadable::Ready(());
                    app.tree.set_mounts(mounts);
                    let roots = app.tree.roots.clone();
                    restore_after_refresh(app, &roots)
                }
                Err(error) => {
                    app.mounts = Loadable::Failed(error.to_string());
                    report_error(app, &error);
                    Vec::new()
                }
            }
        }
        Action::FolderListed {
            generation,
            node,
            result,
        } => {
            if generation != app.tree.generation {
                return Vec::new();
            }
            if let Err(error) = &result
                && !error.is_permission_denied()
            {
                report_error(app, error);
            }
            app.tree.apply_listing(node, result);
            let children = app
                .tree
                .node(node)
                .map(|n| n.children.clone())
                .unwrap_or_default();
            let effects = restore_after_refresh(app, &children);
            let rows = app.tree_rows();
            app.tree.scroll_into_view(rows);
            effects
        }
        Action::SecretLoaded { request, result } => {
            if app.secret.request != Some(request) {
                return Vec::new(); // an answer for a secret the user has left
            }
            app.secret.request = None;
            app.secret.content = match result {
                Ok(secret) => {
                    app.secret.selected = app
                        .secret
                        .selected
                        .min(secret.entries.len().saturating_sub(1));
                    SecretContent::Loaded(secret)
                }
                Err(error) => {
                    if matches!(error, VaultError::Sealed) {
                        app.seal = Loadable::Failed("sealed".into());
                    }
                    SecretContent::Failed(error.to_string())
                }
            };
            Vec::new()
        }
        Action::TokenLookedUp(result) => {
            app.token = match result {
                Ok(info) => Loadable::Ready(TokenView {
                    info,
                    looked_up_at: app.clock,
                }),
                Err(error) => Loadable::Failed(error.to_string()),
            };
            Vec::new()
        }
        Action::SealStatusLoaded(result) => {
            app.seal = match result {
                Ok(status) => {
                    if status.sealed {
                        app.set_status(
                            StatusKind::Error,
                            "The server is sealed: reads will fail until it is unsealed.",
                        );
                    }
                    Loadable::Ready(status)
                }
                Err(error) => Loadable::Failed(error.to_string()),
            };
            Vec::new()
        }
        Action::Copied {
            description,
            result,
            clears,
        } => {
            match result {
                Ok(backend) => {
                    let clear = app.clipboard_clear_after.as_secs();
                    let note = if clears {
                        format!(" (clears in {clear}s)")
                    } else {
                        String::new()
                    };
                    app.set_status(
                        StatusKind::Info,
                        format!("Copied {description} via {backend}{note}"),
                    );
                }
                Err(reason) => app.set_status(StatusKind::Error, format!("Copy failed: {reason}")),
            }
            Vec::new()
        }
        Action::ClipboardCleared { cleared } => {
            if cleared {
                app.set_status(StatusKind::Info, "Clipboard cleared");
            }
            Vec::new()
        }
        Action::Quit => quit(app),
    }
}

fn quit(app: &mut App) -> Vec<Effect> {
    app.should_quit = true;
    vec![Effect::Quit]
}

fn report_error(app: &mut App, error: &VaultError) {
    if matches!(error, VaultError::Sealed) {
        app.seal = Loadable::Failed("sealed".into());
    }
    app.set_status(StatusKind::Error, error.to_string());
}

fn on_tick(app: &mut App, now: std::time::Duration) -> Vec<Effect> {
    app.clock = now;
    if let Some(status) = &app.status
        && status.kind == StatusKind::Info
        && now.saturating_sub(status.shown_at) >= STATUS_TIMEOUT
    {
        app.status = None;
    }
    if now.saturating_sub(app.last_background_refresh) >= BACKGROUND_REFRESH {
        app.last_background_refresh = now;
        return vec![Effect::LoadSealStatus, Effect::LookupToken];
    }
    Vec::new()
}

fn on_paste(app: &mut App, text: &str) {
    if let Some(Modal::Jump { input, .. }) = &mut app.modal {
        input.insert_str(text.trim());
        refresh_completions(app);
    } else if let Some(input) = &mut app.filter_input {
        input.insert_str(text);
        let filter = input.text.clone();
        app.tree.set_filter(filter);
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(app);
    }
    if app.modal.is_some() {
        return on_modal_key(app, key);
    }
    if app.filter_input.is_some() {
        on_filter_key(app, key);
        return Vec::new();
    }
    let Some(command) = keymap::command_for(&key) else {
        return Vec::new();
    };
    if command != Command::CopyPath {
        app.copied_path = None;
    }
    let page = app.tree_rows().max(1) as isize;
    match command {
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => {
            let delta = match command {
                Command::Up => -1,
                Command::Down => 1,
                Command::PageUp => -page,
                Command::PageDown => page,
                Command::Top => isize::MIN / 2,
                _ => isize::MAX / 2,
            };
            move_in_focus(app, command, delta);
            Vec::new()
        }
        Command::Open => match app.focus {
            Focus::Tree => open_selected(app),
            Focus::Secret => Vec::new(),
        },
        Command::Close => {
            match app.focus {
                Focus::Tree => close_selected(app),
                Focus::Secret => app.focus = Focus::Tree,
            }
            Vec::new()
        }
        Command::Filter => {
            app.focus = Focus::Tree;
            app.filter_input = Some(TextInput::with_text(&app.tree.filter));
            Vec::new()
        }
        Command::Jump => {
            let prefill = app
                .tree
                .selected_id()
                .and_then(|id| {
                    let node = app.tree.node(id)?;
                    let target = if node.is_container() {
                        id
                    } else {
                        node.parent?
                    };
                    app.tree.full_path(target)
                })
                .unwrap_or_default();
            app.modal = Some(Modal::Jump {
                input: TextInput::with_text(&prefill),
                completions: Vec::new(),
                error: None,
            });
            refresh_completions(app);
            Vec::new()
        }
        Command::SwitchPane => {
            app.focus = match app.focus {
                Focus::Tree if app.secret.location.is_some() => Focus::Secret,
                _ => Focus::Tree,
            };
            Vec::new()
        }
        Command::Reveal => {
            app.secret.revealed = !app.secret.revealed;
            Vec::new()
        }
        Command::CopyValue => copy_value(app),
        Command::CopyPath => copy_path(app),
        Command::Refresh => refresh(app),
        Command::Help => {
            app.modal = Some(Modal::Help { scroll: 0 });
            Vec::new()
        }
        Command::Back => {
            if !app.tree.filter.is_empty() {
                app.tree.set_filter(String::new());
            } else if app.focus == Focus::Secret {
                app.focus = Focus::Tree;
            } else {
                app.status = None;
            }
            Vec::new()
        }
        Command::Quit => quit(app),
    }
}

fn move_in_focus(app: &mut App, command: Command, delta: isize) {
    match app.focus {
        Focus::Tree => {
            app.tree.move_selection(delta);
            let rows = app.tree_rows();
            app.tree.scroll_into_view(rows);
        }
        Focus::Secret => match command {
            Command::PageUp | Command::PageDown => {
                let page = layout::secret_areas(app.areas().secret, app.secret.entry_count())
                    .detail
                    .height
                    .max(1) as i32;
                let sign = if command == Command::PageUp { -1 } else { 1 };
                app.secret.scroll_detail(sign * page);
            }
            _ => app.secret.move_selection(delta),
        },
    }
}

fn on_filter_key(app: &mut App, key: KeyEvent) {
    let Some(input) = &mut app.filter_input else {
        return;
    };
    match key.code {
        KeyCode::Esc => {
            app.filter_input = None;
            app.tree.set_filter(String::new());
        }
        KeyCode::Enter => app.filter_input = None,
        KeyCode::Up => app.tree.move_selection(-1),
        KeyCode::Down => app.tree.move_selection(1),
        _ => {
            if input.handle_key(&key) {
                let filter = input.text.clone();
                app.tree.set_filter(filter);
            }
        }
    }
    let rows = app.tree_rows();
    app.tree.scroll_into_view(rows);
}

fn on_modal_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = &mut app.modal else {
        return Vec::new();
    };
    match modal {
        Modal::Help { scroll } => {
            match keymap::command_for(&key) {
                Some(Command::Down) => *scroll = scroll.saturating_add(1),
                Some(Command::Up) => *scroll = scroll.saturating_sub(1),
                Some(Command::Back | Command::Help | Command::Quit) => app.modal = None,
                _ => {}
            }
            Vec::new()
        }
        Modal::Jump {
            input, completions, ..
        } => match key.code {
            KeyCode::Esc => {
                app.modal = None;
                Vec::new()
            }
            KeyCode::Tab => {
                if let Some(prefix) = common_prefix(completions)
                    && prefix.len() > input.text.len()
                {
                    *input = TextInput::with_text(&prefix);
                }
                refresh_completions(app);
                Vec::new()
            }
            KeyCode::Enter => {
                let text = input.text.trim().trim_start_matches('/').to_string();
                jump_to(app, &text)
            }
            _ => {
                if input.handle_key(&key) {
                    refresh_completions(app);
                }
                Vec::new()
            }
        },
    }
}

const MAX_COMPLETIONS: usize = 8;

fn refresh_completions(app: &mut App) {
    let Some(Modal::Jump {
        input,
        completions,
        error,
    }) = &mut app.modal
    else {
        return;
    };
    *error = None;
    let typed = input.text.trim_start_matches('/');
    let mut matches: Vec<String> = app
        .tree
        .known_paths()
        .into_iter()
        .filter(|path| path.starts_with(typed) && path != typed)
        .collect();
    // Closest first: fewest extra segments, then alphabetical.
    matches.sort_by_key(|path| (path.matches('/').count(), path.clone()));
    matches.truncate(MAX_COMPLETIONS);
    *completions = matches;
}

fn common_prefix(candidates: &[String]) -> Option<String> {
    let first = candidates.first()?;
    let mut end = first.len();
    for other in &candidates[1..] {
        end = first
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(end);
    }
    Some(first[..end].to_string())
}

fn jump_to(app: &mut App, text: &str) -> Vec<Effect> {
    let set_error = |app: &mut App, message: String| {
        if let Some(Modal::Jump { error, .. }) = &mut app.modal {
            *error = Some(message);
        }
    };
    if text.is_empty() {
        set_error(app, "Type a path such as secret/app/config".into());
        return Vec::new();
    }
    if let Err(error) = crate::vault::path::encode_path(text) {
        set_error(app, error.to_string());
        return Vec::new();
    }
    let Some((mount_id, rest)) = app.tree.mount_node_for(text) else {
        let mounts: Vec<String> = app
            .tree
            .roots
            .iter()
            .filter_map(|&id| app.tree.node(id).map(|n| n.name.clone()))
            .collect();
        set_error(
            app,
            format!("No mount matches {text:?}. Mounts: {}", mounts.join(" ")),
        );
        return Vec::new();
    };
    app.modal = None;
    app.focus = Focus::Tree;
    if !app.tree.filter.is_empty() {
        app.tree.set_filter(String::new());
    }
    let target = if rest.is_empty() {
        mount_id
    } else {
        app.tree.ensure_path(mount_id, &rest)
    };
    app.tree.select_node(target);
    let rows = app.tree_rows();
    app.tree.scroll_into_view(rows);
    open_selected(app)
}

/// Enter/l on the selection: expand (and list) a container, or open a secret.
fn open_selected(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.tree.selected_id() else {
        return Vec::new();
    };
    let Some(node) = app.tree.node(id) else {
        return Vec::new();
    };
    if matches!(node.kind, NodeKind::Secret) {
        return open_secret(app, id);
    }
    if node.expanded && node.listing == Listing::Loaded {
        // Already open: step into it.
        if !node.children.is_empty() {
            app.tree.move_selection(1);
            let rows = app.tree_rows();
            app.tree.scroll_into_view(rows);
        }
        return Vec::new();
    }
    expand(app, id)
}

fn expand(app: &mut App, id: NodeId) -> Vec<Effect> {
    app.tree.set_expanded(id, true);
    let needs_listing = app
        .tree
        .node(id)
        .is_some_and(|n| !matches!(n.listing, Listing::Loaded | Listing::Loading));
    if !needs_listing {
        return Vec::new();
    }
    match app.tree.start_listing(id) {
        Some(location) => vec![Effect::ListFolder {
            generation: app.tree.generation,
            node: id,
            location,
        }],
        None => Vec::new(),
    }
}

fn open_secret(app: &mut App, id: NodeId) -> Vec<Effect> {
    let Some(location) = app.tree.location(id) else {
        return Vec::new();
    };
    let request = app.next_request_id();
    app.secret.open(location.clone(), request);
    vec![Effect::ReadSecret { request, location }]
}

fn close_selected(app: &mut App) {
    let Some(id) = app.tree.selected_id() else {
        return;
    };
    let Some(node) = app.tree.node(id) else {
        return;
    };
    if node.is_container() && node.expanded {
        app.tree.set_expanded(id, false);
    } else if let Some(parent) = node.parent {
        app.tree.select_node(parent);
    }
    let rows = app.tree_rows();
    app.tree.scroll_into_view(rows);
}

fn copy_value(app: &mut App) -> Vec<Effect> {
    let (Some(entry), Some(location)) = (app.secret.selected_entry(), &app.secret.location) else {
        app.set_status(
            StatusKind::Warning,
            "Open a secret first (Enter), then pick a key (Tab, j/k).",
        );
        return Vec::new();
    };
    vec![Effect::Copy {
        text: entry.value.clone(),
        description: format!("the value of {:?} from {}", entry.key, location.display()),
        sensitive: true,
    }]
}

/// The location `Y` copies: the open secret when the secret pane has focus, else the tree selection.
fn path_target(app: &App) -> Option<Location> {
    match app.focus {
        Focus::Secret => app.secret.location.clone(),
        Focus::Tree => app.tree.selected_id().and_then(|id| app.tree.location(id)),
    }
}

fn copy_path(app: &mut App) -> Vec<Effect> {
    let Some(location) = path_target(app) else {
        return Vec::new();
    };
    let path = location.display();
    let (text, description) = if app.copied_path.as_deref() == Some(path.as_str()) {
        app.copied_path = None;
        let command = bao_command(&location);
        let description = format!("the command `{command}`");
        (command, description)
    } else {
        app.copied_path = Some(path.clone());
        (
            path.clone(),
            format!("the path {path} (Y again: as a bao command)"),
        )
    };
    vec![Effect::Copy {
        text: crate::secret::SecretText::new(text),
        description,
        sensitive: false,
    }]
}

/// `bao kv get -mount=secret 'app/db'` (or `kv list` for a folder), quoted for a POSIX shell.
pub fn bao_command(location: &Location) -> String {
    let mount = location.mount.path.trim_end_matches('/');
    let is_folder = location.path.is_empty() || location.path.ends_with('/');
    let verb = match (&location.mount.engine, is_folder) {
        (_, true) => "kv list",
        (SecretEngine::Kv(KvVersion::V1 | KvVersion::V2), false) => "kv get",
        (_, false) => "read",
    };
    if verb == "read" {
        return format!("bao read {}", shell_quote(&location.display()));
    }
    let path = if location.path.is_empty() {
        ""
    } else {
        &location.path
    };
    format!(
        "bao {verb} -mount={} {}",
        shell_quote(mount),
        shell_quote(path)
    )
    .trim_end()
    .to_string()
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@".contains(c))
    {
        text.to_string()
    } else if text.is_empty() {
        String::new()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn refresh(app: &mut App) -> Vec<Effect> {
    app.tree.remember_for_refresh();
    app.tree.generation += 1;
    app.mounts = Loadable::Loading;
    let mut effects = vec![
        Effect::LoadSealStatus,
        Effect::LookupToken,
        Effect::LoadMounts {
            generation: app.tree.generation,
        },
    ];
    if let Some(location) = app.secret.location.clone() {
        let request = app.next_request_id();
        app.secret.open(location.clone(), request);
        effects.push(Effect::ReadSecret { request, location });
    }
    app.set_status(StatusKind::Info, "Refreshing");
    effects
}

/// After a refresh, re-expands (and re-lists) nodes that were expanded before, and puts the
/// selection back where it was.
fn restore_after_refresh(app: &mut App, candidates: &[NodeId]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for &id in candidates {
        let Some(path) = app.tree.full_path(id) else {
            continue;
        };
        if app.tree.restore_selected.as_deref() == Some(path.as_str()) {
            app.tree.restore_selected = None;
            app.tree.rebuild_visible();
            app.tree.select_node(id);
        }
        if app.tree.restore_expanded.remove(&path) {
            effects.extend(expand(app, id));
        }
    }
    if app.tree.restore_selected.is_some() {
        // Keep the cursor on the same row until the node is back.
        app.tree.rebuild_visible();
    }
    effects
}

fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
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
                if mouse.row > parts.table.y && mouse.row < parts.table.y + parts.table.height {
                    let row = (mouse.row - parts.table.y - 1) as usize;
                    if row < app.secret.entry_count() {
                        app.secret.selected = row;
                        app.secret.detail_scroll = 0;
                    }
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
                app.secret.scroll_detail(delta as i32);
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
