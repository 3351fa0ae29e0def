//! Typed errors of the Vault client. Messages name the path and operation, never a token or a value.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("not found: {path}")]
    NotFound { path: String },
    #[error("namespace {namespace:?} not found: it does not exist, or this token may not see it")]
    NamespaceNotFound { namespace: String },
    #[error("permission denied: {operation} on {path}")]
    PermissionDenied {
        path: String,
        operation: super::client::Operation,
    },
    #[error("the server is sealed")]
    Sealed,
    /// The server refused the token itself (not a policy denial) and no new one was given.
    #[error("not logged in: the server does not accept the token")]
    TokenRejected,
    #[error("check-and-set conflict on {path}: someone else wrote it first")]
    CasMismatch { path: String },
    /// A create found a secret already at the path (check-and-set 0 refused, or the existence
    /// check of an engine without check-and-set read one). Nothing was written.
    #[error("a secret already exists at {path}; nothing was written")]
    AlreadyExists { path: String },
    /// A create on an engine without check-and-set could not check for an existing secret: the
    /// token may not read the path. Nothing was written.
    #[error(
        "cannot check whether a secret exists at {path}: this token may not read it; nothing was written"
    )]
    ExistenceUnknown { path: String },
    #[error("rate limited by the server (429) on {path}")]
    RateLimited { path: String },
    #[error("cannot reach the server: {0}")]
    Network(String),
    #[error("request timed out after {0:?}")]
    Timeout(Duration),
    #[error("TLS error: {0}")]
    Tls(String),
    /// An https address answered in plain http (not TLS at all).
    #[error("TLS error: {0}")]
    PlainHttp(String),
    /// The server wants a client certificate (mTLS) and got none, or refused the one given:
    /// its own certificate was fine.
    #[error("TLS error: {0}")]
    ClientCertificate(String),
    #[error("server error {status} on {path}: {}", errors.join("; "))]
    Server {
        status: u16,
        path: String,
        errors: Vec<String>,
    },
    #[error("refused redirect: {0}")]
    Redirect(String),
    #[error("invalid path: {0}")]
    InvalidPath(String),
    #[error("unexpected response from {path}: {reason}")]
    Decode { path: String, reason: String },
    #[error("configuration error: {0}")]
    Config(String),
    /// The user gave up waiting (the app words it, with the keys to ask again).
    #[error("cancelled before the server answered")]
    Cancelled,
    /// A wrapping token the server does not know: already unwrapped, expired, or never issued
    /// (its answer does not say which).
    #[error(
        "this wrapping token is not valid: it was already unwrapped, has expired, or was never \
         issued (mistyped); a wrapping token works once, so nobody can unwrap it now"
    )]
    WrappingTokenInvalid,
}

/// The server's own error lines, with Go's multi-error wrapping ("1 error occurred:\n\t* ...")
/// taken off, so each message reads as the server wrote it.
pub fn server_lines(errors: &[String]) -> Vec<String> {
    errors
        .iter()
        .flat_map(|error| error.lines())
        .map(|line| line.trim().trim_start_matches("* ").trim())
        .filter(|line| {
            !(line.is_empty() || (line.ends_with("occurred:") && line.contains("error")))
        })
        .map(str::to_string)
        .collect()
}

impl VaultError {
    /// The server could not be reached or did not answer in time.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, VaultError::Network(_) | VaultError::Timeout(_))
    }

    /// The server was reached and said something (a refusal, its TLS, an error of its own), as
    /// opposed to no answer at all, or a request given up or never sent.
    pub fn server_answered(&self) -> bool {
        !(self.is_unreachable()
            || matches!(
                self,
                VaultError::Cancelled | VaultError::Config(_) | VaultError::InvalidPath(_)
            ))
    }

    /// Worth asking again after a pause: rate limits and server-side trouble (not sealed).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            VaultError::RateLimited { .. }
                | VaultError::Server {
                    status: 500 | 502 | 503 | 504,
                    ..
                }
        )
    }

    /// A refusal of the request the server checked the token for (it spent a use of a
    /// use-limited token): not a refusal of the token itself, not sealed, rate limited or
    /// failing.
    pub fn spends_a_use(&self) -> bool {
        match self {
            VaultError::PermissionDenied { .. }
            | VaultError::NotFound { .. }
            | VaultError::CasMismatch { .. }
            | VaultError::AlreadyExists { .. }
            | VaultError::Decode { .. } => true,
            VaultError::Server { status, .. } => (400..500).contains(status) && *status != 429,
            _ => false,
        }
    }

    pub fn is_permission_denied(&self) -> bool {
        matches!(self, VaultError::PermissionDenied { .. })
    }

    /// The transport error as a refusal of the client's certificate (the server wants one, or
    /// does not accept the one given), if it is one.
    pub(crate) fn client_certificate_refusal(
        error: &reqwest::Error,
        tls: &super::tls::TlsSetup,
    ) -> Option<Self> {
        let text = causes(error);
        let alert = match received_alert(&text)? {
            // Only asked after a TLS 1.3 handshake went through and the server then closed the
            // connection: a TLS 1.2 handshake it fails is its refusal of the client's certificate
            // (Go's TLS 1.2 server says "handshake failure" when none is given).
            "HandshakeFailure" => "BadCertificate",
            alert => alert,
        };
        let hint = tls.refused_by_server(alert)?;
        Some(VaultError::ClientCertificate(format!("{hint}: {text}")))
    }

    /// Maps a transport error without leaking headers; reqwest errors carry the URL (no token) only.
    /// `tls` says which CAs were trusted, for the message when none of them signed the server's
    /// certificate, and which client certificate was presented, for the message when the server
    /// wants one or refuses it.
    pub(crate) fn from_transport(
        error: &reqwest::Error,
        timeout: Duration,
        tls: &super::tls::TlsSetup,
    ) -> Self {
        if error.is_timeout() {
            return VaultError::Timeout(timeout);
        }
        let text = causes(error);
        let lower = text.to_lowercase();
        // rustls reading a plain-http answer as a TLS record.
        if lower.contains("corrupt message") || lower.contains("invalidcontenttype") {
            let plain = error.url().map_or("http://...".to_string(), |url| {
                format!("http://{}", url.authority())
            });
            return VaultError::PlainHttp(format!(
                "the server may speak plain http: try {plain} ({text})"
            ));
        }
        // An alert the server sent: it ended the handshake (mTLS: no client certificate, or one it
        // does not accept). The connection was made, so the server is not unreachable.
        if let Some(alert) = received_alert(&text) {
            return match tls.refused_by_server(alert) {
                Some(hint) => VaultError::ClientCertificate(format!("{hint}: {text}")),
                None => VaultError::Tls(format!(
                    "the server ended the TLS handshake ({alert}): {text}"
                )),
            };
        }
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            // BadSignature: a trusted CA has the issuer's name but did not sign it (another CA
            // of the same name, as two generated dev CAs are).
            let hint = if text.contains("UnknownIssuer") || text.contains("BadSignature") {
                tls.trust.untrusted_issuer()
            } else if text.contains("NotValidForName") {
                "the server's certificate does not name this host (see --tls-server-name)".into()
            } else if text.contains("Expired") {
                "the server's certificate has expired".into()
            } else {
                "TLS handshake failed".into()
            };
            VaultError::Tls(format!("{hint}: {text}"))
        } else {
            VaultError::Network(text)
        }
    }
}

/// The error and its causes, in one line.
fn causes(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The alert the peer sent, as rustls names it (`received fatal alert: UnknownCA`).
fn received_alert(text: &str) -> Option<&str> {
    let (_, after) = text.split_once("received fatal alert: ")?;
    let end = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    Some(&after[..end]).filter(|alert| !alert.is_empty())
}

impl From<super::path::PathError> for VaultError {
    fn from(error: super::path::PathError) -> Self {
        VaultError::InvalidPath(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alert_the_server_sent_is_read_from_rustls_words() {
        assert_eq!(
            received_alert(
                "error sending request: client error (SendRequest): connection error: received \
                 fatal alert: CertificateRequired"
            ),
            Some("CertificateRequired")
        );
        assert_eq!(
            received_alert("received fatal alert: UnknownCA: more"),
            Some("UnknownCA")
        );
        // The client's own verdict on the server's certificate is no alert received.
        assert_eq!(
            received_alert("invalid peer certificate: UnknownIssuer"),
            None
        );
        assert_eq!(received_alert("received fatal alert: "), None);
    }

    #[test]
    fn a_refused_client_certificate_is_named_and_a_missing_one_asked_for() {
        let none = super::super::tls::TlsSetup::default();
        for alert in ["CertificateRequired", "BadCertificate"] {
            let said = none.refused_by_server(alert).unwrap();
            assert!(
                said.contains("asked for a client certificate and none was given")
                    && said.contains("--client-cert"),
                "{said}"
            );
        }
        // Without a certificate, an alert about something else is not blamed on one.
        assert_eq!(none.refused_by_server("HandshakeFailure"), None);
        assert_eq!(none.refused_by_server("ProtocolVersion"), None);
        let given = super::super::tls::TlsSetup {
            client_cert: Some("/etc/tresor/client.pem".into()),
            ..Default::default()
        };
        let said = given.refused_by_server("UnknownCA").unwrap();
        assert!(
            said.contains("refused the client certificate /etc/tresor/client.pem")
                && said.contains("not signed by a CA the server trusts"),
            "{said}"
        );
        assert!(
            given
                .refused_by_server("CertificateExpired")
                .unwrap()
                .contains("expired")
        );
        assert_eq!(given.refused_by_server("ProtocolVersion"), None);
    }

    #[test]
    fn multi_error_wrapping_is_taken_off() {
        let errors = vec![
            "1 error occurred:\n\t* custom_metadata validation failed: length of key \"k\" is 129\n\n"
                .to_string(),
            "plain".to_string(),
        ];
        assert_eq!(
            server_lines(&errors),
            vec![
                "custom_metadata validation failed: length of key \"k\" is 129".to_string(),
                "plain".to_string()
            ]
        );
    }
}
