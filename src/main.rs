use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;
use tresor::cli::{Cli, Command, exit};
use tresor::config::{self, Overrides, profiles};
use tresor::runtime::{self, UiOptions};
use tresor::secret::Token;

fn overrides(cli: &Cli) -> Overrides {
    let c = &cli.connection;
    Overrides {
        // `prepare` refused several outside `tresor status`, which asks each.
        addr: c.addr.first().cloned(),
        token: c.token.as_deref().map(Token::new),
        namespace: c.namespace.clone(),
        ca_cert: c.ca_cert.clone(),
        ca_path: c.ca_path.clone(),
        client_cert: c.client_cert.clone(),
        client_key: c.client_key.clone(),
        skip_verify: c.tls_skip_verify,
        tls_server_name: c.tls_server_name.clone(),
        timeout: c.timeout,
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn read(path: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The connection and UI options from flags, the config file's profile and the environment.
fn prepare(cli: &Cli) -> Result<(config::ConnectionSettings, UiOptions), String> {
    let login_flags = config::LoginOverrides {
        method: cli.login.auth_method.map(|m| m.default_mount().to_string()),
        mount: cli.login.auth_mount.clone(),
        role: cli.login.role.clone(),
        role_id_file: cli.login.role_id_file.clone(),
        secret_id_file: cli.login.secret_id_file.clone(),
        jwt_file: cli.login.jwt_file.clone(),
        save_token_to: None,
        oidc_listen_address: cli.login.oidc_listen_address.clone(),
        oidc_callback_port: cli.login.oidc_callback_port,
    };
    if cli.connection.addr.len() > 1 && !matches!(cli.command, Some(Command::Status(_))) {
        return Err(
            "--addr: give one server address (`tresor status` is the one that asks several)".into(),
        );
    }
    let config_path = cli.config.clone().or_else(|| profiles::config_path(&env));
    // The demo runs on its own throwaway server: the user's profiles have no place there.
    let demo = matches!(cli.command, Some(Command::Demo(_)));
    // A file that is not TOML stops only what needs a profile from it; the TUI says so too.
    let mut config_unreadable = None;
    let loaded = match &config_path {
        Some(path) if !demo => match profiles::load_config(path) {
            Ok(loaded) => loaded,
            Err(error) if cli.profile.is_none() => {
                let warning =
                    format!("{error}: the file is not used (no profiles, [keys] or theme from it)");
                eprintln!("tresor: warning: {warning}");
                config_unreadable = Some(warning);
                None
            }
            Err(error) => return Err(error),
        },
        _ => None,
    };
    let profile = if demo { None } else { cli.profile.as_ref() };
    let (settings, login_overrides) = match profile {
        Some(name) => {
            let loaded = loaded.as_ref().ok_or_else(|| {
                format!(
                    "--profile {name}: no config file at {}",
                    config_path
                        .as_deref()
                        .map_or("(none)".into(), |p| p.display().to_string())
                )
            })?;
            let profile = loaded.profile(name)?;
            (
                profiles::profile_settings(profile, overrides(cli), &env, &read)
                    .map_err(|error| format!("profile {name}: {error}"))?,
                profiles::profile_login(&profile.expanded(&env), &login_flags),
            )
        }
        // The demo connects to its own server: the environment's settings are not used (and a
        // bad one does not stop it), and its throwaway token is not offered for saving.
        None if demo => (config::ConnectionSettings::default(), login_flags),
        None => {
            let mut settings = config::resolve(overrides(cli), &env, &read)?;
            let store = config::token_store(&env, &read);
            if let Some(warning) = config::fill_from_helper(&mut settings, store.as_ref()) {
                eprintln!("tresor: warning: {warning}");
            }
            (
                settings,
                config::LoginOverrides {
                    save_token_to: store,
                    ..login_flags
                },
            )
        }
    };
    let login = config::resolve_login(&login_overrides, &env, &read)?;
    // The demo leaves the profiles out but looks the way the user chose.
    let demo_config = match &config_path {
        Some(path) if demo => profiles::load_config(path).ok().flatten(),
        _ => None,
    };
    let chosen = loaded.as_ref().or(demo_config.as_ref());
    let ui = UiOptions {
        appearance: config::appearance::Appearance::new(
            chosen.map(|c| c.theme).unwrap_or_default(),
            &env,
        ),
        theme_warning: chosen.and_then(|c| c.theme_warning.clone()),
        config_unreadable,
        clipboard: cli.ui.clipboard,
        clipboard_clear_after: Duration::from_secs(cli.ui.clipboard_clear),
        login,
        nodes: cli.nodes.clone(),
        config: loaded,
        profile: profile.cloned(),
    };
    Ok((settings, ui))
}

/// The client, or the usage exit code when the settings cannot make one (`--addr ftp://x`, a
/// CA file that is not PEM): nothing was asked of the server.
fn new_client(
    settings: &config::ConnectionSettings,
) -> Result<tresor::vault::VaultClient, ExitCode> {
    tresor::vault::VaultClient::new(settings).map_err(|error| {
        eprintln!("tresor: {error}");
        ExitCode::from(exit::USAGE)
    })
}

/// `tresor status`: every node asked at once, printed, and the exit code of `bao status`. The
/// nodes: every `--addr` and `--node` given, else the server, the profile's nodes and `--node`.
async fn status(
    settings: &config::ConnectionSettings,
    ui: &UiOptions,
    args: &tresor::cli::StatusArgs,
    given: &[String],
) -> anyhow::Result<ExitCode> {
    let client = match new_client(settings) {
        Ok(client) => client,
        Err(code) => return Ok(code),
    };
    let mut addresses: Vec<String> = if given.is_empty() {
        std::iter::once(settings.addr.clone())
            .chain(ui.nodes.iter().cloned())
            .chain(
                ui.config
                    .as_ref()
                    .zip(ui.profile.as_ref())
                    .and_then(|(c, p)| c.profile(p).ok())
                    .map(|p| p.nodes.clone())
                    .unwrap_or_default(),
            )
            .collect()
    } else {
        given.iter().chain(ui.nodes.iter()).cloned().collect()
    };
    let mut seen = std::collections::HashSet::new();
    addresses.retain(|addr| seen.insert(addr.trim_end_matches('/').to_string()));
    let nodes = tresor::status::gather(&client, &addresses).await;
    let text = if args.json {
        serde_json::to_string_pretty(&tresor::status::render_json(&nodes))? + "\n"
    } else {
        tresor::status::render_text(&nodes)
    };
    tresor::cli::print_quietly(text.as_bytes())?;
    Ok(ExitCode::from(tresor::status::exit_code(&nodes)))
}

/// `tresor ls`: one path a line (or JSON); exit 1 when anything could not be listed (what
/// could is still printed). A reader that closes the pipe early (`| head`) ends it quietly.
async fn ls(
    settings: &config::ConnectionSettings,
    args: &tresor::cli::LsArgs,
    token_store: Option<&config::TokenStore>,
) -> anyhow::Result<ExitCode> {
    let client = match new_client(settings) {
        Ok(client) => client,
        Err(code) => return Ok(code),
    };
    if !client.has_token() {
        eprintln!("tresor: {}", no_token_text(settings, token_store));
        return Ok(ExitCode::from(exit::ERROR));
    }
    let listing = match tresor::ls::listing(&client, args).await {
        Ok(listing) => listing,
        Err(error) => {
            eprintln!("tresor: {error}");
            return Ok(ExitCode::from(exit::ERROR));
        }
    };
    let text = if args.json {
        serde_json::to_string(&listing.paths)? + "\n"
    } else {
        listing
            .paths
            .iter()
            .map(|path| format!("{path}\n"))
            .collect()
    };
    tresor::cli::print_quietly(text.as_bytes())?;
    for note in &listing.notes {
        eprintln!("tresor: {note}");
    }
    for folder in &listing.skipped {
        eprintln!("tresor: skipped (permission denied): {folder}");
    }
    if !listing.skipped.is_empty() {
        eprintln!(
            "tresor: {} folder(s) skipped: permission denied",
            listing.skipped.len()
        );
    }
    for error in &listing.errors {
        eprintln!("tresor: {error}");
    }
    Ok(ExitCode::from(if listing.is_complete() {
        exit::OK
    } else {
        exit::ERROR
    }))
}

/// Why there is no token: where it was looked for, or that `BAO_TOKEN` is set to nothing (which
/// wins over the token file and a helper: they were not asked).
fn no_token_text(
    settings: &config::ConnectionSettings,
    store: Option<&config::TokenStore>,
) -> String {
    if settings.token_source == config::TokenSource::EmptyVariable {
        tresor::ls::EMPTY_TOKEN_VARIABLE.to_string()
    } else {
        tresor::ls::no_token_message(store)
    }
}

/// Prints generated text; a closed pipe (`| head`) is not an error.
fn print_or_fail(text: std::io::Result<Vec<u8>>) -> ExitCode {
    match text.and_then(|text| tresor::cli::print_quietly(&text)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(error) => {
            eprintln!("tresor: {error}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// `tresor cp/mv/rm/export/import/diff/grep` (src/folder_cli.rs).
async fn folder_command(
    settings: &config::ConnectionSettings,
    ui: &UiOptions,
    command: &Command,
) -> ExitCode {
    let client = match new_client(settings) {
        Ok(client) => client,
        Err(code) => return code,
    };
    let context = tresor::folder_cli::Context {
        client,
        config: ui.config.as_ref(),
        // BAO_TOKEN set to nothing: the store was not asked, so it is not named as empty.
        token_store: ui
            .login
            .save_token_to
            .as_ref()
            .filter(|_| settings.token_source != config::TokenSource::EmptyVariable),
    };
    use tresor::folder_cli as f;
    ExitCode::from(match command {
        Command::Cp(args) => f::cp(&context, args).await,
        Command::Mv(args) => f::mv(&context, args).await,
        Command::Rm(args) => f::rm(&context, args).await,
        Command::Export(args) => f::export(&context, args).await,
        Command::Import(args) => f::import(&context, args).await,
        Command::Diff(args) => f::diff(&context, args).await,
        Command::Grep(args) => f::grep(&context, args).await,
        Command::Certs(args) => tresor::certs_cli::certs(&context, args).await,
        Command::Demo(_)
        | Command::Status(_)
        | Command::Ls(_)
        | Command::Completions { .. }
        | Command::Man => exit::USAGE,
    })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are not errors; a bad command line is a usage error (not
            // clap's 2, which is `tresor status`'s "sealed").
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    // Generated from the definition of the command line: no config, no log, no server.
    match &cli.command {
        Some(Command::Completions { shell }) => {
            return print_or_fail(Ok(tresor::cli::completions(*shell)));
        }
        Some(Command::Man) => return print_or_fail(tresor::cli::man_page()),
        _ => {}
    }
    // Held to the end of main: what is still queued for the log is written out when it drops.
    let _log = tresor::logging::init(cli.log_file.clone());
    let (settings, ui) = match prepare(&cli) {
        Ok(prepared) => prepared,
        Err(error) => {
            eprintln!("tresor: {error}");
            return ExitCode::from(exit::USAGE);
        }
    };
    // The command-line verbs only wait on the network: one thread does it with about a third
    // less CPU than a thread pool (no cross-thread wake-ups), which a server on the same machine
    // gets instead (`tresor ls -r` by LIST is bound by the server's CPU).
    let runtime = match cli.command {
        Some(
            Command::Ls(_)
            | Command::Status(_)
            | Command::Cp(_)
            | Command::Mv(_)
            | Command::Rm(_)
            | Command::Export(_)
            | Command::Import(_)
            | Command::Diff(_)
            | Command::Grep(_)
            | Command::Certs(_),
        ) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        _ => tokio::runtime::Runtime::new(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tresor: cannot start the async runtime: {error}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            None => runtime::run_tui(settings, ui).await,
            Some(Command::Demo(args)) => tresor::demo::run(args.clone(), ui).await,
            Some(Command::Status(args)) => {
                return status(&settings, &ui, args, &cli.connection.addr).await;
            }
            Some(Command::Ls(args)) => {
                return ls(&settings, args, ui.login.save_token_to.as_ref()).await;
            }
            // Answered before anything else, above.
            Some(Command::Completions { .. } | Command::Man) => Ok(()),
            Some(
                command @ (Command::Cp(_)
                | Command::Mv(_)
                | Command::Rm(_)
                | Command::Export(_)
                | Command::Import(_)
                | Command::Diff(_)
                | Command::Grep(_)
                | Command::Certs(_)),
            ) => {
                return Ok(folder_command(&settings, &ui, command).await);
            }
        }
        .map(|()| ExitCode::from(exit::OK))
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tresor: {error:#}");
            // Settings that cannot make a client (`--addr ftp://x`, a CA file that is not PEM):
            // nothing was asked of the server.
            let usage = matches!(
                error.downcast_ref::<tresor::vault::VaultError>(),
                Some(tresor::vault::VaultError::Config(_))
            );
            ExitCode::from(if usage { exit::USAGE } else { exit::ERROR })
        }
    }
}
