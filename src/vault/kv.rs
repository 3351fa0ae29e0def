//! Secret-engine mounts and KV v1/v2 (and cubbyhole) listing and reading.

use super::client::{Operation, VaultClient};
use super::error::VaultError;
use super::path::join;
use crate::secret::SecretText;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvVersion {
    V1,
    V2,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretEngine {
    Kv(KvVersion),
    Cubbyhole,
    /// Any other engine: shown in the tree, but not browsed as key/value.
    Other(String),
}

impl SecretEngine {
    pub fn is_browsable(&self) -> bool {
        matches!(self, SecretEngine::Kv(_) | SecretEngine::Cubbyhole)
    }

    pub fn label(&self) -> String {
        match self {
            SecretEngine::Kv(KvVersion::V1) => "kv v1".into(),
            SecretEngine::Kv(KvVersion::V2) => "kv v2".into(),
            SecretEngine::Cubbyhole => "cubbyhole".into(),
            SecretEngine::Other(kind) => kind.clone(),
        }
    }

    fn is_v2(&self) -> bool {
        matches!(self, SecretEngine::Kv(KvVersion::V2))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// Mount path with its trailing slash, e.g. `secret/` or `team/kv/`.
    pub path: String,
    pub engine: SecretEngine,
    pub description: String,
}

impl MountInfo {
    /// The API path used to list a folder (`""` = mount root, else ends with `/`).
    pub fn list_path(&self, folder: &str) -> String {
        let mut path = if self.engine.is_v2() {
            join(&[&self.path, "metadata", folder])
        } else {
            join(&[&self.path, folder])
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        path
    }

    /// The API path used to read a secret.
    pub fn read_path(&self, secret: &str) -> String {
        if self.engine.is_v2() {
            join(&[&self.path, "data", secret])
        } else {
            join(&[&self.path, secret])
        }
    }
}

/// One key of a secret. `value` is what was stored (copied as is); `display` is the pretty-printed
/// form when the value is JSON (an object/array, or a string holding one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretEntry {
    pub key: String,
    pub value: SecretText,
    pub display: Option<SecretText>,
    /// The stored value is JSON (number, bool, object, array, null), not a string: `value` holds
    /// its compact text, and writing it back must send JSON.
    pub json: bool,
}

impl SecretEntry {
    /// An entry as typed: `json` values get a pretty display form like read ones.
    pub fn new(key: String, value: SecretText, json: bool) -> Self {
        let display = if json {
            serde_json::from_str::<Value>(value.expose())
                .ok()
                .filter(|v| v.is_object() || v.is_array())
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .map(SecretText::new)
        } else {
            None
        };
        Self {
            key,
            value,
            display,
            json,
        }
    }

    pub fn from_json(key: String, value: &Value) -> Self {
        let (raw, display) = match value {
            Value::String(text) => {
                let pretty = match serde_json::from_str::<Value>(text) {
                    Ok(parsed @ (Value::Object(_) | Value::Array(_))) => {
                        serde_json::to_string_pretty(&parsed).ok()
                    }
                    _ => None,
                };
                (text.clone(), pretty)
            }
            other => {
                let compact = other.to_string();
                let pretty = match other {
                    Value::Object(_) | Value::Array(_) => serde_json::to_string_pretty(other).ok(),
                    _ => None,
                };
                (compact, pretty)
            }
        };
        Self {
            key,
            value: SecretText::new(raw),
            display: display.map(SecretText::new),
            json: !value.is_string(),
        }
    }

    /// What the detail view shows when revealed.
    pub fn shown(&self) -> &str {
        self.display.as_ref().unwrap_or(&self.value).expose()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionState {
    Live,
    Deleted { deletion_time: String },
    Destroyed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvSecret {
    pub entries: Vec<SecretEntry>,
    /// KV v2 only.
    pub version: Option<u64>,
    pub created_time: Option<String>,
    pub state: VersionState,
}

impl VaultClient {
    /// Secret-engine mounts the token can see anything under, via `sys/internal/ui/mounts` (works for
    /// tokens without `sys/mounts`). Sorted by path.
    pub async fn secret_mounts(&self) -> Result<Vec<MountInfo>, VaultError> {
        let path = "sys/internal/ui/mounts";
        let body = self.send(Operation::Read, path, None).await?.json(path)?;
        parse_mounts(&body).ok_or_else(|| VaultError::Decode {
            path: path.into(),
            reason: "no data.secret map".into(),
        })
    }

    /// Lists one folder (`""` for the mount root, else ending in `/`). A missing folder is empty.
    pub async fn list_folder(
        &self,
        mount: &MountInfo,
        folder: &str,
    ) -> Result<Vec<String>, VaultError> {
        let path = mount.list_path(folder);
        match self.send(Operation::List, &path, None).await {
            Ok(response) => decode_listing(&response.body, &path),
            Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    /// Reads a secret; for KV v2 optionally a given version. A soft-deleted or destroyed version
    /// (404 with a body) is reported as such, not as an error.
    pub async fn read_secret(
        &self,
        mount: &MountInfo,
        secret: &str,
        version: Option<u64>,
    ) -> Result<KvSecret, VaultError> {
        let path = mount.read_path(secret);
        if secret.ends_with('/') || secret.is_empty() {
            return Err(VaultError::InvalidPath(format!(
                "{path}: a secret path cannot end with '/'"
            )));
        }
        if !mount.engine.is_v2() {
            let response = self.send(Operation::Read, &path, None).await?;
            return parse_v1_secret(&response.json(&path)?, &path);
        }
        let version_text = version.map(|v| v.to_string());
        let query: Vec<(&str, &str)> = version_text
            .as_deref()
            .map(|v| vec![("version", v)])
            .unwrap_or_default();
        let (status, body) = self
            .send_raw(Operation::Read, &path, &query, None, &[])
            .await?;
        // A deleted/destroyed version answers 404 with a body holding its metadata.
        if status.is_success() || status == reqwest::StatusCode::NOT_FOUND {
            let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            return parse_v2_secret(&json, &path);
        }
        Err(super::client::error_for_status(
            status,
            &path,
            Operation::Read,
            &body,
        ))
    }
}

/// The mount a path is in (the longest mount path it starts with) and the rest of it.
pub fn split_path<'a>(mounts: &'a [MountInfo], path: &str) -> Option<(&'a MountInfo, String)> {
    let path = path.trim_start_matches('/');
    let with_slash = if path.ends_with('/') || path.is_empty() {
        path.to_string()
    } else {
        format!("{path}/")
    };
    mounts
        .iter()
        .filter(|m| with_slash.starts_with(&m.path))
        .max_by_key(|m| m.path.len())
        .map(|m| (m, path.get(m.path.len()..).unwrap_or("").to_string()))
}

/// Parses `sys/internal/ui/mounts`: `data.secret` keyed by `"path/"`.
pub fn parse_mounts(body: &Value) -> Option<Vec<MountInfo>> {
    let secret = body.get("data")?.get("secret")?.as_object()?;
    let mut mounts: Vec<MountInfo> = secret
        .iter()
        // `sys/` and `identity/` are always there and hold no secrets to browse (inside a
        // namespace they are `ns_system` and `ns_identity`).
        .filter(|(_, info)| {
            !matches!(
                info.get("type").and_then(Value::as_str),
                Some("system" | "identity" | "ns_system" | "ns_identity")
            )
        })
        .map(|(path, info)| {
            let kind = info
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            let version =
                info.get("options")
                    .and_then(|o| o.get("version"))
                    .and_then(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    });
            let engine = match kind {
                "kv" | "generic" if version.as_deref() == Some("2") => {
                    SecretEngine::Kv(KvVersion::V2)
                }
                "kv" | "generic" => SecretEngine::Kv(KvVersion::V1),
                // A namespace's own cubbyhole is `ns_cubbyhole`: the same engine.
                "cubbyhole" | "ns_cubbyhole" => SecretEngine::Cubbyhole,
                other => SecretEngine::Other(other.to_string()),
            };
            let mut path = path.clone();
            if !path.ends_with('/') {
                path.push('/');
            }
            MountInfo {
                path,
                engine,
                description: info
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            }
        })
        .collect();
    mounts.sort_by(|a, b| a.path.cmp(&b.path));
    Some(mounts)
}

/// A LIST answer straight into its keys (no JSON tree in between: a walk decodes thousands).
/// A 200 without `data.keys` (a proxy's page, a truncated body) is an error, not an empty folder
/// (an empty folder is a 404).
pub(super) fn decode_listing(body: &[u8], path: &str) -> Result<Vec<String>, VaultError> {
    #[derive(serde::Deserialize)]
    struct Listing {
        data: Keys,
    }
    #[derive(serde::Deserialize)]
    struct Keys {
        keys: Vec<String>,
    }
    let mut keys = serde_json::from_slice::<Listing>(body)
        .map_err(|error| VaultError::Decode {
            path: path.to_string(),
            reason: format!("a listing without data.keys (a list of names): {error}"),
        })?
        .data
        .keys;
    keys.sort();
    Ok(keys)
}

/// `data.keys` of a LIST answer, sorted so folders and leaves with the same name sit together.
pub fn parse_keys(body: &Value) -> Vec<String> {
    let mut keys: Vec<String> = body
        .get("data")
        .and_then(|d| d.get("keys"))
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys
}

fn entries_of(data: &Value) -> Vec<SecretEntry> {
    let mut entries: Vec<SecretEntry> = data
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| SecretEntry::from_json(key.clone(), value))
                .collect()
        })
        .unwrap_or_default();
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    entries
}

pub fn parse_v1_secret(body: &Value, path: &str) -> Result<KvSecret, VaultError> {
    let data = body.get("data").ok_or_else(|| VaultError::Decode {
        path: path.into(),
        reason: "no data".into(),
    })?;
    Ok(KvSecret {
        entries: entries_of(data),
        version: None,
        created_time: None,
        state: VersionState::Live,
    })
}

pub fn parse_v2_secret(body: &Value, path: &str) -> Result<KvSecret, VaultError> {
    let outer = body
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| VaultError::NotFound {
            path: path.to_string(),
        })?;
    let malformed = |reason: &str| VaultError::Decode {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    let metadata = outer
        .get("metadata")
        .filter(|m| m.is_object())
        .cloned()
        .ok_or_else(|| malformed("a KV v2 secret without its metadata object"))?;
    let text = |name: &str| {
        metadata
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let destroyed = metadata.get("destroyed").and_then(Value::as_bool) == Some(true);
    // A deletion time with the data still served is a scheduled deletion
    // (`delete_version_after`): the version is live until then.
    let served = outer.get("data").is_some_and(Value::is_object);
    let state = match (destroyed, text("deletion_time")) {
        (true, _) => VersionState::Destroyed,
        (false, Some(deletion_time)) if !served => VersionState::Deleted { deletion_time },
        (false, _) => VersionState::Live,
    };
    let entries = match outer.get("data") {
        Some(data) if data.is_object() => entries_of(data),
        None | Some(Value::Null) if state != VersionState::Live => Vec::new(),
        _ => return Err(malformed("a KV v2 secret whose data is not an object")),
    };
    Ok(KvSecret {
        entries,
        version: metadata.get("version").and_then(Value::as_u64),
        created_time: text("created_time"),
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_mounts_with_kv_versions() {
        let body = json!({"data": {"auth": {}, "secret": {
            "secret/": {"type": "kv", "options": {"version": "2"}, "description": "kv2"},
            "kv1/": {"type": "kv", "options": null},
            "cubbyhole/": {"type": "cubbyhole"},
            "pki/": {"type": "pki"},
            "sys/": {"type": "system"},
            "identity/": {"type": "identity"}
        }}});
        let mounts = parse_mounts(&body).unwrap();
        let engines: Vec<_> = mounts
            .iter()
            .map(|m| (m.path.as_str(), m.engine.clone()))
            .collect();
        assert_eq!(
            engines,
            vec![
                ("cubbyhole/", SecretEngine::Cubbyhole),
                ("kv1/", SecretEngine::Kv(KvVersion::V1)),
                ("pki/", SecretEngine::Other("pki".into())),
                ("secret/", SecretEngine::Kv(KvVersion::V2)),
            ]
        );
    }

    #[test]
    fn a_namespace_s_cubbyhole_is_browsable_and_its_system_mounts_are_hidden() {
        // What `sys/internal/ui/mounts` lists inside a namespace (OpenBao 2.7).
        let body = json!({"data": {"auth": {}, "secret": {
            "cubbyhole/": {"type": "ns_cubbyhole"},
            "identity/": {"type": "ns_identity"},
            "sys/": {"type": "ns_system"}
        }}});
        let mounts = parse_mounts(&body).unwrap();
        assert_eq!(mounts.len(), 1, "{mounts:?}");
        assert_eq!(mounts[0].path, "cubbyhole/");
        assert_eq!(mounts[0].engine, SecretEngine::Cubbyhole);
        assert!(mounts[0].engine.is_browsable());
    }

    #[test]
    fn parses_deleted_and_destroyed_versions() {
        let deleted = json!({"data": {"data": null, "metadata": {
            "version": 3, "deletion_time": "2026-01-01T00:00:00Z", "destroyed": false}}});
        let secret = parse_v2_secret(&deleted, "p").unwrap();
        assert_eq!(secret.version, Some(3));
        assert!(matches!(secret.state, VersionState::Deleted { .. }));
        assert!(secret.entries.is_empty());

        // delete_version_after: the deletion time is set from the start, and the data served.
        let scheduled = json!({"data": {"data": {"k": "v"}, "metadata": {
            "version": 4, "deletion_time": "2099-01-01T00:00:00Z", "destroyed": false}}});
        let secret = parse_v2_secret(&scheduled, "p").unwrap();
        assert_eq!(
            secret.state,
            VersionState::Live,
            "a scheduled deletion is not a deletion"
        );
        assert_eq!(secret.entries.len(), 1);

        let destroyed = json!({"data": {"data": null, "metadata": {
            "version": 2, "deletion_time": "", "destroyed": true}}});
        assert_eq!(
            parse_v2_secret(&destroyed, "p").unwrap().state,
            VersionState::Destroyed
        );
    }

    #[test]
    fn json_values_are_pretty_printed_for_display_only() {
        let entry = SecretEntry::from_json("k".into(), &json!({"a": 1}));
        assert_eq!(entry.value.expose(), r#"{"a":1}"#);
        assert_eq!(entry.shown(), "{\n  \"a\": 1\n}");
        let entry = SecretEntry::from_json("k".into(), &json!("[1,2]"));
        assert_eq!(entry.value.expose(), "[1,2]");
        assert!(entry.display.is_some());
        let entry = SecretEntry::from_json("k".into(), &json!("plain"));
        assert_eq!(entry.shown(), "plain");
    }

    #[test]
    fn missing_fields_are_errors_not_panics() {
        assert!(parse_v2_secret(&json!({}), "p").is_err());
        assert!(parse_v1_secret(&json!([1]), "p").is_err());
        assert!(parse_mounts(&json!({"data": 1})).is_none());
        assert!(parse_keys(&json!("x")).is_empty());
    }
}
