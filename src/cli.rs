//! Command-line arguments (clap). Environment variables are resolved in `config`, not by clap, so the
//! `BAO_*`-over-`VAULT_*` rule (a set-but-empty `BAO_X` still wins) holds exactly.

use crate::clipboard::ClipboardChoice;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ENVIRONMENT: &str = "\
Environment (BAO_X wins over VAULT_X when set, even if empty; a flag wins over both):
  BAO_ADDR / VAULT_ADDR                  server address (default https://127.0.0.1:8200)
  BAO_TOKEN / VAULT_TOKEN                token; else the token file
  BAO_TOKEN_PATH                         token file (default ~/.vault-token)
  BAO_NAMESPACE / VAULT_NAMESPACE        namespace, sent as X-Vault-Namespace
  BAO_CACERT / VAULT_CACERT              PEM file of CA certificates to trust
  BAO_CAPATH / VAULT_CAPATH              directory of PEM CA certificates
  BAO_CLIENT_CERT / VAULT_CLIENT_CERT    client certificate (PEM) for TLS auth
  BAO_CLIENT_KEY / VAULT_CLIENT_KEY      client key (PEM) for TLS auth
  BAO_SKIP_VERIFY / VAULT_SKIP_VERIFY    skip TLS verification (insecure; flagged in the UI)
  BAO_TLS_SERVER_NAME / VAULT_TLS_SERVER_NAME   name to use for SNI and verification
  BAO_CLIENT_TIMEOUT / VAULT_CLIENT_TIMEOUT     per-request timeout (e.g. 30s, 1m30s, 500ms)
  TRESOR_ROLE_ID / TRESOR_SECRET_ID      AppRole credentials for the login dialog
  TRESOR_PROFILE / TRESOR_CONFIG         profile to use / config file with profiles
  TRESOR_LOG                             log level (default info); logs go to a private file
  TRESOR_BAO                             path of the bao binary for `tresor demo`

Exit codes (every subcommand): 0 ok; 1 error (no or rejected token, server refused or unreachable,
  no such path, folders that could not be listed); 2 sealed (`tresor status` only); 3 usage or configuration error.

Keys: press ? in the app for the full list.";

#[derive(Debug, Parser)]
#[command(
    name = "tresor",
    version,
    about = "A fast, safe terminal UI for HashiCorp Vault and OpenBao",
    after_help = ENVIRONMENT
)]
pub struct Cli {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub ui: UiArgs,

    #[command(flatten)]
    pub login: LoginArgs,

    /// Profile from the config file: its address, namespace, TLS files and login settings
    /// (flags still win). The environment's token is not used with a profile.
    #[arg(
        global = true,
        long,
        short = 'p',
        value_name = "NAME",
        env = "TRESOR_PROFILE"
    )]
    pub profile: Option<String>,

    /// Config file with [profiles.NAME] sections (default: tresor/config.toml in the platform
    /// config directory; also TRESOR_CONFIG).
    #[arg(global = true, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Another node of the cluster to watch on the Seal screen (repeatable; adds to the
    /// profile's `nodes`).
    #[arg(long = "node", value_name = "URL", global = true)]
    pub nodes: Vec<String>,

    /// Log file (default: tresor.log in the platform state directory).
    #[arg(long, value_name = "FILE", global = true)]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ConnectionArgs {
    /// Server address, e.g. https://vault.example.com:8200 (`tresor status` takes several).
    #[arg(global = true, long, value_name = "URL")]
    pub addr: Vec<String>,
    /// Token to use. Prefer BAO_TOKEN or the token file: arguments are visible in `ps`.
    #[arg(global = true, long, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Namespace (sent as X-Vault-Namespace).
    #[arg(global = true, long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// PEM file of CA certificates to trust.
    #[arg(global = true, long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Directory of PEM CA certificates to trust.
    #[arg(global = true, long, value_name = "DIR")]
    pub ca_path: Option<PathBuf>,
    /// Client certificate (PEM) for TLS client authentication.
    #[arg(global = true, long, value_name = "FILE")]
    pub client_cert: Option<PathBuf>,
    /// Client key (PEM) for TLS client authentication.
    #[arg(global = true, long, value_name = "FILE")]
    pub client_key: Option<PathBuf>,
    /// Do not verify the server's TLS certificate (insecure).
    #[arg(global = true, long)]
    pub tls_skip_verify: bool,
    /// Server name for SNI and certificate verification.
    #[arg(global = true, long, value_name = "NAME")]
    pub tls_server_name: Option<String>,
    /// Per-request timeout, e.g. 30s or 2m.
    #[arg(global = true, long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub timeout: Option<std::time::Duration>,
}

/// How the login dialog starts. Secrets never come from arguments (visible in `ps`): AppRole
/// ids come from TRESOR_ROLE_ID / TRESOR_SECRET_ID or from the files named here.
#[derive(Debug, Args, Clone, Default)]
pub struct LoginArgs {
    /// Auth method the login dialog starts on: token, approle, userpass, ldap or oidc.
    #[arg(long, value_name = "METHOD")]
    pub auth_method: Option<String>,
    /// Mount of that auth method (default: approle, userpass, ldap, oidc).
    #[arg(long, value_name = "PATH")]
    pub auth_mount: Option<String>,
    /// AppRole runner role for the worker -> runner login; the OIDC role.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// File holding the AppRole role-id (instead of TRESOR_ROLE_ID).
    #[arg(long, value_name = "FILE")]
    pub role_id_file: Option<PathBuf>,
    /// File holding the AppRole secret-id (instead of TRESOR_SECRET_ID).
    #[arg(long, value_name = "FILE")]
    pub secret_id_file: Option<PathBuf>,
    /// OIDC: the port the browser's answer comes back to (redirect URI
    /// http://localhost:PORT/oidc/callback; default 8250, like the CLI's callbackport).
    #[arg(long, value_name = "PORT")]
    pub oidc_callback_port: Option<u16>,
    /// OIDC: the address the one-shot listener binds (default 127.0.0.1, like listenaddress).
    #[arg(long, value_name = "ADDRESS")]
    pub oidc_listen_address: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct UiArgs {
    /// Clipboard to use: auto (system clipboard with a display, else OSC 52), system, or osc52.
    #[arg(
        long,
        value_name = "KIND",
        default_value = "auto",
        env = "TRESOR_CLIPBOARD"
    )]
    pub clipboard: ClipboardChoice,
    /// Seconds after which a copied value is cleared from the clipboard if still there (0: never).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 30,
        env = "TRESOR_CLIPBOARD_CLEAR"
    )]
    pub clipboard_clear: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a throwaway OpenBao dev server with sample secrets and open the TUI on it.
    Demo(DemoArgs),
    /// Print the seal and HA state of one or more nodes (no token needed). Exit 0 when all are
    /// unsealed, 2 when any is sealed, 1 when a node could not be asked, like `bao status`.
    Status(StatusArgs),
    /// List secrets below a path (mount/folder/), recursively with -r, as scripts want them.
    Ls(LsArgs),
}

#[derive(Debug, Args, Clone, Default)]
pub struct LsArgs {
    /// Where to list: a mount, or a folder in it (`secret/`, `secret/app/`). Default: every
    /// KV mount the token can see.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,
    /// Everything below, not just one level.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Print a JSON array instead of one path a line.
    #[arg(long)]
    pub json: bool,
    /// How to walk: auto (OpenBao's server-side scan when allowed, else LIST), scan, or list.
    #[arg(long, value_name = "HOW", value_enum, default_value_t)]
    pub method: crate::vault::crawl::CrawlMethod,
    /// Folders listed at once by the LIST crawl.
    #[arg(long, value_name = "N", default_value_t = crate::vault::crawl::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
}

/// `tresor status` asks every `--addr` given (repeatable) and every `--node`; without `--addr`,
/// the server address, the profile's nodes and `--node`.
#[derive(Debug, Args, Clone, Default)]
pub struct StatusArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct DemoArgs {
    /// The bao binary (default: TRESOR_BAO, then `bao` on PATH, then ./.venv/bin/bao).
    #[arg(long, value_name = "PATH")]
    pub bao: Option<PathBuf>,
    /// Do not open the TUI: start and seed the server, print how to reach it, wait for Ctrl-C.
    #[arg(long)]
    pub no_tui: bool,
    /// Open the TUI with a limited token (policy app-readonly) instead of the root token.
    #[arg(long)]
    pub limited: bool,
    /// Open the TUI without a token: the login dialog opens, with the demo's logins listed.
    #[arg(long, conflicts_with = "limited")]
    pub login: bool,
}

/// The exit codes of every subcommand, one meaning each (README: Exit codes).
pub mod exit {
    /// It worked (`status`: every node is unsealed).
    pub const OK: u8 = 0;
    /// It did not work, or not all of it: no token or a rejected one, the server refused or could
    /// not be reached, a path that does not exist, folders that could not be listed (`status`: a
    /// node could not be asked).
    pub const ERROR: u8 = 1;
    /// `tresor status` only: a node is sealed or not initialized.
    pub const SEALED: u8 = 2;
    /// Nothing was asked of the server: the command line, the environment or the config file
    /// is wrong (a bad flag, a typo in the profile in use, `BAO_CLIENT_TIMEOUT=banana`).
    pub const USAGE: u8 = 3;
}

/// Writes to stdout; a reader that closed the pipe early (`| head`) is not an error (and not
/// the panic of `println!`).
pub fn print_quietly(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn parse_duration_arg(text: &str) -> Result<std::time::Duration, String> {
    crate::config::parse_duration(text)
        .ok_or_else(|| format!("bad duration {text:?} (e.g. 30s, 1m30s, 1.5s, 500ms)"))
}
