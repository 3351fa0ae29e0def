//! The end of a moved secret: its target read back equal to what was written, then the source
//! deleted.

use super::read::read_raw;
use super::run::with_rate_limit;
use crate::vault::client::Operation;
use crate::vault::folder::{ItemOutcome, Plan, PlanItem, TreeRef};
use crate::vault::versions::operation_path;

/// The target read back: equal to what was written, then the source is deleted.
pub(super) async fn finish_move(
    plan: &Plan,
    source: &TreeRef,
    item: &PlanItem,
    path: &str,
    written: &[u8],
    version: Option<u64>,
) -> ItemOutcome {
    let target = &plan.target;
    match read_raw(target, path, None).await {
        Ok(back) if back.data.as_ref().map(|d| d.as_slice()) == Some(written) => {}
        Ok(_) => {
            return ItemOutcome::Failed(format!(
                "{} does not read back as written: the source is kept",
                target.display_of(&item.relative)
            ));
        }
        Err(error) => {
            return ItemOutcome::Failed(format!(
                "written, but reading it back failed ({error}): the source is kept"
            ));
        }
    }
    let source_path = source.path_of(&item.relative);
    let delete_path = if source.is_v2() {
        operation_path(&source.mount, "metadata", &source_path)
    } else {
        source.mount.read_path(&source_path)
    };
    let client = &source.client;
    match with_rate_limit(client, &delete_path, || {
        client.send(Operation::Delete, &delete_path, None)
    })
    .await
    {
        Ok(_) => ItemOutcome::Done { version },
        Err(error) => ItemOutcome::Failed(format!(
            "copied and read back equal, but the source could not be deleted ({error}): it is \
             still there"
        )),
    }
}
