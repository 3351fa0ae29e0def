//! Editing text in the user's `$VISUAL` / `$EDITOR` (fallback `vi`). The text lives in a file
//! `secret.json` in a fresh directory (mode 0700, under `$XDG_RUNTIME_DIR` when there is one), the
//! file is 0600, and both are overwritten and removed afterwards: when the editor fails too, and on
//! a panic (the directory guard's `Drop` runs while unwinding). SIGKILL runs no clean-up: the
//! directory carries an owner file, and the next tresor to start overwrites and removes what a
//! killed one left (`remove_abandoned`).

use crate::secret::SecretText;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The command that opens a file: `$VISUAL`, else `$EDITOR`, else `vi`. It may carry arguments
/// (`code --wait`); the shell splits it, as git does.
pub fn editor_command(env: impl Fn(&str) -> Option<String>) -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| env(name))
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Where the private directory goes: `$XDG_RUNTIME_DIR` (memory-backed, per user) when it is set
/// and exists, else the system temp dir.
fn parent_dir() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(std::env::temp_dir)
}

/// The prefix of every private editing directory.
const DIR_PREFIX: &str = "tresor-edit-";

/// Overwrites and removes the editing directories that a tresor killed outright (SIGKILL) left
/// behind, with whatever the editor put next to the file (swap, backup files).
pub fn remove_abandoned() {
    crate::owned_dir::remove_abandoned(&parent_dir(), DIR_PREFIX, |dir| {
        wipe_all(dir);
        let _ = fs::remove_dir_all(dir);
    });
}

/// Wipes every file in `dir` (the edited file, an editor's swap or backup files).
fn wipe_all(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            wipe(&entry.path());
        }
    }
}

/// The file being edited; wiped and removed with its directory on drop.
struct PrivateFile {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl PrivateFile {
    fn create(text: &[u8]) -> std::io::Result<Self> {
        remove_abandoned();
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir_in(parent_dir())?;
        crate::platform::make_private(dir.path())?;
        crate::owned_dir::claim(dir.path())?;
        let path = dir.path().join("secret.json");
        let mut file = crate::platform::private(OpenOptions::new().write(true).create_new(true))
            .open(&path)?;
        file.write_all(text)?;
        file.sync_all()?;
        Ok(Self { dir, path })
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        wipe(&self.path);
        // Editors may leave swap or backup files next to it: wipe those too before the directory
        // goes (TempDir removes it when `self.dir` drops right after this).
        wipe_all(self.dir.path());
    }
}

/// Overwrites a file with zeros (same length) and removes it.
fn wipe(path: &Path) {
    if let Ok(metadata) = fs::symlink_metadata(path)
        && metadata.is_file()
    {
        if let Ok(mut file) = OpenOptions::new().write(true).open(path) {
            let zeros = vec![0u8; metadata.len() as usize];
            let _ = file.write_all(&zeros);
            let _ = file.sync_all();
        }
        let _ = fs::remove_file(path);
    }
}

/// Why an edit gave nothing to write. Says what failed, never the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditorError {
    #[error("cannot create the private temp file: {0}")]
    TempFile(String),
    #[error("cannot start the editor ({command}): {reason}")]
    Start { command: String, reason: String },
    /// `status` as the system words it ("exit status: 1").
    #[error("the editor ({command}) exited with {status}")]
    Failed { command: String, status: String },
    #[error("cannot read the edited file back: {0}")]
    ReadBack(String),
    #[error("the edited file is not UTF-8 text")]
    NotText,
}

/// Opens `text` in the editor and returns what the file holds when the editor exits successfully.
/// The terminal must be handed over (TUI suspended) by the caller.
pub async fn edit(text: &SecretText, command: &str) -> Result<SecretText, EditorError> {
    let file = PrivateFile::create(text.expose().as_bytes())
        .map_err(|e| EditorError::TempFile(e.to_string()))?;
    tracing::info!(editor = %command, "editing in an external editor");
    let status = tokio::process::Command::from(crate::platform::shell_command(
        command,
        file.path.as_os_str(),
    ))
    .status()
    .await
    .map_err(|e| EditorError::Start {
        command: command.to_string(),
        reason: e.to_string(),
    })?;
    if !status.success() {
        return Err(EditorError::Failed {
            command: command.to_string(),
            status: status.to_string(),
        });
    }
    let bytes =
        Zeroizing::new(fs::read(&file.path).map_err(|e| EditorError::ReadBack(e.to_string()))?);
    let edited = std::str::from_utf8(&bytes).map_err(|_| EditorError::NotText)?;
    Ok(SecretText::new(edited))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_wins_over_editor_and_vi_is_the_fallback() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            editor_command(env(&[("VISUAL", "code --wait"), ("EDITOR", "nano")])),
            "code --wait"
        );
        assert_eq!(
            editor_command(env(&[("VISUAL", ""), ("EDITOR", "nano")])),
            "nano"
        );
        assert_eq!(editor_command(env(&[])), "vi");
    }

    #[test]
    fn the_private_file_is_0600_in_a_0700_dir_and_gone_after() {
        let file = PrivateFile::create(b"{\"k\": \"secret\"}").unwrap();
        let dir = file.dir.path().to_path_buf();
        let mode = |p: &Path| crate::platform::mode(&fs::metadata(p).unwrap()).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&file.path), 0o600);
        fs::write(dir.join(".secret.json.swp"), b"swap").unwrap();
        drop(file);
        assert!(!dir.exists());
    }
}
