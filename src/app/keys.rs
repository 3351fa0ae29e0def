//! Keyboard: commands from the keymap, the filter line, modal keys, and tree navigation.

use super::action::Effect;
use super::copy::{copy_path, copy_value};
use super::folder::{self, FolderOp};
use super::history::{self, OperationKind};
use super::input::TextInput;
use super::keymap::{self, Command, Scope};
use super::metadata_form;
use super::secret_pane::SecretTab;
use super::state::{App, Focus, Modal, StatusKind};
use super::tree::{Listing, NodeId, NodeKind};
use super::update::{quit, refresh};
use super::write;
use crossterm::event::KeyEvent;

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if keymap::is_interrupt(&key) {
        return quit(app);
    }
    if let Some(effects) = super::component::dispatch_login_key(app, &key) {
        return effects;
    }
    if let Some(effects) = super::component::dispatch_key(app, &key) {
        return effects;
    }
    if app.secret.key_filter_input.is_some() {
        let command = app.keymap.command(Scope::Filter, &key);
        app.secret.on_key_filter_key(&key, command);
        return Vec::new();
    }
    if let Some(input) = &app.filter_input {
        // `//`: the filter key again on an empty filter opens the global finder.
        if input.text.is_empty() && app.keymap.is(Scope::Main, Command::Filter, &key) {
            app.filter_input = None;
            return super::finder::open(app);
        }
        on_filter_key(app, key);
        return Vec::new();
    }
    match app.keymap.command_in(&app.main_view_scopes(), &key) {
        Some((_, command)) => on_main_view_command(app, command),
        None => Vec::new(),
    }
}

/// A command of the main view (the tree, the secret pane and its tabs).
fn on_main_view_command(app: &mut App, command: Command) -> Vec<Effect> {
    if command != Command::CopyPath {
        app.copied_path = None;
    }
    match command {
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => {
            let page = app.tree_rows().max(1) as isize;
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
        Command::Open => match (app.focus, app.secret.tab) {
            (Focus::Tree, _) => open_selected(app),
            (Focus::Secret, SecretTab::Versions) => match app.secret.cursor_version() {
                Some(version) => history::open_version(app, version),
                None => Vec::new(),
            },
            (Focus::Secret, _) => Vec::new(),
        },
        Command::Collapse => {
            match app.focus {
                Focus::Tree => close_selected(app),
                Focus::Secret => app.focus = Focus::Tree,
            }
            Vec::new()
        }
        Command::Filter => {
            open_filter(app);
            Vec::new()
        }
        Command::Jump => {
            open_jump(app);
            Vec::new()
        }
        Command::SwitchPane => {
            app.focus = match app.focus {
                Focus::Tree if app.secret.location.is_some() => Focus::Secret,
                _ => Focus::Tree,
            };
            Vec::new()
        }
        Command::Back => back(app),
        Command::Quit => quit(app),
        command => on_secret_command(app, command)
            .or_else(|| on_session_command(app, command))
            .unwrap_or_default(),
    }
}

/// Commands on the open secret: its tabs, its values, its versions and writing it.
fn on_secret_command(app: &mut App, command: Command) -> Option<Vec<Effect>> {
    Some(match command {
        // On a folder in the tree: the folder operations (on a secret: the secret's).
        Command::CopySecret if folder::selected_folder(app).is_some() => {
            folder::open(app, FolderOp::Copy)
        }
        Command::DeleteAll if folder::selected_folder(app).is_some() => {
            folder::open(app, FolderOp::Delete)
        }
        Command::MoveFolder => folder::open(app, FolderOp::Move),
        Command::ExportFolder => folder::open(app, FolderOp::Export),
        Command::ImportFolder => folder::open(app, FolderOp::Import),
        Command::CompareFolders => folder::open(app, FolderOp::Diff),
        Command::SearchValues => folder::open(app, FolderOp::Search),
        Command::Reveal => {
            app.secret.revealed = !app.secret.revealed;
            Vec::new()
        }
        Command::NextTab => history::cycle_tab(app, 1),
        Command::PreviousTab => history::cycle_tab(app, -1),
        Command::DataTab => history::select_tab(app, SecretTab::Data),
        Command::VersionsTab => history::select_tab(app, SecretTab::Versions),
        Command::MetadataTab => history::select_tab(app, SecretTab::Metadata),
        Command::DiffTab => history::select_tab(app, SecretTab::Diff),
        // Found only in the Versions and Diff tabs' scopes, which are active only there.
        Command::MarkVersion => {
            history::toggle_mark(app);
            Vec::new()
        }
        Command::CompareVersions => history::compare_selected(app),
        Command::OlderPair | Command::NewerPair => {
            history::step_diff(app, command == Command::NewerPair)
        }
        Command::SoftDelete => history::request_operation(app, OperationKind::SoftDelete),
        Command::Undelete => history::request_operation(app, OperationKind::Undelete),
        Command::Destroy => history::request_operation(app, OperationKind::Destroy),
        Command::Rollback => history::request_operation(app, OperationKind::Rollback),
        Command::DeleteAll => history::request_operation(app, OperationKind::DeleteAll),
        Command::EditMetadata => metadata_form::open(app),
        Command::EditSecret => write::edit_in_form(app),
        Command::EditInEditor => write::edit_in_editor(app),
        Command::NewSecret => write::new_secret(app),
        Command::CopySecret => write::copy_secret(app),
        Command::CopyValue => copy_value(app),
        Command::CopyPath => copy_path(app),
        _ => return None,
    })
}

/// Commands that open a screen or act on the session.
fn on_session_command(app: &mut App, command: Command) -> Option<Vec<Effect>> {
    Some(match command {
        Command::Login => super::login::open(app),
        Command::Find => super::finder::open(app),
        Command::AppRoleBrowser => super::approle_browser::open(app),
        Command::ExpiringCertificates => super::expiring::open(app),
        Command::SwitchProfile => super::picker::open_profiles(app),
        Command::SealScreen => super::seal::open(app),
        Command::Leases => super::leases::open(app),
        Command::SwitchNamespace => super::picker::open_namespaces(app),
        Command::Refresh => refresh(app),
        Command::WrapSecret => super::wrap::open(app),
        Command::Unwrap => super::unwrap::open(app),
        Command::Help => {
            app.modal = Some(Modal::Help(Default::default()));
            Vec::new()
        }
        _ => return None,
    })
}

/// `/`: the tree's filter, or the open secret's key filter when the secret pane has focus.
fn open_filter(app: &mut App) {
    if app.focus == Focus::Secret
        && app.secret.tab == SecretTab::Data
        && app.secret.entry_count() > 0
    {
        app.secret.key_filter_input = Some(TextInput::with_text(app.secret.key_filter()));
        return;
    }
    app.focus = Focus::Tree;
    app.filter_input = Some(TextInput::with_text(&app.tree.filter));
}

/// `:`: the jump prompt, the selected folder filled in.
fn open_jump(app: &mut App) {
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
    app.modal = Some(Modal::Jump(super::jump::JumpPrompt::new(
        &prefill, &app.tree,
    )));
}

/// Esc on the main view: the most recent thing to undo, one at a time.
fn back(app: &mut App) -> Vec<Effect> {
    if super::connectivity::reads_in_flight(app) {
        return super::connectivity::cancel_reads(app);
    }
    if app.focus == Focus::Secret && !app.secret.key_filter().is_empty() {
        app.secret.set_key_filter(String::new());
    } else if !app.tree.filter.is_empty() {
        app.tree.set_filter(String::new());
    } else if app.focus == Focus::Secret && app.secret.viewing.is_some() {
        let current = app.secret.loaded_metadata().map(|m| m.current_version);
        if let Some(current) = current {
            return history::open_version(app, current);
        }
    } else if app.focus == Focus::Secret {
        app.focus = Focus::Tree;
    } else {
        app.status = None;
    }
    Vec::new()
}

pub(super) fn move_in_focus(app: &mut App, command: Command, delta: isize) {
    match app.focus {
        Focus::Tree => {
            app.tree.move_selection(delta);
            let rows = app.tree_rows();
            app.tree.scroll_into_view(rows);
        }
        Focus::Secret if app.secret.tab == SecretTab::Versions => {
            let page = app.tree_rows().saturating_sub(4).max(1) as isize;
            let step = match command {
                Command::PageUp => -page,
                Command::PageDown => page,
                _ => delta,
            };
            app.secret.move_version_cursor(step);
        }
        Focus::Secret if app.secret.tab == SecretTab::Metadata => {
            let step = match command {
                Command::PageUp | Command::PageDown => delta.signum() * 10,
                Command::Top | Command::Bottom => delta.signum() * 1000,
                _ => delta,
            };
            let limit = app
                .secret
                .loaded_metadata()
                .map_or(0, |m| m.custom_metadata.len() as isize + 10);
            app.secret.metadata_scroll =
                (app.secret.metadata_scroll as isize + step).clamp(0, limit) as u16;
        }
        Focus::Secret => match command {
            Command::PageUp | Command::PageDown => {
                let (_, height) = app.detail_size();
                let page = height.saturating_sub(2).max(1) as i32;
                let sign = if command == Command::PageUp { -1 } else { 1 };
                app.scroll_detail(sign * page);
            }
            _ => match app.secret.tab {
                SecretTab::Data => app.secret.move_selection(delta),
                SecretTab::Versions | SecretTab::Metadata => {}
                SecretTab::Diff => {
                    if let Some(diff) = &mut app.secret.diff {
                        diff.selected = diff.selected.saturating_add_signed(delta);
                    }
                }
            },
        },
    }
}

pub(super) fn on_filter_key(app: &mut App, key: KeyEvent) {
    let command = app.keymap.command(Scope::Filter, &key);
    let Some(input) = &mut app.filter_input else {
        return;
    };
    match command {
        Some(Command::Cancel) => {
            app.filter_input = None;
            app.tree.set_filter(String::new());
        }
        Some(Command::Submit) => app.filter_input = None,
        Some(Command::Up) => app.tree.move_selection(-1),
        Some(Command::Down) => app.tree.move_selection(1),
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

/// Enter/l on the selection: expand (and list) a container, or open a secret.
pub(super) fn open_selected(app: &mut App) -> Vec<Effect> {
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

pub(super) fn expand(app: &mut App, id: NodeId) -> Vec<Effect> {
    if let Some(node) = app.tree.node(id)
        && let Some(engine) = node.unbrowsable_engine()
    {
        // Every other engine opens a screen of its own.
        if let (crate::vault::SecretEngine::Other(kind), NodeKind::Mount(mount)) =
            (engine, &node.kind)
        {
            let (kind, path, name) = (kind.clone(), mount.path.clone(), node.name.clone());
            return match kind.as_str() {
                "pki" => super::pki::open(app, &path),
                "transit" => super::transit::open(app, &name),
                _ => super::credentials::open(app, &path, &kind),
            };
        }
        let message = format!(
            "{} is a {} engine: tresor does not browse {} engines yet (KV v1, KV v2 and \
             cubbyhole only).",
            node.name,
            engine.label(),
            engine.label()
        );
        app.set_status(StatusKind::Info, message);
        return Vec::new();
    }
    app.tree.set_expanded(id, true);
    let needs_listing = app
        .tree
        .node(id)
        .is_some_and(|n| !matches!(n.listing, Listing::Loaded | Listing::Loading));
    if !needs_listing {
        return Vec::new();
    }
    list_folder(app, id)
}

/// Marks a container as loading and asks for its listing.
pub(super) fn list_folder(app: &mut App, id: NodeId) -> Vec<Effect> {
    match app.tree.start_listing(id) {
        Some(location) => vec![Effect::ListFolder {
            generation: app.tree.generation,
            node: id,
            location,
        }],
        None => Vec::new(),
    }
}

pub(super) fn open_secret(app: &mut App, id: NodeId) -> Vec<Effect> {
    let Some(location) = app.tree.location(id) else {
        return Vec::new();
    };
    let request = app.next_request_id();
    app.secret.open(location.clone(), request);
    let mut effects = vec![Effect::ReadSecret {
        request,
        location: location.clone(),
        version: None,
    }];
    effects.extend(history::history_requests(app, &location));
    effects
}

pub(super) fn close_selected(app: &mut App) {
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
