//! The one key table. Key handling, the footer hints, the `?` overlay and the README's key section
//! are all generated from [`BINDINGS`]; nothing else lists keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Up,
    Down,
    Open,
    Close,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Filter,
    Jump,
    SwitchPane,
    Reveal,
    CopyValue,
    CopyPath,
    Refresh,
    Help,
    Back,
    Quit,
}

/// Where a binding applies; also the heading it is listed under in the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Navigate,
    Secret,
    General,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Navigate => "Navigate",
            Section::Secret => "Secret",
            Section::General => "General",
        }
    }

    pub const ALL: [Section; 3] = [Section::Navigate, Section::Secret, Section::General];
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in help and README.
    pub label: &'static str,
    pub command: Command,
    pub section: Section,
    pub help: &'static str,
    /// Short word for the footer; `None` keeps the binding out of the footer.
    pub hint: Option<&'static str>,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[ch('j'), plain(KeyCode::Down)],
        label: "j / ↓",
        command: Command::Down,
        section: Section::Navigate,
        help: "move down",
        hint: None,
    },
    Binding {
        keys: &[ch('k'), plain(KeyCode::Up)],
        label: "k / ↑",
        command: Command::Up,
        section: Section::Navigate,
        help: "move up",
        hint: None,
    },
    Binding {
        keys: &[ch('l'), plain(KeyCode::Enter), plain(KeyCode::Right)],
        label: "l / Enter / →",
        command: Command::Open,
        section: Section::Navigate,
        help: "expand a folder or open a secret",
        hint: Some("open"),
    },
    Binding {
        keys: &[ch('h'), plain(KeyCode::Left)],
        label: "h / ←",
        command: Command::Close,
        section: Section::Navigate,
        help: "collapse, or go to the parent",
        hint: Some("back"),
    },
    Binding {
        keys: &[ch('g'), plain(KeyCode::Home)],
        label: "g / Home",
        command: Command::Top,
        section: Section::Navigate,
        help: "go to the top",
        hint: None,
    },
    Binding {
        keys: &[ch('G'), plain(KeyCode::End)],
        label: "G / End",
        command: Command::Bottom,
        section: Section::Navigate,
        help: "go to the bottom",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::PageUp), ctrl('u')],
        label: "PgUp / Ctrl-u",
        command: Command::PageUp,
        section: Section::Navigate,
        help: "page up (in the secret pane: scroll the value)",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::PageDown), ctrl('d')],
        label: "PgDn / Ctrl-d",
        command: Command::PageDown,
        section: Section::Navigate,
        help: "page down (in the secret pane: scroll the value)",
        hint: None,
    },
    Binding {
        keys: &[ch('/')],
        label: "/",
        command: Command::Filter,
        section: Section::Navigate,
        help: "filter the loaded tree as you type (Enter keeps it, Esc clears it)",
        hint: Some("filter"),
    },
    Binding {
        keys: &[ch(':')],
        label: ":",
        command: Command::Jump,
        section: Section::Navigate,
        help: "jump to a typed path (Tab completes from what is loaded)",
        hint: Some("jump"),
    },
    Binding {
        keys: &[plain(KeyCode::Tab), plain(KeyCode::BackTab)],
        label: "Tab",
        command: Command::SwitchPane,
        section: Section::Navigate,
        help: "switch between the tree and the secret pane",
        hint: Some("pane"),
    },
    Binding {
        keys: &[ch('s')],
        label: "s",
        command: Command::Reveal,
        section: Section::Secret,
        help: "reveal or mask the values",
        hint: Some("reveal"),
    },
    Binding {
        keys: &[ch('y')],
        label: "y",
        command: Command::CopyValue,
        section: Section::Secret,
        help: "copy the selected value (cleared from the clipboard after a timeout)",
        hint: Some("copy"),
    },
    Binding {
        keys: &[ch('Y')],
        label: "Y",
        command: Command::CopyPath,
        section: Section::Secret,
        help: "copy the path as mount/path; press again for a `bao kv get` command",
        hint: Some("copy path"),
    },
    Binding {
        keys: &[ch('R'), plain(KeyCode::F(5))],
        label: "R",
        command: Command::Refresh,
        section: Section::General,
        help: "refresh mounts, open folders, the open secret and the token",
        hint: Some("refresh"),
    },
    Binding {
        keys: &[ch('?'), plain(KeyCode::F(1))],
        label: "?",
        command: Command::Help,
        section: Section::General,
        help: "show or hide this help",
        hint: Some("help"),
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        label: "Esc",
        command: Command::Back,
        section: Section::General,
        help: "close the overlay, clear the filter, or dismiss a message",
        hint: None,
    },
    Binding {
        keys: &[ch('q'), ctrl('c')],
        label: "q / Ctrl-c",
        command: Command::Quit,
        section: Section::General,
        help: "quit (Ctrl-c quits from anywhere)",
        hint: Some("quit"),
    },
];

/// The command a key press means, if any. Shift is ignored for characters (`G` arrives as
/// Shift+`G`); Control and Alt are not.
pub fn command_for(event: &KeyEvent) -> Option<Command> {
    let wanted = event.modifiers & !KeyModifiers::SHIFT;
    BINDINGS
        .iter()
        .find(|binding| {
            binding.keys.iter().any(|key| {
                let code_matches = match (key.code, event.code) {
                    (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
                    (a, b) => a == b,
                };
                code_matches && key.modifiers == wanted
            })
        })
        .map(|binding| binding.command)
}

pub fn binding(command: Command) -> &'static Binding {
    BINDINGS
        .iter()
        .find(|b| b.command == command)
        .expect("every command has a binding in the table")
}

/// The first key of a command, as the footer shows it (`l`, `Tab`, `?`).
pub fn short_key(command: Command) -> &'static str {
    let label = binding(command).label;
    label.split(" / ").next().unwrap_or(label)
}

/// The key section of the README, generated from the table (a test keeps the README in sync).
pub fn markdown_table() -> String {
    let mut out = String::from("| Key | Action |\n| --- | --- |\n");
    for section in Section::ALL {
        out.push_str(&format!("| **{}** | |\n", section.title()));
        for binding in BINDINGS.iter().filter(|b| b.section == section) {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                binding.label.replace(" / ", "` / `"),
                binding.help.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_map_to_commands() {
        assert_eq!(
            command_for(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            command_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        assert_eq!(
            command_for(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Command::Quit)
        );
        assert_eq!(
            command_for(&key(KeyCode::Char('c'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            command_for(&key(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Command::Open)
        );
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for binding in BINDINGS {
            for key in binding.keys {
                let id = (format!("{:?}", key.code), key.modifiers);
                assert!(!seen.contains(&id), "{id:?} bound twice");
                seen.push(id);
            }
        }
    }
}
