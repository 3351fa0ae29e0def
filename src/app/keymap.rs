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
    Find,
    Jump,
    SwitchPane,
    Reveal,
    CopyValue,
    CopyPath,
    CycleTab,
    GoToTab,
    MarkVersion,
    CompareVersions,
    OlderPair,
    NewerPair,
    SoftDelete,
    Undelete,
    Destroy,
    Rollback,
    DeleteAll,
    EditMetadata,
    EditSecret,
    EditInEditor,
    NewSecret,
    CopySecret,
    Login,
    Seal,
    SwitchProfile,
    SwitchNamespace,
    AppRoleBrowser,
    Refresh,
    Help,
    Back,
    Quit,
}

/// Keys inside dialogs (the confirmation and the metadata form); text fields take the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DialogCommand {
    Submit,
    Cancel,
    Next,
    Previous,
    Toggle,
    AddRow,
    DeleteRow,
    Reveal,
    ToggleJson,
    Newline,
    OpenEditor,
    Reapply,
    CopyDraft,
    Discard,
    Overwrite,
    Logout,
}

/// Where a binding applies; also the heading it is listed under in the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Navigate,
    Secret,
    Write,
    History,
    Session,
    Seal,
    AppRole,
    Finder,
    General,
    Dialogs,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Navigate => "Navigate",
            Section::Secret => "Secret",
            Section::Write => "Write",
            Section::History => "Versions (KV v2)",
            Section::Session => "Session",
            Section::AppRole => "AppRole browser (A)",
            Section::Seal => "Seal screen (S)",
            Section::Finder => "Finder (F)",
            Section::General => "General",
            Section::Dialogs => "Dialogs",
        }
    }

    pub const ALL: [Section; 10] = [
        Section::Navigate,
        Section::Secret,
        Section::Write,
        Section::History,
        Section::Session,
        Section::Seal,
        Section::AppRole,
        Section::Finder,
        Section::General,
        Section::Dialogs,
    ];
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

pub struct Binding<C: 'static = Command> {
    pub keys: &'static [Key],
    /// How the keys are written in help and README.
    pub label: &'static str,
    pub command: C,
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
        help: "filter as you type (Enter keeps it, Esc clears it): the loaded tree, or the open secret's keys when the secret pane has focus",
        hint: Some("filter"),
    },
    Binding {
        keys: &[ch('F')],
        label: "F / //",
        command: Command::Find,
        section: Section::Navigate,
        help: "find: a fuzzy pattern over every path of every mount (crawled once per session, R refreshes); Enter jumps there",
        hint: Some("find"),
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
        keys: &[ch('e')],
        label: "e",
        command: Command::EditSecret,
        section: Section::Write,
        help: "edit the selected secret in a key/value form (a write-only token: merge named keys)",
        hint: Some("edit"),
    },
    Binding {
        keys: &[ch('E')],
        label: "E",
        command: Command::EditInEditor,
        section: Section::Write,
        help: "edit the selected secret as JSON in $VISUAL / $EDITOR (private 0600 temp file, removed after)",
        hint: None,
    },
    Binding {
        keys: &[ch('n')],
        label: "n",
        command: Command::NewSecret,
        section: Section::Write,
        help: "new secret: type its path (the current folder is filled in), then its keys",
        hint: Some("new"),
    },
    Binding {
        keys: &[ch('c')],
        label: "c",
        command: Command::CopySecret,
        section: Section::Write,
        help: "copy the open secret to a new path (data, and optionally its custom metadata)",
        hint: None,
    },
    Binding {
        keys: &[ch('['), ch(']')],
        label: "[ / ]",
        command: Command::CycleTab,
        section: Section::History,
        help: "previous / next tab of the secret: Data, Versions, Metadata, Diff",
        hint: Some("tabs"),
    },
    Binding {
        keys: &[ch('1'), ch('2'), ch('3'), ch('4')],
        label: "1-4",
        command: Command::GoToTab,
        section: Section::History,
        help: "show the Data (1), Versions (2), Metadata (3) or Diff (4) tab",
        hint: None,
    },
    Binding {
        keys: &[ch(' ')],
        label: "Space",
        command: Command::MarkVersion,
        section: Section::History,
        help: "Versions tab: mark or unmark the version and move to the next one, to mark several in a row (operations act on marked versions)",
        hint: Some("mark"),
    },
    Binding {
        keys: &[ch('v')],
        label: "v",
        command: Command::CompareVersions,
        section: Section::History,
        help: "Versions tab: compare the two marked versions, or this version with the one before",
        hint: Some("compare"),
    },
    Binding {
        keys: &[ch('<')],
        label: "<",
        command: Command::OlderPair,
        section: Section::History,
        help: "Diff tab: compare one version further back",
        hint: Some("older"),
    },
    Binding {
        keys: &[ch('>')],
        label: ">",
        command: Command::NewerPair,
        section: Section::History,
        help: "Diff tab: compare one version further forward",
        hint: Some("newer"),
    },
    Binding {
        keys: &[ch('d')],
        label: "d",
        command: Command::SoftDelete,
        section: Section::History,
        help: "soft-delete the marked, selected or shown version (asks first; undelete brings it back)",
        hint: Some("delete"),
    },
    Binding {
        keys: &[ch('u')],
        label: "u",
        command: Command::Undelete,
        section: Section::History,
        help: "undelete the marked or selected soft-deleted versions (asks first)",
        hint: Some("undelete"),
    },
    Binding {
        keys: &[ch('D')],
        label: "D",
        command: Command::Destroy,
        section: Section::History,
        help: "destroy versions for good (type the path or \"destroy\" to confirm)",
        hint: Some("destroy"),
    },
    Binding {
        keys: &[ch('r')],
        label: "r",
        command: Command::Rollback,
        section: Section::History,
        help: "roll back: write the selected version's data as a new version (check-and-set)",
        hint: Some("roll back"),
    },
    Binding {
        keys: &[ch('X')],
        label: "X",
        command: Command::DeleteAll,
        section: Section::History,
        help: "delete every version and the metadata (type the path or \"destroy\" to confirm)",
        hint: Some("delete all"),
    },
    Binding {
        keys: &[ch('m')],
        label: "m",
        command: Command::EditMetadata,
        section: Section::History,
        help: "edit the metadata: max versions, check-and-set, delete-after, custom metadata",
        hint: Some("edit"),
    },
    Binding {
        keys: &[ch('L')],
        label: "L",
        command: Command::Login,
        section: Section::Session,
        help: "log in: token, AppRole (secret-id, wrapped secret-id, worker -> runner), userpass, LDAP",
        hint: Some("login"),
    },
    Binding {
        keys: &[ch('S')],
        label: "S",
        command: Command::Seal,
        section: Section::Session,
        help: "Seal screen: every node's seal state, unseal with key shares, reset, seal (opens by itself when sealed)",
        hint: None,
    },
    Binding {
        keys: &[ch('P')],
        label: "P",
        command: Command::SwitchProfile,
        section: Section::Session,
        help: "switch profile (config file); each profile keeps its own session",
        hint: None,
    },
    Binding {
        keys: &[ch('N')],
        label: "N",
        command: Command::SwitchNamespace,
        section: Section::Session,
        help: "switch namespace: root, the parent, a child listed by sys/namespaces, or Tab to type one",
        hint: None,
    },
    Binding {
        keys: &[ch('A')],
        label: "A",
        command: Command::AppRoleBrowser,
        section: Section::Session,
        help: "AppRole browser: roles, settings, role-ids, secret-ids (generate, list, destroy)",
        hint: None,
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
        help: "cancel the reads still waiting for the server; else close the overlay, clear the filter, or dismiss a message",
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

/// Keys in dialogs; listed in the help and README under "Dialogs".
pub const DIALOG_BINDINGS: &[Binding<DialogCommand>] = &[
    Binding {
        keys: &[plain(KeyCode::Enter)],
        label: "Enter",
        command: DialogCommand::Submit,
        section: Section::Dialogs,
        help: "confirm / save (a yes/no question also takes y)",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        label: "Esc",
        command: DialogCommand::Cancel,
        section: Section::Dialogs,
        help: "cancel without changing anything (a yes/no question also takes n)",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        label: "Tab / ↓",
        command: DialogCommand::Next,
        section: Section::Dialogs,
        help: "next field (in the secret form ↓ and ↑ go to the row below and above)",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        label: "Shift-Tab / ↑",
        command: DialogCommand::Previous,
        section: Section::Dialogs,
        help: "previous field",
        hint: None,
    },
    Binding {
        keys: &[ch(' ')],
        label: "Space",
        command: DialogCommand::Toggle,
        section: Section::Dialogs,
        help: "toggle a yes/no field (in text fields it types a space)",
        hint: None,
    },
    Binding {
        keys: &[ctrl('n')],
        label: "Ctrl-n",
        command: DialogCommand::AddRow,
        section: Section::Dialogs,
        help: "forms: add a row",
        hint: None,
    },
    Binding {
        keys: &[ctrl('d')],
        label: "Ctrl-d",
        command: DialogCommand::DeleteRow,
        section: Section::Dialogs,
        help: "forms: remove the row",
        hint: None,
    },
    Binding {
        keys: &[ctrl('r')],
        label: "Ctrl-r",
        command: DialogCommand::Reveal,
        section: Section::Dialogs,
        help: "secret form: reveal or mask the values",
        hint: None,
    },
    Binding {
        keys: &[ctrl('t')],
        label: "Ctrl-t",
        command: DialogCommand::ToggleJson,
        section: Section::Dialogs,
        help: "secret form: the value is JSON (kept as JSON) or text",
        hint: None,
    },
    Binding {
        keys: &[
            ctrl('j'),
            Key {
                code: KeyCode::Enter,
                modifiers: KeyModifiers::ALT,
            },
        ],
        label: "Ctrl-j / Alt-Enter",
        command: DialogCommand::Newline,
        section: Section::Dialogs,
        help: "secret form: a line break in the value (pasted text keeps its line breaks)",
        hint: None,
    },
    Binding {
        keys: &[ctrl('o')],
        label: "Ctrl-o",
        command: DialogCommand::OpenEditor,
        section: Section::Dialogs,
        help: "secret form: continue in $VISUAL / $EDITOR as JSON",
        hint: None,
    },
    Binding {
        keys: &[ch('a')],
        label: "a",
        command: DialogCommand::Reapply,
        section: Section::Dialogs,
        help: "conflict: re-apply your changes on top of the version someone else wrote",
        hint: None,
    },
    Binding {
        keys: &[ch('c')],
        label: "c",
        command: DialogCommand::CopyDraft,
        section: Section::Dialogs,
        help: "conflict: copy your version (JSON) to the clipboard",
        hint: None,
    },
    Binding {
        keys: &[ch('d')],
        label: "d",
        command: DialogCommand::Discard,
        section: Section::Dialogs,
        help: "conflict: discard your changes",
        hint: None,
    },
    Binding {
        keys: &[ch('o')],
        label: "o",
        command: DialogCommand::Overwrite,
        section: Section::Dialogs,
        help: "conflict: overwrite a secret this token may not read with yours (type its path)",
        hint: None,
    },
    Binding {
        keys: &[ctrl('x')],
        label: "Ctrl-x",
        command: DialogCommand::Logout,
        section: Section::Dialogs,
        help: "login dialog: log out (revoke-self: the token stops working) and forget the token",
        hint: None,
    },
];

/// Keys on the Seal screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SealCommand {
    Up,
    Down,
    Unseal,
    UnsealEach,
    Reset,
    Seal,
    Refresh,
    Close,
}

pub const SEAL_BINDINGS: &[Binding<SealCommand>] = &[
    Binding {
        keys: &[ch('j'), plain(KeyCode::Down)],
        label: "j / ↓",
        command: SealCommand::Down,
        section: Section::Seal,
        help: "next node",
        hint: None,
    },
    Binding {
        keys: &[ch('k'), plain(KeyCode::Up)],
        label: "k / ↑",
        command: SealCommand::Up,
        section: Section::Seal,
        help: "previous node",
        hint: None,
    },
    Binding {
        keys: &[ch('u'), plain(KeyCode::Enter)],
        label: "u / Enter",
        command: SealCommand::Unseal,
        section: Section::Seal,
        help: "unseal the selected node: type or paste key shares (masked; hex or base64), Enter sends each",
        hint: None,
    },
    Binding {
        keys: &[ch('U')],
        label: "U",
        command: SealCommand::UnsealEach,
        section: Section::Seal,
        help: "unseal each sealed node in turn",
        hint: None,
    },
    Binding {
        keys: &[ch('r')],
        label: "r",
        command: SealCommand::Reset,
        section: Section::Seal,
        help: "reset the selected node's unseal progress (throws away the shares given so far)",
        hint: None,
    },
    Binding {
        keys: &[ch('S')],
        label: "S",
        command: SealCommand::Seal,
        section: Section::Seal,
        help: "seal the selected node (type \"seal\" to confirm; needs sudo)",
        hint: None,
    },
    Binding {
        keys: &[ch('R'), plain(KeyCode::F(5))],
        label: "R",
        command: SealCommand::Refresh,
        section: Section::Seal,
        help: "refresh now (it refreshes every 3 s by itself)",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::Esc), ch('q')],
        label: "Esc / q",
        command: SealCommand::Close,
        section: Section::Seal,
        help: "close the Seal screen",
        hint: None,
    },
];

/// The Seal screen command a key press means, if any.
pub fn seal_command_for(event: &KeyEvent) -> Option<SealCommand> {
    find(SEAL_BINDINGS, event)
}

/// Keys in the AppRole browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppRoleCommand {
    Up,
    Down,
    SwitchList,
    NextMount,
    Generate,
    GenerateWrapped,
    Reveal,
    Copy,
    Destroy,
    Reload,
    Close,
}

pub const APPROLE_BINDINGS: &[Binding<AppRoleCommand>] = &[
    Binding {
        keys: &[ch('j'), plain(KeyCode::Down)],
        label: "j / ↓",
        command: AppRoleCommand::Down,
        section: Section::AppRole,
        help: "next role or secret-id accessor",
        hint: None,
    },
    Binding {
        keys: &[ch('k'), plain(KeyCode::Up)],
        label: "k / ↑",
        command: AppRoleCommand::Up,
        section: Section::AppRole,
        help: "previous role or secret-id accessor",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::Tab)],
        label: "Tab",
        command: AppRoleCommand::SwitchList,
        section: Section::AppRole,
        help: "switch between the roles and the role's secret-id accessors",
        hint: None,
    },
    Binding {
        keys: &[ch(']')],
        label: "]",
        command: AppRoleCommand::NextMount,
        section: Section::AppRole,
        help: "next AppRole auth mount",
        hint: None,
    },
    Binding {
        keys: &[ch('g')],
        label: "g",
        command: AppRoleCommand::Generate,
        section: Section::AppRole,
        help: "generate a secret-id for the role (shown once, masked)",
        hint: None,
    },
    Binding {
        keys: &[ch('w')],
        label: "w",
        command: AppRoleCommand::GenerateWrapped,
        section: Section::AppRole,
        help: "generate a response-wrapped secret-id (a wrapping token; TTL asked, default 300s)",
        hint: None,
    },
    Binding {
        keys: &[ch('s')],
        label: "s",
        command: AppRoleCommand::Reveal,
        section: Section::AppRole,
        help: "reveal or mask the generated secret-id",
        hint: None,
    },
    Binding {
        keys: &[ch('y')],
        label: "y",
        command: AppRoleCommand::Copy,
        section: Section::AppRole,
        help: "copy the generated secret-id (or the role-id when none was generated)",
        hint: None,
    },
    Binding {
        keys: &[ch('x'), plain(KeyCode::Delete)],
        label: "x / Del",
        command: AppRoleCommand::Destroy,
        section: Section::AppRole,
        help: "destroy the selected secret-id accessor (asks first)",
        hint: None,
    },
    Binding {
        keys: &[ch('R'), plain(KeyCode::F(5))],
        label: "R",
        command: AppRoleCommand::Reload,
        section: Section::AppRole,
        help: "reload the roles and the selected role",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::Esc), ch('q')],
        label: "Esc / q",
        command: AppRoleCommand::Close,
        section: Section::AppRole,
        help: "close the browser",
        hint: None,
    },
];

/// The AppRole browser command a key press means, if any.
pub fn approle_command_for(event: &KeyEvent) -> Option<AppRoleCommand> {
    find(APPROLE_BINDINGS, event)
}

/// Keys in the finder (`F`); every other key is typed into the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FinderCommand {
    Jump,
    Down,
    Up,
    Recrawl,
    Close,
}

pub const FINDER_BINDINGS: &[Binding<FinderCommand>] = &[
    Binding {
        keys: &[plain(KeyCode::Enter)],
        label: "Enter",
        command: FinderCommand::Jump,
        section: Section::Finder,
        help: "jump to the selected path in the tree",
        hint: Some("jump"),
    },
    Binding {
        keys: &[plain(KeyCode::Down), ctrl('n')],
        label: "↓ / Ctrl-n",
        command: FinderCommand::Down,
        section: Section::Finder,
        help: "next match",
        hint: Some("move"),
    },
    Binding {
        keys: &[plain(KeyCode::Up), ctrl('p')],
        label: "↑ / Ctrl-p",
        command: FinderCommand::Up,
        section: Section::Finder,
        help: "previous match",
        hint: None,
    },
    Binding {
        keys: &[ctrl('r')],
        label: "Ctrl-r",
        command: FinderCommand::Recrawl,
        section: Section::Finder,
        help: "crawl every mount again (the paths found so far are dropped; the pattern stays)",
        hint: Some("recrawl"),
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        label: "Esc",
        command: FinderCommand::Close,
        section: Section::Finder,
        help: "close the finder (the paths stay for the next one)",
        hint: Some("close"),
    },
];

/// The finder command a key press means, if any.
pub fn finder_command_for(event: &KeyEvent) -> Option<FinderCommand> {
    find(FINDER_BINDINGS, event)
}

/// The first key of a finder command, as the finder and its footer show it (`Ctrl-r`, `↓`).
pub fn finder_key(command: FinderCommand) -> &'static str {
    let label = FINDER_BINDINGS
        .iter()
        .find(|b| b.command == command)
        .map_or("", |b| b.label);
    label.split(" / ").next().unwrap_or(label)
}

/// The finder's footer: (first key, hint) of each finder binding that has a hint; moving shows
/// both arrows (`↑/↓ move`).
pub fn finder_hints() -> Vec<(String, &'static str)> {
    FINDER_BINDINGS
        .iter()
        .filter_map(|b| {
            let key = match b.command {
                FinderCommand::Down => format!(
                    "{}/{}",
                    finder_key(FinderCommand::Up),
                    finder_key(FinderCommand::Down)
                ),
                command => finder_key(command).to_string(),
            };
            b.hint.map(|hint| (key, hint))
        })
        .collect()
}

/// The command a key press means, if any. Shift is ignored for characters (`G` arrives as
/// Shift+`G`); Control and Alt are not.
pub fn command_for(event: &KeyEvent) -> Option<Command> {
    find(BINDINGS, event)
}

/// The first key of a dialog command, as dialogs and their footers name it (`a`, `Ctrl-x`).
pub fn dialog_label(command: DialogCommand) -> &'static str {
    let label = DIALOG_BINDINGS
        .iter()
        .find(|b| b.command == command)
        .map_or("", |b| b.label);
    label.split(" / ").next().unwrap_or(label)
}

/// The dialog command a key press means, if any.
pub fn dialog_command_for(event: &KeyEvent) -> Option<DialogCommand> {
    find(DIALOG_BINDINGS, event)
}

fn find<C: Copy>(bindings: &[Binding<C>], event: &KeyEvent) -> Option<C> {
    let wanted = event.modifiers & !KeyModifiers::SHIFT;
    // BackTab arrives with Shift set, which is part of the key itself.
    let code = event.code;
    bindings
        .iter()
        .find(|binding| {
            binding.keys.iter().any(|key| {
                let code_matches = match (key.code, code) {
                    (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
                    (a, b) => a == b,
                };
                code_matches && key.modifiers == wanted
            })
        })
        .map(|binding| binding.command)
}

/// Every binding of a section, for the help overlay and the README: (keys, what they do).
pub fn section_rows(section: Section) -> Vec<(&'static str, &'static str)> {
    let main = BINDINGS
        .iter()
        .filter(|b| b.section == section)
        .map(|b| (b.label, b.help));
    let dialogs = DIALOG_BINDINGS
        .iter()
        .filter(|b| b.section == section)
        .map(|b| (b.label, b.help));
    let approle = APPROLE_BINDINGS
        .iter()
        .filter(|b| b.section == section)
        .map(|b| (b.label, b.help));
    let seal = SEAL_BINDINGS
        .iter()
        .filter(|b| b.section == section)
        .map(|b| (b.label, b.help));
    let finder = FINDER_BINDINGS
        .iter()
        .filter(|b| b.section == section)
        .map(|b| (b.label, b.help));
    main.chain(dialogs)
        .chain(approle)
        .chain(seal)
        .chain(finder)
        .collect()
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

/// The first key of an AppRole browser command, as its hints show it (`j`, `g`).
pub fn approle_key(command: AppRoleCommand) -> &'static str {
    let label = APPROLE_BINDINGS
        .iter()
        .find(|b| b.command == command)
        .map_or("", |b| b.label);
    label.split(" / ").next().unwrap_or(label)
}

/// The key section of the README, generated from the table (a test keeps the README in sync).
pub fn markdown_table() -> String {
    let mut out = String::from("| Key | Action |\n| --- | --- |\n");
    for section in Section::ALL {
        out.push_str(&format!("| **{}** | |\n", section.title()));
        for (label, help) in section_rows(section) {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                label.replace(" / ", "` / `"),
                help.replace('|', "\\|")
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
            Some(Command::CopySecret)
        );
        assert_eq!(
            command_for(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            command_for(&key(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Command::Open)
        );
    }

    #[test]
    fn dialog_keys_are_their_own_table() {
        assert_eq!(
            dialog_command_for(&key(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(DialogCommand::AddRow)
        );
        assert_eq!(
            dialog_command_for(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(DialogCommand::Previous)
        );
        assert_eq!(
            command_for(&key(KeyCode::Char('D'), KeyModifiers::SHIFT)),
            Some(Command::Destroy)
        );
        assert!(section_rows(Section::Dialogs).len() == DIALOG_BINDINGS.len());
    }

    #[test]
    fn no_dialog_key_is_bound_twice() {
        let mut seen = Vec::new();
        for binding in DIALOG_BINDINGS {
            for key in binding.keys {
                let id = (format!("{:?}", key.code), key.modifiers);
                assert!(!seen.contains(&id), "{id:?} bound twice");
                seen.push(id);
            }
        }
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
