//! The `:` prompt: completion from loaded paths and jumping to a typed path.

use super::action::Effect;
use super::keys::open_selected;
use super::state::{App, Focus, Modal};
use super::tree::Listing;

pub(super) const MAX_COMPLETIONS: usize = 8;

pub(super) fn refresh_completions(app: &mut App) {
    let Some(Modal::Jump {
        input,
        completions,
        error,
        ..
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

pub(super) fn common_prefix(candidates: &[String]) -> Option<String> {
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

pub(crate) fn jump_to(app: &mut App, text: &str) -> Vec<Effect> {
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
    // Every folder the jump passes through shows its real content: the ones not listed yet are
    // listed now (and a listing that does not hold the target removes it again).
    // A folder listed before that does not hold the next step is listed again: the path may be
    // new since, or not exist at all.
    let mut effects = Vec::new();
    let mut child = target;
    while let Some(id) = app.tree.node(child).and_then(|n| n.parent) {
        let child_is_unconfirmed = app.tree.node(child).is_some_and(|n| n.pinned);
        let relist = app.tree.node(id).is_some_and(|n| match n.listing {
            Listing::NotLoaded | Listing::Failed(_) => true,
            Listing::Loaded => child_is_unconfirmed,
            Listing::Loading | Listing::Denied => false,
        });
        if relist {
            effects.extend(super::keys::list_folder(app, id));
        }
        child = id;
    }
    effects.extend(open_selected(app));
    effects
}
