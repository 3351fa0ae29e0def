//! The throwaway dev server of `tresor demo` and of the tests: its root token and unseal key stay
//! private to the user, and the server does not outlive tresor, however tresor ends.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_server_s_directory_and_log_are_private() {
    let server = support::dev_server();
    let home = server.home.path();
    assert_eq!(mode(home), 0o700, "{}", home.display());
    for entry in std::fs::read_dir(home).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path) & 0o077, 0, "{}", path.display());
        }
    }
    // The log (which gets the root token and unseal key) among them.
    assert_eq!(mode(&home.join("server.log")), 0o600);
}

/// The children of a process (from /proc).
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
                out.extend(
                    text.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
        }
    }
    out
}

fn alive(pid: u32) -> bool {
    // A zombie has been killed: only its parent has not reaped it yet.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_demo_server_dies_with_tresor_even_after_kill_9_and_its_directory_is_removed() {
    let bao = tresor::devserver::find_bao(None).unwrap_or_else(|hint| panic!("{hint}"));
    let home = tempfile::tempdir().unwrap();
    let tresor = std::process::Command::new(env!("CARGO_BIN_EXE_tresor"))
        .args(["demo", "--no-tui", "--bao"])
        .arg(&bao)
        .env("HOME", home.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed (SIGKILL) on every path, a failed assertion too.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut tresor = Killed(tresor);
    let mut stdout = std::io::BufReader::new(tresor.0.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.contains("ready"), "{line}");
    let server_pid = children(tresor.0.id())
        .into_iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmd| cmd.contains("server"))
        })
        .expect("bao server is a child of tresor");
    let environ = std::fs::read(format!("/proc/{server_pid}/environ")).unwrap();
    let dir: PathBuf = environ
        .split(|b| *b == 0)
        .find_map(|var| var.strip_prefix(b"HOME="))
        .map(|home| PathBuf::from(String::from_utf8_lossy(home).into_owned()))
        .expect("the server's HOME");
    assert!(dir.is_dir());
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("server.log")), 0o600);

    drop(tresor); // SIGKILL: no destructor runs in tresor
    wait_until("the server dies", Duration::from_secs(10), || {
        !alive(server_pid)
    });
    // The next dev server removes what the killed one left behind.
    let _next = support::dev_server();
    assert!(!dir.exists(), "{} left behind", dir.display());
}
