//! Seal status across a cluster: each node's own `sys/seal-status` (asked at its api address, so
//! a load balancer cannot hide a sealed node), `sys/leader`, `sys/ha-status`, `sys/health`;
//! unsealing with a key share (sent from a wiped buffer), resetting progress, sealing.

use super::client::{Operation, VaultClient, error_for_status};
use super::error::VaultError;
use super::sys::SealStatus;
use super::write::object_bytes;
use crate::secret::SecretText;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct LeaderInfo {
    #[serde(default)]
    pub ha_enabled: bool,
    #[serde(default)]
    pub is_self: bool,
    #[serde(default)]
    pub leader_address: String,
}

/// A node as `sys/ha-status` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct HaNode {
    #[serde(default)]
    pub hostname: String,
    #[serde(default)]
    pub api_address: String,
    #[serde(default)]
    pub active_node: bool,
    #[serde(default)]
    pub last_echo: Option<String>,
    #[serde(default)]
    pub version: String,
}

/// What `sys/health` says by its status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Active,
    Standby,
    PerformanceStandby,
    Uninitialized,
    Sealed,
    Other(u16),
}

impl Health {
    pub fn from_status(code: u16) -> Self {
        match code {
            200 => Health::Active,
            429 => Health::Standby,
            473 => Health::PerformanceStandby,
            501 => Health::Uninitialized,
            503 => Health::Sealed,
            other => Health::Other(other),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Health::Active => "active",
            Health::Standby => "standby",
            Health::PerformanceStandby => "perf standby",
            Health::Uninitialized => "not initialized",
            Health::Sealed => "sealed",
            Health::Other(_) => "unknown",
        }
    }
}

/// Bytes in a key share: a Shamir share is the 32-byte key plus one byte; a single-share seal
/// hands out the key itself (16 to 32 bytes).
const SHARE_BYTES: std::ops::RangeInclusive<usize> = 16..=33;

/// Why typed text cannot be a key share (checked before it is sent: the server would refuse it
/// anyway, and a refusal should only ever be about the share's value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareProblem {
    Empty,
    /// Neither hex digits nor base64 characters.
    NotHexOrBase64,
    /// Decodes, but to the wrong number of bytes.
    WrongLength {
        bytes: usize,
    },
}

impl std::fmt::Display for ShareProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shape = "a key share is hex or base64 as `bao operator init` prints it (usually 66 hex digits or 44 base64 characters)";
        match self {
            ShareProblem::Empty => write!(f, "type or paste a key share first"),
            ShareProblem::NotHexOrBase64 => {
                write!(f, "this is neither hex nor base64: {shape}")
            }
            ShareProblem::WrongLength { bytes } => write!(
                f,
                "this decodes to {bytes} bytes, a share has {} to {}: {shape}",
                SHARE_BYTES.start(),
                SHARE_BYTES.end()
            ),
        }
    }
}

/// Decoded length of standard base64 (padded), or `None` when it is not base64.
fn base64_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &bytes[..bytes.len() - padding];
    let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    if padding > 2 || !body.iter().all(is_b64) {
        return None;
    }
    Some(bytes.len() / 4 * 3 - padding)
}

/// Checks the shape of a key share the way the server reads it: hex first, then base64.
pub fn check_share(text: &str) -> Result<(), ShareProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ShareProblem::Empty);
    }
    let bytes = if text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        text.len() / 2
    } else {
        base64_len(text).ok_or(ShareProblem::NotHexOrBase64)?
    };
    if SHARE_BYTES.contains(&bytes) {
        Ok(())
    } else {
        Err(ShareProblem::WrongLength { bytes })
    }
}

fn decode<T: for<'a> Deserialize<'a>>(value: Value, path: &str) -> Result<T, VaultError> {
    serde_json::from_value(value).map_err(|e| VaultError::Decode {
        path: path.into(),
        reason: e.to_string(),
    })
}

/// One node's answers in an overview.
#[derive(Debug, Clone)]
pub struct NodeReport {
    pub addr: String,
    pub status: Result<SealStatus, VaultError>,
    pub health: Option<Health>,
}

/// Everything one refresh found out.
#[derive(Debug, Clone)]
pub struct SealOverview {
    pub leader: Result<LeaderInfo, VaultError>,
    /// `None`: not asked (no token).
    pub ha: Option<Result<Vec<HaNode>, VaultError>>,
    pub nodes: Vec<NodeReport>,
}

impl VaultClient {
    /// Sends a key share to the node at `addr` (not necessarily this client's server).
    pub async fn unseal_node(
        &self,
        addr: &str,
        share: &SecretText,
    ) -> Result<SealStatus, VaultError> {
        self.for_node(addr)?.unseal(share).await
    }

    /// Forgets the shares the node at `addr` was given so far.
    pub async fn reset_unseal_node(&self, addr: &str) -> Result<SealStatus, VaultError> {
        self.for_node(addr)?.unseal_reset().await
    }

    /// Seals the node at `addr`.
    pub async fn seal_node(&self, addr: &str) -> Result<(), VaultError> {
        self.for_node(addr)?.seal().await
    }

    /// Asks every node (at its own address) for its seal status and health, and the cluster for
    /// its leader and, when `ask_cluster`, its nodes (`sys/ha-status`, which needs a token; nodes
    /// it names that were not given are asked too).
    pub async fn seal_overview(&self, nodes: &[String], ask_cluster: bool) -> SealOverview {
        let ha = async {
            if self.has_token() && ask_cluster {
                Some(self.ha_status().await)
            } else {
                None
            }
        };
        let (leader, ha) = tokio::join!(self.leader(), ha);
        let mut addresses: Vec<String> = nodes.to_vec();
        if let Some(Ok(ha_nodes)) = &ha {
            for node in ha_nodes {
                let addr = node.api_address.trim_end_matches('/').to_string();
                if !addr.is_empty() && !addresses.contains(&addr) {
                    addresses.push(addr);
                }
            }
        }
        let reports = addresses.into_iter().map(|addr| async move {
            let (status, health) = match self.for_node(&addr) {
                Ok(node) => {
                    let (status, health) = tokio::join!(node.seal_status(), node.health());
                    (status, health.ok())
                }
                Err(error) => (Err(error), None),
            };
            NodeReport {
                addr,
                status,
                health,
            }
        });
        SealOverview {
            leader,
            ha,
            nodes: futures_util::future::join_all(reports).await,
        }
    }

    /// `sys/leader` (no token needed).
    pub async fn leader(&self) -> Result<LeaderInfo, VaultError> {
        let path = "sys/leader";
        let body = self
            .anonymous()
            .at_root()
            .send(Operation::Read, path, None)
            .await?
            .json(path)?;
        decode(body, path)
    }

    /// `sys/ha-status` (needs a token that may read it): every node of the cluster.
    pub async fn ha_status(&self) -> Result<Vec<HaNode>, VaultError> {
        let path = "sys/ha-status";
        let body = self
            .at_root()
            .send(Operation::Read, path, None)
            .await?
            .json(path)?;
        let nodes = body
            .pointer("/data/nodes")
            .or_else(|| body.get("nodes"))
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        decode(nodes, path)
    }

    /// `sys/health` as its status code says it (standbys answer 429, sealed nodes 503).
    pub async fn health(&self) -> Result<Health, VaultError> {
        let (status, _) = self
            .anonymous()
            .at_root()
            .send_raw(Operation::Read, "sys/health", &[], None, &[])
            .await?;
        Ok(Health::from_status(status.as_u16()))
    }

    /// Sends one key share (hex or base64). A share that does not advance progress comes back
    /// with the same progress; a wrong share at the threshold is an error and resets progress.
    pub async fn unseal(&self, share: &SecretText) -> Result<SealStatus, VaultError> {
        let path = "sys/unseal";
        let body = object_bytes([("key", Some((share.expose().trim(), false)))])
            .map_err(VaultError::Config)?;
        self.unseal_body(path, &body).await
    }

    /// Throws away the unseal progress so far.
    pub async fn unseal_reset(&self) -> Result<SealStatus, VaultError> {
        self.unseal_body("sys/unseal", br#"{"reset":true}"#).await
    }

    async fn unseal_body(&self, path: &str, body: &[u8]) -> Result<SealStatus, VaultError> {
        // PUT and POST are the same to Vault; POST is what `send_bytes` speaks.
        let (status, bytes) = self
            .anonymous()
            .at_root()
            .send_bytes(Operation::Write, path, Some(body))
            .await?;
        if !status.is_success() {
            return Err(error_for_status(status, path, Operation::Write, &bytes));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| VaultError::Decode {
            path: path.into(),
            reason: e.to_string(),
        })?;
        decode(value, path)
    }

    /// Seals the node (needs sudo on sys/seal).
    pub async fn seal(&self) -> Result<(), VaultError> {
        self.at_root()
            .send(Operation::Write, "sys/seal", None)
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_checked_for_shape_before_sending() {
        assert_eq!(
            check_share("lEiy+fvpUDdWUbGJqpZmI3NQbBMIXqduEXuM7+vUBsxS"),
            Ok(())
        );
        assert_eq!(
            check_share("9448b2f9fbe95037565b189aa9662373506c13085ea76e117b8cefebd406cc52ab"),
            Ok(())
        );
        assert_eq!(check_share("  "), Err(ShareProblem::Empty));
        assert_eq!(check_share("garbage!!"), Err(ShareProblem::NotHexOrBase64));
        assert_eq!(
            check_share("abc="),
            Err(ShareProblem::WrongLength { bytes: 2 })
        );
        assert_eq!(
            check_share("d3Jvbmc="),
            Err(ShareProblem::WrongLength { bytes: 5 })
        );
        assert_eq!(check_share("a==="), Err(ShareProblem::NotHexOrBase64));
        // 32 bytes (a single-share seal's key) is a share too.
        assert_eq!(
            check_share("aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBzaGFyZSE="),
            Ok(())
        );
        // The message never repeats the typed text.
        let said = check_share("s3cr3t!!").unwrap_err().to_string();
        assert!(!said.contains("s3cr3t"), "{said}");
    }

    #[test]
    fn health_codes_name_the_role() {
        assert_eq!(Health::from_status(429), Health::Standby);
        assert_eq!(Health::from_status(503).label(), "sealed");
        assert_eq!(Health::from_status(418), Health::Other(418));
    }

    #[test]
    fn commit_date_reads_as_the_build_date() {
        let status: SealStatus = serde_json::from_value(serde_json::json!({
            "type": "shamir", "initialized": true, "sealed": true, "t": 2, "n": 3,
            "progress": 1, "nonce": "abc", "version": "2.7.2",
            "commit_date": "2026-10-26T20:32:27Z", "storage_type": "raft"}))
        .unwrap();
        assert_eq!(status.build_date.as_deref(), Some("2026-10-26T20:32:27Z"));
        assert_eq!(
            (status.threshold, status.shares, status.progress),
            (2, 3, 1)
        );
    }
}
