//! The finder (pure state and one snapshot): `F` and `//` open it and start one crawl a session,
//! paths streaming in are merged into the results best first, typing refilters, Enter jumps to
//! the path in the tree, `R` forgets the paths so the next finder crawls again.

mod support;

use crossterm::event::KeyCode;
use support::fixtures::{connected_app, press, render_at, screen_at, type_text};
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
