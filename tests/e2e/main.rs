//! End-to-end tests: the real `tresor` binary, in a pseudo-terminal (tests/support/pty.rs) or as a command, against real OpenBao dev servers.
//! One test binary per layer (one link instead of one per file); each file is a module.

#[path = "../support/mod.rs"]
mod support;

mod browse;
mod cli;
mod clipboard;
mod faults;
mod history;
mod hygiene;
mod keymap;
mod login;
mod oidc;
mod seal;
mod session;
mod token_seal;
mod tokens;
mod write;
