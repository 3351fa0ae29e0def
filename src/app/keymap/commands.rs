//! The names of everything a key can do, and the screens (scopes) keys are looked up in. The
//! snake_case names are what the config file's `[keys]` tables use and what the help overlay shows.

macro_rules! named_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name the config file and the help overlay use.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn from_name(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|item| item.name() == text)
            }
        }
    };
}

named_enum! {
    /// Everything a key can do. One command may be bound in several scopes (each scope has its
    /// own keys for it: `reveal` is `s` in the main view and Ctrl-r in the secret form).
    pub enum Command {
        // Main view: moving.
        Up => "up",
        Down => "down",
        Open => "open",
        Collapse => "collapse",
        Top => "top",
        Bottom => "bottom",
        PageUp => "page_up",
        PageDown => "page_down",
        Filter => "filter",
        Find => "find",
        Jump => "jump",
        SwitchPane => "switch_pane",
        // Main view: the open secret.
        Reveal => "reveal",
        CopyValue => "copy_value",
        CopyPath => "copy_path",
        EditSecret => "edit",
        EditInEditor => "edit_in_editor",
        NewSecret => "new_secret",
        CopySecret => "copy_secret",
        NextTab => "next_tab",
        PreviousTab => "previous_tab",
        DataTab => "data_tab",
        VersionsTab => "versions_tab",
        MetadataTab => "metadata_tab",
        DiffTab => "diff_tab",
        SoftDelete => "soft_delete",
        Undelete => "undelete",
        Destroy => "destroy",
        Rollback => "rollback",
        DeleteAll => "delete_all",
        EditMetadata => "edit_metadata",
        // Main view: folders.
        MoveFolder => "move_folder",
        ExportFolder => "export_folder",
        ImportFolder => "import_folder",
        CompareFolders => "compare_folders",
        SearchValues => "search_values",
        // Versions and Diff tabs.
        MarkVersion => "mark",
        CompareVersions => "compare",
        OlderPair => "older",
        NewerPair => "newer",
        // Main view: session and general.
        Login => "login",
        SealScreen => "seal_screen",
        SwitchProfile => "switch_profile",
        SwitchNamespace => "switch_namespace",
        AppRoleBrowser => "approle_browser",
        Refresh => "refresh",
        Help => "help",
        Back => "back",
        Quit => "quit",
        // Dialogs and screens.
        Submit => "submit",
        Cancel => "cancel",
        Close => "close",
        Yes => "yes",
        No => "no",
        NextField => "next_field",
        PreviousField => "previous_field",
        NextChoice => "next_choice",
        PreviousChoice => "previous_choice",
        Toggle => "toggle",
        Complete => "complete",
        AddRow => "add_row",
        DeleteRow => "delete_row",
        ToggleJson => "toggle_json",
        Newline => "newline",
        OpenEditor => "open_editor",
        Reapply => "reapply",
        CopyDraft => "copy_draft",
        Discard => "discard",
        Overwrite => "overwrite",
        Logout => "logout",
        TypeName => "type_name",
        Unseal => "unseal",
        UnsealEach => "unseal_each",
        ResetProgress => "reset",
        Seal => "seal",
        SwitchList => "switch_list",
        NextMount => "next_mount",
        Generate => "generate",
        GenerateWrapped => "generate_wrapped",
        Copy => "copy",
        Recrawl => "recrawl",
        Retry => "retry",
        Leases => "leases",
        Renew => "renew",
        Revoke => "revoke",
        RevokePrefix => "revoke_prefix",
        // Response wrapping.
        WrapSecret => "wrap_secret",
        Unwrap => "unwrap",
        SaveToPath => "save_to_path",
        // The Transit screen.
        Encrypt => "encrypt",
        Decrypt => "decrypt",
        Rewrap => "rewrap",
        Sign => "sign",
        Verify => "verify",
        Rotate => "rotate",
        // The PKI screen and the expiring view (revoke: shared with the leases).
        Issue => "issue",
        CopyPrivateKey => "copy_private_key",
        ExpiringCertificates => "expiring_certificates",
        ChangeWindow => "change_window",
    }
}

named_enum! {
    /// A set of keys that are active together: the main view (with the Versions or Diff tab on
    /// top when shown), and each dialog and screen. Two commands may not share a key within one
    /// scope. In the config file, `[keys]` names the main view's commands (its tabs included) and
    /// `[keys.<scope>]` one scope.
    pub enum Scope {
        Main => "main",
        Versions => "versions",
        Diff => "diff",
        Filter => "filter_line",
        Jump => "jump_prompt",
        Help => "help_overlay",
        Confirm => "confirm",
        MetadataForm => "metadata_form",
        SecretForm => "secret_form",
        PathPrompt => "path_prompt",
        Conflict => "conflict",
        Login => "login_dialog",
        OidcWait => "oidc_wait",
        Picker => "picker",
        NamespaceName => "namespace_name",
        AppRole => "approle",
        WrapTtl => "wrap_ttl",
        Seal => "seal",
        UnsealShare => "unseal_share",
        Finder => "finder",
        Folder => "folder",
        FolderPrompt => "folder_prompt",
        Credentials => "credentials",
        CredentialsForm => "credentials_form",
        Leases => "leases_screen",
        LeasesPrefix => "leases_prefix",
        WrapPrompt => "wrap_prompt",
        Wrapped => "wrapped",
        UnwrapPrompt => "unwrap_prompt",
        Unwrapped => "unwrapped",
        Transit => "transit",
        TransitDialog => "transit_dialog",
        Pki => "pki",
        PkiIssue => "pki_issue",
        Expiring => "expiring",
        ExpiringDays => "expiring_days",
    }
}

impl Scope {
    /// The scopes `[keys]` (without a scope name) applies to: the main view and its tabs.
    pub const MAIN_VIEW: [Scope; 3] = [Scope::Main, Scope::Versions, Scope::Diff];

    /// Whether text is typed here: a plain character bound to a command would be eaten by it.
    /// (A confirmation's typed word is read by its question, which takes y and n as text.)
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Scope::Filter
                | Scope::Jump
                | Scope::MetadataForm
                | Scope::SecretForm
                | Scope::PathPrompt
                | Scope::Login
                | Scope::NamespaceName
                | Scope::UnsealShare
                | Scope::Finder
                | Scope::WrapTtl
                | Scope::FolderPrompt
                | Scope::CredentialsForm
                | Scope::LeasesPrefix
                | Scope::WrapPrompt
                | Scope::UnwrapPrompt
                | Scope::TransitDialog
                | Scope::PkiIssue
                | Scope::ExpiringDays
        )
    }

    /// The screen in words, for warnings.
    pub fn screen(self) -> &'static str {
        match self {
            Scope::Main => "the main view",
            Scope::Versions => "the Versions tab",
            Scope::Diff => "the Diff tab",
            Scope::Filter => "the filter line",
            Scope::Jump => "the jump prompt",
            Scope::Help => "the help overlay",
            Scope::Confirm => "a confirmation",
            Scope::MetadataForm => "the metadata form",
            Scope::SecretForm => "the secret form",
            Scope::PathPrompt => "the path prompt",
            Scope::Conflict => "the write conflict dialog",
            Scope::Login => "the login dialog",
            Scope::OidcWait => "the OIDC sign-in wait",
            Scope::Picker => "the profile and namespace pickers",
            Scope::NamespaceName => "typing a namespace",
            Scope::AppRole => "the AppRole browser",
            Scope::WrapTtl => "the wrapping TTL prompt",
            Scope::Seal => "the Seal screen",
            Scope::UnsealShare => "typing an unseal key share",
            Scope::Finder => "the finder",
            Scope::Folder => "the folder screens (plan, progress, report, comparison, search)",
            Scope::FolderPrompt => "the folder prompt",
            Scope::Credentials => "the credentials view",
            Scope::CredentialsForm => "the credentials request",
            Scope::Leases => "the Leases screen",
            Scope::LeasesPrefix => "typing a lease prefix",
            Scope::WrapPrompt => "the wrap prompt (its TTL)",
            Scope::Wrapped => "the wrapping token just made",
            Scope::UnwrapPrompt => "typing a wrapping token to unwrap",
            Scope::Unwrapped => "the unwrapped data",
            Scope::Transit => "the Transit screen",
            Scope::TransitDialog => "the Transit operation dialog",
            Scope::Pki => "the PKI screen",
            Scope::PkiIssue => "the PKI issue form",
            Scope::Expiring => "the expiring certificates view",
            Scope::ExpiringDays => "typing the expiring view's days",
        }
    }
}

impl Command {
    /// The commands that leave a screen: each screen keeps at least one key for them.
    pub fn is_way_out(self) -> bool {
        matches!(self, Command::Close | Command::Cancel)
    }

    /// Commands that act only while a choice or a checkbox has the focus (text fields take
    /// their keys as text), so a plain character may be bound to them where text is typed.
    pub fn acts_only_beside_text(self) -> bool {
        matches!(
            self,
            Command::Toggle | Command::NextChoice | Command::PreviousChoice
        )
    }
}

named_enum! {
    /// Headings of the help overlay and the README's key table, in order.
    pub enum Section {
        Navigate => "Navigate",
        Secret => "Secret",
        Write => "Write",
        History => "Versions (KV v2)",
        Folders => "Folders (on a folder or mount in the tree)",
        VersionsTab => "Versions tab",
        DiffTab => "Diff tab",
        Session => "Session",
        General => "General",
        FilterLine => "Filter line (opened by filter)",
        JumpPrompt => "Jump prompt (opened by jump)",
        Confirmations => "Confirmations",
        MetadataFormKeys => "Metadata form (opened by edit_metadata)",
        PathPromptKeys => "Path prompt (opened by new_secret, copy_secret, save_to_path)",
        SecretFormKeys => "Secret form (opened by edit, new_secret)",
        ConflictDialog => "Write conflict",
        LoginDialog => "Login dialog (opened by login)",
        OidcWaitKeys => "Login dialog: waiting for the OIDC sign-in in the browser",
        PickerKeys => "Profile and namespace pickers (opened by switch_profile, switch_namespace)",
        AppRoleKeys => "AppRole browser (opened by approle_browser)",
        WrapTtlKeys => "AppRole: the wrapping TTL (asked by generate_wrapped)",
        SealKeys => "Seal screen (opened by seal_screen)",
        UnsealShareKeys => "Unseal: typing a key share",
        FinderKeys => "Finder (opened by find)",
        FolderPromptKeys => "Folder prompt (opened by copy_secret, move_folder, export_folder, import_folder, compare_folders, search_values on a folder)",
        FolderKeys => "Folder plan, progress, report, comparison and search",
        HelpKeys => "This help (opened by help)",
        CredentialsFormKeys => "Credentials request (open on a mount of another engine: database, ssh, aws…)",
        CredentialsKeys => "Credentials and their lease",
        LeasesKeys => "Leases screen (opened by leases)",
        LeasesPrefixKeys => "Leases: typing a prefix",
        WrapKeys => "Wrapping a secret (opened by wrap_secret)",
        UnwrapKeys => "Unwrapping a wrapping token (opened by unwrap)",
        TransitKeys => "Transit screen (opened by open on a transit mount)",
        TransitDialogKeys => "Transit: encrypt, decrypt, rewrap, sign or verify dialog",
        PkiKeys => "PKI screen (open on a pki mount in the tree)",
        PkiIssueKeys => "PKI: the issue form (opened by issue on a role)",
        ExpiringKeys => "Expiring certificates (opened by expiring_certificates)",
        ExpiringDaysKeys => "Expiring certificates: the days (asked by change_window)",
    }
}

impl Section {
    pub fn title(self) -> &'static str {
        self.name()
    }
}
