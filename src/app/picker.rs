//! Two small pickers: `P` switches profile (each keeps its own session: switching back needs no
//! new login), `N` switches namespace (children from `LIST sys/namespaces`, the parent, root).

use super::action::Effect;
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::login::LoginReason;
use super::state::{App, Loadable, Modal, StatusKind};
use crate::vault::VaultError;
use crossterm::event::KeyEvent;

/// Defined with the profiles (the runtime keeps their sessions); named here for the app's code.
pub use crate::config::profiles::{COMMAND_LINE, ProfileEntry, ProfileSwitch};

/// The root namespace in the namespace list.
pub const ROOT_NAMESPACE: &str = "(root)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Profile,
    Namespace,
}

impl ProfileEntry {
    /// "https://bao:8200 · namespace team", for the picker.
    pub fn detail(&self) -> String {
        let address = if self.address.is_empty() {
            "address from BAO_ADDR / VAULT_ADDR"
        } else {
            self.address.as_str()
        };
        match self.namespace.as_deref().filter(|n| !n.is_empty()) {
            Some(namespace) => format!("{address} · namespace {namespace}"),
            None => address.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerItem {
    pub label: String,
    /// Shown dimmed after the label: a profile's address and namespace.
    pub detail: Option<String>,
    /// Profile name, or the full namespace path (`None`: root).
    pub value: Option<String>,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub kind: PickerKind,
    pub items: Loadable<Vec<PickerItem>>,
    pub cursor: usize,
    /// A namespace being typed (Tab): one the token may not list, or one deeper down.
    pub typed: Option<super::input::TextInput>,
}

/// `P`: the profiles of the config file (and the command-line session).
pub fn open_profiles(app: &mut App) -> Vec<Effect> {
    if app.profiles.len() <= 1 {
        app.set_status(
            StatusKind::Info,
            "No other profiles: add [profiles.NAME] sections to the config file (see README).",
        );
        return Vec::new();
    }
    let items = app
        .profiles
        .iter()
        .map(|entry| PickerItem {
            label: entry.name.clone(),
            detail: Some(entry.detail()),
            value: Some(entry.name.clone()),
            current: entry.name == app.profile,
        })
        .collect::<Vec<_>>();
    let cursor = items.iter().position(|i| i.current).unwrap_or(0);
    app.modal = Some(Modal::Picker(Picker {
        kind: PickerKind::Profile,
        items: Loadable::Ready(items),
        cursor,
        typed: None,
    }));
    Vec::new()
}

/// `N`: ask for the child namespaces of the current one.
pub fn open_namespaces(app: &mut App) -> Vec<Effect> {
    app.modal = Some(Modal::Picker(Picker {
        kind: PickerKind::Namespace,
        items: Loadable::Loading,
        cursor: 0,
        typed: None,
    }));
    vec![Effect::LoadNamespaces]
}

/// The choices: root, the parent, the current one, and the children the server listed.
pub fn namespace_items(current: Option<&str>, children: &[String]) -> Vec<PickerItem> {
    let current = current
        .map(|c| c.trim_matches('/'))
        .filter(|c| !c.is_empty());
    let mut items = vec![PickerItem {
        label: ROOT_NAMESPACE.into(),
        detail: None,
        value: None,
        current: current.is_none(),
    }];
    if let Some(path) = current {
        if let Some((parent, _)) = path.rsplit_once('/') {
            items.push(PickerItem {
                label: format!("{parent}/ (parent)"),
                detail: None,
                value: Some(parent.to_string()),
                current: false,
            });
        }
        items.push(PickerItem {
            label: format!("{path}/"),
            detail: None,
            value: Some(path.to_string()),
            current: true,
        });
    }
    for child in children {
        let child = child.trim_matches('/');
        let full = match current {
            Some(path) => format!("{path}/{child}"),
            None => child.to_string(),
        };
        items.push(PickerItem {
            label: format!("{full}/"),
            detail: None,
            value: Some(full),
            current: false,
        });
    }
    items
}

pub fn namespaces_loaded(app: &mut App, result: Result<Vec<String>, VaultError>) -> Vec<Effect> {
    let current = app.connection.namespace.clone();
    let Some(Modal::Picker(picker)) = &mut app.modal else {
        return Vec::new();
    };
    if picker.kind != PickerKind::Namespace {
        return Vec::new();
    }
    picker.items = match result {
        Ok(children) => Loadable::Ready(namespace_items(current.as_deref(), &children)),
        // A token that may not list still gets root, the parent and the current one.
        Err(error) if error.is_permission_denied() => {
            Loadable::Ready(namespace_items(current.as_deref(), &[]))
        }
        Err(error) => Loadable::Failed(error.to_string()),
    };
    if let Loadable::Ready(items) = &picker.items {
        picker.cursor = items.iter().position(|i| i.current).unwrap_or(0);
    }
    Vec::new()
}

impl Picker {
    fn len(&self) -> usize {
        match &self.items {
            Loadable::Ready(items) => items.len(),
            _ => 0,
        }
    }

    /// Enter on the list: switch to the selected entry (the current one: just close).
    fn choose(&self, app: &mut App) -> Outcome {
        let Loadable::Ready(items) = &self.items else {
            return Outcome::stay();
        };
        let Some(item) = items.get(self.cursor) else {
            return Outcome::stay();
        };
        if item.current {
            return Outcome::close();
        }
        let effects = match self.kind {
            PickerKind::Profile => vec![Effect::SwitchProfile {
                name: item.value.clone().unwrap_or_default(),
            }],
            PickerKind::Namespace => switch_namespace(app, item.value.clone()),
        };
        Outcome::close().with(effects)
    }

    /// Keys while a namespace is typed (Tab): the text field takes every key but the two of
    /// [`Scope::NamespaceName`].
    fn on_typed_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Some(input) = &mut self.typed else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Cancel) => self.typed = None,
            Some(Command::Submit) => {
                let path = input.text.trim().trim_matches('/').to_string();
                let target = (!path.is_empty()).then_some(path);
                if target.as_deref() == app.connection.namespace.as_deref() {
                    return Outcome::close();
                }
                return Outcome::close().with(switch_namespace(app, target));
            }
            _ => {
                input.handle_key(key);
            }
        }
        Outcome::stay()
    }
}

impl Component for Picker {
    fn scope(&self) -> Scope {
        if self.typed.is_some() {
            Scope::NamespaceName
        } else {
            Scope::Picker
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.typed.is_some() {
            return self.on_typed_key(app, key, command);
        }
        let len = self.len();
        match command {
            Some(Command::TypeName) if self.kind == PickerKind::Namespace => {
                self.typed = Some(TextInput::default());
            }
            Some(Command::Close) => return Outcome::close(),
            Some(Command::Down) if len > 0 => self.cursor = (self.cursor + 1).min(len - 1),
            Some(Command::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Command::Submit) => return self.choose(app),
            _ => {}
        }
        Outcome::stay()
    }

    /// A namespace being typed takes pasted text; the list has nothing to paste into.
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if let Some(input) = &mut self.typed {
            input.insert_str(text.trim());
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let keymap = &app.keymap;
        if self.typed.is_some() {
            return keymap.hints(Scope::NamespaceName, &[Command::Submit, Command::Cancel]);
        }
        let mut hints = keymap.hints(Scope::Picker, &[Command::Submit]);
        hints.push((
            keymap.pair(Scope::Picker, Command::Down, Command::Up),
            "move".into(),
        ));
        hints.extend(keymap.hints(Scope::Picker, &[Command::Close]));
        hints
    }
}

/// A token made inside a namespace sees nothing at the root: the first time such a token is looked
/// up while no namespace was asked for, tresor goes to the token's own namespace.
pub fn enter_token_namespace(app: &mut App, namespace: Option<String>) -> Vec<Effect> {
    if app.token_namespace_entered {
        return Vec::new();
    }
    app.token_namespace_entered = true;
    match namespace {
        Some(namespace) if app.connection.namespace.is_none() => {
            let effects = switch_namespace(app, Some(namespace.clone()));
            app.set_status(
                StatusKind::Info,
                format!(
                    "Namespace {namespace}: the token belongs there ({} changes it)",
                    app.keymap.key(Scope::Main, Command::SwitchNamespace)
                ),
            );
            effects
        }
        _ => Vec::new(),
    }
}

/// Everything shown belongs to the old namespace: start over in the new one.
fn switch_namespace(app: &mut App, namespace: Option<String>) -> Vec<Effect> {
    app.connection.namespace = namespace.clone();
    app.secret = Default::default();
    let mut effects = vec![Effect::SwitchNamespace {
        namespace: namespace.clone(),
    }];
    app.tree = super::tree::Tree {
        generation: app.tree.generation + 1,
        ..Default::default()
    };
    effects.extend(super::update::refresh(app));
    app.set_status(
        StatusKind::Info,
        format!(
            "Namespace {}",
            namespace.as_deref().unwrap_or(ROOT_NAMESPACE)
        ),
    );
    effects
}

/// After a profile switch: a fresh screen on the other server, its own session.
pub fn profile_switched(
    app: &mut App,
    result: Result<ProfileSwitch, crate::config::profiles::SwitchError>,
) -> Vec<Effect> {
    let switch = match result {
        Ok(switch) => switch,
        Err(error) => {
            app.set_status(StatusKind::Error, error.to_string());
            return Vec::new();
        }
    };
    app.profile = switch.name.clone();
    app.connection = switch.connection;
    app.login_defaults = switch.login;
    app.watch_nodes = switch.nodes;
    app.seal_screen_offered = false;
    app.token = Loadable::Loading;
    app.seal = Loadable::Loading;
    app.seal_watch = Default::default();
    app.mounts = Loadable::Loading;
    app.secret = Default::default();
    app.tree = super::tree::Tree {
        generation: app.tree.generation + 1,
        ..Default::default()
    };
    app.capabilities.clear();
    app.capabilities_pending.clear();
    // The finder's paths are the other server's.
    super::finder::forget(app);
    app.session = Default::default();
    app.token_namespace_entered = false;
    // The old server's outage is not the new one's: no "answers again" about it.
    app.reachability = Default::default();
    app.login = None;
    app.modal = None;
    app.editing = None;
    app.pending_edit = None;
    let effects = app.start();
    if app.login.is_none() {
        let mut text = format!("Profile {}", switch.name);
        for warning in &switch.warnings {
            text.push_str(" · ");
            text.push_str(warning);
        }
        app.set_status(StatusKind::Info, text);
    } else if let Some(form) = &mut app.login {
        form.reason = Some(LoginReason::NoToken);
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConnectionView;

    #[test]
    fn namespace_choices_are_root_parent_current_and_children() {
        let items = namespace_items(Some("team/a"), &["x/".into(), "y/".into()]);
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "(root)",
                "team/ (parent)",
                "team/a/",
                "team/a/x/",
                "team/a/y/"
            ]
        );
        assert_eq!(items[3].value.as_deref(), Some("team/a/x"));
        assert!(items[2].current);
        let root = namespace_items(None, &["team/".into()]);
        assert!(root[0].current && root[0].value.is_none());
        assert_eq!(root[1].value.as_deref(), Some("team"));
    }

    use crate::app::Action;
    use crate::app::keymap::event;

    fn press(app: &mut App, text: &str) -> Vec<Effect> {
        crate::app::update(app, Action::Key(event(text)))
    }

    fn picker(app: &App) -> &Picker {
        match &app.modal {
            Some(Modal::Picker(picker)) => picker,
            other => panic!("expected a picker, got {other:?}"),
        }
    }

    fn with_profiles() -> App {
        let mut app = App::new(ConnectionView::default(), (100, 30));
        app.profiles.push(ProfileEntry {
            name: "prod".into(),
            ..ProfileEntry::default()
        });
        app
    }

    #[test]
    fn the_profile_picker_switches_to_the_chosen_one_and_has_no_typed_mode() {
        let mut app = with_profiles();
        let _ = open_profiles(&mut app);
        assert_eq!(picker(&app).cursor, 0, "on the current one");
        press(&mut app, "Tab");
        assert!(picker(&app).typed.is_none(), "profiles are not typed");
        press(&mut app, "Down");
        press(&mut app, "Down");
        assert_eq!(picker(&app).cursor, 1, "stops at the last");
        let effects = press(&mut app, "Enter");
        assert_eq!(
            effects,
            vec![Effect::SwitchProfile {
                name: "prod".into()
            }]
        );
        assert!(app.modal.is_none());
        // The current one: just closes.
        let _ = open_profiles(&mut app);
        assert!(press(&mut app, "Enter").is_empty());
        assert!(app.modal.is_none());
    }

    #[test]
    fn a_typed_namespace_is_switched_to_and_the_current_one_just_closes() {
        let mut app = App::new(ConnectionView::default(), (100, 30));
        app.connection.namespace = Some("team".into());
        let effects = open_namespaces(&mut app);
        assert_eq!(effects, vec![Effect::LoadNamespaces]);
        // Enter while loading does nothing.
        assert!(press(&mut app, "Enter").is_empty());
        assert!(app.modal.is_some());
        press(&mut app, "Tab");
        assert_eq!(picker(&app).scope(), Scope::NamespaceName);
        for c in "/team/".chars() {
            press(&mut app, &c.to_string());
        }
        assert!(press(&mut app, "Enter").is_empty(), "already there");
        assert!(app.modal.is_none());
        let _ = open_namespaces(&mut app);
        press(&mut app, "Tab");
        for c in "jk".chars() {
            press(&mut app, &c.to_string());
        }
        assert_eq!(picker(&app).cursor, 0, "j and k are typed, not moves");
        let effects = press(&mut app, "Enter");
        assert!(
            effects.contains(&Effect::SwitchNamespace {
                namespace: Some("jk".into())
            }),
            "{effects:?}"
        );
        assert_eq!(app.connection.namespace.as_deref(), Some("jk"));
        assert!(app.modal.is_none());
    }
}
