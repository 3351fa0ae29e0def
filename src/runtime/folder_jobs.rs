//! Folder jobs (issue 17): the engine's plans, runs, exports, comparisons and searches as tasks.
//! Each job's progress channel is forwarded as actions (coalesced: at most one progress action
//! per 50 ms, so a 5,000-secret run does not draw 5,000 frames); its `CancelToken` is kept here
//! and cancelled by `Effect::CancelFolderJob`.

use super::effects::{ActionSender, EffectRunner};
use crate::app::Action;
use crate::vault::folder::{self, CancelToken, FolderError, Progress, TreeRef};
use crate::vault::jobs::{FolderRequest, JobId, SharedPlan, TreeSpec};
use crate::vault::{VaultClient, VaultError};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// A job in flight: its stop switch, and its task (planning and comparing are dropped on stop:
/// they only read).
pub struct FolderJob {
    cancel: CancelToken,
    task: tokio::task::AbortHandle,
    /// Stops between secrets (run, export, search): the report still comes.
    graceful: bool,
}

/// How often progress reaches the screen at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Forwards progress events as actions, the latest of each burst only.
fn forward_progress(job: JobId, mut rx: UnboundedReceiver<Progress>, actions: ActionSender) {
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut last = first;
            while let Ok(next) = rx.try_recv() {
                last = next;
            }
            let _ = actions.send(Action::FolderProgress {
                job,
                progress: last,
            });
            tokio::time::sleep(PROGRESS_EVERY).await;
        }
    });
}

/// The mount a full path is in (the longest mount path it starts with) and the folder below it.
async fn tree_ref(client: VaultClient, spec: &TreeSpec) -> Result<TreeRef, FolderError> {
    let mounts = client.secret_mounts().await?;
    let (mount, rest) = crate::vault::kv::split_path(&mounts, &spec.path).ok_or_else(|| {
        FolderError::Vault(VaultError::Config(format!(
            "no mount the token can see holds {}",
            spec.path.trim_start_matches('/')
        )))
    })?;
    Ok(TreeRef::new(client, mount.clone(), &rest))
}

impl EffectRunner {
    /// The client for one end: the session in use, or the named profile's own (its kept session,
    /// or a new client with its settings and token), in the namespace asked for.
    fn client_for(&self, spec: &TreeSpec) -> Result<VaultClient, FolderError> {
        let client = match &spec.profile {
            None => self.client.clone(),
            Some(name) => self
                .profiles
                .client_for(&self.client, name)
                .map_err(|error| FolderError::Vault(VaultError::Config(error.to_string())))?,
        };
        Ok(match &spec.namespace {
            Some(namespace) => client.with_namespace(Some(namespace.clone())),
            None => client,
        })
    }

    fn keep(
        &mut self,
        job: JobId,
        cancel: CancelToken,
        task: tokio::task::AbortHandle,
        graceful: bool,
    ) {
        self.folder_jobs.retain(|_, kept| !kept.task.is_finished());
        self.folder_jobs.insert(
            job,
            FolderJob {
                cancel,
                task,
                graceful,
            },
        );
    }

    /// Esc on a folder job. It stays listed until its task ends, so quitting still waits for
    /// the secrets it has in flight.
    pub(super) fn cancel_folder_job(&mut self, job: JobId) {
        if let Some(kept) = self.folder_jobs.get(&job) {
            kept.cancel.cancel();
            if !kept.graceful {
                kept.task.abort();
            }
        }
    }

    /// Whether a folder job's task is still going.
    pub fn folder_jobs_running(&self) -> bool {
        self.folder_jobs
            .values()
            .any(|kept| !kept.task.is_finished())
    }

    /// On quit: every job stops (runs, exports and searches between secrets, planning and
    /// comparing at once) and is waited for, up to `limit`: a secret being replayed with all its
    /// versions is finished, never left with half its history.
    pub async fn finish_folder_jobs(&mut self, limit: Duration) {
        self.cancel_all_folder_jobs();
        let deadline = tokio::time::Instant::now() + limit;
        while self.folder_jobs_running() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every job stops (a profile switch or a logout: their answers would be dropped anyway).
    pub(super) fn cancel_all_folder_jobs(&mut self) {
        let jobs: Vec<JobId> = self.folder_jobs.keys().copied().collect();
        for job in jobs {
            self.cancel_folder_job(job);
        }
    }

    pub(super) fn start_folder_job(&mut self, job: JobId, request: FolderRequest) {
        let actions = self.actions.clone();
        let cancel = CancelToken::new();
        let (progress_tx, progress_rx) = unbounded_channel::<Progress>();
        forward_progress(job, progress_rx, actions.clone());
        match request {
            FolderRequest::Plan {
                kind,
                source,
                target,
                options,
            } => {
                let clients = self.client_for(&source).and_then(|s| {
                    let t = target.as_ref().map(|t| self.client_for(t)).transpose()?;
                    Ok((s, t))
                });
                let task = tokio::spawn(async move {
                    let result = async {
                        let (source_client, target_client) = clients?;
                        let source_tree = tree_ref(source_client, &source).await?;
                        let progress = Some(&progress_tx);
                        match (kind, target, target_client) {
                            (folder::PlanKind::Delete, _, _) => {
                                folder::plan_delete(&source_tree, options, progress).await
                            }
                            (kind, Some(target), Some(client)) => {
                                let target_tree = tree_ref(client, &target).await?;
                                if kind == folder::PlanKind::Move {
                                    folder::plan_move(&source_tree, &target_tree, options, progress)
                                        .await
                                } else {
                                    folder::plan_copy(&source_tree, &target_tree, options, progress)
                                        .await
                                }
                            }
                            _ => Err(FolderError::Vault(VaultError::Config(
                                "a copy or move needs a target".into(),
                            ))),
                        }
                    }
                    .await;
                    let result = match result {
                        Ok(plan) => Ok(crate::vault::jobs::leave_out_unwritable(plan).await),
                        Err(error) => Err(error),
                    };
                    let _ = actions.send(Action::FolderPlanned {
                        job,
                        result: result.map(SharedPlan::new),
                    });
                });
                self.keep(job, cancel, task.abort_handle(), false);
            }
            FolderRequest::PlanImport {
                file,
                target,
                options,
            } => {
                let client = self.client_for(&target);
                let task = tokio::spawn(async move {
                    let result = async {
                        crate::vault::jobs::missing_file(&file)?;
                        let tree = tree_ref(client?, &target).await?;
                        folder::plan_import(&file, &tree, options, Some(&progress_tx)).await
                    }
                    .await;
                    let result = match result {
                        Ok(plan) => Ok(crate::vault::jobs::leave_out_unwritable(plan).await),
                        Err(error) => Err(error),
                    };
                    let _ = actions.send(Action::FolderPlanned {
                        job,
                        result: result.map(SharedPlan::new),
                    });
                });
                self.keep(job, cancel, task.abort_handle(), false);
            }
            FolderRequest::Export {
                source,
                file,
                options,
            } => {
                if !options.force && std::fs::symlink_metadata(&file).is_ok() {
                    let _ = actions.send(Action::ExportFileExists { job });
                    return;
                }
                let client = self.client_for(&source);
                let token = cancel.clone();
                let task = tokio::spawn(async move {
                    let result = async {
                        let tree = tree_ref(client?, &source).await?;
                        folder::export(&tree, &file, options, Some(&progress_tx), &token).await
                    }
                    .await;
                    let _ = actions.send(Action::FolderExported { job, result });
                });
                self.keep(job, cancel, task.abort_handle(), true);
            }
            FolderRequest::Diff { left, right } => {
                let clients = self
                    .client_for(&left)
                    .and_then(|l| Ok((l, self.client_for(&right)?)));
                let task = tokio::spawn(async move {
                    let result = async {
                        let (left_client, right_client) = clients?;
                        let left_tree = tree_ref(left_client, &left).await?;
                        let right_tree = tree_ref(right_client, &right).await?;
                        folder::diff(
                            &left_tree,
                            &right_tree,
                            folder::DEFAULT_CONCURRENCY,
                            Some(&progress_tx),
                        )
                        .await
                    }
                    .await;
                    let _ = actions.send(Action::FoldersDiffed { job, result });
                });
                self.keep(job, cancel, task.abort_handle(), false);
            }
            FolderRequest::Grep { tree, needle } => {
                let client = self.client_for(&tree);
                let token = cancel.clone();
                let (found_tx, found_rx) = unbounded_channel();
                let (done_tx, done_rx) = tokio::sync::oneshot::channel();
                forward_matches(job, found_rx, done_rx, actions.clone());
                let task = tokio::spawn(async move {
                    let result = async {
                        let tree = tree_ref(client?, &tree).await?;
                        folder::grep(
                            &tree,
                            needle.expose(),
                            folder::DEFAULT_CONCURRENCY,
                            &found_tx,
                            Some(&progress_tx),
                            &token,
                        )
                        .await
                    }
                    .await;
                    drop(needle);
                    // The forwarder sends the matches still queued, then this summary.
                    drop(found_tx);
                    let _ = done_tx.send(result);
                });
                self.keep(job, cancel, task.abort_handle(), true);
            }
        }
    }

    pub(super) fn run_folder_plan(
        &mut self,
        job: JobId,
        plan: SharedPlan,
        choices: folder::Choices,
    ) {
        let actions = self.actions.clone();
        let cancel = CancelToken::new();
        let token = cancel.clone();
        let (progress_tx, progress_rx) = unbounded_channel::<Progress>();
        forward_progress(job, progress_rx, actions.clone());
        let task = tokio::spawn(async move {
            let report = folder::run(&plan, &choices, &progress_tx, &token).await;
            let token_refused = crate::vault::jobs::run_lost_its_token(&plan, &report).await;
            let _ = actions.send(Action::FolderRan {
                job,
                report,
                token_refused,
            });
        });
        self.keep(job, cancel, task.abort_handle(), true);
    }
}

/// Forwards search matches in batches as they are found, then the search's summary (after the
/// last match: the channel closes before the summary is sent). A search that was dropped sends
/// nothing more.
fn forward_matches(
    job: JobId,
    mut rx: UnboundedReceiver<folder::GrepMatch>,
    done: tokio::sync::oneshot::Receiver<Result<folder::GrepSummary, FolderError>>,
    actions: ActionSender,
) {
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut matches = vec![first];
            while let Ok(next) = rx.try_recv() {
                matches.push(next);
            }
            let _ = actions.send(Action::ValuesFound { job, matches });
        }
        if let Ok(result) = done.await {
            let _ = actions.send(Action::ValueSearchFinished { job, result });
        }
    });
}
