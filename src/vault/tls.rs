//! Which CAs the client trusts, and the files that say so: CA certificates (a bundle file and/or
//! a directory) and client PEMs. As the bao CLI does it: with a CA option only the named CAs are
//! trusted, without one only the system store (no bundled list).

use super::error::VaultError;
use crate::config::ConnectionSettings;
use std::path::{Path, PathBuf};

pub(super) fn read_file(path: &Path) -> Result<Vec<u8>, VaultError> {
    std::fs::read(path)
        .map_err(|e| VaultError::Config(format!("cannot read {}: {e}", path.display())))
}

/// Where the trusted CAs come from; named in the message when a server's certificate is not
/// signed by one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Trust {
    /// The system store (no CA option).
    #[default]
    System,
    /// Only the CAs of `--ca-cert` / `--ca-path` (or their `BAO_*` variables).
    Named {
        file: Option<PathBuf>,
        dir: Option<PathBuf>,
    },
    /// No CA option, and the system store holds no CA at all.
    EmptySystemStore,
}

impl Trust {
    pub fn of(settings: &ConnectionSettings) -> Self {
        if settings.ca_cert.is_none() && settings.ca_path.is_none() {
            Trust::System
        } else {
            Trust::Named {
                file: settings.ca_cert.clone(),
                dir: settings.ca_path.clone(),
            }
        }
    }

    /// Why a certificate signed by an unknown CA is refused, and what to do about it.
    pub(super) fn untrusted_issuer(&self) -> String {
        match self {
            Trust::System => "the server's certificate is signed by a CA this machine does not \
                              trust (give it with --ca-cert or BAO_CACERT)"
                .into(),
            Trust::EmptySystemStore => "the server's certificate cannot be trusted: this \
                                        machine's system CA store is empty (nothing in \
                                        SSL_CERT_FILE / SSL_CERT_DIR or the system's CA \
                                        certificates); give the server's CA with --ca-cert or \
                                        BAO_CACERT"
                .into(),
            Trust::Named { file, dir } => {
                let mut named = Vec::new();
                if let Some(file) = file {
                    named.push(format!("the CA file {} (--ca-cert)", file.display()));
                }
                if let Some(dir) = dir {
                    named.push(format!("the CA directory {} (--ca-path)", dir.display()));
                }
                format!(
                    "the server's certificate is not signed by a CA in {}, the only CAs trusted \
                     when a CA is given",
                    named.join(" or ")
                )
            }
        }
    }
}

/// What the client's TLS was set up with, named in the messages when a handshake fails: the CAs
/// it trusts, and the client certificate it presents (mTLS), if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TlsSetup {
    pub trust: Trust,
    pub client_cert: Option<PathBuf>,
}

impl TlsSetup {
    pub fn of(settings: &ConnectionSettings) -> Self {
        Self {
            trust: Trust::of(settings),
            client_cert: settings.client_cert.clone(),
        }
    }

    /// Why the server ended the handshake with `alert` (one it sent: the client's own checks of
    /// the server's certificate are worded by [`Trust`]), when the alert is about the client's
    /// certificate: the server wants one, or refused the one it was given.
    pub(super) fn refused_by_server(&self, alert: &str) -> Option<String> {
        let Some(cert) = &self.client_cert else {
            // TLS 1.3 says "certificate required"; over TLS 1.2 a server that gets no certificate
            // where it requires one says "bad certificate".
            return matches!(alert, "CertificateRequired" | "BadCertificate").then(|| {
                "the server asked for a client certificate and none was given (--client-cert \
                 and --client-key, or BAO_CLIENT_CERT and BAO_CLIENT_KEY)"
                    .to_string()
            });
        };
        let why = match alert {
            "CertificateRequired" => "it asked for a client certificate all the same",
            "UnknownCA" => "it is not signed by a CA the server trusts for clients",
            "CertificateExpired" => "it has expired",
            "CertificateRevoked" => "it was revoked",
            // TLS 1.2 says no more than "bad certificate" for every reason.
            "BadCertificate" | "UnsupportedCertificate" | "CertificateUnknown" | "AccessDenied" => {
                "the server does not accept it (is it signed by a CA the server trusts for \
                 clients, and still valid?)"
            }
            _ => return None,
        };
        Some(format!(
            "the server refused the client certificate {} (--client-cert): {why}",
            cert.display()
        ))
    }
}

/// The CA certificates read from one file.
pub(super) struct CaFile {
    pub path: PathBuf,
    pub certificates: Vec<reqwest::Certificate>,
}

/// The certificates of `--ca-cert` and `--ca-path`, per file. A file holding no certificate
/// (empty, a key, text) is refused with its name rather than trusting nothing in silence.
pub(super) fn load_ca_certificates(
    settings: &ConnectionSettings,
) -> Result<Vec<CaFile>, VaultError> {
    let mut files = Vec::new();
    if let Some(file) = &settings.ca_cert {
        files.push(file.clone());
    }
    if let Some(dir) = &settings.ca_path {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            VaultError::Config(format!("cannot read CA directory {}: {e}", dir.display()))
        })?;
        let mut in_dir: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .collect();
        if in_dir.is_empty() {
            return Err(VaultError::Config(format!(
                "no certificate in the CA directory {} (--ca-path): it holds no file",
                dir.display()
            )));
        }
        in_dir.sort();
        files.extend(in_dir);
    }
    let mut loaded = Vec::new();
    for file in files {
        let pem = read_file(&file)?;
        let parsed = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            VaultError::Config(format!("bad CA certificate {}: {e}", file.display()))
        })?;
        if parsed.is_empty() {
            return Err(VaultError::Config(format!(
                "no certificate in the CA file {}: it must hold PEM certificates \
                 (-----BEGIN CERTIFICATE-----)",
                file.display()
            )));
        }
        loaded.push(CaFile {
            path: file,
            certificates: parsed,
        });
    }
    Ok(loaded)
}

/// Every HTTP client's builder: rustls, with ring as its crypto provider (installed once per
/// process; reqwest is built without its default provider, aws-lc, a large C build).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        // Err means a provider is already installed (by whoever embeds this): that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder().tls_backend_rustls()
}

/// Whether building a client failed because the system store holds no CA at all
/// (rustls-platform-verifier's refusal, known only by its text).
pub(super) fn no_system_certificates(error: &reqwest::Error) -> bool {
    with_causes(error).contains("No CA certificates were loaded from the system")
}

/// Why the HTTP client could not be built. A certificate that is PEM on the outside but not a
/// certificate inside only fails here, with no file named: find the file by trying each alone.
pub(super) fn build_error(
    error: &reqwest::Error,
    ca_files: &[CaFile],
    client: Option<(&Path, &Path, &reqwest::Identity)>,
) -> VaultError {
    for file in ca_files {
        let alone = file
            .certificates
            .iter()
            .fold(http_client_builder(), |builder, certificate| {
                builder.tls_certs_only([certificate.clone()])
            });
        if let Err(error) = alone.build() {
            return VaultError::Config(format!(
                "bad CA certificate in {}: {}",
                file.path.display(),
                with_causes(&error)
            ));
        }
    }
    // A client certificate and a key that are each well formed but not a pair only fail here.
    if let Some((cert, key, identity)) = client {
        let alone = http_client_builder().identity(identity.clone());
        if let Err(error) = alone.build() {
            let causes = with_causes(&error);
            let what = if causes.contains("KeyMismatch") || causes.contains("not be consistent") {
                "does not match"
            } else {
                "cannot be used with"
            };
            return VaultError::Config(format!(
                "the client key {} (--client-key) {what} the client certificate {} \
                 (--client-cert): {causes}",
                key.display(),
                cert.display()
            ));
        }
    }
    VaultError::Config(format!("HTTP client: {}", with_causes(error)))
}

fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
