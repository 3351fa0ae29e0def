//! Pure state tests: `update` is called with actions and keys; the resulting state, effects and screen text are checked. No server, no terminal.
//! One test binary per layer (one link instead of one per file); each file is a module.

#[path = "../support/mod.rs"]
mod support;

mod expiring;
mod faults;
mod finder;
mod folder;
mod history;
mod layout;
mod leases;
mod login;
mod login_oidc;
mod pki;
mod readme;
mod seal;
mod session;
mod token_countdown;
mod transit;
mod tree;
mod update;
mod wrapping;
mod write;
