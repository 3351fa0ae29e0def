//! Render snapshot tests: app states drawn into a ratatui TestBackend and compared with insta snapshots in `snapshots/`.
//! One test binary per layer (one link instead of one per file); each file is a module.

#[path = "../support/mod.rs"]
mod support;

mod approle;
mod certs;
mod folder;
mod history;
mod leases;
mod login_oidc;
mod picker;
mod prompts;
mod screens;
mod seal;
mod secret_pane;
mod session;
mod theme;
mod transit;
mod wrapping;
mod write;
