//! Transit ("encryption as a service"): a mount's keys and their settings, what the token may do
//! with a key (`sys/capabilities-self` on the operation paths), and the operations: encrypt,
//! decrypt, rewrap, sign, verify, rotate. Plaintext travels base64-encoded (done here) in wiped
//! buffers; it is never put into a `serde_json::Value`, an error or a log line.

use super::client::{Operation, VaultClient, error_for_status};
use super::error::VaultError;
use crate::secret::SecretBytes;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use zeroize::Zeroizing;

/// What a Transit key is, as `GET <mount>/keys/<name>` says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransitKey {
    pub name: String,
    /// `aes256-gcm96`, `ed25519`, `rsa-2048`, ...
    pub kind: String,
    pub latest_version: u64,
    pub min_decryption_version: u64,
    pub min_encryption_version: u64,
    /// The versions the server keeps (their number, oldest first).
    pub versions: Vec<u64>,
    pub exportable: bool,
    pub deletion_allowed: bool,
    pub supports_encryption: bool,
    pub supports_decryption: bool,
    pub supports_signing: bool,
}

/// One thing that can be done with a key, each on its own path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TransitOperation {
    Encrypt,
    Decrypt,
    Rewrap,
    Sign,
    Verify,
    Rotate,
}

impl TransitOperation {
    pub const ALL: [TransitOperation; 6] = [
        TransitOperation::Encrypt,
        TransitOperation::Decrypt,
        TransitOperation::Rewrap,
        TransitOperation::Sign,
        TransitOperation::Verify,
        TransitOperation::Rotate,
    ];

    /// The API path of the operation on a key (`transit/encrypt/app`, `transit/keys/app/rotate`).
    pub fn path(self, mount: &str, key: &str) -> String {
        let mount = mount_path(mount);
        match self {
            TransitOperation::Encrypt => format!("{mount}/encrypt/{key}"),
            TransitOperation::Decrypt => format!("{mount}/decrypt/{key}"),
            TransitOperation::Rewrap => format!("{mount}/rewrap/{key}"),
            TransitOperation::Sign => format!("{mount}/sign/{key}"),
            TransitOperation::Verify => format!("{mount}/verify/{key}"),
            TransitOperation::Rotate => format!("{mount}/keys/{key}/rotate"),
        }
    }

    /// The capability the operation needs on its path (every one is a POST to an existing key).
    pub fn capability(self) -> &'static str {
        "update"
    }

    /// The operation in words (`encrypt`, `rotate`).
    pub fn verb(self) -> &'static str {
        match self {
            TransitOperation::Encrypt => "encrypt",
            TransitOperation::Decrypt => "decrypt",
            TransitOperation::Rewrap => "rewrap",
            TransitOperation::Sign => "sign",
            TransitOperation::Verify => "verify",
            TransitOperation::Rotate => "rotate",
        }
    }
}

/// What the token may do with one key: the capabilities on each operation's path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyCapabilities {
    /// The operation, its path and the capabilities the server named there.
    pub paths: Vec<(TransitOperation, String, Vec<String>)>,
    /// Not asked or not answered: everything is offered and the server decides.
    pub unknown: bool,
}

impl KeyCapabilities {
    pub fn unknown() -> Self {
        Self {
            paths: Vec::new(),
            unknown: true,
        }
    }

    /// Whether the token may do `operation` (always, while not known).
    pub fn allows(&self, operation: TransitOperation) -> bool {
        self.unknown || self.missing(operation).is_none()
    }

    /// The path and capability the token lacks for `operation`, when it lacks one.
    pub fn missing(&self, operation: TransitOperation) -> Option<(String, &'static str)> {
        if self.unknown {
            return None;
        }
        let wanted = operation.capability();
        let (_, path, caps) = self.paths.iter().find(|(op, ..)| *op == operation)?;
        let allowed = caps.iter().any(|c| c == "root" || c == wanted);
        (!allowed).then(|| (path.clone(), wanted))
    }
}

/// An operation and its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitInput {
    /// The plaintext as bytes (base64-encoded here).
    Encrypt(SecretBytes),
    Decrypt(String),
    Rewrap(String),
    Sign(SecretBytes),
    Verify {
        input: SecretBytes,
        signature: String,
    },
}

impl TransitInput {
    pub fn operation(&self) -> TransitOperation {
        match self {
            TransitInput::Encrypt(_) => TransitOperation::Encrypt,
            TransitInput::Decrypt(_) => TransitOperation::Decrypt,
            TransitInput::Rewrap(_) => TransitOperation::Rewrap,
            TransitInput::Sign(_) => TransitOperation::Sign,
            TransitInput::Verify { .. } => TransitOperation::Verify,
        }
    }
}

/// What an operation gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitOutput {
    /// `vault:vN:...` (encrypt, rewrap).
    Ciphertext(String),
    /// The decrypted bytes (wiped on drop).
    Plaintext(SecretBytes),
    /// `vault:vN:...` (sign).
    Signature(String),
    Verified(bool),
}

/// What the Transit screen asks of the runtime (a mount's keys, one key, an operation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitRequest {
    ListKeys,
    /// The key's settings and what the token may do with it.
    ReadKey {
        name: String,
    },
    Run {
        name: String,
        input: TransitInput,
    },
    Rotate {
        name: String,
    },
}

/// The answer to a [`TransitRequest`].
#[derive(Debug)]
pub enum TransitAnswer {
    Keys(Result<Vec<String>, VaultError>),
    Key {
        name: String,
        key: Result<TransitKey, VaultError>,
        capabilities: Result<KeyCapabilities, VaultError>,
    },
    Ran {
        name: String,
        operation: TransitOperation,
        result: Result<TransitOutput, VaultError>,
    },
    Rotated {
        name: String,
        result: Result<(), VaultError>,
    },
}

impl TransitAnswer {
    /// How the request came back (for the runtime's table of answers).
    pub fn result(&self) -> Result<(), &VaultError> {
        match self {
            TransitAnswer::Keys(result) => result.as_ref().map(|_| ()),
            TransitAnswer::Key { key, .. } => key.as_ref().map(|_| ()),
            TransitAnswer::Ran { result, .. } => result.as_ref().map(|_| ()),
            TransitAnswer::Rotated { result, .. } => result.as_ref().map(|_| ()),
        }
    }
}

fn mount_path(mount: &str) -> &str {
    mount.trim().trim_matches('/')
}

fn flag(data: &Value, name: &str) -> bool {
    data.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn number(data: &Value, name: &str) -> u64 {
    data.get(name).and_then(Value::as_u64).unwrap_or(0)
}

/// A key's settings from `GET <mount>/keys/<name>`.
pub fn parse_key(name: &str, body: &Value) -> Option<TransitKey> {
    let data = body.get("data")?;
    let mut versions: Vec<u64> = data
        .get("keys")
        .and_then(Value::as_object)
        .map(|keys| keys.keys().filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    versions.sort_unstable();
    Some(TransitKey {
        name: name.to_string(),
        kind: data
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        latest_version: number(data, "latest_version"),
        min_decryption_version: number(data, "min_decryption_version"),
        min_encryption_version: number(data, "min_encryption_version"),
        versions,
        exportable: flag(data, "exportable"),
        deletion_allowed: flag(data, "deletion_allowed"),
        supports_encryption: flag(data, "supports_encryption"),
        supports_decryption: flag(data, "supports_decryption"),
        supports_signing: flag(data, "supports_signing"),
    })
}

/// The JSON body `{"<name>":"<base64 of bytes>", ...}` in a wiped buffer (base64 and the other
/// strings need no JSON escaping beyond what `json!` gives the non-secret fields).
fn body_with_base64(name: &str, bytes: &[u8], extra: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    let mut encoded = Zeroizing::new(String::new());
    STANDARD.encode_string(bytes, &mut encoded);
    let mut body = Zeroizing::new(Vec::with_capacity(encoded.len() + 64));
    body.extend_from_slice(b"{\"");
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(b"\":\"");
    body.extend_from_slice(encoded.as_bytes());
    body.push(b'"');
    for (field, value) in extra {
        body.push(b',');
        body.extend_from_slice(json!(field).to_string().as_bytes());
        body.push(b':');
        body.extend_from_slice(json!(value).to_string().as_bytes());
    }
    body.push(b'}');
    body
}

fn decode_error(path: &str, reason: &str) -> VaultError {
    VaultError::Decode {
        path: path.to_string(),
        reason: reason.to_string(),
    }
}

#[derive(serde::Deserialize)]
struct PlaintextAnswer {
    data: PlaintextData,
}

#[derive(serde::Deserialize)]
struct PlaintextData {
    plaintext: Zeroizing<String>,
}

impl VaultClient {
    /// The mount's key names (`LIST <mount>/keys`); none yet is an empty list.
    pub async fn transit_keys(&self, mount: &str) -> Result<Vec<String>, VaultError> {
        let path = format!("{}/keys", mount_path(mount));
        match self.send(Operation::List, &path, None).await {
            Ok(raw) => Ok(super::kv::parse_keys(&raw.json(&path)?)),
            Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    pub async fn transit_key(&self, mount: &str, name: &str) -> Result<TransitKey, VaultError> {
        let path = format!("{}/keys/{name}", mount_path(mount));
        let body = self.send(Operation::Read, &path, None).await?.json(&path)?;
        parse_key(name, &body).ok_or_else(|| decode_error(&path, "no key settings in the answer"))
    }

    /// What the token may do with the key, one path per operation.
    pub async fn transit_capabilities(
        &self,
        mount: &str,
        name: &str,
    ) -> Result<KeyCapabilities, VaultError> {
        let paths: Vec<String> = TransitOperation::ALL
            .iter()
            .map(|op| op.path(mount, name))
            .collect();
        let mut answer = self.capabilities_of(&paths).await?;
        let paths = TransitOperation::ALL
            .iter()
            .zip(paths)
            .map(|(op, path)| {
                let caps = answer.remove(&path).unwrap_or_default();
                (*op, path, caps)
            })
            .collect();
        Ok(KeyCapabilities {
            paths,
            unknown: false,
        })
    }

    /// POSTs a body that may hold plaintext and reads the JSON answer.
    async fn transit_post(&self, path: &str, body: &[u8]) -> Result<Value, VaultError> {
        let (status, answer) = self.send_bytes(Operation::Write, path, Some(body)).await?;
        if !status.is_success() {
            return Err(error_for_status(status, path, Operation::Write, &answer));
        }
        super::client::RawResponse { body: answer }.json(path)
    }

    fn ciphertext_of(path: &str, body: &Value, field: &str) -> Result<String, VaultError> {
        body.pointer(&format!("/data/{field}"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| decode_error(path, &format!("no {field} in the answer")))
    }

    /// Runs one operation on a key.
    pub async fn transit_run(
        &self,
        mount: &str,
        name: &str,
        input: &TransitInput,
    ) -> Result<TransitOutput, VaultError> {
        let path = input.operation().path(mount, name);
        match input {
            TransitInput::Encrypt(plaintext) => {
                let body = body_with_base64("plaintext", plaintext.expose(), &[]);
                let answer = self.transit_post(&path, &body).await?;
                Self::ciphertext_of(&path, &answer, "ciphertext").map(TransitOutput::Ciphertext)
            }
            TransitInput::Decrypt(ciphertext) => {
                let body = Zeroizing::new(
                    json!({ "ciphertext": ciphertext.trim() })
                        .to_string()
                        .into_bytes(),
                );
                let (status, answer) = self
                    .send_bytes(Operation::Write, &path, Some(&body))
                    .await?;
                if !status.is_success() {
                    return Err(error_for_status(status, &path, Operation::Write, &answer));
                }
                let parsed: PlaintextAnswer = serde_json::from_slice(&answer)
                    .map_err(|_| decode_error(&path, "no plaintext in the answer"))?;
                let bytes = STANDARD
                    .decode(parsed.data.plaintext.as_bytes())
                    .map_err(|_| decode_error(&path, "the plaintext is not base64"))?;
                Ok(TransitOutput::Plaintext(SecretBytes::new(Zeroizing::new(
                    bytes,
                ))))
            }
            TransitInput::Rewrap(ciphertext) => {
                let body = json!({ "ciphertext": ciphertext.trim() });
                let answer = self
                    .send(Operation::Write, &path, Some(&body))
                    .await?
                    .json(&path)?;
                Self::ciphertext_of(&path, &answer, "ciphertext").map(TransitOutput::Ciphertext)
            }
            TransitInput::Sign(input) => {
                let body = body_with_base64("input", input.expose(), &[]);
                let answer = self.transit_post(&path, &body).await?;
                Self::ciphertext_of(&path, &answer, "signature").map(TransitOutput::Signature)
            }
            TransitInput::Verify { input, signature } => {
                let body =
                    body_with_base64("input", input.expose(), &[("signature", signature.trim())]);
                let answer = self.transit_post(&path, &body).await?;
                answer
                    .pointer("/data/valid")
                    .and_then(Value::as_bool)
                    .map(TransitOutput::Verified)
                    .ok_or_else(|| decode_error(&path, "no valid in the answer"))
            }
        }
    }

    /// Rotates a key: a new latest version (the caller reads the key again).
    pub async fn transit_rotate(&self, mount: &str, name: &str) -> Result<(), VaultError> {
        let path = TransitOperation::Rotate.path(mount, name);
        self.send(Operation::Write, &path, None).await.map(|_| ())
    }

    /// Does what the Transit screen asked.
    pub async fn transit_request(&self, mount: &str, request: &TransitRequest) -> TransitAnswer {
        match request {
            TransitRequest::ListKeys => TransitAnswer::Keys(self.transit_keys(mount).await),
            TransitRequest::ReadKey { name } => {
                let (key, capabilities) = tokio::join!(
                    self.transit_key(mount, name),
                    self.transit_capabilities(mount, name)
                );
                TransitAnswer::Key {
                    name: name.clone(),
                    key,
                    capabilities,
                }
            }
            TransitRequest::Run { name, input } => TransitAnswer::Ran {
                name: name.clone(),
                operation: input.operation(),
                result: self.transit_run(mount, name, input).await,
            },
            TransitRequest::Rotate { name } => TransitAnswer::Rotated {
                name: name.clone(),
                result: self.transit_rotate(mount, name).await,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_with_base64_is_json_and_holds_the_encoded_bytes() {
        let body = body_with_base64(
            "input",
            "héllo 🙂".as_bytes(),
            &[("signature", "vault:v1:a\"b")],
        );
        let value: Value = serde_json::from_slice(&body).unwrap();
        let decoded = STANDARD.decode(value["input"].as_str().unwrap()).unwrap();
        assert_eq!(decoded, "héllo 🙂".as_bytes());
        assert_eq!(value["signature"], "vault:v1:a\"b");
    }

    #[test]
    fn missing_capability_names_the_path_and_the_capability() {
        let caps = KeyCapabilities {
            paths: vec![
                (
                    TransitOperation::Encrypt,
                    "transit/encrypt/k".into(),
                    vec!["deny".into()],
                ),
                (
                    TransitOperation::Decrypt,
                    "transit/decrypt/k".into(),
                    vec!["update".into()],
                ),
            ],
            unknown: false,
        };
        assert_eq!(
            caps.missing(TransitOperation::Encrypt),
            Some(("transit/encrypt/k".into(), "update"))
        );
        assert!(caps.allows(TransitOperation::Decrypt));
        assert!(KeyCapabilities::unknown().allows(TransitOperation::Rotate));
    }
}
