//! The finder (pure state and one snapshot): `F` and `//` open it and start one crawl a session,
//! paths streaming in are merged into the results best first, typing refilters, Enter jumps to
//! the path in the tree, `R` forgets the paths so the next finder crawls again.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, ctrl, press, render_at, screen_at, type_text};
use tresor::app::finder::CrawlState;
use tresor::app::{Action, App, Effect, Modal, update};

const SIZE: (u16, u16) = (100, 20);

fn found(app: &mut App, generation: u64, paths: &[&str]) {
    update(
        app,
        Action::CrawlFound {
            generation,
            paths: paths.iter().map(|p| p.to_string()).collect(),
        },
    );
}

fn results(app: &App) -> Vec<String> {
    match &app.modal {
        Some(Modal::Finder(finder)) => finder.results.iter().map(|m| m.path.clone()).collect(),
        other => panic!("expected the finder, got {other:?}"),
    }
}

#[test]
fn paths_stream_in_best_first_and_enter_jumps_there() {
    let mut app = connected_app(SIZE);
    let effects = press(&mut app, KeyCode::Char('F'));
    assert_eq!(effects, vec![Effect::CrawlAll { generation: 0 }]);
    assert_eq!(app.paths.state, CrawlState::Running);
    type_text(&mut app, "dbpass");
    found(&mut app, 0, &["secret/app/db-password", "secret/app/api"]);
    assert_eq!(results(&app), vec!["secret/app/db-password"]);
    found(
        &mut app,
        0,
        &["kv1/legacy/db/pass", "secret/ops/dashboard-passwords"],
    );
    let now = results(&app);
    assert_eq!(now.len(), 3, "{now:?}");
    // Merging a batch gives the same order as matching everything afresh.
    let fresh: Vec<String> = tresor::app::finder::best_matches("dbpass", app.paths.paths.iter())
        .into_iter()
        .map(|m| m.path)
        .collect();
    assert_eq!(now, fresh);
    assert_eq!(
        now[2], "secret/ops/dashboard-passwords",
        "scattered letters rank last: {now:?}"
    );
    update(
        &mut app,
        Action::CrawlProgress {
            generation: 0,
            folders: 12,
            skipped: 2,
        },
    );
    // An answer of an older crawl is dropped.
    found(&mut app, 7, &["secret/app/dbpass-stale"]);
    assert_eq!(results(&app).len(), 3);
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
    let text = screen_at(&app, SIZE);
    assert!(
        text.contains("12 folders listed · 2 skipped (permission denied)"),
        "{text}"
    );
    // Backspace widens the match again; an empty pattern lists every path.
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(
        results(&app).len(),
        3,
        "'db' matches the three paths with d...b"
    );
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(results(&app).len(), 4);
    type_text(&mut app, "db");
    // Enter jumps: the tree gets the path, the secret is read.
    press(&mut app, KeyCode::Down);
    let target = results(&app)[1].clone();
    let effects = press(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::ReadSecret { location, .. } if location.display() == target)
        ),
        "{effects:?}"
    );
}

#[test]
fn one_crawl_a_session_until_refresh_and_double_slash_opens_it() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["secret/a"]);
    update(
        &mut app,
        Action::CrawlFinished {
            generation: 0,
            result: Ok(true),
        },
    );
    press(&mut app, KeyCode::Esc);
    // `//` opens it again, with no new crawl.
    press(&mut app, KeyCode::Char('/'));
    let effects = press(&mut app, KeyCode::Char('/'));
    assert!(effects.is_empty(), "cached: {effects:?}");
    assert_eq!(results(&app), vec!["secret/a"]);
    assert!(screen_at(&app, SIZE).contains("done (server-side scan)"));
    press(&mut app, KeyCode::Esc);
    // R forgets: the next finder crawls again, with a new generation.
    press(&mut app, KeyCode::Char('R'));
    let effects = press(&mut app, KeyCode::Char('F'));
    assert_eq!(effects, vec![Effect::CrawlAll { generation: 1 }]);
    found(&mut app, 0, &["secret/old-generation"]);
    assert!(results(&app).is_empty());
}

#[test]
fn a_profile_switch_forgets_the_other_servers_paths() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["secret/prod-only"]);
    press(&mut app, KeyCode::Esc);
    update(
        &mut app,
        Action::ProfileSwitched(Ok(tresor::app::picker::ProfileSwitch {
            name: "dev".into(),
            connection: tresor::app::state::ConnectionView {
                addr: "http://127.0.0.1:8200".into(),
                has_token: true,
                ..Default::default()
            },
            login: Default::default(),
            warnings: Vec::new(),
            nodes: Vec::new(),
        })),
    );
    assert!(app.paths.paths.is_empty());
    let effects = press(&mut app, KeyCode::Char('F'));
    assert_eq!(effects, vec![Effect::CrawlAll { generation: 1 }]);
}

fn best(pattern: &str, paths: &[&str]) -> Vec<String> {
    let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    tresor::app::finder::best_matches(pattern, paths.iter())
        .into_iter()
        .map(|m| m.path)
        .collect()
}

/// The symbols drawn marked (bold yellow) on the screen row that shows `path` (plain text).
fn marked_on_screen(app: &App, path: &str) -> String {
    let terminal = render_at(app, SIZE);
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if row.contains(path) {
            return (0..buffer.area.width)
                .map(|x| &buffer[(x, y)])
                .filter(|cell| {
                    cell.fg == ratatui::style::Color::Yellow
                        && cell.modifier.contains(ratatui::style::Modifier::BOLD)
                        && !cell.symbol().trim().is_empty()
                })
                .map(|cell| cell.symbol().to_string())
                .collect();
        }
    }
    panic!("{path:?} not on screen:\n{}", screen_at(app, SIZE));
}

#[test]
fn the_best_alignment_ranks_first_and_its_characters_are_marked() {
    // `pass` on secret/app/password: the `p` of password (a segment start), not the `p` of app.
    let (_, positions) = tresor::app::finder::fuzzy_match("pass", "secret/app/password").unwrap();
    assert_eq!(positions, vec![11, 12, 13, 14]);
    // Letters scattered over segment starts lose to the word itself.
    assert_eq!(
        best("pass", &["secret/p/a/s/s", "secret/app/password"]),
        vec!["secret/app/password", "secret/p/a/s/s"]
    );
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["secret/app/password"]);
    type_text(&mut app, "pass");
    assert_eq!(marked_on_screen(&app, "secret/app/password"), "pass");
}

#[test]
fn marks_stay_on_the_matched_characters_among_wide_ones() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["秘密/パスワード/db", "secret/🔑token/ab"]);
    type_text(&mut app, "パス");
    // (Found by an ASCII part: a wide character's second cell is blank on the screen.)
    assert_eq!(marked_on_screen(&app, "/db"), "パス");
    for _ in 0..2 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "tokab");
    assert_eq!(marked_on_screen(&app, "token/ab"), "tokab");
}

#[test]
fn smart_case_and_the_fzf_operators() {
    let paths = [
        "secret/app/Password",
        "secret/app/password",
        "kv/old/app",
        "secret/old/app-key",
    ];
    let lower = best("pass", &paths);
    assert_eq!(lower.len(), 2, "lower case matches either case: {lower:?}");
    assert_eq!(
        best("Pass", &paths),
        vec!["secret/app/Password"],
        "an upper case letter: exact case"
    );
    assert_eq!(
        best("^kv", &paths),
        vec!["kv/old/app"],
        "^ anchors at the start"
    );
    assert_eq!(
        best("key$", &paths),
        vec!["secret/old/app-key"],
        "$ anchors at the end"
    );
    assert_eq!(best("'old/", &paths).len(), 2, "' is an exact substring");
    let mut without_old = best("app !old", &paths);
    without_old.sort();
    assert_eq!(
        without_old,
        vec!["secret/app/Password", "secret/app/password"],
        "! excludes"
    );
}

#[test]
fn ctrl_r_in_the_finder_crawls_again_and_the_screen_says_so() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["secret/a", "secret/ab"]);
    update(
        &mut app,
        Action::CrawlFinished {
            generation: 0,
            result: Ok(false),
        },
    );
    type_text(&mut app, "a");
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("Ctrl-r crawls again"), "{screen}");
    assert!(
        !screen.contains(" R crawls again"),
        "R types into the pattern: {screen}"
    );
    assert!(screen.contains("Ctrl-r recrawl"), "the footer: {screen}");

    let effects = ctrl(&mut app, 'r');
    assert_eq!(effects, vec![Effect::CrawlAll { generation: 1 }]);
    assert_eq!(app.paths.state, CrawlState::Running);
    assert!(results(&app).is_empty());
    match &app.modal {
        Some(Modal::Finder(finder)) => assert_eq!(finder.input.text, "a", "the pattern stays"),
        other => panic!("the finder stays open, got {other:?}"),
    }
    found(&mut app, 0, &["secret/stale"]);
    found(&mut app, 1, &["secret/fresh-a"]);
    assert_eq!(results(&app), vec!["secret/fresh-a"]);

    // `R` is a letter of the pattern.
    type_text(&mut app, "R");
    match &app.modal {
        Some(Modal::Finder(finder)) => assert_eq!(finder.input.text, "aR"),
        other => panic!("{other:?}"),
    }
    // The help lists the finder's keys.
    let rows = app.keymap.rows(tresor::app::keymap::Section::FinderKeys);
    assert!(rows.iter().any(|(keys, _, _)| keys == "Ctrl-r"), "{rows:?}");
}

#[test]
fn counts_of_one_read_in_the_singular() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["secret/a"]);
    update(
        &mut app,
        Action::CrawlProgress {
            generation: 0,
            folders: 1,
            skipped: 1,
        },
    );
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("1 path · 1 folder listed · 1 skipped (permission denied)"),
        "{screen}"
    );
}

#[test]
fn a_finished_walk_that_found_nothing_says_so() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    assert!(screen_at(&app, SIZE).contains("no paths yet"));
    update(
        &mut app,
        Action::CrawlFinished {
            generation: 0,
            result: Ok(false),
        },
    );
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("no paths found"), "{screen}");
    assert!(!screen.contains("no paths yet"), "{screen}");
}

/// A pasted pattern (trimmed) filters like a typed one; Esc closes and the paths stay.
#[test]
fn a_pasted_pattern_filters_and_esc_keeps_the_paths() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    found(&mut app, 0, &["secret/app/db-password", "secret/app/api"]);
    assert_eq!(results(&app).len(), 2);
    update(&mut app, Action::Paste("  dbpass\n".into()));
    assert_eq!(results(&app), vec!["secret/app/db-password"]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    assert_eq!(app.paths.paths.len(), 2);
    // Opened again: no second crawl, every path found so far listed.
    let effects = press(&mut app, KeyCode::Char('F'));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(results(&app).len(), 2);
}

/// A walk that could not list the mounts says so in the finder, and F crawls again.
#[test]
fn a_walk_that_cannot_list_the_mounts_says_why() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('F'));
    update(
        &mut app,
        Action::CrawlFinished {
            generation: 0,
            result: Err(tresor::vault::VaultError::Sealed),
        },
    );
    assert!(matches!(app.paths.state, CrawlState::Failed(_)));
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("crawl failed: listing the mounts: the server is sealed"),
        "{screen}"
    );
}
