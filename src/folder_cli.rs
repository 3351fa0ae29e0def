//! `tresor cp -r`, `mv`, `rm -r`, `export`, `import`, `diff`, `grep`: the folder engine
//! (`vault::folder`) for scripts. Each prints a plan, asks (or takes `--yes`), runs, and
//! reports every secret that was not done; the exit code says how it went (README "Exit codes").

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

fn verb(kind: PlanKind) -> (&'static str, &'static str) {
    match kind {
        PlanKind::Copy => ("copy", "copied"),
        PlanKind::Move => ("move", "moved"),
        PlanKind::Delete => ("delete", "deleted"),
        PlanKind::Import => ("import", "imported"),
    }
}

fn versions_note(steps: &[VersionStep]) -> String {
    if steps.is_empty() {
        return String::new();
    }
    let deleted = steps
        .iter()
        .filter(|s| matches!(s, VersionStep::Deleted(_)))
        .count();
    let destroyed = steps
        .iter()
        .filter(|s| matches!(s, VersionStep::Destroyed(_)))
        .count();
    let mut note = format!(" ({} versions", steps.len());
    if deleted + destroyed > 0 {
        note.push_str(&format!(
            "; {deleted} deleted, {destroyed} destroyed: written as empty placeholders, then \
             deleted or destroyed"
        ));
    }
    note.push(')');
    note
}

/// The plan's summary line (and, with `detail`, a line per secret).
fn plan_text(plan: &Plan, overwrite: bool, detail: bool) -> String {
    let counts = plan.counts();
    let (name, _) = verb(plan.kind);
    let mut text = String::new();
    let from = match &plan.origin {
        folder::Origin::Tree(source) => format!("{} -> ", source.display()),
        folder::Origin::File(file) => format!("{} -> ", file.display()),
        folder::Origin::Nothing => String::new(),
    };
    text.push_str(&format!(
        "{name} {from}{}: {} secret(s)",
        plan.target.display(),
        counts.items
    ));
    if plan.kind != PlanKind::Delete {
        text.push_str(&format!(", {} new", counts.new));
        if counts.existing > 0 {
            text.push_str(&format!(
                ", {} existing ({})",
                counts.existing,
                if overwrite {
                    "overwritten if unchanged since this plan"
                } else {
                    "skipped: --overwrite replaces them"
                }
            ));
        }
        if counts.unknown > 0 {
            text.push_str(&format!(
                ", {} unknown (the target folder cannot be listed: an existing one is not \
                 overwritten)",
                counts.unknown
            ));
        }
        // Only what is written: the versions of a skipped target are not replayed.
        let replayed: usize = plan
            .items
            .iter()
            .filter(|item| overwrite || !item.target.exists())
            .map(|item| item.versions.len())
            .sum();
        if plan.options.all_versions && replayed > 0 {
            text.push_str(&format!(", {replayed} version(s) replayed"));
        }
        if !overwrite && counts.items > 0 && counts.existing == counts.items {
            text.push_str(
                "; nothing to write: every secret exists at the target (--overwrite replaces them)",
            );
        }
    }
    if counts.unlistable > 0 {
        text.push_str(&format!(
            "; {} folder(s) cannot be listed (left out)",
            counts.unlistable
        ));
    }
    let unwritable = plan
        .unreadable
        .iter()
        .filter(|u| crate::vault::jobs::is_unwritable(u))
        .count();
    if counts.unreadable > unwritable {
        text.push_str(&format!(
            "; {} secret(s) cannot be read (left out)",
            counts.unreadable - unwritable
        ));
    }
    if unwritable > 0 {
        text.push_str(&format!(
            "; {unwritable} secret(s) cannot be {} (left out)",
            if plan.kind == PlanKind::Delete {
                "deleted"
            } else {
                "written"
            }
        ));
    }
    text.push('\n');
    if detail {
        for item in &plan.items {
            let state = match (plan.kind, item.target) {
                (PlanKind::Delete, TargetState::Versioned { current }) => {
                    format!(
                        "delete     {} (current version {current})",
                        plan.target_display(item)
                    )
                }
                (PlanKind::Delete, _) => format!("delete     {}", plan.target_display(item)),
                (_, state) => {
                    let word = match state {
                        TargetState::Absent => "new".to_string(),
                        TargetState::Versioned { current } => format!("exists v{current}"),
                        TargetState::Present { .. } => "exists".to_string(),
                        TargetState::Unknown => "unknown".to_string(),
                    };
                    let skipped = state.exists() && !overwrite;
                    format!(
                        "{word:<10} {} -> {}{}",
                        plan.source_display(item),
                        plan.target_display(item),
                        if skipped {
                            " (skipped)".to_string()
                        } else {
                            versions_note(&item.versions)
                        }
                    )
                }
            };
            text.push_str(&state);
            text.push('\n');
        }
        for folder in &plan.unlistable {
            text.push_str(&format!("cannot list {folder}\n"));
        }
        for unreadable in &plan.unreadable {
            text.push_str(&format!(
                "cannot {} {}: {}\n",
                left_out_verb(plan.kind, unreadable),
                unreadable.path,
                unreadable.reason
            ));
        }
    }
    text
}

/// What the token may not do to a secret left out of a plan.
fn left_out_verb(kind: PlanKind, left_out: &folder::Unreadable) -> &'static str {
    match (crate::vault::jobs::is_unwritable(left_out), kind) {
        (false, _) => "read",
        (true, PlanKind::Delete) => "delete",
        (true, _) => "write",
    }
}

/// "1m05s", "12s".
fn duration_text(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    }
}

/// Drains progress events; on a terminal, keeps one line on stderr up to date: done/total,
/// rate and time left.
async fn show_progress(mut receiver: tokio::sync::mpsc::UnboundedReceiver<Progress>, label: &str) {
    let show = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_drawn: Option<Instant> = None;
    let mut drawn = false;
    while let Some(event) = receiver.recv().await {
        if !show {
            continue;
        }
        // What is being done, with its count: listing, then checking, then the run.
        let (done, total, doing) = match event {
            Progress::Item { done, total, .. } => (done, total, ""),
            Progress::Checking {
                checked: done,
                total,
            } => (done, total, "checking each secret found: "),
            Progress::Listing { secrets, .. } => (secrets, 0, ""),
        };
        if last_drawn.is_some_and(|at| at.elapsed() < Duration::from_millis(100)) && done < total {
            continue;
        }
        last_drawn = Some(Instant::now());
        let elapsed = started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / elapsed;
        let line = if total == 0 {
            format!("{label}: listing the folder: {done} secret(s) found so far")
        } else {
            let left = if rate > 0.0 {
                duration_text(Duration::from_secs_f64(
                    (total - done.min(total)) as f64 / rate,
                ))
            } else {
                "?".into()
            };
            format!("{label}: {doing}{done}/{total}  {rate:.0}/s  {left} left")
        };
        eprint!("\r\x1b[2K{line}");
        let _ = std::io::stderr().flush();
        drawn = true;
    }
    if drawn {
        eprint!("\r\x1b[2K");
        let _ = std::io::stderr().flush();
    }
}

/// Runs a plan with a progress line and Ctrl-C as cancel (between secrets).
async fn execute(plan: &Plan, choices: Choices) -> Report {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancelToken::new();
    let interrupt = tokio::spawn({
        let cancel = cancel.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        }
    });
    let (label, _) = verb(plan.kind);
    let running = async move {
        let report = folder::run(plan, &choices, &sender, &cancel).await;
        drop(sender);
        report
    };
    let (mut report, ()) = tokio::join!(running, show_progress(receiver, label));
    interrupt.abort();
    if crate::vault::jobs::run_lost_its_token(plan, &report).await {
        crate::vault::jobs::blame_the_token(&mut report, crate::vault::jobs::TOKEN_REFUSED);
        eprintln!(
            "tresor: {}: log in again, then run the command again",
            crate::vault::jobs::TOKEN_REFUSED
        );
    }
    report
}

/// Prints what was not done (stderr) and the summary (stdout); the exit code.
fn report_outcome(plan: &Plan, report: &Report) -> u8 {
    let (problems, summary, code) = outcome_text(plan, report);
    eprint!("{problems}");
    let _ = crate::cli::print_quietly(summary.as_bytes());
    code
}

/// "nothing was written", or "deleted" for a delete: the words fit the operation.
fn nothing_done(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Delete => "deleted",
        _ => "written",
    }
}

/// What was not done (for stderr), the summary line (for stdout) and the exit code.
fn outcome_text(plan: &Plan, report: &Report) -> (String, String, u8) {
    let mut problems = String::new();
    for (item, reported) in plan.items.iter().zip(&report.items) {
        let target = plan.target_display(item);
        let line = match &reported.outcome {
            ItemOutcome::Done { .. } | ItemOutcome::Skipped(SkipReason::Cancelled) => continue,
            ItemOutcome::Skipped(SkipReason::Exists) => {
                format!("exists, left as it is: {target}")
            }
            ItemOutcome::Skipped(SkipReason::Policy(reason)) => {
                format!("skipped: {target}: {reason}")
            }
            ItemOutcome::Conflict(reason) => format!("conflict: {target}: {reason}"),
            ItemOutcome::Failed(reason) => format!("failed: {target}: {reason}"),
        };
        problems.push_str(&format!("tresor: {line}\n"));
    }
    for folder in &report.unlistable {
        problems.push_str(&format!(
            "tresor: cannot list {folder} (permission denied): its secrets were left out\n"
        ));
    }
    for unreadable in &report.unreadable {
        problems.push_str(&format!(
            "tresor: cannot {} {}: {}: left out\n",
            left_out_verb(plan.kind, unreadable),
            unreadable.path,
            unreadable.reason
        ));
    }
    let counts = report.counts();
    if counts.cancelled > 0 {
        problems.push_str(&format!(
            "tresor: stopped: {} secret(s) not started (nothing of them was {})\n",
            counts.cancelled,
            nothing_done(plan.kind)
        ));
    }
    let (_, done_word) = verb(plan.kind);
    let mut summary = format!(
        "{done_word} {} of {} secret(s)",
        counts.done,
        report.items.len()
    );
    for (count, what) in [
        (
            counts.skipped_existing,
            "existing left as they are (--overwrite replaces them)",
        ),
        (
            counts.conflicts,
            "conflict(s): changed since the plan, left as they are",
        ),
        (counts.failed, "failed"),
        (counts.skipped_policy, "skipped: not allowed to check"),
        (counts.cancelled, "not started (stopped)"),
    ] {
        if count > 0 {
            summary.push_str(&format!(", {count} {what}"));
        }
    }
    summary.push('\n');
    let code = if !report.complete() {
        exit::ERROR
    } else if counts.skipped_existing > 0 {
        exit::SKIPPED_EXISTING
    } else {
        exit::OK
    };
    (problems, summary, code)
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

pub async fn export(ctx: &Context<'_>, args: &ExportArgs) -> u8 {
    finish(
        async {
            require_token(&ctx.client, ctx.token_store, exit::ERROR)?;
            let source = tree(&ctx.client, &args.path, exit::ERROR).await?;
            let options = folder::ExportOptions {
                all_versions: args.all_versions,
                custom_metadata: !args.no_custom_metadata,
                force: args.force,
                ..Default::default()
            };
            let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
            let cancel = CancelToken::new();
            let interrupt = tokio::spawn({
                let cancel = cancel.clone();
                async move {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        cancel.cancel();
                    }
                }
            });
            let exporting = async {
                let summary =
                    folder::export(&source, &args.file, options, Some(&sender), &cancel).await;
                drop(sender);
                summary
            };
            let (summary, ()) = tokio::join!(exporting, show_progress(receiver, "export"));
            interrupt.abort();
            let summary = summary.map_err(|e| Stop::new(exit::ERROR, e.to_string()))?;
            if summary.cancelled {
                return Err(Stop::new(
                    exit::ERROR,
                    format!("stopped: {} was removed", args.file.display()),
                ));
            }
            for folder in &summary.unlistable {
                eprintln!(
                    "tresor: cannot list {folder} (permission denied): its secrets were left out"
                );
            }
            for unreadable in &summary.unreadable {
                eprintln!(
                    "tresor: cannot read {}: {}: left out",
                    unreadable.path, unreadable.reason
                );
            }
            let _ = crate::cli::print_quietly(
                format!(
                    "exported {} secret(s) from {} to {}\n",
                    summary.secrets,
                    source.display(),
                    args.file.display()
                )
                .as_bytes(),
            );
            Ok(
                if summary.unlistable.is_empty() && summary.unreadable.is_empty() {
                    exit::OK
                } else {
                    exit::ERROR
                },
            )
        }
        .await,
    )
}

pub async fn diff(ctx: &Context<'_>, args: &DiffArgs) -> u8 {
    finish(
        async {
            require_token(&ctx.client, ctx.token_store, exit::TROUBLE)?;
            let right_client = match args.to_profile.as_deref() {
                Some(name) => profile_client(ctx.config, name, exit::TROUBLE)?,
                None => ctx.client.clone(),
            };
            let left = tree(&ctx.client, &args.left, exit::TROUBLE).await?;
            let right = tree(&right_client, &args.right, exit::TROUBLE).await?;
            let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
            let comparing = async {
                let diff =
                    folder::diff(&left, &right, folder::DEFAULT_CONCURRENCY, Some(&sender)).await;
                drop(sender);
                diff
            };
            let (diff, ()) = tokio::join!(comparing, show_progress(receiver, "diff"));
            let diff = diff.map_err(|e| Stop::new(exit::TROUBLE, e.to_string()))?;
            let mut out = String::new();
            for path in &diff.only_left {
                out.push_str(&format!("only in {}: {path}\n", left.display()));
            }
            for path in &diff.only_right {
                out.push_str(&format!("only in {}: {path}\n", right.display()));
            }
            for changed in &diff.changed {
                let mut keys = Vec::new();
                keys.extend(changed.added.iter().map(|k| format!("+{k}")));
                keys.extend(changed.removed.iter().map(|k| format!("-{k}")));
                keys.extend(changed.changed.iter().map(|k| format!("~{}", k.key)));
                out.push_str(&format!(
                    "differs: {}  {}\n",
                    changed.relative,
                    keys.join(" ")
                ));
            }
            let _ = crate::cli::print_quietly(out.as_bytes());
            for folder in &diff.unlistable {
                eprintln!("tresor: cannot list {folder} (permission denied): not compared");
            }
            for unreadable in &diff.unreadable {
                eprintln!(
                    "tresor: cannot read {}: {}: not compared",
                    unreadable.path, unreadable.reason
                );
            }
            Ok(if diff.incomplete() {
                exit::TROUBLE
            } else if diff.is_same() {
                exit::SAME_OR_MATCHED
            } else {
                exit::DIFFERENT_OR_NO_MATCH
            })
        }
        .await,
    )
}

pub async fn grep(ctx: &Context<'_>, args: &GrepArgs) -> u8 {
    finish(
        async {
            if args.needle.is_empty() {
                return Err(Stop::new(exit::USAGE, "grep: give a non-empty STRING"));
            }
            require_token(&ctx.client, ctx.token_store, exit::TROUBLE)?;
            let source = tree(&ctx.client, &args.path, exit::TROUBLE).await?;
            let (matches, mut found) = tokio::sync::mpsc::unbounded_channel();
            let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
            let cancel = CancelToken::new();
            let searching = async {
                let summary = folder::grep(
                    &source,
                    &args.needle,
                    folder::DEFAULT_CONCURRENCY,
                    &matches,
                    Some(&sender),
                    &cancel,
                )
                .await;
                drop((matches, sender));
                summary
            };
            // Each match printed as it is found: the path and the key, never the value.
            let printing = async {
                while let Some(hit) = found.recv().await {
                    let _ = crate::cli::print_quietly(
                        format!("{}  {}\n", hit.path, hit.key).as_bytes(),
                    );
                }
            };
            let (summary, (), ()) =
                tokio::join!(searching, printing, show_progress(receiver, "grep"));
            let summary = summary.map_err(|e| Stop::new(exit::TROUBLE, e.to_string()))?;
            for folder in &summary.unlistable {
                eprintln!("tresor: cannot list {folder} (permission denied): not searched");
            }
            for unreadable in &summary.unreadable {
                eprintln!(
                    "tresor: cannot read {}: {}: not searched",
                    unreadable.path, unreadable.reason
                );
            }
            Ok(
                if !summary.unlistable.is_empty() || !summary.unreadable.is_empty() {
                    exit::TROUBLE
                } else if summary.matches > 0 {
                    exit::SAME_OR_MATCHED
                } else {
                    exit::DIFFERENT_OR_NO_MATCH
                },
            )
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_tree(prefix: &str) -> folder::TreeRef {
        let settings = crate::config::ConnectionSettings {
            addr: "http://127.0.0.1:8200".into(),
            ..Default::default()
        };
        let mount = MountInfo {
            path: "secret/".into(),
            engine: crate::vault::SecretEngine::Kv(crate::vault::KvVersion::V2),
            description: String::new(),
        };
        folder::TreeRef::new(VaultClient::new(&settings).expect("client"), mount, prefix)
    }

    fn item(relative: &str, target: TargetState, versions: usize) -> folder::PlanItem {
        folder::PlanItem {
            relative: relative.into(),
            target,
            versions: (1..=versions as u64).map(VersionStep::Live).collect(),
        }
    }

    /// Issue 17 (tester): `rm -r` stopped with Ctrl-C said "nothing of them was written".
    #[test]
    fn a_stopped_delete_says_deleted_not_written() {
        let plan = Plan::new(
            PlanKind::Delete,
            folder::Origin::Nothing,
            test_tree("big/"),
            PlanOptions::default(),
            vec![
                item("a", TargetState::Versioned { current: 1 }, 0),
                item("b", TargetState::Versioned { current: 1 }, 0),
            ],
            vec![],
            vec![],
        );
        let report = Report {
            items: vec![
                folder::ItemReport {
                    relative: "a".into(),
                    outcome: ItemOutcome::Done { version: None },
                },
                folder::ItemReport {
                    relative: "b".into(),
                    outcome: ItemOutcome::Skipped(SkipReason::Cancelled),
                },
            ],
            cancelled: true,
            unlistable: vec![],
            unreadable: vec![],
        };
        let (problems, summary, code) = outcome_text(&plan, &report);
        assert!(
            problems.contains("1 secret(s) not started (nothing of them was deleted)"),
            "{problems}"
        );
        assert!(!problems.contains("written"), "{problems}");
        assert_eq!(
            summary,
            "deleted 1 of 2 secret(s), 1 not started (stopped)\n"
        );
        assert_eq!(code, exit::ERROR);
    }

    /// Issue 17 (tester): the plan said "8 version(s) replayed" when every target existed and
    /// was to be skipped: only what is written is counted.
    #[test]
    fn skipped_targets_replay_no_versions() {
        let plan = Plan::new(
            PlanKind::Copy,
            folder::Origin::Tree(test_tree("app/")),
            test_tree("app2/"),
            PlanOptions {
                all_versions: true,
                ..PlanOptions::default()
            },
            vec![
                item("a", TargetState::Versioned { current: 2 }, 2),
                item("b", TargetState::Absent, 3),
            ],
            vec![],
            vec![],
        );
        let text = plan_text(&plan, false, true);
        assert!(text.contains(", 3 version(s) replayed"), "{text}");
        assert!(
            !text.contains("(2 versions)"),
            "a skipped secret replays none: {text}"
        );
        let text = plan_text(&plan, true, false);
        assert!(text.contains(", 5 version(s) replayed"), "{text}");
        let only_existing = plan.restricted(|i| i.target.exists());
        let text = plan_text(&only_existing, false, false);
        assert!(!text.contains("replayed"), "{text}");
        assert!(
            text.contains("nothing to write: every secret exists at the target"),
            "{text}"
        );
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(duration_text(Duration::from_secs(5)), "5s");
        assert_eq!(duration_text(Duration::from_secs(65)), "1m05s");
    }

    #[test]
    fn replayed_versions_say_how_deleted_ones_are_reproduced() {
        assert_eq!(versions_note(&[]), "");
        assert_eq!(
            versions_note(&[VersionStep::Live(1), VersionStep::Live(2)]),
            " (2 versions)"
        );
        assert!(
            versions_note(&[VersionStep::Live(1), VersionStep::Destroyed(2)])
                .contains("0 deleted, 1 destroyed: written as empty placeholders")
        );
    }
}
