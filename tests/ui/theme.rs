//! Themes and NO_COLOR: the screen without colour (a snapshot), per-cell checks that the light
//! and high-contrast themes differ from the dark one where colour carries a role, and that
//! every state a colour marks also has a word or symbol, so it reads the same without colour.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use std::time::Duration;
use support::fixtures::{cell_at, history_app, press, render_at, screen_at};
use tresor::app::{Action, App, StatusKind, update};
use tresor::config::appearance::{Appearance, ThemeName};
use tresor::vault::{SealStatus, SecretCapabilities, TokenInfo};

const SIZE: (u16, u16) = (110, 26);

/// The appearance as the runtime builds it: the config's theme, `NO_COLOR` from the environment.
fn appearance(theme: ThemeName, no_color: Option<&str>) -> Appearance {
    let no_color = no_color.map(str::to_string);
    Appearance::new(theme, &move |name| {
        (name == "NO_COLOR").then(|| no_color.clone()).flatten()
    })
}

/// A secret open (values masked), a token with two minutes left, and a sealed server.
fn main_screen() -> App {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    update(
        &mut app,
        Action::TokenLookedUp(Ok(TokenInfo {
            namespace: None,
            display_name: "userpass-ana".into(),
            policies: vec!["default".into()],
            ttl_seconds: 3600,
            renewable: false,
            creation_ttl: 3600,
            expires: true,
            uses_left: None,
        })),
    );
    update(&mut app, Action::Tick(Duration::from_secs(3600 - 120)));
    update(
        &mut app,
        Action::SealStatusLoaded(Ok(SealStatus {
            sealed: true,
            threshold: 3,
            shares: 5,
            progress: 1,
            ..support::fixtures::unsealed()
        })),
    );
    // The Seal screen opens by itself on the next tick: this is the moment before.
    assert!(app.modal.is_none());
    app
}

fn assert_no_colour(app: &App, what: &str) {
    let terminal = render_at(app, SIZE);
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "{what}: a colour at ({x}, {y}) {:?} under NO_COLOR",
                cell.symbol()
            );
        }
    }
}

#[test]
fn no_color_main_screen_with_a_masked_value_a_low_ttl_and_a_sealed_server() {
    let mut app = main_screen();
    app.appearance = appearance(ThemeName::Dark, Some("1"));
    let screen = screen_at(&app, SIZE);
    // The words that say what the colours said.
    assert!(screen.contains("VALUE (masked)"), "{screen}");
    assert!(screen.contains("2m 00s (low)"), "{screen}");
    assert!(screen.contains("SEALED 1/3"), "{screen}");
    insta::assert_snapshot!(screen);
    assert_no_colour(&app, "main screen");
    // The selection and the warnings stay visible: reversed instead of a background colour.
    let terminal = render_at(&app, SIZE);
    for (needle, offset) in [
        ("SEALED", 0),
        ("2m 00s", 0),
        ("›          rotating", 11),
        (" tresor ", 0),
    ] {
        let cell = cell_at(&terminal, needle, offset);
        assert!(
            cell.modifier.contains(Modifier::REVERSED),
            "{needle} is reversed: {cell:?}"
        );
    }
    // The selection in the pane without the keys is underlined: focus shows without colour.
    let elsewhere = cell_at(&terminal, "›stable", 1);
    assert!(
        elsewhere.modifier.contains(Modifier::UNDERLINED)
            && !elsewhere.modifier.contains(Modifier::REVERSED),
        "{elsewhere:?}"
    );
}

#[test]
fn no_color_leaves_no_colour_on_any_screen() {
    for theme in ThemeName::ALL {
        let mut app = main_screen();
        app.appearance = appearance(theme, Some("yes"));
        assert_no_colour(&app, "masked");
        press(&mut app, KeyCode::Char('s'));
        assert!(screen_at(&app, SIZE).contains("tok-27"), "revealed");
        assert_no_colour(&app, "revealed");
        app.set_status(StatusKind::Error, "Could not save secret/x: denied");
        assert_no_colour(&app, "an error");
        app.status = None;
        for key in ['?', 'S', 'F'] {
            press(&mut app, KeyCode::Char(key));
            assert_no_colour(&app, &format!("after {key}"));
            press(&mut app, KeyCode::Esc);
        }
    }
}

#[test]
fn an_empty_no_color_keeps_the_colours() {
    let mut app = main_screen();
    app.appearance = appearance(ThemeName::Dark, Some(""));
    let terminal = render_at(&app, SIZE);
    assert_eq!(cell_at(&terminal, "SEALED", 0).bg, Color::Yellow);
}

#[test]
fn light_and_high_contrast_differ_from_dark_where_colour_has_a_role_and_say_the_same() {
    let drawn = |theme: ThemeName| {
        let mut app_in = main_screen();
        press(&mut app_in, KeyCode::Char('s'));
        app_in.appearance = appearance(theme, None);
        (render_at(&app_in, SIZE), screen_at(&app_in, SIZE))
    };
    let (dark, dark_text) = drawn(ThemeName::Dark);
    // The dark theme is the one the other snapshot tests check.
    assert_eq!(cell_at(&dark, "tok-27", 0).fg, Color::Yellow);
    assert_eq!(cell_at(&dark, "2m 00s", 0).bg, Color::Yellow);
    assert_eq!(cell_at(&dark, " tresor ", 0).bg, Color::Cyan);
    for theme in [ThemeName::Light, ThemeName::HighContrast] {
        let (other, text) = drawn(theme);
        assert_eq!(
            text, dark_text,
            "{theme:?}: the same words, only colours differ"
        );
        for (needle, what) in [
            ("tok-27", "a revealed value"),
            (" tresor ", "the badge"),
            ("token   tok", "a key"),
            ("›stable", "the selection in the pane without focus"),
            ("──", "the focused pane's border"),
        ] {
            let (a, b) = (cell_at(&dark, needle, 0), cell_at(&other, needle, 0));
            assert_ne!((a.fg, a.bg), (b.fg, b.bg), "{theme:?}: {what} ({needle})");
        }
        // Every theme keeps the warning a block of its own.
        assert_ne!(cell_at(&other, "2m 00s", 0).bg, Color::Reset, "{theme:?}");
    }
    let (light, _) = drawn(ThemeName::Light);
    for needle in ["tok-27", "stable"] {
        let fg = cell_at(&light, needle, 0).fg;
        assert!(
            !matches!(fg, Color::Yellow | Color::Cyan | Color::LightYellow),
            "light: {needle} is not yellow or cyan text on white ({fg:?})"
        );
    }
    let (contrast, _) = drawn(ThemeName::HighContrast);
    let buffer = contrast.backend().buffer();
    for cell in buffer.content() {
        assert_ne!(cell.fg, Color::DarkGray, "high contrast: no dark grey text");
    }
}

#[test]
fn status_line_errors_and_warnings_have_a_symbol_not_only_a_colour() {
    let mut app = main_screen();
    app.appearance = appearance(ThemeName::Dark, Some("1"));
    for (kind, shown) in [
        (StatusKind::Error, " ✗ Could not save secret/x"),
        (StatusKind::Warning, " ! Could not save secret/x"),
        (StatusKind::Info, " Could not save secret/x"),
    ] {
        app.set_status(kind, "Could not save secret/x");
        let screen = screen_at(&app, SIZE);
        let last = screen.lines().last().unwrap_or_default();
        assert!(last.starts_with(&format!("\"{shown}")), "{kind:?}: {last}");
    }
}

#[test]
fn a_low_count_of_uses_says_low_too() {
    let mut app = main_screen();
    update(
        &mut app,
        Action::TokenLookedUp(Ok(TokenInfo {
            namespace: None,
            display_name: "batch".into(),
            policies: vec!["default".into()],
            ttl_seconds: 0,
            renewable: false,
            creation_ttl: 0,
            expires: false,
            uses_left: Some(2),
        })),
    );
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("≤2 uses left (low)"), "{screen}");
}

#[test]
fn the_focused_toggle_of_the_metadata_form_shows_without_colour() {
    let mut app = history_app(SIZE, &SecretCapabilities::unknown());
    app.appearance = appearance(ThemeName::Dark, Some("1"));
    press(&mut app, KeyCode::Char('m'));
    let toggle = |app: &App| cell_at(&render_at(app, SIZE), "[ ] required", 0);
    assert!(!toggle(&app).modifier.contains(Modifier::REVERSED));
    // max versions, then check-and-set.
    press(&mut app, KeyCode::Tab);
    assert!(
        toggle(&app).modifier.contains(Modifier::REVERSED),
        "focused, it is not told apart by colour alone: {:?}",
        toggle(&app)
    );
}

/// Too alike to read: the same colour, or two light ones (yellow on white).
fn illegible(fg: Color, bg: Color) -> bool {
    use Color::*;
    let light = |c: Color| {
        matches!(
            c,
            White
                | Gray
                | Yellow
                | LightYellow
                | Cyan
                | LightCyan
                | LightGreen
                | LightBlue
                | LightMagenta
                | LightRed
        )
    };
    bg != Reset && (fg == bg || (light(fg) && light(bg)))
}

#[test]
fn every_theme_keeps_text_readable_on_the_selected_row() {
    for theme in ThemeName::ALL {
        let mut app = main_screen();
        app.appearance = appearance(theme, None);
        let check = |app: &App, what: &str| {
            let terminal = render_at(app, SIZE);
            let buffer = terminal.backend().buffer();
            for y in 0..buffer.area.height {
                for x in 0..buffer.area.width {
                    let cell = &buffer[(x, y)];
                    assert!(
                        cell.symbol() == " " || !illegible(cell.fg, cell.bg),
                        "{theme:?}, {what}: {:?} in {:?} on {:?} at ({x}, {y})",
                        cell.symbol(),
                        cell.fg,
                        cell.bg
                    );
                }
            }
        };
        check(&app, "the tree");
        press(&mut app, KeyCode::Tab);
        check(&app, "the secret pane, masked");
        press(&mut app, KeyCode::Char('s'));
        check(&app, "the secret pane, revealed");
        press(&mut app, KeyCode::Char('2'));
        check(&app, "the versions");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('F'));
        support::fixtures::type_text(&mut app, "rot");
        check(&app, "the finder");
        press(&mut app, KeyCode::Esc);
        for (key, what) in [('S', "the Seal screen"), ('?', "the help")] {
            press(&mut app, KeyCode::Char(key));
            assert!(app.modal.is_some(), "{what} is open");
            check(&app, what);
            press(&mut app, KeyCode::Esc);
        }
    }
}
