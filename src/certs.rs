//! Certificates in a PEM text (a value in KV, a chain, a bundle with its key): what each says
//! (subject, issuer, SANs, serial, key, validity) and how close it is to its end. Pure functions:
//! the secret pane and `tresor certs` call these with the value and the time now.
//!
//! A private key block is recognised by its label and never decoded: only the certificates'
//! bodies are base64-decoded, so a key's bytes are never copied out of the value.

use base64::Engine as _;
use time::{Duration, OffsetDateTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::time::ASN1Time;
use x509_parser::x509::SubjectPublicKeyInfo;

/// Under this much time left a certificate "expires soon" (the issue's 30 days).
pub const SOON: Duration = Duration::days(30);

/// One block of a PEM text, in the order it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemBlock {
    Certificate(Box<CertSummary>),
    /// A private key (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`):
    /// only its label is kept.
    PrivateKey {
        label: String,
    },
    /// A `CERTIFICATE` block that is not a certificate (bad base64, bad DER), with why.
    Unreadable {
        label: String,
        reason: String,
    },
    /// Anything else (a CSR, a public key, parameters): named, not decoded.
    Other {
        label: String,
    },
}

/// What a certificate says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// RFC 4514 form, as `openssl x509 -subject` prints it (`CN=app.example.com, O=Example`).
    pub subject: String,
    pub issuer: String,
    /// DNS names, IP addresses, e-mails and URIs, each as written (`app.example.com`, `10.0.0.1`).
    pub sans: Vec<String>,
    /// Hex bytes separated by `:` (`1f:2a:..`), as the PKI engine and openssl show serials.
    pub serial: String,
    /// `RSA 2048`, `EC P-256`, `Ed25519`.
    pub key: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub is_ca: bool,
}

/// Where a certificate stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Not yet valid: starts in this long.
    NotYet(Duration),
    /// Valid, ends in this long (30 days or more).
    Valid(Duration),
    /// Valid, but ends in less than [`SOON`].
    Soon(Duration),
    /// Ended this long ago.
    Expired(Duration),
}

impl CertSummary {
    pub fn validity(&self, now: OffsetDateTime) -> Validity {
        if now < self.not_before {
            Validity::NotYet(self.not_before - now)
        } else if now >= self.not_after {
            Validity::Expired(now - self.not_after)
        } else if self.not_after - now < SOON {
            Validity::Soon(self.not_after - now)
        } else {
            Validity::Valid(self.not_after - now)
        }
    }

    /// Whether it ends within `window` of `now` (an expired one does too).
    pub fn expires_within(&self, now: OffsetDateTime, window: Duration) -> bool {
        self.not_after - now < window
    }
}

impl Validity {
    /// The word that carries the state without colour: `EXPIRED`, `expires soon`, `valid`,
    /// `not yet valid`.
    pub fn word(&self) -> &'static str {
        match self {
            Validity::NotYet(_) => "not yet valid",
            Validity::Valid(_) => "valid",
            Validity::Soon(_) => "expires soon",
            Validity::Expired(_) => "EXPIRED",
        }
    }

    /// The sentence for the pane: `expires in 12 days`, `EXPIRED 3 days ago`, `expires soon:
    /// in 5 hours`, `not yet valid: starts in 2 days`.
    pub fn describe(&self) -> String {
        match self {
            Validity::NotYet(d) => format!("not yet valid: starts in {}", span(*d)),
            Validity::Valid(d) => format!("expires in {}", span(*d)),
            Validity::Soon(d) => format!("expires soon: in {}", span(*d)),
            Validity::Expired(d) => format!("EXPIRED {} ago", span(*d)),
        }
    }
}

/// A length of time in its largest whole unit: `12 days`, `1 day`, `5 hours`, `3 minutes`,
/// `less than a minute`. Days up to two years (a certificate's life is counted in days).
pub fn span(d: Duration) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    let d = d.abs();
    if d.whole_days() > 730 {
        plural(d.whole_days() / 365, "year")
    } else if d.whole_days() >= 1 {
        plural(d.whole_days(), "day")
    } else if d.whole_hours() >= 1 {
        plural(d.whole_hours(), "hour")
    } else if d.whole_minutes() >= 1 {
        plural(d.whole_minutes(), "minute")
    } else {
        "less than a minute".to_string()
    }
}

/// Whether a value holds PEM at all (cheap: the pane asks this for every value it shows).
pub fn looks_like_pem(text: &str) -> bool {
    text.contains("-----BEGIN ")
}

/// Every PEM block in the text, in order; text between blocks is ignored (as openssl does). A
/// block without its END line is not a block.
pub fn decode(text: &str) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + "-----BEGIN ".len()..];
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = after[..label_end].trim().to_string();
        let body_and_rest = &after[label_end + "-----".len()..];
        let end_marker = format!("-----END {label}-----");
        let Some(body_end) = body_and_rest.find(&end_marker) else {
            break;
        };
        let body = &body_and_rest[..body_end];
        rest = &body_and_rest[body_end + end_marker.len()..];
        blocks.push(block(label, body));
    }
    blocks
}

/// The certificates alone, in order.
pub fn certificates(text: &str) -> Vec<CertSummary> {
    decode(text)
        .into_iter()
        .filter_map(|b| match b {
            PemBlock::Certificate(c) => Some(*c),
            _ => None,
        })
        .collect()
}

fn block(label: String, body: &str) -> PemBlock {
    if label.contains("PRIVATE KEY") {
        return PemBlock::PrivateKey { label };
    }
    if label != "CERTIFICATE" && label != "X509 CERTIFICATE" && label != "TRUSTED CERTIFICATE" {
        return PemBlock::Other { label };
    }
    // Headers (`Proc-Type: ...`) do not occur in certificates; whitespace may be anywhere, and
    // a PEM inside a JSON value has its line ends escaped (`\n`): a backslash is never base64,
    // so dropping the escapes cannot change a valid body.
    let base64: String = body
        .replace("\\r", "")
        .replace("\\n", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = match base64::engine::general_purpose::STANDARD.decode(base64.as_bytes()) {
        Ok(der) => der,
        Err(error) => {
            return PemBlock::Unreadable {
                label,
                reason: format!("not base64 ({error})"),
            };
        }
    };
    match summarize(&der) {
        Ok(summary) => PemBlock::Certificate(Box::new(summary)),
        Err(reason) => PemBlock::Unreadable { label, reason },
    }
}

fn summarize(der: &[u8]) -> Result<CertSummary, String> {
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|error| format!("not a certificate ({error})"))?;
    let sans = match cert.subject_alternative_name() {
        Ok(Some(ext)) => ext.value.general_names.iter().map(general_name).collect(),
        _ => Vec::new(),
    };
    let time = |t: ASN1Time| {
        OffsetDateTime::from_unix_timestamp(t.timestamp())
            .map_err(|error| format!("a date out of range ({error})"))
    };
    Ok(CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        serial: cert.raw_serial_as_string(),
        key: key_description(cert.public_key()),
        not_before: time(cert.validity().not_before)?,
        not_after: time(cert.validity().not_after)?,
        is_ca: cert.is_ca(),
    })
}

fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(s) => s.to_string(),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::URI(s) => format!("URI:{s}"),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes).unwrap_or_default())
                .to_string(),
            16 => std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes).unwrap_or_default())
                .to_string(),
            _ => format!("IP:{}", hex(bytes)),
        },
        other => other.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn key_description(spki: &SubjectPublicKeyInfo<'_>) -> String {
    let oid = &spki.algorithm.algorithm;
    if *oid == oid_registry::OID_SIG_ED25519 {
        return "Ed25519".into();
    }
    if *oid == oid_registry::OID_SIG_ED448 {
        return "Ed448".into();
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", rsa.key_size()),
        Ok(PublicKey::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok());
            let name = match curve {
                Some(c) if c == oid_registry::OID_EC_P256 => "P-256".to_string(),
                Some(c) if c == oid_registry::OID_NIST_EC_P384 => "P-384".to_string(),
                Some(c) if c == oid_registry::OID_NIST_EC_P521 => "P-521".to_string(),
                Some(c) => c.to_id_string(),
                None => format!("{} bits", point.key_size()),
            };
            format!("EC {name}")
        }
        Ok(PublicKey::DSA(_)) => "DSA".into(),
        Ok(other) if other.key_size() > 0 => format!("{} {}", oid.to_id_string(), other.key_size()),
        _ => oid.to_id_string(),
    }
}

/// A window for `--expiring`: `30d`, `12h`, `90m`, `2w`, or a bare number of days.
pub fn parse_window(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "d"),
    };
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("{text:?}: give a number and a unit (30d, 12h, 90m, 2w)"))?;
    match unit {
        "d" => Ok(Duration::days(n)),
        "h" => Ok(Duration::hours(n)),
        "m" => Ok(Duration::minutes(n)),
        "w" => Ok(Duration::weeks(n)),
        _ => Err(format!(
            "{text:?}: unit {unit:?} is not one of d (days), h, m, w"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
        SanType,
    };

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).expect("in range")
    }

    /// A CA, an intermediate it signed and a leaf the intermediate signed; leaf first, as a
    /// server's chain file is written. Returns (chain PEM, leaf key PEM).
    fn chain() -> (String, String) {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.distinguished_name = DistinguishedName::new();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Test Root");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.not_before = at(1_700_000_000);
        ca_params.not_after = at(2_000_000_000);
        let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
        let ca = ca_params.self_signed(&ca_key).expect("ca");

        let mut int_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        int_params.distinguished_name = DistinguishedName::new();
        int_params
            .distinguished_name
            .push(DnType::CommonName, "Test Intermediate");
        int_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        int_params.not_before = at(1_700_000_000);
        int_params.not_after = at(1_900_000_000);
        let int_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("key");
        let ca_issuer = Issuer::from_params(&ca_params, &ca_key);
        let int = int_params
            .signed_by(&int_key, &ca_issuer)
            .expect("intermediate");

        let mut leaf_params =
            CertificateParams::new(vec!["app.example.com".to_string()]).expect("params");
        leaf_params
            .subject_alt_names
            .push(SanType::IpAddress("10.0.0.7".parse().expect("ip")));
        leaf_params.distinguished_name = DistinguishedName::new();
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "app.example.com");
        leaf_params
            .distinguished_name
            .push(DnType::OrganizationName, "Example");
        leaf_params.serial_number = Some(vec![0x1f, 0x2a, 0x03].into());
        leaf_params.not_before = at(1_750_000_000);
        leaf_params.not_after = at(1_800_000_000);
        let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let int_issuer = Issuer::from_params(&int_params, &int_key);
        let leaf = leaf_params.signed_by(&leaf_key, &int_issuer).expect("leaf");
        (
            format!("{}{}{}", leaf.pem(), int.pem(), ca.pem()),
            leaf_key.serialize_pem(),
        )
    }

    #[test]
    fn a_chain_is_decoded_certificate_by_certificate_in_order() {
        let (chain, _) = chain();
        let certs = certificates(&chain);
        assert_eq!(certs.len(), 3);
        let leaf = &certs[0];
        assert_eq!(leaf.subject, "CN=app.example.com, O=Example");
        assert_eq!(leaf.issuer, "CN=Test Intermediate");
        assert_eq!(leaf.sans, vec!["app.example.com", "10.0.0.7"]);
        assert_eq!(leaf.serial, "1f:2a:03");
        assert_eq!(leaf.key, "EC P-256");
        assert_eq!(leaf.not_before, at(1_750_000_000));
        assert_eq!(leaf.not_after, at(1_800_000_000));
        assert!(!leaf.is_ca);
        assert_eq!(certs[1].subject, "CN=Test Intermediate");
        assert_eq!(certs[1].issuer, "CN=Test Root");
        assert_eq!(certs[1].key, "Ed25519");
        assert!(certs[1].is_ca);
        assert_eq!(certs[2].subject, "CN=Test Root");
        assert_eq!(certs[2].issuer, "CN=Test Root");
        assert_eq!(certs[2].key, "EC P-384");
    }

    #[test]
    fn an_rsa_key_says_its_size() {
        // rcgen cannot generate RSA keys on ring; a fixed 2048-bit self-signed certificate.
        let pem = include_str!("../tests/fixtures/rsa2048.pem");
        let certs = certificates(pem);
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].key, "RSA 2048");
    }

    #[test]
    fn a_private_key_is_named_not_decoded() {
        let (chain, key) = chain();
        let bundle = format!("{key}{chain}");
        let blocks = decode(&bundle);
        assert_eq!(blocks.len(), 4);
        assert_eq!(
            blocks[0],
            PemBlock::PrivateKey {
                label: "PRIVATE KEY".into()
            }
        );
        // Nothing of the key's body is in what was decoded.
        let body_line = key.lines().nth(1).expect("a body line");
        assert!(!format!("{blocks:?}").contains(body_line));
        assert!(matches!(blocks[1], PemBlock::Certificate(_)));
    }

    #[test]
    fn a_broken_certificate_block_says_why_and_the_rest_still_decodes() {
        let (chain, _) = chain();
        let broken = format!(
            "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n\
             -----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n{chain}"
        );
        let blocks = decode(&broken);
        assert_eq!(blocks.len(), 5);
        assert!(
            matches!(&blocks[0], PemBlock::Unreadable { reason, .. } if reason.starts_with("not base64"))
        );
        assert!(
            matches!(&blocks[1], PemBlock::Unreadable { reason, .. } if reason.starts_with("not a certificate"))
        );
        assert_eq!(certificates(&broken).len(), 3);
    }

    #[test]
    fn pem_inside_a_json_value_with_escaped_newlines_decodes_too() {
        // A KV value that is a JSON object holds its PEM with `\n` escapes.
        let (chain, _) = chain();
        let json = serde_json::json!({ "tls": { "chain": chain } }).to_string();
        assert!(json.contains("\\n"));
        assert_eq!(certificates(&json).len(), 3);
        assert!(
            decode(&json)
                .iter()
                .all(|b| matches!(b, PemBlock::Certificate(_))),
            "{:?}",
            decode(&json)
        );
    }

    #[test]
    fn text_without_pem_or_with_a_cut_block_has_no_blocks() {
        assert!(!looks_like_pem("password123"));
        assert!(decode("password123").is_empty());
        assert!(decode("-----BEGIN CERTIFICATE-----\nMIIB").is_empty());
        assert_eq!(
            decode("-----BEGIN CERTIFICATE REQUEST-----\nx\n-----END CERTIFICATE REQUEST-----"),
            vec![PemBlock::Other {
                label: "CERTIFICATE REQUEST".into()
            }]
        );
    }

    #[test]
    fn validity_has_a_word_for_each_state() {
        let (chain, _) = chain();
        let leaf = &certificates(&chain)[0];
        let end = leaf.not_after;
        let soon = leaf.validity(end - Duration::days(12));
        assert_eq!(soon, Validity::Soon(Duration::days(12)));
        assert_eq!(soon.describe(), "expires soon: in 12 days");
        assert_eq!(soon.word(), "expires soon");
        let valid = leaf.validity(end - Duration::days(45));
        assert_eq!(valid.describe(), "expires in 45 days");
        assert_eq!(valid.word(), "valid");
        assert_eq!(
            leaf.validity(end - Duration::days(30)).word(),
            "valid",
            "30 days left is not under 30"
        );
        let expired = leaf.validity(end + Duration::days(3));
        assert_eq!(expired.describe(), "EXPIRED 3 days ago");
        assert_eq!(leaf.validity(end).word(), "EXPIRED");
        let early = leaf.validity(leaf.not_before - Duration::hours(5));
        assert_eq!(early.describe(), "not yet valid: starts in 5 hours");
        assert!(leaf.expires_within(end - Duration::days(29), Duration::days(30)));
        assert!(!leaf.expires_within(end - Duration::days(31), Duration::days(30)));
        assert!(leaf.expires_within(end + Duration::days(1), Duration::days(30)));
    }

    #[test]
    fn spans_use_the_largest_whole_unit() {
        assert_eq!(span(Duration::days(1)), "1 day");
        assert_eq!(span(Duration::hours(47)), "1 day");
        assert_eq!(span(Duration::hours(23)), "23 hours");
        assert_eq!(span(Duration::seconds(59)), "less than a minute");
        assert_eq!(span(Duration::days(365)), "365 days");
        assert_eq!(span(Duration::days(3650)), "10 years");
    }

    #[test]
    fn windows_parse_with_units() {
        assert_eq!(parse_window("30d"), Ok(Duration::days(30)));
        assert_eq!(parse_window("30"), Ok(Duration::days(30)));
        assert_eq!(parse_window("12h"), Ok(Duration::hours(12)));
        assert_eq!(parse_window("2w"), Ok(Duration::weeks(2)));
        assert!(parse_window("30y").is_err());
        assert!(parse_window("d").is_err());
    }
}
