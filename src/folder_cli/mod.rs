//! `tresor cp -r`, `mv`, `rm -r`, `export`, `import`, `diff`, `grep`: the folder engine
//! (`vault::folder`) for scripts. Each prints a plan, asks (or takes `--yes`), runs, and
//! reports every secret that was not done; the exit code says how it went (README "Exit codes").

mod progress;
mod read;
mod words;

use progress::{execute, show_progress};
pub use read::{diff, export, grep};
use words::{duration_text, nothing_done, plan_text, report_outcome, verb};

use crate::cli::{
    CopyArgs, DiffArgs, ExportArgs, GrepArgs, ImportArgs, MoveArgs, RemoveArgs, WriteFlags, exit,
};
use crate::config::profiles::LoadedConfig;
use crate::vault::folder::{
    self, CancelToken, Choices, Existing, ItemOutcome, Plan, PlanKind, PlanOptions, Progress,
    Report, SkipReason, TargetState, TreeRef, VersionStep,
};
use crate::vault::{MountInfo, VaultClient};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};
/// What every command starts from: the client of the connection in use, the config file (for
/// `--to-profile`), and the token file looked for (named when there is no token).
pub struct Context<'a> {
    pub client: VaultClient,
    pub config: Option<&'a LoadedConfig>,
    pub token_store: Option<&'a crate::config::TokenStore>,
}

/// A command stopped before it finished: the exit code and what to say on stderr.
struct Stop {
    code: u8,
    message: String,
}

impl Stop {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

fn finish(result: Result<u8, Stop>) -> u8 {
    match result {
        Ok(code) => code,
        Err(stop) => {
            if !stop.message.is_empty() {
                eprintln!("tresor: {}", stop.message);
            }
            stop.code
        }
    }
}

fn require_token(
    client: &VaultClient,
    token_store: Option<&crate::config::TokenStore>,
    code: u8,
) -> Result<(), Stop> {
    if client.has_token() {
        Ok(())
    } else {
        Err(Stop::new(code, crate::ls::no_token_message(token_store)))
    }
}

/// The client of another profile (`--to-profile NAME`): its address, namespace, TLS settings
/// and token, as `--profile NAME` would use them.
fn profile_client(
    config: Option<&LoadedConfig>,
    name: &str,
    error_code: u8,
) -> Result<VaultClient, Stop> {
    let env = |name: &str| std::env::var(name).ok();
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let loaded = config.ok_or_else(|| {
        Stop::new(
            exit::USAGE,
            format!("--to-profile {name}: no config file with profiles"),
        )
    })?;
    let profile = loaded
        .profile(name)
        .map_err(|e| Stop::new(exit::USAGE, format!("--to-profile {name}: {e}")))?;
    let settings = crate::config::profiles::profile_settings(
        profile,
        crate::config::Overrides::default(),
        &env,
        &read,
    )
    .map_err(|e| Stop::new(exit::USAGE, format!("profile {name}: {e}")))?;
    let client = VaultClient::new(&settings)
        .map_err(|e| Stop::new(exit::USAGE, format!("profile {name}: {e}")))?;
    if !client.has_token() {
        return Err(Stop::new(
            error_code,
            format!("profile {name}: no token (log in with `tresor --profile {name}` first)"),
        ));
    }
    Ok(client)
}

/// The mount and folder `path` names on `client`'s server.
async fn tree(client: &VaultClient, path: &str, error_code: u8) -> Result<TreeRef, Stop> {
    let mounts: Vec<MountInfo> = client
        .secret_mounts()
        .await
        .map_err(|e| Stop::new(error_code, format!("listing the mounts: {e}")))?;
    let (browsable, others): (Vec<MountInfo>, Vec<MountInfo>) =
        mounts.into_iter().partition(|m| m.engine.is_browsable());
    match crate::vault::kv::split_path(&browsable, path) {
        Some((mount, rest)) => Ok(TreeRef::new(client.clone(), mount.clone(), &rest)),
        None => Err(Stop::new(
            error_code,
            match crate::vault::kv::split_path(&others, path) {
                Some((mount, _)) => format!(
                    "{path}: {} is a {} mount, not key/value",
                    mount.path,
                    mount.engine.label()
                ),
                None => format!("{path}: not found: in no mount this token can see"),
            },
        )),
    }
}

/// Asks on the terminal; refuses (usage) when stdin is not one and `--yes` was not given.
/// `typed`: the answer must be exactly this text (what cannot be undone), else `y`/`yes`.
fn confirm(yes: bool, prompt: &str, typed: Option<&str>, kind: PlanKind) -> Result<bool, Stop> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Stop::new(
            exit::USAGE,
            format!(
                "stdin is not a terminal, so nothing can be asked: give --yes to go ahead \
                 (--dry-run prints the plan); nothing was {}",
                nothing_done(kind)
            ),
        ));
    }
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Stop::new(exit::ERROR, format!("reading the answer: {e}")))?;
    let answer = line.trim();
    Ok(match typed {
        // `secret/app` or `secret/app/`: the same folder.
        Some(expected) => answer.trim_end_matches('/') == expected.trim_end_matches('/'),
        None => matches!(answer, "y" | "Y" | "yes" | "YES" | "Yes"),
    })
}

fn plan_options(flags: &WriteFlags) -> PlanOptions {
    PlanOptions {
        all_versions: flags.all_versions,
        custom_metadata: !flags.no_custom_metadata,
        concurrency: flags.concurrency.max(1),
    }
}

/// Planning progress on a terminal, then the plan. `folder`: the folder the command was given
/// and the command's name, for when it turns out to be a secret.
async fn planned<F>(label: &str, folder: Option<(&TreeRef, &str)>, plan: F) -> Result<Plan, Stop>
where
    F: AsyncFnOnce(
        &tokio::sync::mpsc::UnboundedSender<Progress>,
    ) -> Result<Plan, folder::FolderError>,
{
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let planning = async move {
        let plan = plan(&sender).await;
        drop(sender);
        plan
    };
    let (plan, ()) = tokio::join!(planning, show_progress(receiver, label));
    let error = match plan {
        Ok(plan) => return Ok(plan),
        Err(error) => error,
    };
    if let (folder::FolderError::Empty(_), Some((tree, command))) = (&error, folder)
        && crate::vault::jobs::names_a_secret(tree).await
    {
        // A secret where a folder is expected: a mistake in the command line.
        return Err(Stop::new(exit::USAGE, secret_not_folder(tree, command)));
    }
    // A tree into itself is a mistake in the command line: nothing was written.
    let code = match error {
        folder::FolderError::Overlap { .. } => exit::USAGE,
        _ => exit::ERROR,
    };
    Err(Stop::new(code, error.to_string()))
}

/// A secret given where a folder is expected, in words: what it is, that nothing was done, and
/// how one secret is copied (the TUI's copy key, from the default keymap).
fn secret_not_folder(tree: &TreeRef, command: &str) -> String {
    use crate::app::keymap::{Command, Keymap, Scope};
    let path = tree.display();
    let path = path.trim_end_matches('/');
    let (keymap, _) = Keymap::with_overrides(&[]);
    let copy = keymap.key(Scope::Main, Command::CopySecret);
    format!(
        "{path} is a secret, not a folder: {command} works on folders; nothing was done. To \
         copy this one secret, open it in tresor (: {path}) and press {copy}; to work \
         on the folder that holds it, name that folder"
    )
}

/// The shared tail of cp, mv and import: print the plan, ask, run, report.
async fn go(plan: Plan, flags: &WriteFlags) -> Result<u8, Stop> {
    let text = plan_text(&plan, flags.overwrite, flags.dry_run);
    if flags.dry_run {
        let _ = crate::cli::print_quietly(text.as_bytes());
        return Ok(
            if plan.unlistable.is_empty() && plan.unreadable.is_empty() {
                exit::OK
            } else {
                exit::ERROR
            },
        );
    }
    if plan.items.is_empty() {
        // Nothing to write (every secret left out): nothing to ask either.
        eprint!("{text}");
        return Ok(report_outcome(
            &plan,
            &execute(&plan, Choices::default()).await,
        ));
    }
    if !flags.yes {
        eprint!("{text}");
    }
    if flags.all_versions && !plan.target.is_v2() {
        // Said with --yes too: what was asked for and will not happen.
        eprintln!(
            "tresor: {} is KV v1: KV v1 keeps only the latest data, so --all-versions copies \
             no history and no custom metadata",
            plan.target.display()
        );
    }
    if !confirm(flags.yes, "Go ahead? [y/N] ", None, plan.kind)? {
        return Err(Stop::new(exit::ERROR, "not confirmed: nothing was written"));
    }
    let choices = Choices {
        existing: if flags.overwrite {
            Existing::Overwrite
        } else {
            Existing::Skip
        },
    };
    let report = execute(&plan, choices).await;
    Ok(report_outcome(&plan, &report))
}

/// Source and target of cp and mv (the target on `--to-profile`'s server when given).
async fn ends(
    ctx: &Context<'_>,
    source: &str,
    target: &str,
    to_profile: Option<&str>,
) -> Result<(TreeRef, TreeRef), Stop> {
    require_token(&ctx.client, ctx.token_store, exit::ERROR)?;
    let target_client = match to_profile {
        Some(name) => profile_client(ctx.config, name, exit::ERROR)?,
        None => ctx.client.clone(),
    };
    let source = tree(&ctx.client, source, exit::ERROR).await?;
    let target = tree(&target_client, target, exit::ERROR).await?;
    Ok((source, target))
}

/// cp -r and mv: plan, print, ask, run, report.
async fn transfer(
    ctx: &Context<'_>,
    kind: PlanKind,
    source: &str,
    target: &str,
    to_profile: Option<&str>,
    write: &WriteFlags,
) -> Result<u8, Stop> {
    let (source, target) = ends(ctx, source, target, to_profile).await?;
    let options = plan_options(write);
    let command = if kind == PlanKind::Move {
        "mv"
    } else {
        "cp -r"
    };
    let plan = planned("planning", Some((&source, command)), async |progress| {
        if kind == PlanKind::Move {
            folder::plan_move(&source, &target, options, Some(progress)).await
        } else {
            folder::plan_copy(&source, &target, options, Some(progress)).await
        }
    })
    .await?;
    let plan = crate::vault::jobs::leave_out_unwritable(plan).await;
    go(plan, write).await
}

pub async fn cp(ctx: &Context<'_>, args: &CopyArgs) -> u8 {
    finish(
        async {
            if !args.recursive {
                return Err(Stop::new(
                    exit::USAGE,
                    "cp copies folders: give -r (tresor cp -r SRC DST)",
                ));
            }
            let to_profile = args.to_profile.as_deref();
            transfer(
                ctx,
                PlanKind::Copy,
                &args.source,
                &args.target,
                to_profile,
                &args.write,
            )
            .await
        }
        .await,
    )
}

pub async fn mv(ctx: &Context<'_>, args: &MoveArgs) -> u8 {
    let to_profile = args.to_profile.as_deref();
    finish(
        transfer(
            ctx,
            PlanKind::Move,
            &args.source,
            &args.target,
            to_profile,
            &args.write,
        )
        .await,
    )
}

pub async fn import(ctx: &Context<'_>, args: &ImportArgs) -> u8 {
    finish(
        async {
            let client = match args.to_profile.as_deref() {
                Some(name) => profile_client(ctx.config, name, exit::ERROR)?,
                None => {
                    require_token(&ctx.client, ctx.token_store, exit::ERROR)?;
                    ctx.client.clone()
                }
            };
            crate::vault::jobs::missing_file(&args.file)
                .map_err(|e| Stop::new(exit::ERROR, e.to_string()))?;
            let target = tree(&client, &args.path, exit::ERROR).await?;
            let options = plan_options(&args.write);
            let plan = planned("planning", None, async |progress| {
                folder::plan_import(&args.file, &target, options, Some(progress)).await
            })
            .await?;
            let plan = crate::vault::jobs::leave_out_unwritable(plan).await;
            go(plan, &args.write).await
        }
        .await,
    )
}

pub async fn rm(ctx: &Context<'_>, args: &RemoveArgs) -> u8 {
    finish(
        async {
            if !args.recursive {
                return Err(Stop::new(
                    exit::USAGE,
                    "rm deletes folders: give -r (tresor rm -r PATH)",
                ));
            }
            require_token(&ctx.client, ctx.token_store, exit::ERROR)?;
            let target = tree(&ctx.client, &args.path, exit::ERROR).await?;
            if target.prefix.is_empty() {
                return Err(Stop::new(
                    exit::USAGE,
                    format!(
                        "{}: rm -r deletes a folder, not a whole mount (name a folder in it)",
                        target.mount.path
                    ),
                ));
            }
            let options = PlanOptions {
                concurrency: args.concurrency.max(1),
                ..PlanOptions::default()
            };
            let plan = planned("planning", Some((&target, "rm -r")), async |progress| {
                folder::plan_delete(&target, options, Some(progress)).await
            })
            .await?;
            let plan = crate::vault::jobs::leave_out_unwritable(plan).await;
            let text = plan_text(&plan, false, args.dry_run);
            if args.dry_run {
                let _ = crate::cli::print_quietly(text.as_bytes());
                return Ok(
                    if plan.unlistable.is_empty() && plan.unreadable.is_empty() {
                        exit::OK
                    } else {
                        exit::ERROR
                    },
                );
            }
            if !args.yes {
                eprint!("{text}");
            }
            let typed = target.display();
            let prompt = format!(
                "This deletes {} secret(s) and cannot be undone. Type {typed} to go ahead: ",
                plan.items.len()
            );
            if !confirm(args.yes, &prompt, Some(&typed), PlanKind::Delete)? {
                return Err(Stop::new(exit::ERROR, "not confirmed: nothing was deleted"));
            }
            let report = execute(&plan, Choices::default()).await;
            Ok(report_outcome(&plan, &report))
        }
        .await,
    )
}
