//! Dynamic credentials and their leases: issuing credentials at a path of any engine (a read, or a
//! write for engines that issue on write such as `ssh/creds/<role>`), and `sys/leases/*`: list by
//! prefix, look up, renew, revoke one, revoke a prefix.
//!
//! Checked against OpenBao 2.7.2: `LIST sys/leases/lookup/<prefix>` gives folders (`creds/`) and
//! lease ids' last segments; `PUT sys/leases/lookup {lease_id}` gives `id, issue_time,
//! expire_time, last_renewal, renewable, ttl`; renewing a lease that is not renewable is 400 "lease
//! is not renewable"; token leases (`auth/…`) are refused by `sys/leases/renew` ("tokens cannot be
//! renewed through this endpoint").

use super::client::{Operation, VaultClient};
use super::error::VaultError;
use super::kv::SecretEntry;
use crate::secret::SecretText;
use serde_json::{Map, Value, json};

/// How credentials are asked for: a read (GET), or a write (POST) with fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueMethod {
    Read,
    Write(Vec<(String, SecretText)>),
}

/// The lease an answer came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub id: String,
    /// Seconds granted (`lease_duration`).
    pub ttl: u64,
    pub renewable: bool,
}

/// What an engine answered when asked for credentials: the values (secrets), and the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    pub entries: Vec<SecretEntry>,
    /// `None`: the answer had no lease (nothing to renew or revoke).
    pub lease: Option<Lease>,
    pub warnings: Vec<String>,
}

/// `sys/leases/lookup` of one lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseDetails {
    pub id: String,
    pub issue_time: Option<String>,
    pub expire_time: Option<String>,
    /// Seconds left when looked up.
    pub ttl: u64,
    pub renewable: bool,
}

/// What a renewal granted (which may be less than asked: capped by the max TTL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRenewal {
    pub lease_id: String,
    pub ttl: u64,
    pub renewable: bool,
    pub warnings: Vec<String>,
}

/// The path the lease listing of `prefix` is asked at (the prefix ends in `/` or is empty).
pub fn lookup_path(prefix: &str) -> String {
    format!("sys/leases/lookup/{}", prefix.trim_start_matches('/'))
}

pub const RENEW_PATH: &str = "sys/leases/renew";
pub const REVOKE_PATH: &str = "sys/leases/revoke";

/// The server refuses a write to a path ending in `/`, and adds the `/` itself (a prefix is
/// whole segments: `pki/issue/we` does not revoke `pki/issue/web/…`).
pub fn revoke_prefix_path(prefix: &str) -> String {
    format!("sys/leases/revoke-prefix/{}", prefix.trim_matches('/'))
}

pub use super::sys::Capabilities;

/// Whether `capabilities` allow every one of `wanted` (`root` allows everything).
pub fn allows(capabilities: &[String], wanted: &[&str]) -> bool {
    capabilities.iter().any(|c| c == "root")
        || wanted
            .iter()
            .all(|want| capabilities.iter().any(|c| c == want))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// An engine's answer: its `data` as entries (sorted by key), and the lease when there is one.
pub fn parse_issued(body: &Value) -> IssuedCredentials {
    let mut entries: Vec<SecretEntry> = body
        .get("data")
        .and_then(Value::as_object)
        .map(|data| {
            data.iter()
                .map(|(key, value)| SecretEntry::from_json(key.clone(), value))
                .collect()
        })
        .unwrap_or_default();
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    let lease = body
        .get("lease_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(|id| Lease {
            id: id.to_string(),
            ttl: body
                .get("lease_duration")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            renewable: body
                .get("renewable")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        });
    IssuedCredentials {
        entries,
        lease,
        warnings: strings(body.get("warnings")),
    }
}

pub fn parse_lease_details(body: &Value) -> Option<LeaseDetails> {
    let data = body.get("data")?;
    let text = |name: &str| {
        data.get(name)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    Some(LeaseDetails {
        id: text("id")?,
        issue_time: text("issue_time"),
        expire_time: text("expire_time"),
        ttl: data.get("ttl").and_then(Value::as_u64).unwrap_or(0),
        renewable: data
            .get("renewable")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

impl VaultClient {
    /// Asks an engine for credentials at `mount/path` (a read, or a write with fields).
    pub async fn issue_credentials(
        &self,
        mount: &str,
        path: &str,
        method: &IssueMethod,
    ) -> Result<IssuedCredentials, VaultError> {
        let full = format!(
            "{}/{}",
            mount.trim_matches('/'),
            path.trim_matches('/').trim()
        );
        if path.trim_matches('/').trim().is_empty() {
            return Err(VaultError::InvalidPath(format!(
                "no path under {}/ given (e.g. creds/<role>)",
                mount.trim_matches('/')
            )));
        }
        let raw = match method {
            IssueMethod::Read => self.send(Operation::Read, &full, None).await?,
            IssueMethod::Write(fields) => {
                let body: Map<String, Value> = fields
                    .iter()
                    .map(|(key, value)| (key.clone(), Value::String(value.expose().to_string())))
                    .collect();
                let body = Value::Object(body);
                self.send(Operation::Write, &full, Some(&body)).await?
            }
        };
        if raw.body.is_empty() {
            // 204: the write worked and gave nothing back.
            return Ok(IssuedCredentials {
                entries: Vec::new(),
                lease: None,
                warnings: Vec::new(),
            });
        }
        Ok(parse_issued(&raw.json(&full)?))
    }

    /// `LIST sys/leases/lookup/<prefix>`: folders (ending in `/`) and lease ids' last segments,
    /// sorted; an empty or unknown prefix is an empty list.
    pub async fn list_leases(&self, prefix: &str) -> Result<Vec<String>, VaultError> {
        let path = lookup_path(prefix);
        match self.send(Operation::List, &path, None).await {
            Ok(raw) => Ok(super::kv::parse_keys(&raw.json(&path)?)),
            Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    pub async fn lookup_lease(&self, lease_id: &str) -> Result<LeaseDetails, VaultError> {
        let path = "sys/leases/lookup";
        let body = self
            .send(
                Operation::Write,
                path,
                Some(&json!({ "lease_id": lease_id })),
            )
            .await?
            .json(path)?;
        parse_lease_details(&body).ok_or_else(|| VaultError::Decode {
            path: path.into(),
            reason: "no lease in the answer".into(),
        })
    }

    /// Renews a lease, asking for `increment` seconds (`None`: the engine's default); says what
    /// the server granted.
    pub async fn renew_lease(
        &self,
        lease_id: &str,
        increment: Option<u64>,
    ) -> Result<LeaseRenewal, VaultError> {
        let mut body = json!({ "lease_id": lease_id });
        if let Some(increment) = increment {
            body["increment"] = json!(increment);
        }
        let body = self
            .send(Operation::Write, RENEW_PATH, Some(&body))
            .await?
            .json(RENEW_PATH)?;
        Ok(LeaseRenewal {
            lease_id: body
                .get("lease_id")
                .and_then(Value::as_str)
                .unwrap_or(lease_id)
                .to_string(),
            ttl: body
                .get("lease_duration")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            renewable: body
                .get("renewable")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            warnings: strings(body.get("warnings")),
        })
    }

    pub async fn revoke_lease(&self, lease_id: &str) -> Result<(), VaultError> {
        self.send(
            Operation::Write,
            REVOKE_PATH,
            Some(&json!({ "lease_id": lease_id })),
        )
        .await?;
        Ok(())
    }

    /// Revokes every lease under `prefix` (needs sudo on `sys/leases/revoke-prefix/<prefix>`).
    pub async fn revoke_lease_prefix(&self, prefix: &str) -> Result<(), VaultError> {
        let path = revoke_prefix_path(prefix);
        self.send(Operation::Write, &path, Some(&json!({}))).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_with_a_lease_keeps_its_values_masked_and_its_lease() {
        let body = json!({
            "lease_id": "ssh/creds/otp/abc",
            "lease_duration": 600,
            "renewable": false,
            "data": {"key": "s3cr3t", "port": 22},
            "warnings": null
        });
        let issued = parse_issued(&body);
        assert_eq!(
            issued.lease,
            Some(Lease {
                id: "ssh/creds/otp/abc".into(),
                ttl: 600,
                renewable: false
            })
        );
        assert_eq!(issued.entries[0].key, "key");
        assert_eq!(issued.entries[1].value.expose(), "22");
        assert!(!format!("{issued:?}").contains("s3cr3t"));
        assert_eq!(
            parse_issued(&json!({"lease_id": "", "data": {}})).lease,
            None
        );
    }

    #[test]
    fn root_allows_all_and_sudo_is_needed_besides_update() {
        let caps = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(allows(&caps(&["root"]), &["update", "sudo"]));
        assert!(!allows(&caps(&["update"]), &["update", "sudo"]));
        assert!(allows(&caps(&["update", "sudo"]), &["update", "sudo"]));
        assert!(!allows(&caps(&["deny"]), &["list"]));
    }
}
