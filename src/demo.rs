//! `tresor demo`: a throwaway OpenBao dev server, seeded from `assets/demo/seed.json`, with the TUI
//! opened on it; the server and its private HOME are gone when the TUI exits.

use crate::cli::DemoArgs;
use crate::config::{ConnectionSettings, TokenSource};
use crate::devserver::{DevServer, find_bao};
use crate::runtime::{UiOptions, run_tui};
use crate::secret::{SecretText, Token};
use crate::vault::{VaultClient, VaultError};
use anyhow::Context;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// The seed data, compiled in so `tresor demo` works from any directory.
pub const SEED_JSON: &str = include_str!("../assets/demo/seed.json");

#[derive(Debug, Deserialize)]
pub struct Seed {
    pub mounts: Vec<SeedMount>,
    pub secrets: Vec<SeedSecret>,
    #[serde(default)]
    pub policies: BTreeMap<String, String>,
    pub approle: Option<SeedAppRole>,
    pub userpass: Option<SeedUserpass>,
    pub limited_token: Option<SeedToken>,
    pub jwt: Option<SeedJwt>,
}

/// A JWT login that works on the demo server alone: the server is its own issuer (an identity
/// token role signs the JWT), and the jwt auth method checks it against the server's own keys.
#[derive(Debug, Deserialize)]
pub struct SeedJwt {
    pub mount: String,
    pub role: String,
    pub token_policies: Vec<String>,
    pub token_ttl: String,
}

#[derive(Debug, Deserialize)]
pub struct SeedMount {
    pub path: String,
    #[serde(rename = "type")]
    pub engine: String,
    pub version: Option<u8>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
pub struct SeedSecret {
    pub mount: String,
    pub path: String,
    pub versions: Vec<Map<String, Value>>,
    pub custom_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub delete_versions: Vec<u64>,
    #[serde(default)]
    pub destroy_versions: Vec<u64>,
    /// Per-secret `max_versions`, set before writing (the mount keeps 10 by default).
    pub max_versions: Option<u64>,
    /// After `versions`, this many more versions, each changing one key (a rotation history).
    pub rotate: Option<SeedRotation>,
}

#[derive(Debug, Deserialize)]
pub struct SeedRotation {
    pub key: String,
    pub times: u64,
}

#[derive(Debug, Deserialize)]
pub struct SeedAppRole {
    pub mount: String,
    pub roles: Vec<SeedRole>,
}

#[derive(Debug, Deserialize)]
pub struct SeedRole {
    pub role: String,
    pub token_policies: Vec<String>,
    pub token_ttl: String,
    pub token_max_ttl: Option<String>,
    /// Generate a secret-id at seeding and print it in the banner.
    #[serde(default)]
    pub secret_id: bool,
}

#[derive(Debug, Deserialize)]
pub struct SeedUserpass {
    pub mount: String,
    pub users: Vec<SeedUser>,
}

#[derive(Debug, Deserialize)]
pub struct SeedUser {
    pub username: String,
    pub password: String,
    pub token_policies: Vec<String>,
    pub token_ttl: String,
}

#[derive(Debug, Deserialize)]
pub struct SeedToken {
    pub policies: Vec<String>,
    pub ttl: String,
    pub display_name: String,
}

/// An AppRole role the seeder created: its role-id and, when asked for, a fresh secret-id.
#[derive(Debug)]
pub struct SeededRole {
    pub mount: String,
    pub role: String,
    pub role_id: String,
    pub secret_id: Option<SecretText>,
}

/// Credentials the seeder created, for the banner (valid only as long as the throwaway server).
#[derive(Debug, Default)]
pub struct SeedReport {
    pub secrets: usize,
    pub limited_token: Option<Token>,
    pub roles: Vec<SeededRole>,
    /// (mount, username, password) of the userpass users.
    pub users: Vec<(String, String, SecretText)>,
    /// (mount, role, a JWT signed by the server for that role).
    pub jwt: Option<(String, String, SecretText)>,
    /// The OIDC role the demo server offers as its own identity provider (`seed_oidc`).
    pub oidc_role: Option<String>,
}

impl SeedReport {
    pub fn role(&self, name: &str) -> Option<&SeededRole> {
        self.roles.iter().find(|r| r.role == name)
    }
}

pub fn parse_seed() -> Result<Seed, serde_json::Error> {
    serde_json::from_str(SEED_JSON)
}

/// Writes, retrying briefly through the "upgrading to versioned data" window of a new KV v2 mount.
async fn write_with_retry(
    client: &VaultClient,
    path: &str,
    body: &Value,
) -> Result<Value, VaultError> {
    let mut attempt = 0;
    loop {
        match client.write(path, body).await {
            Err(VaultError::Server {
                status: 400 | 500 | 503,
                errors,
                ..
            }) if attempt < 50 && errors.iter().any(|e| e.contains("upgrade")) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return other,
        }
    }
}

/// Seeds a fresh server (root token) with mounts, secrets, policies, an AppRole and a limited token.
pub async fn seed(client: &VaultClient, seed: &Seed) -> Result<SeedReport, VaultError> {
    let mut report = SeedReport::default();
    let mut v2_mounts = vec!["secret".to_string()];
    for mount in &seed.mounts {
        let mut body = json!({"type": mount.engine, "description": mount.description});
        if let Some(version) = mount.version {
            body["options"] = json!({"version": version.to_string()});
            if version == 2 {
                v2_mounts.push(mount.path.clone());
            }
        }
        client
            .write(&format!("sys/mounts/{}", mount.path), &body)
            .await?;
    }
    for secret in &seed.secrets {
        let is_v2 = v2_mounts.contains(&secret.mount);
        if let (true, Some(max)) = (is_v2, secret.max_versions) {
            let path = format!("{}/metadata/{}", secret.mount, secret.path);
            write_with_retry(client, &path, &json!({ "max_versions": max })).await?;
        }
        let mut versions = secret.versions.clone();
        if let (Some(rotation), Some(last)) = (&secret.rotate, secret.versions.last()) {
            for n in 1..=rotation.times {
                let mut next = last.clone();
                next.insert(
                    rotation.key.clone(),
                    Value::String(format!("{}-rotated-{n:02}", rotation.key)),
                );
                versions.push(next);
            }
        }
        for data in &versions {
            if is_v2 {
                let path = format!("{}/data/{}", secret.mount, secret.path);
                write_with_retry(client, &path, &json!({ "data": data })).await?;
            } else {
                let path = format!("{}/{}", secret.mount, secret.path);
                write_with_retry(client, &path, &Value::Object(data.clone())).await?;
            }
        }
        if let Some(custom) = &secret.custom_metadata {
            let path = format!("{}/metadata/{}", secret.mount, secret.path);
            client
                .write(&path, &json!({ "custom_metadata": custom }))
                .await?;
        }
        if !secret.delete_versions.is_empty() {
            let path = format!("{}/delete/{}", secret.mount, secret.path);
            client
                .write(&path, &json!({ "versions": secret.delete_versions }))
                .await?;
        }
        if !secret.destroy_versions.is_empty() {
            let path = format!("{}/destroy/{}", secret.mount, secret.path);
            client
                .write(&path, &json!({ "versions": secret.destroy_versions }))
                .await?;
        }
        report.secrets += 1;
    }
    for (name, policy) in &seed.policies {
        client
            .write(
                &format!("sys/policies/acl/{name}"),
                &json!({ "policy": policy }),
            )
            .await?;
    }
    if let Some(approle) = &seed.approle {
        seed_approle(client, approle, &mut report).await?;
    }
    if let Some(userpass) = &seed.userpass {
        client
            .write(
                &format!("sys/auth/{}", userpass.mount),
                &json!({"type": "userpass"}),
            )
            .await?;
        for user in &userpass.users {
            client
                .write(
                    &format!("auth/{}/users/{}", userpass.mount, user.username),
                    &json!({"password": user.password, "token_policies": user.token_policies,
                            "token_ttl": user.token_ttl}),
                )
                .await?;
            report.users.push((
                userpass.mount.clone(),
                user.username.clone(),
                SecretText::new(user.password.as_str()),
            ));
        }
    }
    if let Some(jwt) = &seed.jwt {
        report.jwt = Some((
            jwt.mount.clone(),
            jwt.role.clone(),
            seed_jwt(client, jwt).await?,
        ));
    }
    if let Some(limited) = &seed.limited_token {
        let answer = client
            .write(
                "auth/token/create",
                &json!({"policies": limited.policies, "ttl": limited.ttl,
                        "display_name": limited.display_name, "no_default_policy": false}),
            )
            .await?;
        report.limited_token = answer["auth"]["client_token"].as_str().map(Token::new);
    }
    Ok(report)
}

/// Sets up JWT logins with the server as its own issuer, and returns a JWT for the role: an
/// identity token key and role sign it (for a short-lived userpass user that may ask for it); the
/// jwt auth method trusts the server's own key set (`identity/oidc/.well-known/keys`) and takes
/// the identity role's client id as its audience.
async fn seed_jwt(client: &VaultClient, jwt: &SeedJwt) -> Result<SecretText, VaultError> {
    let role = &jwt.role;
    client
        .write(
            &format!("identity/oidc/key/{role}"),
            &json!({"allowed_client_ids": "*", "rotation_period": "24h"}),
        )
        .await?;
    client
        .write(
            &format!("identity/oidc/role/{role}"),
            &json!({"key": role, "ttl": "24h"}),
        )
        .await?;
    let path = format!("identity/oidc/role/{role}");
    let answer = client
        .send(crate::vault::client::Operation::Read, &path, None)
        .await?
        .json(&path)?;
    let audience = answer["data"]["client_id"]
        .as_str()
        .ok_or_else(|| VaultError::Decode {
            path: path.clone(),
            reason: "no client_id".into(),
        })?
        .to_string();
    // Identity tokens are issued to entities: a userpass user (an entity on its first login)
    // whose only right is to ask for this role's token.
    let issuer_policy = format!("{role}-issuer");
    client
        .write(
            &format!("sys/policies/acl/{issuer_policy}"),
            &json!({"policy": format!("path \"identity/oidc/token/{role}\" {{ capabilities = [\"read\"] }}")}),
        )
        .await?;
    client
        .write("sys/auth/jwt-issuer", &json!({"type": "userpass"}))
        .await?;
    let password =
        crate::devserver::random_hex(16).map_err(|e| VaultError::Config(e.to_string()))?;
    client
        .write(
            &format!("auth/jwt-issuer/users/{role}"),
            &json!({"password": password, "token_policies": [issuer_policy], "token_ttl": "5m"}),
        )
        .await?;
    let issuer = client
        .login(&crate::vault::Credentials::Userpass {
            mount: "jwt-issuer".into(),
            username: role.clone(),
            password: SecretText::new(&password),
        })
        .await?;
    let issuer = client.with_token(Some(issuer.token));
    let path = format!("identity/oidc/token/{role}");
    let answer = issuer
        .send(crate::vault::client::Operation::Read, &path, None)
        .await?
        .json(&path)?;
    let token = answer["data"]["token"]
        .as_str()
        .map(SecretText::new)
        .ok_or_else(|| VaultError::Decode {
            path: path.clone(),
            reason: "no token".into(),
        })?;
    let _ = issuer.revoke_self().await;
    client
        .write(&format!("sys/auth/{}", jwt.mount), &json!({"type": "jwt"}))
        .await?;
    client
        .write(
            &format!("auth/{}/config", jwt.mount),
            &json!({"jwks_url": format!("{}/v1/identity/oidc/.well-known/keys", client.base()),
                    "default_role": role}),
        )
        .await?;
    client
        .write(
            &format!("auth/{}/role/{role}", jwt.mount),
            &json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [audience],
                    "token_policies": jwt.token_policies, "token_ttl": jwt.token_ttl}),
        )
        .await?;
    Ok(token)
}

async fn seed_approle(
    client: &VaultClient,
    approle: &SeedAppRole,
    report: &mut SeedReport,
) -> Result<(), VaultError> {
    client
        .write(
            &format!("sys/auth/{}", approle.mount),
            &json!({"type": "approle"}),
        )
        .await?;
    for role in &approle.roles {
        let role_path = format!("auth/{}/role/{}", approle.mount, role.role);
        let mut settings =
            json!({"token_policies": role.token_policies, "token_ttl": role.token_ttl});
        if let Some(max) = &role.token_max_ttl {
            settings["token_max_ttl"] = json!(max);
        }
        client.write(&role_path, &settings).await?;
        let role_id = client.approle_role_id(&approle.mount, &role.role).await?;
        let secret_id = if role.secret_id {
            client
                .generate_secret_id(&approle.mount, &role.role, None)
                .await?
                .secret_id
        } else {
            None
        };
        report.roles.push(SeededRole {
            mount: approle.mount.clone(),
            role: role.role.clone(),
            role_id,
            secret_id,
        });
    }
    Ok(())
}

/// The demo's credentials, printed before the TUI opens (they die with the throwaway server).
pub fn banner(report: &SeedReport) -> Vec<String> {
    let mut lines = Vec::new();
    for role in &report.roles {
        let name = format!("AppRole {}/{}", role.mount.trim_end_matches('/'), role.role);
        lines.push(format!("  {name:<26} role_id   {}", role.role_id));
        if let Some(secret) = &role.secret_id {
            lines.push(format!("  {:<26} secret_id {}", "", secret.expose()));
        }
    }
    if report.role("ci-worker").is_some() && report.role("ci-runner").is_some() {
        lines.push(
            "  (worker -> runner login: the ci-worker ids as the worker, runner role ci-runner)"
                .into(),
        );
    }
    for (mount, user, password) in &report.users {
        lines.push(format!(
            "  {:<26} {user} / {}",
            format!("Userpass {}/", mount.trim_end_matches('/')),
            password.expose()
        ));
    }
    if let Some((mount, role, _)) = &report.jwt {
        lines.push(format!(
            "  {:<26} role {role} (the default role), the JWT file filled in (signed by the server)",
            format!("JWT {}/", mount.trim_end_matches('/')),
        ));
    }
    if let (Some(role), Some((_, user, _))) = (&report.oidc_role, report.users.first()) {
        lines.push(format!(
            "  {:<26} role {role}: sign in in the browser as Userpass {user}",
            "OIDC oidc/",
        ));
    }
    lines
}

/// A new 0600 file holding `bytes`.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    crate::platform::private(std::fs::OpenOptions::new().write(true).create_new(true))
        .open(path)?
        .write_all(bytes)
}

/// The demo server as its own OIDC identity provider, with what OpenBao has built in (the
/// `default` provider and key, the `allow_all` assignment): a client for tresor allowing
/// `redirect_uri`, the `oidc` auth method signing in through that provider, and its default role
/// `demo` giving `app-readonly`. The sign-in page is the server's web UI, where the demo's
/// userpass user signs in.
pub async fn seed_oidc(
    client: &VaultClient,
    addr: &str,
    redirect_uri: &str,
    report: &mut SeedReport,
) -> Result<(), VaultError> {
    const CLIENT: &str = "identity/oidc/client/tresor";
    client
        .write(
            CLIENT,
            &json!({"redirect_uris": [redirect_uri], "assignments": ["allow_all"],
                    "key": "default"}),
        )
        .await?;
    let answer = client
        .send(crate::vault::Operation::Read, CLIENT, None)
        .await?
        .json(CLIENT)?;
    let field = |name: &str| {
        answer["data"][name]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let (id, secret) = (
        field("client_id"),
        zeroize::Zeroizing::new(field("client_secret")),
    );
    client
        .write("sys/auth/oidc", &json!({"type": "oidc"}))
        .await?;
    client
        .write(
            "auth/oidc/config",
            &json!({"oidc_discovery_url": format!("{addr}/v1/identity/oidc/provider/default"),
                    "oidc_client_id": id, "oidc_client_secret": secret.as_str(),
                    "default_role": "demo"}),
        )
        .await?;
    client
        .write(
            "auth/oidc/role/demo",
            &json!({"role_type": "oidc", "user_claim": "sub",
                    "allowed_redirect_uris": [redirect_uri],
                    "token_policies": ["app-readonly"], "token_ttl": "1h"}),
        )
        .await?;
    report.oidc_role = Some("demo".into());
    Ok(())
}

pub async fn run(args: DemoArgs, ui: UiOptions) -> anyhow::Result<()> {
    let bao = find_bao(args.bao.as_deref()).map_err(anyhow::Error::msg)?;
    eprintln!(
        "Starting a throwaway OpenBao dev server ({})…",
        bao.display()
    );
    let server = tokio::task::spawn_blocking(move || DevServer::start(&bao))
        .await?
        .map_err(anyhow::Error::msg)?;
    let settings = ConnectionSettings {
        addr: server.addr.clone(),
        token: Some(server.root_token.clone()),
        token_source: TokenSource::Flag,
        timeout: crate::config::DEFAULT_TIMEOUT,
        ..ConnectionSettings::default()
    };
    let client = VaultClient::new(&settings)?;
    let seed_data = parse_seed().context("assets/demo/seed.json is not valid")?;
    let mut report = seed(&client, &seed_data)
        .await
        .context("seeding the demo server")?;
    // Not worth stopping the demo for: without it the dialog simply has no OIDC to sign in to.
    let redirect_uri = ui.login.oidc.redirect_uri();
    if let Err(error) = seed_oidc(&client, &server.addr, &redirect_uri, &mut report).await {
        tracing::warn!(%error, "the demo server could not be made its own OIDC provider");
    }
    tracing::info!(secrets = report.secrets, "demo server seeded");

    if args.no_tui {
        // Holds the root token: wiped when dropped.
        let mut text = zeroize::Zeroizing::new(format!(
            "OpenBao dev server ready with {} sample secrets.\n  export BAO_ADDR={}\n  \
             export BAO_TOKEN={}   # root token of this throwaway server\n",
            report.secrets,
            server.addr,
            server.root_token.expose()
        ));
        if let Some(token) = &report.limited_token {
            text.push_str(&format!(
                "  limited token (policy app-readonly): {}\n",
                token.expose()
            ));
        }
        for line in banner(&report) {
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("Press Ctrl-C to stop it.\n");
        // Into a pipe closed early (`| head -3`) it still serves until Ctrl-C.
        crate::cli::print_quietly(text.as_bytes())?;
        tokio::signal::ctrl_c().await?;
        return Ok(());
    }

    eprintln!("Demo logins (valid only while this demo runs):");
    for line in banner(&report) {
        eprintln!("{line}");
    }
    let mut tui_settings = settings.clone();
    if args.limited
        && let Some(token) = report.limited_token.clone()
    {
        tui_settings.token = Some(token);
    }
    if args.login {
        tui_settings.token = None;
        tui_settings.token_source = TokenSource::None;
    }
    let mut ui = ui;
    if let Some((_, _, jwt)) = &report.jwt {
        // In the server's private directory (0700), 0600, gone with it.
        let file = server.home.path().join("demo.jwt");
        write_private(&file, jwt.expose().as_bytes())?;
        ui.login.jwt_file = Some(file);
    }
    ui.login.hints = std::iter::once("Demo logins (this throwaway server only):".to_string())
        .chain(banner(&report))
        .collect();
    let result = run_tui(tui_settings, ui).await;
    drop(server);
    eprintln!("Demo server stopped and removed.");
    result
}
