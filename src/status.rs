//! `tresor status`: the seal and HA state of one or more nodes for scripts and pagers, like
//! `bao status`: exit 0 when every node is unsealed, 2 when any is sealed, 1 on errors.

use crate::vault::seal::Health;
use crate::vault::{SealStatus, VaultClient, VaultError};
use serde_json::{Value, json};

/// One node's answers.
#[derive(Debug, Clone)]
pub struct NodeState {
    pub addr: String,
    pub status: Result<SealStatus, VaultError>,
    pub health: Option<Health>,
}

pub const EXIT_UNSEALED: u8 = crate::cli::exit::OK;
pub const EXIT_ERROR: u8 = crate::cli::exit::ERROR;
pub const EXIT_SEALED: u8 = crate::cli::exit::SEALED;

/// 2 when any node is sealed (or not initialized), else 1 when any could not be asked, else 0.
pub fn exit_code(nodes: &[NodeState]) -> u8 {
    let sealed = nodes
        .iter()
        .any(|n| matches!(&n.status, Ok(s) if s.sealed || !s.initialized));
    if sealed {
        EXIT_SEALED
    } else if nodes.iter().any(|n| n.status.is_err()) {
        EXIT_ERROR
    } else {
        EXIT_UNSEALED
    }
}

fn role(node: &NodeState) -> &'static str {
    match (&node.status, node.health) {
        (Ok(s), _) if s.sealed || !s.initialized => "-",
        (Ok(_), Some(health)) => health.label(),
        _ => "-",
    }
}

/// What a failed node is, in a word: unreachable only when it did not answer; a refused TLS
/// handshake or a refusal by the server is said as such.
fn error_state(error: &VaultError) -> &'static str {
    match error {
        VaultError::Network(_) | VaultError::Timeout(_) => "UNREACHABLE",
        VaultError::Tls(_) | VaultError::ClientCertificate(_) => "TLS REFUSED",
        VaultError::PlainHttp(_) => "NOT TLS",
        VaultError::Redirect(_) => "REDIRECTED",
        _ => "ERROR",
    }
}

/// A table, one node a line.
pub fn render_text(nodes: &[NodeState]) -> String {
    const HEADER: [&str; 7] = [
        "NODE", "STATE", "ROLE", "PROGRESS", "SEAL", "VERSION", "STORAGE",
    ];
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|node| match &node.status {
            Ok(s) => vec![
                node.addr.clone(),
                if !s.initialized {
                    "not initialized"
                } else if s.sealed {
                    "SEALED"
                } else {
                    "unsealed"
                }
                .to_string(),
                role(node).to_string(),
                if s.sealed {
                    format!("{}/{}", s.progress, s.threshold)
                } else {
                    "-".into()
                },
                format!("{} {}/{}", s.seal_type, s.threshold, s.shares),
                s.version.clone(),
                s.storage_type.clone().unwrap_or_else(|| "-".into()),
            ],
            Err(error) => vec![
                node.addr.clone(),
                error_state(error).to_string(),
                error.to_string(),
            ],
        })
        .collect();
    // Each column as wide as its widest cell (display width), except a failed node's message,
    // which runs on to the end of its line.
    let mut widths: Vec<usize> = HEADER.iter().map(|h| h.len()).collect();
    for row in &rows {
        let cells = if row.len() == HEADER.len() {
            row.len()
        } else {
            2
        };
        for (column, cell) in row.iter().take(cells).enumerate() {
            widths[column] = widths[column].max(crate::app::width::width(cell));
        }
    }
    let line = |cells: &[String]| {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if column + 1 < cells.len() {
                let pad = widths[column].saturating_sub(crate::app::width::width(cell)) + 1;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        text.trim_end().to_string()
    };
    let mut out = line(&HEADER.map(String::from));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// The same as JSON: a list of objects (`error` set for a node that could not be asked).
pub fn render_json(nodes: &[NodeState]) -> Value {
    Value::Array(
        nodes
            .iter()
            .map(|node| match &node.status {
                Ok(s) => json!({
                    "address": node.addr,
                    "initialized": s.initialized,
                    "sealed": s.sealed,
                    "type": s.seal_type,
                    "threshold": s.threshold,
                    "shares": s.shares,
                    "progress": s.progress,
                    "nonce": s.nonce,
                    "version": s.version,
                    "build_date": s.build_date,
                    "storage_type": s.storage_type,
                    "cluster_name": s.cluster_name,
                    "cluster_id": s.cluster_id,
                    "ha_role": node.health.map(|h| h.label()),
                }),
                Err(error) => json!({"address": node.addr, "error": error.to_string()}),
            })
            .collect(),
    )
}

/// Asks every address at once.
pub async fn gather(client: &VaultClient, addresses: &[String]) -> Vec<NodeState> {
    let asks = addresses.iter().map(|addr| async move {
        match client.for_node(addr) {
            Ok(node) => {
                let (status, health) = tokio::join!(node.seal_status(), node.health());
                NodeState {
                    addr: addr.clone(),
                    status,
                    health: health.ok(),
                }
            }
            Err(error) => NodeState {
                addr: addr.clone(),
                status: Err(error),
                health: None,
            },
        }
    });
    futures_util::future::join_all(asks).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(addr: &str, sealed: Option<bool>) -> NodeState {
        NodeState {
            addr: addr.into(),
            status: match sealed {
                Some(sealed) => Ok(SealStatus {
                    seal_type: "shamir".into(),
                    initialized: true,
                    sealed,
                    threshold: 2,
                    shares: 3,
                    progress: u32::from(sealed),
                    version: "2.7.2".into(),
                    storage_type: Some("raft".into()),
                    ..SealStatus::default()
                }),
                None => Err(VaultError::Network("connection refused".into())),
            },
            health: Some(if sealed == Some(false) {
                Health::Active
            } else {
                Health::Sealed
            }),
        }
    }

    #[test]
    fn exit_codes_follow_bao_status() {
        assert_eq!(exit_code(&[node("a", Some(false))]), 0);
        assert_eq!(
            exit_code(&[node("a", Some(false)), node("b", Some(true))]),
            2
        );
        assert_eq!(exit_code(&[node("a", Some(false)), node("b", None)]), 1);
        assert_eq!(exit_code(&[node("a", Some(true)), node("b", None)]), 2);
    }

    #[test]
    fn text_and_json_name_every_node() {
        let nodes = [
            node("http://a:8200", Some(false)),
            node("http://b:8200", Some(true)),
            node("http://c:8200", None),
        ];
        let text = render_text(&nodes);
        assert!(
            text.contains("http://a:8200") && text.contains("unsealed") && text.contains("active")
        );
        assert!(text.contains("SEALED") && text.contains("1/2"));
        assert!(text.contains("UNREACHABLE") && text.contains("connection refused"));
        let json = render_json(&nodes);
        assert_eq!(json[1]["sealed"], true);
        assert_eq!(json[1]["progress"], 1);
        assert!(json[2]["error"].as_str().unwrap().contains("refused"));
    }

    #[test]
    fn columns_line_up_whatever_the_seal_type() {
        let nodes = [
            node("http://a:8200", Some(false)),
            node("http://bb-longer-name.example:8200", Some(true)),
        ];
        let text = render_text(&nodes);
        let lines: Vec<&str> = text.lines().collect();
        let column = |line: &str, word: &str| line.find(word).unwrap();
        let version = column(lines[0], "VERSION");
        for line in &lines[1..] {
            assert_eq!(column(line, "2.7.2"), version, "{text}");
        }
    }

    #[test]
    fn a_refused_certificate_is_not_called_unreachable() {
        let mut tls = node("https://d:8200", None);
        tls.status = Err(VaultError::Tls(
            "the server's certificate is not trusted".into(),
        ));
        let text = render_text(&[tls]);
        assert!(text.contains("TLS REFUSED"), "{text}");
        assert!(!text.contains("UNREACHABLE"), "{text}");
    }
}
