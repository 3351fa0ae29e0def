//! Snapshots of the folder screens (issue 17): the prompt with another profile, a plan with
//! existing targets, skipped folders and unreadable secrets (CJK and emoji names, widths in
//! display columns), the delete question, the progress bar, the report, a tree comparison with
//! one pair revealed, and a value search with one match revealed.

use crate::support;

use crossterm::event::KeyCode;
use std::time::Duration;
use support::fixtures::{press, render_at, type_text};
use support::folders::{
    copy_plan, copy_report, delete_plan, folder_app, job_of, matches, planned, tree_diff,
};
use tresor::app::picker::ProfileEntry;
use tresor::app::{Action, App, update};
use tresor::vault::folder::{OutcomeKind, Progress};
use tresor::vault::jobs::SharedPlan;

const SIZE: (u16, u16) = (100, 26);

fn text(app: &App) -> String {
    format!("{}", render_at(app, SIZE).backend())
}

#[test]
fn the_copy_prompt_offers_another_profile() {
    let mut app = folder_app(SIZE);
    app.profiles.push(ProfileEntry {
        name: "prod".into(),
        address: "https://vault.prod.example:8200".into(),
        namespace: None,
    });
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    let screen = text(&app);
    assert!(
        screen.contains("‹ prod (its own session and token) ›"),
        "{screen}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn a_plan_names_what_exists_what_is_skipped_and_what_cannot_be_read() {
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    let screen = text(&app);
    assert!(screen.contains("3 new · 2 exist at the target"), "{screen}");
    assert!(screen.contains("secret/app/locked/"), "{screen}");
    assert!(
        screen.contains("3 versions (v2 deleted, v1 destroyed)"),
        "{screen}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

/// Issue 17 (tester): the plan said "8 versions replayed" while the existing targets (3 of
/// those versions) were to be skipped, and "N versions replayed" when every secret was skipped.
/// The count follows the choice for existing targets; a plan that writes nothing says so.
#[test]
fn the_versions_replayed_follow_the_choice_for_existing_targets() {
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    let screen = text(&app);
    assert!(
        screen.contains("3 new · 2 exist at the target · 5 versions replayed"),
        "skipped targets replay nothing: {screen}"
    );
    press(&mut app, KeyCode::Tab);
    let screen = text(&app);
    assert!(
        screen.contains("8 versions replayed"),
        "overwrite: {screen}"
    );
    press(&mut app, KeyCode::Tab);
    let screen = text(&app);
    assert!(
        !screen.contains("replayed") && screen.contains("Nothing will be written"),
        "abort: {screen}"
    );

    let mut app = folder_app(SIZE);
    let mut plan = copy_plan();
    for item in &mut plan.items {
        item.target = tresor::vault::folder::TargetState::Versioned { current: 1 };
    }
    planned(&mut app, plan);
    let screen = text(&app);
    assert!(
        !screen.contains("replayed"),
        "every secret skipped: nothing replayed: {screen}"
    );
    assert!(
        screen
            .contains("Nothing will be written: all 5 secrets exist at the target and are skipped"),
        "{screen}"
    );
}

/// Issue 17 (tester): at 80 columns the move plan's lines were cut ("(one that does not is
/// ke"). Header lines wrap at spaces; nothing needed is lost.
#[test]
fn a_move_plan_at_80_columns_says_everything() {
    const NARROW: (u16, u16) = (80, 24);
    let mut app = folder_app(NARROW);
    let mut plan = copy_plan();
    plan.kind = tresor::vault::folder::PlanKind::Move;
    press(&mut app, KeyCode::Char('M'));
    type_text(&mut app, "-moved");
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::FolderPlanned {
            job,
            result: Ok(SharedPlan::new(plan)),
        },
    );
    press(&mut app, KeyCode::Tab);
    let screen = format!("{}", render_at(&app, NARROW).backend());
    assert!(screen.contains("(one that does not is"), "{screen}");
    assert!(screen.contains("kept)."), "{screen}");
    assert!(
        screen.contains("saw) ›") && screen.contains("(Tab changes)"),
        "the choice is whole: {screen}"
    );
    insta::assert_snapshot!(render_at(&app, NARROW).backend());
}

/// Issue 17 (tester): the planning text ("12 secrets · 3 folders listed", "looked at 10 of 50")
/// did not say what was being done. It says the step, what it does and how far it is.
#[test]
fn planning_says_what_it_is_doing_with_a_count() {
    const NARROW: (u16, u16) = (80, 24);
    let mut app = folder_app(NARROW);
    press(&mut app, KeyCode::Char('c'));
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::FolderProgress {
            job,
            progress: Progress::Listing {
                secrets: 4_200,
                folders: 50,
            },
        },
    );
    let screen = format!("{}", render_at(&app, NARROW).backend());
    assert!(
        screen.contains("Step 1 of 2: listing the secrets below secret/app/"),
        "{screen}"
    );
    assert!(
        screen.contains("4200 secrets in 50 folders so far"),
        "{screen}"
    );
    update(
        &mut app,
        Action::FolderProgress {
            job,
            progress: Progress::Checking {
                checked: 1_000,
                total: 5_000,
            },
        },
    );
    let screen = format!("{}", render_at(&app, NARROW).backend());
    assert!(
        screen.contains("Step 1 of 2: listed 5000 secrets"),
        "{screen}"
    );
    assert!(
        screen.contains("Step 2 of 2: checking what is at the target"),
        "{screen}"
    );
    assert!(screen.contains("1000 of 5000 secrets (20%)"), "{screen}");
    assert!(!screen.contains("looked at"), "{screen}");
    insta::assert_snapshot!(render_at(&app, NARROW).backend());
}

#[test]
fn deleting_a_tree_asks_for_its_path() {
    let mut app = folder_app(SIZE);
    let job = job_of(&press(&mut app, KeyCode::Char('X')));
    update(
        &mut app,
        Action::FolderPlanned {
            job,
            result: Ok(SharedPlan::new(delete_plan())),
        },
    );
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "secret/ap");
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn the_progress_bar_counts_rate_and_time_left() {
    let mut app = folder_app(SIZE);
    planned(&mut app, copy_plan());
    update(&mut app, Action::Tick(Duration::from_secs(1)));
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(&mut app, Action::Tick(Duration::from_secs(5)));
    update(
        &mut app,
        Action::FolderProgress {
            job,
            progress: Progress::Item {
                done: 1_200,
                total: 5_000,
                path: "secret/app-copy/payments/支付密钥".into(),
                outcome: OutcomeKind::Failed,
            },
        },
    );
    let screen = text(&app);
    assert!(
        screen.contains("1200 / 5000 · 24% · 300.0/s · 12s left · 4s elapsed"),
        "{screen}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn the_report_lists_failures_first_with_their_reasons() {
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
    // The failure, with its reason in full under the list.
    press(&mut app, KeyCode::Char('j'));
    let screen = text(&app);
    assert!(
        screen.contains("internal error"),
        "the whole reason: {screen}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn a_tree_comparison_reveals_only_the_selected_pair() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('='));
    for _ in 0.."app/".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "prod/");
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::FoldersDiffed {
            job,
            result: Ok(tree_diff()),
        },
    );
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('s'));
    let screen = text(&app);
    assert!(screen.contains("hunter2 → correct-horse"), "{screen}");
    assert!(
        !screen.contains("app_rw"),
        "the other changed pair stays masked: {screen}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn a_value_search_shows_matches_masked_but_the_revealed_one() {
    let mut app = folder_app(SIZE);
    press(&mut app, KeyCode::Char('V'));
    type_text(&mut app, "leaked-AKIA123");
    let screen = text(&app);
    assert!(
        !screen.contains("leaked") && screen.contains("••••••••••••••"),
        "the typed string is masked: {screen}"
    );
    let job = job_of(&press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Action::ValuesFound {
            job,
            matches: matches(),
        },
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('s'));
    let screen = text(&app);
    assert!(screen.contains("leaked-AKIA123"), "{screen}");
    assert!(
        !screen.contains("postgres://"),
        "the other match stays masked: {screen}"
    );
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

/// Issue 17 (tester): the refusal of a lossy move named one secret and a count. The prompt
/// names, one a line, as many as fit with what each would lose, then "and N more".
#[test]
fn a_refused_lossy_move_names_what_each_secret_would_lose() {
    use tresor::vault::folder::{FolderError, Lost};
    const NARROW: (u16, u16) = (80, 24);
    let mut app = folder_app(NARROW);
    press(&mut app, KeyCode::Char('M'));
    type_text(&mut app, "-flat");
    let job = job_of(&press(&mut app, KeyCode::Enter));
    let lost = (1..=30)
        .map(|n| Lost {
            path: format!("secret/app/s{n:02}"),
            older_versions: n % 3,
            custom_metadata: usize::from(n % 3 == 0),
        })
        .collect();
    update(
        &mut app,
        Action::FolderPlanned {
            job,
            result: Err(FolderError::LossyMove {
                into: "kv1/flat/".into(),
                lost,
            }),
        },
    );
    let screen = format!("{}", render_at(&app, NARROW).backend());
    assert!(
        screen.contains("what 30 secrets cannot take along"),
        "{screen}"
    );
    assert!(
        screen.contains("secret/app/s01: 1 older version "),
        "{screen}"
    );
    assert!(
        screen.contains("secret/app/s03: custom metadata (1 key)"),
        "{screen}"
    );
    let shown = (1..=30)
        .filter(|n| screen.contains(&format!("secret/app/s{n:02}:")))
        .count();
    assert!(shown >= 5, "as many as fit: {screen}");
    assert!(
        screen.contains(&format!("and {} more", 30 - shown)),
        "{screen}"
    );
    insta::assert_snapshot!(render_at(&app, NARROW).backend());
}

/// Issue 17 (tester): a secret whose latest version is deleted was planned as "new" and failed
/// at run time. The plan names it as left out ("no data"), not as one the token may not read.
#[test]
fn a_plan_names_a_secret_whose_latest_version_is_deleted() {
    let mut app = folder_app(SIZE);
    let mut plan = copy_plan();
    plan.unreadable = vec![tresor::vault::folder::Unreadable {
        path: "secret/app/gone".into(),
        reason: tresor::vault::folder::latest_gone_reason(
            "the latest version (v4) is deleted",
            false,
        ),
    }];
    planned(&mut app, plan);
    let screen = text(&app);
    assert!(
        screen.contains("1 secret whose latest version is deleted or"),
        "{screen}"
    );
    assert!(!screen.contains("may not read"), "{screen}");
    assert!(screen.contains("no data"), "{screen}");
    assert!(
        screen.contains("the latest version (v4) is deleted"),
        "{screen}"
    );
}

/// Issue 17 (tester): the move form offered "[ ] every version ... otherwise the latest only",
/// unticked, while a move always takes the history along. It says so, ticked and fixed, and Tab
/// never lands on it.
#[test]
fn the_move_form_says_every_version_goes_along() {
    const NARROW: (u16, u16) = (80, 24);
    let mut app = folder_app(NARROW);
    press(&mut app, KeyCode::Char('M'));
    let screen = format!("{}", render_at(&app, NARROW).backend());
    assert!(!screen.contains("[ ] every version"), "{screen}");
    assert!(!screen.contains("otherwise the latest only"), "{screen}");
    assert!(
        screen.contains("[x] every version goes along: a move keeps the history"),
        "{screen}"
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    let screen = format!("{}", render_at(&app, NARROW).backend());
    assert!(screen.contains("› [x] custom metadata"), "{screen}");
    insta::assert_snapshot!(render_at(&app, NARROW).backend());
}

/// Issue 17 (tester): at 80x24 the footer with a folder selected was cut ("q q"). Hints that do
/// not fit are left out whole (`?` lists every key), and the last one (quit) is kept.
#[test]
fn the_folder_footer_fits_80_columns() {
    const NARROW: (u16, u16) = (80, 24);
    let app = folder_app(NARROW);
    let screen = format!("{}", render_at(&app, NARROW).backend());
    let footer = screen.lines().last().expect("a footer").to_string();
    assert!(footer.contains("? help"), "{footer}");
    assert!(
        footer.trim_end_matches([' ', '"']).ends_with("quit"),
        "{footer}"
    );
    insta::assert_snapshot!(render_at(&app, NARROW).backend());
}
