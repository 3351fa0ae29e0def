//! Response wrapping: a secret's data put behind a single-use wrapping token (`sys/wrapping/wrap`),
//! a wrapping token looked up without using it (`sys/wrapping/lookup`), and unwrapped
//! (`sys/wrapping/unwrap` with the wrapping token as the token, the call secret-ids are
//! unwrapped with too). Wrapping tokens come back as [`Token`] (wiped, redacted), data as
//! [`SecretEntry`]s.

use super::client::{Operation, VaultClient};
use super::error::VaultError;
use super::kv::SecretEntry;
use super::location::Location;
use super::write::{WriteEntry, data_bytes};
use crate::secret::Token;
use serde_json::Value;

/// The path whose `update` capability wrapping needs.
pub const WRAP_PATH: &str = "sys/wrapping/wrap";

/// A secret's data, wrapped: the wrapping token (shown once) and what the server says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedSecret {
    pub token: Token,
    pub accessor: String,
    pub ttl: u64,
    pub creation_path: String,
    pub creation_time: String,
    /// The version whose data was wrapped (KV v2), read just before.
    pub version: Option<u64>,
    /// How many keys were wrapped.
    pub keys: usize,
}

/// What a wrapping token is, without using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapLookup {
    pub creation_path: String,
    pub creation_time: String,
    pub creation_ttl: u64,
    /// When it expires (Unix seconds), from its creation time and TTL.
    pub expires_unix: Option<i64>,
}

/// The data a wrapping token held (it is used up now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnwrappedData {
    pub entries: Vec<SecretEntry>,
}

/// A wrapping token is not valid: the server's answer to a token that was already unwrapped, has
/// expired, or was never issued (it does not say which).
fn invalid_wrapping_token(error: VaultError) -> VaultError {
    match error {
        VaultError::Server {
            status: 400,
            errors,
            ..
        } if errors
            .iter()
            .any(|e| e.contains("wrapping token is not valid")) =>
        {
            VaultError::WrappingTokenInvalid
        }
        other => other,
    }
}

fn decode_error(path: &str, reason: &str) -> VaultError {
    VaultError::Decode {
        path: path.into(),
        reason: reason.into(),
    }
}

fn unix_of(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn token_of(text: &Token) -> Result<Token, VaultError> {
    let trimmed = text.expose().trim();
    if trimmed.is_empty() {
        return Err(VaultError::Config("a wrapping token is needed".into()));
    }
    Ok(Token::new(trimmed))
}

impl VaultClient {
    /// What the token may do on one path (`sys/capabilities-self`): `["deny"]` when nothing.
    pub async fn path_capabilities(&self, path: &str) -> Result<Vec<String>, VaultError> {
        let path = path.to_string();
        Ok(self
            .capabilities_of(std::slice::from_ref(&path))
            .await?
            .remove(&path)
            .unwrap_or_default())
    }

    /// Wraps `entries` for `ttl` seconds: the server keeps them in the wrapping token's
    /// cubbyhole, and whoever unwraps the token first gets them, once.
    pub async fn wrap_entries(
        &self,
        entries: &[SecretEntry],
        ttl: u64,
    ) -> Result<WrappedSecret, VaultError> {
        let fields: Vec<WriteEntry<'_>> = entries
            .iter()
            .map(|e| WriteEntry {
                key: &e.key,
                value: e.value.expose(),
                json: e.json,
            })
            .collect();
        let body = data_bytes(&fields).map_err(VaultError::Config)?;
        let ttl_header = format!("{ttl}s");
        let (status, bytes) = self
            .send_bytes_with(
                Operation::Write,
                WRAP_PATH,
                Some(&body),
                &[("X-Vault-Wrap-TTL", &ttl_header)],
            )
            .await?;
        if !status.is_success() {
            return Err(super::client::error_for_status(
                status,
                WRAP_PATH,
                Operation::Write,
                &bytes,
            ));
        }
        let answer: Value = serde_json::from_slice(&bytes)
            .map_err(|_| decode_error(WRAP_PATH, "the answer is not JSON"))?;
        let info = answer
            .get("wrap_info")
            .filter(|w| w.is_object())
            .ok_or_else(|| decode_error(WRAP_PATH, "the answer holds no wrap_info"))?;
        let text = |name: &str| {
            info.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let token = info
            .get("token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| decode_error(WRAP_PATH, "the answer holds no wrapping token"))?;
        Ok(WrappedSecret {
            token: Token::new(token),
            accessor: text("accessor"),
            ttl: info.get("ttl").and_then(Value::as_u64).unwrap_or(ttl),
            creation_path: text("creation_path"),
            creation_time: text("creation_time"),
            version: None,
            keys: entries.len(),
        })
    }

    /// Reads the current version of a secret and wraps its data (two requests: a use-limited
    /// token spends two uses).
    pub async fn wrap_secret(
        &self,
        location: &Location,
        ttl: u64,
    ) -> Result<WrappedSecret, VaultError> {
        let secret = self
            .read_secret(&location.mount, &location.path, None)
            .await?;
        if secret.state != super::kv::VersionState::Live {
            return Err(VaultError::NotFound {
                path: format!("{} (its current version is deleted)", location.display()),
            });
        }
        let mut wrapped = self.wrap_entries(&secret.entries, ttl).await?;
        wrapped.version = secret.version;
        Ok(wrapped)
    }

    /// What a wrapping token is (creation path, time, TTL) without using it. Asked without the
    /// session's token (the endpoint needs none, and a use-limited token spends nothing).
    pub async fn lookup_wrapping_token(
        &self,
        wrapping_token: &Token,
    ) -> Result<WrapLookup, VaultError> {
        let path = "sys/wrapping/lookup";
        let token = token_of(wrapping_token)?;
        let body = crate::vault::write::object_bytes([("token", Some((token.expose(), false)))])
            .map_err(VaultError::Config)?;
        let (status, bytes) = self
            .with_token(None)
            .send_bytes(Operation::Write, path, Some(&body))
            .await?;
        if !status.is_success() {
            return Err(invalid_wrapping_token(super::client::error_for_status(
                status,
                path,
                Operation::Write,
                &bytes,
            )));
        }
        let answer: Value = serde_json::from_slice(&bytes)
            .map_err(|_| decode_error(path, "the answer is not JSON"))?;
        let data = answer
            .get("data")
            .filter(|d| d.is_object())
            .ok_or_else(|| decode_error(path, "the answer holds no data"))?;
        let creation_time = data
            .get("creation_time")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let creation_ttl = data
            .get("creation_ttl")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        Ok(WrapLookup {
            creation_path: data
                .get("creation_path")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            expires_unix: unix_of(&creation_time).map(|t| t + creation_ttl as i64),
            creation_time,
            creation_ttl,
        })
    }

    /// Unwraps a wrapping token: the answer the server wrapped, as raw bytes (wiped). The token
    /// is used up; a second unwrap is refused with [`VaultError::WrappingTokenInvalid`].
    pub(crate) async fn unwrap_raw(
        &self,
        wrapping_token: &Token,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, VaultError> {
        let path = "sys/wrapping/unwrap";
        let unwrapper = self.with_token(Some(token_of(wrapping_token)?));
        let (status, bytes) = unwrapper
            .send_bytes(Operation::Write, path, Some(b"{}"))
            .await?;
        if !status.is_success() {
            return Err(invalid_wrapping_token(super::client::error_for_status(
                status,
                path,
                Operation::Write,
                &bytes,
            )));
        }
        Ok(bytes)
    }

    /// Unwraps a wrapping token that holds data (as `wrap_entries` made): its keys and values.
    pub async fn unwrap_data(&self, wrapping_token: &Token) -> Result<UnwrappedData, VaultError> {
        let path = "sys/wrapping/unwrap";
        let bytes = self.unwrap_raw(wrapping_token).await?;
        let answer: Value = serde_json::from_slice(&bytes)
            .map_err(|_| decode_error(path, "the answer is not JSON"))?;
        let entries = match answer.get("data") {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(key, value)| SecretEntry::from_json(key.clone(), value))
                .collect(),
            _ => Vec::new(),
        };
        Ok(UnwrappedData { entries })
    }
}
