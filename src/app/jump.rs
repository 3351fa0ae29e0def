//! The `:` prompt: completion from loaded paths and jumping to a typed path.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{self, Command, Scope};
use super::keys::open_selected;
use super::state::{App, Focus};
use super::tree::{Listing, Tree};
use crossterm::event::KeyEvent;

pub(super) const MAX_COMPLETIONS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JumpPrompt {
    pub input: TextInput,
    /// Loaded paths that start with the input, best first (computed on each edit).
    pub completions: Vec<String>,
    pub error: Option<String>,
    /// The text is the selected folder, selected as in an address bar: typing replaces it,
    /// a movement key keeps it.
    pub prefilled: bool,
}

impl JumpPrompt {
    /// A prompt holding `prefill` (selected: typing replaces it).
    pub fn new(prefill: &str, tree: &Tree) -> Self {
        let mut prompt = Self {
            prefilled: !prefill.is_empty(),
            input: TextInput::with_text(prefill),
            ..Self::default()
        };
        prompt.refresh_completions(tree);
        prompt
    }

    pub fn refresh_completions(&mut self, tree: &Tree) {
        self.error = None;
        let typed = self.input.text.trim_start_matches('/');
        let mut matches: Vec<String> = tree
            .known_paths()
            .into_iter()
            .filter(|path| path.starts_with(typed) && path != typed)
            .collect();
        // Closest first: fewest extra segments, then alphabetical.
        matches.sort_by_key(|path| (path.matches('/').count(), path.clone()));
        matches.truncate(MAX_COMPLETIONS);
        self.completions = matches;
    }
}

impl Component for JumpPrompt {
    fn scope(&self) -> Scope {
        Scope::Jump
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match command {
            Some(Command::Cancel) => Outcome::close(),
            Some(Command::Complete) => {
                self.prefilled = false;
                if let Some(prefix) = common_prefix(&self.completions)
                    && prefix.len() > self.input.text.len()
                {
                    self.input = TextInput::with_text(&prefix);
                }
                self.refresh_completions(&app.tree);
                Outcome::stay()
            }
            Some(Command::Submit) => {
                let text = self.input.text.trim().trim_start_matches('/').to_string();
                match jump_to(app, &text) {
                    Ok(effects) => Outcome::close().with(effects),
                    Err(message) => {
                        self.error = Some(message);
                        Outcome::stay()
                    }
                }
            }
            _ => {
                if std::mem::take(&mut self.prefilled) {
                    // Typing (or deleting) replaces the selected prefill; moving keeps it.
                    let typed = keymap::typed_char(key);
                    if typed.is_some() || keymap::is_deletion(key) {
                        self.input = TextInput::default();
                        if typed.is_some() {
                            self.input.handle_key(key);
                        }
                        self.refresh_completions(&app.tree);
                        return Outcome::stay();
                    }
                }
                if self.input.handle_key(key) {
                    self.refresh_completions(&app.tree);
                }
                Outcome::stay()
            }
        }
    }

    fn on_paste(&mut self, app: &mut App, text: &str) -> Outcome {
        if std::mem::take(&mut self.prefilled) {
            self.input = TextInput::default();
        }
        self.input.insert_str(text.trim());
        self.refresh_completions(&app.tree);
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        app.keymap.hints(
            Scope::Jump,
            &[Command::Submit, Command::Complete, Command::Cancel],
        )
    }
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

/// Goes to a typed path (the prompt is closed by the caller); `Err` says why it cannot.
pub(crate) fn jump_to(app: &mut App, text: &str) -> Result<Vec<Effect>, String> {
    if text.is_empty() {
        return Err("Type a path such as secret/app/config".into());
    }
    if let Err(error) = crate::vault::path::encode_path(text) {
        return Err(error.to_string());
    }
    let Some((mount_id, rest)) = app.tree.mount_node_for(text) else {
        let mounts: Vec<String> = app
            .tree
            .roots
            .iter()
            .filter_map(|&id| app.tree.node(id).map(|n| n.name.clone()))
            .collect();
        return Err(format!(
            "No mount matches {text:?}. Mounts: {}",
            mounts.join(" ")
        ));
    };
    app.focus = Focus::Tree;
    if !app.tree.filter.is_empty() {
        app.tree.set_filter(String::new());
    }
    // `secret/app` where the tree knows the folder `app/` and no secret `app`: the folder.
    let folder_text = format!("{}/", text.trim_end_matches('/'));
    let rest = if !rest.is_empty()
        && !rest.ends_with('/')
        && app.tree.find(text).is_none()
        && app.tree.find(&folder_text).is_some()
    {
        format!("{rest}/")
    } else {
        rest
    };
    let target = if rest.is_empty() {
        mount_id
    } else {
        app.tree.ensure_path(mount_id, &rest)
    };
    // Not known yet: taken for a secret until its folder's listing says otherwise.
    app.tree.jump_folder = app.tree.node(target).and_then(|node| {
        (node.pinned && node.kind == super::tree::NodeKind::Secret).then(|| {
            super::tree::JumpFolder {
                parent: node.parent.unwrap_or(mount_id),
                secret: target,
                folder: folder_text.clone(),
            }
        })
    });
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
    // A secret is opened; a folder is opened where it is (not stepped into).
    let is_secret = app
        .tree
        .node(target)
        .is_some_and(|n| n.kind == super::tree::NodeKind::Secret);
    if is_secret {
        effects.extend(open_selected(app));
    } else {
        effects.extend(super::keys::expand(app, target));
    }
    Ok(effects)
}
