//! The HTTP transport: one `reqwest::Client` with timeouts and TLS settings, the token and namespace
//! headers, status-code to typed-error mapping, a bounded body read, and one hand-followed redirect.

use super::error::VaultError;
use super::path::encode_path;
use crate::config::ConnectionSettings;
use crate::secret::Token;
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::time::Duration;
use zeroize::Zeroizing;

/// Responses larger than this are refused rather than read into memory.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// What the request does, for the "permission denied: <operation> on <path>" message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Read,
    List,
    Write,
    Delete,
    Patch,
    /// OpenBao's recursive list (`LIST ?scan=true`), which needs the `scan` capability.
    Scan,
}

impl Operation {
    pub fn capability(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::List => "list",
            Operation::Write => "create/update",
            Operation::Delete => "delete",
            Operation::Patch => "patch",
            Operation::Scan => "scan",
        }
    }

    fn method(self) -> Method {
        match self {
            Operation::Read | Operation::List | Operation::Scan => Method::GET,
            Operation::Write => Method::POST,
            Operation::Delete => Method::DELETE,
            Operation::Patch => Method::PATCH,
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.capability())
    }
}

/// A successful response body (wiped on drop, it may hold secrets).
pub struct RawResponse {
    pub body: Zeroizing<Vec<u8>>,
}

impl RawResponse {
    pub fn json(&self, path: &str) -> Result<Value, VaultError> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|error| VaultError::Decode {
            path: path.to_string(),
            reason: format!("not JSON ({error})"),
        })
    }
}

#[derive(Clone)]
pub struct VaultClient {
    http: reqwest::Client,
    /// `scheme://host:port` with no trailing slash; the host may be the TLS server name override.
    base: String,
    token: Option<Token>,
    namespace: Option<String>,
    timeout: Duration,
    /// Reads (GET) made with this client give up with `Cancelled` once the counter moves past
    /// the value it had when the client was handed out (Esc in the UI).
    cancel: Option<Cancellation>,
    /// Which CAs are trusted and which client certificate is presented, named when a handshake
    /// fails.
    tls: std::sync::Arc<super::tls::TlsSetup>,
    /// The settings it was made with, without the token: for a second look at a handshake the
    /// server ended (see `handshake_refusal`).
    settings: std::sync::Arc<ConnectionSettings>,
}

/// A cancel counter and the value it had when a piece of work started.
#[derive(Clone)]
pub struct Cancellation {
    pub counter: tokio::sync::watch::Receiver<u64>,
    pub started_at: u64,
}

impl Cancellation {
    fn cancelled(&self) -> bool {
        *self.counter.borrow() != self.started_at
    }

    async fn wait(&self) {
        let mut counter = self.counter.clone();
        while *counter.borrow_and_update() == self.started_at {
            if counter.changed().await.is_err() {
                // The sender is gone: nothing can cancel any more.
                std::future::pending::<()>().await;
            }
        }
    }
}

impl std::fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultClient")
            .field("base", &self.base)
            .field("token", &self.token)
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl VaultClient {
    pub fn new(settings: &ConnectionSettings) -> Result<Self, VaultError> {
        let timeout = if settings.timeout.is_zero() {
            crate::config::DEFAULT_TIMEOUT
        } else {
            settings.timeout
        };
        let BuiltHttp {
            http,
            base,
            system_store_empty,
        } = build_http(settings, timeout, false)?;
        let mut tls = super::tls::TlsSetup::of(settings);
        if system_store_empty {
            tls.trust = super::tls::Trust::EmptySystemStore;
        }
        Ok(Self {
            http,
            base: base.as_str().trim_end_matches('/').to_string(),
            token: settings.token.clone(),
            namespace: settings.namespace.clone(),
            timeout,
            cancel: None,
            tls: std::sync::Arc::new(tls),
            settings: std::sync::Arc::new(ConnectionSettings {
                token: None,
                ..settings.clone()
            }),
        })
    }

    /// Sleeps, waking early when this client's reads are cancelled.
    pub async fn pause(&self, duration: Duration) {
        match &self.cancel {
            Some(cancel) => {
                tokio::select! {
                    () = tokio::time::sleep(duration) => {}
                    () = cancel.wait() => {}
                }
            }
            None => tokio::time::sleep(duration).await,
        }
    }

    /// The same client, its reads cancelled when `cancel`'s counter moves on.
    pub fn cancellable(&self, cancel: Cancellation) -> Self {
        Self {
            cancel: Some(cancel),
            ..self.clone()
        }
    }

    pub fn with_token(&self, token: Option<Token>) -> Self {
        Self {
            token,
            ..self.clone()
        }
    }

    /// The same connection without the token, for the routes that need none (seal status, health,
    /// leader, unseal, logins): a token is only sent where it is needed.
    pub fn anonymous(&self) -> Self {
        self.with_token(None)
    }

    /// For the cluster's own routes (seal status, health, leader, HA status, unseal, seal): they
    /// exist only in the root namespace (OpenBao answers "operation unavailable in namespaces").
    pub fn at_root(&self) -> Self {
        Self {
            namespace: None,
            ..self.clone()
        }
    }

    /// The same connection (TLS settings, token, namespace) aimed at another node of the cluster.
    pub fn for_node(&self, address: &str) -> Result<Self, VaultError> {
        let url = Url::parse(address)
            .map_err(|e| VaultError::Config(format!("bad node address {address:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(VaultError::Config(format!(
                "node address {address:?} must start with http:// or https://"
            )));
        }
        let address = address.trim_end_matches('/');
        if address == self.settings.addr.trim_end_matches('/') {
            return Ok(self.clone());
        }
        // Its own settings, so that a second look at a refused handshake asks this node.
        let settings = std::sync::Arc::new(ConnectionSettings {
            addr: address.to_string(),
            ..(*self.settings).clone()
        });
        if self.settings.tls_server_name.is_some() {
            // The server name is presented to every node, as the bao CLI does: a client of its
            // own, aimed at this node's host under that name.
            let BuiltHttp { http, base, .. } = build_http(&settings, self.timeout, false)?;
            return Ok(Self {
                http,
                base: base.as_str().trim_end_matches('/').to_string(),
                settings,
                ..self.clone()
            });
        }
        Ok(Self {
            base: address.to_string(),
            settings,
            ..self.clone()
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether a client certificate is presented on every connection.
    pub fn has_client_certificate(&self) -> bool {
        self.settings.client_cert.is_some() && self.settings.client_key.is_some()
    }

    /// The same connection in another namespace (`None`: root).
    pub fn with_namespace(&self, namespace: Option<String>) -> Self {
        Self {
            namespace: namespace.filter(|n| !n.trim().is_empty()),
            ..self.clone()
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub fn has_token(&self) -> bool {
        self.token.as_ref().is_some_and(|t| !t.is_empty())
    }

    /// Sends one request to `/v1/<path>` (path unencoded; encoded here per segment).
    pub async fn send(
        &self,
        operation: Operation,
        path: &str,
        body: Option<&Value>,
    ) -> Result<RawResponse, VaultError> {
        self.send_with(operation, path, body, &[]).await
    }

    /// Like [`send`], with extra headers (e.g. `X-Vault-Wrap-TTL`).
    pub async fn send_with(
        &self,
        operation: Operation,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<RawResponse, VaultError> {
        let (status, bytes) = self.send_raw(operation, path, &[], body, headers).await?;
        if status.is_success() {
            return Ok(RawResponse { body: bytes });
        }
        Err(error_for_status(status, path, operation, &bytes))
    }

    /// Sends a request and returns the status and body whatever the status, for the callers that
    /// read a body off an error answer (a deleted KV v2 version is a 404 with metadata).
    pub async fn send_raw(
        &self,
        operation: Operation,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), VaultError> {
        let body_bytes = match body {
            Some(value) => Some(Zeroizing::new(serde_json::to_vec(value).map_err(|e| {
                VaultError::Decode {
                    path: path.to_string(),
                    reason: e.to_string(),
                }
            })?)),
            None => None,
        };
        self.send_raw_bytes(
            operation,
            path,
            query,
            body_bytes.as_ref().map(|b| b.as_slice()),
            headers,
        )
        .await
    }

    /// Sends a body that is already JSON bytes (kept in wiped buffers by the caller).
    pub async fn send_bytes(
        &self,
        operation: Operation,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), VaultError> {
        self.send_raw_bytes(operation, path, &[], body, &[]).await
    }

    /// [`VaultClient::send_bytes`] with extra headers (a wrap TTL).
    pub async fn send_bytes_with(
        &self,
        operation: Operation,
        path: &str,
        body: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), VaultError> {
        self.send_raw_bytes(operation, path, &[], body, headers)
            .await
    }

    async fn send_raw_bytes(
        &self,
        operation: Operation,
        path: &str,
        query: &[(&str, &str)],
        body_bytes: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), VaultError> {
        let exchange = self.exchange(operation, path, query, body_bytes, headers);
        // Only reads can be cancelled: a write given up on may still land on the server.
        match (&self.cancel, operation.method()) {
            (Some(cancel), Method::GET) => {
                if cancel.cancelled() {
                    return Err(VaultError::Cancelled);
                }
                tokio::select! {
                    answer = exchange => answer,
                    () = cancel.wait() => Err(VaultError::Cancelled),
                }
            }
            _ => exchange.await,
        }
    }

    async fn exchange(
        &self,
        operation: Operation,
        path: &str,
        query: &[(&str, &str)],
        body_bytes: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), VaultError> {
        let encoded = encode_path(path)?;
        let mut pairs: Vec<(&str, &str)> = query.to_vec();
        if operation == Operation::List {
            pairs.push(("list", "true"));
        }
        let query_string = pairs
            .iter()
            .map(|(key, value)| format!("{}={}", encode_query(key), encode_query(value)))
            .collect::<Vec<_>>()
            .join("&");
        let separator = if query_string.is_empty() { "" } else { "?" };
        let url = Url::parse(&format!(
            "{}/v1/{encoded}{separator}{query_string}",
            self.base
        ))
        .map_err(|e| VaultError::InvalidPath(format!("{path}: {e}")))?;
        let first = match self.send_once(operation, &url, body_bytes, headers).await {
            // A pooled connection the server (or a load balancer) closed while idle: a read is
            // sent once more on a fresh one. Writes are not: they may have reached the server.
            Err(VaultError::Network(reason))
                if operation.method() == Method::GET && stale_connection(&reason) =>
            {
                tracing::debug!(path = %path, "connection closed under us, asking again");
                self.send_once(operation, &url, body_bytes, headers).await
            }
            other => other,
        };
        let mut response = match first {
            Err(VaultError::Network(reason)) if closed_without_answer(&reason) => {
                return Err(self
                    .handshake_refusal(&url)
                    .await
                    .unwrap_or(VaultError::Network(reason)));
            }
            other => other?,
        };
        if matches!(
            response.status(),
            StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
        ) {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            let target = redirect_target(&url, location)?;
            // The token goes only to its own origin (scheme, host and port): another port of the
            // same host is another server.
            // A request that carries a token or a body (a secret being written) is not followed
            // there at all; one that carries neither (seal status, health) is.
            let same_origin = target.origin() == url.origin();
            if !same_origin && (self.has_token() || body_bytes.is_some()) {
                return Err(VaultError::Redirect(format!(
                    "{path}: the server redirected to another origin ({}); not followed, the \
                     token was withheld: it is sent only to {}",
                    target.origin().ascii_serialization(),
                    url.origin().ascii_serialization()
                )));
            }
            tracing::info!(from = %url.path(), same_origin, "following one redirect");
            response = self
                .send_once(operation, &target, body_bytes, headers)
                .await?;
            if response.status().is_redirection() {
                return Err(VaultError::Redirect(format!(
                    "{path}: more than one redirect"
                )));
            }
        }

        let status = response.status();
        let bytes = read_bounded(response, path, self.timeout, &self.tls).await?;
        if status == StatusCode::NOT_FOUND
            && let Some(namespace) = &self.namespace
            && String::from_utf8_lossy(&bytes).contains("namespace not found")
        {
            return Err(VaultError::NamespaceNotFound {
                namespace: namespace.clone(),
            });
        }
        if status == StatusCode::BAD_REQUEST
            && url.scheme() == "http"
            && bytes.starts_with(HTTP_TO_HTTPS)
        {
            return Err(VaultError::Server {
                status: status.as_u16(),
                path: path.to_string(),
                errors: vec![format!(
                    "the server speaks https, not plain http: try https://{} (it said: {})",
                    url.authority(),
                    String::from_utf8_lossy(HTTP_TO_HTTPS)
                )],
            });
        }
        tracing::debug!(path = %path, status = status.as_u16(), "vault response");
        Ok((status, bytes))
    }

    /// Why a server closed an https connection without an answer, when the reason is the client's
    /// certificate. Over TLS 1.3 a server that wants a client certificate, or refuses the one it
    /// got, says so in an alert sent after the client has finished its side of the handshake and
    /// sent its request; the alert is often lost as the connection closes. A second look over TLS
    /// 1.2, where the server decides before the handshake ends, hears it: an unauthenticated
    /// `sys/seal-status` with no token and no body, made only after such a failure.
    async fn handshake_refusal(&self, url: &Url) -> Option<VaultError> {
        if url.scheme() != "https" || !self.base.starts_with(&url.origin().ascii_serialization()) {
            return None;
        }
        let BuiltHttp { http, base, .. } = build_http(&self.settings, self.timeout, true).ok()?;
        let probe = base.join("v1/sys/seal-status").ok()?;
        let error = http.get(probe).send().await.err()?;
        VaultError::client_certificate_refusal(&error, &self.tls)
    }

    async fn send_once(
        &self,
        operation: Operation,
        url: &Url,
        body: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> Result<reqwest::Response, VaultError> {
        let mut request = self.http.request(operation.method(), url.clone());
        if let Some(token) = &self.token {
            let mut value = reqwest::header::HeaderValue::from_str(token.expose())
                .map_err(|_| VaultError::Config("the token has invalid characters".into()))?;
            value.set_sensitive(true);
            request = request.header("X-Vault-Token", value);
        }
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Vault-Namespace", namespace);
        }
        request = request.header("X-Vault-Request", "true");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(bytes) = body {
            let content_type = if operation == Operation::Patch {
                "application/merge-patch+json"
            } else {
                "application/json"
            };
            request = request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes.to_vec());
        }
        request
            .send()
            .await
            .map_err(|e| VaultError::from_transport(&e, self.timeout, &self.tls))
    }
}

/// The HTTP client for `settings` and the base URL it addresses (the TLS server name, if given, in
/// place of the host). `tls12_only`: for [`VaultClient::handshake_refusal`]'s second look.
fn build_http(
    settings: &ConnectionSettings,
    timeout: Duration,
    tls12_only: bool,
) -> Result<BuiltHttp, VaultError> {
    let mut base = Url::parse(&settings.addr)
        .map_err(|e| VaultError::Config(format!("bad address {:?}: {e}", settings.addr)))?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(VaultError::Config(format!(
            "address {:?} must start with http:// or https://",
            settings.addr
        )));
    }
    let ca_files = super::tls::load_ca_certificates(settings)?;
    let client_identity = client_identity(settings)?;
    // TLS server name: connect to the real address but present (and verify) the given name, by
    // addressing the name and pinning its resolution to the original host's addresses.
    let mut pinned = None;
    if let Some(server_name) = &settings.tls_server_name {
        let host = base.host_str().unwrap_or_default().to_string();
        let port = base.port_or_known_default().unwrap_or(8200);
        let addresses: Vec<std::net::SocketAddr> =
            std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
                .map_err(|e| VaultError::Config(format!("cannot resolve {host}: {e}")))?
                .collect();
        pinned = Some((server_name.clone(), addresses));
        base.set_host(Some(server_name))
            .map_err(|e| VaultError::Config(format!("bad TLS server name: {e}")))?;
    }
    let system_trust = super::tls::Trust::of(settings) == super::tls::Trust::System;
    // `trust_nothing`: no CA at all, for a machine whose system store is empty.
    let builder = |trust_nothing: bool| {
        let mut builder = super::tls::http_client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .user_agent(concat!("tresor/", env!("CARGO_PKG_VERSION")))
            .tls_danger_accept_invalid_certs(settings.skip_verify);
        // As the bao CLI: a CA option means those CAs only, not added to the system store.
        if !system_trust || trust_nothing {
            builder = builder.tls_certs_only(
                ca_files
                    .iter()
                    .flat_map(|file| file.certificates.iter().cloned()),
            );
        }
        if let Some((_, _, identity)) = &client_identity {
            builder = builder.identity(identity.clone());
        }
        if let Some((server_name, addresses)) = &pinned {
            builder = builder.resolve_to_addrs(server_name, addresses);
        }
        if tls12_only {
            builder = builder.tls_version_max(reqwest::tls::Version::TLS_1_2);
        }
        builder.build()
    };
    let mut system_store_empty = false;
    let http = match builder(false) {
        // No CA in the system store (no ca-certificates, or SSL_CERT_FILE naming an empty or
        // missing file) stops nothing but the https it cannot trust: plain http works, and an
        // https server is refused as untrusted, with the empty store named.
        Err(error) if system_trust && super::tls::no_system_certificates(&error) => {
            system_store_empty = true;
            builder(true)
        }
        built => built,
    }
    .map_err(|e| {
        let client = client_identity
            .as_ref()
            .map(|(cert, key, identity)| (cert.as_path(), key.as_path(), identity));
        super::tls::build_error(&e, &ca_files, client)
    })?;
    Ok(BuiltHttp {
        http,
        base,
        system_store_empty,
    })
}

/// What [`build_http`] made.
struct BuiltHttp {
    http: reqwest::Client,
    base: Url,
    /// The system store held no CA: every https server is untrusted (said so in its refusals).
    system_store_empty: bool,
}

/// The client certificate and key of `settings` as one identity, with their files.
fn client_identity(
    settings: &ConnectionSettings,
) -> Result<Option<(std::path::PathBuf, std::path::PathBuf, reqwest::Identity)>, VaultError> {
    match (&settings.client_cert, &settings.client_key) {
        (Some(cert), Some(key)) => {
            let mut pem = zeroize::Zeroizing::new(super::tls::read_file(cert)?);
            pem.push(b'\n');
            pem.extend_from_slice(&zeroize::Zeroizing::new(super::tls::read_file(key)?));
            let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                VaultError::Config(format!(
                    "client certificate {} (--client-cert) / key {} (--client-key): {e}",
                    cert.display(),
                    key.display()
                ))
            })?;
            Ok(Some((cert.clone(), key.clone(), identity)))
        }
        // One without the other cannot be used: said, not ignored.
        (Some(cert), None) => Err(VaultError::Config(format!(
            "the client certificate {} (--client-cert) has no key: give --client-key \
             (BAO_CLIENT_KEY) too",
            cert.display()
        ))),
        (None, Some(key)) => Err(VaultError::Config(format!(
            "the client key {} (--client-key) has no certificate: give --client-cert \
             (BAO_CLIENT_CERT) too",
            key.display()
        ))),
        (None, None) => Ok(None),
    }
}

/// Whether a transport error is an established connection that the server closed before it
/// answered (not one it refused, nor a timeout).
fn closed_without_answer(reason: &str) -> bool {
    let reason = reason.to_lowercase();
    reason.contains("connection closed")
        || reason.contains("connection was closed")
        || reason.contains("broken pipe")
        || reason.contains("connection reset")
}

/// Whether a transport error is a connection that closed before any answer came.
fn stale_connection(reason: &str) -> bool {
    let reason = reason.to_lowercase();
    reason.contains("connection closed before message completed")
        || reason.contains("connection reset")
}

fn encode_query(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Where a 307 leads, refusing a missing Location and any https to http downgrade.
pub fn redirect_target(from: &Url, location: Option<&str>) -> Result<Url, VaultError> {
    let location = location
        .ok_or_else(|| VaultError::Redirect("redirect without a Location header".into()))?;
    let target = from
        .join(location)
        .map_err(|e| VaultError::Redirect(format!("bad Location: {e}")))?;
    if from.scheme() == "https" && target.scheme() != "https" {
        return Err(VaultError::Redirect(format!(
            "refusing to follow https to {} (insecure)",
            target.scheme()
        )));
    }
    Ok(target)
}

async fn read_bounded(
    mut response: reqwest::Response,
    path: &str,
    timeout: Duration,
    tls: &super::tls::TlsSetup,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    if response
        .content_length()
        .is_some_and(|len| len as usize > MAX_RESPONSE_BYTES)
    {
        return Err(too_large(path));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| VaultError::from_transport(&e, timeout, tls))?
    {
        if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_large(path));
        }
        // Grow by hand so no un-wiped copy of a reallocation is left behind.
        if bytes.capacity() < bytes.len() + chunk.len() {
            let mut bigger = Zeroizing::new(Vec::with_capacity((bytes.len() + chunk.len()) * 2));
            bigger.extend_from_slice(&bytes);
            bytes = bigger;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn too_large(path: &str) -> VaultError {
    VaultError::Decode {
        path: path.to_string(),
        reason: format!("response larger than {} MiB", MAX_RESPONSE_BYTES >> 20),
    }
}

/// What Go's https server answers a request made in plain http (with a 400).
const HTTP_TO_HTTPS: &[u8] = b"Client sent an HTTP request to an HTTPS server.";

/// Maps a non-success status to a typed error. Branches on the status code; message text only
/// distinguishes the few cases Vault reports with a shared code (sealed, CAS).
pub fn error_for_status(
    status: StatusCode,
    path: &str,
    operation: Operation,
    body: &[u8],
) -> VaultError {
    let errors: Vec<String> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("errors").cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mentions = |needle: &str| errors.iter().any(|e| e.to_lowercase().contains(needle));
    match status.as_u16() {
        404 => VaultError::NotFound {
            path: path.to_string(),
        },
        401 | 403 => VaultError::PermissionDenied {
            path: path.to_string(),
            operation,
        },
        429 => VaultError::RateLimited {
            path: path.to_string(),
        },
        503 if mentions("sealed") => VaultError::Sealed,
        // "... parameter required" is no conflict: nobody wrote first (the server says what is
        // needed); "did not match" / "does not match" is.
        400 if mentions("check-and-set") && !mentions("required") => VaultError::CasMismatch {
            path: path.to_string(),
        },
        code => VaultError::Server {
            status: code,
            path: path.to_string(),
            errors,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connections_closed_under_us_are_stale() {
        assert!(stale_connection(
            "error sending request for url (http://x/v1/a): client error (SendRequest): \
             connection closed before message completed"
        ));
        assert!(stale_connection("Connection reset by peer (os error 104)"));
        assert!(!stale_connection("Connection refused (os error 111)"));
    }

    #[test]
    fn a_connection_closed_without_an_answer_is_told_from_one_refused() {
        for closed in [
            "client error (Canceled): operation was canceled: connection closed",
            "connection error: stream closed because of a broken pipe",
            "Connection reset by peer (os error 104)",
            "connection closed before message completed",
            "client error (Connect): checked out connection was closed",
        ] {
            assert!(closed_without_answer(closed), "{closed}");
        }
        assert!(!closed_without_answer(
            "client error (Connect): tcp connect error: Connection refused (os error 111)"
        ));
    }

    #[test]
    fn redirects_never_downgrade_to_http() {
        let from = Url::parse("https://vault.example:8200/v1/secret/data/x").unwrap();
        assert!(matches!(
            redirect_target(&from, Some("http://vault.example:8200/v1/secret/data/x")),
            Err(VaultError::Redirect(_))
        ));
        assert!(matches!(
            redirect_target(&from, None),
            Err(VaultError::Redirect(_))
        ));
        let relative = redirect_target(&from, Some("/v1/other")).unwrap();
        assert_eq!(relative.as_str(), "https://vault.example:8200/v1/other");
        let plain = Url::parse("http://a:1/v1/x").unwrap();
        assert_eq!(
            redirect_target(&plain, Some("https://b:2/v1/x"))
                .unwrap()
                .as_str(),
            "https://b:2/v1/x"
        );
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        let body = br#"{"errors":["1 error occurred:\n\t* permission denied\n\n"]}"#;
        assert_eq!(
            error_for_status(
                StatusCode::FORBIDDEN,
                "secret/data/x",
                Operation::Read,
                body
            ),
            VaultError::PermissionDenied {
                path: "secret/data/x".into(),
                operation: Operation::Read
            }
        );
        assert_eq!(
            error_for_status(
                StatusCode::SERVICE_UNAVAILABLE,
                "p",
                Operation::Read,
                br#"{"errors":["Vault is sealed"]}"#
            ),
            VaultError::Sealed
        );
        assert!(matches!(
            error_for_status(
                StatusCode::BAD_REQUEST,
                "p",
                Operation::Write,
                br#"{"errors":["check-and-set parameter did not match the current version"]}"#
            ),
            VaultError::CasMismatch { .. }
        ));
        // A missing check-and-set parameter is no conflict: nobody wrote first. The server's
        // words say what is needed.
        for required in [
            br#"{"errors":["check-and-set parameter required for this call"]}"#.as_slice(),
            br#"{"errors":["metadata check-and-set parameter required for this call"]}"#,
        ] {
            assert!(matches!(
                error_for_status(StatusCode::BAD_REQUEST, "p", Operation::Write, required),
                VaultError::Server { status: 400, .. }
            ));
        }
        assert!(matches!(
            error_for_status(
                StatusCode::BAD_REQUEST,
                "p",
                Operation::Write,
                br#"{"errors":["metadata check-and-set parameter does not match the current version"]}"#
            ),
            VaultError::CasMismatch { .. }
        ));
        assert!(matches!(
            error_for_status(StatusCode::NOT_FOUND, "p", Operation::Read, b""),
            VaultError::NotFound { .. }
        ));
        assert!(matches!(
            error_for_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                "p",
                Operation::Read,
                b"<html>"
            ),
            VaultError::Server { status: 500, .. }
        ));
    }
}
