//! `update`: the only place state changes. Returns the effects the runtime should carry out.
//! Key handling lives in `keys`, the jump prompt in `jump`, copying in `copy`, the mouse in `mouse`.

use super::action::{Action, Effect};
use super::history;
use super::keys::{expand, on_key};
use super::metadata_form;
use super::mouse::on_mouse;
use super::secret_pane::SecretContent;
use super::state::{App, BACKGROUND_REFRESH, Loadable, Modal, STATUS_TIMEOUT, StatusKind};
use super::tree::Location;
use super::tree::NodeId;
use super::write;
use super::{approle_browser, connectivity, finder, folder, login, picker, seal, session};
use crate::vault::SecretCapabilities;
use crate::vault::VaultError;
use crossterm::event::KeyEventKind;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let shown_before = shown_dialog(app);
    let status_before = app.status.clone();
    let sign = connectivity::sign_of(&action);
    let spent = action.uses_spent();
    let mut effects = apply(app, action);
    for _ in 0..spent {
        session::use_spent(app);
    }
    effects.extend(connectivity::follow(app, sign));
    // A dialog that opens shows its own keys: a message from before it (not written by this
    // action) gives way instead of covering them for its last seconds.
    let shown_after = shown_dialog(app);
    if shown_after.is_some() && shown_after != shown_before && app.status == status_before {
        app.status = None;
    }
    // The selected value's rows, for the frame drawn next (only when something they depend on
    // changed).
    let (width, _) = app.detail_size();
    app.secret.prepare_detail(width);
    if let Some(Modal::Transit(screen)) = &mut app.modal {
        screen.prepare_output(app.size.0);
    }
    effects
}

/// Which dialog is in front: the login dialog (above any other), or a modal of some kind.
#[derive(PartialEq, Eq)]
enum Front {
    Login,
    Modal(std::mem::Discriminant<super::state::Modal>),
}

fn shown_dialog(app: &App) -> Option<Front> {
    match (&app.login, &app.modal) {
        (Some(_), _) => Some(Front::Login),
        (None, Some(modal)) => Some(Front::Modal(std::mem::discriminant(modal))),
        (None, None) => None,
    }
}

fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Action::Key(_) => Vec::new(),
        Action::Mouse(mouse) => on_mouse(app, mouse),
        Action::Paste(text) => on_paste(app, &text),
        Action::Resize(width, height) => resized(app, width, height),
        Action::Tick(now) => on_tick(app, now),
        Action::MountsLoaded { generation, result } => mounts_loaded(app, generation, result),
        Action::FolderListed {
            generation,
            node,
            result,
        } => folder_listed(app, generation, node, result),
        Action::SecretLoaded { request, result } => secret_loaded(app, request, result),
        Action::MetadataLoaded { request, result } => {
            history::metadata_loaded(app, request, result)
        }
        Action::CapabilitiesLoaded { key, result } => capabilities_loaded(app, key, result),
        Action::VersionsChanged {
            location,
            operation,
            result,
        } => history::operation_done(app, location, operation, result),
        Action::MetadataSaved { location, result } => metadata_form::saved(app, location, result),
        Action::EditorClosed(result) => write::editor_closed(app, result),
        Action::SecretWritten { location, result } => write::written(app, location, result),
        Action::TokenLookedUp(result) => token_looked_up(app, result),
        Action::LoggedIn(result) => logged_in(app, result),
        Action::Oidc(progress) => login::oidc::progress(app, progress),
        Action::LoggedOut(result) => logged_out(app, result),
        Action::TokenRenewed { increment, result } => {
            session::token_renewed(app, increment, result)
        }
        Action::SessionLost { retry } => session::session_lost(app, *retry),
        Action::NamespacesLoaded(result) => picker::namespaces_loaded(app, result),
        Action::CrawlFound { generation, paths } => finder::paths_found(app, generation, paths),
        Action::CrawlProgress {
            generation,
            folders,
            skipped,
        } => finder::progress(app, generation, folders, skipped),
        Action::CrawlFinished { generation, result } => finder::finished(app, generation, result),
        Action::SealOverviewLoaded(overview) => seal::overview_loaded(app, *overview),
        Action::UnsealAnswered {
            addr,
            reset,
            result,
        } => seal::unseal_answered(app, addr, reset, result),
        Action::SealAnswered { addr, result } => seal::seal_answered(app, addr, result),
        Action::SealStatusLoaded(result) => seal::status_loaded(app, result),
        Action::ProfileSwitched(result) => picker::profile_switched(app, result),
        Action::AppRoleMountsLoaded(result) => approle_browser::mounts_loaded(app, result),
        Action::AppRolesLoaded { mount, result } => {
            approle_browser::roles_loaded(app, mount, result)
        }
        Action::AppRoleLoaded {
            role,
            settings,
            role_id,
            accessors,
        } => approle_browser::role_loaded(app, role, settings, role_id, accessors),
        Action::SecretIdGenerated { role, result } => {
            approle_browser::secret_id_generated(app, role, result)
        }
        Action::SecretIdDestroyed { accessor, result } => {
            approle_browser::secret_id_destroyed(app, accessor, result)
        }
        Action::Retrying {
            what,
            attempt,
            of,
            after,
            reason,
        } => retrying(app, &what, (attempt, of), after, &reason),
        Action::Copied {
            description,
            result,
            clears,
            warning,
        } => copied(app, &description, result, clears, warning),
        Action::ClipboardCleared { outcome } => clipboard_cleared(app, &outcome),
        Action::FolderProgress { job, progress } => folder::progress(app, job, progress),
        Action::FolderPlanned { job, result } => folder::planned(app, job, result),
        Action::FolderRan {
            job,
            report,
            token_refused,
        } => folder::ran(app, job, report, token_refused),
        Action::ExportFileExists { job } => folder::export_file_exists(app, job),
        Action::FolderExported { job, result } => folder::exported(app, job, result),
        Action::FoldersDiffed { job, result } => folder::diffed(app, job, result),
        Action::ValuesFound { job, matches } => folder::values_found(app, job, matches),
        Action::ValueSearchFinished { job, result } => folder::search_finished(app, job, result),
        Action::Pki { mount, answer } => super::pki::answered(app, mount, answer),
        Action::ExpiringFound { request, result } => super::expiring::found(app, request, result),
        Action::Quit => quit(app),
        // Counted in `update` (uses_spent): nothing else to do.
        Action::TokenStillAccepted => Vec::new(),
        Action::CredentialsIssued { request, result } => {
            super::credentials::issued(app, request, result)
        }
        Action::LeasesListed { prefix, result } => super::leases::listed(app, prefix, result),
        Action::LeaseLookedUp { lease_id, result } => {
            super::leases::looked_up(app, lease_id, result)
        }
        Action::LeaseRenewed { lease_id, result } => {
            if !super::credentials::renewed(app, &lease_id, &result) {
                super::leases::renewed(app, &lease_id, &result);
            }
            Vec::new()
        }
        Action::LeaseRevoked { lease_id, result } => {
            if super::credentials::revoked(app, &lease_id, &result) {
                Vec::new()
            } else {
                super::leases::revoked(app, &lease_id, &result)
            }
        }
        Action::LeasePrefixRevoked { prefix, result } => {
            super::leases::prefix_revoked(app, &prefix, &result)
        }
        Action::LeaseCapabilitiesLoaded(result) => {
            super::credentials::capabilities_loaded(app, &result);
            super::leases::capabilities_loaded(app, &result);
            Vec::new()
        }
        Action::WrapCapabilityLoaded(result) => super::wrap::capability_loaded(app, result),
        Action::SecretWrapped { location, result } => super::wrap::wrapped(app, location, result),
        Action::WrappingTokenLookedUp { request, result } => {
            super::unwrap::looked_up(app, request, result)
        }
        Action::TokenUnwrapped(result) => super::unwrap::unwrapped(app, result),
        Action::TransitAnswered { mount, answer } => super::transit::answered(app, mount, answer),
    }
}

fn resized(app: &mut App, width: u16, height: u16) -> Vec<Effect> {
    app.size = (width, height);
    let rows = app.tree_rows();
    app.tree.scroll_into_view(rows);
    Vec::new()
}

fn mounts_loaded(
    app: &mut App,
    generation: u64,
    result: Result<Vec<crate::vault::MountInfo>, VaultError>,
) -> Vec<Effect> {
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
            app.mounts = Loadable::Failed(super::tree::NoMounts::Error(error.clone()));
            report_error(app, &error);
            Vec::new()
        }
    }
}

fn folder_listed(
    app: &mut App,
    generation: u64,
    node: NodeId,
    result: Result<Vec<String>, VaultError>,
) -> Vec<Effect> {
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
    let mut effects = restore_after_refresh(app, &children);
    effects.extend(jumped_to_a_folder(app, node));
    let rows = app.tree_rows();
    app.tree.scroll_into_view(rows);
    effects
}

/// A jump typed without a trailing slash named a folder, not a secret (the listing of `listed`
/// has no such secret but a folder of that name): the cursor goes to the folder, open.
fn jumped_to_a_folder(app: &mut App, listed: NodeId) -> Vec<Effect> {
    let Some(jump) = app.tree.jump_folder.take_if(|jump| jump.parent == listed) else {
        return Vec::new();
    };
    let secret_gone = app
        .tree
        .node(jump.secret)
        .is_some_and(|n| n.parent.is_none());
    // The cursor went to the listed folder with the removed secret; elsewhere, the user moved.
    if !secret_gone || app.tree.selected_id() != Some(listed) {
        return Vec::new();
    }
    let Some(folder) = app.tree.find(&jump.folder) else {
        return Vec::new();
    };
    app.tree.select_node(folder);
    app.secret.close();
    expand(app, folder)
}

fn secret_loaded(
    app: &mut App,
    request: super::action::RequestId,
    result: Result<crate::vault::KvSecret, VaultError>,
) -> Vec<Effect> {
    if app.secret.request != Some(request) {
        let denied = result.as_ref().is_err_and(VaultError::is_permission_denied);
        let content = match result {
            Ok(secret) => SecretContent::Loaded(secret),
            Err(error) => SecretContent::Failed(super::errors::error_text(&app.keymap, &error)),
        };
        // One side of a diff, their version in a conflict, or an answer for a secret the user
        // has left.
        if !write::route_conflict_answer(app, request, content.clone(), denied) {
            history::route_secret_answer(app, request, content);
        }
        return Vec::new();
    }
    app.secret.request = None;
    let content = match result {
        Ok(secret) => {
            app.secret.selected = app
                .secret
                .selected
                .min(secret.entries.len().saturating_sub(1));
            SecretContent::Loaded(secret)
        }
        Err(error) => {
            if matches!(error, VaultError::Sealed) {
                seal::sealed_answer(app);
            }
            SecretContent::Failed(super::errors::error_text(&app.keymap, &error))
        }
    };
    app.secret.set_content(content);
    write::resume_pending_edit(app)
}

fn capabilities_loaded(
    app: &mut App,
    key: String,
    result: Result<SecretCapabilities, VaultError>,
) -> Vec<Effect> {
    app.capabilities_pending.remove(&key);
    // A token that may not ask is treated as "may do anything": the server still decides.
    let capabilities = result.unwrap_or_else(|_| SecretCapabilities::unknown());
    app.capabilities.insert(key, capabilities);
    write::resume_pending_edit(app)
}

fn token_looked_up(
    app: &mut App,
    result: Result<crate::vault::TokenInfo, VaultError>,
) -> Vec<Effect> {
    let namespace = result.as_ref().ok().and_then(|info| info.namespace.clone());
    let mut effects = session::token_looked_up(app, result);
    effects.extend(super::picker::enter_token_namespace(app, namespace));
    effects
}

fn logged_out(app: &mut App, result: Result<(), VaultError>) -> Vec<Effect> {
    forget_what_the_token_saw(app);
    session::logged_out(app, result)
}

fn logged_in(
    app: &mut App,
    result: Result<crate::vault::auth::LoginOutcome, crate::vault::auth::LoginFailure>,
) -> Vec<Effect> {
    match result {
        Ok(outcome) => {
            login::remember_method(app);
            let namespace = outcome.info.namespace.clone();
            let mut effects = session::logged_in(app, outcome.info, outcome.saved_to);
            app.token_namespace_entered = false;
            effects.extend(super::picker::enter_token_namespace(app, namespace));
            effects
        }
        Err(failure) => login::login_failed(app, login::login_failure_message(&failure)),
    }
}

/// A read is asked again after a pause: the status line counts the pause down.
fn retrying(
    app: &mut App,
    what: &str,
    (attempt, of): (u32, u32),
    after: std::time::Duration,
    reason: &VaultError,
) -> Vec<Effect> {
    app.set_status_counting(
        StatusKind::Warning,
        format!(
            "{}: asking again in ",
            super::errors::error_text(&app.keymap, reason)
        ),
        app.clock + after,
        format!(" ({attempt} of {of}) for {what}."),
    );
    Vec::new()
}

fn copied(
    app: &mut App,
    description: &str,
    result: Result<&'static str, crate::clipboard::CopyError>,
    clears: bool,
    warning: Option<String>,
) -> Vec<Effect> {
    let (kind, warning) = match warning {
        Some(warning) => (StatusKind::Warning, format!(", {warning}")),
        None => (StatusKind::Info, String::new()),
    };
    match result {
        Ok(backend) if clears => app.set_status_counting(
            kind,
            format!("Copied {description} via {backend} (clears in "),
            app.clock + app.clipboard_clear_after,
            format!("){warning}"),
        ),
        Ok(backend) => app.set_status(kind, format!("Copied {description} via {backend}{warning}")),
        Err(reason) => app.set_status(StatusKind::Error, format!("Copy failed: {reason}")),
    }
    Vec::new()
}

fn clipboard_cleared(app: &mut App, outcome: &crate::clipboard::ClearOutcome) -> Vec<Effect> {
    use crate::clipboard::ClearOutcome;
    let kind = match outcome {
        // An earlier value's tmux buffers, deleted at its own time: quietly, so the status of
        // the copy made since (its countdown, a warning) stays.
        ClearOutcome::Superseded | ClearOutcome::TmuxEarlier(Ok(_)) => return Vec::new(),
        ClearOutcome::SystemFailed(_)
        | ClearOutcome::Osc52Asked { tmux: Some(Err(_)) }
        | ClearOutcome::TmuxEarlier(Err(_)) => StatusKind::Error,
        _ => StatusKind::Info,
    };
    app.set_status(kind, outcome.describe());
    Vec::new()
}

pub(super) fn quit(app: &mut App) -> Vec<Effect> {
    app.should_quit = true;
    vec![Effect::Quit]
}

pub(super) fn report_error(app: &mut App, error: &VaultError) {
    if matches!(error, VaultError::Sealed) {
        seal::sealed_answer(app);
    }
    app.set_status(
        StatusKind::Error,
        super::errors::error_text(&app.keymap, error),
    );
}

pub(super) fn on_tick(app: &mut App, now: std::time::Duration) -> Vec<Effect> {
    app.clock = now;
    if let Some(status) = &app.status
        && status.kind == StatusKind::Info
        && now.saturating_sub(status.shown_at) >= STATUS_TIMEOUT
    {
        app.status = None;
    }
    let mut effects = session::on_tick(app);
    let sealed = seal::SealState::of(&app.seal) == seal::SealState::Sealed;
    if sealed && !app.seal_screen_offered {
        app.seal_screen_offered = true;
        effects.extend(seal::server_sealed(app));
    } else if !sealed && matches!(app.seal, Loadable::Ready(_)) {
        app.seal_screen_offered = false;
    }
    effects.extend(seal::on_tick(app));
    effects.extend(login::oidc::on_tick(app));
    effects.extend(connectivity::on_tick(app));
    effects.extend(super::leases::on_tick(app));
    if now.saturating_sub(app.last_background_refresh) >= BACKGROUND_REFRESH {
        app.last_background_refresh = now;
        // The seal state has its own, shorter interval (seal::on_tick); a use-limited token
        // is not looked up (its uses are counted here instead).
        effects.extend(session::background_lookup(app));
    }
    effects
}

pub(super) fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    if let Some(effects) = super::component::dispatch_login_paste(app, text)
        .or_else(|| super::component::dispatch_paste(app, text))
    {
        return effects;
    }
    if let Some(input) = &mut app.secret.key_filter_input {
        input.insert_str(text);
        let filter = input.text.clone();
        app.secret.set_key_filter(filter);
    } else if let Some(input) = &mut app.filter_input {
        input.insert_str(text);
        let filter = input.text.clone();
        app.tree.set_filter(filter);
    }
    Vec::new()
}

/// After a logout nothing the old token saw stays on screen or in memory: the tree (a new
/// generation drops listings still on their way), the open secret and any edit of it, the
/// finder's paths, the capabilities.
fn forget_what_the_token_saw(app: &mut App) {
    app.tree = super::tree::Tree {
        generation: app.tree.generation + 1,
        ..Default::default()
    };
    app.mounts = Loadable::Failed(super::tree::NoMounts::LoggedOut);
    app.secret = Default::default();
    app.focus = super::state::Focus::Tree;
    app.filter_input = None;
    app.capabilities.clear();
    app.capabilities_pending.clear();
    app.pending_edit = None;
    app.editing = None;
    app.editor_refused = None;
    app.copied_path = None;
    // Dialogs over the old token's data (forms, diffs, the finder) go too.
    app.modal = None;
    finder::forget(app);
}

pub(super) fn refresh(app: &mut App) -> Vec<Effect> {
    finder::forget(app);
    let effects = reload_shown(app);
    app.set_status(StatusKind::Info, "Refreshing");
    effects
}

/// Asks again for everything on screen: seal status, token, mounts, open folders, the open
/// secret. The finder's walk is kept (`R` forgets it too).
pub(super) fn reload_shown(app: &mut App) -> Vec<Effect> {
    app.tree.remember_for_refresh();
    app.tree.generation += 1;
    app.mounts = Loadable::Loading;
    let mut effects = vec![Effect::LoadSealStatus];
    effects.extend(session::background_lookup(app));
    effects.push(Effect::LoadMounts {
        generation: app.tree.generation,
    });
    app.capabilities.clear();
    app.capabilities_pending.clear();
    effects.extend(history::reload_open_secret(app));
    effects
}

/// After a refresh, re-expands (and re-lists) nodes that were expanded before, and puts the
/// selection back where it was.
pub(super) fn restore_after_refresh(app: &mut App, candidates: &[NodeId]) -> Vec<Effect> {
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
    effects
}

/// Re-lists the folder holding a secret (after the secret was deleted).
pub(super) fn reload_parent_folder(app: &mut App, location: &Location) -> Vec<Effect> {
    let parent = match location.path.trim_end_matches('/').rfind('/') {
        Some(slash) => &location.path[..=slash],
        None => "",
    };
    match app.tree.find(&format!("{}{parent}", location.mount.path)) {
        Some(id) => super::keys::list_folder(app, id),
        None => Vec::new(),
    }
}
