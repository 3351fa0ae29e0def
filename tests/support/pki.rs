//! A root and an intermediate PKI mount on a dev server (`pki/`, `pki_int/`), set up with the
//! real `bao` CLI, a role on the intermediate, and certificates issued from it: one that ends in
//! a day, one in a year, and one revoked.

use tresor::devserver::DevServer;

pub struct PkiSetup {
    /// Ends in 24 hours.
    pub soon: String,
    /// Ends in a year.
    pub year: String,
    /// Issued, then revoked.
    pub revoked: String,
}

fn bao(server: &DevServer, args: &[&str], stdin: Option<&str>) -> serde_json::Value {
    let mut all = vec![args[0], args[1], "-format=json"];
    all.extend_from_slice(&args[2..]);
    let out = server
        .bao(&all, stdin)
        .unwrap_or_else(|error| panic!("bao {args:?}: {error}"));
    serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
}

/// Issues a certificate from `pki_int/issue/web`; its serial.
pub fn issue(server: &DevServer, common_name: &str, ttl: &str) -> String {
    let cn = format!("common_name={common_name}");
    let ttl = format!("ttl={ttl}");
    let answer = bao(server, &["write", "pki_int/issue/web", &cn, &ttl], None);
    answer["data"]["serial_number"]
        .as_str()
        .expect("a serial")
        .to_string()
}

/// Only the mounts, the CA chain and the role `web` (allowed: example.com and subdomains).
pub fn mounts(server: &DevServer) {
    for mount in ["pki", "pki_int"] {
        server
            .bao(
                &["secrets", "enable", &format!("-path={mount}"), "pki"],
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        server
            .bao(&["secrets", "tune", "-max-lease-ttl=87600h", mount], None)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    bao(
        server,
        &[
            "write",
            "pki/root/generate/internal",
            "common_name=Example Root",
            "issuer_name=root-2026",
            "ttl=87600h",
        ],
        None,
    );
    let csr = bao(
        server,
        &[
            "write",
            "pki_int/intermediate/generate/internal",
            "common_name=Example Intermediate",
        ],
        None,
    )["data"]["csr"]
        .as_str()
        .expect("a CSR")
        .to_string();
    let signed = bao(
        server,
        &[
            "write",
            "pki/root/sign-intermediate",
            "csr=-",
            "format=pem_bundle",
            "ttl=43800h",
        ],
        Some(&csr),
    )["data"]["certificate"]
        .as_str()
        .expect("a signed intermediate")
        .to_string();
    bao(
        server,
        &["write", "pki_int/intermediate/set-signed", "certificate=-"],
        Some(&signed),
    );
    bao(
        server,
        &[
            "write",
            "pki_int/roles/web",
            "allowed_domains=example.com",
            "allow_subdomains=true",
            "max_ttl=8760h",
            "key_type=ec",
            "key_bits=256",
        ],
        None,
    );
}

/// The mounts, the role, and the three certificates.
pub fn setup(server: &DevServer) -> PkiSetup {
    mounts(server);
    let soon = issue(server, "soon.example.com", "24h");
    let year = issue(server, "year.example.com", "8000h");
    let revoked = issue(server, "gone.example.com", "48h");
    bao(
        server,
        &[
            "write",
            "pki_int/revoke",
            &format!("serial_number={revoked}"),
        ],
        None,
    );
    PkiSetup {
        soon,
        year,
        revoked,
    }
}
