//! Files the TLS setup reads: CA certificates (a bundle file and/or a directory) and client PEMs.

use super::error::VaultError;
use crate::config::ConnectionSettings;

pub(super) fn read_file(path: &std::path::Path) -> Result<Vec<u8>, VaultError> {
    std::fs::read(path)
        .map_err(|e| VaultError::Config(format!("cannot read {}: {e}", path.display())))
}

pub(super) fn load_ca_certificates(
    settings: &ConnectionSettings,
) -> Result<Vec<reqwest::Certificate>, VaultError> {
    let mut files = Vec::new();
    if let Some(file) = &settings.ca_cert {
        files.push(file.clone());
    }
    if let Some(dir) = &settings.ca_path {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            VaultError::Config(format!("cannot read CA directory {}: {e}", dir.display()))
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    let mut certificates = Vec::new();
    for file in files {
        let pem = read_file(&file)?;
        let parsed = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            VaultError::Config(format!("bad CA certificate {}: {e}", file.display()))
        })?;
        certificates.extend(parsed);
    }
    Ok(certificates)
}
