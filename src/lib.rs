//! tresor: a terminal UI for HashiCorp Vault and OpenBao.
//!
//! The crate is split the way data flows: `config` decides where to connect, `vault` talks HTTP and
//! knows nothing of the UI, `app` is the pure state machine, `ui` draws it, and `runtime` owns the
//! terminal and runs effects. `main.rs` only wires these together.

pub mod app;
pub mod certs;
pub mod certs_cli;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod demo;
pub mod devserver;
pub mod editor;
pub mod folder_cli;
pub mod logging;
pub mod ls;
pub mod owned_dir;
pub mod platform;
pub mod runtime;
pub mod secret;
pub mod status;
pub mod ui;
pub mod vault;
