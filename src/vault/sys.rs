//! `sys/` and token endpoints: seal status, token lookup, and the few writes the demo seeder needs.

use super::client::{Operation, VaultClient};
use super::error::VaultError;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default, serde::Serialize)]
pub struct SealStatus {
    #[serde(rename = "type", default)]
    pub seal_type: String,
    pub initialized: bool,
    pub sealed: bool,
    #[serde(rename = "t", default)]
    pub threshold: u32,
    #[serde(rename = "n", default)]
    pub shares: u32,
    #[serde(default)]
    pub progress: u32,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub cluster_id: Option<String>,
    /// The unseal attempt in progress (empty when none).
    #[serde(default)]
    pub nonce: String,
    #[serde(default)]
    pub storage_type: Option<String>,
    /// OpenBao says `commit_date`, Vault `build_date`.
    #[serde(default, alias = "commit_date")]
    pub build_date: Option<String>,
}

/// What the header shows about the token. Never holds the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The namespace the token belongs to (`namespace_path`, without the trailing `/`; `None` for
    /// the root namespace).
    pub namespace: Option<String>,
    pub display_name: String,
    pub policies: Vec<String>,
    /// Seconds left when looked up; 0 means no expiry (root).
    pub ttl_seconds: u64,
    pub renewable: bool,
    /// The TTL the token was created with: what each renewal asks for (0: none).
    pub creation_ttl: u64,
    /// It has an end (`expire_time`); `false` only for tokens that never expire (root).
    pub expires: bool,
    /// Uses left after this lookup (`num_uses`; the lookup spent one); `None`: not use-limited.
    pub uses_left: Option<u64>,
}

/// Capabilities by path, from `sys/capabilities-self` (`["deny"]` where nothing is allowed).
pub type Capabilities = std::collections::BTreeMap<String, Vec<String>>;

impl VaultClient {
    /// What the token may do on each of `paths` (`sys/capabilities-self`, one request).
    pub async fn capabilities_of(&self, paths: &[String]) -> Result<Capabilities, VaultError> {
        let request_path = "sys/capabilities-self";
        let body = self
            .send(
                Operation::Write,
                request_path,
                Some(&serde_json::json!({ "paths": paths })),
            )
            .await?
            .json(request_path)?;
        let data = body.get("data").unwrap_or(&body);
        Ok(paths
            .iter()
            .map(|path| {
                // A single path is also answered under "capabilities".
                let caps = data
                    .get(path)
                    .or_else(|| {
                        (paths.len() == 1)
                            .then(|| data.get("capabilities"))
                            .flatten()
                    })
                    .and_then(Value::as_array)
                    .map(|caps| {
                        caps.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                (path.clone(), caps)
            })
            .collect())
    }

    /// `sys/seal-status` needs no token.
    pub async fn seal_status(&self) -> Result<SealStatus, VaultError> {
        let path = "sys/seal-status";
        let body = self
            .anonymous()
            .at_root()
            .send(Operation::Read, path, None)
            .await?
            .json(path)?;
        serde_json::from_value(body).map_err(|e| VaultError::Decode {
            path: path.into(),
            reason: e.to_string(),
        })
    }

    /// After a refusal: whether the token itself stopped working (the server refuses even to
    /// look it up), rather than the policy saying no to that one request.
    pub async fn token_refused(&self) -> bool {
        self.has_token()
            && self
                .lookup_self()
                .await
                .is_err_and(|error| error.is_permission_denied())
    }

    pub async fn lookup_self(&self) -> Result<TokenInfo, VaultError> {
        let path = "auth/token/lookup-self";
        let body = self.send(Operation::Read, path, None).await?.json(path)?;
        parse_token_info(&body).ok_or_else(|| VaultError::Decode {
            path: path.into(),
            reason: "no data".into(),
        })
    }

    /// A generic write (POST) for setup work such as the demo seeder. Returns the JSON answer, or
    /// `Null` for 204.
    pub async fn write(&self, path: &str, body: &Value) -> Result<Value, VaultError> {
        self.send(Operation::Write, path, Some(body))
            .await?
            .json(path)
    }
}

pub fn parse_token_info(body: &Value) -> Option<TokenInfo> {
    let data = body.get("data")?.as_object()?;
    // Every lookup answer has a TTL (0 for tokens that never expire); without one it is not a token.
    data.get("ttl")?.as_u64()?;
    let strings = |name: &str| -> Vec<String> {
        data.get(name)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut policies = strings("policies");
    for extra in strings("identity_policies") {
        if !policies.contains(&extra) {
            policies.push(extra);
        }
    }
    Some(TokenInfo {
        namespace: data
            .get("namespace_path")
            .and_then(Value::as_str)
            .map(|path| path.trim_matches('/').to_string())
            .filter(|path| !path.is_empty()),
        display_name: data
            .get("display_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        policies,
        ttl_seconds: data.get("ttl").and_then(Value::as_u64).unwrap_or(0),
        renewable: data
            .get("renewable")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        creation_ttl: data
            .get("creation_ttl")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        expires: data.get("expire_time").is_some_and(Value::is_string)
            || data.get("ttl").and_then(Value::as_u64).unwrap_or(0) > 0,
        // 0 means unlimited; -1 means the lookup itself was the last use.
        uses_left: match data.get("num_uses").and_then(Value::as_i64).unwrap_or(0) {
            0 => None,
            n => Some(n.max(0) as u64),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_token_lookup() {
        let body = json!({"data": {"display_name": "token-app", "policies": ["default", "app"],
            "identity_policies": ["team"], "ttl": 3600, "renewable": true, "id": "s.secret"}});
        let info = parse_token_info(&body).unwrap();
        assert_eq!(info.display_name, "token-app");
        assert_eq!(info.policies, vec!["default", "app", "team"]);
        assert_eq!(info.ttl_seconds, 3600);
        assert!(info.renewable);
        assert!(info.expires);
        assert_eq!(info.uses_left, None);
        assert!(!format!("{info:?}").contains("s.secret"));
    }

    #[test]
    fn parses_the_end_and_the_uses_left() {
        let root = json!({"data": {"ttl": 0, "expire_time": null, "num_uses": 0}});
        let root = parse_token_info(&root).unwrap();
        assert!(!root.expires);
        // About to end: ttl 0 but an expire_time.
        let ending = json!({"data": {"ttl": 0, "expire_time": "2026-11-30T23:20:15Z"}});
        assert!(parse_token_info(&ending).unwrap().expires);
        let limited = json!({"data": {"ttl": 0, "num_uses": 2}});
        assert_eq!(parse_token_info(&limited).unwrap().uses_left, Some(2));
        let last = json!({"data": {"ttl": 0, "num_uses": -1}});
        assert_eq!(parse_token_info(&last).unwrap().uses_left, Some(0));
    }
}
