//! Where to connect and with which token, resolved the way the `bao` CLI does it.
//!
//! Precedence per setting: command-line flag, then `BAO_X` (wins when set, even if empty), then
//! `VAULT_X`, then the default. The token falls back to the token file (`BAO_TOKEN_PATH`, else
//! `~/.vault-token`). Resolution is a pure function of an environment lookup so it can be tested.

pub mod appearance;
mod login;
pub mod profiles;
pub mod token_store;
pub use login::{LoginDefaults, LoginOverrides, resolve_login};
pub use token_store::TokenStore;

use crate::secret::Token;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_ADDR: &str = "https://127.0.0.1:8200";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything needed to open a connection. Built once at start; the client copies what it needs.
#[derive(Debug, Clone, Default)]
pub struct ConnectionSettings {
    pub addr: String,
    pub token: Option<Token>,
    /// Where the token came from, for the header and for error messages (never the token itself).
    pub token_source: TokenSource,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub ca_path: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub skip_verify: bool,
    pub tls_server_name: Option<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenSource {
    #[default]
    None,
    Flag,
    Env,
    File,
    /// The bao/vault CLI's `token_helper` (asked with `get` once the settings are resolved).
    Helper,
    /// `BAO_TOKEN` (or `VAULT_TOKEN`) set to nothing: it wins, so neither the token file nor a
    /// helper is looked at.
    EmptyVariable,
    Profile,
}

/// Values given on the command line; `None` means "not given, look at the environment".
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub addr: Option<String>,
    pub token: Option<Token>,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub ca_path: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub skip_verify: bool,
    pub tls_server_name: Option<String>,
    pub timeout: Option<Duration>,
}

/// Reads `BAO_<name>` first (set-but-empty still wins, as in the bao CLI), then `VAULT_<name>`.
pub fn lookup_twin(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(&format!("BAO_{name}")).or_else(|| env(&format!("VAULT_{name}")))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// A boolean as Go's `strconv.ParseBool` reads it (and yes/no, on/off); anything else is `None`.
fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "yes" | "y" | "on" => Some(true),
        "0" | "f" | "false" | "no" | "n" | "off" | "" => Some(false),
        _ => None,
    }
}

/// Parses a duration as the bao CLI does: plain seconds (`30`), or Go's notation, a sequence of
/// decimal numbers each with a unit (`1m30s`, `1.5s`, `500ms`, `2h`, `250us`, `100ns`).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().map(Duration::from_secs);
    }
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        if number.is_empty() || number == "." {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        let seconds = match unit {
            "ns" => 1e-9,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * seconds;
        rest = after;
    }
    Duration::try_from_secs_f64(total).ok()
}

/// A setting's value that could not be used: names the setting, where it came from, and why.
pub fn bad_value(setting: &str, value: &str, expected: &str) -> String {
    format!("{setting}={value:?} is not valid: {expected}")
}

pub const DURATION_EXAMPLES: &str = "a duration such as 30s, 1m30s, 1.5s, 500ms or 30 (seconds)";

/// What the header says about the connection (never the token).
#[derive(Debug, Clone, Default)]
pub struct ConnectionView {
    pub addr: String,
    pub namespace: Option<String>,
    pub skip_verify: bool,
    pub has_token: bool,
    /// The client certificate presented on every connection (with its key), if any.
    pub client_certificate: Option<PathBuf>,
}

impl ConnectionView {
    pub fn from_settings(settings: &ConnectionSettings) -> Self {
        Self {
            addr: settings.addr.clone(),
            namespace: settings.namespace.clone(),
            skip_verify: settings.skip_verify,
            has_token: settings.token.as_ref().is_some_and(|t| !t.is_empty()),
            client_certificate: settings
                .client_cert
                .clone()
                .filter(|_| settings.client_key.is_some()),
        }
    }
}

/// The token file: `BAO_TOKEN_PATH` if set and non-empty, else `$HOME/.vault-token`.
pub fn token_file_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = non_empty(env("BAO_TOKEN_PATH")) {
        return Some(PathBuf::from(path));
    }
    non_empty(env("HOME")).map(|home| Path::new(&home).join(".vault-token"))
}

/// Writes the token file as `bao login` does: the token alone, mode 0600 (also when the file was
/// there before with wider permissions).
pub fn save_token_file(path: &Path, token: &crate::secret::Token) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = crate::platform::private(
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true),
    )
    .open(path)?;
    crate::platform::make_private(path)?;
    file.write_all(token.expose().as_bytes())?;
    file.sync_all()
}

/// The name of the variable `lookup_twin` took `name` from (for error messages).
fn twin_name(env: &dyn Fn(&str) -> Option<String>, name: &str) -> String {
    if env(&format!("BAO_{name}")).is_some() {
        format!("BAO_{name}")
    } else {
        format!("VAULT_{name}")
    }
}

/// Resolves the settings from flags, environment and token file. A value in the environment that
/// cannot be used (a timeout of `banana`) is an error naming the variable, not silently ignored.
pub fn resolve(
    overrides: Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&Path) -> Option<String>,
) -> Result<ConnectionSettings, String> {
    let twin = |name: &str| lookup_twin(env, name);
    let skip_verify = match twin("SKIP_VERIFY") {
        _ if overrides.skip_verify => true,
        Some(value) => parse_bool(&value)
            .ok_or_else(|| bad_value(&twin_name(env, "SKIP_VERIFY"), &value, "true or false"))?,
        None => false,
    };
    let timeout = match overrides.timeout {
        Some(timeout) => timeout,
        None => match non_empty(twin("CLIENT_TIMEOUT")) {
            Some(value) => parse_duration(&value).ok_or_else(|| {
                bad_value(&twin_name(env, "CLIENT_TIMEOUT"), &value, DURATION_EXAMPLES)
            })?,
            None => DEFAULT_TIMEOUT,
        },
    };
    let path_setting = |flag: Option<PathBuf>, name: &str| {
        flag.or_else(|| non_empty(twin(name)).map(PathBuf::from))
    };

    let addr = overrides
        .addr
        .or_else(|| non_empty(twin("ADDR")))
        .unwrap_or_else(|| DEFAULT_ADDR.to_string());

    let (token, token_source) = if let Some(token) = overrides.token {
        (Some(token), TokenSource::Flag)
    } else if let Some(value) = twin("TOKEN") {
        if value.trim().is_empty() {
            (None, TokenSource::EmptyVariable)
        } else {
            (Some(Token::new(value.trim())), TokenSource::Env)
        }
    } else if token_store::configured_helper(env, read_file).is_some() {
        // The CLI's token helper replaces the token file; `fill_from_helper` asks it.
        (None, TokenSource::Helper)
    } else {
        let from_file = token_file_path(env)
            .and_then(|path| read_file(&path))
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty());
        match from_file {
            Some(text) => (Some(Token::new(text)), TokenSource::File),
            None => (None, TokenSource::None),
        }
    };

    Ok(ConnectionSettings {
        addr: addr.trim_end_matches('/').to_string(),
        token,
        token_source,
        namespace: overrides
            .namespace
            .or_else(|| non_empty(twin("NAMESPACE")))
            .map(|ns| ns.trim_matches('/').to_string())
            .filter(|ns| !ns.is_empty()),
        ca_cert: path_setting(overrides.ca_cert, "CACERT"),
        ca_path: path_setting(overrides.ca_path, "CAPATH"),
        client_cert: path_setting(overrides.client_cert, "CLIENT_CERT"),
        client_key: path_setting(overrides.client_key, "CLIENT_KEY"),
        skip_verify,
        tls_server_name: overrides
            .tls_server_name
            .or_else(|| non_empty(twin("TLS_SERVER_NAME"))),
        timeout,
    })
}

/// Where the command-line session keeps a token between runs: the CLI config's token helper
/// when there is one, else the token file.
pub fn token_store(
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&Path) -> Option<String>,
) -> Option<TokenStore> {
    match token_store::configured_helper(env, read_file) {
        Some(helper) => Some(TokenStore::Helper(helper)),
        None => token_file_path(env).map(TokenStore::File),
    }
}

/// Asks the token helper for the token when the settings say it keeps it (`helper get`). A
/// helper that fails leaves no token and is said (returned for a warning), never fatal.
pub fn fill_from_helper(
    settings: &mut ConnectionSettings,
    store: Option<&TokenStore>,
) -> Option<String> {
    let (TokenSource::Helper, Some(TokenStore::Helper(helper))) = (settings.token_source, store)
    else {
        return None;
    };
    match token_store::helper_get(helper) {
        Ok(token) => {
            settings.token = token;
            None
        }
        Err(error) => Some(error),
    }
}

/// Resolves against the real process environment and file system.
pub fn resolve_from_process(overrides: Overrides) -> Result<ConnectionSettings, String> {
    resolve(overrides, &|name| std::env::var(name).ok(), &|path| {
        std::fs::read_to_string(path).ok()
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_token_file_holds_the_token_alone_and_only_its_owner_may_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".vault-token");
        std::fs::write(&path, "an older, longer token").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        save_token_file(&path, &crate::secret::Token::new("s.new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "s.new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    use super::*;
    use std::collections::HashMap;

    fn resolve_with(vars: &[(&str, &str)], files: &[(&str, &str)]) -> ConnectionSettings {
        resolve_overridden(Overrides::default(), vars, files)
    }

    fn resolve_overridden(
        overrides: Overrides,
        vars: &[(&str, &str)],
        files: &[(&str, &str)],
    ) -> ConnectionSettings {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let files: HashMap<PathBuf, String> = files
            .iter()
            .map(|(k, v)| (PathBuf::from(k), v.to_string()))
            .collect();
        resolve(overrides, &|name| vars.get(name).cloned(), &|path| {
            files.get(path).cloned()
        })
        .unwrap()
    }

    #[test]
    fn bao_variables_win_over_vault_variables() {
        let settings = resolve_with(
            &[
                ("BAO_ADDR", "http://bao:8200"),
                ("VAULT_ADDR", "http://vault:8200"),
                ("VAULT_NAMESPACE", "team"),
            ],
            &[],
        );
        assert_eq!(settings.addr, "http://bao:8200");
        assert_eq!(settings.namespace.as_deref(), Some("team"));
    }

    #[test]
    fn an_empty_bao_token_still_wins_over_vault_token_and_file() {
        let settings = resolve_with(
            &[
                ("BAO_TOKEN", ""),
                ("VAULT_TOKEN", "s.vault"),
                ("HOME", "/h"),
            ],
            &[("/h/.vault-token", "s.file")],
        );
        assert!(settings.token.is_none());
        // Said as such: the empty variable is why there is no token.
        assert_eq!(settings.token_source, TokenSource::EmptyVariable);
    }

    #[test]
    fn token_falls_back_to_token_file_and_bao_token_path() {
        let settings = resolve_with(&[("HOME", "/h")], &[("/h/.vault-token", "s.file\n")]);
        assert_eq!(settings.token.unwrap().expose(), "s.file");
        assert_eq!(settings.token_source, TokenSource::File);

        let settings = resolve_with(
            &[("HOME", "/h"), ("BAO_TOKEN_PATH", "/t/tok")],
            &[("/h/.vault-token", "s.file"), ("/t/tok", "s.other")],
        );
        assert_eq!(settings.token.unwrap().expose(), "s.other");
    }

    #[test]
    fn flags_win_over_everything() {
        let overrides = Overrides {
            addr: Some("http://flag:1/".into()),
            token: Some(Token::new("s.flag")),
            ..Overrides::default()
        };
        let settings = resolve_overridden(
            overrides,
            &[("BAO_ADDR", "http://env"), ("BAO_TOKEN", "s.env")],
            &[],
        );
        assert_eq!(settings.addr, "http://flag:1");
        assert_eq!(settings.token.unwrap().expose(), "s.flag");
        assert_eq!(settings.token_source, TokenSource::Flag);
    }

    #[test]
    fn defaults_and_tls_settings() {
        let settings = resolve_with(
            &[
                ("VAULT_SKIP_VERIFY", "true"),
                ("BAO_CACERT", "/ca.pem"),
                ("VAULT_TLS_SERVER_NAME", "vault.internal"),
                ("BAO_CLIENT_TIMEOUT", "5s"),
            ],
            &[],
        );
        assert_eq!(settings.addr, DEFAULT_ADDR);
        assert!(settings.skip_verify);
        assert_eq!(settings.ca_cert, Some(PathBuf::from("/ca.pem")));
        assert_eq!(settings.tls_server_name.as_deref(), Some("vault.internal"));
        assert_eq!(settings.timeout, Duration::from_secs(5));
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("150ms"), Some(Duration::from_millis(150)));
        assert_eq!(parse_duration("x"), None);
    }

    #[test]
    fn durations_are_read_as_the_bao_cli_reads_them() {
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1h2m3s"), Some(Duration::from_secs(3723)));
        assert_eq!(parse_duration("250us"), Some(Duration::from_micros(250)));
        for bad in ["banana", "", "5x", "-5s", "1.2.3s", "s", "30 s"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_bad_value_in_the_environment_is_an_error_naming_the_variable() {
        let resolve_env = |vars: &[(&str, &str)]| {
            let vars: HashMap<String, String> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            resolve(
                Overrides::default(),
                &|name| vars.get(name).cloned(),
                &|_| None,
            )
        };
        let error = resolve_env(&[("BAO_CLIENT_TIMEOUT", "banana")]).unwrap_err();
        assert!(
            error.contains("BAO_CLIENT_TIMEOUT") && error.contains("banana"),
            "{error}"
        );
        let error = resolve_env(&[("VAULT_CLIENT_TIMEOUT", "soon")]).unwrap_err();
        assert!(error.contains("VAULT_CLIENT_TIMEOUT"), "{error}");
        let error = resolve_env(&[("VAULT_SKIP_VERIFY", "maybe")]).unwrap_err();
        assert!(error.contains("VAULT_SKIP_VERIFY"), "{error}");
        let fine = resolve_env(&[
            ("BAO_CLIENT_TIMEOUT", "1m30s"),
            ("BAO_SKIP_VERIFY", "false"),
        ]);
        assert_eq!(fine.unwrap().timeout, Duration::from_secs(90));
        // A flag wins: the environment's value is not looked at.
        let flagged = resolve(
            Overrides {
                timeout: Some(Duration::from_secs(1)),
                ..Overrides::default()
            },
            &|name| (name == "BAO_CLIENT_TIMEOUT").then(|| "banana".to_string()),
            &|_| None,
        );
        assert_eq!(flagged.unwrap().timeout, Duration::from_secs(1));
    }
}
