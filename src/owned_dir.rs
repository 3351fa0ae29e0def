//! Private directories that belong to one running tresor: each holds an owner file (the pid and
//! the process's start time, which tells a reused pid apart). A process killed outright (SIGKILL)
//! runs no clean-up, so its directory stays; the next tresor that looks finds the owner gone and
//! cleans the directory up (the dev server's home, the `$EDITOR` file's directory).

use crate::platform::process_identity;
use std::io::Write;
use std::path::Path;

/// In each owned directory: `pid starttime` of the process that owns it.
const OWNER_FILE: &str = "owner";

/// Marks `dir` as this process's (a 0600 owner file). Without /proc nothing is written, and the
/// directory is never taken for abandoned.
pub fn claim(dir: &Path) -> std::io::Result<()> {
    let Some(owner) = process_identity(std::process::id()) else {
        return Ok(());
    };
    crate::platform::private(std::fs::OpenOptions::new().write(true).create_new(true))
        .open(dir.join(OWNER_FILE))?
        .write_all(owner.as_bytes())
}

/// Whether `name` is the owner file (not part of what the directory holds for its owner).
pub fn is_owner_file(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == OWNER_FILE)
}

/// Cleans up the directories in `parent` named `prefix…` that belong to this user and whose owner
/// is gone: `clean` is called on each (it removes the directory). Directories without an owner
/// file are left alone.
pub fn remove_abandoned(parent: &Path, prefix: &str, clean: impl Fn(&Path)) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(prefix)
            && entry
                .metadata()
                .is_ok_and(|metadata| metadata.is_dir() && crate::platform::owned_by_me(&metadata));
        if !ours {
            continue;
        }
        let Ok(owner) = std::fs::read_to_string(path.join(OWNER_FILE)) else {
            continue;
        };
        let owner = owner.trim();
        let alive = owner
            .split_whitespace()
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
            .and_then(process_identity)
            .is_some_and(|identity| identity == owner);
        if !alive {
            tracing::info!(dir = %path.display(), "cleaning up a directory left by a killed tresor");
            clean(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_whose_owner_is_gone_is_cleaned_and_a_live_one_kept() {
        let parent = tempfile::tempdir().unwrap();
        let mine = parent.path().join("t-mine");
        let gone = parent.path().join("t-gone");
        let unowned = parent.path().join("t-unowned");
        for dir in [&mine, &gone, &unowned] {
            std::fs::create_dir(dir).unwrap();
        }
        claim(&mine).unwrap();
        // A pid that exists with another start time: not the owner any more.
        std::fs::write(gone.join(OWNER_FILE), format!("{} 1", std::process::id())).unwrap();
        let cleaned = std::cell::RefCell::new(Vec::new());
        remove_abandoned(parent.path(), "t-", |dir| {
            cleaned.borrow_mut().push(dir.to_path_buf())
        });
        assert_eq!(cleaned.into_inner(), vec![gone]);
    }
}
