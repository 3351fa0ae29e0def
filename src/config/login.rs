//! What the login dialog starts with: the auth method, mount and role from flags (or a profile),
//! and AppRole credentials from `TRESOR_ROLE_ID` / `TRESOR_SECRET_ID` or from files, never from
//! a command-line argument (which `ps` shows to everyone).

use crate::secret::SecretText;
use crate::vault::AuthMethod;
use std::path::{Path, PathBuf};

/// What the dialog starts with: from the profile, `TRESOR_ROLE_ID` / `TRESOR_SECRET_ID`, or the
/// files named by `--role-id-file` / `--secret-id-file`.
#[derive(Debug, Clone, Default)]
pub struct LoginDefaults {
    pub method: Option<AuthMethod>,
    pub mount: Option<String>,
    pub role: Option<String>,
    pub role_id: Option<SecretText>,
    pub secret_id: Option<SecretText>,
    /// `TRESOR_JWT`: the JWT for a JWT login (never from a flag: arguments show in `ps`).
    pub jwt: Option<SecretText>,
    /// The file a JWT login reads at each login (`--jwt-file`, a profile's `jwt_file`, else a
    /// Kubernetes service account's token when there is one).
    pub jwt_file: Option<PathBuf>,
    /// Lines shown under the fields (the demo's throwaway credentials).
    pub hints: Vec<String>,
    /// Where "save the token" writes: the default token file for the command line, the profile's
    /// own `token_file` for a profile, nowhere for a profile without one (a token meant for one
    /// server never lands in a file that another server's session reads).
    pub save_token_to: Option<super::TokenStore>,
    /// Where an OIDC login listens for the browser's answer.
    pub oidc: crate::vault::oidc::OidcCallback,
}

/// Login settings given on the command line.
#[derive(Debug, Clone, Default)]
pub struct LoginOverrides {
    pub method: Option<String>,
    pub mount: Option<String>,
    pub role: Option<String>,
    pub role_id_file: Option<PathBuf>,
    pub secret_id_file: Option<PathBuf>,
    pub jwt_file: Option<PathBuf>,
    /// Where a login's token may be saved (see `LoginDefaults::save_token_to`).
    pub save_token_to: Option<super::TokenStore>,
    /// OIDC: the listener's address and the callback port (`--oidc-listen-address`,
    /// `--oidc-callback-port`, or the profile's `oidc_listen_address`, `oidc_callback_port`).
    pub oidc_listen_address: Option<String>,
    pub oidc_callback_port: Option<u16>,
}

/// Resolves the dialog's defaults; a file named but unreadable is an error (said at start).
pub fn resolve_login(
    overrides: &LoginOverrides,
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&Path) -> Option<String>,
) -> Result<LoginDefaults, String> {
    let method = match &overrides.method {
        Some(text) => Some(AuthMethod::parse(text).ok_or_else(|| {
            format!(
                "unknown auth method {text:?} (token, approle, userpass, ldap, jwt, cert, oidc)"
            )
        })?),
        None => None,
    };
    let secret = |file: &Option<PathBuf>, variable: &str| -> Result<Option<SecretText>, String> {
        if let Some(path) = file {
            let text = read_file(path).ok_or_else(|| format!("cannot read {}", path.display()))?;
            return Ok(Some(SecretText::new(text.trim())));
        }
        Ok(env(variable)
            .filter(|v| !v.trim().is_empty())
            .map(|v| SecretText::new(v.trim())))
    };
    Ok(LoginDefaults {
        method,
        mount: overrides.mount.clone(),
        role: overrides.role.clone(),
        role_id: secret(&overrides.role_id_file, "TRESOR_ROLE_ID")?,
        secret_id: secret(&overrides.secret_id_file, "TRESOR_SECRET_ID")?,
        jwt: env("TRESOR_JWT")
            .filter(|v| !v.trim().is_empty())
            .map(|v| SecretText::new(v.trim())),
        jwt_file: overrides.jwt_file.clone().or_else(|| {
            let kubernetes = Path::new(crate::vault::auth::KUBERNETES_TOKEN_FILE);
            kubernetes.exists().then(|| kubernetes.to_path_buf())
        }),
        hints: Vec::new(),
        save_token_to: overrides.save_token_to.clone(),
        oidc: crate::vault::oidc::OidcCallback {
            listen_address: overrides
                .oidc_listen_address
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| crate::vault::oidc::DEFAULT_LISTEN_ADDRESS.into()),
            port: overrides
                .oidc_callback_port
                .unwrap_or(crate::vault::oidc::DEFAULT_CALLBACK_PORT),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approle_credentials_come_from_files_before_the_environment() {
        let env = |name: &str| match name {
            "TRESOR_ROLE_ID" => Some("role-from-env".to_string()),
            "TRESOR_SECRET_ID" => Some("secret-from-env".to_string()),
            _ => None,
        };
        let overrides = LoginOverrides {
            method: Some("approle".into()),
            secret_id_file: Some("/run/secret-id".into()),
            ..LoginOverrides::default()
        };
        let read =
            |path: &Path| (path == Path::new("/run/secret-id")).then(|| "from-file\n".to_string());
        let defaults = resolve_login(&overrides, &env, &read).unwrap();
        assert_eq!(defaults.method, Some(AuthMethod::AppRole));
        assert_eq!(defaults.role_id.unwrap().expose(), "role-from-env");
        assert_eq!(defaults.secret_id.unwrap().expose(), "from-file");
        let missing = LoginOverrides {
            role_id_file: Some("/nope".into()),
            ..LoginOverrides::default()
        };
        assert!(
            resolve_login(&missing, &env, &read)
                .unwrap_err()
                .contains("/nope")
        );
        let bad = LoginOverrides {
            method: Some("kerberos".into()),
            ..LoginOverrides::default()
        };
        assert!(resolve_login(&bad, &env, &read).is_err());
    }
}
