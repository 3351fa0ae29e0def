//! Writing secrets: KV v2 with check-and-set, KV v2 merge-patch (for tokens that may write but not
//! read), KV v1 and cubbyhole. Bodies are built as bytes in buffers wiped on drop, never as
//! `serde_json::Value` (whose strings would outlive the write).

use super::client::{Operation, VaultClient, error_for_status};
use super::error::VaultError;
use super::kv::{KvVersion, MountInfo, SecretEngine};
use super::location::Location;
use super::versions::operation_path;
use serde::de::IgnoredAny;
use serde_json::Value;
use zeroize::Zeroizing;

/// One key to write. `json` values are written as JSON (validated), others as strings.
#[derive(Debug, Clone, Copy)]
pub struct WriteEntry<'a> {
    pub key: &'a str,
    pub value: &'a str,
    pub json: bool,
}

/// `{"key":"value",...}` as bytes. A `json` entry's value must parse as JSON; `None` as a value
/// (merge-patch) writes `null`.
pub fn object_bytes<'a>(
    entries: impl IntoIterator<Item = (&'a str, Option<(&'a str, bool)>)> + Clone,
) -> Result<Zeroizing<Vec<u8>>, String> {
    // Reserve the worst case up front (every byte escaped as \uXXXX) so the buffer never
    // reallocates, which would leave an unwiped copy behind.
    let capacity: usize = entries
        .clone()
        .into_iter()
        .map(|(key, value)| key.len() * 6 + value.map_or(4, |(v, _)| v.len() * 6) + 8)
        .sum::<usize>()
        + 2;
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    out.push(b'{');
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key).map_err(|e| e.to_string())?;
        out.push(b':');
        match value {
            None => out.extend_from_slice(b"null"),
            Some((text, true)) => {
                if serde_json::from_str::<IgnoredAny>(text).is_err() {
                    return Err(format!(
                        "the value of {key:?} is marked JSON but is not valid JSON"
                    ));
                }
                out.extend_from_slice(text.trim().as_bytes());
            }
            Some((text, false)) => {
                serde_json::to_writer(&mut *out, text).map_err(|e| e.to_string())?;
            }
        }
    }
    out.push(b'}');
    Ok(out)
}

/// The bytes of a data object from entries.
pub fn data_bytes(entries: &[WriteEntry<'_>]) -> Result<Zeroizing<Vec<u8>>, String> {
    object_bytes(
        entries
            .iter()
            .map(|e| (e.key, Some((e.value, e.json))))
            .collect::<Vec<_>>(),
    )
}

/// How a save treats a secret already at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// A new secret, never replacing one that is there: KV v2 sends check-and-set 0, other
    /// engines read the path first.
    Create,
    /// The whole secret; on KV v2 only while version `cas` is still current (`None` for engines
    /// without versions, or a deliberate overwrite).
    Replace { cas: Option<u64> },
    /// A KV v2 merge-patch of some keys, without reading the secret.
    Patch,
}

fn is_v2(mount: &MountInfo) -> bool {
    matches!(mount.engine, SecretEngine::Kv(KvVersion::V2))
}

impl VaultClient {
    /// Saves a secret as `mode` says. A create answers `AlreadyExists` when a secret is there
    /// (check-and-set 0 refused, or the existence read found one) and `ExistenceUnknown` when the
    /// token may not read the path to check; nothing is written in either case.
    pub async fn save_secret(
        &self,
        location: &Location,
        body: &[u8],
        mode: WriteMode,
    ) -> Result<Option<u64>, VaultError> {
        let (mount, path) = (&location.mount, location.path.as_str());
        match mode {
            WriteMode::Patch => self.patch_secret(mount, path, body).await,
            WriteMode::Replace { cas } => self.write_secret(mount, path, body, cas).await,
            WriteMode::Create if is_v2(mount) => {
                match self.write_secret(mount, path, body, Some(0)).await {
                    Err(VaultError::CasMismatch { .. }) => Err(VaultError::AlreadyExists {
                        path: location.display(),
                    }),
                    other => other,
                }
            }
            WriteMode::Create => {
                match self.read_secret(mount, path, None).await {
                    Err(VaultError::NotFound { .. }) => {}
                    Ok(_) => {
                        return Err(VaultError::AlreadyExists {
                            path: location.display(),
                        });
                    }
                    Err(VaultError::PermissionDenied { .. }) => {
                        return Err(VaultError::ExistenceUnknown {
                            path: location.display(),
                        });
                    }
                    Err(other) => return Err(other),
                }
                self.write_secret(mount, path, body, None).await
            }
        }
    }

    /// Writes a whole secret. KV v2 needs `cas` (`Some(0)`: only if it does not exist yet;
    /// `Some(n)`: only if version n is still current) and returns the new version; KV v1 and
    /// cubbyhole have no versions and take no `cas`.
    pub async fn write_secret(
        &self,
        mount: &MountInfo,
        secret: &str,
        data: &[u8],
        cas: Option<u64>,
    ) -> Result<Option<u64>, VaultError> {
        super::path::validate_secret_path(secret)?;
        if is_v2(mount) {
            let path = operation_path(mount, "data", secret);
            let mut body = Zeroizing::new(Vec::with_capacity(data.len() + 48));
            body.extend_from_slice(b"{\"data\":");
            body.extend_from_slice(data);
            if let Some(cas) = cas {
                body.extend_from_slice(format!(",\"options\":{{\"cas\":{cas}}}").as_bytes());
            }
            body.push(b'}');
            let (status, answer) = self
                .send_bytes(Operation::Write, &path, Some(&body))
                .await?;
            if !status.is_success() {
                return Err(error_for_status(status, &path, Operation::Write, &answer));
            }
            let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
            return Ok(answer.pointer("/data/version").and_then(Value::as_u64));
        }
        let path = mount.read_path(secret);
        let (status, answer) = self.send_bytes(Operation::Write, &path, Some(data)).await?;
        if !status.is_success() {
            return Err(error_for_status(status, &path, Operation::Write, &answer));
        }
        Ok(None)
    }

    /// Merges keys into a KV v2 secret without reading it (JSON merge-patch; `null` removes a
    /// key). Needs the `patch` capability; the secret must exist.
    pub async fn patch_secret(
        &self,
        mount: &MountInfo,
        secret: &str,
        patch: &[u8],
    ) -> Result<Option<u64>, VaultError> {
        super::path::validate_secret_path(secret)?;
        if !is_v2(mount) {
            return Err(VaultError::InvalidPath(format!(
                "{}{secret}: only KV v2 secrets can be patched",
                mount.path
            )));
        }
        let path = operation_path(mount, "data", secret);
        let mut body = Zeroizing::new(Vec::with_capacity(patch.len() + 16));
        body.extend_from_slice(b"{\"data\":");
        body.extend_from_slice(patch);
        body.push(b'}');
        let (status, answer) = self
            .send_bytes(Operation::Patch, &path, Some(&body))
            .await?;
        if !status.is_success() {
            return Err(error_for_status(status, &path, Operation::Patch, &answer));
        }
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        Ok(answer.pointer("/data/version").and_then(Value::as_u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn strings_are_escaped_and_json_values_kept_as_json() {
        let entries = [
            WriteEntry {
                key: "pem",
                value: "line 1\nline \"2\"\u{1b}",
                json: false,
            },
            WriteEntry {
                key: "cfg",
                value: " {\"a\": [1, 2]} ",
                json: true,
            },
            WriteEntry {
                key: "ключ",
                value: "秘密",
                json: false,
            },
        ];
        let bytes = data_bytes(&entries).unwrap();
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed["pem"], "line 1\nline \"2\"\u{1b}");
        assert_eq!(parsed["cfg"], serde_json::json!({"a": [1, 2]}));
        assert_eq!(parsed["ключ"], "秘密");
    }

    #[test]
    fn invalid_json_values_are_refused_by_name() {
        let entries = [WriteEntry {
            key: "cfg",
            value: "{oops",
            json: true,
        }];
        let error = data_bytes(&entries).unwrap_err();
        assert!(error.contains("\"cfg\""), "{error}");
        assert!(!error.contains("oops"), "the value is not echoed");
    }

    #[test]
    fn patches_write_null_for_removed_keys() {
        let bytes = object_bytes(vec![("gone", None), ("new", Some(("v", false)))]).unwrap();
        assert_eq!(text(&bytes), r#"{"gone":null,"new":"v"}"#);
    }

    #[test]
    fn the_buffer_never_grows_past_its_first_allocation() {
        let long = "\u{1}".repeat(10_000); // escaped as \u0001: 6 bytes each
        let entries = [WriteEntry {
            key: "k",
            value: &long,
            json: false,
        }];
        let bytes = data_bytes(&entries).unwrap();
        assert_eq!(bytes.len(), 10_000 * 6 + 8);
        // Reserved: key 1*6 + value 10,000*6 + 8 + 2 braces; a reallocation would have doubled it.
        assert_eq!(bytes.capacity(), 6 + 60_000 + 8 + 2);
    }
}
