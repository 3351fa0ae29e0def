//! The words of the folder commands: the plan as printed, and what a run did (stderr) with
//! its summary (stdout) and exit code.

use super::*;

pub(super) fn verb(kind: PlanKind) -> (&'static str, &'static str) {
    match kind {
        PlanKind::Copy => ("copy", "copied"),
        PlanKind::Move => ("move", "moved"),
        PlanKind::Delete => ("delete", "deleted"),
        PlanKind::Import => ("import", "imported"),
    }
}

pub(super) fn versions_note(steps: &[VersionStep]) -> String {
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
    let mut note = format!(
        " ({}",
        crate::ui::text::count(steps.len(), "version", "versions")
    );
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
pub(super) fn plan_text(plan: &Plan, overwrite: bool, detail: bool) -> String {
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
            text.push_str(&format!(
                ", {} replayed",
                crate::ui::text::count(replayed, "version", "versions")
            ));
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
    let gone = plan
        .unreadable
        .iter()
        .filter(|u| folder::is_latest_gone(&u.reason))
        .count();
    if counts.unreadable > unwritable + gone {
        text.push_str(&format!(
            "; {} secret(s) cannot be read (left out)",
            counts.unreadable - unwritable - gone
        ));
    }
    if gone > 0 {
        text.push_str(&format!(
            "; {} secret(s) whose latest version is deleted or destroyed (left out)",
            gone
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
pub(super) fn left_out_verb(kind: PlanKind, left_out: &folder::Unreadable) -> &'static str {
    if folder::is_latest_gone(&left_out.reason) {
        return verb(kind).0;
    }
    match (crate::vault::jobs::is_unwritable(left_out), kind) {
        (false, _) => "read",
        (true, PlanKind::Delete) => "delete",
        (true, _) => "write",
    }
}

/// "1m05s", "12s".
pub(super) fn duration_text(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    }
}

/// Prints what was not done (stderr) and the summary (stdout); the exit code.
pub(super) fn report_outcome(plan: &Plan, report: &Report) -> u8 {
    let (problems, summary, code) = outcome_text(plan, report);
    eprint!("{problems}");
    let _ = crate::cli::print_quietly(summary.as_bytes());
    code
}

/// "nothing was written", or "deleted" for a delete: the words fit the operation.
pub(super) fn nothing_done(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Delete => "deleted",
        _ => "written",
    }
}

/// What was not done (for stderr), the summary line (for stdout) and the exit code.
pub(super) fn outcome_text(plan: &Plan, report: &Report) -> (String, String, u8) {
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
        assert!(text.contains(", 3 versions replayed"), "{text}");
        assert!(
            !text.contains("(2 versions)"),
            "a skipped secret replays none: {text}"
        );
        let text = plan_text(&plan, true, false);
        assert!(text.contains(", 5 versions replayed"), "{text}");
        let only_existing = plan.restricted(|i| i.target.exists());
        let text = plan_text(&only_existing, false, false);
        assert!(!text.contains("replayed"), "{text}");
        assert!(
            text.contains("nothing to write: every secret exists at the target"),
            "{text}"
        );
    }

    /// Issue 17 (tester): "(1 versions)"; and a plan replaying no version (a move into KV v1)
    /// says nothing about versions.
    #[test]
    fn version_counts_are_singular_or_plural_and_absent_when_none() {
        assert_eq!(versions_note(&[VersionStep::Live(1)]), " (1 version)");
        let plan = Plan::new(
            PlanKind::Move,
            folder::Origin::Tree(test_tree("app/")),
            test_tree("app2/"),
            PlanOptions {
                all_versions: true,
                ..PlanOptions::default()
            },
            vec![item("a", TargetState::Absent, 1)],
            vec![],
            vec![],
        );
        let text = plan_text(&plan, false, true);
        assert!(text.contains(", 1 version replayed"), "{text}");
        assert!(text.contains("(1 version)"), "{text}");
        let none = Plan::new(
            PlanKind::Move,
            folder::Origin::Tree(test_tree("app/")),
            test_tree("app2/"),
            PlanOptions {
                all_versions: true,
                ..PlanOptions::default()
            },
            vec![item("a", TargetState::Absent, 0)],
            vec![],
            vec![],
        );
        let text = plan_text(&none, false, true);
        assert!(!text.contains("version"), "{text}");
    }

    /// Issue 17 (tester): a secret whose latest version is deleted is left out by the plan with
    /// its reason, not counted as "cannot be read" (the token may read it).
    #[test]
    fn a_secret_with_a_deleted_latest_version_is_named_as_left_out() {
        let plan = Plan::new(
            PlanKind::Move,
            folder::Origin::Tree(test_tree("app/")),
            test_tree("flat/"),
            PlanOptions::default(),
            vec![item("a", TargetState::Absent, 0)],
            vec![],
            vec![folder::Unreadable {
                path: "secret/app/gone".into(),
                reason: folder::latest_gone_reason("the latest version (v2) is deleted", false),
            }],
        );
        let text = plan_text(&plan, false, true);
        assert!(
            text.contains("; 1 secret(s) whose latest version is deleted or destroyed (left out)"),
            "{text}"
        );
        assert!(!text.contains("secret(s) cannot be read"), "{text}");
        assert!(
            text.contains(
                "cannot move secret/app/gone: the latest version (v2) is deleted, its data \
                 cannot be read; KV v1 keeps only the latest data: nothing to copy\n"
            ),
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
