//! The lazily loaded tree of mounts, folders and secrets, kept as an arena of nodes plus the list of
//! rows currently visible. The visible list is rebuilt when the tree changes, never per frame.

use crate::vault::{MountInfo, VaultError};
use std::collections::HashSet;

pub type NodeId = usize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Mount(MountInfo),
    /// Name ends with `/`.
    Folder,
    Secret,
}

/// The state of a folder's (or mount's) listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    NotLoaded,
    Loading,
    Loaded,
    Denied,
    /// Worded where it is drawn (`app::errors::error_text`).
    Failed(VaultError),
}

#[derive(Debug, Clone)]
pub struct Node {
    /// As the server lists it: folders keep their trailing `/`; mounts are their path (`secret/`).
    pub name: String,
    pub kind: NodeKind,
    pub parent: Option<NodeId>,
    pub depth: u16,
    pub children: Vec<NodeId>,
    pub listing: Listing,
    pub expanded: bool,
    /// Added by a jump and not yet seen in a listing of its parent (which removes it if it does
    /// not show it).
    pub pinned: bool,
}

impl Node {
    pub fn is_container(&self) -> bool {
        !matches!(self.kind, NodeKind::Secret)
    }

    /// A mount of an engine tresor does not browse (pki, transit, ...): drawn without an
    /// expander, and opening it only says so.
    pub fn unbrowsable_engine(&self) -> Option<&crate::vault::SecretEngine> {
        match &self.kind {
            NodeKind::Mount(mount) if !mount.engine.is_browsable() => Some(&mount.engine),
            _ => None,
        }
    }
}

/// Why the mounts are not there (`App::mounts`), so the tree says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMounts {
    /// The token was given up: what it saw is gone.
    LoggedOut,
    /// The server refused or could not be asked.
    Error(VaultError),
}

/// Defined beside the client (effects carry it to the runtime); named here for the app's code.
pub use crate::vault::location::Location;

#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub roots: Vec<NodeId>,
    /// Rows shown, in order.
    pub visible: Vec<NodeId>,
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row drawn.
    pub offset: usize,
    pub filter: String,
    /// Bumped whenever the tree is rebuilt, so late answers for old node ids are dropped.
    pub generation: u64,
    /// Full paths to expand again as listings arrive after a refresh.
    pub restore_expanded: HashSet<String>,
    pub restore_selected: Option<String>,
    /// A jump to a path typed without a trailing slash, taken for a secret until its folder is
    /// listed: if the listing shows a folder of that name and no secret, the cursor goes there.
    pub jump_folder: Option<JumpFolder>,
}

/// See [`Tree::jump_folder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpFolder {
    /// The folder whose listing decides.
    pub parent: NodeId,
    /// The secret node the jump added.
    pub secret: NodeId,
    /// The full path of the folder of the same name (`secret/app/`).
    pub folder: String,
}

impl Tree {
    pub fn set_mounts(&mut self, mounts: Vec<MountInfo>) {
        self.jump_folder = None;
        self.nodes.clear();
        self.roots.clear();
        for mount in mounts {
            let id = self.nodes.len();
            self.nodes.push(Node {
                name: mount.path.clone(),
                kind: NodeKind::Mount(mount),
                parent: None,
                depth: 0,
                children: Vec::new(),
                listing: Listing::NotLoaded,
                expanded: false,
                pinned: false,
            });
            self.roots.push(id);
        }
        self.selected = 0;
        self.offset = 0;
        self.rebuild_visible();
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    pub fn selected_id(&self) -> Option<NodeId> {
        self.visible.get(self.selected).copied()
    }

    /// The node's location: mount and path below it (folders end with `/`).
    pub fn location(&self, id: NodeId) -> Option<Location> {
        let mut parts = Vec::new();
        let mut current = id;
        loop {
            let node = self.nodes.get(current)?;
            match &node.kind {
                NodeKind::Mount(mount) => {
                    parts.reverse();
                    return Some(Location {
                        mount: mount.clone(),
                        path: parts.concat(),
                    });
                }
                _ => parts.push(node.name.as_str()),
            }
            current = node.parent?;
        }
    }

    /// Whether any folder is waiting for its listing.
    pub fn any_loading(&self) -> bool {
        self.nodes
            .iter()
            .any(|node| node.listing == Listing::Loading)
    }

    pub fn full_path(&self, id: NodeId) -> Option<String> {
        self.location(id).map(|l| l.display())
    }

    /// Marks a container as loading and returns its location for the list request.
    pub fn start_listing(&mut self, id: NodeId) -> Option<Location> {
        let location = self.location(id)?;
        let node = self.nodes.get_mut(id)?;
        if !node.is_container() {
            return None;
        }
        if node.unbrowsable_engine().is_some() {
            return None;
        }
        node.listing = Listing::Loading;
        Some(location)
    }

    /// Applies a listing answer. Existing children with the same name keep their subtree; a child
    /// added by a jump that the listing does not show does not exist (LIST shows every key,
    /// whatever the policy), so it goes.
    pub fn apply_listing(&mut self, id: NodeId, result: Result<Vec<String>, VaultError>) {
        let Some(node) = self.nodes.get(id) else {
            return;
        };
        let depth = node.depth + 1;
        let selected = self.selected_id();
        match result {
            Ok(keys) => {
                let old_children = node.children.clone();
                let mut children = Vec::with_capacity(keys.len());
                for key in keys {
                    if key.is_empty() || key == "/" {
                        continue;
                    }
                    let existing = old_children
                        .iter()
                        .copied()
                        .find(|&child| self.nodes[child].name == key);
                    let child = match existing {
                        Some(child) => {
                            // Seen in a listing: it exists, whoever added it.
                            self.nodes[child].pinned = false;
                            child
                        }
                        None => self.push_child(id, key, depth, false),
                    };
                    children.push(child);
                }
                self.sort_children(&mut children);
                for gone in old_children.iter().filter(|c| !children.contains(c)) {
                    self.nodes[*gone].parent = None;
                }
                let node = &mut self.nodes[id];
                node.children = children;
                node.listing = Listing::Loaded;
            }
            Err(error) => {
                self.nodes[id].listing = if error.is_permission_denied() {
                    Listing::Denied
                } else {
                    Listing::Failed(error)
                };
            }
        }
        self.rebuild_visible();
        // The selected node went with the listing (it does not exist): the cursor goes to the
        // listed folder, not to whichever row took its place.
        if selected.is_some() && !self.is_shown(selected) {
            self.select_node(id);
        }
    }

    fn is_shown(&self, id: Option<NodeId>) -> bool {
        id.is_some_and(|id| self.visible.contains(&id))
    }

    fn push_child(&mut self, parent: NodeId, name: String, depth: u16, pinned: bool) -> NodeId {
        let kind = if name.ends_with('/') {
            NodeKind::Folder
        } else {
            NodeKind::Secret
        };
        let id = self.nodes.len();
        self.nodes.push(Node {
            name,
            kind,
            parent: Some(parent),
            depth,
            children: Vec::new(),
            listing: Listing::NotLoaded,
            expanded: false,
            pinned,
        });
        id
    }

    /// Leaves and folders sorted by name; a leaf `a` comes right before the folder `a/`.
    fn sort_children(&self, children: &mut [NodeId]) {
        children.sort_by(|&a, &b| {
            let (a, b) = (&self.nodes[a].name, &self.nodes[b].name);
            a.trim_end_matches('/')
                .cmp(b.trim_end_matches('/'))
                .then(a.len().cmp(&b.len()))
        });
    }

    /// Takes a node that no longer exists on the server out of the tree, and with it the folders
    /// above it that hold nothing else (a KV folder exists only while something is below it).
    /// Returns the nearest container left, for listing it again.
    pub fn remove(&mut self, id: NodeId) -> Option<NodeId> {
        let mut current = id;
        let survivor = loop {
            let parent = self.nodes.get(current)?.parent?;
            self.detach(current);
            let node = &self.nodes[parent];
            let empty_folder = node.kind == NodeKind::Folder
                && node.listing == Listing::Loaded
                && node.children.is_empty();
            if !empty_folder {
                break parent;
            }
            current = parent;
        };
        self.rebuild_visible();
        Some(survivor)
    }

    /// Cuts a node from its parent; without a parent it has no path, so nothing offers it again
    /// (the jump prompt's completion walks every node).
    fn detach(&mut self, id: NodeId) {
        if let Some(parent) = self.nodes[id].parent.take() {
            self.nodes[parent].children.retain(|&child| child != id);
        }
    }

    /// Finds or creates the nodes along `path` below a mount (used by the jump prompt). Returns the
    /// last node. Intermediate folders are expanded so the target is visible.
    pub fn ensure_path(&mut self, mount_id: NodeId, path: &str) -> NodeId {
        let mut current = mount_id;
        let is_folder = path.ends_with('/');
        let segments: Vec<&str> = path
            .trim_end_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        for (index, segment) in segments.iter().enumerate() {
            let last = index + 1 == segments.len();
            let name = if last && !is_folder {
                segment.to_string()
            } else {
                format!("{segment}/")
            };
            self.nodes[current].expanded = true;
            let existing = self.nodes[current]
                .children
                .iter()
                .copied()
                .find(|&child| self.nodes[child].name == name);
            current = match existing {
                Some(child) => child,
                None => {
                    let depth = self.nodes[current].depth + 1;
                    let child = self.push_child(current, name, depth, true);
                    let mut children = self.nodes[current].children.clone();
                    children.push(child);
                    self.sort_children(&mut children);
                    self.nodes[current].children = children;
                    child
                }
            };
        }
        self.rebuild_visible();
        current
    }

    /// The node at a full path (`secret/app/` or `secret/app/db`), if loaded.
    pub fn find(&self, full_path: &str) -> Option<NodeId> {
        let (mut current, rest) = self.mount_node_for(full_path)?;
        let is_folder = rest.ends_with('/');
        let segments: Vec<&str> = rest
            .trim_end_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        for (index, segment) in segments.iter().enumerate() {
            let name = if index + 1 == segments.len() && !is_folder {
                segment.to_string()
            } else {
                format!("{segment}/")
            };
            current = self.nodes[current]
                .children
                .iter()
                .copied()
                .find(|&child| self.nodes[child].name == name)?;
        }
        Some(current)
    }

    pub fn mount_node_for(&self, full_path: &str) -> Option<(NodeId, String)> {
        self.roots
            .iter()
            .copied()
            .filter_map(|id| match &self.nodes[id].kind {
                NodeKind::Mount(mount) => full_path
                    .strip_prefix(mount.path.as_str())
                    .map(|rest| (id, mount.path.len(), rest.to_string()))
                    .or_else(|| {
                        (format!("{full_path}/") == mount.path)
                            .then(|| (id, mount.path.len(), String::new()))
                    }),
                _ => None,
            })
            .max_by_key(|(_, len, _)| *len)
            .map(|(id, _, rest)| (id, rest))
    }

    pub fn select_node(&mut self, id: NodeId) {
        if let Some(index) = self.visible.iter().position(|&v| v == id) {
            self.selected = index;
        }
    }

    pub fn set_expanded(&mut self, id: NodeId, expanded: bool) {
        if let Some(node) = self.nodes.get_mut(id) {
            node.expanded = expanded;
        }
        self.rebuild_visible();
    }

    pub fn set_filter(&mut self, filter: String) {
        let keep = self.selected_id();
        self.filter = filter;
        self.rebuild_visible();
        match keep.and_then(|id| self.visible.iter().position(|&v| v == id)) {
            Some(index) => self.selected = index,
            None => self.selected = 0,
        }
    }

    /// Rebuilds `visible`: without a filter, the expanded tree; with one, every loaded node whose
    /// name matches (case-insensitive) plus its ancestors, in tree order.
    pub fn rebuild_visible(&mut self) {
        let selected = self.selected_id();
        self.visible.clear();
        if self.filter.is_empty() {
            let mut stack: Vec<NodeId> = self.roots.iter().rev().copied().collect();
            while let Some(id) = stack.pop() {
                self.visible.push(id);
                let node = &self.nodes[id];
                if node.expanded {
                    stack.extend(node.children.iter().rev().copied());
                }
            }
        } else {
            let needle = self.filter.to_lowercase();
            let mut keep = vec![false; self.nodes.len()];
            for (id, node) in self.nodes.iter().enumerate() {
                if node.name.to_lowercase().contains(&needle) {
                    let mut current = Some(id);
                    while let Some(c) = current {
                        if keep[c] {
                            break;
                        }
                        keep[c] = true;
                        current = self.nodes[c].parent;
                    }
                }
            }
            let mut stack: Vec<NodeId> = self.roots.iter().rev().copied().collect();
            while let Some(id) = stack.pop() {
                if !keep[id] {
                    continue;
                }
                self.visible.push(id);
                stack.extend(self.nodes[id].children.iter().rev().copied());
            }
        }
        // The selection stays on its node, or on the nearest ancestor still shown (a node a
        // listing removed, a folder collapsed above it).
        let mut keep = selected;
        while let Some(id) = keep {
            if let Some(index) = self.visible.iter().position(|&v| v == id) {
                self.selected = index;
                break;
            }
            keep = self.nodes[id].parent;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// Moves the selection by `delta` rows, clamped.
    pub fn move_selection(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Keeps the selection inside a window of `rows` rows.
    pub fn scroll_into_view(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        let max_offset = self.visible.len().saturating_sub(rows);
        self.offset = self.offset.min(max_offset);
    }

    /// All loaded paths (for jump completion), as `mount/path`.
    pub fn known_paths(&self) -> Vec<String> {
        (0..self.nodes.len())
            .filter_map(|id| self.full_path(id))
            .collect()
    }

    /// Remembers what is expanded and selected so a rebuild can restore it.
    pub fn remember_for_refresh(&mut self) {
        self.restore_expanded = (0..self.nodes.len())
            .filter(|&id| self.nodes[id].expanded)
            .filter_map(|id| self.full_path(id))
            .collect();
        self.restore_selected = self.selected_id().and_then(|id| self.full_path(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{KvVersion, SecretEngine};

    fn mount(path: &str) -> MountInfo {
        MountInfo {
            path: path.into(),
            engine: SecretEngine::Kv(KvVersion::V2),
            description: String::new(),
        }
    }

    fn tree() -> Tree {
        let mut tree = Tree::default();
        tree.set_mounts(vec![mount("kv/"), mount("secret/")]);
        tree
    }

    #[test]
    fn leaf_and_folder_with_same_name_both_show_in_order() {
        let mut tree = tree();
        tree.start_listing(1);
        tree.apply_listing(1, Ok(vec!["app/".into(), "app".into(), "zeta".into()]));
        tree.set_expanded(1, true);
        let names: Vec<&str> = tree
            .visible
            .iter()
            .map(|&id| tree.nodes[id].name.as_str())
            .collect();
        assert_eq!(names, vec!["kv/", "secret/", "app", "app/", "zeta"]);
        let app_folder = tree.visible[3];
        assert_eq!(tree.location(app_folder).unwrap().path, "app/");
        assert_eq!(tree.full_path(tree.visible[2]).unwrap(), "secret/app");
    }

    #[test]
    fn what_a_listing_no_longer_shows_is_not_offered_for_jumping() {
        let mut tree = tree();
        tree.apply_listing(1, Ok(vec!["app/".into(), "gone".into()]));
        let app = tree.find("secret/app/").unwrap();
        tree.apply_listing(app, Ok(vec!["db".into()]));
        tree.apply_listing(1, Ok(vec!["kept".into()]));
        let paths = tree.known_paths();
        assert!(paths.contains(&"secret/kept".to_string()), "{paths:?}");
        for gone in ["secret/gone", "secret/app/", "secret/app/db"] {
            assert!(!paths.contains(&gone.to_string()), "{gone}: {paths:?}");
        }
    }

    #[test]
    fn removing_a_node_takes_the_folders_it_leaves_empty() {
        let mut tree = tree();
        tree.apply_listing(1, Ok(vec!["a/".into(), "a".into()]));
        let folder = tree.find("secret/a/").unwrap();
        tree.apply_listing(folder, Ok(vec!["b/".into()]));
        let inner = tree.find("secret/a/b/").unwrap();
        tree.apply_listing(inner, Ok(vec!["c".into()]));
        let leaf = tree.find("secret/a/b/c").unwrap();
        // b/ and a/ held only c; the leaf `a` beside the folder stays, and so does the mount.
        assert_eq!(tree.remove(leaf), Some(1));
        assert_eq!(tree.find("secret/a/"), None);
        assert!(tree.find("secret/a").is_some());
        assert_eq!(tree.known_paths(), vec!["kv/", "secret/", "secret/a"]);
        // A folder whose listing is not known is kept (and listed again by the caller).
        let pinned = tree.ensure_path(1, "x/y");
        assert_eq!(tree.remove(pinned), tree.find("secret/x/"));
    }

    #[test]
    fn denied_listing_marks_only_that_node() {
        let mut tree = tree();
        tree.apply_listing(
            0,
            Err(VaultError::PermissionDenied {
                path: "kv/metadata/".into(),
                operation: crate::vault::Operation::List,
            }),
        );
        assert_eq!(tree.nodes[0].listing, Listing::Denied);
        assert_eq!(tree.nodes[1].listing, Listing::NotLoaded);
    }

    #[test]
    fn a_jumped_to_path_stays_only_while_listings_hold_it() {
        let mut tree = tree();
        let leaf = tree.ensure_path(1, "team/db/creds");
        assert_eq!(tree.full_path(leaf).unwrap(), "secret/team/db/creds");
        assert_eq!(tree.nodes[leaf].kind, NodeKind::Secret);
        assert!(tree.visible.contains(&leaf));
        // A listing that shows "team/" keeps the jumped-to path below it...
        tree.apply_listing(1, Ok(vec!["other".into(), "team/".into()]));
        assert!(tree.visible.contains(&leaf));
        // ... one that does not show it says it does not exist: no made-up node is left.
        tree.apply_listing(1, Ok(vec!["other".into()]));
        assert!(!tree.visible.contains(&leaf));
        assert_eq!(tree.find("secret/team/db/creds"), None);
        let (mount, rest) = tree.mount_node_for("secret/team/x").unwrap();
        assert_eq!((mount, rest.as_str()), (1, "team/x"));
    }

    #[test]
    fn filter_shows_matches_with_ancestors_and_clears() {
        let mut tree = tree();
        tree.apply_listing(1, Ok(vec!["app/".into(), "web".into()]));
        let app = tree.nodes[1].children[0];
        tree.apply_listing(app, Ok(vec!["database".into(), "cache".into()]));
        tree.set_filter("DATA".into());
        let names: Vec<&str> = tree
            .visible
            .iter()
            .map(|&id| tree.nodes[id].name.as_str())
            .collect();
        assert_eq!(names, vec!["secret/", "app/", "database"]);
        tree.set_filter(String::new());
        assert_eq!(tree.visible.len(), 2);
    }

    #[test]
    fn selection_and_scrolling_stay_in_bounds() {
        let mut tree = tree();
        tree.apply_listing(1, Ok((0..50).map(|i| format!("s{i:02}")).collect()));
        tree.set_expanded(1, true);
        tree.move_selection(100);
        assert_eq!(tree.selected, 51);
        tree.scroll_into_view(10);
        assert_eq!(tree.offset, 42);
        tree.move_selection(-1000);
        tree.scroll_into_view(10);
        assert_eq!((tree.selected, tree.offset), (0, 0));
    }
}
