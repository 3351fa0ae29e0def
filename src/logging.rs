//! Logs go to a private file (0600, in a 0700 directory), never to the terminal, written by a
//! background thread and rotated by size. Log lines carry paths, statuses and timings only, never
//! a secret value or a token.

use std::fs::{self, OpenOptions};
use std::path::PathBuf;

/// `$XDG_STATE_HOME/tresor/tresor.log` on Linux (the platform's state or cache dir elsewhere).
pub fn default_log_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "tresor")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.cache_dir())
        .to_path_buf();
    Some(dir.join("tresor.log"))
}

/// A log file grows to this size, then becomes `tresor.log.1` (the older `.1` becomes `.2`, and
/// the one before is dropped): at most three files of 10 MB each.
const ROTATE_AT: u64 = 10 * 1024 * 1024;
const KEEP_OLD: usize = 2;

/// What keeps logging going: lines are written by a background thread (the UI never waits on the
/// disk); dropping this at the end of `main` writes out what is still queued.
pub struct LogGuard {
    _worker: tracing_appender::non_blocking::WorkerGuard,
    pub path: PathBuf,
}

/// Starts logging to `path` (or the default). Level from `TRESOR_LOG` (default `info`).
/// Failing to open the log is not fatal: the app runs without logs.
pub fn init(path: Option<PathBuf>) -> Option<LogGuard> {
    let path = path.or_else(default_log_path)?;
    if let Some(dir) = path.parent() {
        create_private_dir(dir).ok()?;
    }
    let file = RotatingFile::open(path.clone(), ROTATE_AT, KEEP_OLD).ok()?;
    // Lossy: when the queue is full (a burst of trace lines) lines are dropped rather than the UI
    // made to wait.
    let (writer, worker) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRESOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .is_ok();
    installed.then_some(LogGuard {
        _worker: worker,
        path,
    })
}

/// A private (0600) append-only file that moves aside once it reaches `limit` bytes.
pub struct RotatingFile {
    path: PathBuf,
    file: fs::File,
    written: u64,
    limit: u64,
    keep: usize,
}

impl RotatingFile {
    pub fn open(path: PathBuf, limit: u64, keep: usize) -> std::io::Result<Self> {
        let file = open_private(&path)?;
        let written = file.metadata()?.len();
        Ok(Self {
            path,
            file,
            written,
            limit,
            keep,
        })
    }

    fn old(&self, n: usize) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        if self.keep == 0 {
            let _ = fs::remove_file(&self.path);
        } else {
            let _ = fs::remove_file(self.old(self.keep));
            for n in (1..self.keep).rev() {
                let _ = fs::rename(self.old(n), self.old(n + 1));
            }
            fs::rename(&self.path, self.old(1))?;
        }
        self.file = open_private(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl std::io::Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.limit {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn open_private(path: &std::path::Path) -> std::io::Result<fs::File> {
    let file = crate::platform::private(OpenOptions::new().create(true).append(true)).open(path)?;
    // A file that was there before with wider permissions is narrowed.
    crate::platform::make_private(path)?;
    Ok(file)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_log_rotates_by_size_keeps_two_old_files_and_all_stay_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tresor.log");
        let mut log = RotatingFile::open(path.clone(), 100, 2).unwrap();
        for n in 0..10 {
            log.write_all(format!("line {n:02} {}\n", "x".repeat(30)).as_bytes())
                .unwrap();
        }
        log.flush().unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["tresor.log", "tresor.log.1", "tresor.log.2"]);
        for name in &names {
            let file = dir.path().join(name);
            let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
            assert!(fs::metadata(&file).unwrap().len() <= 100, "{name}");
        }
        // The newest lines are in the current file, the ones before in .1.
        assert!(fs::read_to_string(&path).unwrap().contains("line 09"));
        assert!(
            fs::read_to_string(dir.path().join("tresor.log.1"))
                .unwrap()
                .contains("line 07")
        );
    }
}
