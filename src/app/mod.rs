//! The pure state machine: `update(&mut App, Action) -> Vec<Effect>`. No I/O, no terminal.

pub mod action;
pub mod approle_browser;
pub mod component;
pub mod confirm;
pub mod connectivity;
mod copy;
pub mod diff;
pub mod edit;
pub mod errors;
pub mod expiring;
pub mod finder;
pub mod folder;
pub mod help;
pub mod history;
pub mod input;
pub mod jump;
pub mod keymap;
mod keys;
pub mod layout;
pub mod login;
pub mod metadata_form;
mod mouse;
pub mod picker;
pub mod pki;
pub mod seal;
pub mod secret_pane;
pub mod session;
pub mod state;
pub mod tree;
pub mod update;
pub mod width;
pub mod write;

pub use action::{Action, Effect, LoginOutcome, RequestId};
pub use copy::bao_command;
pub use state::{App, Focus, Modal, StatusKind, StatusMessage};
pub use update::update;
