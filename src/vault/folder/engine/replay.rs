//! Every version of one secret replayed oldest first on a KV v2 target.

use super::run::{Values, with_rate_limit, write_once};
use crate::vault::VaultError;
use crate::vault::client::Operation;
use crate::vault::folder::{PlanItem, TreeRef, VersionStep};
use crate::vault::versions::operation_path;
use zeroize::Zeroizing;

pub(super) enum Replay {
    /// The first write was refused by check-and-set: nothing written.
    Conflict(VaultError),
    Failed(String),
}

pub(super) type Written = (Zeroizing<Vec<u8>>, Option<u64>, Option<Zeroizing<Vec<u8>>>);

/// Every version oldest first, as new versions on the target (check-and-set chained from the
/// version the plan saw): live versions copied, deleted and destroyed ones as empty placeholders
/// deleted or destroyed in turn. A failure part-way says which versions were written.
pub(super) async fn replay(
    values: &Values<'_>,
    target: &TreeRef,
    item: &PlanItem,
    path: &str,
    first_cas: Option<u64>,
) -> Result<Written, Replay> {
    let mut cas = first_cas.unwrap_or(0);
    let mut last: Option<Zeroizing<Vec<u8>>> = None;
    let mut custom = None;
    let mut written_count = 0usize;
    let part_way = |count: usize, reason: String| {
        if count == 0 {
            Replay::Failed(format!("{reason}: nothing written"))
        } else {
            Replay::Failed(format!(
                "{reason}: stopped after {count} of {} versions (the target has only those)",
                item.versions.len()
            ))
        }
    };
    for step in &item.versions {
        let (data, change) = match step {
            VersionStep::Live(version) => {
                let secret = values
                    .read(&item.relative, Some(*version))
                    .await
                    .map_err(|e| part_way(written_count, e.to_string()))?;
                custom = secret.custom_metadata;
                match secret.data {
                    Some(data) => (data, None),
                    // Deleted or destroyed since the plan: reproduced as it is now.
                    None if secret.destroyed => (placeholder(), Some("destroy")),
                    None => (placeholder(), Some("delete")),
                }
            }
            VersionStep::Deleted(_) => (placeholder(), Some("delete")),
            VersionStep::Destroyed(_) => (placeholder(), Some("destroy")),
        };
        let version = match write_once(target, path, &data, Some(cas)).await {
            Ok(Some(version)) => version,
            Ok(None) => {
                return Err(part_way(
                    written_count,
                    format!(
                        "{}: no version in the write answer",
                        target.display_of(&item.relative)
                    ),
                ));
            }
            Err(error @ VaultError::CasMismatch { .. }) if written_count == 0 => {
                return Err(Replay::Conflict(error));
            }
            Err(error) => return Err(part_way(written_count, error.to_string())),
        };
        written_count += 1;
        cas = version;
        if let Some(endpoint) = change {
            let change_path = operation_path(&target.mount, endpoint, path);
            let body = serde_json::json!({ "versions": [version] });
            let client = &target.client;
            if let Err(error) = with_rate_limit(client, &change_path, || {
                client.send(Operation::Write, &change_path, Some(&body))
            })
            .await
            {
                return Err(part_way(written_count, error.to_string()));
            }
        }
        last = Some(data);
    }
    match last {
        Some(data) => Ok((data, Some(cas), custom)),
        None => Err(Replay::Failed(
            "no versions to copy: nothing written".into(),
        )),
    }
}

pub(super) fn placeholder() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(b"{}".to_vec())
}
