//! Managing AppRole: auth mounts, roles and their settings, role-ids, secret-id accessors.
//! Generating a secret-id lives with the logins in `auth.rs`, which use it too.

use super::client::{Operation, VaultClient};
use super::error::VaultError;
use serde_json::Value;

/// An enabled auth method: its mount (`approle/`) and type (`approle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthMount {
    pub path: String,
    pub kind: String,
}

/// One setting of a role, as the server reports it, rendered as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSetting {
    pub name: String,
    pub value: String,
}

/// What the server says of a secret-id accessor (never the secret-id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretIdAccessor {
    pub accessor: String,
    pub creation_time: String,
    pub expiration_time: String,
    pub secret_id_num_uses: u64,
}

fn mount_path(mount: &str) -> &str {
    mount.trim().trim_matches('/')
}

use super::kv::parse_keys as keys_of;

/// A role's settings as name/value lines, sorted by name; arrays joined with ", ".
pub fn parse_role_settings(body: &Value) -> Vec<RoleSetting> {
    let Some(data) = body.get("data").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut settings: Vec<RoleSetting> = data
        .iter()
        .map(|(name, value)| RoleSetting {
            name: name.clone(),
            value: match value {
                Value::String(text) => text.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|item| match item {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                Value::Null => String::new(),
                other => other.to_string(),
            },
        })
        .collect();
    settings.sort_by(|a, b| a.name.cmp(&b.name));
    settings
}

/// Auth mounts from `sys/auth` (`{"approle/": {"type": "approle"}, ...}` at top level or in `data`).
pub fn parse_auth_mounts(body: &Value) -> Vec<AuthMount> {
    let map = body
        .get("data")
        .and_then(Value::as_object)
        .or_else(|| body.as_object());
    let mut mounts: Vec<AuthMount> = map
        .into_iter()
        .flatten()
        .filter(|(path, value)| path.ends_with('/') && value.get("type").is_some())
        .map(|(path, value)| AuthMount {
            path: path.clone(),
            kind: value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        })
        .collect();
    mounts.sort_by(|a, b| a.path.cmp(&b.path));
    mounts
}

/// What the AppRole browser shows of one role, each part asked at once and failing on its own
/// (a token may read the settings but not the role-id).
#[derive(Debug)]
pub struct RoleDetails {
    pub settings: Result<Vec<RoleSetting>, VaultError>,
    pub role_id: Result<String, VaultError>,
    pub accessors: Result<Vec<SecretIdAccessor>, VaultError>,
}

impl VaultClient {
    /// A role's settings, role-id and secret-id accessors, asked at once.
    pub async fn approle_role_details(&self, mount: &str, role: &str) -> RoleDetails {
        let (settings, role_id, accessors) = tokio::join!(
            self.approle_role(mount, role),
            self.approle_role_id(mount, role),
            self.approle_secret_id_accessors(mount, role)
        );
        RoleDetails {
            settings,
            role_id,
            accessors,
        }
    }

    /// Enabled auth methods (`sys/auth`, needs read on it).
    pub async fn auth_mounts(&self) -> Result<Vec<AuthMount>, VaultError> {
        let path = "sys/auth";
        let body = self.send(Operation::Read, path, None).await?.json(path)?;
        Ok(parse_auth_mounts(&body))
    }

    pub async fn approle_roles(&self, mount: &str) -> Result<Vec<String>, VaultError> {
        let path = format!("auth/{}/role", mount_path(mount));
        match self.send(Operation::List, &path, None).await {
            Ok(raw) => Ok(keys_of(&raw.json(&path)?)),
            // No roles yet is an empty list, not an error.
            Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    pub async fn approle_role(
        &self,
        mount: &str,
        role: &str,
    ) -> Result<Vec<RoleSetting>, VaultError> {
        let path = format!("auth/{}/role/{role}", mount_path(mount));
        let body = self.send(Operation::Read, &path, None).await?.json(&path)?;
        Ok(parse_role_settings(&body))
    }

    pub async fn approle_role_id(&self, mount: &str, role: &str) -> Result<String, VaultError> {
        let path = format!("auth/{}/role/{role}/role-id", mount_path(mount));
        let body = self.send(Operation::Read, &path, None).await?.json(&path)?;
        body.pointer("/data/role_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| VaultError::Decode {
                path,
                reason: "no role_id in the answer".into(),
            })
    }

    /// The accessors of a role's live secret-ids, each looked up for its times and uses.
    pub async fn approle_secret_id_accessors(
        &self,
        mount: &str,
        role: &str,
    ) -> Result<Vec<SecretIdAccessor>, VaultError> {
        let path = format!("auth/{}/role/{role}/secret-id", mount_path(mount));
        let accessors = match self.send(Operation::List, &path, None).await {
            Ok(raw) => keys_of(&raw.json(&path)?),
            Err(VaultError::NotFound { .. }) => Vec::new(),
            Err(other) => return Err(other),
        };
        let lookup_path = format!(
            "auth/{}/role/{role}/secret-id-accessor/lookup",
            mount_path(mount)
        );
        let mut out = Vec::with_capacity(accessors.len());
        for accessor in accessors {
            let body = serde_json::json!({ "secret_id_accessor": accessor });
            let details = self
                .send(Operation::Write, &lookup_path, Some(&body))
                .await
                .and_then(|raw| raw.json(&lookup_path))
                .unwrap_or(Value::Null);
            let text = |name: &str| {
                details
                    .pointer(&format!("/data/{name}"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            out.push(SecretIdAccessor {
                creation_time: text("creation_time"),
                expiration_time: text("expiration_time"),
                secret_id_num_uses: details
                    .pointer("/data/secret_id_num_uses")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                accessor,
            });
        }
        Ok(out)
    }

    pub async fn approle_destroy_secret_id(
        &self,
        mount: &str,
        role: &str,
        accessor: &str,
    ) -> Result<(), VaultError> {
        let path = format!(
            "auth/{}/role/{role}/secret-id-accessor/destroy",
            mount_path(mount)
        );
        let body = serde_json::json!({ "secret_id_accessor": accessor });
        self.send(Operation::Write, &path, Some(&body))
            .await
            .map(|_| ())
    }

    /// Child namespaces of the current one (`LIST sys/namespaces`); none is an empty list.
    pub async fn namespaces(&self) -> Result<Vec<String>, VaultError> {
        let path = "sys/namespaces";
        match self.send(Operation::List, path, None).await {
            Ok(raw) => Ok(keys_of(&raw.json(path)?)),
            Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn role_settings_read_as_text() {
        let body = json!({"data": {"token_ttl": 3600, "token_policies": ["a", "b"],
            "bind_secret_id": true, "secret_id_bound_cidrs": null}});
        let settings = parse_role_settings(&body);
        let find = |n: &str| settings.iter().find(|s| s.name == n).unwrap().value.clone();
        assert_eq!(find("token_ttl"), "3600");
        assert_eq!(find("token_policies"), "a, b");
        assert_eq!(find("bind_secret_id"), "true");
        assert_eq!(find("secret_id_bound_cidrs"), "");
        assert_eq!(settings[0].name, "bind_secret_id");
    }

    #[test]
    fn auth_mounts_come_from_data_or_top_level() {
        let body = json!({"approle/": {"type": "approle"}, "token/": {"type": "token"},
            "request_id": "x", "data": {"approle/": {"type": "approle"}, "token/": {"type": "token"}}});
        let mounts = parse_auth_mounts(&body);
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[0].path, "approle/");
    }
}
