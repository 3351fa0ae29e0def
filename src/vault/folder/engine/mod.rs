//! Planning and running folder operations against the server (I/O through `VaultClient` only),
//! one file per step: [`read`] walks trees and reads secrets and targets, [`planning`] makes the
//! plans, [`lossy`] refuses a move into KV v1 that would lose history, [`run`] runs a plan,
//! [`replay`] copies every version of one secret, [`read_back`] finishes a move.
//!
//! Reads are asked again on 429 (waited out) and 5xx / network trouble (a few times), as the
//! crawl does. Writes are sent once: a 5xx or a lost connection on a write is a failure (it may
//! have landed), never repeated; only a 429 on a write is waited out, because a rate-limit quota
//! refuses a request before it is handled.

mod lossy;
mod planning;
mod read;
mod read_back;
mod replay;
mod run;

pub use planning::{plan_copy, plan_delete, plan_import, plan_move};
pub(super) use read::{RawSecret, read_raw, under_any, walk};
pub use run::run;
