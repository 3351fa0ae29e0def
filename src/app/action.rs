//! What happens (actions, in) and what should be done about it (effects, out).

use super::tree::NodeId;
use crate::secret::{SecretBytes, SecretText};
use crate::vault::Location;
use crate::vault::MetadataChange;
use crate::vault::approle::{AuthMount, RoleSetting, SecretIdAccessor};
use crate::vault::auth::GeneratedSecretId;
use crate::vault::folder;
use crate::vault::jobs::{FolderRequest, JobId, SharedPlan};
use crate::vault::leases::{
    Capabilities as LeaseCapabilities, IssueMethod, IssuedCredentials, LeaseDetails, LeaseRenewal,
};
use crate::vault::versions::VersionOperation;
use crate::vault::write::WriteMode;
use crate::vault::{
    Credentials, KvSecret, MountInfo, Renewal, SealStatus, SecretCapabilities, SecretMetadata,
    TokenInfo, VaultError,
};
use crossterm::event::{KeyEvent, MouseEvent};
use std::collections::BTreeMap;
use std::time::Duration;

pub type RequestId = u64;

#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Pasted text (bracketed paste), for the text inputs.
    Paste(String),
    Resize(u16, u16),
    /// Time since start; drives spinners, the TTL countdown and periodic refreshes.
    Tick(Duration),
    MountsLoaded {
        generation: u64,
        result: Result<Vec<MountInfo>, VaultError>,
    },
    FolderListed {
        generation: u64,
        node: NodeId,
        result: Result<Vec<String>, VaultError>,
    },
    SecretLoaded {
        request: RequestId,
        result: Result<KvSecret, VaultError>,
    },
    MetadataLoaded {
        request: RequestId,
        result: Result<SecretMetadata, VaultError>,
    },
    CapabilitiesLoaded {
        /// The secret's full path.
        key: String,
        result: Result<SecretCapabilities, VaultError>,
    },
    /// A version operation finished; `Ok(Some(n))` carries a rollback's new version.
    VersionsChanged {
        location: Location,
        operation: VersionOperation,
        result: Result<Option<u64>, VaultError>,
    },
    MetadataSaved {
        location: Location,
        result: Result<(), VaultError>,
    },
    /// `$EDITOR` closed: the file's text, or why the editing failed (nothing to write then).
    EditorClosed(Result<SecretText, crate::editor::EditorError>),
    SecretWritten {
        location: Location,
        /// The new version (KV v2).
        result: Result<Option<u64>, VaultError>,
    },
    TokenLookedUp(Result<TokenInfo, VaultError>),
    /// A login finished. The runtime takes the token out (for its client) before `update` sees it.
    LoggedIn(Result<LoginOutcome, LoginFailure>),
    LoggedOut(Result<(), VaultError>),
    /// News of an OIDC login waiting for the browser (it ends as `LoggedIn`, or `Failed`).
    Oidc(crate::vault::oidc::OidcProgress),
    TokenRenewed {
        increment: u64,
        result: Result<Renewal, VaultError>,
    },
    AppRoleMountsLoaded(Result<Vec<AuthMount>, VaultError>),
    AppRolesLoaded {
        mount: String,
        result: Result<Vec<String>, VaultError>,
    },
    AppRoleLoaded {
        role: String,
        settings: Result<Vec<RoleSetting>, VaultError>,
        role_id: Result<String, VaultError>,
        accessors: Result<Vec<SecretIdAccessor>, VaultError>,
    },
    SecretIdGenerated {
        role: String,
        result: Result<GeneratedSecretId, VaultError>,
    },
    SecretIdDestroyed {
        accessor: String,
        result: Result<(), VaultError>,
    },
    NamespacesLoaded(Result<Vec<String>, VaultError>),
    /// Paths the finder's crawl found (full paths, `mount/…`).
    CrawlFound {
        generation: u64,
        paths: Vec<String>,
    },
    CrawlProgress {
        generation: u64,
        folders: usize,
        skipped: usize,
    },
    /// The crawl ended: `Ok(true)` when every mount was scanned server-side; an error when the
    /// mounts could not be listed.
    CrawlFinished {
        generation: u64,
        result: Result<bool, VaultError>,
    },
    SealOverviewLoaded(Box<crate::vault::seal::SealOverview>),
    UnsealAnswered {
        addr: String,
        reset: bool,
        result: Result<SealStatus, VaultError>,
    },
    SealAnswered {
        addr: String,
        result: Result<(), VaultError>,
    },
    ProfileSwitched(Result<super::picker::ProfileSwitch, crate::config::profiles::SwitchError>),
    /// A request was refused and the token no longer works: `retry` goes out again after a login.
    SessionLost {
        retry: Box<Effect>,
    },
    SealStatusLoaded(Result<SealStatus, VaultError>),
    /// A read met a rate limit or a server error and goes out again after a pause.
    Retrying {
        /// What was asked, in words (`listing secret/app/`), never a value.
        what: String,
        attempt: u32,
        of: u32,
        after: Duration,
        /// The answer that is waited out (a 429 or a 5xx).
        reason: VaultError,
    },
    /// The runtime copied something (or failed to); `description` never holds the value.
    Copied {
        description: String,
        result: Result<&'static str, crate::clipboard::CopyError>,
        /// Whether a clear is scheduled.
        clears: bool,
        /// The copy may not have reached the clipboard (an OSC 52 sequence too long for many
        /// terminals): said after the rest.
        warning: Option<String>,
    },
    ClipboardCleared {
        outcome: crate::clipboard::ClearOutcome,
    },
    /// A folder job's planning or run went on (walking, checking, one more secret done).
    FolderProgress {
        job: JobId,
        progress: folder::Progress,
    },
    /// A copy, move, delete or import was planned (nothing written yet), or why it could not be.
    FolderPlanned {
        job: JobId,
        result: Result<SharedPlan, folder::FolderError>,
    },
    /// A plan ran (to its end, or until stopped): every item's outcome.
    FolderRan {
        job: JobId,
        report: folder::Report,
        /// Something failed and the server no longer accepts the token.
        token_refused: bool,
    },
    /// The export file exists and the user did not say to replace it: nothing was read.
    ExportFileExists {
        job: JobId,
    },
    FolderExported {
        job: JobId,
        result: Result<folder::ExportSummary, folder::FolderError>,
    },
    FoldersDiffed {
        job: JobId,
        result: Result<folder::TreeDiff, folder::FolderError>,
    },
    /// Matches of a value search, as they are found.
    ValuesFound {
        job: JobId,
        matches: Vec<folder::GrepMatch>,
    },
    ValueSearchFinished {
        job: JobId,
        result: Result<folder::GrepSummary, folder::FolderError>,
    },
    /// An answer for the PKI screen on `mount`.
    Pki {
        mount: String,
        answer: crate::vault::pki::PkiAnswer,
    },
    /// The certificates that end within the expiring view's window.
    ExpiringFound {
        request: RequestId,
        result: Result<crate::vault::expiring::Report, VaultError>,
    },
    Quit,
    /// An engine's answer to a request for credentials (values and lease).
    CredentialsIssued {
        request: RequestId,
        result: Result<IssuedCredentials, VaultError>,
    },
    LeasesListed {
        prefix: String,
        result: Result<Vec<String>, VaultError>,
    },
    LeaseLookedUp {
        lease_id: String,
        result: Result<LeaseDetails, VaultError>,
    },
    LeaseRenewed {
        lease_id: String,
        result: Result<LeaseRenewal, VaultError>,
    },
    LeaseRevoked {
        lease_id: String,
        result: Result<(), VaultError>,
    },
    LeasePrefixRevoked {
        prefix: String,
        result: Result<(), VaultError>,
    },
    LeaseCapabilitiesLoaded(Result<LeaseCapabilities, VaultError>),
    /// What the token may do on `sys/wrapping/wrap`.
    WrapCapabilityLoaded(Result<Vec<String>, VaultError>),
    /// A secret's current data was read and wrapped (the wrapping token, shown once).
    SecretWrapped {
        location: Location,
        result: Result<crate::vault::wrapping::WrappedSecret, VaultError>,
    },
    /// What a wrapping token is (it was not used).
    WrappingTokenLookedUp {
        request: RequestId,
        result: Result<crate::vault::wrapping::WrapLookup, VaultError>,
    },
    /// A wrapping token was unwrapped (used up): its data.
    TokenUnwrapped(Result<crate::vault::wrapping::UnwrappedData, VaultError>),
    /// The Transit screen's request on `mount` came back.
    TransitAnswered {
        mount: String,
        answer: crate::vault::transit::TransitAnswer,
    },
    /// A refusal made the runtime ask whether the token still works (`lookup-self`), and it
    /// does: that question spent a use of a use-limited token.
    TokenStillAccepted,
}

#[derive(Debug, PartialEq)]
pub enum Effect {
    LoadMounts {
        generation: u64,
    },
    ListFolder {
        generation: u64,
        node: NodeId,
        location: Location,
    },
    /// Reads a secret; for KV v2 a given version, or the current one.
    ReadSecret {
        request: RequestId,
        location: Location,
        version: Option<u64>,
    },
    LoadMetadata {
        request: RequestId,
        location: Location,
    },
    LoadCapabilities {
        location: Location,
    },
    ChangeVersions {
        location: Location,
        operation: VersionOperation,
    },
    /// Suspends the TUI, opens `text` in `$VISUAL`/`$EDITOR` in a private temp file, resumes, and
    /// answers with `EditorClosed`.
    EditInEditor {
        text: SecretText,
    },
    WriteSecret {
        location: Location,
        body: SecretBytes,
        /// Create (never replacing), replace (KV v2 check-and-set) or merge-patch.
        mode: WriteMode,
    },
    SaveMetadata {
        location: Location,
        change: MetadataChange,
        /// The custom metadata before the change (for servers without PATCH).
        current_custom: BTreeMap<String, String>,
    },
    LookupToken,
    LoadSealStatus,
    Login {
        credentials: Credentials,
        /// Where to keep the new token (the token file, 0600, or the CLI's token helper), when
        /// the user asked, as `bao login` does.
        save_to: Option<crate::config::TokenStore>,
    },
    /// Revokes the token (revoke-self) and forgets it; a token helper is asked to erase it too.
    Logout {
        erase_from: Option<crate::config::TokenStore>,
    },
    /// Listens for the browser, asks for the provider's URL and opens it (`runtime::oidc`).
    OidcLogin(crate::vault::oidc::OidcRequest),
    /// Stops the OIDC wait: the listener closes, the port is free.
    CancelOidc,
    RenewToken {
        increment: u64,
    },
    LoadNamespaces,
    /// Walks every KV mount the token can see, streaming the paths back.
    CrawlAll {
        generation: u64,
    },
    /// Seal status of each node (at its own address), the leader, and `sys/ha-status` (unless
    /// `ask_cluster` is off: a use-limited token would spend a use on it every refresh).
    LoadSealOverview {
        nodes: Vec<String>,
        ask_cluster: bool,
    },
    Unseal {
        addr: String,
        share: SecretText,
    },
    UnsealReset {
        addr: String,
    },
    SealNode {
        addr: String,
    },
    /// The client sends this namespace from now on (`None`: root).
    SwitchNamespace {
        namespace: Option<String>,
    },
    /// The runtime keeps the current profile's client (and token) and takes up the other's.
    SwitchProfile {
        name: String,
    },
    LoadAppRoleMounts,
    LoadAppRoles {
        mount: String,
    },
    /// A role's settings, role-id and secret-id accessors.
    LoadAppRole {
        mount: String,
        role: String,
    },
    GenerateSecretId {
        mount: String,
        role: String,
        /// Response-wrap with this TTL (seconds).
        wrap_ttl: Option<u64>,
    },
    DestroySecretId {
        mount: String,
        role: String,
        accessor: String,
    },
    Copy {
        text: SecretText,
        description: String,
        /// A secret value: cleared from the clipboard after the timeout. Paths are not.
        sensitive: bool,
    },
    /// Gives up on every read still waiting for the server (each answers `Cancelled`).
    CancelReads,
    /// Starts a folder job: planning, export, diff or value search (progress and the answer come
    /// back as `Folder*` actions with `job`).
    StartFolderJob {
        job: JobId,
        request: FolderRequest,
    },
    /// Runs a plan the user confirmed.
    RunFolderPlan {
        job: JobId,
        plan: SharedPlan,
        choices: folder::Choices,
    },
    /// Stops a folder job: a run, export or search between secrets (its report still comes); a
    /// planning or diff (which only read) is dropped.
    CancelFolderJob {
        job: JobId,
    },
    /// A request on a PKI mount (lists, details, revoke, issue, capabilities).
    Pki {
        mount: String,
        request: crate::vault::pki::PkiRequest,
    },
    /// Every KV and PKI mount walked for certificates ending within `days`.
    FindExpiring {
        request: RequestId,
        days: u32,
    },
    Quit,
    /// Asks an engine for credentials at `mount` + `path` (a read, or a write with fields).
    IssueCredentials {
        request: RequestId,
        mount: String,
        path: String,
        method: IssueMethod,
    },
    /// `LIST sys/leases/lookup/<prefix>`.
    ListLeases {
        prefix: String,
    },
    LookupLease {
        lease_id: String,
    },
    /// Renews a lease for `increment` seconds (`None`: the engine's default).
    RenewLease {
        lease_id: String,
        increment: Option<u64>,
    },
    RevokeLease {
        lease_id: String,
    },
    RevokeLeasePrefix {
        prefix: String,
    },
    /// What the token may do on these `sys/leases/…` paths.
    LoadLeaseCapabilities {
        paths: Vec<String>,
    },
    /// What the token may do on `sys/wrapping/wrap`.
    LoadWrapCapability,
    /// Reads the secret's current version and wraps its data for `ttl` seconds.
    WrapSecret {
        location: Location,
        ttl: u64,
    },
    /// Looks a wrapping token up without using it (asked without the session's token).
    LookupWrappingToken {
        request: RequestId,
        token: crate::secret::Token,
    },
    /// Unwraps a wrapping token (it is used up), with the wrapping token as the token.
    UnwrapToken {
        token: crate::secret::Token,
    },
    /// A Transit mount's keys, a key, an operation on a key or its rotation.
    Transit {
        mount: String,
        request: crate::vault::transit::TransitRequest,
    },
}

/// What answering an action's request did to a use-limited token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cost {
    /// One use less, when it succeeded (refusals spend one too: the count stays an upper bound).
    Use,
    /// None: `sys/internal/ui/mounts`, the seal endpoints, and lookups (which report the uses
    /// left after themselves). Checked against OpenBao 2.7.2.
    Free,
    /// Two uses (a read, then a write), when it succeeded.
    TwoUses,
}

/// A server's answer carried by an action.
struct ServerAnswer<'a> {
    result: Result<(), &'a VaultError>,
    cost: Cost,
    /// Watched by the runtime and the connectivity sign: a refusal may mean the session is lost
    /// (asked again after a login), a read is asked again after 429/5xx, an error says whether
    /// the server is reachable. Answers their own screen handles entirely are not.
    watched: bool,
}

impl Action {
    /// Every server answer, in one table: how it came back, what it cost, whether it is watched
    /// (`None`: the action is not a server answer).
    fn server_answer(&self) -> Option<ServerAnswer<'_>> {
        fn answer<T>(
            result: &Result<T, VaultError>,
            cost: Cost,
            watched: bool,
        ) -> ServerAnswer<'_> {
            ServerAnswer {
                result: result.as_ref().map(|_| ()),
                cost,
                watched,
            }
        }
        use Cost::{Free, Use};
        Some(match self {
            Action::MountsLoaded { result, .. } => answer(result, Free, true),
            Action::FolderListed { result, .. } => answer(result, Use, true),
            Action::SecretLoaded { result, .. } => answer(result, Use, true),
            Action::MetadataLoaded { result, .. } => answer(result, Use, true),
            Action::CapabilitiesLoaded { result, .. } => answer(result, Use, true),
            Action::VersionsChanged { result, .. } => answer(result, Use, true),
            Action::MetadataSaved { result, .. } => answer(result, Use, true),
            Action::SecretWritten { result, .. } => answer(result, Use, true),
            Action::TokenLookedUp(result) => answer(result, Free, true),
            Action::SealStatusLoaded(result) => answer(result, Free, true),
            Action::NamespacesLoaded(result) => answer(result, Use, true),
            Action::AppRoleMountsLoaded(result) => answer(result, Use, true),
            Action::TokenRenewed { result, .. } => answer(result, Use, false),
            Action::AppRolesLoaded { result, .. } => answer(result, Use, false),
            Action::SecretIdGenerated { result, .. } => answer(result, Use, false),
            Action::SecretIdDestroyed { result, .. } => answer(result, Use, false),
            Action::CredentialsIssued { result, .. } => answer(result, Use, false),
            Action::LeasesListed { result, .. } => answer(result, Use, true),
            Action::LeaseLookedUp { result, .. } => answer(result, Use, true),
            Action::LeaseRenewed { result, .. } => answer(result, Use, false),
            Action::LeaseRevoked { result, .. } => answer(result, Use, false),
            Action::LeasePrefixRevoked { result, .. } => answer(result, Use, false),
            Action::LeaseCapabilitiesLoaded(result) => answer(result, Use, true),
            // Wrapping: the capability question is one use, the wrap reads then writes, and the
            // lookup and unwrap are not made with the session's token.
            Action::WrapCapabilityLoaded(result) => answer(result, Use, false),
            Action::SecretWrapped { result, .. } => answer(result, Cost::TwoUses, false),
            Action::WrappingTokenLookedUp { result, .. } => answer(result, Free, false),
            Action::TokenUnwrapped(result) => answer(result, Free, false),
            Action::TransitAnswered {
                answer: transit, ..
            } => ServerAnswer {
                result: transit.result(),
                cost: Use,
                watched: false,
            },
            Action::Pki { answer: pki, .. } => ServerAnswer {
                result: pki.result(),
                cost: Use,
                watched: false,
            },
            Action::ExpiringFound { result, .. } => answer(result, Use, false),
            Action::TokenStillAccepted => ServerAnswer {
                result: Ok(()),
                cost: Use,
                watched: false,
            },
            _ => return None,
        })
    }

    /// How a watched server answer came back (`None`: the action is not one).
    fn server_result(&self) -> Option<Result<(), &VaultError>> {
        self.server_answer()
            .filter(|answer| answer.watched)
            .map(|answer| answer.result)
    }

    /// The error a server answer carries, if any.
    pub fn error(&self) -> Option<&VaultError> {
        self.server_result()?.err()
    }

    /// A server answer, fine or a refusal the server sent (the server is reachable).
    pub fn is_answer_from_server(&self) -> bool {
        match self.server_result() {
            Some(Ok(())) => true,
            Some(Err(error)) => error.server_answered(),
            None => false,
        }
    }

    /// A successful answer to a request made with the token: a use-limited token has one use
    /// less.
    pub fn spends_a_use(&self) -> bool {
        self.uses_spent() > 0
    }

    /// How many uses of a use-limited token an answer spent. The server spends a use on every
    /// request it checks the token for, a refusal too (403, 404, 400: checked on OpenBao);
    /// a request that never reached it, or that it could not serve, spends none.
    pub fn uses_spent(&self) -> u64 {
        let uses = |cost: Cost| match cost {
            Cost::Use => 1,
            Cost::TwoUses => 2,
            Cost::Free => 0,
        };
        match self.server_answer() {
            Some(answer) if answer.result.is_ok() => uses(answer.cost),
            // A two-use request refused spent at least its first.
            Some(answer) if answer.result.is_err_and(VaultError::spends_a_use) => {
                uses(answer.cost).min(1)
            }
            _ => 0,
        }
    }
}

impl Effect {
    /// Reads that change nothing on the server, so asking again after a 429 or 5xx is safe.
    pub fn is_read(&self) -> bool {
        self.is_cancellable()
            || matches!(
                self,
                Effect::LookupToken
                    | Effect::LoadSealStatus
                    | Effect::LoadNamespaces
                    | Effect::LoadAppRoleMounts
                    | Effect::LoadAppRoles { .. }
                    | Effect::LoadAppRole { .. }
                    | Effect::ListLeases { .. }
                    | Effect::LookupLease { .. }
                    | Effect::LoadLeaseCapabilities { .. }
            )
    }

    /// Reads the user waits for, which Esc gives up on (background checks and walks go on).
    pub fn is_cancellable(&self) -> bool {
        matches!(
            self,
            Effect::LoadMounts { .. }
                | Effect::ListFolder { .. }
                | Effect::ReadSecret { .. }
                | Effect::LoadMetadata { .. }
                | Effect::LoadCapabilities { .. }
        )
    }

    /// What a request asks, in words for a status line (paths only, never values).
    pub fn describe(&self) -> String {
        match self {
            Effect::LoadMounts { .. } => "listing the mounts".into(),
            Effect::ListFolder { location, .. } => format!("listing {}", location.display()),
            Effect::ReadSecret { location, .. } => format!("reading {}", location.display()),
            Effect::LoadMetadata { location, .. } => {
                format!("reading the metadata of {}", location.display())
            }
            Effect::LoadCapabilities { location } => {
                format!("asking what the token may do on {}", location.display())
            }
            Effect::LookupToken => "looking up the token".into(),
            Effect::LoadSealStatus => "reading the seal status".into(),
            Effect::LoadNamespaces => "listing namespaces".into(),
            Effect::ListLeases { prefix } => format!("listing the leases under {prefix:?}"),
            Effect::LookupLease { lease_id } => format!("looking up the lease {lease_id}"),
            Effect::LoadLeaseCapabilities { .. } => {
                "asking what the token may do with leases".into()
            }
            _ => "a request".into(),
        }
    }
}

/// Defined beside the client, which logs in; named here for the app's code.
pub use crate::vault::auth::{LoginFailure, LoginOutcome};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_says_what_each_answer_costs_and_whether_it_is_watched() {
        let listed = |result| Action::FolderListed {
            generation: 0,
            node: 0,
            result,
        };
        assert!(listed(Ok(vec![])).spends_a_use());
        assert!(!listed(Err(VaultError::Sealed)).spends_a_use());
        assert_eq!(
            listed(Err(VaultError::Sealed)).error(),
            Some(&VaultError::Sealed)
        );
        let mounts = Action::MountsLoaded {
            generation: 0,
            result: Ok(vec![]),
        };
        assert!(!mounts.spends_a_use() && mounts.is_answer_from_server());
        // Renewals spend a use, and their own flow handles their errors.
        let renewed = |result| Action::TokenRenewed {
            increment: 60,
            result,
        };
        assert!(
            renewed(Ok(Renewal {
                lease_duration: 60,
                renewable: true,
                warnings: vec![],
            }))
            .spends_a_use()
        );
        assert_eq!(renewed(Err(VaultError::Sealed)).error(), None);
        assert!(!Action::Quit.spends_a_use() && Action::Quit.error().is_none());
    }

    #[test]
    fn a_refusal_spends_a_use_and_no_answer_spends_none() {
        let looked_up = |result| Action::LeaseLookedUp {
            lease_id: "ssh/creds/otp/x".into(),
            result,
        };
        let denied = VaultError::PermissionDenied {
            path: "sys/leases/lookup".into(),
            operation: crate::vault::Operation::Write,
        };
        assert_eq!(looked_up(Err(denied)).uses_spent(), 1);
        let bad = VaultError::Server {
            status: 400,
            path: "sys/leases/lookup".into(),
            errors: vec!["invalid lease".into()],
        };
        assert_eq!(looked_up(Err(bad)).uses_spent(), 1);
        assert_eq!(
            looked_up(Err(VaultError::Network("x".into()))).uses_spent(),
            0
        );
        assert_eq!(looked_up(Err(VaultError::Sealed)).uses_spent(), 0);
        assert_eq!(Action::TokenStillAccepted.uses_spent(), 1);
    }
}
