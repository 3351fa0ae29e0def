//! `tresor certs --expiring 30d [PATH]`: every certificate in a PEM value below PATH (or in every
//! KV mount) that expires within the window, one line each, for scripts and CI. Walks and reads
//! with the folder engine's search (the one `tresor grep` uses), looking for PEM values.

use crate::certs::{self, PemBlock};
use crate::cli::{CertsArgs, exit};
use crate::folder_cli::Context;
use crate::vault::MountInfo;
use crate::vault::folder::{self, CancelToken, TreeRef};
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

/// The trees to search: the KV folder PATH is in, or every KV mount.
async fn trees(ctx: &Context<'_>, path: Option<&str>) -> Result<Vec<TreeRef>, String> {
    let mounts: Vec<MountInfo> = ctx
        .client
        .secret_mounts()
        .await
        .map_err(|e| format!("listing the mounts: {e}"))?;
    let (browsable, others): (Vec<MountInfo>, Vec<MountInfo>) =
        mounts.into_iter().partition(|m| m.engine.is_browsable());
    let Some(path) = path else {
        return Ok(browsable
            .into_iter()
            .map(|m| TreeRef::new(ctx.client.clone(), m, ""))
            .collect());
    };
    match crate::vault::kv::split_path(&browsable, path) {
        Some((mount, rest)) => Ok(vec![TreeRef::new(ctx.client.clone(), mount.clone(), &rest)]),
        None => Err(match crate::vault::kv::split_path(&others, path) {
            Some((mount, _)) => format!(
                "{path}: {} is a {} mount, not key/value",
                mount.path,
                mount.engine.label()
            ),
            None => format!("{path}: not found: in no mount this token can see"),
        }),
    }
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
    let trees = match trees(ctx, args.path.as_deref()).await {
        Ok(trees) => trees,
        Err(error) => {
            eprintln!("tresor: {error}");
            return exit::TROUBLE;
        }
    };
    let now = OffsetDateTime::now_utc();
    let mut found = 0usize;
    let mut trouble = false;
    for tree in &trees {
        let (matches, mut hits) = tokio::sync::mpsc::unbounded_channel();
        let cancel = CancelToken::new();
        // Every value with a PEM block in it; each decoded as it arrives.
        let searching = async {
            let summary = folder::grep(
                tree,
                "-----BEGIN ",
                folder::DEFAULT_CONCURRENCY,
                &matches,
                None,
                &cancel,
            )
            .await;
            drop(matches);
            summary
        };
        let printing = async {
            let mut found = 0usize;
            let mut unreadable_blocks = false;
            while let Some(hit) = hits.recv().await {
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
            }
            (found, unreadable_blocks)
        };
        let (summary, (printed, unreadable_blocks)) = tokio::join!(searching, printing);
        found += printed;
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
