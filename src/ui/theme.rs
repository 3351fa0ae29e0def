//! Colours and styles in one place: a `Theme` is one style per role (a masked value, a
//! warning, a key, …), and the drawing code asks for a role, never for a colour:
//! `theme::warning()`, `theme::selected(focused)`.
//!
//! Which theme those calls answer with is `App::appearance`: `ui::draw` puts the app's theme in
//! place for the frame it draws (`Theme::drawing`) and takes it away afterwards. It is kept per
//! thread, so drawing stays a function of `&App` alone: two apps drawn on two threads (tests run
//! in parallel) never see each other's theme, and no drawing function needs a theme parameter.
//!
//! Colour never carries a meaning alone: every state a colour marks also has a word or symbol
//! on screen (`MASK` and "masked", "(low)", "SEALED", "destroyed", "✗ " before an error), so the
//! screen reads the same with `NO_COLOR` or on a terminal that shows no colour.

use crate::app::StatusKind;
use crate::config::appearance::{Appearance, ThemeName};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use std::cell::Cell;

pub const MASK: &str = "••••••";

/// One style per role. Colours only in the palettes below; drawing code uses the role functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    /// The selected row where the keys go, and elsewhere (a pane without focus).
    pub selected_focused: Selection,
    pub selected: Selection,
    pub masked: Style,
    pub revealed: Style,
    pub dim: Style,
    pub error: Style,
    pub warning: Style,
    pub ok: Style,
    pub key: Style,
    pub folder: Style,
    pub mount: Style,
    /// The " tresor " badge at the top left.
    pub badge: Style,
    /// The characters a search matched (drawn over a row's own style).
    pub matched: Style,
}

/// How a selected row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub style: Style,
    /// The row's own colours (a key, a revealed value, "current") stay on the selection; else
    /// the row takes the selection's colours (its bold, underline stay), for a selection that
    /// would hide some of them (grey on grey, yellow on white).
    pub keeps_colours: bool,
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    /// For a dark terminal background: the default.
    pub const DARK: Theme = Theme {
        title: Style::new().add_modifier(BOLD),
        border: Style::new().fg(Color::DarkGray),
        border_focused: Style::new().fg(Color::Cyan),
        selected_focused: Selection {
            style: Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(BOLD),
            keeps_colours: true,
        },
        // Grey: the masked dots and dim words, grey too, would vanish on it.
        selected: Selection {
            style: Style::new().bg(Color::DarkGray).fg(Color::White),
            keeps_colours: false,
        },
        masked: Style::new().fg(Color::DarkGray),
        revealed: Style::new().fg(Color::Yellow),
        dim: Style::new().fg(Color::DarkGray),
        error: Style::new().fg(Color::Red).add_modifier(BOLD),
        warning: Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(BOLD),
        ok: Style::new().fg(Color::Green),
        key: Style::new().fg(Color::Cyan).add_modifier(BOLD),
        folder: Style::new().fg(Color::Blue).add_modifier(BOLD),
        mount: Style::new().fg(Color::Magenta).add_modifier(BOLD),
        badge: Style::new()
            .bg(Color::Cyan)
            .fg(Color::Black)
            .add_modifier(BOLD),
        matched: Style::new()
            .fg(Color::Yellow)
            .add_modifier(BOLD.union(Modifier::UNDERLINED)),
    };

    /// For a light background: no yellow or cyan text (unreadable on white), darker accents.
    pub const LIGHT: Theme = Theme {
        title: Style::new().add_modifier(BOLD),
        border: Style::new().fg(Color::Gray),
        border_focused: Style::new().fg(Color::Blue),
        // Blue: the keys and folders, blue too, would vanish on it.
        selected_focused: Selection {
            style: Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(BOLD),
            keeps_colours: false,
        },
        selected: Selection {
            style: Style::new().bg(Color::Gray).fg(Color::Black),
            keeps_colours: true,
        },
        masked: Style::new().fg(Color::DarkGray),
        revealed: Style::new().fg(Color::Magenta),
        dim: Style::new().fg(Color::DarkGray),
        error: Style::new().fg(Color::Red).add_modifier(BOLD),
        warning: Style::new()
            .fg(Color::Black)
            .bg(Color::LightYellow)
            .add_modifier(BOLD),
        ok: Style::new().fg(Color::Green),
        key: Style::new().fg(Color::Blue).add_modifier(BOLD),
        folder: Style::new().fg(Color::Blue).add_modifier(BOLD),
        mount: Style::new().fg(Color::Magenta).add_modifier(BOLD),
        badge: Style::new()
            .bg(Color::Blue)
            .fg(Color::White)
            .add_modifier(BOLD),
        matched: Style::new()
            .fg(Color::Magenta)
            .add_modifier(BOLD.union(Modifier::UNDERLINED)),
    };

    /// For a dark background, as plain as can be read: bright colours, no dark grey text,
    /// black on a bright background for the selection and warnings.
    pub const HIGH_CONTRAST: Theme = Theme {
        title: Style::new().fg(Color::White).add_modifier(BOLD),
        border: Style::new().fg(Color::Gray),
        border_focused: Style::new().fg(Color::White).add_modifier(BOLD),
        // Black on white: no bright colour of this theme is readable on it.
        selected_focused: Selection {
            style: Style::new()
                .bg(Color::White)
                .fg(Color::Black)
                .add_modifier(BOLD),
            keeps_colours: false,
        },
        selected: Selection {
            style: Style::new().bg(Color::Gray).fg(Color::Black),
            keeps_colours: false,
        },
        masked: Style::new().fg(Color::Gray),
        revealed: Style::new().fg(Color::LightYellow).add_modifier(BOLD),
        dim: Style::new().fg(Color::Gray),
        error: Style::new().fg(Color::LightRed).add_modifier(BOLD),
        warning: Style::new()
            .fg(Color::Black)
            .bg(Color::LightYellow)
            .add_modifier(BOLD),
        ok: Style::new().fg(Color::LightGreen).add_modifier(BOLD),
        key: Style::new().fg(Color::LightCyan).add_modifier(BOLD),
        folder: Style::new().fg(Color::LightBlue).add_modifier(BOLD),
        mount: Style::new().fg(Color::LightMagenta).add_modifier(BOLD),
        badge: Style::new()
            .bg(Color::White)
            .fg(Color::Black)
            .add_modifier(BOLD),
        matched: Style::new()
            .fg(Color::LightYellow)
            .add_modifier(BOLD.union(Modifier::UNDERLINED)),
    };

    pub fn named(name: ThemeName) -> Theme {
        match name {
            ThemeName::Dark => Theme::DARK,
            ThemeName::Light => Theme::LIGHT,
            ThemeName::HighContrast => Theme::HIGH_CONTRAST,
        }
    }

    /// The theme the app is drawn with: the named one, without colour under `NO_COLOR`.
    pub fn of(appearance: Appearance) -> Theme {
        let theme = Theme::named(appearance.theme);
        if appearance.colour {
            theme
        } else {
            theme.without_colour()
        }
    }

    /// Every colour dropped, the modifiers kept. A role that stood out by its background (the
    /// selection, a warning, the badge) is drawn reversed instead, so it still stands out.
    pub fn without_colour(self) -> Theme {
        let plain = |style: Style| {
            let reversed = style.bg.is_some_and(|bg| bg != Color::Reset);
            let style = Style {
                fg: None,
                bg: None,
                ..style
            };
            if reversed {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            }
        };
        let selection = |selection: Selection| Selection {
            style: plain(selection.style),
            ..selection
        };
        Theme {
            title: plain(self.title),
            border: plain(self.border),
            // Without colour the focused pane's border is bold (the selection is bold too).
            border_focused: plain(self.border_focused).add_modifier(BOLD),
            selected_focused: selection(self.selected_focused),
            // Underlined, not reversed: which pane has the keys shows without colour too.
            selected: Selection {
                style: plain(self.selected.style)
                    .remove_modifier(Modifier::REVERSED)
                    .add_modifier(Modifier::UNDERLINED),
                ..self.selected
            },
            masked: plain(self.masked),
            revealed: plain(self.revealed),
            dim: plain(self.dim),
            error: plain(self.error),
            warning: plain(self.warning),
            ok: plain(self.ok),
            key: plain(self.key),
            folder: plain(self.folder),
            mount: plain(self.mount),
            badge: plain(self.badge),
            matched: plain(self.matched),
        }
    }

    /// Runs `draw` with this theme answering the role functions on this thread, and puts the
    /// one before back afterwards (also when `draw` panics).
    pub fn drawing<R>(self, draw: impl FnOnce() -> R) -> R {
        struct Restore(Theme);
        impl Drop for Restore {
            fn drop(&mut self) {
                IN_USE.with(|theme| theme.set(self.0));
            }
        }
        let _restore = Restore(IN_USE.with(|theme| theme.replace(self)));
        draw()
    }
}

thread_local! {
    /// The theme of the frame being drawn on this thread (set by `Theme::drawing`).
    static IN_USE: Cell<Theme> = const { Cell::new(Theme::DARK) };
}

fn in_use() -> Theme {
    IN_USE.with(Cell::get)
}

pub fn title() -> Style {
    in_use().title
}
pub fn border(focused: bool) -> Style {
    let theme = in_use();
    if focused {
        theme.border_focused
    } else {
        theme.border
    }
}
fn selection(focused: bool) -> Selection {
    let theme = in_use();
    if focused {
        theme.selected_focused
    } else {
        theme.selected
    }
}
/// The selection's own style (a selected row built from it alone, a chosen tab).
pub fn selected(focused: bool) -> Style {
    selection(focused).style
}
/// What a part of a selected row styled `style` is drawn with.
pub fn on_selected(style: Style, focused: bool) -> Style {
    let selection = selection(focused);
    if selection.keeps_colours {
        selection.style.patch(style)
    } else {
        selection.style.patch(Style {
            fg: None,
            bg: None,
            ..style
        })
    }
}
/// `line` as the selected row.
pub fn select(mut line: Line<'_>, focused: bool) -> Line<'_> {
    for span in &mut line.spans {
        span.style = on_selected(span.style, focused);
    }
    line.style(selected(focused))
}
pub fn masked() -> Style {
    in_use().masked
}
pub fn revealed() -> Style {
    in_use().revealed
}
pub fn dim() -> Style {
    in_use().dim
}
pub fn error() -> Style {
    in_use().error
}
pub fn warning() -> Style {
    in_use().warning
}
pub fn ok() -> Style {
    in_use().ok
}
pub fn key() -> Style {
    in_use().key
}
pub fn folder() -> Style {
    in_use().folder
}
pub fn mount() -> Style {
    in_use().mount
}
pub fn badge() -> Style {
    in_use().badge
}
pub fn matched() -> Style {
    in_use().matched
}

/// A status message's style and the symbol before it: an error or a warning says what it is
/// without its colour.
pub fn status(kind: StatusKind) -> (&'static str, Style) {
    let theme = in_use();
    match kind {
        StatusKind::Info => ("", theme.ok),
        StatusKind::Warning => ("! ", theme.warning),
        StatusKind::Error => ("✗ ", theme.error),
    }
}

/// Said after a TTL or a count of uses that is running low (shown in the warning style too).
pub const LOW: &str = " (low)";

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(theme: &Theme) -> [Style; 16] {
        [
            theme.title,
            theme.border,
            theme.border_focused,
            theme.selected_focused.style,
            theme.selected.style,
            theme.masked,
            theme.revealed,
            theme.dim,
            theme.error,
            theme.warning,
            theme.ok,
            theme.key,
            theme.folder,
            theme.mount,
            theme.badge,
            theme.matched,
        ]
    }

    #[test]
    fn without_colour_no_role_has_a_colour_and_the_selection_and_warnings_are_reversed() {
        for name in ThemeName::ALL {
            let theme = Theme::of(Appearance {
                theme: name,
                colour: false,
            });
            for style in roles(&theme) {
                assert_eq!((style.fg, style.bg), (None, None), "{name:?}: {style:?}");
            }
            for style in [theme.selected_focused.style, theme.warning, theme.badge] {
                assert!(style.add_modifier.contains(Modifier::REVERSED), "{name:?}");
            }
            let elsewhere = theme.selected.style;
            assert!(
                elsewhere.add_modifier.contains(Modifier::UNDERLINED)
                    && !elsewhere.add_modifier.contains(Modifier::REVERSED),
                "{name:?}: the selection without focus looks other than the one with it"
            );
            assert!(theme.error.add_modifier.contains(BOLD), "modifiers stay");
            assert_ne!(theme.border, theme.border_focused, "focus still shows");
        }
    }

    #[test]
    fn matched_characters_stand_out_on_the_selected_row_in_every_theme_with_or_without_colour() {
        for name in ThemeName::ALL {
            for colour in [true, false] {
                let theme = Theme::of(Appearance {
                    theme: name,
                    colour,
                });
                let (row, matched) =
                    theme.drawing(|| (selected(true), on_selected(matched(), true)));
                assert!(
                    matched.add_modifier.contains(Modifier::UNDERLINED),
                    "{name:?} colour {colour}: not by colour alone"
                );
                assert_ne!(matched, row);
            }
        }
    }

    #[test]
    fn a_theme_is_in_use_only_while_drawing_with_it_and_only_on_its_thread() {
        assert_eq!(revealed(), Theme::DARK.revealed);
        Theme::LIGHT.drawing(|| {
            assert_eq!(revealed(), Theme::LIGHT.revealed);
            std::thread::spawn(|| assert_eq!(revealed(), Theme::DARK.revealed))
                .join()
                .unwrap();
            Theme::HIGH_CONTRAST.drawing(|| assert_eq!(dim(), Theme::HIGH_CONTRAST.dim));
            assert_eq!(dim(), Theme::LIGHT.dim, "the outer one is back");
        });
        assert_eq!(revealed(), Theme::DARK.revealed);
        let _ = std::panic::catch_unwind(|| Theme::LIGHT.drawing(|| panic!("drawing failed")));
        assert_eq!(revealed(), Theme::DARK.revealed, "restored after a panic");
    }
}
