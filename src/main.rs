use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;
use tresor::cli::{Cli, Command};
use tresor::config::{self, Overrides, profiles};
use tresor::runtime::{self, UiOptions};
use tresor::secret::Token;

fn overrides(cli: &Cli) -> Overrides {
    let c = &cli.connection;
    Overrides {
        addr: c.addr.clone(),
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
        method: cli.login.auth_method.clone(),
        mount: cli.login.auth_mount.clone(),
        role: cli.login.role.clone(),
        role_id_file: cli.login.role_id_file.clone(),
        secret_id_file: cli.login.secret_id_file.clone(),
        save_token_to: None,
    };
    let config_path = cli.config.clone().or_else(|| profiles::config_path(&env));
    // The demo runs on its own throwaway server: the user's profiles have no place there.
    let demo = matches!(cli.command, Some(Command::Demo(_)));
    let loaded = match &config_path {
        Some(path) if !demo => profiles::load_config(path)?,
        _ => None,
    };
    let (settings, login_overrides) = match &cli.profile {
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
                profiles::profile_settings(profile, overrides(cli), &env, &read),
                profiles::profile_login(&profile.expanded(&env), &login_flags),
            )
        }
        None => (
            config::resolve(overrides(cli), &env, &read),
            config::LoginOverrides {
                save_token_to: config::token_file_path(&env),
                ..login_flags
            },
        ),
    };
    let login = config::resolve_login(&login_overrides, &env, &read)?;
    let ui = UiOptions {
        clipboard: cli.ui.clipboard,
        clipboard_clear_after: Duration::from_secs(cli.ui.clipboard_clear),
        login,
        nodes: cli.nodes.clone(),
        config: loaded,
        profile: cli.profile.clone(),
    };
    Ok((settings, ui))
}

/// `tresor status`: every node asked at once, printed, and the exit code of `bao status`.
async fn status(
    settings: &config::ConnectionSettings,
    ui: &UiOptions,
    args: &tresor::cli::StatusArgs,
) -> anyhow::Result<ExitCode> {
    let client = tresor::vault::VaultClient::new(settings)?;
    let mut addresses: Vec<String> = if args.addrs.is_empty() {
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
        args.addrs.clone()
    };
    let mut seen = std::collections::HashSet::new();
    addresses.retain(|addr| seen.insert(addr.trim_end_matches('/').to_string()));
    let nodes = tresor::status::gather(&client, &addresses).await;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&tresor::status::render_json(&nodes))?
        );
    } else {
        print!("{}", tresor::status::render_text(&nodes));
    }
    Ok(ExitCode::from(tresor::status::exit_code(&nodes)))
}

/// `tresor ls`: one path a line (or JSON); exit 1 on errors.
async fn ls(
    settings: &config::ConnectionSettings,
    args: &tresor::cli::LsArgs,
) -> anyhow::Result<ExitCode> {
    let client = tresor::vault::VaultClient::new(settings)?;
    match tresor::ls::listing(&client, args).await {
        Ok((paths, skipped)) => {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if args.json {
                serde_json::to_writer(&mut out, &paths)?;
                writeln!(out)?;
            } else {
                for path in &paths {
                    writeln!(out, "{path}")?;
                }
            }
            out.flush()?;
            if skipped > 0 {
                eprintln!("tresor: {skipped} folder(s) skipped: permission denied");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("tresor: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tresor::logging::init(cli.log_file.clone());
    let (settings, ui) = match prepare(&cli) {
        Ok(prepared) => prepared,
        Err(error) => {
            eprintln!("tresor: {error}");
            return ExitCode::from(2);
        }
    };
    // The command-line verbs only wait on the network: one thread does it with about a third
    // less CPU than a thread pool (no cross-thread wake-ups), which a server on the same machine
    // gets instead (`tresor ls -r` by LIST is bound by the server's CPU).
    let runtime = match cli.command {
        Some(Command::Ls(_) | Command::Status(_)) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        _ => tokio::runtime::Runtime::new(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tresor: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            None => runtime::run_tui(settings, ui).await,
            Some(Command::Demo(args)) => tresor::demo::run(args.clone(), ui).await,
            Some(Command::Status(args)) => {
                return status(&settings, &ui, args).await;
            }
            Some(Command::Ls(args)) => return ls(&settings, args).await,
        }
        .map(|()| ExitCode::SUCCESS)
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tresor: {error:#}");
            ExitCode::FAILURE
        }
    }
}
