//! How the screen looks: the theme chosen in `config.toml` (`theme = "dark"`, `"light"` or
//! `"high-contrast"`) and whether colour is used at all (`NO_COLOR`, see no-color.org).
//! The palettes themselves are in `ui::theme`; this is only the choice, so `app` can hold it.

/// A theme's name as written in `config.toml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// For a dark terminal background (the default).
    #[default]
    Dark,
    /// For a light terminal background.
    Light,
    /// Bright colours and no grey text, for a dark background.
    HighContrast,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }

    /// The theme the setting names; else the warning to show at start (the default is kept).
    pub fn from_setting(value: &str) -> Result<ThemeName, String> {
        Self::ALL
            .into_iter()
            .find(|theme| theme.name() == value)
            .ok_or_else(|| unknown(&format!("{value:?}")))
    }
}

/// The warning for a `theme` setting that names no theme (`shown` is the value as written).
pub fn unknown(shown: &str) -> String {
    let names: Vec<String> = ThemeName::ALL
        .iter()
        .map(|theme| format!("{:?}", theme.name()))
        .collect();
    format!(
        "theme {shown} is not a theme (use {}): the {} theme is used",
        names.join(", "),
        ThemeName::default().name()
    )
}

/// The theme, and whether colours are drawn at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appearance {
    pub theme: ThemeName,
    /// False when `NO_COLOR` is set and not empty: every colour is dropped, the bold and reversed
    /// text stays, so the selection and warnings are still visible.
    pub colour: bool,
}

impl Default for Appearance {
    fn default() -> Self {
        Appearance {
            theme: ThemeName::default(),
            colour: true,
        }
    }
}

impl Appearance {
    /// The theme from the config file, with `NO_COLOR` read from `env` (set and not empty turns
    /// colour off, as no-color.org asks).
    pub fn new(theme: ThemeName, env: &dyn Fn(&str) -> Option<String>) -> Appearance {
        Appearance {
            theme,
            colour: env("NO_COLOR").is_none_or(|value| value.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_names_are_read_and_an_unknown_one_is_a_warning_naming_the_choices() {
        assert_eq!(ThemeName::from_setting("dark"), Ok(ThemeName::Dark));
        assert_eq!(ThemeName::from_setting("light"), Ok(ThemeName::Light));
        assert_eq!(
            ThemeName::from_setting("high-contrast"),
            Ok(ThemeName::HighContrast)
        );
        let warning = ThemeName::from_setting("solarized").unwrap_err();
        assert!(
            warning.contains("\"solarized\"")
                && warning.contains("\"light\"")
                && warning.contains("\"high-contrast\"")
                && warning.contains("the dark theme is used"),
            "{warning}"
        );
        assert!(ThemeName::from_setting("Dark").is_err(), "names are exact");
    }

    #[test]
    fn no_color_set_and_not_empty_turns_colour_off() {
        let with = |value: Option<&str>| {
            let value = value.map(str::to_string);
            Appearance::new(ThemeName::Light, &move |name| {
                if name == "NO_COLOR" {
                    value.clone()
                } else {
                    None
                }
            })
        };
        assert!(with(None).colour);
        assert!(with(Some("")).colour, "an empty NO_COLOR is not set");
        assert!(!with(Some("1")).colour);
        assert!(!with(Some("0")).colour, "any value counts, even 0");
        assert_eq!(with(Some("1")).theme, ThemeName::Light);
    }
}
