//! Client tests against a real OpenBao dev server (tests/support starts one per test on a free loopback port), plus the parsers under hostile input.
//! One test binary per layer (one link instead of one per file); each file is a module.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod crawl;
mod devserver;
mod faults;
mod folder;
mod fuzz_parsers;
mod jwt_cert;
mod kv;
mod ldap;
mod leases;
mod mtls;
mod oidc;
mod pki;
mod redirect;
mod seal;
mod tls;
mod tls_trust;
mod transit;
mod versions;
mod wrapping;
mod write;
