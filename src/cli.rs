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
  TRESOR_JWT                             JWT for a JWT login (else --jwt-file)
  TRESOR_CLIPBOARD / TRESOR_CLIPBOARD_CLEAR     clipboard to use / seconds before a value is cleared
  TRESOR_PROFILE / TRESOR_CONFIG         profile to use / config file with profiles
  TRESOR_LOG                             log level (default info); logs go to a private file
  TRESOR_BAO                             path of the bao binary for `tresor demo`

Exit codes: 0 ok; 1 error (no or rejected token, server refused or unreachable, no such path,
  folders that could not be listed, a secret that could not be done); 2 sealed (`tresor status`
  only); 3 usage or configuration error (or a confirmation needed and stdin not a terminal); 4
  done, but existing targets were skipped (cp/mv/import without --overwrite). diff and grep: 0
  same / matched, 1 different / nothing matched, 2 trouble.

Keys: press ? in the app for the full list.";

#[derive(Debug, Parser)]
#[command(
    name = "tresor",
    version = env!("TRESOR_VERSION"),
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
    /// Auth method the login dialog starts on.
    #[arg(long, value_name = "METHOD", value_enum)]
    pub auth_method: Option<crate::vault::AuthMethod>,
    /// Mount of that auth method (default: approle, userpass, ldap, jwt, cert, oidc).
    #[arg(long, value_name = "PATH")]
    pub auth_mount: Option<String>,
    /// Role: the JWT, certificate or OIDC role to log in as, and the AppRole runner role for
    /// the worker -> runner login.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// File holding the AppRole role-id (instead of TRESOR_ROLE_ID).
    #[arg(long, value_name = "FILE")]
    pub role_id_file: Option<PathBuf>,
    /// File holding the AppRole secret-id (instead of TRESOR_SECRET_ID).
    #[arg(long, value_name = "FILE")]
    pub secret_id_file: Option<PathBuf>,
    /// File holding the JWT for a JWT login, read at each login (default: a Kubernetes service
    /// account's token when there is one; TRESOR_JWT gives the JWT itself).
    #[arg(long, value_name = "FILE")]
    pub jwt_file: Option<PathBuf>,
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
    /// Seconds after which a copied value is cleared from the clipboard if still there (0: only on exit).
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
    /// Copy every secret below SRC to the same place below DST (another folder, mount, KV
    /// version, or with --to-profile another server): prints the plan, asks, then copies.
    Cp(CopyArgs),
    /// Move (rename) a folder: each source is deleted once its copy reads back equal.
    Mv(MoveArgs),
    /// Delete every secret below PATH (KV v2: every version and the metadata).
    Rm(RemoveArgs),
    /// Write every secret below PATH to a JSON file (mode 0600; an existing file is refused).
    Export(ExportArgs),
    /// Write the secrets of an export file below PATH, with the same plan and checks as cp.
    Import(ImportArgs),
    /// Compare two trees: exit 0 same, 1 different, 2 trouble (as diff).
    Diff(DiffArgs),
    /// Print `path  key` for each value below PATH that contains STRING (never the value);
    /// exit 0 matched, 1 nothing matched, 2 trouble (as grep).
    Grep(GrepArgs),
    /// Print `path  key  subject  expiry  state` (tab-separated) for each certificate in a PEM
    /// value below PATH that expires within the window; exit 0 none, 1 some, 2 trouble.
    Certs(CertsArgs),
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: `tresor man | man -l -`.
    Man,
}

/// The completion script for `shell`, from the command-line definition itself.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "tresor", &mut out);
    out
}

/// The man page (roff), from the command-line definition itself.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// How a command that writes secrets goes about it.
#[derive(Debug, Args, Clone, Default)]
pub struct WriteFlags {
    /// Print the plan and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask: go ahead after printing the plan's summary (needed when stdin is not a
    /// terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Replace secrets that already exist at the target (check-and-set against the version
    /// the plan saw). Without it they are skipped, listed, and the exit code is 4.
    #[arg(long)]
    pub overwrite: bool,
    /// KV v2 to KV v2: replay every version oldest first (deleted and destroyed versions as
    /// placeholders deleted or destroyed in turn), not just the latest.
    #[arg(long)]
    pub all_versions: bool,
    /// Leave KV v2 custom metadata behind (copied by default).
    #[arg(long)]
    pub no_custom_metadata: bool,
    /// Secrets handled at once.
    #[arg(long, value_name = "N", default_value_t = crate::vault::folder::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
}

#[derive(Debug, Args, Clone, Default)]
pub struct CopyArgs {
    /// Copy a folder and everything below it (required: a folder is what cp copies).
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// The folder to copy (mount/folder/).
    #[arg(value_name = "SRC")]
    pub source: String,
    /// Where its contents go (SRC/x is written to DST/x).
    #[arg(value_name = "DST")]
    pub target: String,
    /// DST is on this profile's server and namespace (promote staging to prod).
    #[arg(long, value_name = "NAME")]
    pub to_profile: Option<String>,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args, Clone, Default)]
pub struct MoveArgs {
    #[arg(value_name = "SRC")]
    pub source: String,
    #[arg(value_name = "DST")]
    pub target: String,
    /// DST is on this profile's server and namespace.
    #[arg(long, value_name = "NAME")]
    pub to_profile: Option<String>,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args, Clone, Default)]
pub struct RemoveArgs {
    /// Delete a folder and everything below it (required).
    #[arg(short = 'r', long)]
    pub recursive: bool,
    #[arg(value_name = "PATH")]
    pub path: String,
    /// Print what would be deleted and delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for the path to be typed (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Secrets deleted at once.
    #[arg(long, value_name = "N", default_value_t = crate::vault::folder::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ExportArgs {
    #[arg(value_name = "PATH")]
    pub path: String,
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// KV v2: every version (live versions' data; deleted and destroyed ones noted).
    #[arg(long)]
    pub all_versions: bool,
    /// Leave KV v2 custom metadata out.
    #[arg(long)]
    pub no_custom_metadata: bool,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ImportArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where the file's secrets go (its `path`s below this folder).
    #[arg(value_name = "PATH")]
    pub path: String,
    /// PATH is on this profile's server and namespace.
    #[arg(long, value_name = "NAME")]
    pub to_profile: Option<String>,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args, Clone, Default)]
pub struct DiffArgs {
    #[arg(value_name = "A")]
    pub left: String,
    #[arg(value_name = "B")]
    pub right: String,
    /// B is on this profile's server and namespace (the same path on two profiles).
    #[arg(long, value_name = "NAME")]
    pub to_profile: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GrepArgs {
    /// The text to look for in values (as stored: a JSON value's compact text).
    #[arg(value_name = "STRING")]
    pub needle: String,
    #[arg(value_name = "PATH")]
    pub path: String,
}

#[derive(Debug, Args, Clone, Default)]
pub struct CertsArgs {
    /// The window: 30d, 12h, 2w (a bare number is days). Expired certificates are always in it.
    #[arg(long, value_name = "WINDOW", default_value = "30d")]
    pub expiring: String,
    /// A mount or a folder in it (`secret/`, `secret/app/`). Default: every KV mount.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,
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
    /// `tresor cp`, `mv`, `import` without `--overwrite`: everything else was done, but secrets
    /// already at the target were left alone (and listed).
    pub const SKIPPED_EXISTING: u8 = 4;
    /// `tresor diff` and `tresor grep` answer as diff(1) and grep(1): 0 the trees are the same /
    /// something matched, 1 they differ / nothing matched, 2 trouble (a folder or secret that
    /// could not be read, a server that refused): the answer is not known.
    pub const SAME_OR_MATCHED: u8 = 0;
    pub const DIFFERENT_OR_NO_MATCH: u8 = 1;
    pub const TROUBLE: u8 = 2;
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, ValueEnum};

    fn subcommands() -> Vec<String> {
        Cli::command()
            .get_subcommands()
            .map(|command| command.get_name().to_string())
            .collect()
    }

    #[test]
    fn every_shell_s_completions_and_the_man_page_name_every_subcommand() {
        let names = subcommands();
        assert!(names.len() >= 5, "{names:?}");
        for shell in clap_complete::Shell::value_variants() {
            let script = String::from_utf8(completions(*shell)).unwrap();
            for name in &names {
                assert!(script.contains(name.as_str()), "{shell}: {name} missing");
            }
            assert!(script.contains("auth-method"), "{shell}: flags too");
        }
        let man = String::from_utf8(man_page().unwrap()).unwrap();
        assert!(
            man.starts_with(".ie"),
            "roff: {}",
            &man[..40.min(man.len())]
        );
        for name in &names {
            assert!(man.contains(name.as_str()), "man: {name} missing");
        }
    }

    #[test]
    fn help_says_what_each_method_is_and_names_no_code() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Single sign-on in the browser"), "{help}");
        assert!(
            !help.contains("vault::"),
            "no module path in user text: {help}"
        );
    }

    #[test]
    fn the_version_names_the_commit_when_built_from_a_checkout() {
        let version = Cli::command().get_version().unwrap_or_default().to_string();
        assert!(version.starts_with(env!("CARGO_PKG_VERSION")), "{version}");
        let checkout = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".git")
            .exists();
        assert_eq!(version.contains("(commit "), checkout, "{version}");
    }

    #[test]
    fn flags_with_fixed_values_list_them_in_help_and_errors() {
        let help = Cli::command().render_help().to_string();
        for values in [
            "token, approle, userpass, ldap, jwt, cert, oidc",
            "auto, system, osc52",
        ] {
            assert!(help.contains(values), "{values}: {help}");
        }
        let error = Cli::try_parse_from(["tresor", "--auth-method", "kerberos"]).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("[possible values: token, approle"),
            "{error}"
        );
    }
}
