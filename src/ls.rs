//! `tresor ls [-r] [--json] [PATH]`: a listing for scripts, with the same crawler as the finder.

use crate::cli::LsArgs;
use crate::vault::crawl::CrawlOptions;
use crate::vault::{MountInfo, VaultClient, VaultError};

/// The mount a path is in (the longest mount path it starts with) and the rest of it.
pub fn split_path<'a>(mounts: &'a [MountInfo], path: &str) -> Option<(&'a MountInfo, String)> {
    let path = path.trim_start_matches('/');
    let with_slash = if path.ends_with('/') || path.is_empty() {
        path.to_string()
    } else {
        format!("{path}/")
    };
    mounts
        .iter()
        .filter(|m| with_slash.starts_with(&m.path))
        .max_by_key(|m| m.path.len())
        .map(|m| (m, path.get(m.path.len()..).unwrap_or("").to_string()))
}

/// The listing, sorted, with full paths (`secret/app/db`); folders end in `/` without -r.
pub async fn listing(client: &VaultClient, args: &LsArgs) -> Result<(Vec<String>, usize), String> {
    let options = CrawlOptions {
        method: args.method,
        concurrency: args.concurrency,
    };
    let mounts = client
        .secret_mounts()
        .await
        .map_err(|e| format!("listing the mounts: {e}"))?;
    let browsable: Vec<MountInfo> = mounts
        .into_iter()
        .filter(|m| m.engine.is_browsable())
        .collect();
    let targets: Vec<(MountInfo, String)> = match &args.path {
        Some(path) if !path.trim_matches('/').is_empty() => {
            let (mount, rest) = split_path(&browsable, path)
                .ok_or_else(|| format!("{path}: not in a KV mount this token can see"))?;
            vec![(mount.clone(), rest)]
        }
        _ => browsable
            .iter()
            .map(|m| (m.clone(), String::new()))
            .collect(),
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for (mount, rest) in targets {
        if args.recursive {
            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
            let summary = client
                .crawl(&mount, &rest, options, &sender)
                .await
                .map_err(|e| error_text(&mount, &rest, &e))?;
            drop(sender);
            while let Some(event) = receiver.recv().await {
                if let crate::vault::crawl::CrawlEvent::Found(paths) = event {
                    out.extend(paths.into_iter().map(|p| format!("{}{p}", mount.path)));
                }
            }
            skipped += summary.skipped.len();
        } else {
            let keys = client
                .list_folder(&mount, &rest)
                .await
                .map_err(|e| error_text(&mount, &rest, &e))?;
            let base = if rest.is_empty() || rest.ends_with('/') {
                rest.clone()
            } else {
                format!("{rest}/")
            };
            out.extend(keys.into_iter().map(|k| format!("{}{base}{k}", mount.path)));
        }
    }
    out.sort();
    Ok((out, skipped))
}

fn error_text(mount: &MountInfo, rest: &str, error: &VaultError) -> String {
    format!("{}{rest}: {error}", mount.path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{KvVersion, SecretEngine};

    fn mount(path: &str) -> MountInfo {
        MountInfo {
            path: path.into(),
            engine: SecretEngine::Kv(KvVersion::V2),
            description: String::new(),
        }
    }

    #[test]
    fn paths_split_at_the_longest_mount() {
        let mounts = [mount("secret/"), mount("team/"), mount("team/platform/")];
        let (m, rest) = split_path(&mounts, "team/platform/app/").unwrap();
        assert_eq!((m.path.as_str(), rest.as_str()), ("team/platform/", "app/"));
        let (m, rest) = split_path(&mounts, "/secret").unwrap();
        assert_eq!((m.path.as_str(), rest.as_str()), ("secret/", ""));
        assert!(split_path(&mounts, "secretive/x").is_none());
    }
}
