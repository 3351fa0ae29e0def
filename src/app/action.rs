//! What happens (actions, in) and what should be done about it (effects, out).

use super::tree::{Location, NodeId};
use crate::secret::SecretText;
use crate::vault::{KvSecret, MountInfo, SealStatus, TokenInfo, VaultError};
use crossterm::event::{KeyEvent, MouseEvent};
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
    TokenLookedUp(Result<TokenInfo, VaultError>),
    SealStatusLoaded(Result<SealStatus, VaultError>),
    /// The runtime copied something (or failed to); `description` never holds the value.
    Copied {
        description: String,
        result: Result<&'static str, String>,
        /// Whether a clear is scheduled.
        clears: bool,
    },
    ClipboardCleared {
        cleared: bool,
    },
    Quit,
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
    ReadSecret {
        request: RequestId,
        location: Location,
    },
    LookupToken,
    LoadSealStatus,
    Copy {
        text: SecretText,
        description: String,
        /// A secret value: cleared from the clipboard after the timeout. Paths are not.
        sensitive: bool,
    },
    Quit,
}
