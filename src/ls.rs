//! `tresor ls [-r] [--json] [PATH]`: a listing for scripts, with the same crawler as the finder.

use crate::cli::LsArgs;
use crate::vault::crawl::{CrawlMethod, CrawlOptions};
use crate::vault::kv::split_path;
use crate::vault::{MountInfo, VaultClient, VaultError};

/// What `tresor ls` found: every path (sorted, full: `secret/app/db`; folders end in `/` without
/// -r), and what went wrong on the way, each a line for stderr. Any error or skipped folder means exit 1,
/// even when the rest was listed.
#[derive(Debug, Default)]
pub struct Listing {
    pub paths: Vec<String>,
    /// Folders below the path (and, without a path, mount roots) the token may not list: the
    /// rest was listed, but the listing is not complete (exit 1, as `find` for an unreadable
    /// folder).
    pub skipped: Vec<String>,
    pub errors: Vec<String>,
    /// Said on stderr, not errors (a mount walked by LIST because it cannot be scanned).
    pub notes: Vec<String>,
}

impl Listing {
    /// Everything below the path was listed: nothing skipped, nothing failed.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty() && self.skipped.is_empty()
    }
}

/// No token: every answer would be an empty list or a denial that blames the policy.
pub const NO_TOKEN: &str = "no token: set BAO_TOKEN (or VAULT_TOKEN), log in with `bao login` \
     (which writes ~/.vault-token), or give --token";

/// `BAO_TOKEN` (or `VAULT_TOKEN`) set to nothing: it wins, so the token file and a helper were
/// not looked at, and saying they had no token would not be true.
pub const EMPTY_TOKEN_VARIABLE: &str = "no token: BAO_TOKEN (or VAULT_TOKEN) is set but empty, \
     and it wins over the token file and token helpers: unset it to use them, or give a token";

/// The no-token error naming the token file that was looked for (`BAO_TOKEN_PATH`,
/// `~/.vault-token`, or a profile's `token_file`), so a typo in its path shows, or the token
/// helper that had none.
pub fn no_token_message(store: Option<&crate::config::TokenStore>) -> String {
    match store {
        Some(crate::config::TokenStore::File(file)) => {
            format!("{NO_TOKEN}; found no token in {}", file.display())
        }
        Some(helper) => format!("{NO_TOKEN}; {} gave none", helper.describe()),
        None => NO_TOKEN.to_string(),
    }
}

/// A denial right at the start may be the token itself (expired, revoked, mistyped) rather than
/// its policy: a token that cannot look itself up is rejected outright.
async fn explain(client: &VaultClient, error: VaultError) -> String {
    if error.is_permission_denied()
        && let Err(lookup) = client.lookup_self().await
        && lookup.is_permission_denied()
    {
        return format!(
            "the server rejected the token (expired, revoked or not valid{})",
            client
                .namespace()
                .map(|ns| format!(" in namespace {ns}"))
                .unwrap_or_default()
        );
    }
    error.to_string()
}

/// The listing, sorted, with full paths (`secret/app/db`); folders end in `/` without -r. An
/// `Err` is the whole command failing before anything was listed (no token, a rejected token,
/// a path in no mount).
pub async fn listing(client: &VaultClient, args: &LsArgs) -> Result<Listing, String> {
    if !client.has_token() {
        return Err(NO_TOKEN.to_string());
    }
    let options = CrawlOptions {
        method: args.method,
        concurrency: args.concurrency,
    };
    let mounts = match client.secret_mounts().await {
        Ok(mounts) => mounts,
        Err(error) => {
            return Err(format!(
                "listing the mounts: {}",
                explain(client, error).await
            ));
        }
    };
    let (browsable, others): (Vec<MountInfo>, Vec<MountInfo>) =
        mounts.into_iter().partition(|m| m.engine.is_browsable());
    let targets: Vec<(MountInfo, String)> = match &args.path {
        Some(path) if !path.trim_matches('/').is_empty() => {
            let Some((mount, rest)) = split_path(&browsable, path) else {
                return Err(match split_path(&others, path) {
                    Some((mount, _)) => format!(
                        "{path}: {} is a {} mount, not key/value",
                        mount.path,
                        mount.engine.label()
                    ),
                    None => format!("{path}: not found: in no mount this token can see"),
                });
            };
            vec![(mount.clone(), rest)]
        }
        _ => browsable
            .iter()
            .map(|m| (m.clone(), String::new()))
            .collect(),
    };
    // A path asked for by name that may not be listed is the answer (an error); a mount that
    // turns up in "everything" and may not be listed at its root is skipped like a folder.
    let named = args
        .path
        .as_ref()
        .is_some_and(|p| !p.trim_matches('/').is_empty());
    let mut out = Listing::default();
    for (mount, rest) in targets {
        if let Err(error) = list_one(client, args, options, &mount, &rest, named, &mut out).await {
            out.errors.push(error);
        }
    }
    out.paths.sort();
    Ok(out)
}

/// One mount (or a path in it) into `out`.
async fn list_one(
    client: &VaultClient,
    args: &LsArgs,
    options: CrawlOptions,
    mount: &MountInfo,
    rest: &str,
    named: bool,
    out: &mut Listing,
) -> Result<(), String> {
    let folder = folder_of(rest);
    let found = if args.recursive {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let summary = client
            .crawl(mount, &folder, options, &sender)
            .await
            .map_err(|e| error_text(mount, rest, &e))?;
        drop(sender);
        let mut found = Vec::new();
        while let Some(event) = receiver.recv().await {
            if let crate::vault::crawl::CrawlEvent::Found(paths) = event {
                found.extend(paths.into_iter().map(|p| format!("{}{p}", mount.path)));
            }
        }
        if summary.scan_unsupported && args.method == CrawlMethod::Scan {
            out.notes.push(format!(
                "{}: this mount cannot be scanned: listed instead",
                mount.path
            ));
        }
        // The path itself denied is the answer, not a folder skipped on the way.
        if named && found.is_empty() && summary.skipped == [folder.clone()] {
            return Err(error_text(
                mount,
                rest,
                &VaultError::PermissionDenied {
                    path: mount.list_path(&folder),
                    operation: crate::vault::Operation::List,
                },
            ));
        }
        out.skipped.extend(
            summary
                .skipped
                .iter()
                .map(|skipped| format!("{}{skipped}", mount.path)),
        );
        found
    } else {
        let keys = match client.list_folder(mount, &folder).await {
            Err(error) if error.is_permission_denied() && !named => {
                out.skipped.push(format!("{}{folder}", mount.path));
                return Ok(());
            }
            other => other.map_err(|e| error_text(mount, rest, &e))?,
        };
        keys.into_iter()
            .map(|k| format!("{}{folder}{k}", mount.path))
            .collect()
    };
    // An empty folder does not exist (KV has no empty folders), except a mount's root.
    if found.is_empty() && !folder.is_empty() {
        if !rest.ends_with('/') && is_secret(client, mount, rest).await {
            out.paths.push(format!("{}{rest}", mount.path));
            return Ok(());
        }
        return Err(format!(
            "{}{rest}: not found: no such folder or secret",
            mount.path
        ));
    }
    out.paths.extend(found);
    Ok(())
}

/// Whether `secret` (no trailing `/`) is a secret: its name in its folder's listing (which
/// needs `list`, like the rest of `ls`, and never reads a value).
async fn is_secret(client: &VaultClient, mount: &MountInfo, secret: &str) -> bool {
    let (parent, name) = match secret.rsplit_once('/') {
        Some((parent, name)) => (format!("{parent}/"), name),
        None => (String::new(), secret),
    };
    client
        .list_folder(mount, &parent)
        .await
        .is_ok_and(|keys| keys.iter().any(|k| k == name))
}

/// `a/b` -> `a/b/`; empty stays empty.
fn folder_of(rest: &str) -> String {
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() || rest.ends_with('/') {
        rest.to_string()
    } else {
        format!("{rest}/")
    }
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
