//! Drawing: a pure function of `&App`. Cost is bounded by the screen size (only visible rows are
//! touched), never by the size of the tree.

mod approle;
pub mod confirm;
mod credentials;
mod dialog;
mod diff;
mod expiring;
mod finder;
mod folder;
mod footer;
mod header;
mod help;
mod jump;
mod leases;
mod login;
mod login_oidc;
mod metadata;
mod metadata_form;
mod picker;
mod pki;
mod seal;
mod secret;
pub mod text;
pub mod theme;
pub mod time;
mod transit;
mod tree;
mod unwrap;
mod version_confirm;
mod versions;
mod wrap;
mod write;

use crate::app::{App, Modal};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App) {
    theme::Theme::of(app.appearance).drawing(|| draw_screen(frame, app));
}

fn draw_screen(frame: &mut Frame, app: &App) {
    let areas = crate::app::layout::areas(frame.area().width, frame.area().height);
    header::draw(frame, areas.header, app);
    tree::draw(frame, areas.tree, app);
    secret::draw(frame, areas.secret, app);
    // The keys that work now go under any dialog; a status message is drawn last, below.
    if app.status.is_none() {
        footer::draw(frame, areas.footer, app);
    }
    match &app.modal {
        Some(Modal::Help(help)) => help::draw(frame, app, help.scroll),
        Some(Modal::Jump(jump)) => jump::draw(frame, jump),
        Some(Modal::Confirm(confirm)) => version_confirm::draw(frame, confirm, &app.keymap),
        Some(Modal::MetadataForm(form)) => metadata_form::draw(frame, form, &app.keymap),
        Some(Modal::SecretForm(form)) => write::draw_secret_form(frame, form, &app.keymap),
        Some(Modal::ConfirmWrite(confirm)) => {
            write::draw_confirm_write(frame, confirm, &app.keymap)
        }
        Some(Modal::EditorRetry(retry)) => write::draw_editor_retry(frame, retry, &app.keymap),
        Some(Modal::Conflict(conflict)) => {
            write::draw_conflict(frame, conflict, app.secret.revealed, &app.keymap)
        }
        Some(Modal::PathPrompt(prompt)) => write::draw_path_prompt(frame, prompt, &app.keymap),
        Some(Modal::AppRole(browser)) => approle::draw(frame, app, browser),
        Some(Modal::Picker(list)) => picker::draw(frame, app, list),
        Some(Modal::Seal(screen)) => seal::draw(frame, app, screen),
        Some(Modal::Finder(finder)) => finder::draw(frame, app, finder),
        Some(Modal::Folder(screen)) => folder::draw(frame, app, screen),
        Some(Modal::Credentials(screen)) => credentials::draw(frame, app, screen),
        Some(Modal::Leases(screen)) => leases::draw(frame, app, screen),
        Some(Modal::Wrap(dialog)) => wrap::draw(frame, app, dialog),
        Some(Modal::Unwrap(dialog)) => unwrap::draw(frame, app, dialog),
        Some(Modal::Transit(screen)) => transit::draw(frame, app, screen),
        Some(Modal::Pki(screen)) => pki::draw(frame, app, screen),
        Some(Modal::Expiring(view)) => expiring::draw(frame, app, view),
        None => {}
    }
    if let Some(form) = &app.login {
        login::draw(frame, app, form);
    }
    // A status message wraps upwards over the panes: drawn on top, so it stays readable over any
    // dialog or screen.
    if app.status.is_some() {
        footer::draw(frame, areas.footer, app);
    }
}

/// Spinner frame for "loading", driven by the app clock so drawing stays pure.
/// Whether the screen moves by itself faster than once a second: a spinner is on it (something is
/// loading). Otherwise a tick redraws only when the second changes (countdowns, "10s ago"), so an
/// idle screen costs one frame a second instead of ten. Conservative: a screen that may show a
/// spinner counts as animated.
pub fn animated(app: &App) -> bool {
    use crate::app::finder::CrawlState;
    use crate::app::secret_pane::SecretContent;
    use crate::app::state::Loadable;
    let pane = &app.secret;
    let loading = |content: &SecretContent| matches!(content, SecretContent::Loading);
    matches!(app.mounts, Loadable::Loading)
        || matches!(app.seal, Loadable::Loading)
        || (app.connection.has_token && matches!(app.token, Loadable::Loading))
        || app.tree.any_loading()
        || pane.request.is_some()
        || pane.metadata_request.is_some()
        || loading(pane.content())
        || pane
            .diff
            .as_ref()
            .is_some_and(|d| loading(&d.old_content) || loading(&d.new_content))
        || matches!(app.paths.state, CrawlState::Running)
        || app.login.as_ref().is_some_and(|form| form.busy)
        || app
            .login
            .as_ref()
            .and_then(|form| form.oidc.as_ref())
            .is_some_and(|wait| wait.url.is_none())
        || matches!(
            &app.modal,
            Some(Modal::AppRole(_) | Modal::Seal(_) | Modal::Finder(_))
        )
        || matches!(&app.modal, Some(Modal::Folder(screen)) if crate::app::folder::animated(screen))
        || matches!(&app.modal, Some(Modal::Picker(p)) if matches!(p.items, Loadable::Loading))
        || matches!(&app.modal, Some(Modal::Credentials(s)) if matches!(s.stage, crate::app::credentials::Stage::Issuing(_)))
        || matches!(&app.modal, Some(Modal::Leases(s)) if s.listings.values().any(|l| matches!(l, Loadable::Loading)))
        || matches!(&app.modal, Some(Modal::Wrap(d)) if matches!(d.stage, crate::app::wrap::WrapStage::Wrapping { .. }))
        || matches!(&app.modal, Some(Modal::Unwrap(d)) if matches!(d.stage, crate::app::unwrap::UnwrapStage::LookingUp { .. } | crate::app::unwrap::UnwrapStage::Unwrapping { .. }))
        || matches!(&app.modal, Some(Modal::Transit(screen)) if crate::app::transit::animated(screen))
        || matches!(&app.modal, Some(Modal::Pki(screen)) if pki::animated(screen))
        || matches!(&app.modal, Some(Modal::Expiring(view)) if matches!(view.result, Loadable::Loading))
}

pub fn spinner(app: &App) -> &'static str {
    const FRAMES: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];
    FRAMES[(app.clock.as_millis() / 120) as usize % FRAMES.len()]
}
