//! The pure part of folder operations: path mapping, overlap checks, version replay steps,
//! counts and retry plans. No I/O: tested without a server.

use super::{
    ItemOutcome, OutcomeKind, Plan, PlanCounts, PlanItem, Report, ReportCounts, SkipReason,
    TargetState, TreeRef, VersionStep,
};
use crate::vault::versions::SecretMetadata;
use std::hash::{BuildHasher, Hasher};

/// `a/b` -> `a/b/`; `/` and `` -> ``; leading slashes dropped.
pub fn folder(prefix: &str) -> String {
    let trimmed = prefix.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        trimmed.to_string()
    } else {
        format!("{trimmed}/")
    }
}

/// Whether writing `target` while reading `source` would read what it writes: the same server
/// and mount, and one prefix inside the other (`a/` and `a/b/`, or the same folder).
pub fn overlaps(source: &TreeRef, target: &TreeRef) -> bool {
    source.same_server(target)
        && source.mount.path == target.mount.path
        && (source.prefix.starts_with(&target.prefix) || target.prefix.starts_with(&source.prefix))
}

/// The paths the crawl found (below the mount) as paths below `prefix`, sorted, without
/// duplicates. Paths outside the prefix (none, from a well-behaved server) are dropped.
pub fn relative_paths(prefix: &str, found: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut relative: Vec<String> = found
        .into_iter()
        .filter_map(|path| path.strip_prefix(prefix).map(str::to_string))
        .filter(|path| !path.is_empty() && !path.ends_with('/'))
        .collect();
    relative.sort();
    relative.dedup();
    relative
}

/// How a KV v2 secret's history is replayed, oldest first: live versions are copied, soft-deleted
/// and destroyed ones become placeholders deleted or destroyed in turn (their data cannot be
/// read). A version whose deletion is only scheduled (`delete_version_after`) is live.
pub fn version_steps(metadata: &SecretMetadata, now_unix: i64) -> Vec<VersionStep> {
    let mut steps: Vec<VersionStep> = metadata
        .versions
        .iter()
        .map(|v| {
            if v.destroyed {
                VersionStep::Destroyed(v.version)
            } else if v.is_deleted(now_unix) {
                VersionStep::Deleted(v.version)
            } else {
                VersionStep::Live(v.version)
            }
        })
        .collect();
    steps.sort_by_key(VersionStep::version);
    steps
}

/// A keyed fingerprint of a KV v1 secret's data as the server sent it (to tell "unchanged since
/// the plan" without keeping the value). The key is random per plan.
pub fn fingerprint(key: &std::hash::RandomState, data: &[u8]) -> u64 {
    let mut hasher = key.build_hasher();
    hasher.write(data);
    hasher.finish()
}

pub fn counts(plan: &Plan) -> PlanCounts {
    let mut counts = PlanCounts {
        items: plan.items.len(),
        unlistable: plan.unlistable.len(),
        unreadable: plan.unreadable.len(),
        ..PlanCounts::default()
    };
    for item in &plan.items {
        match item.target {
            TargetState::Absent => counts.new += 1,
            TargetState::Unknown => counts.unknown += 1,
            TargetState::Versioned { .. } | TargetState::Present { .. } => counts.existing += 1,
        }
        counts.versions += item.versions.len();
    }
    counts
}

pub fn report_counts(report: &Report) -> ReportCounts {
    let mut counts = ReportCounts::default();
    for item in &report.items {
        match &item.outcome {
            ItemOutcome::Done { .. } => counts.done += 1,
            ItemOutcome::Skipped(SkipReason::Exists) => counts.skipped_existing += 1,
            ItemOutcome::Skipped(SkipReason::Policy(_)) => counts.skipped_policy += 1,
            ItemOutcome::Skipped(SkipReason::Cancelled) => counts.cancelled += 1,
            ItemOutcome::Conflict(_) => counts.conflicts += 1,
            ItemOutcome::Failed(_) => counts.failed += 1,
        }
    }
    counts
}

/// The plan's items whose report says they failed.
pub fn retry_plan(plan: &Plan, report: &Report) -> Plan {
    // What failed, and what a stop left not run: `r` goes on with both.
    let failed: std::collections::HashSet<&str> = report
        .items
        .iter()
        .filter(|i| {
            i.outcome.kind() == OutcomeKind::Failed
                || matches!(i.outcome, ItemOutcome::Skipped(SkipReason::Cancelled))
        })
        .map(|i| i.relative.as_str())
        .collect();
    plan.restricted(|item: &PlanItem| failed.contains(item.relative.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::versions::VersionInfo;
    use crate::vault::{KvVersion, MountInfo, SecretEngine, VaultClient};

    fn client(addr: &str) -> VaultClient {
        VaultClient::new(&crate::config::ConnectionSettings {
            addr: addr.into(),
            ..Default::default()
        })
        .unwrap()
    }

    fn tree(addr: &str, mount: &str, prefix: &str) -> TreeRef {
        TreeRef::new(
            client(addr),
            MountInfo {
                path: mount.into(),
                engine: SecretEngine::Kv(KvVersion::V2),
                description: String::new(),
            },
            prefix,
        )
    }

    #[test]
    fn prefixes_become_folders() {
        assert_eq!(folder(""), "");
        assert_eq!(folder("/"), "");
        assert_eq!(folder("app"), "app/");
        assert_eq!(folder("/app/x/"), "app/x/");
    }

    #[test]
    fn a_tree_into_itself_overlaps_other_mounts_and_servers_do_not() {
        let a = "http://127.0.0.1:1";
        assert!(overlaps(
            &tree(a, "secret/", "app/"),
            &tree(a, "secret/", "app/x/")
        ));
        assert!(overlaps(
            &tree(a, "secret/", "app/x/"),
            &tree(a, "secret/", "app/")
        ));
        assert!(overlaps(&tree(a, "secret/", ""), &tree(a, "secret/", "b/")));
        assert!(overlaps(
            &tree(a, "secret/", "a/"),
            &tree(a, "secret/", "a/")
        ));
        // `app/` and `application/` are siblings, not one inside the other.
        assert!(!overlaps(
            &tree(a, "secret/", "app/"),
            &tree(a, "secret/", "application/")
        ));
        assert!(!overlaps(
            &tree(a, "secret/", "app/"),
            &tree(a, "kv/", "app/")
        ));
        assert!(!overlaps(
            &tree(a, "secret/", "app/"),
            &tree("http://127.0.0.1:2", "secret/", "app/")
        ));
    }

    #[test]
    fn found_paths_are_made_relative_sorted_and_unique() {
        let found = vec![
            "app/z".to_string(),
            "app/a b/ключ".into(),
            "app/x".into(),
            "app/x/y".into(),
            "app/x".into(),
            "other/q".into(),
        ];
        assert_eq!(
            relative_paths("app/", found),
            vec!["a b/ключ", "x", "x/y", "z"],
            "a leaf and a folder of one name are both kept"
        );
    }

    #[test]
    fn versions_replay_oldest_first_with_deleted_and_destroyed_noted() {
        let info = |version, deletion_time: Option<&str>, destroyed| VersionInfo {
            version,
            created_time: String::new(),
            deletion_time: deletion_time.map(str::to_string),
            destroyed,
        };
        let metadata = SecretMetadata {
            versions: vec![
                info(4, Some("2999-01-01T00:00:00Z"), false), // scheduled: live
                info(3, None, true),
                info(2, Some("2020-01-01T00:00:00Z"), false),
                info(1, None, false),
            ],
            ..Default::default()
        };
        assert_eq!(
            version_steps(&metadata, 1_900_000_000),
            vec![
                VersionStep::Live(1),
                VersionStep::Deleted(2),
                VersionStep::Destroyed(3),
                VersionStep::Live(4)
            ]
        );
    }

    #[test]
    fn fingerprints_tell_data_apart_and_are_stable_within_a_plan() {
        let key = std::hash::RandomState::new();
        assert_eq!(
            fingerprint(&key, b"{\"a\":1}"),
            fingerprint(&key, b"{\"a\":1}")
        );
        assert_ne!(
            fingerprint(&key, b"{\"a\":1}"),
            fingerprint(&key, b"{\"a\":2}")
        );
    }

    fn plan_of(items: Vec<PlanItem>) -> Plan {
        let target = tree("http://127.0.0.1:1", "secret/", "dst/");
        Plan {
            kind: super::super::PlanKind::Copy,
            origin: super::super::Origin::Nothing,
            target,
            options: Default::default(),
            items,
            unlistable: vec!["secret/src/locked/".into()],
            unreadable: vec![],
            fingerprints: Default::default(),
        }
    }

    fn item(relative: &str, target: TargetState) -> PlanItem {
        PlanItem {
            relative: relative.into(),
            target,
            versions: vec![],
        }
    }

    #[test]
    fn counts_and_retry_plans_follow_the_items() {
        let plan = plan_of(vec![
            item("a", TargetState::Absent),
            item("b", TargetState::Versioned { current: 3 }),
            item("c", TargetState::Present { fingerprint: None }),
            item("d", TargetState::Unknown),
        ]);
        let counts = plan.counts();
        assert_eq!(
            (counts.items, counts.new, counts.existing, counts.unknown),
            (4, 1, 2, 1)
        );
        assert_eq!(counts.unlistable, 1);
        let report = Report {
            items: vec![
                super::super::ItemReport {
                    relative: "a".into(),
                    outcome: ItemOutcome::Failed("server error 500".into()),
                },
                super::super::ItemReport {
                    relative: "b".into(),
                    outcome: ItemOutcome::Skipped(SkipReason::Exists),
                },
                super::super::ItemReport {
                    relative: "c".into(),
                    outcome: ItemOutcome::Conflict("changed".into()),
                },
                super::super::ItemReport {
                    relative: "d".into(),
                    outcome: ItemOutcome::Failed("x".into()),
                },
            ],
            ..Default::default()
        };
        let counts = report.counts();
        assert_eq!(
            (counts.failed, counts.skipped_existing, counts.conflicts),
            (2, 1, 1)
        );
        assert!(!report.complete());
        let retry = report.retry_plan(&plan);
        let names: Vec<&str> = retry.items.iter().map(|i| i.relative.as_str()).collect();
        assert_eq!(names, vec!["a", "d"]);
        assert_eq!(
            retry.items[0].target,
            TargetState::Absent,
            "as first planned"
        );
        assert!(retry.unlistable.is_empty());
    }

    /// After Esc, `r` goes on with what was not run, as well as what failed.
    #[test]
    fn the_retry_plan_takes_what_was_not_run_after_a_stop() {
        let plan = plan_of(vec![
            item("done", TargetState::Absent),
            item("failed", TargetState::Absent),
            item("not-run", TargetState::Absent),
        ]);
        let report = Report {
            items: vec![
                super::super::ItemReport {
                    relative: "done".into(),
                    outcome: ItemOutcome::Done { version: Some(1) },
                },
                super::super::ItemReport {
                    relative: "failed".into(),
                    outcome: ItemOutcome::Failed("x".into()),
                },
                super::super::ItemReport {
                    relative: "not-run".into(),
                    outcome: ItemOutcome::Skipped(SkipReason::Cancelled),
                },
            ],
            cancelled: true,
            ..Default::default()
        };
        let retry = report.retry_plan(&plan);
        let names: Vec<&str> = retry.items.iter().map(|i| i.relative.as_str()).collect();
        assert_eq!(names, vec!["failed", "not-run"]);
    }
}
