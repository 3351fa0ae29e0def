use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;
use tresor::cli::{Cli, Command};
use tresor::config::{self, Overrides};
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    tresor::logging::init(cli.log_file.clone());
    let login = config::LoginOverrides {
        method: cli.login.auth_method.clone(),
        mount: cli.login.auth_mount.clone(),
        role: cli.login.role.clone(),
        role_id_file: cli.login.role_id_file.clone(),
        secret_id_file: cli.login.secret_id_file.clone(),
    };
    let login = match config::resolve_login(&login, &|name| std::env::var(name).ok(), &|path| {
        std::fs::read_to_string(path).ok()
    }) {
        Ok(defaults) => defaults,
        Err(error) => {
            eprintln!("tresor: {error}");
            return ExitCode::from(2);
        }
    };
    let ui = UiOptions {
        clipboard: cli.ui.clipboard,
        clipboard_clear_after: Duration::from_secs(cli.ui.clipboard_clear),
        login,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tresor: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            None => {
                let settings = config::resolve_from_process(overrides(&cli));
                runtime::run_tui(settings, ui).await
            }
            Some(Command::Demo(args)) => tresor::demo::run(args.clone(), ui).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tresor: {error:#}");
            ExitCode::FAILURE
        }
    }
}
