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

/// The PKI screen in pure state and snapshot tests: an app with a `pki_int/` mount opened, its
/// lists answered as a server would.
pub mod state {
    use super::super::fixtures::{NOW, connected_app, mount, press};
    use crossterm::event::KeyCode;
    use rcgen::{CertificateParams, DnType, KeyPair, SanType, SerialNumber};
    use time::{Duration, OffsetDateTime};
    use tresor::app::pki::PkiScreen;
    use tresor::app::{Action, App, Effect, Modal, update};
    use tresor::vault::approle::RoleSetting;
    use tresor::vault::pki::{Issuer, PkiAnswer, PkiCert, PkiRequest};
    use tresor::vault::{MountInfo, SecretEngine};

    pub const MOUNT: &str = "pki_int/";

    pub fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(NOW).expect("in range")
    }

    /// A certificate for `cn` ending `days` after NOW (negative: ended), with this serial.
    pub fn pem(cn: &str, days: i64, serial: u64, ca: bool) -> String {
        let mut params = CertificateParams::new(vec![]).expect("params");
        params.distinguished_name.push(DnType::CommonName, cn);
        if !ca {
            params
                .subject_alt_names
                .push(SanType::DnsName(cn.try_into().expect("a DNS name")));
        } else {
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        }
        params.serial_number = Some(SerialNumber::from(serial.to_be_bytes().to_vec()));
        params.not_before = now() - Duration::days(10);
        params.not_after = now() + Duration::days(days);
        let key = KeyPair::generate().expect("key");
        params.self_signed(&key).expect("cert").pem()
    }

    /// The serial as the engine writes it (`00-00-..-2a`).
    pub fn serial(n: u64) -> String {
        n.to_be_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join("-")
    }

    pub fn cert(n: u64, cn: &str, days: i64, revoked: bool) -> PkiCert {
        let pem = pem(cn, days, n, false);
        PkiCert {
            serial: serial(n),
            summary: tresor::certs::certificates(&pem)
                .into_iter()
                .next()
                .map(Box::new),
            pem,
            revoked_at: revoked.then_some(NOW - 3600),
        }
    }

    pub fn answer(app: &mut App, answer: PkiAnswer) -> Vec<Effect> {
        update(
            app,
            Action::Pki {
                mount: MOUNT.into(),
                answer,
            },
        )
    }

    pub fn screen(app: &App) -> &PkiScreen {
        match &app.modal {
            Some(Modal::Pki(screen)) => screen,
            other => panic!("the PKI screen is not open: {other:?}"),
        }
    }

    /// Selects the `pki_int/` mount in the tree and presses Enter: the effects of opening it.
    pub fn open_mount(app: &mut App) -> Vec<Effect> {
        for _ in 0..10 {
            let name = app
                .tree
                .selected_id()
                .and_then(|id| app.tree.node(id))
                .map(|n| n.name.clone())
                .unwrap_or_default();
            if name.starts_with("pki_int") {
                return press(app, KeyCode::Enter);
            }
            press(app, KeyCode::Char('j'));
        }
        panic!("no pki_int mount in the tree");
    }

    /// An app with `kv1/`, `secret/` and `pki_int/` mounts, nothing open.
    pub fn app_with_mount(size: (u16, u16)) -> App {
        let mut app = connected_app(size);
        let generation = app.tree.generation;
        let mounts: Vec<MountInfo> = vec![
            mount("kv1/", SecretEngine::Kv(tresor::vault::KvVersion::V1)),
            mount(MOUNT, SecretEngine::Other("pki".into())),
            mount("secret/", SecretEngine::Kv(tresor::vault::KvVersion::V2)),
        ];
        update(
            &mut app,
            Action::MountsLoaded {
                generation,
                result: Ok(mounts),
            },
        );
        app
    }

    /// The PKI screen on `pki_int/` with an issuer, the role `web` and `count` certificates
    /// listed; the token may do everything unless `denied` names paths. With the requests the
    /// list's answer made (the certificates on screen).
    pub fn opened(size: (u16, u16), count: u64, denied: &[&str]) -> (App, Vec<Effect>) {
        let mut app = app_with_mount(size);
        open_mount(&mut app);
        let root = pem("Example Intermediate", 1800, 7, true);
        answer(
            &mut app,
            PkiAnswer::Issuers(Ok(vec![Issuer {
                id: "3dd83c96-d0ac-777c-0490-6f96f5338c40".into(),
                name: "int-2026".into(),
                cert: tresor::certs::certificates(&root)
                    .into_iter()
                    .next()
                    .map(Box::new),
                is_default: true,
                error: None,
            }])),
        );
        for effect in answer(&mut app, PkiAnswer::Roles(Ok(vec!["web".into()]))) {
            if let Effect::Pki {
                request: PkiRequest::Capabilities { paths },
                ..
            } = effect
            {
                let caps = paths
                    .into_iter()
                    .map(|p| {
                        let caps = if denied.contains(&p.as_str()) {
                            vec!["read".to_string()]
                        } else {
                            vec!["update".to_string()]
                        };
                        (p, caps)
                    })
                    .collect();
                answer(&mut app, PkiAnswer::Capabilities(Ok(caps)));
            }
        }
        let setting = |name: &str, value: &str| RoleSetting {
            name: name.into(),
            value: value.into(),
        };
        answer(
            &mut app,
            PkiAnswer::Role {
                name: "web".into(),
                result: Ok(vec![
                    setting("allow_subdomains", "true"),
                    setting("allowed_domains", "example.com"),
                    setting("key_bits", "256"),
                    setting("key_type", "ec"),
                    setting("max_ttl", "31536000"),
                    setting("ttl", "0"),
                ]),
            },
        );
        let effects = answer(
            &mut app,
            PkiAnswer::Serials(Ok((1..=count).map(serial).collect())),
        );
        (app, effects)
    }

    /// Answers every certificate request in `effects` (cert n: `host-n.example.com`, ending in
    /// n days; serial 2 revoked).
    pub fn answer_certs(app: &mut App, effects: Vec<Effect>) {
        for effect in effects {
            if let Effect::Pki {
                request: PkiRequest::Certs { serials },
                ..
            } = effect
            {
                let list = serials
                    .iter()
                    .map(|s| {
                        let n = u64::from_str_radix(&s.replace('-', ""), 16).expect("hex");
                        let cn = format!("host-{n}.example.com");
                        (s.clone(), Ok(cert(n, &cn, n as i64 - 3, n == 2)))
                    })
                    .collect();
                answer(app, PkiAnswer::Certs(list));
            }
        }
    }
}
