//! Certificates that end soon, wherever they are: the PEM values of KV trees (walked and read with
//! the folder engine's search, the one `tresor grep` uses) and the certificates PKI mounts issued.
//! Shared by `tresor certs --expiring` and the TUI's expiring view.

use super::error::VaultError;
use super::folder::{self, CancelToken, FolderError, GrepMatch, GrepSummary, TreeRef};
use super::kv::MountInfo;
use super::pki::{CertPlace, ExpiringCert};
use super::{SecretEngine, VaultClient};
use crate::certs::{self, PemBlock};
use time::{Duration, OffsetDateTime};

/// Every value below `tree` with a PEM block in it, handed to `on_value` as it is read.
pub async fn pem_values(
    tree: &TreeRef,
    mut on_value: impl FnMut(GrepMatch),
) -> Result<GrepSummary, FolderError> {
    let (matches, mut hits) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancelToken::new();
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
    let receiving = async {
        while let Some(hit) = hits.recv().await {
            on_value(hit);
        }
    };
    let (summary, ()) = tokio::join!(searching, receiving);
    summary
}

/// What a walk found, and what it could not look at (in words, paths only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Soonest first.
    pub found: Vec<ExpiringCert>,
    pub problems: Vec<String>,
}

impl Report {
    fn merge(&mut self, other: Report) {
        self.found.extend(other.found);
        self.problems.extend(other.problems);
    }

    fn sort(&mut self) {
        self.found
            .sort_by(|a, b| (a.summary.not_after, &a.place).cmp(&(b.summary.not_after, &b.place)));
    }
}

/// The certificates in the PEM values below `tree` that end within `window` of `now`.
pub async fn in_kv_tree(tree: &TreeRef, now: OffsetDateTime, window: Duration) -> Report {
    let mut report = Report::default();
    let summary = pem_values(tree, |hit| {
        for block in certs::decode(hit.value.expose()) {
            match block {
                PemBlock::Certificate(cert) if cert.expires_within(now, window) => {
                    report.found.push(ExpiringCert {
                        place: CertPlace::Kv {
                            path: hit.path.clone(),
                            key: hit.key.clone(),
                        },
                        summary: cert,
                    })
                }
                PemBlock::Unreadable { label, .. } => report.problems.push(format!(
                    "{} {}: a {label} block that is not readable",
                    hit.path, hit.key
                )),
                _ => {}
            }
        }
    })
    .await;
    match summary {
        Ok(summary) => {
            for folder in summary.unlistable {
                report.problems.push(format!(
                    "cannot list {folder} (permission denied): not searched"
                ));
            }
            for unreadable in summary.unreadable {
                report.problems.push(format!(
                    "cannot read {}: {}: not searched",
                    unreadable.path, unreadable.reason
                ));
            }
        }
        Err(error) => report
            .problems
            .push(format!("{}: {error}", tree.mount.path)),
    }
    report
}

/// The certificates a PKI mount issued that end within `window` of `now` (revoked ones left out).
pub async fn in_pki_mount(
    client: &VaultClient,
    mount: &str,
    now: OffsetDateTime,
    window: Duration,
) -> Report {
    match client.pki_expiring(mount, now, window).await {
        Ok((found, errors)) => Report {
            found,
            problems: errors.iter().map(ToString::to_string).collect(),
        },
        Err(error) => Report {
            found: Vec::new(),
            problems: vec![format!("{mount}: {error}")],
        },
    }
}

/// Whether a mount's certificates are looked at: KV (PEM values) or PKI (issued ones).
pub fn is_pki(mount: &MountInfo) -> bool {
    matches!(&mount.engine, SecretEngine::Other(kind) if kind == "pki")
}

/// Every KV and PKI mount the token can see, soonest first.
pub async fn everywhere(
    client: &VaultClient,
    now: OffsetDateTime,
    window: Duration,
) -> Result<Report, VaultError> {
    let mounts = client.secret_mounts().await?;
    let mut report = Report::default();
    for mount in mounts {
        if mount.engine.is_browsable() {
            let tree = TreeRef::new(client.clone(), mount, "");
            report.merge(in_kv_tree(&tree, now, window).await);
        } else if is_pki(&mount) {
            report.merge(in_pki_mount(client, &mount.path, now, window).await);
        }
    }
    report.sort();
    Ok(report)
}
