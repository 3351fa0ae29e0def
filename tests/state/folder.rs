//! Folder screens (issue 17): the keys on a folder, the plan's choices (nothing is written before
//! the user confirms), the typed delete, progress and stopping, the report and "retry the failed
//! ones", and answers for another job dropped.

use crate::support;

use crossterm::event::KeyCode;
use std::time::Duration;
use support::fixtures::{press, status, type_text};
use support::folders::{
    copy_plan, copy_report, delete_plan, folder_app, job_of, matches, planned, screen, stage,
    tree_diff,
};
use tresor::app::folder::{ExistingChoice, SearchState, Stage};
use tresor::app::state::Modal;
use tresor::app::{Action, Effect, update};
use tresor::vault::folder::{Existing, OutcomeKind, PlanKind, Progress};
use tresor::vault::jobs::{FolderRequest, SharedPlan, TreeSpec};

const SIZE: (u16, u16) = (120, 40);

fn writes(effects: &[Effect]) -> bool {
    effects.iter().any(|e| {
        matches!(
            e,
            Effect::RunFolderPlan { .. }
                | Effect::WriteSecret { .. }
                | Effect::ChangeVersions { .. }
        )
    })
}

#[test]
fn c_on_a_folder_asks_for_a_target_then_plans_and_writes_nothing() {
    let mut app = folder_app(SIZE);
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    let Stage::Prompt(prompt) = stage(&app) else {
        panic!("a prompt first: {:?}", stage(&app));
    };
    assert_eq!(prompt.input.text, "secret/app-copy/");
    // The other profile and the options are fields of the same prompt.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::StartFolderJob { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let FolderRequest::Plan {
        kind,
        source,
        target,
        options,
    } = request
    else {
        panic!("{request:?}");
    };
    assert_eq!(*kind, PlanKind::Copy);
    assert_eq!(source, &TreeSpec::here("secret/app/"));
    assert_eq!(target.as_ref(), Some(&TreeSpec::here("secret/app-copy/")));
    assert!(options.all_versions, "space ticked every version");
    assert!(matches!(stage(&app), Stage::Working(_)));
    assert!(!writes(&effects));
}

#[test]
fn c_on_a_secret_still_copies_the_secret() {
    let mut app = support::fixtures::history_app(SIZE, &support::fixtures::root());
    app.focus = tresor::app::state::Focus::Tree;
    press(&mut app, KeyCode::Char('c'));
    assert!(
        matches!(app.modal, Some(Modal::PathPrompt(_))),
        "{:?}",
        app.modal
    );
}

#[test]
fn the_plan_offers_skip_overwrite_or_abort_and_runs_only_when_confirmed() {
    // Skip (the default): Enter runs with existing targets skipped.
    let mut app = folder_app(SIZE);
    let effects = planned(&mut app, copy_plan());
    assert!(!writes(&effects), "a plan arriving writes nothing");
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::RunFolderPlan { plan, choices, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(choices.existing, Existing::Skip);
    assert_eq!(plan.items.len(), 5);
    assert!(matches!(stage(&app), Stage::Running(_)));

    // Overwrite: asked first; n goes back to the plan, y runs with check-and-set.
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    press(&mut app, KeyCode::Tab);
    let Stage::Plan(view) = stage(&app) else {
        panic!()
    };
    assert_eq!(view.existing, ExistingChoice::Overwrite);
    assert!(!writes(&press(&mut app, KeyCode::Enter)), "asks first");
    assert!(!writes(&press(&mut app, KeyCode::Char('n'))));
    assert!(matches!(stage(&app), Stage::Plan(v) if v.question.is_none()));
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Char('y'));
    let Some(Effect::RunFolderPlan { choices, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(choices.existing, Existing::Overwrite);

    // Abort: Enter closes and nothing is written.
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let effects = press(&mut app, KeyCode::Enter);
    assert!(!writes(&effects) && app.modal.is_none(), "{effects:?}");
    assert!(
        status(&app).contains("nothing was written"),
        "{}",
        status(&app)
    );

    // Esc on the plan: the same.
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    let effects = press(&mut app, KeyCode::Esc);
    assert!(!writes(&effects) && app.modal.is_none());
}

/// Issue 17 (tester): the words fit the operation: closing a delete's plan deletes nothing.
#[test]
fn closing_a_delete_plan_says_nothing_was_deleted() {
    let mut app = folder_app(SIZE);
    let job = job_of(&press(&mut app, KeyCode::Char('X')));
    update(
        &mut app,
        Action::FolderPlanned {
            job,
            result: Ok(SharedPlan::new(delete_plan())),
        },
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(status(&app), "Plan closed: nothing was deleted.");
}

#[test]
fn deleting_a_tree_needs_its_path_typed() {
    let mut app = folder_app(SIZE);
    let effects = press(&mut app, KeyCode::Char('X'));
    let [Effect::StartFolderJob { job, request }] = effects.as_slice() else {
        panic!("X on a folder plans its delete: {effects:?}");
    };
    assert!(matches!(
        request,
        FolderRequest::Plan {
            kind: PlanKind::Delete,
            target: None,
            ..
        }
    ));
    update(
        &mut app,
        Action::FolderPlanned {
            job: *job,
            result: Ok(SharedPlan::new(delete_plan())),
        },
    );
    assert!(!writes(&press(&mut app, KeyCode::Enter)), "Enter asks");
    // y is text here, not a yes; a wrong path is refused.
    type_text(&mut app, "y");
    assert!(!writes(&press(&mut app, KeyCode::Enter)));
    type_text(&mut app, "secret/ap");
    assert!(
        !writes(&press(&mut app, KeyCode::Enter)),
        "not the whole path"
    );
    let Stage::Plan(view) = stage(&app) else {
        panic!()
    };
    assert!(
        view.question
            .as_ref()
            .and_then(|q| q.error.as_ref())
            .is_some(),
        "says why"
    );
    for _ in 0..12 {
        press(&mut app, KeyCode::Backspace);
    }
    // The folder's path with or without its closing slash, as `tresor rm -r` takes it.
    type_text(&mut app, "secret/app");
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::RunFolderPlan { plan, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(plan.kind, PlanKind::Delete);
}

#[test]
fn progress_counts_esc_stops_between_secrets_and_the_report_follows() {
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    update(&mut app, Action::Tick(Duration::from_secs(10)));
    let effects = press(&mut app, KeyCode::Enter);
    let job = job_of(&effects);
    update(&mut app, Action::Tick(Duration::from_secs(12)));
    update(
        &mut app,
        Action::FolderProgress {
            job,
            progress: Progress::Item {
                done: 2,
                total: 5,
                path: "secret/app-copy/db".into(),
                outcome: OutcomeKind::Done,
            },
        },
    );
    let Stage::Running(running) = stage(&app) else {
        panic!()
    };
    assert_eq!((running.done, running.total), (2, 5));
    assert_eq!(running.rate(app.clock), Some(1.0), "2 secrets in 2 s");
    assert_eq!(running.time_left(app.clock), Some(Duration::from_secs(3)));
    // Esc: the runtime is told to stop the job; the screen waits for the report.
    let effects = press(&mut app, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelFolderJob { job }]);
    assert!(matches!(stage(&app), Stage::Running(r) if r.stopping));
    assert!(press(&mut app, KeyCode::Esc).is_empty(), "once");
    let mut report = copy_report();
    report.cancelled = true;
    let effects = update(
        &mut app,
        Action::FolderRan {
            job,
            report,
            token_refused: false,
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadMounts { .. })),
        "the tree reloads what changed: {effects:?}"
    );
    let Stage::Report(view) = stage(&app) else {
        panic!("{:?}", stage(&app))
    };
    // Failures first, then conflicts, skipped and done.
    let first = &view.report.items[view.order[0]];
    assert_eq!(first.relative, "rocket 🚀/launch codes");
}

/// Issue 17 (tester): a token that ran out of uses mid-run was reported as "permission denied"
/// for every secret left: the report says the token has no uses left, as the header would.
#[test]
fn a_run_that_used_up_the_token_says_so_not_permission_denied() {
    let mut app = folder_app(SIZE);
    if let tresor::app::state::Loadable::Ready(view) = &mut app.token {
        view.uses_left = Some(3);
    }
    planned(&mut app, copy_plan());
    let job = job_of(&press(&mut app, KeyCode::Enter));
    let mut report = copy_report();
    report.items[2].outcome = tresor::vault::folder::ItemOutcome::Failed(
        "permission denied: create on secret/data/app-copy/rocket 🚀/launch codes".into(),
    );
    update(
        &mut app,
        Action::FolderRan {
            job,
            report,
            token_refused: true,
        },
    );
    let Stage::Report(view) = stage(&app) else {
        panic!("{:?}", stage(&app))
    };
    let tresor::vault::folder::ItemOutcome::Failed(reason) = &view.report.items[2].outcome else {
        panic!("{:?}", view.report.items[2]);
    };
    assert!(
        reason.starts_with("not written: the token has no uses left"),
        "{reason}"
    );
    assert!(
        view.token
            .as_deref()
            .is_some_and(|why| why.contains("no uses left")),
        "{:?}",
        view.token
    );
}

/// Issue 17 (tester): importing a file that does not exist closed the dialog (the path typed
/// was lost): bad input keeps the prompt, with the path and why.
#[test]
fn an_import_of_a_missing_file_keeps_the_prompt_with_the_path() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('I'));
    type_text(&mut app, "/tmp/no-such-export.json");
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::FolderPlanned {
            job,
            result: Err(tresor::vault::folder::FolderError::File(
                "/tmp/no-such-export.json: the file does not exist".into(),
            )),
        },
    );
    let Stage::Prompt(prompt) = stage(&app) else {
        panic!("back to the prompt: {:?}", stage(&app));
    };
    assert_eq!(prompt.input.text, "/tmp/no-such-export.json");
    assert!(
        prompt
            .error
            .as_deref()
            .is_some_and(|e| e.contains("does not exist")),
        "{:?}",
        prompt.error
    );
    // Fixed in place and sent again: a new job.
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "n");
    assert!(matches!(
        press(&mut app, KeyCode::Enter).as_slice(),
        [Effect::StartFolderJob { .. }]
    ));
}

#[test]
fn retry_the_failed_ones_goes_back_to_a_plan_of_them() {
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::FolderRan {
            job,
            report: copy_report(),
            token_refused: false,
        },
    );
    assert!(
        !writes(&press(&mut app, KeyCode::Char('r'))),
        "a plan first"
    );
    let Stage::Plan(view) = stage(&app) else {
        panic!("{:?}", stage(&app))
    };
    let retried: Vec<&str> = view
        .plan
        .items
        .iter()
        .map(|i| i.relative.as_str())
        .collect();
    assert_eq!(retried, vec!["rocket 🚀/launch codes"]);
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::RunFolderPlan { plan, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(plan.items.len(), 1);
}

#[test]
fn answers_for_another_job_are_dropped() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('c'));
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::FolderPlanned {
            job: job + 100,
            result: Ok(SharedPlan::new(copy_plan())),
        },
    );
    assert!(matches!(stage(&app), Stage::Working(_)), "not this job's");
    // Esc while planning drops the job; its late answer changes nothing.
    assert_eq!(
        press(&mut app, KeyCode::Esc),
        vec![Effect::CancelFolderJob { job }]
    );
    update(
        &mut app,
        Action::FolderPlanned {
            job,
            result: Ok(SharedPlan::new(copy_plan())),
        },
    );
    assert!(app.modal.is_none());
}

#[test]
fn the_comparison_reveals_only_the_selected_changed_pair() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('='));
    // The other side: the same path on another profile would be a Tab away; here a path.
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "prod/");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::StartFolderJob { job, request }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(matches!(request, FolderRequest::Diff { right, .. } if right.path == "secret/prod/"));
    update(
        &mut app,
        Action::FoldersDiffed {
            job: *job,
            result: Ok(tree_diff()),
        },
    );
    press(&mut app, KeyCode::Char('s'));
    let Stage::Diff(view) = stage(&app) else {
        panic!()
    };
    assert_eq!(view.revealed, None, "the first row is not a changed pair");
    // only here, only there, differs, + port, - legacy_dsn, ~ password
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('s'));
    let Stage::Diff(view) = stage(&app) else {
        panic!()
    };
    assert_eq!(view.revealed, Some(5));
    press(&mut app, KeyCode::Char('j'));
    let Stage::Diff(view) = stage(&app) else {
        panic!()
    };
    assert_eq!(view.revealed, None, "moving away masks it again");
}

#[test]
fn matches_stream_in_masked_and_enter_opens_the_secret() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('V'));
    type_text(&mut app, "leaked-AKIA123");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::StartFolderJob { job, request }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let job = *job;
    let FolderRequest::Grep { tree, needle } = request else {
        panic!()
    };
    assert_eq!(tree.path, "secret/app/");
    assert_eq!(needle.expose(), "leaked-AKIA123");
    assert!(
        !format!("{:?}", app).contains("leaked-AKIA123"),
        "the string is not kept in the state"
    );
    let found = matches();
    update(
        &mut app,
        Action::ValuesFound {
            job,
            matches: found[..1].to_vec(),
        },
    );
    update(
        &mut app,
        Action::ValuesFound {
            job,
            matches: found[1..].to_vec(),
        },
    );
    let Stage::Search(view) = stage(&app) else {
        panic!()
    };
    assert_eq!(view.matches.len(), 2);
    assert!(matches!(view.state, SearchState::Searching { .. }));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('s'));
    assert!(matches!(stage(&app), Stage::Search(v) if v.revealed == Some(1)));
    // Esc while searching stops it (the matches stay); Enter opens the selected one.
    assert_eq!(
        press(&mut app, KeyCode::Esc),
        vec![Effect::CancelFolderJob { job }]
    );
    press(&mut app, KeyCode::Char('k'));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    assert!(
        effects.iter().any(|e| matches!(e, Effect::ReadSecret { location, .. } if location.display() == "secret/app/db")),
        "{effects:?}"
    );
}

#[test]
fn an_existing_export_file_is_replaced_only_when_confirmed() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('O'));
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::StartFolderJob { job, request }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(
        matches!(request, FolderRequest::Export { file, options, .. } if file.to_str() == Some("app.json") && !options.force)
    );
    update(&mut app, Action::ExportFileExists { job: *job });
    let Stage::Prompt(prompt) = stage(&app) else {
        panic!()
    };
    assert!(prompt.replace.is_some(), "asks");
    assert!(press(&mut app, KeyCode::Char('n')).is_empty(), "no: back");
    assert!(matches!(stage(&app), Stage::Prompt(p) if p.replace.is_none()));
    let effects = press(&mut app, KeyCode::Enter);
    let job = job_of(&effects);
    update(&mut app, Action::ExportFileExists { job });
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::StartFolderJob { request: FolderRequest::Export { options, .. }, .. }] if options.force),
        "{effects:?}"
    );
    assert_eq!(screen(&app).op, tresor::app::folder::FolderOp::Export);
}

#[test]
fn a_profile_switch_closes_the_screen_and_the_old_job_s_report_is_dropped() {
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::ProfileSwitched(Ok(tresor::app::picker::ProfileSwitch {
            name: "prod".into(),
            connection: tresor::app::state::ConnectionView {
                addr: "https://vault.prod.example:8200".into(),
                has_token: true,
                ..Default::default()
            },
            login: Default::default(),
            warnings: Vec::new(),
            nodes: Vec::new(),
        })),
    );
    assert!(app.modal.is_none());
    let effects = update(
        &mut app,
        Action::FolderRan {
            job,
            report: copy_report(),
            token_refused: false,
        },
    );
    assert!(app.modal.is_none() && effects.is_empty(), "{effects:?}");
}

/// X on a mount's root is refused as `tresor rm -r` refuses it: a folder is deleted, never a whole
/// mount (a jump that lands on the mount must not turn X into "delete everything").
#[test]
fn x_on_a_mount_root_is_refused_and_plans_nothing() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('h'));
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(
        tresor::app::folder::selected_folder(&app).as_deref(),
        Some("secret/"),
        "the mount is selected"
    );
    let effects = press(&mut app, KeyCode::Char('X'));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.modal.is_none());
    assert!(
        status(&app).contains("not a whole mount"),
        "{}",
        status(&app)
    );
}

/// Issue 17 (tester): after a move the tree's cursor jumped to the first mount (the moved folder
/// is gone). It goes to the moved folder's parent once the tree has reloaded.
#[test]
fn after_a_move_the_cursor_is_on_the_moved_folders_parent() {
    use support::fixtures::mount;
    use tresor::vault::folder::{ItemOutcome, ItemReport, Report};
    use tresor::vault::{KvVersion, SecretEngine};
    let mut app = folder_app(SIZE);
    let mut plan = support::folders::copy_plan();
    plan.kind = PlanKind::Move;
    plan.unlistable.clear();
    plan.unreadable.clear();
    let report = Report {
        items: plan
            .items
            .iter()
            .map(|item| ItemReport {
                relative: item.relative.clone(),
                outcome: ItemOutcome::Done { version: Some(1) },
            })
            .collect(),
        ..Report::default()
    };
    planned(&mut app, plan);
    let job = job_of(&press(&mut app, KeyCode::Enter));
    let mut pending = update(
        &mut app,
        Action::FolderRan {
            job,
            report,
            token_refused: false,
        },
    );
    // The runtime's answers: the mounts, then `secret/` without `app/`.
    for _ in 0..5 {
        let mut next = Vec::new();
        for effect in pending {
            let action = match effect {
                Effect::LoadMounts { generation } => Action::MountsLoaded {
                    generation,
                    result: Ok(vec![
                        mount("kv1/", SecretEngine::Kv(KvVersion::V1)),
                        mount("secret/", SecretEngine::Kv(KvVersion::V2)),
                    ]),
                },
                Effect::ListFolder {
                    generation, node, ..
                } => Action::FolderListed {
                    generation,
                    node,
                    result: Ok(vec!["app-copy/".into(), "other".into()]),
                },
                _ => continue,
            };
            next.extend(update(&mut app, action));
        }
        pending = next;
    }
    let selected = app.tree.selected_id().and_then(|id| app.tree.full_path(id));
    assert_eq!(
        selected.as_deref(),
        Some("secret/"),
        "the moved folder's parent"
    );
}
