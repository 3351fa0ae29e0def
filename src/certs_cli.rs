//! `tresor certs --expiring 30d [PATH]`: every certificate in a PEM value below PATH (or in every
//! KV mount) that expires within the window, and every certificate a PKI mount issued that does,
//! one line each, for scripts and CI. Walks and reads with `vault::expiring` (the folder engine's
//! search for PEM values; the PKI mounts' issued certificates), as the TUI's expiring view does.

use crate::certs::{self, PemBlock};
use crate::cli::{CertsArgs, exit};
use crate::folder_cli::Context;
use crate::vault::MountInfo;
use crate::vault::expiring;
use crate::vault::folder::TreeRef;
use crate::vault::pki::ExpiringCert;
use time::OffsetDateTime;

/// `certs` answers as grep does, the other way round: 1 means "found some" (the alarm).
pub const NONE_EXPIRING: u8 = 0;
pub const SOME_EXPIRING: u8 = 1;

/// The lines for one value: `path<TAB>key<TAB>subject<TAB>not-after<TAB>state` per certificate
/// ending within `window` of `now` (an expired one too), and one message per certificate block
/// that could not be read. Never anything of the value but what the certificates say.
pub fn expiring_lines(
    path: &str,
    key: &str,
    value: &str,
    now: OffsetDateTime,
    window: time::Duration,
) -> (Vec<String>, Vec<String>) {
    let clean = |s: &str| crate::ui::text::sanitize(s).into_owned();
    let mut lines = Vec::new();
    let mut unreadable = Vec::new();
    for block in certs::decode(value) {
        match block {
            PemBlock::Certificate(cert) if cert.expires_within(now, window) => {
                let end = cert
                    .not_after
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
                lines.push(format!(
                    "{}\t{}\t{}\t{end}\t{}",
                    clean(path),
                    clean(key),
                    clean(&cert.subject),
                    cert.validity(now).describe()
                ));
            }
            PemBlock::Unreadable { label, reason } => unreadable.push(format!(
                "{} {}: a {} block that is not readable: {reason}",
                clean(path),
                clean(key),
                clean(&label)
            )),
            _ => {}
        }
    }
    (lines, unreadable)
}

/// Where to look: the KV folder PATH is in, or the PKI mount PATH is; or every KV and PKI mount.
struct Places {
    trees: Vec<TreeRef>,
    /// PKI mounts (`pki_int/`).
    pki: Vec<String>,
}

async fn places(ctx: &Context<'_>, path: Option<&str>) -> Result<Places, String> {
    let mounts: Vec<MountInfo> = ctx
        .client
        .secret_mounts()
        .await
        .map_err(|e| format!("listing the mounts: {e}"))?;
    let (browsable, others): (Vec<MountInfo>, Vec<MountInfo>) =
        mounts.into_iter().partition(|m| m.engine.is_browsable());
    let Some(path) = path else {
        return Ok(Places {
            trees: browsable
                .into_iter()
                .map(|m| TreeRef::new(ctx.client.clone(), m, ""))
                .collect(),
            pki: others
                .iter()
                .filter(|m| expiring::is_pki(m))
                .map(|m| m.path.clone())
                .collect(),
        });
    };
    if let Some((mount, rest)) = crate::vault::kv::split_path(&browsable, path) {
        return Ok(Places {
            trees: vec![TreeRef::new(ctx.client.clone(), mount.clone(), &rest)],
            pki: Vec::new(),
        });
    }
    match crate::vault::kv::split_path(&others, path) {
        Some((mount, _)) if expiring::is_pki(mount) => Ok(Places {
            trees: Vec::new(),
            pki: vec![mount.path.clone()],
        }),
        Some((mount, _)) => Err(format!(
            "{path}: {} is a {} mount, not key/value or pki",
            mount.path,
            mount.engine.label()
        )),
        None => Err(format!("{path}: not found: in no mount this token can see")),
    }
}

/// The line for a certificate a PKI mount issued, in the same columns as a KV one: the
/// certificate's path (`pki_int/cert/<serial>`), `certificate`, subject, not-after, state.
pub fn pki_line(found: &ExpiringCert, now: OffsetDateTime) -> String {
    let clean = |s: &str| crate::ui::text::sanitize(s).into_owned();
    let end = found
        .summary
        .not_after
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "{}\tcertificate\t{}\t{end}\t{}",
        clean(&found.place.display()),
        clean(&found.summary.subject),
        found.summary.validity(now).describe()
    )
}

pub async fn certs(ctx: &Context<'_>, args: &CertsArgs) -> u8 {
    let window = match certs::parse_window(&args.expiring) {
        Ok(window) => window,
        Err(error) => {
            eprintln!("tresor: --expiring {error}");
            return exit::USAGE;
        }
    };
    if !ctx.client.has_token() {
        eprintln!("tresor: {}", crate::ls::no_token_message(ctx.token_store));
        return exit::TROUBLE;
    }
    let places = match places(ctx, args.path.as_deref()).await {
        Ok(places) => places,
        Err(error) => {
            eprintln!("tresor: {error}");
            return exit::TROUBLE;
        }
    };
    let now = OffsetDateTime::now_utc();
    let mut found = 0usize;
    let mut trouble = false;
    for tree in &places.trees {
        let mut unreadable_blocks = false;
        // Every value with a PEM block in it; each decoded and printed as it arrives.
        let summary = expiring::pem_values(tree, |hit| {
            let (lines, unreadable) =
                expiring_lines(&hit.path, &hit.key, hit.value.expose(), now, window);
            found += lines.len();
            if !lines.is_empty() {
                let _ = crate::cli::print_quietly((lines.join("\n") + "\n").as_bytes());
            }
            for message in &unreadable {
                eprintln!("tresor: {message}");
            }
            unreadable_blocks |= !unreadable.is_empty();
        })
        .await;
        trouble |= unreadable_blocks;
        match summary {
            Ok(summary) => {
                for folder in &summary.unlistable {
                    eprintln!("tresor: cannot list {folder} (permission denied): not searched");
                }
                for unreadable in &summary.unreadable {
                    eprintln!(
                        "tresor: cannot read {}: {}: not searched",
                        unreadable.path, unreadable.reason
                    );
                }
                trouble |= !summary.unlistable.is_empty() || !summary.unreadable.is_empty();
            }
            Err(error) => {
                eprintln!("tresor: {}: {error}", tree.mount.path);
                trouble = true;
            }
        }
    }
    // PKI mounts: the certificates they issued (the same walk as the TUI's expiring view).
    for mount in &places.pki {
        let report = expiring::in_pki_mount(&ctx.client, mount, now, window).await;
        if !report.found.is_empty() {
            let lines: Vec<String> = report.found.iter().map(|f| pki_line(f, now)).collect();
            let _ = crate::cli::print_quietly((lines.join("\n") + "\n").as_bytes());
        }
        found += report.found.len();
        for problem in &report.problems {
            eprintln!("tresor: {problem}");
        }
        trouble |= !report.problems.is_empty();
    }
    // A certificate found expiring is a fact even if some folder could not be read.
    if found > 0 {
        SOME_EXPIRING
    } else if trouble {
        exit::TROUBLE
    } else {
        NONE_EXPIRING
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DnType, KeyPair};
    use time::Duration;

    fn pem(cn: &str, not_after: OffsetDateTime) -> String {
        let mut params = CertificateParams::new(vec![]).expect("params");
        params.distinguished_name.push(DnType::CommonName, cn);
        params.not_before = not_after - Duration::days(400);
        params.not_after = not_after;
        let key = KeyPair::generate().expect("key");
        params.self_signed(&key).expect("cert").pem()
    }

    #[test]
    fn only_certificates_ending_within_the_window_are_listed_with_where_they_are() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("in range");
        let value = format!(
            "{}{}{}",
            pem("soon", now + Duration::days(1)),
            pem("later", now + Duration::days(365)),
            pem("gone", now - Duration::days(2)),
        );
        let (lines, unreadable) =
            expiring_lines("secret/app/tls", "chain", &value, now, Duration::days(30));
        assert!(unreadable.is_empty());
        assert_eq!(
            lines,
            vec![
                "secret/app/tls\tchain\tCN=soon\t2027-01-16T08:00:00Z\texpires soon: in 1 day",
                "secret/app/tls\tchain\tCN=gone\t2027-01-13T08:00:00Z\tEXPIRED 2 days ago",
            ]
        );
    }

    #[test]
    fn a_tab_or_newline_in_a_path_cannot_forge_a_field_or_a_line() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("in range");
        let value = pem("x", now);
        let (lines, _) = expiring_lines("a\tb\nc", "k", &value, now, Duration::days(1));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].matches('\t').count(), 4, "{}", lines[0]);
        assert!(!lines[0].contains('\n'));
    }
}
