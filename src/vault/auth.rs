//! Logging in and keeping a session: token, AppRole (push, and pull through a response-wrapped
//! secret-id), userpass, LDAP, JWT and TLS certificate logins; unwrapping; renew-self and
//! revoke-self. Credentials go
//! out in request bodies built in wiped buffers; tokens come back as [`Token`] (wiped, redacted).

use super::client::{Operation, VaultClient, error_for_status};
use super::error::VaultError;
use super::sys::TokenInfo;
use super::write::object_bytes;
use crate::secret::{SecretText, Token};
use serde::Deserialize;
use zeroize::Zeroizing;

/// The auth methods the login dialog offers (`--auth-method` takes their mount names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
// The doc comments are what `tresor --help` says of each value.
pub enum AuthMethod {
    /// A token, pasted (checked with lookup-self)
    Token,
    /// Role-id and secret-id (also wrapped, and worker -> runner)
    #[value(name = "approle")]
    AppRole,
    /// Username and password
    Userpass,
    /// LDAP username and password
    Ldap,
    /// A JWT (TRESOR_JWT or --jwt-file) for a role
    Jwt,
    /// The TLS client certificate (--client-cert)
    Cert,
    /// Single sign-on in the browser
    Oidc,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 7] = [
        AuthMethod::Token,
        AuthMethod::AppRole,
        AuthMethod::Userpass,
        AuthMethod::Ldap,
        AuthMethod::Jwt,
        AuthMethod::Cert,
        AuthMethod::Oidc,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::Token => "Token",
            AuthMethod::AppRole => "AppRole",
            AuthMethod::Userpass => "Userpass",
            AuthMethod::Ldap => "LDAP",
            AuthMethod::Jwt => "JWT",
            AuthMethod::Cert => "Cert",
            AuthMethod::Oidc => "OIDC",
        }
    }

    /// The mount an auth method usually lives at (editable in the dialog).
    pub fn default_mount(self) -> &'static str {
        match self {
            AuthMethod::Token => "token",
            AuthMethod::AppRole => "approle",
            AuthMethod::Userpass => "userpass",
            AuthMethod::Ldap => "ldap",
            AuthMethod::Jwt => "jwt",
            AuthMethod::Cert => "cert",
            AuthMethod::Oidc => "oidc",
        }
    }

    /// As written in a profile: `token`, `approle`, `userpass`, `ldap`, `jwt`, `cert`, `oidc`.
    pub fn parse(text: &str) -> Option<Self> {
        AuthMethod::ALL
            .into_iter()
            .find(|m| m.default_mount().eq_ignore_ascii_case(text.trim()))
    }
}

/// What a login needs. Secrets are wiped on drop and redacted in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Token(Token),
    AppRole {
        mount: String,
        role_id: SecretText,
        secret_id: SecretText,
    },
    /// A response-wrapped secret-id handed over by someone else: unwrapped, then used once.
    AppRoleWrapped {
        mount: String,
        role_id: SecretText,
        wrapping_token: Token,
    },
    /// The pull flow: a worker identity fetches a wrapped secret-id for the runner role, which
    /// tresor unwraps and logs in with. `runner_role_id` empty: read with the worker's token.
    AppRolePull {
        mount: String,
        worker_role_id: SecretText,
        worker_secret_id: SecretText,
        runner_role: String,
        runner_role_id: SecretText,
    },
    Userpass {
        mount: String,
        username: String,
        password: SecretText,
    },
    Ldap {
        mount: String,
        username: String,
        password: SecretText,
    },
    /// A JWT (a CI system's, a Kubernetes service account's) for a role of the jwt method.
    Jwt {
        mount: String,
        role: String,
        jwt: JwtSource,
    },
    /// The client certificate the connection presents (`--client-cert`), optionally for one
    /// named certificate role.
    Cert {
        mount: String,
        role: Option<String>,
    },
}

/// Where a JWT comes from: `TRESOR_JWT`, or a file read at each login (a Kubernetes
/// service-account token is rotated on disk, so it is never kept from the start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtSource {
    Given(SecretText),
    File(std::path::PathBuf),
}

/// The usual place of a Kubernetes service account's token.
pub const KUBERNETES_TOKEN_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// Which kind of credentials a login used (never the credentials themselves), for its wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Token,
    AppRole,
    AppRoleWrapped,
    AppRolePull,
    Userpass,
    Ldap,
    Jwt,
    Cert,
}

impl Credentials {
    pub fn kind(&self) -> CredentialKind {
        match self {
            Credentials::Token(_) => CredentialKind::Token,
            Credentials::AppRole { .. } => CredentialKind::AppRole,
            Credentials::AppRoleWrapped { .. } => CredentialKind::AppRoleWrapped,
            Credentials::AppRolePull { .. } => CredentialKind::AppRolePull,
            Credentials::Userpass { .. } => CredentialKind::Userpass,
            Credentials::Ldap { .. } => CredentialKind::Ldap,
            Credentials::Jwt { .. } => CredentialKind::Jwt,
            Credentials::Cert { .. } => CredentialKind::Cert,
        }
    }
}

/// A login that went through: the new token and what the server says of it.
#[derive(Debug)]
pub struct LoginOutcome {
    /// Taken by the runtime for its client; `None` by the time `update` sees it.
    pub token: Option<Token>,
    pub info: TokenInfo,
    /// Where the token was saved, when asked to.
    pub saved_to: Option<String>,
}

/// Why a login did not give a usable session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    /// The server refused the credentials (or could not be asked).
    Refused {
        kind: CredentialKind,
        error: VaultError,
    },
    /// Logged in, but the new token cannot be looked up.
    LookUp(VaultError),
    /// Logged in, but the token file could not be written.
    Save { path: String, reason: String },
}

/// A token just obtained (or checked, for a pasted token).
#[derive(Debug, Clone)]
pub struct Login {
    pub token: Token,
    pub policies: Vec<String>,
    pub lease_duration: u64,
    pub renewable: bool,
}

/// The answer of renew-self: the new TTL and whether the server capped it at the max TTL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    pub lease_duration: u64,
    pub renewable: bool,
    pub warnings: Vec<String>,
}

impl Renewal {
    /// The server gave less than asked: the token has reached its max TTL.
    pub fn capped(&self, asked: u64) -> bool {
        self.lease_duration < asked
            || self
                .warnings
                .iter()
                .any(|w| w.to_lowercase().contains("max_ttl") || w.contains("capped"))
    }
}

/// A wrapping token and what the server says of it.
#[derive(Debug, Clone)]
pub struct WrapInfo {
    pub token: Token,
    pub accessor: String,
    pub ttl: u64,
    pub creation_path: String,
}

/// A generated secret-id: either the secret-id itself, or (wrapped) a wrapping token for it.
#[derive(Debug, Clone)]
pub struct GeneratedSecretId {
    pub secret_id: Option<SecretText>,
    pub accessor: Option<String>,
    pub ttl: u64,
    pub wrap: Option<WrapInfo>,
}

#[derive(Deserialize)]
struct AuthBlock {
    client_token: Zeroizing<String>,
    #[serde(default)]
    policies: Option<Vec<String>>,
    #[serde(default)]
    lease_duration: u64,
    #[serde(default)]
    renewable: bool,
}

#[derive(Deserialize)]
struct AuthAnswer {
    auth: Option<AuthBlock>,
    #[serde(default)]
    warnings: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct WrapBlock {
    token: Zeroizing<String>,
    #[serde(default)]
    accessor: String,
    #[serde(default)]
    ttl: u64,
    #[serde(default)]
    creation_path: String,
}

#[derive(Deserialize)]
struct SecretIdData {
    secret_id: Option<Zeroizing<String>>,
    secret_id_accessor: Option<String>,
    #[serde(default)]
    secret_id_ttl: u64,
}

#[derive(Deserialize)]
struct SecretIdAnswer {
    data: Option<SecretIdData>,
    wrap_info: Option<WrapBlock>,
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8], path: &str) -> Result<T, VaultError> {
    serde_json::from_slice(bytes).map_err(|error| VaultError::Decode {
        path: path.to_string(),
        reason: format!("unexpected answer ({error})"),
    })
}

/// The JWT to send: given, or read now from its file (in a wiped buffer; the file's name is said
/// when it cannot be read, never its content).
async fn read_jwt(source: &JwtSource) -> Result<SecretText, VaultError> {
    let text = match source {
        JwtSource::Given(text) => text.clone(),
        JwtSource::File(path) => {
            let bytes = Zeroizing::new(tokio::fs::read(path).await.map_err(|error| {
                VaultError::Config(format!(
                    "cannot read the JWT file {}: {error}",
                    path.display()
                ))
            })?);
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                VaultError::Config(format!("the JWT file {} is not text", path.display()))
            })?;
            SecretText::new(text.trim())
        }
    };
    if text.expose().trim().is_empty() {
        return Err(VaultError::Config(match source {
            JwtSource::Given(_) => "the JWT is empty (TRESOR_JWT)".into(),
            JwtSource::File(path) => format!("the JWT file {} is empty", path.display()),
        }));
    }
    Ok(SecretText::new(text.expose().trim()))
}

fn mount_path(mount: &str) -> &str {
    mount.trim().trim_matches('/')
}

fn login_of(block: AuthBlock) -> Login {
    Login {
        token: Token::from_zeroizing(block.client_token),
        policies: block.policies.unwrap_or_default(),
        lease_duration: block.lease_duration,
        renewable: block.renewable,
    }
}

impl VaultClient {
    /// Posts a body of secrets without a token (logins, unwrap uses its own token).
    async fn post_secret_body(
        &self,
        path: &str,
        body: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let (status, bytes) = self.send_bytes(Operation::Write, path, Some(body)).await?;
        if !status.is_success() {
            return Err(error_for_status(status, path, Operation::Write, &bytes));
        }
        Ok(bytes)
    }

    async fn login_with_body(&self, path: &str, body: &[u8]) -> Result<Login, VaultError> {
        let anonymous = self.with_token(None);
        let bytes = anonymous.post_secret_body(path, body).await?;
        let answer: AuthAnswer = decode(&bytes, path)?;
        answer.auth.map(login_of).ok_or_else(|| VaultError::Decode {
            path: path.into(),
            reason: "no auth block in the answer".into(),
        })
    }

    /// Logs in and returns the new token. A pasted token is checked with lookup-self.
    /// Logs in and looks the new token up (its TTL, policies and namespace).
    pub async fn log_in(&self, credentials: &Credentials) -> Result<LoginOutcome, LoginFailure> {
        let login = self
            .login(credentials)
            .await
            .map_err(|error| LoginFailure::Refused {
                kind: credentials.kind(),
                error,
            })?;
        let info = self
            .with_token(Some(login.token.clone()))
            .lookup_self()
            .await
            .map_err(LoginFailure::LookUp)?;
        Ok(LoginOutcome {
            token: Some(login.token),
            info,
            saved_to: None,
        })
    }

    pub async fn login(&self, credentials: &Credentials) -> Result<Login, VaultError> {
        match credentials {
            Credentials::Token(token) => {
                let info = self.with_token(Some(token.clone())).lookup_self().await?;
                Ok(Login {
                    token: token.clone(),
                    policies: info.policies,
                    lease_duration: info.ttl_seconds,
                    renewable: info.renewable,
                })
            }
            Credentials::AppRole {
                mount,
                role_id,
                secret_id,
            } => self.login_approle(mount, role_id, secret_id).await,
            Credentials::AppRoleWrapped {
                mount,
                role_id,
                wrapping_token,
            } => {
                let secret_id = self.unwrap_secret_id(wrapping_token).await?;
                self.login_approle(mount, role_id, &secret_id).await
            }
            Credentials::AppRolePull {
                mount,
                worker_role_id,
                worker_secret_id,
                runner_role,
                runner_role_id,
            } => {
                let worker = self
                    .login_approle(mount, worker_role_id, worker_secret_id)
                    .await?;
                let worker_client = self.with_token(Some(worker.token.clone()));
                let role_id = if runner_role_id.expose().trim().is_empty() {
                    SecretText::new(worker_client.approle_role_id(mount, runner_role).await?)
                } else {
                    runner_role_id.clone()
                };
                let generated = worker_client
                    .generate_secret_id(mount, runner_role, Some(60))
                    .await?;
                let wrap = generated.wrap.ok_or_else(|| VaultError::Decode {
                    path: format!("auth/{}/role/{runner_role}/secret-id", mount_path(mount)),
                    reason: "the server did not wrap the secret-id".into(),
                })?;
                let secret_id = self.unwrap_secret_id(&wrap.token).await?;
                let runner = self.login_approle(mount, &role_id, &secret_id).await;
                // The worker's token has done its job.
                let _ = worker_client.revoke_self().await;
                runner
            }
            Credentials::Userpass {
                mount,
                username,
                password,
            }
            | Credentials::Ldap {
                mount,
                username,
                password,
            } => {
                if username.trim().is_empty() {
                    return Err(VaultError::Config("a username is needed".into()));
                }
                let path = format!("auth/{}/login/{}", mount_path(mount), username.trim());
                let body = object_bytes([("password", Some((password.expose(), false)))])
                    .map_err(VaultError::Config)?;
                self.login_with_body(&path, &body).await
            }
            Credentials::Jwt { mount, role, jwt } => {
                let jwt = read_jwt(jwt).await?;
                let path = format!("auth/{}/login", mount_path(mount));
                let role = role.trim();
                let mut fields = vec![("jwt", Some((jwt.expose(), false)))];
                if !role.is_empty() {
                    fields.push(("role", Some((role, false))));
                }
                let body = object_bytes(fields).map_err(VaultError::Config)?;
                self.login_with_body(&path, &body).await
            }
            Credentials::Cert { mount, role } => {
                if !self.has_client_certificate() {
                    return Err(VaultError::Config(
                        "a TLS certificate login needs a client certificate: --client-cert and \
                         --client-key (BAO_CLIENT_CERT / BAO_CLIENT_KEY, or client_cert and \
                         client_key in the profile)"
                            .into(),
                    ));
                }
                let path = format!("auth/{}/login", mount_path(mount));
                let role = role.as_deref().map(str::trim).filter(|r| !r.is_empty());
                let fields: Vec<_> = role
                    .map(|r| ("name", Some((r, false))))
                    .into_iter()
                    .collect();
                let body = object_bytes(fields).map_err(VaultError::Config)?;
                self.login_with_body(&path, &body).await
            }
        }
    }

    async fn login_approle(
        &self,
        mount: &str,
        role_id: &SecretText,
        secret_id: &SecretText,
    ) -> Result<Login, VaultError> {
        if role_id.expose().trim().is_empty() {
            return Err(VaultError::Config("a role-id is needed".into()));
        }
        let path = format!("auth/{}/login", mount_path(mount));
        let body = object_bytes([
            ("role_id", Some((role_id.expose().trim(), false))),
            ("secret_id", Some((secret_id.expose().trim(), false))),
        ])
        .map_err(VaultError::Config)?;
        self.login_with_body(&path, &body).await
    }

    /// Unwraps a response-wrapped secret-id (`sys/wrapping/unwrap` with the wrapping token as the
    /// token). A wrapping token works once: a second unwrap is refused by the server.
    pub async fn unwrap_secret_id(&self, wrapping_token: &Token) -> Result<SecretText, VaultError> {
        let path = "sys/wrapping/unwrap";
        let bytes = self.unwrap_raw(wrapping_token).await?;
        let answer: SecretIdAnswer = decode(&bytes, path)?;
        answer
            .data
            .and_then(|d| d.secret_id)
            .map(SecretText::from_zeroizing)
            .ok_or_else(|| VaultError::Decode {
                path: path.into(),
                reason: "the wrapped answer holds no secret_id".into(),
            })
    }

    /// Generates a secret-id for `role`; with `wrap_ttl` (seconds) the server answers with a
    /// wrapping token instead (`X-Vault-Wrap-TTL`).
    pub async fn generate_secret_id(
        &self,
        mount: &str,
        role: &str,
        wrap_ttl: Option<u64>,
    ) -> Result<GeneratedSecretId, VaultError> {
        let path = format!("auth/{}/role/{}/secret-id", mount_path(mount), role.trim());
        let ttl_header = wrap_ttl.map(|ttl| format!("{ttl}s"));
        let headers: Vec<(&str, &str)> = ttl_header
            .as_deref()
            .map(|ttl| vec![("X-Vault-Wrap-TTL", ttl)])
            .unwrap_or_default();
        let raw = self
            .send_with(
                Operation::Write,
                &path,
                Some(&serde_json::json!({})),
                &headers,
            )
            .await?;
        let answer: SecretIdAnswer = decode(&raw.body, &path)?;
        let wrap = answer.wrap_info.map(|w| WrapInfo {
            token: Token::from_zeroizing(w.token),
            accessor: w.accessor,
            ttl: w.ttl,
            creation_path: w.creation_path,
        });
        let (secret_id, accessor, ttl) = match answer.data {
            Some(data) => (
                data.secret_id.map(SecretText::from_zeroizing),
                data.secret_id_accessor,
                data.secret_id_ttl,
            ),
            None => (None, None, 0),
        };
        Ok(GeneratedSecretId {
            secret_id,
            accessor,
            ttl,
            wrap,
        })
    }

    /// `renew-self`, asking for `increment` seconds more.
    pub async fn renew_self(&self, increment: u64) -> Result<Renewal, VaultError> {
        let path = "auth/token/renew-self";
        let body = serde_json::json!({ "increment": format!("{increment}s") });
        let raw = self.send(Operation::Write, path, Some(&body)).await?;
        let answer: AuthAnswer = decode(&raw.body, path)?;
        let auth = answer.auth.ok_or_else(|| VaultError::Decode {
            path: path.into(),
            reason: "no auth block in the answer".into(),
        })?;
        Ok(Renewal {
            lease_duration: auth.lease_duration,
            renewable: auth.renewable,
            warnings: answer.warnings.unwrap_or_default(),
        })
    }

    /// `revoke-self`: the token stops working at once.
    pub async fn revoke_self(&self) -> Result<(), VaultError> {
        self.send(Operation::Write, "auth/token/revoke-self", None)
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_methods_parse_from_profiles() {
        assert_eq!(AuthMethod::parse("AppRole"), Some(AuthMethod::AppRole));
        assert_eq!(AuthMethod::parse(" ldap "), Some(AuthMethod::Ldap));
        assert_eq!(AuthMethod::parse("kerberos"), None);
    }

    #[test]
    fn a_renewal_below_the_increment_has_reached_max_ttl() {
        let renewal = Renewal {
            lease_duration: 4,
            renewable: true,
            warnings: vec![],
        };
        assert!(renewal.capped(6));
        assert!(!renewal.capped(4));
        let warned = Renewal {
            lease_duration: 6,
            renewable: true,
            warnings: vec!["TTL of \"6s\" exceeded the effective max_ttl of \"5s\"".into()],
        };
        assert!(warned.capped(6));
    }

    #[test]
    fn debug_of_credentials_hides_secrets() {
        let credentials = Credentials::AppRole {
            mount: "approle".into(),
            role_id: SecretText::new("role-abc"),
            secret_id: SecretText::new("secret-xyz"),
        };
        let text = format!("{credentials:?}");
        assert!(
            !text.contains("role-abc") && !text.contains("secret-xyz"),
            "{text}"
        );
    }
}
