//! KV v2 history in the secret pane: the tabs, opening an old version, comparing two versions, and
//! the version operations (soft-delete, undelete, destroy, roll back, delete everything), each
//! checked against the token's capabilities and put behind a confirmation that names path and
//! versions. One concern per file:
//! - `tabs`: switching tabs, opening an old version, marking, the history's requests and answers;
//! - `compare`: the Diff tab's pair of versions;
//! - `operations`: what an operation may act on, whether the token may, and its answer;
//! - `version_confirm`: the confirmation in front of an operation (a component);
//! - `capabilities`: what the token may do with the open secret (asked once per secret).

mod capabilities;
mod compare;
mod operations;
mod tabs;
mod version_confirm;

pub use capabilities::{capabilities, capability_key};
pub use compare::{compare, compare_selected, route_secret_answer, step_diff};
pub use operations::{OperationKind, operation_done, request_operation};
pub use tabs::{
    cycle_tab, history_requests, metadata_loaded, open_version, reload_open_secret, select_tab,
    toggle_mark, versioned_secret,
};
pub use version_confirm::VersionConfirm;

/// Defined beside the client (effects carry it to the runtime); named here for the app's code.
pub use crate::vault::versions::VersionOperation;

impl VersionOperation {
    /// Past tense, for the status line: "Destroyed versions 3, 5 of secret/x".
    pub fn done_message(&self, path: &str, new_version: Option<u64>) -> String {
        match self {
            VersionOperation::SoftDelete { versions, .. } => {
                format!("Soft-deleted {} of {path}", versions_text(versions))
            }
            VersionOperation::Undelete { versions } => {
                format!("Undeleted {} of {path}", versions_text(versions))
            }
            VersionOperation::Destroy { versions } => {
                format!("Destroyed {} of {path}", versions_text(versions))
            }
            VersionOperation::Rollback { version, .. } => match new_version {
                Some(new) => format!("Rolled {path} back to version {version}: now version {new}"),
                None => format!("Rolled {path} back to version {version}"),
            },
            VersionOperation::DeleteAll => {
                format!("Deleted every version and the metadata of {path}")
            }
        }
    }
}

/// "version 3" / "versions 3, 5 and 7".
pub fn versions_text(versions: &[u64]) -> String {
    let numbers: Vec<String> = versions.iter().map(u64::to_string).collect();
    match numbers.as_slice() {
        [] => "no versions".into(),
        [one] => format!("version {one}"),
        [init @ .., last] => format!("versions {} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_listed_in_words() {
        assert_eq!(versions_text(&[3]), "version 3");
        assert_eq!(versions_text(&[3, 5]), "versions 3 and 5");
        assert_eq!(versions_text(&[1, 3, 5]), "versions 1, 3 and 5");
    }
}
