//! The AppRole browser (`A`): the AppRole auth mounts, their roles, a role's settings and
//! role-id, its secret-id accessors (destroy one, after a yes), and secret-ids generated on
//! request, plain or response-wrapped, shown once and masked until revealed.

use super::action::Effect;
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Loadable, StatusKind};
use crate::secret::SecretText;
use crate::vault::VaultError;
use crate::vault::approle::{AuthMount, RoleSetting, SecretIdAccessor};
use crate::vault::auth::GeneratedSecretId;
use crossterm::event::{KeyCode, KeyEvent};

/// The wrapping TTL offered by default (seconds).
pub const DEFAULT_WRAP_TTL: u64 = 300;

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
    /// `w` asks for the wrapping TTL first.
    pub wrap_ttl: Option<TextInput>,
    /// `x` asks before destroying this accessor.
    pub confirm_destroy: Option<String>,
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
            wrap_ttl: None,
            confirm_destroy: None,
            busy: false,
            error: None,
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
fn no_role_reason(browser: &AppRoleBrowser, keymap: &super::keymap::Keymap) -> Option<String> {
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

fn generate(
    browser: &mut AppRoleBrowser,
    wrap_ttl: Option<u64>,
    keymap: &super::keymap::Keymap,
) -> Vec<Effect> {
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

/// Keys while the browser is open.
pub fn on_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let keymap = app.keymap.clone();
    let Some(browser) = browser(app) else {
        return Vec::new();
    };
    // The wrapping TTL prompt.
    if let Some(input) = &mut browser.wrap_ttl {
        match key.code {
            KeyCode::Esc => browser.wrap_ttl = None,
            KeyCode::Enter => {
                let text = input.text.trim().to_string();
                // As the bao CLI reads -wrap-ttl: 90, 90s, 5m, 1h30m.
                match crate::config::parse_duration(&text).map(|d| d.as_secs()) {
                    Some(ttl) if ttl > 0 => {
                        browser.wrap_ttl = None;
                        return generate(browser, Some(ttl), &keymap);
                    }
                    _ => {
                        browser.error = Some(format!(
                            "A wrapping TTL of at least a second, such as 5m, 1h30m, 90s or 90 \
                             (seconds), not {text:?}."
                        ))
                    }
                }
            }
            _ => {
                input.handle_key(key);
            }
        }
        return Vec::new();
    }
    // The destroy question.
    if let Some(accessor) = browser.confirm_destroy.clone() {
        browser.confirm_destroy = None;
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Enter)
            && let (Some(mount), Some(detail)) =
                (browser.mount().map(str::to_string), browser.detail.as_ref())
        {
            browser.busy = true;
            return vec![Effect::DestroySecretId {
                mount,
                role: detail.role.clone(),
                accessor,
            }];
        }
        return Vec::new();
    }
    let Some(command) = keymap.command(Scope::AppRole, key) else {
        return Vec::new();
    };
    match command {
        Command::Close => {
            app.modal = None;
            Vec::new()
        }
        Command::Down => move_cursor(browser, true),
        Command::Up => move_cursor(browser, false),
        Command::SwitchList => {
            browser.focus = match browser.focus {
                BrowserFocus::Roles => BrowserFocus::Accessors,
                BrowserFocus::Accessors => BrowserFocus::Roles,
            };
            Vec::new()
        }
        Command::NextMount => {
            if let Loadable::Ready(mounts) = &browser.mounts
                && mounts.len() > 1
            {
                browser.mount = (browser.mount + 1) % mounts.len();
                return load_roles(browser);
            }
            Vec::new()
        }
        Command::Generate => generate(browser, None, &keymap),
        Command::GenerateWrapped => {
            if let Some(reason) = no_role_reason(browser, &keymap) {
                browser.error = Some(reason);
            } else {
                browser.error = None;
                browser.wrap_ttl =
                    Some(TextInput::with_text(&format!("{}m", DEFAULT_WRAP_TTL / 60)));
            }
            Vec::new()
        }
        Command::Reveal => {
            if let Some(generated) = &mut browser.generated {
                generated.revealed = !generated.revealed;
            }
            Vec::new()
        }
        Command::Copy => {
            if let Some(generated) = &browser.generated {
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
            }) = &browser.detail
            {
                return vec![Effect::Copy {
                    text: SecretText::new(role_id.as_str()),
                    description: format!("the role-id of {role}"),
                    sensitive: false,
                }];
            }
            Vec::new()
        }
        Command::Destroy => {
            match browser.selected_accessor() {
                Some(accessor) if browser.focus == BrowserFocus::Accessors => {
                    browser.confirm_destroy = Some(accessor.accessor.clone());
                }
                _ => {
                    browser.error =
                        Some("Tab to the secret-id accessors and select one to destroy.".into());
                }
            }
            Vec::new()
        }
        Command::Refresh => {
            browser.generated = None;
            load_roles(browser)
        }
        _ => Vec::new(),
    }
}
