//! Folder screens (issue 17) for the state and snapshot tests: an app with a folder selected in
//! the tree, and plans, reports, comparisons and matches built as the engine would give them.

use super::fixtures::{connected_app, kv2, open, press};
use crossterm::event::KeyCode;
use tresor::app::folder::{FolderScreen, Stage};
use tresor::app::state::{Focus, Modal};
use tresor::app::{Action, App, Effect, update};
use tresor::config::ConnectionSettings;
use tresor::secret::SecretText;
use tresor::vault::VaultClient;
use tresor::vault::folder::{
    ChangedKey, GrepMatch, ItemOutcome, ItemReport, Origin, Plan, PlanItem, PlanKind, PlanOptions,
    Report, SecretDiff, SkipReason, TargetState, TreeDiff, TreeRef, Unreadable, VersionStep,
};
use tresor::vault::jobs::{JobId, SharedPlan};

/// Connected; `secret/app/` (holding `db`) open in the tree and selected, the tree focused.
pub fn folder_app(size: (u16, u16)) -> App {
    let mut app = connected_app(size);
    open(&mut app, "secret/app/db");
    app.focus = Focus::Tree;
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(
        tresor::app::folder::selected_folder(&app).as_deref(),
        Some("secret/app/"),
        "the folder is selected"
    );
    app
}

pub fn tree(prefix: &str) -> TreeRef {
    let settings = ConnectionSettings {
        addr: "http://127.0.0.1:8200".into(),
        ..ConnectionSettings::default()
    };
    TreeRef::new(
        VaultClient::new(&settings).expect("client"),
        kv2("secret/"),
        prefix,
    )
}

fn item(relative: &str, target: TargetState, versions: Vec<VersionStep>) -> PlanItem {
    PlanItem {
        relative: relative.into(),
        target,
        versions,
    }
}

/// A copy of `secret/app/` to `secret/app-copy/` with every version: 3 new, 2 existing
/// (CJK and emoji names among them), one folder the token may not list, one unreadable secret.
pub fn copy_plan() -> Plan {
    Plan::new(
        PlanKind::Copy,
        Origin::Tree(tree("app/")),
        tree("app-copy/"),
        PlanOptions {
            all_versions: true,
            ..PlanOptions::default()
        },
        vec![
            item(
                "db",
                TargetState::Absent,
                vec![
                    VersionStep::Destroyed(1),
                    VersionStep::Deleted(2),
                    VersionStep::Live(3),
                ],
            ),
            item(
                "payments/支付密钥",
                TargetState::Versioned { current: 4 },
                vec![VersionStep::Live(1)],
            ),
            item(
                "rocket 🚀/launch codes",
                TargetState::Absent,
                vec![VersionStep::Live(1)],
            ),
            item(
                "team/api",
                TargetState::Versioned { current: 2 },
                vec![VersionStep::Live(1), VersionStep::Live(2)],
            ),
            item("zeta", TargetState::Absent, vec![VersionStep::Live(1)]),
        ],
        vec!["secret/app/locked/".into()],
        vec![Unreadable {
            path: "secret/app/hidden".into(),
            reason: "permission denied: read on secret/data/app/hidden".into(),
        }],
    )
}

/// Delete of everything below `secret/app/`.
pub fn delete_plan() -> Plan {
    Plan::new(
        PlanKind::Delete,
        Origin::Nothing,
        tree("app/"),
        PlanOptions::default(),
        vec![
            item("db", TargetState::Versioned { current: 3 }, vec![]),
            item("ключ", TargetState::Versioned { current: 1 }, vec![]),
        ],
        vec![],
        vec![],
    )
}

/// How a run of [`copy_plan`] ended: db and zeta done, the CJK one skipped (exists), the rocket
/// failed, team/api a conflict.
pub fn copy_report() -> Report {
    let outcome = |relative: &str, outcome| ItemReport {
        relative: relative.into(),
        outcome,
    };
    Report {
        items: vec![
            outcome("db", ItemOutcome::Done { version: Some(3) }),
            outcome("payments/支付密钥", ItemOutcome::Skipped(SkipReason::Exists)),
            outcome(
                "rocket 🚀/launch codes",
                ItemOutcome::Failed("server error 500 on secret/data/app-copy/rocket 🚀/launch codes: internal error".into()),
            ),
            outcome(
                "team/api",
                ItemOutcome::Conflict("secret/app-copy/team/api changed since the plan (now v3, the plan saw v2)".into()),
            ),
            outcome("zeta", ItemOutcome::Done { version: Some(1) }),
        ],
        cancelled: false,
        unlistable: vec!["secret/app/locked/".into()],
        unreadable: vec![],
    }
}

pub fn tree_diff() -> TreeDiff {
    TreeDiff {
        only_left: vec!["old-service".into()],
        only_right: vec!["新服务/token".into()],
        changed: vec![SecretDiff {
            relative: "db".into(),
            added: vec!["port".into()],
            removed: vec!["legacy_dsn".into()],
            changed: vec![
                ChangedKey {
                    key: "password".into(),
                    left: SecretText::new("hunter2"),
                    right: SecretText::new("correct-horse"),
                },
                ChangedKey {
                    key: "user 🙂".into(),
                    left: SecretText::new("app"),
                    right: SecretText::new("app_rw"),
                },
            ],
        }],
        same: 7,
        unlistable: vec![],
        unreadable: vec![],
    }
}

pub fn matches() -> Vec<GrepMatch> {
    vec![
        GrepMatch {
            path: "secret/app/db".into(),
            key: "dsn".into(),
            value: SecretText::new("postgres://app:leaked-AKIA123@db:5432"),
        },
        GrepMatch {
            path: "secret/app/支付/网关".into(),
            key: "api_key".into(),
            value: SecretText::new("leaked-AKIA123"),
        },
    ]
}

/// The open folder screen.
pub fn screen(app: &App) -> &FolderScreen {
    match &app.modal {
        Some(Modal::Folder(screen)) => screen,
        other => panic!("no folder screen: {other:?}"),
    }
}

pub fn stage(app: &App) -> &Stage {
    &screen(app).stage
}

/// The job a folder effect starts (StartFolderJob or RunFolderPlan).
pub fn job_of(effects: &[Effect]) -> JobId {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::StartFolderJob { job, .. } | Effect::RunFolderPlan { job, .. } => Some(*job),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no folder job among {effects:?}"))
}

/// `c` on the folder, Enter on the prompt, and the plan answered: the plan view.
pub fn planned(app: &mut App, plan: Plan) -> Vec<Effect> {
    press(app, KeyCode::Char('c'));
    let effects = press(app, KeyCode::Enter);
    let job = job_of(&effects);
    update(
        app,
        Action::FolderPlanned {
            job,
            result: Ok(SharedPlan::new(plan)),
        },
    )
}
