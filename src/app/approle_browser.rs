//! The AppRole browser (`A`): the AppRole auth mounts, their roles, a role's settings and
//! role-id, its secret-id accessors (destroy one, after a yes), and secret-ids generated on
//! request, plain or response-wrapped, shown once and masked until revealed. A component: its
//! keys are the `approle` scope's, the wrapping TTL prompt's the `wrap_ttl` scope's, and the
//! destroy question is the one confirmation ([`Question`]).

use super::action::Effect;
use super::component::{Component, Outcome};
use super::confirm::{Answer, Question};
use super::input::TextInput;
use super::keymap::{Command, Keymap, Scope};
use super::state::{App, Loadable, StatusKind};
use crate::secret::SecretText;
use crate::vault::VaultError;
use crate::vault::approle::{AuthMount, RoleSetting, SecretIdAccessor};
use crate::vault::auth::GeneratedSecretId;
use crossterm::event::KeyEvent;

/// The wrapping TTL offered by default (seconds).
pub const DEFAULT_WRAP_TTL: u64 = 300;

/// A wrapping TTL as typed, in seconds, read as the bao CLI reads `-wrap-ttl` (90, 90s, 5m,
/// 1h30m), or why it is not one. Also the wrap dialog's (`W`).
pub fn parse_wrap_ttl(text: &str) -> Result<u64, String> {
    let text = text.trim();
    match crate::config::parse_duration(text).map(|d| d.as_secs()) {
        Some(ttl) if ttl > 0 => Ok(ttl),
        _ => Err(format!(
            "A wrapping TTL of at least a second, such as 5m, 1h30m, 90s or 90 (seconds), not \
             {text:?}."
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrowserFocus {
    #[default]
    Roles,
    Accessors,
}

/// What the selected role's details are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDetail {
    pub role: String,
    pub settings: Loadable<Vec<RoleSetting>>,
    pub role_id: Loadable<String>,
    pub accessors: Loadable<Vec<SecretIdAccessor>>,
}

/// A secret-id just generated: shown once, masked unless revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub role: String,
    /// The secret-id, or the wrapping token when wrapped.
    pub secret: SecretText,
    pub wrapped: bool,
    pub accessor: Option<String>,
    pub ttl: u64,
    pub revealed: bool,
}

/// A question at the bottom of the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `w` asks for the wrapping TTL first.
    WrapTtl(TextInput),
    /// `x` asks before destroying this accessor's secret-id.
    Destroy {
        accessor: String,
        question: Question,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRoleBrowser {
    pub mounts: Loadable<Vec<String>>,
    pub mount: usize,
    pub roles: Loadable<Vec<String>>,
    pub role_cursor: usize,
    pub detail: Option<RoleDetail>,
    pub accessor_cursor: usize,
    pub focus: BrowserFocus,
    pub generated: Option<Generated>,
    /// What the bottom line asks, one thing at a time.
    pub prompt: Option<Prompt>,
    pub busy: bool,
    pub error: Option<String>,
}

impl AppRoleBrowser {
    fn new() -> Self {
        Self {
            mounts: Loadable::Loading,
            mount: 0,
            roles: Loadable::Loading,
            role_cursor: 0,
            detail: None,
            accessor_cursor: 0,
            focus: BrowserFocus::Roles,
            generated: None,
            prompt: None,
            busy: false,
            error: None,
        }
    }

    /// The wrapping TTL being typed, if asked.
    pub fn wrap_ttl(&self) -> Option<&TextInput> {
        match &self.prompt {
            Some(Prompt::WrapTtl(input)) => Some(input),
            _ => None,
        }
    }

    pub fn mount(&self) -> Option<&str> {
        match &self.mounts {
            Loadable::Ready(mounts) => mounts.get(self.mount).map(String::as_str),
            _ => None,
        }
    }

    pub fn selected_role(&self) -> Option<&str> {
        match &self.roles {
            Loadable::Ready(roles) => roles.get(self.role_cursor).map(String::as_str),
            _ => None,
        }
    }

    fn selected_accessor(&self) -> Option<&SecretIdAccessor> {
        match &self.detail.as_ref()?.accessors {
            Loadable::Ready(accessors) => accessors.get(self.accessor_cursor),
            _ => None,
        }
    }
}

fn loadable<T>(result: Result<T, VaultError>) -> Loadable<T> {
    match result {
        Ok(value) => Loadable::Ready(value),
        Err(error) => Loadable::Failed(error.to_string()),
    }
}

fn browser(app: &mut App) -> Option<&mut AppRoleBrowser> {
    match &mut app.modal {
        Some(super::state::Modal::AppRole(browser)) => Some(browser),
        _ => None,
    }
}

/// `A`: open the browser and ask for the AppRole mounts.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.modal = Some(super::state::Modal::AppRole(
        Box::new(AppRoleBrowser::new()),
    ));
    vec![Effect::LoadAppRoleMounts]
}

fn load_roles(browser: &mut AppRoleBrowser) -> Vec<Effect> {
    let Some(mount) = browser.mount().map(str::to_string) else {
        return Vec::new();
    };
    browser.roles = Loadable::Loading;
    browser.detail = None;
    browser.role_cursor = 0;
    // Whatever was said of the previous list (no roles, a failed generate) no longer stands.
    browser.error = None;
    vec![Effect::LoadAppRoles { mount }]
}

fn load_detail(browser: &mut AppRoleBrowser) -> Vec<Effect> {
    let (Some(mount), Some(role)) = (
        browser.mount().map(str::to_string),
        browser.selected_role().map(str::to_string),
    ) else {
        return Vec::new();
    };
    if browser.detail.as_ref().is_some_and(|d| d.role == role) {
        return Vec::new();
    }
    if browser.detail.is_some() {
        // Another role: an error about the previous one no longer stands.
        browser.error = None;
    }
    browser.detail = Some(RoleDetail {
        role: role.clone(),
        settings: Loadable::Loading,
        role_id: Loadable::Loading,
        accessors: Loadable::Loading,
    });
    browser.accessor_cursor = 0;
    vec![Effect::LoadAppRole { mount, role }]
}

/// The AppRole mounts (`sys/auth`); a token that may not read it still gets `approle/`.
pub fn mounts_loaded(app: &mut App, result: Result<Vec<AuthMount>, VaultError>) -> Vec<Effect> {
    let Some(browser) = browser(app) else {
        return Vec::new();
    };
    let mounts = match result {
        Ok(mounts) => {
            let mut mounts: Vec<String> = mounts
                .into_iter()
                .filter(|m| m.kind == "approle")
                .map(|m| m.path)
                .collect();
            // The default path first (where `bao auth enable approle` puts it), the others by name.
            mounts.sort_by_key(|path| (path != "approle/", path.clone()));
            mounts
        }
        Err(_) => vec!["approle/".to_string()],
    };
    if mounts.is_empty() {
        browser.mounts = Loadable::Failed("no AppRole auth method is enabled".into());
        browser.roles = Loadable::Failed("no AppRole auth method is enabled".into());
        return Vec::new();
    }
    browser.mounts = Loadable::Ready(mounts);
    browser.mount = 0;
    load_roles(browser)
}

pub fn roles_loaded(
    app: &mut App,
    mount: String,
    result: Result<Vec<String>, VaultError>,
) -> Vec<Effect> {
    let Some(browser) = browser(app) else {
        return Vec::new();
    };
    if browser.mount() != Some(mount.as_str()) {
        return Vec::new();
    }
    browser.roles = match result {
        Ok(roles) => Loadable::Ready(roles),
        Err(error) => Loadable::Failed(error.to_string()),
    };
    load_detail(browser)
}

pub fn role_loaded(
    app: &mut App,
    role: String,
    settings: Result<Vec<RoleSetting>, VaultError>,
    role_id: Result<String, VaultError>,
    accessors: Result<Vec<SecretIdAccessor>, VaultError>,
) -> Vec<Effect> {
    let Some(browser) = browser(app) else {
        return Vec::new();
    };
    let Some(detail) = browser.detail.as_mut().filter(|d| d.role == role) else {
        return Vec::new();
    };
    detail.settings = loadable(settings);
    detail.role_id = loadable(role_id);
    detail.accessors = loadable(accessors);
    if let Loadable::Ready(list) = &detail.accessors {
        browser.accessor_cursor = browser.accessor_cursor.min(list.len().saturating_sub(1));
    }
    Vec::new()
}

pub fn secret_id_generated(
    app: &mut App,
    role: String,
    result: Result<GeneratedSecretId, VaultError>,
) -> Vec<Effect> {
    let Some(browser) = browser(app) else {
        return Vec::new();
    };
    browser.busy = false;
    match result {
        Ok(generated) => {
            let (secret, wrapped, ttl) = match generated.wrap {
                Some(wrap) => (SecretText::new(wrap.token.expose()), true, wrap.ttl),
                None => match generated.secret_id {
                    Some(secret) => (secret, false, generated.ttl),
                    None => {
                        browser.error = Some("The server answered without a secret-id.".into());
                        return Vec::new();
                    }
                },
            };
            browser.generated = Some(Generated {
                role,
                secret,
                wrapped,
                accessor: generated.accessor,
                ttl,
                revealed: false,
            });
            browser.error = None;
            // The new accessor shows in the list.
            browser.detail = None;
            load_detail(browser)
        }
        Err(error) => {
            browser.error = Some(format!("Generating a secret-id failed: {error}"));
            Vec::new()
        }
    }
}

pub fn secret_id_destroyed(
    app: &mut App,
    accessor: String,
    result: Result<(), VaultError>,
) -> Vec<Effect> {
    let Some(browser) = browser(app) else {
        return Vec::new();
    };
    browser.busy = false;
    let effects = match result {
        Ok(()) => {
            browser.detail = None;
            load_detail(browser)
        }
        Err(error) => {
            browser.error = Some(format!("Destroying {accessor} failed: {error}"));
            Vec::new()
        }
    };
    if browser.error.is_none() {
        app.set_status(
            StatusKind::Info,
            format!("Destroyed secret-id accessor {accessor}"),
        );
    }
    effects
}

fn move_cursor(browser: &mut AppRoleBrowser, down: bool) -> Vec<Effect> {
    let step = |cursor: &mut usize, len: usize| {
        if len == 0 {
            return;
        }
        *cursor = if down {
            (*cursor + 1).min(len - 1)
        } else {
            cursor.saturating_sub(1)
        };
    };
    match browser.focus {
        BrowserFocus::Roles => {
            let len = match &browser.roles {
                Loadable::Ready(roles) => roles.len(),
                _ => 0,
            };
            step(&mut browser.role_cursor, len);
            load_detail(browser)
        }
        BrowserFocus::Accessors => {
            let len = match browser.detail.as_ref().map(|d| &d.accessors) {
                Some(Loadable::Ready(list)) => list.len(),
                _ => 0,
            };
            step(&mut browser.accessor_cursor, len);
            Vec::new()
        }
    }
}

/// Why there is no role to generate a secret-id for, when there is none.
fn no_role_reason(browser: &AppRoleBrowser, keymap: &Keymap) -> Option<String> {
    if browser.selected_role().is_some() {
        return None;
    }
    let Some(mount) = browser.mount() else {
        return Some(match &browser.mounts {
            Loadable::Failed(error) => format!("No AppRole mount to generate on: {error}."),
            _ => "The AppRole mounts are still loading: wait a moment.".into(),
        });
    };
    Some(match &browser.roles {
        Loadable::Ready(roles) if roles.is_empty() => format!(
            "No roles on auth/{mount}: nothing to generate a secret-id for \
             (create one with bao write auth/{mount}role/NAME token_policies=...)."
        ),
        Loadable::Ready(_) => format!(
            "Select a role first ({}/{}).",
            keymap.key(Scope::AppRole, Command::Down),
            keymap.key(Scope::AppRole, Command::Up)
        ),
        Loadable::Loading => format!("The roles of auth/{mount} are still loading: wait a moment."),
        Loadable::Failed(error) => {
            format!("The roles of auth/{mount} could not be listed: {error}")
        }
    })
}

fn generate(browser: &mut AppRoleBrowser, wrap_ttl: Option<u64>, keymap: &Keymap) -> Vec<Effect> {
    if let Some(reason) = no_role_reason(browser, keymap) {
        browser.error = Some(reason);
        return Vec::new();
    }
    let (Some(mount), Some(role)) = (
        browser.mount().map(str::to_string),
        browser.selected_role().map(str::to_string),
    ) else {
        return Vec::new();
    };
    browser.busy = true;
    browser.generated = None;
    vec![Effect::GenerateSecretId {
        mount,
        role,
        wrap_ttl,
    }]
}

impl AppRoleBrowser {
    /// Keys while the wrapping TTL is asked.
    fn on_wrap_ttl_key(
        &mut self,
        keymap: &Keymap,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Vec<Effect> {
        let Some(Prompt::WrapTtl(input)) = &mut self.prompt else {
            return Vec::new();
        };
        match command {
            Some(Command::Cancel) => self.prompt = None,
            Some(Command::Submit) => match parse_wrap_ttl(&input.text) {
                Ok(ttl) => {
                    self.prompt = None;
                    return generate(self, Some(ttl), keymap);
                }
                Err(reason) => self.error = Some(reason),
            },
            _ => {
                input.handle_key(key);
            }
        }
        Vec::new()
    }

    /// Keys while the destroy question is open.
    fn on_destroy_key(
        &mut self,
        keymap: &Keymap,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Vec<Effect> {
        let Some(Prompt::Destroy { accessor, question }) = &mut self.prompt else {
            return Vec::new();
        };
        match question.answer(key, command, keymap) {
            Answer::Undecided => Vec::new(),
            Answer::No => {
                self.prompt = None;
                Vec::new()
            }
            Answer::Yes => {
                let accessor = accessor.clone();
                self.prompt = None;
                let (Some(mount), Some(detail)) =
                    (self.mount().map(str::to_string), self.detail.as_ref())
                else {
                    return Vec::new();
                };
                self.busy = true;
                vec![Effect::DestroySecretId {
                    mount,
                    role: detail.role.clone(),
                    accessor,
                }]
            }
        }
    }

    /// Keys while no question is asked.
    fn on_browse_key(&mut self, keymap: &Keymap, command: Option<Command>) -> Outcome {
        let Some(command) = command else {
            return Outcome::stay();
        };
        let effects = match command {
            Command::Close => return Outcome::close(),
            Command::Down => move_cursor(self, true),
            Command::Up => move_cursor(self, false),
            Command::SwitchList => {
                self.focus = match self.focus {
                    BrowserFocus::Roles => BrowserFocus::Accessors,
                    BrowserFocus::Accessors => BrowserFocus::Roles,
                };
                Vec::new()
            }
            Command::NextMount => self.next_mount(),
            Command::Generate => generate(self, None, keymap),
            Command::GenerateWrapped => {
                self.ask_wrap_ttl(keymap);
                Vec::new()
            }
            Command::Reveal => {
                if let Some(generated) = &mut self.generated {
                    generated.revealed = !generated.revealed;
                }
                Vec::new()
            }
            Command::Copy => self.copy(),
            Command::Destroy => {
                self.ask_destroy(keymap);
                Vec::new()
            }
            Command::Refresh => {
                self.generated = None;
                load_roles(self)
            }
            _ => Vec::new(),
        };
        Outcome::stay().with(effects)
    }

    fn next_mount(&mut self) -> Vec<Effect> {
        if let Loadable::Ready(mounts) = &self.mounts
            && mounts.len() > 1
        {
            self.mount = (self.mount + 1) % mounts.len();
            return load_roles(self);
        }
        Vec::new()
    }

    fn ask_wrap_ttl(&mut self, keymap: &Keymap) {
        if let Some(reason) = no_role_reason(self, keymap) {
            self.error = Some(reason);
        } else {
            self.error = None;
            self.prompt = Some(Prompt::WrapTtl(TextInput::with_text(&format!(
                "{}m",
                DEFAULT_WRAP_TTL / 60
            ))));
        }
    }

    fn ask_destroy(&mut self, keymap: &Keymap) {
        match self.selected_accessor() {
            Some(accessor) if self.focus == BrowserFocus::Accessors => {
                let accessor = accessor.accessor.clone();
                // The refusal the question now answers is not kept under it.
                self.error = None;
                self.prompt = Some(Prompt::Destroy {
                    accessor,
                    question: Question::yes_no("destroy", "keep it"),
                });
            }
            _ => {
                self.error = Some(format!(
                    "{} to the secret-id accessors and select one to destroy.",
                    keymap.key(Scope::AppRole, Command::SwitchList)
                ));
            }
        }
    }

    /// The generated secret-id (or wrapping token), else the role-id.
    fn copy(&self) -> Vec<Effect> {
        if let Some(generated) = &self.generated {
            let what = if generated.wrapped {
                "the wrapping token"
            } else {
                "the secret-id"
            };
            return vec![Effect::Copy {
                text: generated.secret.clone(),
                description: format!("{what} of {}", generated.role),
                sensitive: true,
            }];
        }
        if let Some(RoleDetail {
            role,
            role_id: Loadable::Ready(role_id),
            ..
        }) = &self.detail
        {
            return vec![Effect::Copy {
                text: SecretText::new(role_id.as_str()),
                description: format!("the role-id of {role}"),
                sensitive: false,
            }];
        }
        Vec::new()
    }
}

impl Component for AppRoleBrowser {
    fn scope(&self) -> Scope {
        match &self.prompt {
            None => Scope::AppRole,
            Some(Prompt::WrapTtl(_)) => Scope::WrapTtl,
            Some(Prompt::Destroy { .. }) => Scope::Confirm,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let keymap = &app.keymap;
        match &self.prompt {
            Some(Prompt::WrapTtl(_)) => {
                Outcome::stay().with(self.on_wrap_ttl_key(keymap, key, command))
            }
            Some(Prompt::Destroy { .. }) => {
                Outcome::stay().with(self.on_destroy_key(keymap, key, command))
            }
            None => self.on_browse_key(keymap, command),
        }
    }

    /// Pasted text goes into the TTL or the question's field.
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.prompt {
            Some(Prompt::WrapTtl(input)) => input.insert_str(text.trim()),
            Some(Prompt::Destroy { question, .. }) => question.paste(text),
            None => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        match &self.prompt {
            Some(Prompt::WrapTtl(_)) => app
                .keymap
                .hints(Scope::WrapTtl, &[Command::Submit, Command::Cancel]),
            Some(Prompt::Destroy { question, .. }) => question.hints(&app.keymap),
            None => app.keymap.hints(
                Scope::AppRole,
                &[
                    Command::Generate,
                    Command::GenerateWrapped,
                    Command::SwitchList,
                    Command::Destroy,
                    Command::Copy,
                    Command::Close,
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::component::Next;
    use crate::app::keymap::event;
    use crate::app::state::ConnectionView;

    /// A browser on `approle/` with role `ci` loaded and one accessor.
    fn fixture() -> (App, AppRoleBrowser) {
        let app = App::new(ConnectionView::default(), (100, 30));
        let mut browser = AppRoleBrowser::new();
        browser.mounts = Loadable::Ready(vec!["approle/".into()]);
        browser.roles = Loadable::Ready(vec!["ci".into()]);
        browser.detail = Some(RoleDetail {
            role: "ci".into(),
            settings: Loadable::Ready(Vec::new()),
            role_id: Loadable::Ready("role-id".into()),
            accessors: Loadable::Ready(vec![SecretIdAccessor {
                accessor: "acc-1".into(),
                creation_time: String::new(),
                expiration_time: String::new(),
                secret_id_num_uses: 0,
            }]),
        });
        (app, browser)
    }

    fn key(app: &mut App, browser: &mut AppRoleBrowser, text: &str) -> Vec<Effect> {
        let event = event(text);
        let command = app.keymap.command(browser.scope(), &event);
        let outcome = browser.on_key(app, &event, command);
        assert!(matches!(outcome.next, Next::Stay), "{outcome:?}");
        outcome.effects
    }

    #[test]
    fn the_wrap_ttl_prompt_takes_its_keys_and_one_question_at_a_time() {
        let (mut app, mut browser) = fixture();
        assert!(key(&mut app, &mut browser, "w").is_empty());
        assert_eq!(browser.scope(), Scope::WrapTtl);
        assert_eq!(browser.wrap_ttl().map(|i| i.text.as_str()), Some("5m"));
        // x is typed into the TTL, not a destroy question.
        key(&mut app, &mut browser, "x");
        assert_eq!(browser.wrap_ttl().map(|i| i.text.as_str()), Some("5mx"));
        assert!(key(&mut app, &mut browser, "Enter").is_empty());
        assert!(browser.error.is_some(), "5mx is no duration");
        assert!(
            browser.wrap_ttl().is_some(),
            "the prompt stays for correction"
        );
        key(&mut app, &mut browser, "Backspace");
        let effects = key(&mut app, &mut browser, "Enter");
        assert_eq!(
            effects,
            vec![Effect::GenerateSecretId {
                mount: "approle/".into(),
                role: "ci".into(),
                wrap_ttl: Some(300)
            }]
        );
        assert_eq!(browser.prompt, None);
        assert!(browser.busy);
        // Esc leaves it without generating.
        key(&mut app, &mut browser, "w");
        assert!(key(&mut app, &mut browser, "Esc").is_empty());
        assert_eq!(browser.prompt, None);
        assert_eq!(browser.scope(), Scope::AppRole);
    }

    #[test]
    fn the_destroy_question_is_the_one_confirmation() {
        let (mut app, mut browser) = fixture();
        key(&mut app, &mut browser, "x");
        assert_eq!(browser.prompt, None, "not on the roles list");
        key(&mut app, &mut browser, "Tab");
        key(&mut app, &mut browser, "x");
        assert!(matches!(
            &browser.prompt,
            Some(Prompt::Destroy { accessor, .. }) if accessor == "acc-1"
        ));
        assert_eq!(browser.scope(), Scope::Confirm);
        assert!(key(&mut app, &mut browser, "z").is_empty());
        assert!(
            browser.prompt.is_some(),
            "a key that means nothing decides nothing"
        );
        assert!(key(&mut app, &mut browser, "Esc").is_empty());
        assert_eq!(browser.prompt, None);
        key(&mut app, &mut browser, "x");
        let effects = key(&mut app, &mut browser, "Enter");
        assert_eq!(
            effects,
            vec![Effect::DestroySecretId {
                mount: "approle/".into(),
                role: "ci".into(),
                accessor: "acc-1".into()
            }]
        );
        assert_eq!(browser.prompt, None);
        assert!(browser.busy);
    }
}
