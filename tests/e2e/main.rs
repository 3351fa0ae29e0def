//! End-to-end tests: the real `tresor` binary, in a pseudo-terminal (tests/support/pty.rs) or as a command, against real OpenBao dev servers.
//! One test binary per layer (one link instead of one per file); each file is a module.

#[path = "../support/mod.rs"]
mod support;

mod browse;
mod certs;
mod cli;
mod clipboard;
#[cfg(target_os = "linux")]
mod clipboard_x11;
mod faults;
mod folder;
mod folder_tui;
mod history;
mod hygiene;
mod keymap;
mod leases;
mod login;
mod mtls;
mod oidc;
mod seal;
mod session;
mod token_seal;
mod tokens;
mod transit;
mod wrapping;
mod write;
