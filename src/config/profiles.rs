//! Named profiles in a TOML file under the platform config dir (`tresor/config.toml`, or
//! `TRESOR_CONFIG`): address, namespace, TLS files, auth method/mount/role, nodes to watch.
//! No secrets unless the user puts them there (`token`, `token_file`), and a warning when the
//! file can be read by group or others.
//!
//! With a profile the environment's token and the default token file are not used: a token
//! meant for one server is never sent to another. The profile's `token` or `token_file` is,
//! else the login dialog opens with the profile's auth method filled in.

use super::appearance::ThemeName;
use super::{ConnectionSettings, LoginOverrides, Overrides, TokenSource, resolve};
use crate::secret::Token;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the session started from the command line and environment (no `--profile`).
pub const COMMAND_LINE: &str = "(command line)";
/// A profile `P` offers, with where it connects (shown beside its name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileEntry {
    pub name: String,
    /// The address it connects to; empty when it comes from the environment at switch time.
    pub address: String,
    pub namespace: Option<String>,
}

/// Why a profile could not be switched to. The words are the config file's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SwitchError {
    #[error("no config file with profiles")]
    NoConfig,
    /// No such profile, or its entry in the file is broken.
    #[error("{0}")]
    Unknown(String),
    /// Its settings, its login or its client could not be made.
    #[error("profile {name}: {reason}")]
    Invalid { name: String, reason: String },
}

/// A profile switch as the runtime reports it.
#[derive(Debug, Clone)]
pub struct ProfileSwitch {
    pub name: String,
    pub connection: super::ConnectionView,
    pub login: super::LoginDefaults,
    pub warnings: Vec<String>,
    /// The profile's nodes to watch on the Seal screen.
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub address: Option<String>,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub ca_path: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub tls_server_name: Option<String>,
    #[serde(default)]
    pub skip_verify: bool,
    /// Per-request timeout, e.g. "30s".
    pub timeout: Option<String>,
    /// token, approle, userpass, ldap, jwt, cert or oidc.
    pub auth_method: Option<String>,
    pub auth_mount: Option<String>,
    /// The JWT or certificate role, and the AppRole runner role (worker -> runner login).
    pub role: Option<String>,
    pub role_id_file: Option<PathBuf>,
    pub secret_id_file: Option<PathBuf>,
    /// The JWT file a JWT login reads (at each login).
    pub jwt_file: Option<PathBuf>,
    /// OIDC: where the listener binds (default 127.0.0.1) and its port (default 8250).
    pub oidc_listen_address: Option<String>,
    pub oidc_callback_port: Option<u16>,
    /// A token in the file itself (discouraged: prefer token_file or a login).
    pub token: Option<Token>,
    pub token_file: Option<PathBuf>,
    /// Nodes to watch on the Seal screen (api addresses).
    #[serde(default)]
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// The `[keys]` tables: key bindings over the defaults.
    #[serde(skip)]
    pub keys: Vec<KeyOverride>,
}

/// A config file read from disk, with what the user should know about it.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    pub path: PathBuf,
    /// The profiles that could be read.
    pub file: ConfigFile,
    pub warnings: Vec<String>,
    /// Profiles that could not be read, with why (and on which line): using one of them is an
    /// error, the others work.
    pub broken: BTreeMap<String, String>,
    /// The top-level `theme` (every profile uses it); the default when it is not set or names
    /// no theme.
    pub theme: ThemeName,
    /// Why the `theme` setting was not used, with its line: shown once at start (not again on
    /// every profile switch, as `warnings` are).
    pub theme_warning: Option<String>,
}

impl LoadedConfig {
    pub fn profile(&self, name: &str) -> Result<&Profile, String> {
        if let Some(error) = self.broken.get(name) {
            return Err(error.clone());
        }
        self.file.profiles.get(name).ok_or_else(|| {
            let known = self.names();
            format!(
                "no profile {name:?} in {} (profiles: {})",
                self.path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })
    }

    /// Every profile's name, the broken ones too (choosing one says what is wrong with it).
    pub fn names(&self) -> Vec<String> {
        let names: std::collections::BTreeSet<&String> = self
            .file
            .profiles
            .keys()
            .chain(self.broken.keys())
            .collect();
        names.into_iter().cloned().collect()
    }
}

/// `TRESOR_CONFIG`, else `<config dir>/tresor/config.toml`.
pub fn config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = env("TRESOR_CONFIG").filter(|p| !p.trim().is_empty()) {
        return Some(PathBuf::from(path));
    }
    // macOS: `~/Library/Application Support/tresor` is the platform's place, but terminal users
    // keep dotfiles in ~/.config: that one wins when it exists (as gitui and others do).
    if cfg!(target_os = "macos")
        && let Some(home) = env("HOME").filter(|h| !h.trim().is_empty())
    {
        let xdg = std::path::Path::new(&home).join(".config/tresor/config.toml");
        if xdg.exists() {
            return Some(xdg);
        }
    }
    // Linux: $XDG_CONFIG_HOME/tresor or ~/.config/tresor; Windows: %APPDATA%\tresor\config.
    directories::ProjectDirs::from("", "", "tresor")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The file as written, each profile's settings with where they are (for line numbers).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    profiles: BTreeMap<String, BTreeMap<String, toml::Spanned<toml::Value>>>,
    /// Any value: one that names no theme is a warning, not a file that cannot be read.
    theme: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    keys: BTreeMap<String, toml::Spanned<KeysValue>>,
}

/// A value in `[keys]`: a key or list of keys, or a `[keys.<scope>]` table whose entries keep
/// their own spans (a `toml::Value` table would drop them, and every warning would name the
/// table's heading line).
enum KeysValue {
    Keys(toml::Value),
    Table(BTreeMap<String, toml::Spanned<toml::Value>>),
}

impl<'de> Deserialize<'de> for KeysValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KeysValue;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key, a list of keys or a table")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeysValue, A::Error> {
                let mut table = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    if name.starts_with("$__toml_private") {
                        // A date or time: toml hands it over as a one-entry map.
                        map.next_value::<toml::Value>()?;
                        return Ok(KeysValue::Keys(toml::Value::Boolean(false)));
                    }
                    table.insert(name, map.next_value::<toml::Spanned<toml::Value>>()?);
                }
                Ok(KeysValue::Table(table))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeysValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<toml::Value>()? {
                    items.push(item);
                }
                Ok(KeysValue::Keys(toml::Value::Array(items)))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<KeysValue, E> {
                Ok(KeysValue::Keys(toml::Value::String(text.to_string())))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<KeysValue, E> {
                Ok(KeysValue::Keys(toml::Value::Integer(n)))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<KeysValue, E> {
                Ok(KeysValue::Keys(toml::Value::Integer(n as i64)))
            }

            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<KeysValue, E> {
                Ok(KeysValue::Keys(toml::Value::Float(n)))
            }

            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<KeysValue, E> {
                Ok(KeysValue::Keys(toml::Value::Boolean(b)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The theme the file chooses, or the default and why.
fn read_theme(
    path: &Path,
    text: &str,
    setting: Option<&toml::Spanned<toml::Value>>,
) -> (ThemeName, Option<String>) {
    let Some(setting) = setting else {
        return (ThemeName::default(), None);
    };
    let chosen = match setting.get_ref() {
        toml::Value::String(name) => ThemeName::from_setting(name),
        other => Err(super::appearance::unknown(&other.to_string())),
    };
    match chosen {
        Ok(theme) => (theme, None),
        Err(warning) => (
            ThemeName::default(),
            Some(format!(
                "{} line {}: {warning}",
                path.display(),
                line_of(text, setting.span().start)
            )),
        ),
    }
}

/// One `command = "key"` (or `= ["k1", "k2"]`) line of the config file's `[keys]` tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    /// `None` for the top-level `[keys]` table (the main view and its tabs), else the scope name
    /// of `[keys.<scope>]`.
    pub scope: Option<String>,
    pub command: String,
    pub keys: Vec<String>,
    /// Where it was written (for the warning), when known.
    pub line: Option<usize>,
}

/// `[keys]` (`command = "key"` or `= ["k1", "k2"]`) and `[keys.<scope>]` tables as written; what
/// cannot be read is a warning (the default keys stay), never an error.
fn read_keys(
    path: &Path,
    text: &str,
    keys: &BTreeMap<String, toml::Spanned<KeysValue>>,
    warnings: &mut Vec<String>,
) -> Vec<KeyOverride> {
    let mut out = Vec::new();
    let mut read = |scope: Option<&str>, name: &str, value: &toml::Value, start: usize| {
        let line = line_of(text, start);
        let keys: Option<Vec<String>> = match value {
            toml::Value::String(key) => Some(vec![key.clone()]),
            toml::Value::Array(items) => items
                .iter()
                .map(|item| item.as_str().map(str::to_string))
                .collect(),
            _ => None,
        };
        match keys {
            Some(keys) => out.push(KeyOverride {
                scope: scope.map(str::to_string),
                command: name.to_string(),
                keys,
                line: Some(line),
            }),
            None => {
                let table = scope.map_or_else(|| "[keys]".to_string(), |s| format!("[keys.{s}]"));
                warnings.push(format!(
                    "{} {table} line {line}: {name} takes a key (\"v\") or a list of keys ([\"v\", \"F2\"])",
                    path.display()
                ));
            }
        }
    };
    for (name, value) in keys {
        match value.get_ref() {
            KeysValue::Table(table) => {
                for (command, inner) in table {
                    read(Some(name), command, inner.get_ref(), inner.span().start);
                }
            }
            KeysValue::Keys(keys) => read(None, name, keys, value.span().start),
        }
    }
    // In the file's order, so the warnings about them are too.
    out.sort_by_key(|entry| entry.line);
    out
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .unwrap_or(text)
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// One profile from its settings; the first setting that cannot be used is the error, with
/// its line.
fn read_profile(
    path: &Path,
    text: &str,
    name: &str,
    settings: &BTreeMap<String, toml::Spanned<toml::Value>>,
) -> Result<Profile, String> {
    let mut by_line: Vec<(&String, &toml::Spanned<toml::Value>)> = settings.iter().collect();
    by_line.sort_by_key(|(_, value)| value.span().start);
    let mut table = toml::Table::new();
    for (key, value) in by_line {
        let at = |message: String| {
            format!(
                "{} line {}: profile {name:?}: {message}",
                path.display(),
                line_of(text, value.span().start)
            )
        };
        // Each setting on its own, so an error is pinned to its line.
        let single = toml::Table::from_iter([(key.clone(), value.get_ref().clone())]);
        toml::Value::Table(single)
            .try_into::<Profile>()
            .map_err(|error| at(error.message().to_string()))?;
        if key == "timeout"
            && let Some(timeout) = value.get_ref().as_str()
            && super::parse_duration(timeout).is_none()
        {
            return Err(at(super::bad_value(
                "timeout",
                timeout,
                super::DURATION_EXAMPLES,
            )));
        }
        table.insert(key.clone(), value.get_ref().clone());
    }
    toml::Value::Table(table)
        .try_into::<Profile>()
        .map_err(|error| format!("{}: profile {name:?}: {}", path.display(), error.message()))
}

/// Parses a config file's text; `mode` is its Unix permission bits (for the warning). A file
/// that is not TOML is an error (with its line); a profile with a bad setting is kept aside in
/// `broken`, so it stops only what uses it.
pub fn parse_config(path: &Path, text: &str, mode: u32) -> Result<LoadedConfig, String> {
    let raw: RawConfig = toml::from_str(text).map_err(|error| match error.span() {
        Some(span) => format!(
            "{} line {}: {}",
            path.display(),
            line_of(text, span.start),
            error.message()
        ),
        None => format!("{}: {}", path.display(), error.message()),
    })?;
    let mut file = ConfigFile::default();
    let mut broken = BTreeMap::new();
    for (name, settings) in &raw.profiles {
        match read_profile(path, text, name, settings) {
            Ok(profile) => {
                file.profiles.insert(name.clone(), profile);
            }
            Err(error) => {
                broken.insert(name.clone(), error);
            }
        }
    }
    let mut warnings = Vec::new();
    file.keys = read_keys(path, text, &raw.keys, &mut warnings);
    if mode & 0o077 != 0 {
        let secrets = file.profiles.values().any(|p| p.token.is_some());
        warnings.push(format!(
            "{} can be read by other users (mode {:o}){}: chmod 600 {}",
            path.display(),
            mode & 0o777,
            if secrets { " and holds a token" } else { "" },
            path.display()
        ));
    }
    let (theme, theme_warning) = read_theme(path, text, raw.theme.as_ref());
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        file,
        warnings,
        broken,
        theme,
        theme_warning,
    })
}

/// Reads the config file; a missing file is `None`, a broken one an error.
pub fn load_config(path: &Path) -> Result<Option<LoadedConfig>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("{}: {error}", path.display())),
    };
    let mode = std::fs::metadata(path)
        .ok()
        .and_then(|m| crate::platform::mode(&m))
        .unwrap_or(0o600);
    parse_config(path, &text, mode).map(Some)
}

/// `~/x` as `$HOME/x` (profiles are written by hand).
fn expand_home(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    match (path.strip_prefix("~"), env("HOME")) {
        (Ok(rest), Some(home)) if !home.is_empty() => Path::new(&home).join(rest),
        _ => path.to_path_buf(),
    }
}

impl Profile {
    /// The profile with `~` expanded in its file paths.
    pub fn expanded(&self, env: &dyn Fn(&str) -> Option<String>) -> Profile {
        let expand = |p: &Option<PathBuf>| p.as_deref().map(|p| expand_home(p, env));
        Profile {
            ca_cert: expand(&self.ca_cert),
            ca_path: expand(&self.ca_path),
            client_cert: expand(&self.client_cert),
            client_key: expand(&self.client_key),
            role_id_file: expand(&self.role_id_file),
            secret_id_file: expand(&self.secret_id_file),
            jwt_file: expand(&self.jwt_file),
            token_file: expand(&self.token_file),
            ..self.clone()
        }
    }
}

/// A profile's connection: command-line flags first, then the profile, then the environment
/// (minus its token and token file), then the defaults.
pub fn profile_settings(
    profile: &Profile,
    flags: Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&Path) -> Option<String>,
) -> Result<ConnectionSettings, String> {
    let profile = &profile.expanded(env);
    let timeout = match (flags.timeout, profile.timeout.as_deref()) {
        (Some(timeout), _) => Some(timeout),
        (None, Some(text)) => Some(super::parse_duration(text).ok_or_else(|| {
            super::bad_value("the profile's timeout", text, super::DURATION_EXAMPLES)
        })?),
        (None, None) => None,
    };
    let from_profile_token = flags.token.is_none() && profile.token.is_some();
    let merged = Overrides {
        addr: flags.addr.or_else(|| profile.address.clone()),
        token: flags.token.or_else(|| profile.token.clone()),
        namespace: flags.namespace.or_else(|| profile.namespace.clone()),
        ca_cert: flags.ca_cert.or_else(|| profile.ca_cert.clone()),
        ca_path: flags.ca_path.or_else(|| profile.ca_path.clone()),
        client_cert: flags.client_cert.or_else(|| profile.client_cert.clone()),
        client_key: flags.client_key.or_else(|| profile.client_key.clone()),
        skip_verify: flags.skip_verify || profile.skip_verify,
        tls_server_name: flags
            .tls_server_name
            .or_else(|| profile.tls_server_name.clone()),
        timeout,
    };
    let without_tokens = |name: &str| {
        if name.ends_with("TOKEN") || name.ends_with("TOKEN_PATH") || name == "HOME" {
            None
        } else {
            env(name)
        }
    };
    let mut settings = resolve(merged, &without_tokens, read_file)?;
    if from_profile_token {
        settings.token_source = TokenSource::Profile;
    }
    if settings.token.is_none()
        && let Some(path) = &profile.token_file
        && let Some(text) = read_file(path)
        && !text.trim().is_empty()
    {
        settings.token = Some(Token::new(text.trim()));
        settings.token_source = TokenSource::File;
    }
    Ok(settings)
}

/// A profile's login defaults, under the command line's.
pub fn profile_login(profile: &Profile, flags: &LoginOverrides) -> LoginOverrides {
    LoginOverrides {
        method: flags.method.clone().or_else(|| profile.auth_method.clone()),
        mount: flags.mount.clone().or_else(|| profile.auth_mount.clone()),
        role: flags.role.clone().or_else(|| profile.role.clone()),
        role_id_file: flags
            .role_id_file
            .clone()
            .or_else(|| profile.role_id_file.clone()),
        secret_id_file: flags
            .secret_id_file
            .clone()
            .or_else(|| profile.secret_id_file.clone()),
        jwt_file: flags.jwt_file.clone().or_else(|| profile.jwt_file.clone()),
        save_token_to: profile.token_file.clone().map(super::TokenStore::File),
        oidc_listen_address: flags
            .oidc_listen_address
            .clone()
            .or_else(|| profile.oidc_listen_address.clone()),
        oidc_callback_port: flags.oidc_callback_port.or(profile.oidc_callback_port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[profiles.prod]
address = "https://vault.prod.example.com:8200"
namespace = "ops"
ca_cert = "/etc/ssl/prod-ca.pem"
auth_method = "approle"
auth_mount = "ci-approle"
role = "deployer"
nodes = ["https://10.0.0.1:8200", "https://10.0.0.2:8200"]

[profiles.dev]
address = "http://127.0.0.1:8200"
token = "s.dev-token-in-file"
"#;

    fn env(name: &str) -> Option<String> {
        match name {
            "BAO_ADDR" => Some("https://from-env:8200".into()),
            "BAO_TOKEN" => Some("s.env-token".into()),
            "HOME" => Some("/home/ana".into()),
            "BAO_CLIENT_TIMEOUT" => Some("5s".into()),
            _ => None,
        }
    }

    #[test]
    fn an_oidc_profile_sets_the_method_and_the_listener_under_the_flags() {
        let text = "[profiles.sso]\naddress = \"https://vault:8200\"\nauth_method = \"oidc\"\n\
                    role = \"dev\"\noidc_callback_port = 9250\noidc_listen_address = \"0.0.0.0\"\n";
        let config = parse_config(Path::new("/c"), text, 0o600).unwrap();
        let profile = config.profile("sso").unwrap();
        let resolve = |flags: &LoginOverrides| {
            crate::config::resolve_login(&profile_login(profile, flags), &|_| None, &|_| None)
                .unwrap()
        };
        let login = resolve(&LoginOverrides::default());
        assert_eq!(login.method, Some(crate::vault::AuthMethod::Oidc));
        assert_eq!(login.role.as_deref(), Some("dev"));
        assert_eq!(login.oidc.port, 9250);
        assert_eq!(login.oidc.listen_address, "0.0.0.0");
        assert_eq!(
            login.oidc.redirect_uri(),
            "http://localhost:9250/oidc/callback"
        );
        let flags = LoginOverrides {
            oidc_callback_port: Some(9300),
            ..LoginOverrides::default()
        };
        assert_eq!(resolve(&flags).oidc.port, 9300, "the flag wins");
        // Without any: the CLI's defaults.
        let plain =
            crate::config::resolve_login(&LoginOverrides::default(), &|_| None, &|_| None).unwrap();
        assert_eq!(plain.oidc.listen_on(), "127.0.0.1:8250");
        let bad = parse_config(
            Path::new("/c"),
            "[profiles.x]\noidc_callback_port = 70000\n",
            0o600,
        )
        .unwrap();
        let error = bad.profile("x").unwrap_err();
        assert!(
            error.contains("line 2") && error.contains("70000"),
            "{error}"
        );
    }

    #[test]
    fn profiles_parse_and_group_readable_files_are_warned_about() {
        let config = parse_config(Path::new("/c/config.toml"), TEXT, 0o644).unwrap();
        assert_eq!(config.names(), vec!["dev", "prod"]);
        assert_eq!(config.profile("prod").unwrap().nodes.len(), 2);
        assert!(
            config.warnings[0].contains("mode 644") && config.warnings[0].contains("holds a token")
        );
        assert!(
            !format!("{config:?}").contains("s.dev-token-in-file"),
            "Debug hides the token"
        );
        assert!(
            parse_config(Path::new("/c"), TEXT, 0o600)
                .unwrap()
                .warnings
                .is_empty()
        );
        // A typo stops only the profile it is in, and says on which line.
        let unknown = parse_config(
            Path::new("/c"),
            "[profiles.x]\nadress = \"typo\"\n[profiles.y]\naddress = \"http://y\"\n",
            0o600,
        )
        .unwrap();
        let error = unknown.profile("x").unwrap_err();
        assert!(
            error.contains("adress") && error.contains("line 2"),
            "{error}"
        );
        assert_eq!(
            unknown.profile("y").unwrap().address.as_deref(),
            Some("http://y")
        );
        assert_eq!(unknown.names(), vec!["x", "y"]);
        assert!(config.profile("nope").unwrap_err().contains("dev, prod"));
    }

    #[test]
    fn a_profile_beats_the_environment_and_never_takes_its_token() {
        let config = parse_config(Path::new("/c"), TEXT, 0o600).unwrap();
        let read = |path: &Path| {
            (path == Path::new("/home/ana/.vault-token")).then(|| "s.file".to_string())
        };
        let prod = profile_settings(
            config.profile("prod").unwrap(),
            Overrides::default(),
            &env,
            &read,
        )
        .unwrap();
        assert_eq!(prod.addr, "https://vault.prod.example.com:8200");
        assert_eq!(prod.namespace.as_deref(), Some("ops"));
        assert!(prod.token.is_none(), "neither BAO_TOKEN nor ~/.vault-token");
        assert_eq!(
            prod.timeout,
            std::time::Duration::from_secs(5),
            "other env settings apply"
        );
        let dev = profile_settings(
            config.profile("dev").unwrap(),
            Overrides::default(),
            &env,
            &read,
        )
        .unwrap();
        assert_eq!(dev.token.unwrap().expose(), "s.dev-token-in-file");
        assert_eq!(dev.token_source, TokenSource::Profile);
        let with_file = Profile {
            token_file: Some("~/.vault-token".into()),
            ..Profile::default()
        };
        let from_file = profile_settings(&with_file, Overrides::default(), &env, &read).unwrap();
        assert_eq!(from_file.token.unwrap().expose(), "s.file", "~ is expanded");
        // Flags beat the profile.
        let flagged = profile_settings(
            config.profile("prod").unwrap(),
            Overrides {
                addr: Some("https://flag:8200".into()),
                ..Overrides::default()
            },
            &env,
            &read,
        )
        .unwrap();
        assert_eq!(flagged.addr, "https://flag:8200");
        let login = profile_login(config.profile("prod").unwrap(), &LoginOverrides::default());
        assert_eq!(login.method.as_deref(), Some("approle"));
        assert_eq!(login.mount.as_deref(), Some("ci-approle"));
    }

    #[test]
    fn the_theme_is_a_top_level_setting_and_a_bad_one_is_a_warning_with_its_line() {
        let read = |text: &str| parse_config(Path::new("/c/config.toml"), text, 0o600).unwrap();
        let none = read(TEXT);
        assert_eq!((none.theme, none.theme_warning), (ThemeName::Dark, None));
        let light = read(&format!("theme = \"light\"\n{TEXT}"));
        assert_eq!(light.theme, ThemeName::Light);
        assert_eq!(light.theme_warning, None);
        assert_eq!(
            light.names(),
            vec!["dev", "prod"],
            "the profiles still read"
        );
        for (value, shown) in [("\"solarized\"", "\"solarized\""), ("3", "3")] {
            let bad = read(&format!("\ntheme = {value}\n{TEXT}"));
            assert_eq!(bad.theme, ThemeName::Dark, "the default is kept");
            let warning = bad.theme_warning.clone().unwrap();
            assert!(
                warning.starts_with("/c/config.toml line 2: theme ")
                    && warning.contains(shown)
                    && warning.contains("\"high-contrast\""),
                "{warning}"
            );
            assert!(bad.warnings.is_empty(), "said once, at start");
            assert_eq!(bad.names(), vec!["dev", "prod"]);
        }
    }

    #[test]
    fn each_key_entry_has_its_own_line_and_a_nested_table_is_named() {
        let text = "theme = \"dark\"\n[keys]\nreveal = \"v\"\n\n[keys.seal]\nunseal = \"u\"\n\ncloseee = \"x\"\n[keys.seal.extra]\na = \"b\"\n";
        let config = parse_config(Path::new("/c/config.toml"), text, 0o600).unwrap();
        let lines: Vec<(Option<&str>, &str, Option<usize>)> = config
            .file
            .keys
            .iter()
            .map(|k| (k.scope.as_deref(), k.command.as_str(), k.line))
            .collect();
        assert_eq!(
            lines,
            vec![
                (None, "reveal", Some(3)),
                (Some("seal"), "unseal", Some(6)),
                (Some("seal"), "closeee", Some(8)),
            ]
        );
        assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
        let warning = &config.warnings[0];
        assert!(
            warning.starts_with("/c/config.toml [keys.seal] line ") && warning.contains("extra"),
            "{warning}"
        );
        let dated = parse_config(Path::new("/c"), "[keys]\nquit = 1979-05-27\n", 0o600).unwrap();
        assert!(dated.file.keys.is_empty());
        assert!(
            dated.warnings[0].contains("[keys] line 2: quit takes a key"),
            "{:?}",
            dated.warnings
        );
    }

    #[test]
    fn config_errors_name_their_line_and_bad_values_their_setting() {
        let error = parse_config(
            Path::new("/c"),
            "[profiles.a]\naddress = 1\n\n[profiles.b\n",
            0o600,
        )
        .unwrap_err();
        assert!(error.contains("line 4"), "{error}");
        let config = parse_config(
            Path::new("/c"),
            "[profiles.a]\naddress = 1\n[profiles.b]\n\ntimeout = \"banana\"\n[profiles.c]\ntimeout = \"1m30s\"\n",
            0o600,
        )
        .unwrap();
        let a = config.profile("a").unwrap_err();
        assert!(a.contains("line 2") && a.contains("string"), "{a}");
        let b = config.profile("b").unwrap_err();
        assert!(
            b.contains("line 5") && b.contains("timeout") && b.contains("banana"),
            "{b}"
        );
        let c = profile_settings(
            config.profile("c").unwrap(),
            Overrides::default(),
            &env,
            &|_| None,
        );
        assert_eq!(c.unwrap().timeout, std::time::Duration::from_secs(90));
    }
}
