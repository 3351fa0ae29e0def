//! KV v2 version history and metadata: read the metadata, soft-delete / undelete / destroy
//! versions, roll back with check-and-set, delete everything, and edit the metadata settings.

use super::client::{Operation, VaultClient};
use super::error::VaultError;
use super::kv::MountInfo;
use super::location::Location;
use super::path::join;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// How far the server's clock may run ahead of ours before a deletion time counts as scheduled
/// rather than done.
pub const CLOCK_SKEW_SECONDS: i64 = 5;

/// What a confirmed operation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionOperation {
    SoftDelete {
        versions: Vec<u64>,
        /// Through `DELETE data/` (the token has `delete` on data but not `update` on delete/).
        latest_via_data: bool,
    },
    Undelete {
        versions: Vec<u64>,
    },
    Destroy {
        versions: Vec<u64>,
    },
    Rollback {
        version: u64,
        /// Check-and-set: only if this is still the current version.
        current: u64,
    },
    DeleteAll,
}

/// What `change_versions` does to the versions it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionChange {
    /// Soft-delete (`delete/`): the data stays until destroyed and can be undeleted.
    Delete,
    Undelete,
    /// Remove the data for good (`destroy/`).
    Destroy,
}

impl VersionChange {
    fn endpoint(self) -> &'static str {
        match self {
            VersionChange::Delete => "delete",
            VersionChange::Undelete => "undelete",
            VersionChange::Destroy => "destroy",
        }
    }
}

/// One version as the metadata lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: u64,
    pub created_time: String,
    /// Set when soft-deleted (or scheduled for deletion by `delete_version_after`).
    pub deletion_time: Option<String>,
    pub destroyed: bool,
}

impl VersionInfo {
    /// Readable now: neither destroyed nor deleted yet (a deletion time in the future, from
    /// `delete_version_after`, is a schedule, not a deletion).
    pub fn is_live(&self, now_unix: i64) -> bool {
        !self.destroyed && !self.is_deleted(now_unix)
    }

    /// Soft-deleted by now (its deletion time has passed). The server stamps a soft-delete with
    /// its own clock, which may run ahead of ours (and ours moves by ticks): a deletion time a few
    /// seconds ahead is a deletion that just happened, not one scheduled for later.
    pub fn is_deleted(&self, now_unix: i64) -> bool {
        !self.destroyed
            && self.deletion_time.as_deref().is_some_and(|when| {
                time::OffsetDateTime::parse(when, &time::format_description::well_known::Rfc3339)
                    .map_or(true, |at| {
                        at.unix_timestamp() <= now_unix + CLOCK_SKEW_SECONDS
                    })
            })
    }
}

/// `GET <mount>/metadata/<path>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretMetadata {
    pub current_version: u64,
    pub oldest_version: u64,
    pub created_time: String,
    pub updated_time: String,
    /// 0 means the mount's setting applies (10 by default).
    pub max_versions: u64,
    pub cas_required: bool,
    /// OpenBao only (`None` from Vault): metadata writes need `metadata_cas` set to
    /// `current_metadata_version`. The mount's `config` can require it for every secret, which
    /// this does not show.
    pub metadata_cas_required: Option<bool>,
    /// OpenBao only: counts the metadata's own changes, for `metadata_cas`.
    pub current_metadata_version: Option<u64>,
    /// A duration as the server writes it, e.g. `"0s"` (never) or `"768h0m0s"`.
    pub delete_version_after: String,
    /// Sorted by key.
    pub custom_metadata: BTreeMap<String, String>,
    /// Newest first.
    pub versions: Vec<VersionInfo>,
}

impl SecretMetadata {
    pub fn version(&self, version: u64) -> Option<&VersionInfo> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// The newest version before `version` that still exists in the history.
    pub fn previous(&self, version: u64) -> Option<u64> {
        self.versions
            .iter()
            .map(|v| v.version)
            .filter(|&v| v < version)
            .max()
    }

    pub fn next(&self, version: u64) -> Option<u64> {
        self.versions
            .iter()
            .map(|v| v.version)
            .filter(|&v| v > version)
            .min()
    }

    /// The newest version before `version` that can be read now (not deleted or destroyed).
    pub fn previous_live(&self, version: u64, now_unix: i64) -> Option<u64> {
        self.versions
            .iter()
            .filter(|v| v.version < version && v.is_live(now_unix))
            .map(|v| v.version)
            .max()
    }

    /// The oldest version after `version` that can be read now.
    pub fn next_live(&self, version: u64, now_unix: i64) -> Option<u64> {
        self.versions
            .iter()
            .filter(|v| v.version > version && v.is_live(now_unix))
            .map(|v| v.version)
            .min()
    }
}

/// What the token may do with one KV v2 secret, from `sys/capabilities-self` on the operation paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretCapabilities {
    pub data: Vec<String>,
    pub metadata: Vec<String>,
    pub delete: Vec<String>,
    pub undelete: Vec<String>,
    pub destroy: Vec<String>,
}

fn allows(capabilities: &[String], wanted: &[&str]) -> bool {
    capabilities
        .iter()
        .any(|c| c == "root" || wanted.contains(&c.as_str()))
}

impl SecretCapabilities {
    /// Everything allowed: used when the capabilities could not be asked (the server decides).
    pub fn unknown() -> Self {
        let all = vec!["root".to_string()];
        Self {
            data: all.clone(),
            metadata: all.clone(),
            delete: all.clone(),
            undelete: all.clone(),
            destroy: all,
        }
    }

    pub fn read_data(&self) -> bool {
        allows(&self.data, &["read"])
    }
    pub fn write_data(&self) -> bool {
        allows(&self.data, &["update"])
    }
    /// Merge-patch of the data (`patch`), possible without `read`.
    pub fn patch_data(&self) -> bool {
        allows(&self.data, &["patch"])
    }
    pub fn read_metadata(&self) -> bool {
        allows(&self.metadata, &["read"])
    }
    pub fn edit_metadata(&self) -> bool {
        allows(&self.metadata, &["patch", "update"])
    }
    pub fn delete_all(&self) -> bool {
        allows(&self.metadata, &["delete"])
    }
    /// Soft-delete by version number (`delete/`), or the latest through `DELETE data/`.
    pub fn soft_delete(&self, only_latest: bool) -> bool {
        allows(&self.delete, &["update"]) || (only_latest && allows(&self.data, &["delete"]))
    }
    pub fn undelete(&self) -> bool {
        allows(&self.undelete, &["update"])
    }
    pub fn destroy(&self) -> bool {
        allows(&self.destroy, &["update"])
    }
}

/// A change to the metadata settings; `None` leaves a setting as it is. Custom metadata keys
/// mapped to `None` are removed (merge-patch `null`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetadataChange {
    pub max_versions: Option<u64>,
    pub cas_required: Option<bool>,
    pub metadata_cas_required: Option<bool>,
    pub delete_version_after: Option<String>,
    pub custom_metadata: BTreeMap<String, Option<String>>,
    /// OpenBao: the metadata version the change was made against (check-and-set); the server
    /// refuses it if the metadata changed since, and needs it where metadata cas is required.
    pub metadata_cas: Option<u64>,
}

impl MetadataChange {
    pub fn is_empty(&self) -> bool {
        self.max_versions.is_none()
            && self.cas_required.is_none()
            && self.metadata_cas_required.is_none()
            && self.delete_version_after.is_none()
            && self.custom_metadata.is_empty()
    }

    /// The JSON merge-patch body.
    pub fn to_patch(&self) -> Value {
        let mut body = Map::new();
        if let Some(max) = self.max_versions {
            body.insert("max_versions".into(), json!(max));
        }
        if let Some(cas) = self.cas_required {
            body.insert("cas_required".into(), json!(cas));
        }
        if let Some(required) = self.metadata_cas_required {
            body.insert("metadata_cas_required".into(), json!(required));
        }
        if let Some(after) = &self.delete_version_after {
            body.insert("delete_version_after".into(), json!(after));
        }
        if let Some(version) = self.metadata_cas {
            body.insert("metadata_cas".into(), json!(version));
        }
        if !self.custom_metadata.is_empty() {
            let custom: Map<String, Value> = self
                .custom_metadata
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
                .collect();
            body.insert("custom_metadata".into(), Value::Object(custom));
        }
        Value::Object(body)
    }
}

/// The KV v2 operation path for a secret: `<mount>/<operation>/<path>`.
pub fn operation_path(mount: &MountInfo, operation: &str, secret: &str) -> String {
    join(&[&mount.path, operation, secret])
}

impl VaultClient {
    /// Carries out a confirmed version operation; a rollback answers with its new version.
    pub async fn apply_version_operation(
        &self,
        location: &Location,
        operation: &VersionOperation,
    ) -> Result<Option<u64>, VaultError> {
        let (mount, path) = (&location.mount, location.path.as_str());
        match operation {
            VersionOperation::SoftDelete {
                latest_via_data: true,
                ..
            } => self.delete_latest(mount, path).await.map(|_| None),
            VersionOperation::SoftDelete { versions, .. } => self
                .change_versions(mount, path, VersionChange::Delete, versions)
                .await
                .map(|_| None),
            VersionOperation::Undelete { versions } => self
                .change_versions(mount, path, VersionChange::Undelete, versions)
                .await
                .map(|_| None),
            VersionOperation::Destroy { versions } => self
                .change_versions(mount, path, VersionChange::Destroy, versions)
                .await
                .map(|_| None),
            VersionOperation::Rollback { version, current } => self
                .rollback(mount, path, *version, *current)
                .await
                .map(Some),
            VersionOperation::DeleteAll => {
                self.delete_all_versions(mount, path).await.map(|_| None)
            }
        }
    }

    pub async fn read_metadata(
        &self,
        mount: &MountInfo,
        secret: &str,
    ) -> Result<SecretMetadata, VaultError> {
        let path = operation_path(mount, "metadata", secret);
        let body = self.send(Operation::Read, &path, None).await?.json(&path)?;
        parse_metadata(&body).ok_or_else(|| VaultError::Decode {
            path,
            reason: "no metadata in the answer".into(),
        })
    }

    /// Asks what the token may do on the secret's operation paths. A token that may not ask gets
    /// [`SecretCapabilities::unknown`] from the caller, not from here.
    pub async fn secret_capabilities(
        &self,
        mount: &MountInfo,
        secret: &str,
    ) -> Result<SecretCapabilities, VaultError> {
        let names = ["data", "metadata", "delete", "undelete", "destroy"];
        let paths: Vec<String> = names
            .iter()
            .map(|op| operation_path(mount, op, secret))
            .collect();
        let mut answer = self.capabilities_of(&paths).await?;
        let mut of = |path: &str| answer.remove(path).unwrap_or_default();
        Ok(SecretCapabilities {
            data: of(&paths[0]),
            metadata: of(&paths[1]),
            delete: of(&paths[2]),
            undelete: of(&paths[3]),
            destroy: of(&paths[4]),
        })
    }

    /// Soft-deletes, undeletes or destroys the given versions.
    pub async fn change_versions(
        &self,
        mount: &MountInfo,
        secret: &str,
        change: VersionChange,
        versions: &[u64],
    ) -> Result<(), VaultError> {
        if versions.is_empty() {
            return Err(VaultError::InvalidPath(format!(
                "{}{secret}: no versions chosen",
                mount.path
            )));
        }
        let path = operation_path(mount, change.endpoint(), secret);
        self.send(
            Operation::Write,
            &path,
            Some(&json!({ "versions": versions })),
        )
        .await?;
        Ok(())
    }

    /// Soft-deletes the latest version through `DELETE data/` (for tokens with only `delete`).
    pub async fn delete_latest(&self, mount: &MountInfo, secret: &str) -> Result<(), VaultError> {
        let path = operation_path(mount, "data", secret);
        self.send(Operation::Delete, &path, None).await?;
        Ok(())
    }

    /// Removes every version and the metadata.
    pub async fn delete_all_versions(
        &self,
        mount: &MountInfo,
        secret: &str,
    ) -> Result<(), VaultError> {
        let path = operation_path(mount, "metadata", secret);
        self.send(Operation::Delete, &path, None).await?;
        Ok(())
    }

    /// Writes `version`'s data as a new version, only if the current version is still
    /// `expected_current` (check-and-set). Returns the new version number. The data goes from the
    /// read answer to the write body as raw bytes, in buffers wiped on drop.
    pub async fn rollback(
        &self,
        mount: &MountInfo,
        secret: &str,
        version: u64,
        expected_current: u64,
    ) -> Result<u64, VaultError> {
        let data_path = operation_path(mount, "data", secret);
        let version_text = version.to_string();
        let (status, body) = self
            .send_raw(
                Operation::Read,
                &data_path,
                &[("version", &version_text)],
                None,
                &[],
            )
            .await?;
        if !status.is_success() {
            return Err(match status.as_u16() {
                404 => VaultError::Server {
                    status: 404,
                    path: data_path,
                    errors: vec![format!(
                        "version {version} has no data (deleted or destroyed): undelete it first"
                    )],
                },
                _ => super::client::error_for_status(status, &data_path, Operation::Read, &body),
            });
        }
        #[derive(Deserialize)]
        struct Outer<'a> {
            #[serde(borrow)]
            data: Inner<'a>,
        }
        #[derive(Deserialize)]
        struct Inner<'a> {
            #[serde(borrow)]
            data: &'a RawValue,
            #[allow(dead_code)]
            metadata: IgnoredAny,
        }
        let parsed: Outer = serde_json::from_slice(&body).map_err(|e| VaultError::Decode {
            path: data_path.clone(),
            reason: format!("no data in the answer ({:?} error)", e.classify()),
        })?;
        let raw = parsed.data.data.get();
        if raw == "null" {
            return Err(VaultError::Server {
                status: 404,
                path: data_path,
                errors: vec![format!("version {version} has no data")],
            });
        }
        let mut write = Zeroizing::new(Vec::with_capacity(raw.len() + 48));
        write.extend_from_slice(b"{\"data\":");
        write.extend_from_slice(raw.as_bytes());
        write
            .extend_from_slice(format!(",\"options\":{{\"cas\":{expected_current}}}}}").as_bytes());
        let (status, answer) = self
            .send_bytes(Operation::Write, &data_path, Some(&write))
            .await?;
        if !status.is_success() {
            return Err(super::client::error_for_status(
                status,
                &data_path,
                Operation::Write,
                &answer,
            ));
        }
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        answer
            .pointer("/data/version")
            .and_then(Value::as_u64)
            .ok_or_else(|| VaultError::Decode {
                path: data_path,
                reason: "no version in the write answer".into(),
            })
    }

    /// Merges a change into the metadata (PATCH); servers without PATCH (405) get a POST, which
    /// replaces custom metadata wholesale, so it is sent complete.
    pub async fn change_metadata(
        &self,
        mount: &MountInfo,
        secret: &str,
        change: &MetadataChange,
        current_custom: &BTreeMap<String, String>,
    ) -> Result<(), VaultError> {
        let path = operation_path(mount, "metadata", secret);
        match self
            .send(Operation::Patch, &path, Some(&change.to_patch()))
            .await
        {
            Err(VaultError::Server { status: 405, .. }) => {
                let mut body = change.to_patch();
                if !change.custom_metadata.is_empty() {
                    let mut custom = current_custom.clone();
                    for (key, value) in &change.custom_metadata {
                        match value {
                            Some(value) => custom.insert(key.clone(), value.clone()),
                            None => custom.remove(key),
                        };
                    }
                    body["custom_metadata"] = json!(custom);
                }
                self.send(Operation::Write, &path, Some(&body)).await?;
                Ok(())
            }
            other => other.map(|_| ()),
        }
    }
}

/// Parses a metadata answer; versions newest first.
pub fn parse_metadata(body: &Value) -> Option<SecretMetadata> {
    let data = body.get("data")?.as_object()?;
    // Every KV v2 metadata answer has its versions (a map, empty only after a delete-all).
    data.get("versions")?.as_object()?;
    let text = |name: &str| {
        data.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let number = |name: &str| data.get(name).and_then(Value::as_u64).unwrap_or(0);
    let custom_metadata = data
        .get("custom_metadata")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(k, v)| {
                    let value = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut versions: Vec<VersionInfo> = data
        .get("versions")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(number, info)| {
                    let field = |name: &str| {
                        info.get(name)
                            .and_then(Value::as_str)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                    };
                    Some(VersionInfo {
                        version: number.parse().ok()?,
                        created_time: field("created_time").unwrap_or_default(),
                        deletion_time: field("deletion_time"),
                        destroyed: info.get("destroyed").and_then(Value::as_bool) == Some(true),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    Some(SecretMetadata {
        current_version: number("current_version"),
        oldest_version: number("oldest_version"),
        created_time: text("created_time"),
        updated_time: text("updated_time"),
        max_versions: number("max_versions"),
        cas_required: data.get("cas_required").and_then(Value::as_bool) == Some(true),
        metadata_cas_required: data.get("metadata_cas_required").and_then(Value::as_bool),
        current_metadata_version: data.get("current_metadata_version").and_then(Value::as_u64),
        delete_version_after: text("delete_version_after"),
        custom_metadata,
        versions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_metadata_newest_first() {
        let body = json!({"data": {
            "current_version": 3, "oldest_version": 1, "max_versions": 0, "cas_required": false,
            "created_time": "2026-01-01T00:00:00Z", "updated_time": "2026-01-02T00:00:00Z",
            "delete_version_after": "0s", "custom_metadata": {"owner": "me"},
            "versions": {
                "1": {"created_time": "a", "deletion_time": "", "destroyed": true},
                "10": {"created_time": "c", "deletion_time": "", "destroyed": false},
                "2": {"created_time": "b", "deletion_time": "2026-01-03T00:00:00Z", "destroyed": false}
            }
        }});
        let metadata = parse_metadata(&body).unwrap();
        let order: Vec<u64> = metadata.versions.iter().map(|v| v.version).collect();
        assert_eq!(order, vec![10, 2, 1]);
        let now = 1_900_000_000; // 2030: every deletion time above has passed
        assert!(metadata.versions[0].is_live(now));
        assert!(metadata.versions[1].is_deleted(now));
        assert!(
            metadata.versions[1].is_live(0),
            "a deletion time in the future is a schedule, not a deletion"
        );
        assert!(metadata.versions[2].destroyed);
        assert_eq!(metadata.custom_metadata["owner"], "me");
        assert_eq!(metadata.previous(10), Some(2));
        assert_eq!(metadata.next(1), Some(2));
        assert_eq!(metadata.next(10), None);
    }

    #[test]
    fn metadata_without_fields_is_not_a_panic() {
        assert!(parse_metadata(&json!({})).is_none());
        // A metadata answer always lists its versions; one without them is not metadata.
        assert!(parse_metadata(&json!({"data": {"custom_metadata": null}})).is_none());
        let empty =
            parse_metadata(&json!({"data": {"custom_metadata": null, "versions": {}}})).unwrap();
        assert!(empty.versions.is_empty());
        assert!(empty.custom_metadata.is_empty());
    }

    #[test]
    fn capabilities_follow_the_operation_paths() {
        let caps = SecretCapabilities {
            data: vec!["read".into()],
            metadata: vec!["read".into(), "list".into()],
            ..Default::default()
        };
        assert!(caps.read_data() && caps.read_metadata());
        assert!(!caps.write_data() && !caps.destroy() && !caps.undelete());
        assert!(!caps.soft_delete(true) && !caps.delete_all() && !caps.edit_metadata());
        let root = SecretCapabilities::unknown();
        assert!(root.destroy() && root.soft_delete(false) && root.edit_metadata());
        let delete_only = SecretCapabilities {
            data: vec!["delete".into()],
            ..Default::default()
        };
        assert!(delete_only.soft_delete(true) && !delete_only.soft_delete(false));
    }

    #[test]
    fn metadata_change_becomes_a_merge_patch() {
        let mut change = MetadataChange {
            max_versions: Some(20),
            ..Default::default()
        };
        change.custom_metadata.insert("gone".into(), None);
        change
            .custom_metadata
            .insert("owner".into(), Some("me".into()));
        assert_eq!(
            change.to_patch(),
            json!({"max_versions": 20, "custom_metadata": {"gone": null, "owner": "me"}})
        );
        assert!(MetadataChange::default().is_empty());
    }
}
