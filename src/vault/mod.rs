//! The Vault/OpenBao HTTP client. Knows nothing of the UI; every call returns a typed [`VaultError`].

pub mod approle;
pub mod auth;
pub mod client;
pub mod crawl;
pub mod error;
pub mod expiring;
pub mod folder;
pub mod jobs;
pub mod kv;
pub mod leases;
pub mod location;
pub mod oidc;
pub mod path;
pub mod pki;
pub mod seal;
pub mod sys;
mod tls;
pub mod transit;
pub mod versions;
pub mod wrapping;
pub mod write;

pub use auth::{AuthMethod, Credentials, JwtSource, Login, Renewal};
pub use client::{Operation, VaultClient};
pub use error::VaultError;
pub use kv::{KvSecret, KvVersion, MountInfo, SecretEngine, SecretEntry, VersionState};
pub use location::Location;
pub use sys::{SealStatus, TokenInfo};
pub use tls::http_client_builder;
pub use versions::{MetadataChange, SecretCapabilities, SecretMetadata, VersionInfo};
