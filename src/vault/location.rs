//! Where a secret or folder lives: the mount and the path below it. Effects name it, the client's
//! multi-step requests take it, and the tree hands it out.

use super::MountInfo;

/// Where a secret or folder lives: the mount and the path below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub mount: MountInfo,
    /// Below the mount; folders end in `/`, the mount root is `""`.
    pub path: String,
}

impl Location {
    /// `mount/path` as users type it (`secret/app/db`).
    pub fn display(&self) -> String {
        format!("{}{}", self.mount.path, self.path)
    }
}
