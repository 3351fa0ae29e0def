//! JWT and TLS certificate logins against a real OpenBao. The keys, the JWTs and the certificates
//! are made here with Debian's `openssl` command (RS256: `openssl dgst -sha256 -sign` gives the
//! PKCS#1 v1.5 signature a JWT carries), so no identity provider is imitated: the server checks
//! real signatures and a real TLS client certificate.

use crate::support;

use base64::Engine;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{dev_server, root_client, settings, tls_dev_server};
use tresor::secret::SecretText;
use tresor::vault::{Credentials, JwtSource, VaultClient, VaultError};

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the JWT and certificate tests need Debian's openssl (scripts/test installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An RSA key pair in `dir`: `<name>.key` and `<name>.pub` (PEM).
fn key_pair(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = format!("{name}.key");
    openssl(dir, &["genrsa", "-out", &key, "2048"]);
    openssl(
        dir,
        &[
            "rsa",
            "-in",
            &key,
            "-pubout",
            "-out",
            &format!("{name}.pub"),
        ],
    );
    (
        dir.join(&key),
        std::fs::read_to_string(dir.join(format!("{name}.pub"))).unwrap(),
    )
}

/// A JWT signed RS256 with `key`, with these claims.
fn jwt(dir: &Path, key: &Path, claims: &serde_json::Value) -> String {
    let header = base64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = base64url(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    std::fs::write(dir.join("input"), &signing_input).unwrap();
    openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-sign",
            key.to_str().unwrap(),
            "-out",
            "signature",
            "input",
        ],
    );
    let signature = std::fs::read(dir.join("signature")).unwrap();
    format!("{signing_input}.{}", base64url(&signature))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn anonymous(server: &tresor::devserver::DevServer) -> VaultClient {
    VaultClient::new(&settings(server, None)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_login_checks_the_signature_the_expiry_and_reads_the_file_at_each_login() {
    let server = tokio::task::spawn_blocking(dev_server).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = key_pair(dir.path(), "issuer");
    let (other_key, _) = key_pair(dir.path(), "stranger");
    let bao = |args: &[&str]| server.bao(args, None).unwrap_or_else(|e| panic!("{e}"));
    bao(&["auth", "enable", "jwt"]);
    bao(&[
        "write",
        "auth/jwt/config",
        &format!("jwt_validation_pubkeys={public}"),
        "bound_issuer=https://ci.example.com",
    ]);
    server
        .bao(
            &["policy", "write", "ci-deploy", "-"],
            Some("path \"secret/data/ci/*\" { capabilities = [\"read\"] }\n"),
        )
        .unwrap();
    bao(&[
        "write",
        "auth/jwt/role/deploy",
        "role_type=jwt",
        "user_claim=sub",
        "bound_audiences=tresor-tests",
        "token_policies=ci-deploy",
        "token_ttl=10m",
    ]);
    let claims = |exp: i64, sub: &str| {
        serde_json::json!({
            "iss": "https://ci.example.com",
            "aud": "tresor-tests",
            "sub": sub,
            "iat": now() - 10,
            "nbf": now() - 10,
            "exp": exp,
        })
    };
    let good = jwt(dir.path(), &key, &claims(now() + 600, "pipeline-1"));
    let client = anonymous(&server);
    let login = |jwt: JwtSource| Credentials::Jwt {
        mount: "jwt".into(),
        role: "deploy".into(),
        jwt,
    };

    // Given (TRESOR_JWT): the token has the role's policy.
    let outcome = client
        .log_in(&login(JwtSource::Given(SecretText::new(&good))))
        .await
        .expect("a good JWT logs in");
    assert!(
        outcome.info.policies.contains(&"ci-deploy".to_string()),
        "{:?}",
        outcome.info.policies
    );

    // From a file, read at each login: a rotated file gives the new JWT.
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{good}\n")).unwrap();
    client
        .log_in(&login(JwtSource::File(file.clone())))
        .await
        .expect("the JWT read from its file");
    let expired = jwt(dir.path(), &key, &claims(now() - 120, "pipeline-1"));
    std::fs::write(&file, &expired).unwrap();
    let error = client
        .login(&login(JwtSource::File(file.clone())))
        .await
        .expect_err("the file now holds an expired JWT");
    let text = error.to_string();
    assert!(text.contains("expired"), "said as expired: {text}");
    assert!(
        !text.contains(&expired[..20]),
        "the JWT is never in the error"
    );

    // Signed by another key: refused.
    let forged = jwt(dir.path(), &other_key, &claims(now() + 600, "pipeline-1"));
    let error = client
        .login(&login(JwtSource::Given(SecretText::new(&forged))))
        .await
        .expect_err("a JWT signed by another key");
    assert!(
        matches!(
            &error,
            VaultError::Server { .. } | VaultError::PermissionDenied { .. }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains(&forged[..20]));

    // A file that is not there is named, not guessed at.
    let error = client
        .login(&login(JwtSource::File(dir.path().join("missing"))))
        .await
        .expect_err("no file");
    assert!(
        error.to_string().contains("cannot read the JWT file"),
        "{error}"
    );
    drop(root_client(&server));
}

/// A client certificate signed by `ca` (all PEM files in `dir`): `client.pem`, `client.key`.
fn client_certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf, String) {
    let ca_key = format!("{name}-ca.key");
    let ca = format!("{name}-ca.pem");
    openssl(dir, &["genrsa", "-out", &ca_key, "2048"]);
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            &ca_key,
            "-days",
            "2",
            "-subj",
            &format!("/CN={name} test CA"),
            "-out",
            &ca,
        ],
    );
    let key = format!("{name}.key");
    let csr = format!("{name}.csr");
    let cert = format!("{name}.pem");
    openssl(dir, &["genrsa", "-out", &key, "2048"]);
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-subj",
            &format!("/CN={name}"),
            "-out",
            &csr,
        ],
    );
    std::fs::write(dir.join("ext"), "extendedKeyUsage = clientAuth\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext",
            "-out",
            &cert,
        ],
    );
    (
        dir.join(cert),
        dir.join(key),
        std::fs::read_to_string(dir.join(ca)).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tls_certificate_login_presents_the_client_certificate() {
    let server = tokio::task::spawn_blocking(tls_dev_server).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = client_certificate(dir.path(), "web-01");
    let (stranger_cert, stranger_key, _) = client_certificate(dir.path(), "stranger");
    server
        .bao(
            &["policy", "write", "web", "-"],
            Some("path \"secret/data/web/*\" { capabilities = [\"read\"] }\n"),
        )
        .unwrap();
    server.bao(&["auth", "enable", "cert"], None).unwrap();
    server
        .bao(
            &[
                "write",
                "auth/cert/certs/web",
                &format!("certificate={ca}"),
                "token_policies=web",
            ],
            None,
        )
        .unwrap();
    let client = |cert: Option<&Path>, key: Option<&Path>| {
        VaultClient::new(&tresor::config::ConnectionSettings {
            ca_cert: server.ca_cert.clone(),
            client_cert: cert.map(Path::to_path_buf),
            client_key: key.map(Path::to_path_buf),
            ..settings(&server, None)
        })
        .unwrap()
    };
    let login = |role: Option<&str>| Credentials::Cert {
        mount: "cert".into(),
        role: role.map(str::to_string),
    };
    for role in [None, Some("web")] {
        let outcome = client(Some(&cert), Some(&key))
            .log_in(&login(role))
            .await
            .unwrap_or_else(|e| panic!("{role:?}: {e:?}"));
        assert!(
            outcome.info.policies.contains(&"web".to_string()),
            "{:?}",
            outcome.info.policies
        );
    }
    // A certificate of another CA: refused by the server.
    let error = client(Some(&stranger_cert), Some(&stranger_key))
        .login(&login(None))
        .await
        .expect_err("not trusted by the cert method");
    assert!(
        matches!(
            &error,
            VaultError::Server { .. } | VaultError::PermissionDenied { .. }
        ),
        "{error:?}"
    );
    // No certificate configured: said before anything is sent.
    let error = client(None, None)
        .login(&login(None))
        .await
        .expect_err("no client certificate");
    assert!(error.to_string().contains("--client-cert"), "{error}");
}
