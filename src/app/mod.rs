//! The pure state machine: `update(&mut App, Action) -> Vec<Effect>`. No I/O, no terminal.

pub mod action;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod secret_pane;
pub mod state;
pub mod tree;
pub mod update;

pub use action::{Action, Effect, RequestId};
pub use state::{App, Focus, Modal, StatusKind, StatusMessage};
pub use update::update;
