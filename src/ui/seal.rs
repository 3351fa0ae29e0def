//! The Seal screen: a table of nodes (state, role, unseal progress, version, last echo), the
//! selected node's details, and the share field (masked), the seal question and the last answer.

use super::dialog::{hint_if_empty, masked_spans, panel_area, wrapped_height};
use super::text::sanitize;
use super::{spinner, theme};
use crate::app::App;
use crate::app::keymap::{Command, Keymap, Scope};
use crate::app::seal::SealState;
use crate::app::seal::{NodeView, SealMode, SealScreen};
use crate::app::state::Loadable;
use crate::vault::VaultError;
use crate::vault::seal::Health;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// `▰▰▱ 1/2`: unseal progress towards the threshold.
pub fn progress_bar(progress: u32, threshold: u32) -> String {
    let threshold = threshold.max(1);
    let done = progress.min(threshold) as usize;
    format!(
        "{}{} {progress}/{threshold}",
        "▰".repeat(done),
        "▱".repeat(threshold as usize - done)
    )
}

fn state_span(node: &NodeView) -> Span<'static> {
    match &node.status {
        Loadable::Loading => Span::styled("…", theme::dim()),
        // Worded as `tresor status` words them: only no answer at all is UNREACHABLE.
        Loadable::Failed(_) => match SealState::of(&node.status) {
            SealState::Sealed => Span::styled("SEALED", theme::warning()),
            SealState::Unreachable => Span::styled("UNREACHABLE", theme::error()),
            SealState::TlsRefused | SealState::ClientCertificateRefused => {
                Span::styled("TLS REFUSED", theme::error())
            }
            SealState::PlainHttp => Span::styled("NOT TLS", theme::error()),
            SealState::Redirected => Span::styled("REDIRECTED", theme::error()),
            _ => Span::styled("ERROR", theme::error()),
        },
        Loadable::Ready(status) if !status.initialized => {
            Span::styled("NOT INITIALIZED", theme::warning())
        }
        Loadable::Ready(status) if status.sealed => Span::styled("SEALED", theme::warning()),
        Loadable::Ready(_) => Span::styled("unsealed", theme::ok()),
    }
}

fn role(node: &NodeView) -> String {
    if matches!(
        SealState::of(&node.status),
        SealState::Sealed | SealState::NotInitialized
    ) {
        return "—".to_string();
    }
    if let Some(ha) = &node.ha {
        return if ha.active_node { "active" } else { "standby" }.to_string();
    }
    match node.health {
        Some(Health::Sealed) | None => "—".to_string(),
        Some(health) => health.label().to_string(),
    }
}

fn node_row(node: &NodeView, selected: bool) -> Line<'static> {
    let marker = if selected { "›" } else { " " };
    let (progress, version) = match &node.status {
        Loadable::Ready(status) if status.sealed && status.initialized => (
            progress_bar(status.progress, status.threshold),
            status.version.clone(),
        ),
        Loadable::Ready(status) => (String::new(), status.version.clone()),
        _ => (String::new(), String::new()),
    };
    let echo = node
        .ha
        .as_ref()
        .and_then(|ha| ha.last_echo.clone())
        .map(|t| t.get(11..19).unwrap_or(&t).to_string())
        .unwrap_or_default();
    let state = state_span(node);
    let state_width = super::text::width(&state.content);
    let base = if selected {
        theme::selected(true)
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(format!("{marker} {:<30} ", sanitize(&node.addr)), base),
        state,
        Span::styled(
            format!(
                "{:pad$} {:<10} {:<10} {:<9} {}",
                "",
                role(node),
                progress,
                sanitize(&version),
                echo,
                pad = 15usize.saturating_sub(state_width)
            ),
            base,
        ),
    ])
}

fn detail_lines(screen: &SealScreen) -> Vec<Line<'static>> {
    let Some(node) = screen.selected() else {
        return Vec::new();
    };
    let row = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("  {name:<18}"), theme::dim()),
            Span::raw(sanitize(&value).into_owned()),
        ])
    };
    let mut lines = vec![Line::styled(
        format!("Node {}", sanitize(&node.addr)),
        theme::title(),
    )];
    match &node.status {
        Loadable::Loading => lines.push(Line::styled("  asking…", theme::dim())),
        Loadable::Failed(VaultError::Sealed) => lines.push(Line::styled(
            "  sealed: it refused a request (503); its progress shows on the next refresh",
            theme::warning(),
        )),
        // Only a node that did not answer is unreachable: a refused certificate, a plain-http
        // answer or a server error came from it, and says so itself.
        Loadable::Failed(reason) if reason.is_unreachable() => lines.push(Line::styled(
            format!("  unreachable: {}", sanitize(&reason.to_string())),
            theme::error(),
        )),
        Loadable::Failed(reason) => lines.push(Line::styled(
            format!("  {}", sanitize(&reason.to_string())),
            theme::error(),
        )),
        Loadable::Ready(status) => {
            lines.push(row(
                "initialized",
                if status.initialized {
                    "yes".to_string()
                } else {
                    "no (a raft node waiting to join says so until the leader is unsealed)"
                        .to_string()
                },
            ));
            lines.push(row(
                "sealed",
                if status.sealed { "yes" } else { "no" }.into(),
            ));
            lines.push(row(
                "seal",
                format!(
                    "{} · threshold {} of {}",
                    status.seal_type,
                    status.threshold,
                    super::text::count(status.shares as usize, "share", "shares")
                ),
            ));
            if status.sealed {
                lines.push(row(
                    "unseal progress",
                    progress_bar(status.progress, status.threshold),
                ));
                if !status.nonce.is_empty() {
                    lines.push(row("nonce", status.nonce.clone()));
                }
            }
            let build = status
                .build_date
                .as_deref()
                .map(|d| format!(" (built {})", d.get(..10).unwrap_or(d)))
                .unwrap_or_default();
            lines.push(row("version", format!("{}{build}", status.version)));
            if let Some(storage) = &status.storage_type {
                lines.push(row("storage", storage.clone()));
            }
            if let Some(name) = &status.cluster_name {
                let id = status.cluster_id.clone().unwrap_or_default();
                lines.push(row("cluster", format!("{name}  {id}")));
            }
        }
    }
    if let Some(leader) = &screen.leader {
        let mode = if leader.ha_enabled {
            format!(
                "enabled · leader {}",
                if leader.leader_address.is_empty() {
                    "unknown"
                } else {
                    &leader.leader_address
                }
            )
        } else {
            "disabled".to_string()
        };
        lines.push(row("HA", mode));
    }
    if let Some(ha) = &node.ha {
        lines.push(row(
            "cluster says",
            format!(
                "{} {} · {}{}",
                ha.hostname,
                if ha.active_node { "active" } else { "standby" },
                ha.version,
                ha.last_echo
                    .as_deref()
                    .map(|e| format!(" · last echo {e}"))
                    .unwrap_or_default()
            ),
        ));
    }
    lines
}

fn bottom_lines(screen: &SealScreen, keymap: &Keymap) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let target = screen
        .selected()
        .map(|n| sanitize(&n.addr).into_owned())
        .unwrap_or_default();
    match &screen.mode {
        SealMode::Share(entry) => {
            let mut spans = vec![Span::styled(
                format!("Key share for {target} (hex or base64): "),
                theme::key(),
            )];
            spans.extend(masked_spans(entry.input.text.chars().count(), true));
            lines.push(Line::from(spans));
            let key = |command| keymap.key(Scope::UnsealShare, command);
            let each = if entry.each_in_turn {
                " · each sealed node in turn"
            } else {
                ""
            };
            lines.push(Line::styled(
                format!(
                    "{} sends it{each} · {} stops",
                    key(Command::Submit),
                    key(Command::Cancel)
                ),
                theme::dim(),
            ));
        }
        SealMode::ConfirmSeal { addr, question } => {
            lines.push(Line::styled(
                format!(
                    "Seal {}? Every request to it fails until it is unsealed again.",
                    sanitize(addr)
                ),
                theme::error(),
            ));
            lines.extend(super::confirm::question_lines(question, keymap));
        }
        SealMode::Browse | SealMode::Waiting(_) => {}
    }
    if screen.busy() {
        lines.push(Line::styled("Sending…", theme::dim()));
    }
    if let Some((kind, text)) = &screen.message {
        let (symbol, style) = theme::status(*kind);
        lines.push(Line::styled(format!("{symbol}{}", sanitize(text)), style));
    }
    let key = |command| keymap.key(Scope::Seal, command);
    hint_if_empty(
        &mut lines,
        format!(
            "{} unseals the selected node, {} each sealed node in turn · {} resets progress · {} seals · {} closes",
            key(Command::Unseal),
            key(Command::UnsealEach),
            key(Command::ResetProgress),
            key(Command::Seal),
            key(Command::Close)
        ),
    );
    lines
}

pub fn draw(frame: &mut Frame, app: &App, screen: &SealScreen) {
    let area = panel_area(frame);
    let sealed = screen
        .nodes
        .iter()
        // A node not initialized yet is sealed too.
        .filter(|n| {
            matches!(
                SealState::of(&n.status),
                SealState::Sealed | SealState::NotInitialized
            )
        })
        .count();
    let refreshing = if screen.refresh.in_flight {
        format!(" {}", spinner(app))
    } else {
        String::new()
    };
    // Rows not confirmed for a while say how old they are.
    let age = screen
        .refresh
        .answered_at
        .and_then(|at| crate::app::seal::stale_age(at, app.clock))
        .map(|age| format!(" · as of {} ago", super::header::format_ttl(age.as_secs())))
        .unwrap_or_default();
    let title = format!(
        " Seal status · {} · {sealed} sealed{age}{refreshing} ",
        super::text::count(screen.nodes.len(), "node", "nodes")
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if sealed > 0 {
            theme::error()
        } else {
            theme::border(true)
        })
        .title(Span::styled(title, theme::title()));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut table = vec![Line::styled(
        format!(
            "  {:<30} {:<15} {:<10} {:<10} {:<9} {}",
            "NODE", "STATE", "ROLE", "PROGRESS", "VERSION", "LAST ECHO"
        ),
        theme::dim(),
    )];
    for (index, node) in screen.nodes.iter().enumerate() {
        table.push(node_row(node, index == screen.cursor));
    }
    if let Some(note) = &screen.ha_note {
        table.push(Line::styled(sanitize(note).into_owned(), theme::dim()));
    }
    let bottom = bottom_lines(screen, &app.keymap);
    let bottom_rows = wrapped_height(&bottom, inner.width);
    let [table_area, detail_area, bottom_area] = Layout::vertical([
        Constraint::Length(table.len() as u16 + 1),
        Constraint::Min(3),
        Constraint::Length(bottom_rows + 1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(table), table_area);
    frame.render_widget(
        Paragraph::new(detail_lines(screen)).wrap(Wrap { trim: false }),
        detail_area,
    );
    frame.render_widget(
        Paragraph::new(bottom)
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme::border(false)),
            )
            .wrap(Wrap { trim: false }),
        bottom_area,
    );
}

#[cfg(test)]
mod tests {
    use super::progress_bar;

    #[test]
    fn progress_bars_count_shares_towards_the_threshold() {
        assert_eq!(progress_bar(1, 2), "▰▱ 1/2");
        assert_eq!(progress_bar(0, 3), "▱▱▱ 0/3");
        assert_eq!(progress_bar(5, 3), "▰▰▰ 5/3");
    }
}
