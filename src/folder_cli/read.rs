//! The folder commands that only read the server: export, diff and grep.

use super::*;

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
