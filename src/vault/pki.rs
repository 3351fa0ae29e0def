//! The PKI engine: a mount's issuers, roles and the certificates it issued; revoking one, issuing
//! one from a role; what the token may do there; and the walk of every PKI mount for certificates
//! that end soon (shared by the TUI's "expiring" view and `tresor certs --expiring`).
//!
//! What crosses Effect -> runtime -> Action is defined here ([`PkiRequest`], [`PkiAnswer`]).

use super::approle::{RoleSetting, parse_role_settings};
use super::client::{Operation, VaultClient};
use super::error::VaultError;
use super::kv::parse_keys;
use crate::certs::{self, CertSummary};
use crate::secret::SecretText;
use futures_util::StreamExt;
use serde_json::{Value, json};

/// How many certificates are read at once (a mount may hold thousands).
pub const CONCURRENCY: usize = 8;

/// The mount without slashes at its ends (`pki`), for building API paths.
pub fn mount_path(mount: &str) -> &str {
    mount.trim().trim_matches('/')
}

/// One issuer of a mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub id: String,
    /// `issuer_name` (may be empty).
    pub name: String,
    /// The decoded certificate (`None`: the issuer could not be read, see `error`).
    pub cert: Option<Box<CertSummary>>,
    pub is_default: bool,
    pub error: Option<String>,
}

/// One certificate the mount issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkiCert {
    /// As the engine writes it: hex pairs separated by `-` or `:`.
    pub serial: String,
    pub summary: Option<Box<CertSummary>>,
    /// The certificate's PEM (public: copyable without a clear).
    pub pem: String,
    /// Unix seconds of the revocation; `None`: not revoked.
    pub revoked_at: Option<i64>,
}

/// What `issue/<role>` answered: shown once, the key never kept anywhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCert {
    pub role: String,
    pub serial: String,
    pub certificate: String,
    /// The issuing CA and the chain, PEM, in order.
    pub chain: Vec<String>,
    pub private_key: SecretText,
    pub private_key_type: String,
    /// What the server said beside the answer (a TTL capped at the role's `max_ttl`, ...).
    pub warnings: Vec<String>,
}

impl IssuedCert {
    /// The certificate followed by its chain (without repeating a PEM), for copying.
    pub fn full_chain(&self) -> String {
        let mut out = self.certificate.trim_end().to_string();
        for pem in &self.chain {
            if pem.trim() != self.certificate.trim() && !out.contains(pem.trim()) {
                out.push('\n');
                out.push_str(pem.trim_end());
            }
        }
        out.push('\n');
        out
    }
}

/// What is asked to issue a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRequest {
    pub role: String,
    pub common_name: String,
    /// Comma-separated, as the API takes them (empty: none).
    pub alt_names: String,
    /// `24h`, `30d`...; empty: the role's default.
    pub ttl: String,
}

/// A comma-separated list as the API takes it: each item trimmed, empty ones left out. OpenBao
/// drops an alt name with a leading space without a word (`a, b` issued only `a`).
pub fn comma_list(text: &str) -> String {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// What the token may do on a mount's operation paths: `path -> capabilities`.
pub use super::sys::Capabilities;

/// Whether `caps` allow writing (`update` or `create`, or root/sudo).
pub fn may_write(caps: Option<&Vec<String>>) -> bool {
    match caps {
        // Not known: the server decides.
        None => true,
        Some(caps) => caps
            .iter()
            .any(|c| matches!(c.as_str(), "update" | "create" | "root")),
    }
}

/// A request on one PKI mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkiRequest {
    Issuers,
    Roles,
    Role {
        name: String,
    },
    /// The serials of the certificates the mount issued.
    Serials,
    /// These certificates' details, read at once (bounded).
    Certs {
        serials: Vec<String>,
    },
    Revoke {
        serial: String,
    },
    Issue(IssueRequest),
    /// What the token may do on these paths.
    Capabilities {
        paths: Vec<String>,
    },
}

/// The answer to a [`PkiRequest`].
#[derive(Debug)]
pub enum PkiAnswer {
    Issuers(Result<Vec<Issuer>, VaultError>),
    Roles(Result<Vec<String>, VaultError>),
    Role {
        name: String,
        result: Result<Vec<RoleSetting>, VaultError>,
    },
    Serials(Result<Vec<String>, VaultError>),
    Certs(Vec<(String, Result<PkiCert, VaultError>)>),
    Revoked {
        serial: String,
        result: Result<(), VaultError>,
    },
    Issued(Result<IssuedCert, VaultError>),
    Capabilities(Result<Capabilities, VaultError>),
}

impl PkiAnswer {
    /// How the request came back (the first error of a batch).
    pub fn result(&self) -> Result<(), &VaultError> {
        fn of<T>(result: &Result<T, VaultError>) -> Result<(), &VaultError> {
            result.as_ref().map(|_| ())
        }
        match self {
            PkiAnswer::Issuers(result) => of(result),
            PkiAnswer::Roles(result) | PkiAnswer::Serials(result) => of(result),
            PkiAnswer::Role { result, .. } => of(result),
            PkiAnswer::Certs(list) => list
                .iter()
                .find_map(|(_, result)| result.as_ref().err())
                .map_or(Ok(()), Err),
            PkiAnswer::Revoked { result, .. } => of(result),
            PkiAnswer::Issued(result) => of(result),
            PkiAnswer::Capabilities(result) => of(result),
        }
    }
}

/// A certificate that ends within a window, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringCert {
    pub place: CertPlace,
    pub summary: Box<CertSummary>,
}

/// Where a certificate was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CertPlace {
    /// Issued by a PKI mount (`pki/`), with its serial.
    Pki { mount: String, serial: String },
    /// In a KV value: the secret's full path (`secret/app/tls`) and the key.
    Kv { path: String, key: String },
}

impl CertPlace {
    /// `pki/cert/<serial>` or `secret/app/tls` (`key`).
    pub fn display(&self) -> String {
        match self {
            CertPlace::Pki { mount, serial } => format!("{}/cert/{serial}", mount_path(mount)),
            CertPlace::Kv { path, key } => format!("{path} ({key})"),
        }
    }
}

fn text(data: &Value, name: &str) -> String {
    data.get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn first_certificate(pem: &str) -> Option<Box<CertSummary>> {
    certs::certificates(pem).into_iter().next().map(Box::new)
}

/// A certificate's answer (`GET <mount>/cert/<serial>`).
pub fn parse_cert(serial: &str, body: &Value) -> PkiCert {
    let data = body.get("data").unwrap_or(&Value::Null);
    let pem = text(data, "certificate");
    let revoked_at = data
        .get("revocation_time")
        .and_then(Value::as_i64)
        .filter(|t| *t > 0);
    PkiCert {
        serial: serial.to_string(),
        summary: first_certificate(&pem),
        pem,
        revoked_at,
    }
}

/// The answer of `issue/<role>`.
pub fn parse_issued(role: &str, body: &Value) -> Option<IssuedCert> {
    let data = body.get("data")?;
    let certificate = data.get("certificate")?.as_str()?.to_string();
    let private_key = SecretText::new(data.get("private_key")?.as_str()?);
    let mut chain: Vec<String> = data
        .get("ca_chain")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if chain.is_empty() {
        let issuing = text(data, "issuing_ca");
        if !issuing.is_empty() {
            chain.push(issuing);
        }
    }
    Some(IssuedCert {
        role: role.to_string(),
        serial: text(data, "serial_number"),
        certificate,
        chain,
        private_key,
        private_key_type: text(data, "private_key_type"),
        warnings: body
            .get("warnings")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn list_or_empty(
    result: Result<super::client::RawResponse, VaultError>,
    path: &str,
) -> Result<Vec<String>, VaultError> {
    match result {
        Ok(raw) => Ok(parse_keys(&raw.json(path)?)),
        // Nothing there yet is an empty list, not an error.
        Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
        Err(other) => Err(other),
    }
}

impl VaultClient {
    /// Does one request on a PKI mount.
    pub async fn pki(&self, mount: &str, request: &PkiRequest) -> PkiAnswer {
        match request {
            PkiRequest::Issuers => PkiAnswer::Issuers(self.pki_issuers(mount).await),
            PkiRequest::Roles => PkiAnswer::Roles(self.pki_roles(mount).await),
            PkiRequest::Role { name } => PkiAnswer::Role {
                name: name.clone(),
                result: self.pki_role(mount, name).await,
            },
            PkiRequest::Serials => PkiAnswer::Serials(self.pki_serials(mount).await),
            PkiRequest::Certs { serials } => PkiAnswer::Certs(self.pki_certs(mount, serials).await),
            PkiRequest::Revoke { serial } => PkiAnswer::Revoked {
                serial: serial.clone(),
                result: self.pki_revoke(mount, serial).await,
            },
            PkiRequest::Issue(issue) => PkiAnswer::Issued(self.pki_issue(mount, issue).await),
            PkiRequest::Capabilities { paths } => {
                PkiAnswer::Capabilities(self.capabilities_of(paths).await)
            }
        }
    }

    /// The issuers, each read for its name and certificate, and which one is the default.
    pub async fn pki_issuers(&self, mount: &str) -> Result<Vec<Issuer>, VaultError> {
        let mount = mount_path(mount);
        let path = format!("{mount}/issuers");
        let ids = list_or_empty(self.send(Operation::List, &path, None).await, &path)?;
        let config_path = format!("{mount}/config/issuers");
        // A token that may not read the config still sees the issuers.
        let default = self
            .send(Operation::Read, &config_path, None)
            .await
            .and_then(|raw| raw.json(&config_path))
            .map(|body| text(body.get("data").unwrap_or(&Value::Null), "default"))
            .unwrap_or_default();
        let issuers = futures_util::stream::iter(ids)
            .map(|id| {
                let path = format!("{mount}/issuer/{id}");
                let default = default.clone();
                async move {
                    let read = self
                        .send(Operation::Read, &path, None)
                        .await
                        .and_then(|raw| raw.json(&path));
                    match read {
                        Ok(body) => {
                            let data = body.get("data").unwrap_or(&Value::Null);
                            Issuer {
                                is_default: id == default,
                                name: text(data, "issuer_name"),
                                cert: first_certificate(&text(data, "certificate")),
                                id,
                                error: None,
                            }
                        }
                        Err(error) => Issuer {
                            is_default: id == default,
                            name: String::new(),
                            cert: None,
                            id,
                            error: Some(error.to_string()),
                        },
                    }
                }
            })
            .buffered(CONCURRENCY)
            .collect()
            .await;
        Ok(issuers)
    }

    pub async fn pki_roles(&self, mount: &str) -> Result<Vec<String>, VaultError> {
        let path = format!("{}/roles", mount_path(mount));
        list_or_empty(self.send(Operation::List, &path, None).await, &path)
    }

    pub async fn pki_role(&self, mount: &str, role: &str) -> Result<Vec<RoleSetting>, VaultError> {
        let path = format!("{}/roles/{role}", mount_path(mount));
        let body = self.send(Operation::Read, &path, None).await?.json(&path)?;
        Ok(parse_role_settings(&body))
    }

    /// The serials of every certificate the mount issued (`LIST <mount>/certs`), in the
    /// server's order.
    pub async fn pki_serials(&self, mount: &str) -> Result<Vec<String>, VaultError> {
        let path = format!("{}/certs", mount_path(mount));
        list_or_empty(self.send(Operation::List, &path, None).await, &path)
    }

    pub async fn pki_cert(&self, mount: &str, serial: &str) -> Result<PkiCert, VaultError> {
        let path = format!("{}/cert/{serial}", mount_path(mount));
        let body = self.send(Operation::Read, &path, None).await?.json(&path)?;
        Ok(parse_cert(serial, &body))
    }

    /// These certificates, read [`CONCURRENCY`] at a time, in the order asked.
    pub async fn pki_certs(
        &self,
        mount: &str,
        serials: &[String],
    ) -> Vec<(String, Result<PkiCert, VaultError>)> {
        futures_util::stream::iter(serials.iter().cloned())
            .map(|serial| async move {
                let result = self.pki_cert(mount, &serial).await;
                (serial, result)
            })
            .buffered(CONCURRENCY)
            .collect()
            .await
    }

    pub async fn pki_revoke(&self, mount: &str, serial: &str) -> Result<(), VaultError> {
        let path = format!("{}/revoke", mount_path(mount));
        let body = json!({ "serial_number": serial });
        self.send(Operation::Write, &path, Some(&body))
            .await
            .map(|_| ())
    }

    pub async fn pki_issue(
        &self,
        mount: &str,
        issue: &IssueRequest,
    ) -> Result<IssuedCert, VaultError> {
        let path = format!("{}/issue/{}", mount_path(mount), issue.role);
        let mut body = json!({ "common_name": issue.common_name.trim() });
        let alt_names = comma_list(&issue.alt_names);
        if !alt_names.is_empty() {
            body["alt_names"] = json!(alt_names);
        }
        if !issue.ttl.trim().is_empty() {
            body["ttl"] = json!(issue.ttl.trim());
        }
        let answer = self
            .send(Operation::Write, &path, Some(&body))
            .await?
            .json(&path)?;
        parse_issued(&issue.role, &answer).ok_or_else(|| VaultError::Decode {
            path,
            reason: "no certificate or private key in the answer".into(),
        })
    }

    /// Every certificate of a PKI mount that ends within `window` of `now` (revoked ones
    /// left out), soonest first. Certificates that cannot be read are returned as errors beside.
    pub async fn pki_expiring(
        &self,
        mount: &str,
        now: time::OffsetDateTime,
        window: time::Duration,
    ) -> Result<(Vec<ExpiringCert>, Vec<VaultError>), VaultError> {
        let serials = self.pki_serials(mount).await?;
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for (serial, result) in self.pki_certs(mount, &serials).await {
            match result {
                Ok(cert) if cert.revoked_at.is_none() => {
                    if let Some(summary) = cert.summary
                        && summary.expires_within(now, window)
                    {
                        found.push(ExpiringCert {
                            place: CertPlace::Pki {
                                mount: mount.to_string(),
                                serial,
                            },
                            summary,
                        });
                    }
                }
                Ok(_) => {}
                Err(error) => errors.push(error),
            }
        }
        found.sort_by_key(|c| c.summary.not_after);
        Ok((found, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revocation_time_of_zero_is_not_revoked() {
        let cert = parse_cert(
            "01",
            &json!({"data": {"certificate": "", "revocation_time": 0}}),
        );
        assert_eq!(cert.revoked_at, None);
        let cert = parse_cert(
            "01",
            &json!({"data": {"certificate": "", "revocation_time": 17}}),
        );
        assert_eq!(cert.revoked_at, Some(17));
    }

    #[test]
    fn an_issued_key_is_kept_secret_in_debug() {
        let issued = parse_issued(
            "web",
            &json!({"data": {"certificate": "C", "private_key": "TOPSECRETKEY",
                "ca_chain": ["I"], "serial_number": "01"}}),
        )
        .expect("parsed");
        assert!(!format!("{issued:?}").contains("TOPSECRETKEY"));
        assert_eq!(issued.full_chain(), "C\nI\n");
    }

    #[test]
    fn unknown_capabilities_let_the_server_decide() {
        assert!(may_write(None));
        assert!(!may_write(Some(&vec!["read".into()])));
        assert!(may_write(Some(&vec!["update".into()])));
        assert!(may_write(Some(&vec!["root".into()])));
    }
}
