//! The one way the end-to-end tests start the real binary: a private directory for everything it
//! may write (HOME, the XDG directories, TMPDIR), exactly the environment the test gives (nothing
//! inherited but PATH), optional config file, log file and arguments, and the terminal's size.
//!
//! ```ignore
//! let sandbox = Sandbox::new().server(&server).token(&token).log("debug");
//! let mut app = sandbox.spawn();
//! ```

use super::pty::{COLS, PtyApp, ROWS};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use tresor::devserver::DevServer;

pub struct Sandbox {
    root: tempfile::TempDir,
    env: Vec<(String, String)>,
    args: Vec<String>,
    size: (u16, u16),
    wait_for: Option<String>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A fresh directory with `home/`, `run/`, `tmp/`, `config/` and `state/`, each named by its
    /// variable (HOME, XDG_RUNTIME_DIR, TMPDIR, XDG_CONFIG_HOME, XDG_STATE_HOME); the clipboard is
    /// OSC 52 (never the machine's clipboard). No server yet.
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("sandbox directory");
        let mut sandbox = Self {
            root,
            env: Vec::new(),
            args: Vec::new(),
            size: (ROWS, COLS),
            wait_for: None,
        };
        for (dir, variable) in [
            ("home", "HOME"),
            ("run", "XDG_RUNTIME_DIR"),
            ("tmp", "TMPDIR"),
            ("config", "XDG_CONFIG_HOME"),
            ("state", "XDG_STATE_HOME"),
        ] {
            let path = sandbox.root.path().join(dir);
            std::fs::create_dir_all(&path).expect("sandbox subdirectory");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                .expect("sandbox permissions");
            sandbox = sandbox.env(variable, path.to_str().expect("utf-8 path"));
        }
        sandbox.env("TRESOR_CLIPBOARD", "osc52")
    }

    /// BAO_ADDR is `server`'s address and BAO_TOKEN its root token.
    pub fn server(self, server: &DevServer) -> Self {
        self.addr(&server.addr).token(server.root_token.expose())
    }

    /// BAO_ADDR.
    pub fn addr(self, addr: &str) -> Self {
        self.env("BAO_ADDR", addr)
    }

    /// BAO_TOKEN.
    pub fn token(self, token: &str) -> Self {
        self.env("BAO_TOKEN", token)
    }

    /// Sets `name` (replacing an earlier value).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.retain(|(known, _)| known != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Leaves `name` out of the environment.
    pub fn without(mut self, name: &str) -> Self {
        self.env.retain(|(known, _)| known != name);
        self
    }

    /// Command-line arguments (added after earlier ones).
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|arg| arg.to_string()));
        self
    }

    /// Writes `toml` to `home/config.toml` with `mode` and names it in TRESOR_CONFIG.
    pub fn config(self, toml: &str, mode: u32) -> Self {
        let path = self.config_file();
        std::fs::write(&path, toml).expect("write config.toml");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .expect("config.toml permissions");
        let value = path.to_str().expect("utf-8 path").to_string();
        self.env("TRESOR_CONFIG", &value)
    }

    /// Logs at `level` (TRESOR_LOG) to `log_file()`.
    pub fn log(self, level: &str) -> Self {
        let file = self.log_file();
        let file = file.to_str().expect("utf-8 path").to_string();
        self.env("TRESOR_LOG", level).args(&["--log-file", &file])
    }

    /// The terminal's size.
    pub fn size(mut self, rows: u16, cols: u16) -> Self {
        self.size = (rows, cols);
        self
    }

    /// `spawn` waits until the screen shows `text` (the first screen of the test is up).
    pub fn wait_for(mut self, text: &str) -> Self {
        self.wait_for = Some(text.to_string());
        self
    }

    /// The whole sandbox (home and the XDG directories are inside).
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// HOME.
    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    /// Where `config` writes.
    pub fn config_file(&self) -> PathBuf {
        self.home().join("config.toml")
    }

    /// Where `log` makes tresor write its log.
    pub fn log_file(&self) -> PathBuf {
        self.root.path().join("state/tresor.log")
    }

    /// The environment tresor is given (PATH and TERM aside).
    pub fn vars(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }

    /// Starts tresor in a pseudo-terminal.
    pub fn spawn(&self) -> PtyApp {
        self.spawn_with(&[])
    }

    /// `spawn` with `extra` variables for this start only (the sandbox stays as it is, so a test
    /// can start tresor again in the same HOME).
    pub fn spawn_with(&self, extra: &[(&str, &str)]) -> PtyApp {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let mut vars = self.vars();
        vars.retain(|(name, _)| !extra.iter().any(|(other, _)| other == name));
        vars.extend_from_slice(extra);
        let app = PtyApp::spawn_sized(&args, &vars, self.size);
        if let Some(text) = &self.wait_for {
            app.wait_for(text);
        }
        app
    }

    /// `tresor args...` as a command (no terminal) with the same environment.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tresor"));
        command
            .args(&self.args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.vars());
        command
    }

    /// `command`, but of a copy of the binary inside the sandbox, run from there with an empty
    /// PATH: neither the project's `.venv` nor anything installed on the machine (bao) is found.
    pub fn outside_command(&self) -> Command {
        let bin = self.root.path().join("bin");
        std::fs::create_dir_all(&bin).expect("sandbox bin directory");
        let binary = bin.join("tresor");
        std::fs::copy(env!("CARGO_BIN_EXE_tresor"), &binary).expect("copy the binary");
        let mut command = Command::new(&binary);
        command
            .args(&self.args)
            .current_dir(self.root.path())
            .env_clear()
            .env("PATH", self.root.path().join("empty-bin"))
            .envs(self.vars());
        command
    }
}
