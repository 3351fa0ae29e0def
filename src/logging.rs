//! Logs go to a private file (0600, in a 0700 directory), never to the terminal. Log lines carry
//! paths, statuses and timings only, never a secret value or a token.

use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;

/// `$XDG_STATE_HOME/tresor/tresor.log` on Linux (the platform's state or cache dir elsewhere).
pub fn default_log_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "tresor")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.cache_dir())
        .to_path_buf();
    Some(dir.join("tresor.log"))
}

/// Starts logging to `path` (or the default). Level from `TRESOR_LOG` (default `info`).
/// Failing to open the log is not fatal: the app runs without logs.
pub fn init(path: Option<PathBuf>) -> Option<PathBuf> {
    let path = path.or_else(default_log_path)?;
    if let Some(dir) = path.parent() {
        create_private_dir(dir).ok()?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o600));
    }
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRESOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .is_ok();
    installed.then_some(path)
}

pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}
