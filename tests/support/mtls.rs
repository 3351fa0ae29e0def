//! A real OpenBao whose listener requires a client certificate (mutual TLS), and the certificates
//! for it, made in-process with rcgen: a dev server (`-dev`, plain http, for setup) that also reads
//! a config file with a second `tcp` listener: `tls_require_and_verify_client_cert = true` and
//! `tls_client_ca_file`.

#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tresor::config::{ConnectionSettings, TokenSource};
use tresor::devserver::{DevServer, find_bao, free_loopback_port};
use tresor::secret::Token;

/// The certificates of one mTLS setup, as PEM files in a private temp dir.
pub struct Pki {
    pub dir: tempfile::TempDir,
    /// The CA that signed the server's certificate: what the client trusts (`--ca-cert`).
    pub server_ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// The CA whose client certificates the server accepts (`tls_client_ca_file`).
    pub client_ca: PathBuf,
    /// A client certificate signed by `client_ca`, and its key.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// A client certificate and key from another CA, which the server does not trust.
    pub stranger_cert: PathBuf,
    pub stranger_key: PathBuf,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key")).expect("CA")
}

/// A leaf certificate signed by `issuer`: its PEM and its key's PEM.
fn leaf(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    name: &str,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> (String, String) {
    let mut params = CertificateParams::new(
        names
            .iter()
            .map(|name| name.to_string())
            .collect::<Vec<_>>(),
    )
    .expect("leaf params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().expect("leaf key");
    let certificate = params.signed_by(&key, issuer).expect("signed leaf");
    (certificate.pem(), key.serialize_pem())
}

fn write_private(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write PEM");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    path
}

impl Pki {
    pub fn generate() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server_ca = ca("tresor test server CA");
        let client_ca = ca("tresor test client CA");
        let other_ca = ca("tresor test other CA");
        let (server_cert, server_key) = leaf(
            &server_ca,
            "localhost",
            &["localhost", "127.0.0.1"],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) = leaf(
            &client_ca,
            "tresor client",
            &[],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let (stranger_cert, stranger_key) = leaf(
            &other_ca,
            "tresor client",
            &[],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let d = dir.path();
        Self {
            server_ca: write_private(d, "server-ca.pem", &server_ca.pem()),
            server_cert: write_private(d, "server.pem", &server_cert),
            server_key: write_private(d, "server-key.pem", &server_key),
            client_ca: write_private(d, "client-ca.pem", &client_ca.pem()),
            client_cert: write_private(d, "client.pem", &client_cert),
            client_key: write_private(d, "client-key.pem", &client_key),
            stranger_cert: write_private(d, "stranger.pem", &stranger_cert),
            stranger_key: write_private(d, "stranger-key.pem", &stranger_key),
            dir,
        }
    }
}

/// A dev server with a second listener at `addr` that requires and verifies a client
/// certificate signed by `pki.client_ca`. `server` (plain http) is for setup with the root token.
pub struct MtlsServer {
    pub server: DevServer,
    /// `https://127.0.0.1:PORT`: the listener that requires a client certificate.
    pub addr: String,
    pub pki: Pki,
}

impl MtlsServer {
    /// Settings for the mTLS listener: its CA trusted, and `client` (certificate, key) if given.
    pub fn settings(
        &self,
        token: Option<&Token>,
        client: Option<(&Path, &Path)>,
    ) -> ConnectionSettings {
        ConnectionSettings {
            addr: self.addr.clone(),
            token: token.cloned(),
            token_source: TokenSource::Flag,
            timeout: Duration::from_secs(10),
            ca_cert: Some(self.pki.server_ca.clone()),
            client_cert: client.map(|(cert, _)| cert.to_path_buf()),
            client_key: client.map(|(_, key)| key.to_path_buf()),
            ..ConnectionSettings::default()
        }
    }

    /// The right client certificate and key.
    pub fn client(&self) -> (&Path, &Path) {
        (&self.pki.client_cert, &self.pki.client_key)
    }
}

/// Starts an mTLS server. Panics (fails the test) when `bao` cannot be found or will not start.
pub fn mtls_dev_server() -> MtlsServer {
    let bao = find_bao(None)
        .unwrap_or_else(|hint| panic!("integration tests need a real OpenBao server.\n{hint}"));
    let pki = Pki::generate();
    let mut last_error = String::new();
    // A port picked free may be taken by the time bao binds it: try again with others.
    for _ in 0..3 {
        let port = free_loopback_port().expect("free port");
        let cluster_port = free_loopback_port().expect("free port");
        let config = pki.dir.path().join("mtls-listener.hcl");
        std::fs::write(
            &config,
            format!(
                "listener \"tcp\" {{\n  address = \"127.0.0.1:{port}\"\n  cluster_address = \
                 \"127.0.0.1:{cluster_port}\"\n  tls_cert_file = \"{}\"\n  tls_key_file = \
                 \"{}\"\n  tls_require_and_verify_client_cert = true\n  tls_client_ca_file = \
                 \"{}\"\n}}\n",
                pki.server_cert.display(),
                pki.server_key.display(),
                pki.client_ca.display()
            ),
        )
        .expect("write listener config");
        match DevServer::start_with_config(&bao, &config) {
            Ok(server) => {
                return MtlsServer {
                    server,
                    addr: format!("https://127.0.0.1:{port}"),
                    pki,
                };
            }
            Err(error) => last_error = error,
        }
    }
    panic!("cannot start bao server -dev with an mTLS listener: {last_error}")
}
