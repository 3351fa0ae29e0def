//! What the TUI asks of the folder engine ([`super::folder`]), as data: the effect names the
//! trees by profile, namespace and path (the runtime turns them into clients and mounts), and
//! the plan travels shared, so a 5,000-secret plan is never copied between the screen and the
//! runtime.

use super::VaultClient;
use super::folder::{ExportOptions, ItemOutcome, Origin, Plan, PlanKind, PlanOptions, Report};
use crate::secret::SecretText;
use std::path::PathBuf;
use std::sync::Arc;

/// A folder job's number: answers for another job (or a closed screen) are dropped.
pub type JobId = u64;

/// One end of a folder operation, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeSpec {
    /// The profile whose session (or, if it has none yet, whose configured token) is used;
    /// `None`: the session in use. One profile's token never goes to another's server.
    pub profile: Option<String>,
    /// A namespace to use instead of the session's (`None`: the session's own).
    pub namespace: Option<String>,
    /// `mount/folder/` (`secret/app/`; the mount alone for its root).
    pub path: String,
}

impl TreeSpec {
    /// The folder `path` on the session in use.
    pub fn here(path: &str) -> Self {
        Self {
            profile: None,
            namespace: None,
            path: path.to_string(),
        }
    }

    /// `path`, with the profile and namespace when they are not the session's.
    pub fn display(&self) -> String {
        let mut text = self.path.clone();
        if let Some(profile) = &self.profile {
            text.push_str(&format!(" (profile {profile}"));
            if let Some(namespace) = &self.namespace {
                text.push_str(&format!(", namespace {namespace}"));
            }
            text.push(')');
        } else if let Some(namespace) = &self.namespace {
            text.push_str(&format!(" (namespace {namespace})"));
        }
        text
    }
}

/// A folder operation to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderRequest {
    /// Plan a copy, move or delete (`target` is `None` for a delete).
    Plan {
        kind: PlanKind,
        source: TreeSpec,
        target: Option<TreeSpec>,
        options: PlanOptions,
    },
    /// Plan writing an export file below `target`.
    PlanImport {
        file: PathBuf,
        target: TreeSpec,
        options: PlanOptions,
    },
    Export {
        source: TreeSpec,
        file: PathBuf,
        options: ExportOptions,
    },
    Diff {
        left: TreeSpec,
        right: TreeSpec,
    },
    /// Search the values below `tree` for `needle` (kept as secret text: it may be the very
    /// credential hunted for).
    Grep {
        tree: TreeSpec,
        needle: SecretText,
    },
}

/// A plan shared between the screen and the runtime. Two are equal when they are the same plan.
#[derive(Debug, Clone)]
pub struct SharedPlan(pub Arc<Plan>);

impl SharedPlan {
    pub fn new(plan: Plan) -> Self {
        Self(Arc::new(plan))
    }
}

impl std::ops::Deref for SharedPlan {
    type Target = Plan;
    fn deref(&self) -> &Plan {
        &self.0
    }
}

impl PartialEq for SharedPlan {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SharedPlan {}

/// Why the server refused a run's requests when it no longer accepts the token (it is then a
/// "permission denied" or even a 500 for every request, which would read as a policy problem).
pub const TOKEN_REFUSED: &str =
    "the server no longer accepts the token (its uses ran out, or it expired or was revoked)";

/// Whether a run's failures come from the token itself: something failed and the server now
/// refuses the token (asked once, with the plan's clients).
pub async fn run_lost_its_token(plan: &Plan, report: &Report) -> bool {
    if !report
        .items
        .iter()
        .any(|item| matches!(item.outcome, ItemOutcome::Failed(_)))
    {
        return false;
    }
    let mut clients: Vec<&VaultClient> = vec![&plan.target.client];
    if let Origin::Tree(source) = &plan.origin {
        clients.push(&source.client);
    }
    for client in clients {
        if client.token_refused().await {
            return true;
        }
    }
    false
}

/// Rewords the failures of a run that lost its token: `why` first, then what the server said
/// (its first line: a 500 for a used-up token reads "1 error occurred:" otherwise).
pub fn blame_the_token(report: &mut Report, why: &str) {
    for item in &mut report.items {
        if let ItemOutcome::Failed(reason) = &mut item.outcome {
            let said = reason
                .lines()
                .next()
                .unwrap_or_default()
                .trim_end_matches(':')
                .to_string();
            *reason = format!("not written: {why} (the server said: {said})");
        }
    }
}

/// A file to import that is not there, said as such (with where a relative path was looked for).
pub fn missing_file(file: &std::path::Path) -> Result<(), super::folder::FolderError> {
    match std::fs::metadata(file) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let place = match (file.is_relative(), std::env::current_dir()) {
                (true, Ok(dir)) => format!(" (looked for in {})", dir.display()),
                _ => String::new(),
            };
            Err(super::folder::FolderError::File(format!(
                "{}: the file does not exist{place}",
                file.display()
            )))
        }
        _ => Ok(()),
    }
}

/// Whether the folder `tree` names (found empty) is a secret: `secret/app/db/` when
/// `secret/app/db` exists.
pub async fn names_a_secret(tree: &super::folder::TreeRef) -> bool {
    let secret = tree.prefix.trim_end_matches('/');
    if secret.is_empty() {
        return false;
    }
    if tree.is_v2() {
        tree.client.read_metadata(&tree.mount, secret).await.is_ok()
    } else {
        tree.client
            .read_secret(&tree.mount, secret, None)
            .await
            .is_ok()
    }
}

/// Ends the reason of a target the plan found the token may not write (see
/// [`leave_out_unwritable`]): such targets are listed with the unreadable secrets (left out of
/// the plan and named in the report) and told apart by this.
pub const MAY_NOT_WRITE: &str = " (the token may not write it)";

/// Whether a left-out secret is one the token may not write (not one it may not read).
pub fn is_unwritable(left_out: &super::folder::Unreadable) -> bool {
    left_out.reason.ends_with(MAY_NOT_WRITE)
}

/// Before anything is written: the secrets the token may not write (or, for a move or a delete,
/// delete) leave the plan and are named with the path and capability, as the plan does for what
/// it may not read (`sys/capabilities-self`, a few hundred paths a request). A server or token
/// that cannot answer leaves everything to the run.
pub async fn leave_out_unwritable(mut plan: Plan) -> Plan {
    use super::folder::{TargetState, Unreadable};
    use super::versions::operation_path;
    const BATCH: usize = 128;
    // Each item's (API path, capability needed) pairs.
    let delete_path = |tree: &super::folder::TreeRef, relative: &str| {
        let path = tree.path_of(relative);
        if tree.is_v2() {
            operation_path(&tree.mount, "metadata", &path)
        } else {
            tree.mount.read_path(&path)
        }
    };
    let needs = |item: &super::folder::PlanItem| -> Vec<(String, &'static str)> {
        let target = &plan.target;
        let write = (
            target.mount.read_path(&target.path_of(&item.relative)),
            match item.target {
                TargetState::Versioned { .. } | TargetState::Present { .. } => "update",
                TargetState::Absent | TargetState::Unknown => "create",
            },
        );
        match (&plan.kind, &plan.origin) {
            (PlanKind::Delete, _) => vec![(delete_path(target, &item.relative), "delete")],
            (PlanKind::Move, Origin::Tree(source)) => {
                vec![write, (delete_path(source, &item.relative), "delete")]
            }
            _ => vec![write],
        }
    };
    // (relative path, (API path, capability)).
    type Need = (String, (String, &'static str));
    let mut denied: std::collections::HashMap<String, String> = Default::default();
    for chunk in plan.items.chunks(BATCH) {
        let wanted: Vec<Need> = chunk
            .iter()
            .flat_map(|item| {
                needs(item)
                    .into_iter()
                    .map(|need| (item.relative.clone(), need))
            })
            .collect();
        // The client of each path: a move's delete is on the source's server.
        let mut by_client: Vec<(&VaultClient, Vec<&Need>)> =
            vec![(&plan.target.client, Vec::new())];
        if let (PlanKind::Move, Origin::Tree(source)) = (&plan.kind, &plan.origin) {
            by_client.push((&source.client, Vec::new()));
        }
        for need in &wanted {
            let on_source = need.1.1 == "delete" && plan.kind == PlanKind::Move;
            let slot = if on_source { 1 } else { 0 };
            by_client[slot].1.push(need);
        }
        for (client, needs) in by_client {
            if needs.is_empty() {
                continue;
            }
            let paths: Vec<&str> = needs.iter().map(|(_, (path, _))| path.as_str()).collect();
            let request = "sys/capabilities-self";
            let answer = client
                .send(
                    super::client::Operation::Write,
                    request,
                    Some(&serde_json::json!({ "paths": paths })),
                )
                .await
                .and_then(|raw| raw.json(request));
            let Ok(answer) = answer else {
                return plan;
            };
            let data = answer.get("data").unwrap_or(&answer);
            for (relative, (path, capability)) in needs {
                let capabilities: Vec<&str> = data
                    .get(path.as_str())
                    .and_then(|c| c.as_array())
                    .map(|c| c.iter().filter_map(|v| v.as_str()).collect())
                    .unwrap_or_default();
                let allowed = capabilities
                    .iter()
                    .any(|c| *c == *capability || *c == "root");
                if !capabilities.is_empty() && !allowed && !denied.contains_key(relative) {
                    denied.insert(
                        relative.clone(),
                        format!("permission denied: {capability} on {path}{MAY_NOT_WRITE}"),
                    );
                }
            }
        }
    }
    if denied.is_empty() {
        return plan;
    }
    let target = plan.target.clone();
    let (kept, left_out): (Vec<_>, Vec<_>) = std::mem::take(&mut plan.items)
        .into_iter()
        .partition(|item| !denied.contains_key(&item.relative));
    plan.items = kept;
    plan.unreadable
        .extend(left_out.into_iter().map(|item| Unreadable {
            path: target.display_of(&item.relative),
            reason: denied.remove(&item.relative).unwrap_or_default(),
        }));
    plan.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    plan
}
