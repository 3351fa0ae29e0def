//! The Data tab of the secret pane: the selected value's rows are prepared once and reused by every
//! frame, scrolling stops at the value's end, and columns line up by display width (wide keys).

use crate::support;

use crossterm::event::KeyCode;
use serde_json::{Value, json};
use support::fixtures::{answer, connected_app, ctrl, open, press, render_at, screen_at};
use tresor::app::{Action, App, update};
use tresor::vault::SecretCapabilities;

const SIZE: (u16, u16) = (100, 24);

fn app_with(size: (u16, u16), data: Value) -> App {
    let mut app = connected_app(size);
    let mut effects = open(&mut app, "secret/app/x");
    while !effects.is_empty() {
        effects = answer(&mut app, effects, &SecretCapabilities::unknown(), &|_| {
            data.clone()
        });
    }
    press(&mut app, KeyCode::Tab);
    app
}

/// The screen column where `needle` starts on row `y` (by cells, so wide characters count two).
fn column_of(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>, needle: &str) -> u16 {
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let mut rest = needle;
            let mut cx = x;
            while let Some(c) = rest.chars().next()
                && cx < buffer.area.width
                && buffer[(cx, y)].symbol() == c.to_string()
            {
                rest = &rest[c.len_utf8()..];
                cx += 1;
            }
            if rest.is_empty() {
                return x;
            }
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn a_revealed_value_is_cut_into_rows_once_not_on_every_frame() {
    let big = "x".repeat(2_000_000);
    let mut app = app_with(SIZE, json!({"big": big, "small": "s"}));
    assert_eq!(app.secret.detail_rows.prepared, 0, "masked: nothing to cut");
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.secret.detail_rows.prepared, 1);
    let (width, _) = app.detail_size();
    assert!(app.secret.prepared_rows(width).is_some());
    // Frames and ticks reuse them.
    for n in 1..=5u64 {
        render_at(&app, SIZE);
        update(
            &mut app,
            Action::Tick(std::time::Duration::from_millis(100 * n)),
        );
    }
    assert_eq!(
        app.secret.detail_rows.prepared, 1,
        "a frame re-cut the value"
    );
    // Scrolling reuses them too.
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.secret.detail_rows.prepared, 1);
    // A new width cuts again, once.
    update(&mut app, Action::Resize(120, 30));
    render_at(&app, (120, 30));
    update(&mut app, Action::Tick(std::time::Duration::from_secs(1)));
    assert_eq!(app.secret.detail_rows.prepared, 2);
    // Another key: its rows.
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.secret.detail_rows.prepared, 3);
    let screen = screen_at(&app, (120, 30));
    assert!(screen.contains("── small ──"), "{screen}");
}

#[test]
fn page_down_does_not_move_a_value_that_fits_and_stops_at_the_end() {
    let mut app = app_with(SIZE, json!({"short": "one\ntwo\nthree"}));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.secret.detail_scroll, 0, "a value that fits scrolled");
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("one") && screen.contains("three"),
        "{screen}"
    );
    assert!(
        !screen.contains("rows "),
        "no position for a value that fits"
    );

    let long: Vec<String> = (1..=200).map(|n| format!("line {n}")).collect();
    let mut app = app_with(SIZE, json!({"long": long.join("\n")}));
    press(&mut app, KeyCode::Char('s'));
    for _ in 0..100 {
        press(&mut app, KeyCode::PageDown);
    }
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("line 200"),
        "the end is on screen: {screen}"
    );
    let (_, height) = app.detail_size();
    let shown = height as usize - 2;
    let first = 200 - shown + 1;
    assert!(
        screen.contains(&format!("rows {first}-200 of 200 (PgUp/PgDn)")),
        "{screen}"
    );
    press(&mut app, KeyCode::PageUp);
    assert_eq!(
        app.secret.detail_scroll,
        200 - shown - (height as usize - 2)
    );
}

#[test]
fn wide_keys_keep_the_value_column_aligned() {
    let mut app = app_with(
        SIZE,
        json!({"plain": "value-plain", "秘密キー": "value-cjk", "🔑token": "value-emoji"}),
    );
    press(&mut app, KeyCode::Char('s'));
    let terminal = render_at(&app, SIZE);
    let plain = column_of(&terminal, "value-plain");
    assert_eq!(column_of(&terminal, "value-cjk"), plain);
    assert_eq!(column_of(&terminal, "value-emoji"), plain);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn wide_keys_line_up_in_the_diff() {
    let data = |version: u64| {
        json!({"plain": format!("plain-{version}"), "秘密キー": format!("cjk-{version}"),
               "🔑token": format!("emoji-{version}")})
    };
    let mut app = connected_app(SIZE);
    let mut effects = open(&mut app, "secret/app/x");
    while !effects.is_empty() {
        effects = answer(&mut app, effects, &SecretCapabilities::unknown(), &data);
    }
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('s'));
    let mut effects = press(&mut app, KeyCode::Char('4'));
    while !effects.is_empty() {
        effects = answer(&mut app, effects, &SecretCapabilities::unknown(), &data);
    }
    let terminal = render_at(&app, SIZE);
    let plain = column_of(&terminal, "plain-26");
    assert_eq!(column_of(&terminal, "cjk-26"), plain);
    assert_eq!(column_of(&terminal, "emoji-26"), plain);
    let plain = column_of(&terminal, "plain-27");
    assert_eq!(column_of(&terminal, "cjk-27"), plain);
    assert_eq!(column_of(&terminal, "emoji-27"), plain);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_title_counts_the_keys_and_slash_filters_them() {
    let keys: serde_json::Map<String, Value> = (0..300)
        .map(|n| (format!("key-{n:03}"), json!(format!("value {n}"))))
        .collect();
    let mut app = app_with(SIZE, Value::Object(keys));
    assert!(screen_at(&app, SIZE).contains("secret/app/x · 300 keys"));
    press(&mut app, KeyCode::Char('/'));
    assert!(
        app.filter_input.is_none(),
        "/ filtered the tree, not the keys"
    );
    support::fixtures::type_text(&mut app, "KEY-29");
    assert_eq!(app.secret.listed_entries().len(), 10);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("/KEY-29  10 of 300 match"), "{screen}");
    assert!(screen.contains("── key-291 ──"), "{screen}");
    insta::assert_snapshot!(screen);
    // Moving stays among the matches; Esc clears the filter and keeps the selection.
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.secret.selected, 299);
    press(&mut app, KeyCode::Esc);
    assert!(app.secret.key_filter().is_empty());
    assert_eq!(app.secret.selected, 299);
    // One key: "1 key".
    let app = app_with(SIZE, json!({"only": "v"}));
    assert!(screen_at(&app, SIZE).contains("secret/app/x · 1 key "));
}

#[test]
fn a_long_status_message_wraps_instead_of_being_cut() {
    let mut app = app_with(SIZE, json!({"k": "v"}));
    let message = "cannot reach the server: error sending request for url \
                   (https://vault.example.com:8200/v1/secret/data/app/x): client error (Connect): \
                   tcp connect error: Connection refused (os error 111)";
    app.set_status(tresor::app::StatusKind::Error, message);
    let screen = screen_at(&app, SIZE);
    let joined: String = screen
        .lines()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|line| line.trim_matches('"'))
        .collect();
    assert!(
        joined.contains("Connection refused (os error 111)"),
        "the cause was cut: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn a_child_folder_is_indented_deeper_than_its_parents_leaves() {
    let mut app = connected_app(SIZE);
    let mut listings = vec![vec!["a/", "top"], vec!["b/", "inner"]];
    // secret/ (second mount), then its child a/.
    for _ in 0..2 {
        press(&mut app, KeyCode::Char('j'));
        let effects = press(&mut app, KeyCode::Enter);
        let Some(tresor::app::Effect::ListFolder { node, .. }) = effects.first() else {
            panic!("expanding lists: {effects:?}");
        };
        let generation = app.tree.generation;
        update(
            &mut app,
            Action::FolderListed {
                generation,
                node: *node,
                result: Ok(listings.remove(0).into_iter().map(String::from).collect()),
            },
        );
    }
    let screen = screen_at(&app, SIZE);
    let column = |needle: &str| {
        screen
            .lines()
            .find_map(|line| line.find(needle).map(|i| line[..i].chars().count()))
            .unwrap_or_else(|| panic!("{needle} not on screen: {screen}"))
    };
    // b/ is a child of a/; top is a leaf beside a/: b/'s marker is clearly deeper than top.
    assert!(column("▸ b/") >= column("top") + 2, "{screen}");
    assert!(column("inner") > column("top"), "{screen}");
}

#[test]
fn a_text_input_deletes_a_whole_grapheme_and_draws_its_cursor_after_wide_text() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('/'));
    support::fixtures::type_text(&mut app, "秘e\u{301}");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(
        app.tree.filter, "秘",
        "one Backspace removes e and its accent"
    );
    support::fixtures::type_text(&mut app, "x");
    press(&mut app, KeyCode::Left);
    let terminal = render_at(&app, SIZE);
    // The cursor bar is drawn right after 秘 (two columns wide), before x.
    assert_eq!(column_of(&terminal, "▏x"), column_of(&terminal, "/秘") + 3);
}

#[test]
fn why_the_selected_folder_failed_is_shown_in_full_in_the_tree() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Enter);
    let Some(tresor::app::Effect::ListFolder { node, .. }) = effects.first() else {
        panic!("expanding lists: {effects:?}");
    };
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::FolderListed {
            generation,
            node: *node,
            result: Err(tresor::vault::VaultError::Network(
                "error sending request for url (https://vault.example.com:8200/v1/secret/\
                 metadata/?list=true): tcp connect error: Connection refused (os error 111)"
                    .into(),
            )),
        },
    );
    app.status = None;
    let screen = screen_at(&app, SIZE);
    let tree_text: String = screen
        .lines()
        .map(|line| {
            line.trim_matches('"')
                .chars()
                .skip(1)
                .take(38)
                .collect::<String>()
        })
        .collect();
    assert!(
        tree_text.contains("(os error 111)"),
        "the cause is cut off in the tree: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn the_form_shows_a_window_of_a_large_value_around_the_cursor() {
    let mut app = app_with((100, 40), json!({"k": "v"}));
    press(&mut app, KeyCode::Char('e'));
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::Tab);
    // 2 000 lines, one of them 1 MB long, pasted after "v": the cursor ends on the last line.
    let mut value: Vec<String> = (1..=2000).map(|n| format!("line {n}")).collect();
    value[1996] = "y".repeat(1_000_000);
    update(&mut app, Action::Paste(format!("\n{}", value.join("\n"))));
    let screen = screen_at(&app, (100, 40));
    assert!(screen.contains("⋯ more lines above"), "{screen}");
    assert!(screen.contains("line 2000▏"), "{screen}");
    assert!(!screen.contains("line 1993"), "{screen}");
    assert!(screen.contains("line 1994"), "{screen}");
    // The long line is cut, not wrapped over the whole dialog.
    assert!(screen.contains("yyyy…"), "{screen}");
}

#[test]
fn the_jump_prompt_draws_its_cursor_where_it_is() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char(':'));
    ctrl(&mut app, 'u');
    support::fixtures::type_text(&mut app, "秘/x");
    press(&mut app, KeyCode::Left);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("/▏x"), "{screen}");
}
