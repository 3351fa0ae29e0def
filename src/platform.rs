//! What differs between Unix and Windows, in one place (macOS is Unix here; only Linux is
//! tested, Windows and macOS only build).
//!
//! - Private files and directories: on Unix a file is created 0600 and a directory 0700. On
//!   Windows, files under the user's profile (`%APPDATA%`, `%LOCALAPPDATA%`, the temp dir) inherit
//!   the profile's ACL (the user, SYSTEM and administrators), so nothing is set.
//! - Who owns a leftover directory (Unix: its uid; Windows: it is in the user's own temp dir).
//! - Which process owns a directory (Linux: pid and start time from /proc; elsewhere unknown, so
//!   no directory is ever taken for abandoned).
//! - Signals that end the TUI: SIGTERM, SIGHUP and SIGINT on Unix; Ctrl-C and Ctrl-Break on
//!   Windows.

use std::fs::{Metadata, OpenOptions};
use std::path::Path;

/// `options` create a file only its owner may read and write (Unix 0600).
pub fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Narrows an existing file (0600) or directory (0700) to its owner.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// The permission bits (Unix), for telling the user a file is readable by others.
pub fn mode(metadata: &Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(metadata.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// Whether the running user owns what `metadata` describes.
pub fn owned_by_me(metadata: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: getuid has no preconditions and cannot fail.
        metadata.uid() == unsafe { libc::getuid() }
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        true
    }
}

/// `pid starttime` of a running process (the start time tells a reused pid apart); `None` where
/// it cannot be known (no /proc).
pub fn process_identity(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22 (starttime), counted after the command name, which may hold spaces.
    let after_name = stat.rsplit_once(')')?.1;
    let start = after_name.split_whitespace().nth(19)?;
    Some(format!("{pid} {start}"))
}

/// A user-given command line (`$EDITOR`, a token helper) run by the system shell, as git and the
/// bao CLI run them: `sh -c` on Unix (the command may carry arguments: `code --wait`), `cmd /C` on
/// Windows. `argument` (a file path) is passed as one word, never spliced into the script on
/// Unix (`"$1"`); on Windows it is quoted.
pub fn shell_command(command: &str, argument: &std::ffi::OsStr) -> std::process::Command {
    #[cfg(unix)]
    {
        let mut shell = std::process::Command::new("sh");
        shell
            .arg("-c")
            .arg(format!("{command} \"$1\""))
            .arg("sh")
            .arg(argument);
        shell
    }
    #[cfg(not(unix))]
    {
        let mut shell = std::process::Command::new("cmd");
        shell
            .arg("/C")
            .arg(format!("{command} \"{}\"", argument.to_string_lossy()));
        shell
    }
}

/// The signals that end the TUI the way `q` does.
pub struct QuitSignals {
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 3],
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
    #[cfg(windows)]
    ctrl_break: tokio::signal::windows::CtrlBreak,
}

impl QuitSignals {
    pub fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                signals: [
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::hangup())?,
                    signal(SignalKind::interrupt())?,
                ],
            })
        }
        #[cfg(windows)]
        {
            Ok(Self {
                ctrl_c: tokio::signal::windows::ctrl_c()?,
                ctrl_break: tokio::signal::windows::ctrl_break()?,
            })
        }
    }

    /// Waits for the next one.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let [term, hup, int] = &mut self.signals;
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(windows)]
        {
            tokio::select! {
                _ = self.ctrl_c.recv() => {}
                _ = self.ctrl_break.recv() => {}
            }
        }
    }
}
