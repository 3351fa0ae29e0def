//! OIDC single sign-on, the server's half (as `bao login -method=oidc` does it): ask
//! `auth/<mount>/oidc/auth_url` for the provider's URL (with the redirect to tresor's one-shot
//! listener and a client nonce), then exchange the browser's answer at `auth/<mount>/oidc/callback`
//! (a GET with state, code and the client nonce in the query). The listener and the browser are
//! the runtime's (`runtime::oidc`); the types that cross Effect -> runtime -> Action live here.
//!
//! Neither the code, the state nor the token is ever logged: the client logs paths only, never a
//! query.

use super::auth::{Login, LoginFailure};
use super::client::{Operation, VaultClient, error_for_status};
use super::error::VaultError;
use crate::secret::{SecretText, Token};
use serde::Deserialize;
use zeroize::Zeroizing;

/// The port the bao CLI listens on (`callbackport`); the redirect URI the role must allow is
/// `http://localhost:8250/oidc/callback`.
pub const DEFAULT_CALLBACK_PORT: u16 = 8250;
/// Where the listener binds by default (`listenaddress`): the loopback interface only.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1";
/// How long tresor waits for the browser's answer.
pub const DEFAULT_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Where the one-shot listener waits for the browser (`--oidc-listen-address`,
/// `--oidc-callback-port`, or the profile's `oidc_listen_address` / `oidc_callback_port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcCallback {
    pub listen_address: String,
    pub port: u16,
}

impl Default for OidcCallback {
    fn default() -> Self {
        Self {
            listen_address: DEFAULT_LISTEN_ADDRESS.into(),
            port: DEFAULT_CALLBACK_PORT,
        }
    }
}

impl OidcCallback {
    /// The redirect URI sent to the server; the role's `allowed_redirect_uris` must hold it.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}/oidc/callback", self.port)
    }

    /// `address:port`, with an IPv6 address in brackets, as a socket address is written.
    pub fn listen_on(&self) -> String {
        let address = self.listen_address.trim();
        if address.contains(':') && !address.starts_with('[') {
            format!("[{address}]:{}", self.port)
        } else {
            format!("{address}:{}", self.port)
        }
    }
}

/// An OIDC login to run: the auth mount, the role (empty: the mount's `default_role`), where to
/// listen, and where to save the token when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcRequest {
    pub mount: String,
    pub role: String,
    pub callback: OidcCallback,
    pub save_to: Option<crate::config::TokenStore>,
}

/// What the runtime reports while an OIDC login runs (its end is `Action::LoggedIn`, or
/// `Failed`).
#[derive(Debug)]
pub enum OidcProgress {
    /// The listener is up and the server gave the provider's URL (the browser is being opened).
    Waiting {
        url: String,
    },
    /// The browser was started with this command, or could not be (why): the URL is on screen.
    Browser(Result<String, String>),
    Failed(OidcFailure),
}

/// Why an OIDC login did not go through, before a token existed (the after-token steps fail as
/// the other logins do, in `Login`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OidcFailure {
    /// Another program listens on the callback port.
    PortBusy { listen_on: String, port: u16 },
    /// The listener could not be opened for another reason.
    Listen { listen_on: String, reason: String },
    /// The server refused to give the provider's URL (unknown role, redirect URI not allowed..).
    AuthUrl(VaultError),
    /// The server answered without a URL (the CLI says the same: check the role and the URI).
    NoAuthUrl { role: String, redirect_uri: String },
    /// The browser's answer carried another `state` than the one tresor asked with (or none):
    /// it does not belong to this login. Refused, nothing sent to the server.
    StateMismatch,
    /// The user refused at the provider (`error=access_denied`).
    Refused { description: Option<String> },
    /// The provider answered with another error.
    Provider {
        error: String,
        description: Option<String>,
    },
    /// The browser's answer had neither an error nor a code.
    NoCode,
    /// The browser sent a POST (`response_mode=form_post`), which tresor does not take.
    FormPost,
    /// The server refused the code at `oidc/callback`.
    Callback(VaultError),
    /// Logged in, but the token could not be looked up or saved.
    Login(LoginFailure),
}

#[derive(Deserialize)]
struct AuthUrlData {
    #[serde(default)]
    auth_url: String,
}

#[derive(Deserialize)]
struct AuthUrlAnswer {
    data: Option<AuthUrlData>,
}

#[derive(Deserialize)]
struct CallbackAuth {
    client_token: Zeroizing<String>,
    #[serde(default)]
    policies: Option<Vec<String>>,
    #[serde(default)]
    lease_duration: u64,
    #[serde(default)]
    renewable: bool,
}

#[derive(Deserialize)]
struct CallbackAnswer {
    auth: Option<CallbackAuth>,
}

fn mount_path(mount: &str) -> String {
    let mount = mount.trim().trim_matches('/');
    if mount.is_empty() {
        "oidc".into()
    } else {
        mount.into()
    }
}

/// The `state` parameter of the provider's URL: the browser's answer must carry the same.
pub fn state_of(auth_url: &str) -> Option<String> {
    let url = reqwest::Url::parse(auth_url).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == "state")
        .map(|(_, value)| value.into_owned())
        .filter(|state| !state.is_empty())
}

impl VaultClient {
    /// `POST auth/<mount>/oidc/auth_url` without a token: the provider's URL, or `None` when the
    /// server gave none.
    pub async fn oidc_auth_url(
        &self,
        mount: &str,
        role: &str,
        redirect_uri: &str,
        client_nonce: &str,
    ) -> Result<Option<String>, VaultError> {
        let path = format!("auth/{}/oidc/auth_url", mount_path(mount));
        let mut body = serde_json::json!({
            "redirect_uri": redirect_uri,
            "client_nonce": client_nonce,
        });
        if !role.trim().is_empty() {
            body["role"] = serde_json::Value::String(role.trim().to_string());
        }
        let raw = self
            .with_token(None)
            .send(Operation::Write, &path, Some(&body))
            .await?;
        let answer: AuthUrlAnswer =
            serde_json::from_slice(&raw.body).map_err(|error| VaultError::Decode {
                path: path.clone(),
                reason: format!("unexpected answer ({error})"),
            })?;
        Ok(answer
            .data
            .map(|data| data.auth_url)
            .filter(|url| !url.trim().is_empty()))
    }

    /// `GET auth/<mount>/oidc/callback?state=&code=&client_nonce=` without a token, as the CLI
    /// does: the server checks state and nonce, redeems the code at the provider and logs in.
    pub async fn oidc_callback(
        &self,
        mount: &str,
        state: &str,
        code: &SecretText,
        client_nonce: &str,
    ) -> Result<Login, VaultError> {
        let path = format!("auth/{}/oidc/callback", mount_path(mount));
        let query = [
            ("state", state),
            ("code", code.expose()),
            ("client_nonce", client_nonce),
        ];
        let (status, bytes) = self
            .with_token(None)
            .send_raw(Operation::Read, &path, &query, None, &[])
            .await?;
        if !status.is_success() {
            return Err(error_for_status(status, &path, Operation::Read, &bytes));
        }
        let answer: CallbackAnswer =
            serde_json::from_slice(&bytes).map_err(|error| VaultError::Decode {
                path: path.clone(),
                reason: format!("unexpected answer ({error})"),
            })?;
        let auth = answer.auth.ok_or_else(|| VaultError::Decode {
            path: path.clone(),
            reason: "no auth block in the answer".into(),
        })?;
        Ok(Login {
            token: Token::from_zeroizing(auth.client_token),
            policies: auth.policies.unwrap_or_default(),
            lease_duration: auth.lease_duration,
            renewable: auth.renewable,
        })
    }
}

impl std::fmt::Display for OidcFailure {
    /// The failure in plain words (the login dialog and the browser's page both show it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OidcFailure::PortBusy { listen_on, port } => write!(
                f,
                "port {port} is already taken ({listen_on}): another login waiting there? Stop \
                 it, or choose another port with --oidc-callback-port or the profile's \
                 oidc_callback_port (the role must allow http://localhost:PORT/oidc/callback)"
            ),
            OidcFailure::Listen { listen_on, reason } => {
                write!(
                    f,
                    "cannot listen on {listen_on} for the browser's answer: {reason}"
                )
            }
            OidcFailure::AuthUrl(error) => {
                write!(f, "the server gave no sign-in URL: {}", server_text(error))
            }
            OidcFailure::NoAuthUrl { role, redirect_uri } => {
                let role = if role.is_empty() {
                    "the default role".to_string()
                } else {
                    format!("role {role:?}")
                };
                write!(
                    f,
                    "the server gave no sign-in URL for {role} with the redirect URI \
                     {redirect_uri}: check the role and its allowed_redirect_uris"
                )
            }
            OidcFailure::StateMismatch => write!(
                f,
                "the browser's answer does not belong to this login (its state is not the one \
                 tresor asked with): refused, nothing was sent to the server"
            ),
            OidcFailure::Refused { description } => {
                write!(f, "the sign-in was refused at the identity provider")?;
                match description {
                    Some(text) => write!(f, ": {text}"),
                    None => Ok(()),
                }
            }
            OidcFailure::Provider { error, description } => {
                write!(f, "the identity provider answered with an error: {error}")?;
                match description {
                    Some(text) => write!(f, " ({text})"),
                    None => Ok(()),
                }
            }
            OidcFailure::NoCode => {
                write!(f, "the browser's answer carried no code (and no error)")
            }
            OidcFailure::FormPost => write!(
                f,
                "the provider posted its answer (response_mode form_post), which tresor does \
                 not take: use the default response mode for the role"
            ),
            OidcFailure::Callback(error) => {
                write!(f, "the server refused the sign-in: {}", server_text(error))
            }
            OidcFailure::Login(LoginFailure::LookUp(error)) => {
                write!(
                    f,
                    "logged in, but the new token cannot be looked up: {error}"
                )
            }
            OidcFailure::Login(LoginFailure::Save { path, reason }) => {
                write!(
                    f,
                    "logged in, but saving the token to {path} failed: {reason}"
                )
            }
            OidcFailure::Login(LoginFailure::Refused { error, .. }) => {
                write!(f, "the server refused the sign-in: {}", server_text(error))
            }
        }
    }
}

/// The server's own lines and the path when it sent some, else the error in words.
fn server_text(error: &VaultError) -> String {
    match error {
        VaultError::Server { errors, path, .. } => {
            let lines = super::error::server_lines(errors);
            if lines.is_empty() {
                error.to_string()
            } else {
                format!("{} ({path})", lines.join("; "))
            }
        }
        VaultError::NotFound { path } => {
            format!("nothing answers at {path}: is the OIDC auth method enabled at that mount?")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_read_from_the_providers_url() {
        let url = "http://127.0.0.1:8200/ui/vault/identity/oidc/provider/p/authorize?client_id=c\
                   &nonce=n_1&redirect_uri=http%3A%2F%2Flocalhost%3A8250%2Foidc%2Fcallback\
                   &response_type=code&scope=openid&state=st_abc";
        assert_eq!(state_of(url).as_deref(), Some("st_abc"));
        assert_eq!(state_of("http://x/authorize?state="), None);
        assert_eq!(state_of("not a url"), None);
    }

    #[test]
    fn the_redirect_uri_and_the_listen_address_follow_the_settings() {
        let default = OidcCallback::default();
        assert_eq!(
            default.redirect_uri(),
            "http://localhost:8250/oidc/callback"
        );
        assert_eq!(default.listen_on(), "127.0.0.1:8250");
        let v6 = OidcCallback {
            listen_address: "::1".into(),
            port: 9000,
        };
        assert_eq!(v6.listen_on(), "[::1]:9000");
        assert_eq!(v6.redirect_uri(), "http://localhost:9000/oidc/callback");
    }
}
