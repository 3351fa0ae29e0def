//! Two header lines: where we are connected (and whether it is sealed), and who we are.

use super::{spinner, text::sanitize, theme};
use crate::app::App;
use crate::app::seal::SealState;
use crate::app::session::RenewalState;
use crate::app::state::Loadable;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Defined with the countdowns in `app::state` (messages word TTLs too); named here for drawing.
pub use crate::app::state::format_ttl;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 {
        return;
    }
    let mut first = vec![Span::styled(" tresor ", theme::badge()), Span::raw(" ")];
    // First, so that no narrow terminal or long address cuts the warning off.
    if app.connection.skip_verify {
        first.push(Span::styled(" TLS VERIFICATION OFF ", theme::warning()));
        first.push(Span::raw(" "));
    }
    first.push(Span::styled(
        sanitize(&app.connection.addr).into_owned(),
        theme::title(),
    ));
    if app.profile != crate::app::picker::COMMAND_LINE {
        first.push(Span::styled(
            format!("  profile: {}", sanitize(&app.profile)),
            theme::dim(),
        ));
    }
    if let Some(namespace) = &app.connection.namespace {
        first.push(Span::styled(
            format!("  ns: {}", sanitize(namespace)),
            theme::dim(),
        ));
    }
    first.push(Span::raw("  "));
    let unreachable = matches!(
        app.reachability,
        crate::app::connectivity::Reachability::Unreachable { .. }
    );
    first.push(match &app.seal {
        _ if unreachable => Span::styled(
            format!(
                "● unreachable, asking every {} s",
                crate::app::connectivity::PROBE_EVERY.as_secs()
            ),
            theme::error(),
        ),
        Loadable::Loading => Span::styled(format!("{} seal status", spinner(app)), theme::dim()),
        Loadable::Ready(status) if status.sealed => Span::styled(
            format!(" SEALED {}/{} ", status.progress, status.threshold),
            theme::warning(),
        ),
        Loadable::Ready(status) => Span::styled(
            format!("● unsealed  {}", sanitize(&status.version)),
            theme::ok(),
        ),
        Loadable::Failed(_) => match SealState::of(&app.seal) {
            SealState::Sealed => Span::styled(" SEALED ", theme::warning()),
            // A refused certificate or a withheld redirect answered: it is not unreachable.
            SealState::TlsRefused => Span::styled("● TLS refused (not trusted)", theme::error()),
            SealState::ClientCertificateRefused => {
                Span::styled("● TLS refused (client certificate)", theme::error())
            }
            SealState::PlainHttp => Span::styled("● not TLS (plain http?)", theme::error()),
            SealState::Redirected => Span::styled("● redirected elsewhere", theme::error()),
            SealState::Unreachable => Span::styled("● unreachable", theme::error()),
            _ => Span::styled("● seal status unknown", theme::error()),
        },
    });
    // A state that could not be confirmed for a while says how old it is.
    if !unreachable
        && !matches!(app.seal, Loadable::Loading)
        && let Some(age) = crate::app::seal::seal_age(app)
    {
        first.push(Span::styled(
            format!("  (as of {} ago)", format_ttl(age.as_secs())),
            theme::warning(),
        ));
    }

    let mut second = vec![Span::raw(" ")];
    match &app.token {
        _ if !app.connection.has_token => {
            second.push(Span::styled("no token", theme::error()));
        }
        Loadable::Loading => second.push(Span::styled(
            format!("{} token", spinner(app)),
            theme::dim(),
        )),
        // Unreachable: the first line and the status line say why; the token is just unknown.
        Loadable::Failed(_) if unreachable => {
            second.push(Span::styled("token: not checked (no answer)", theme::dim()));
        }
        Loadable::Failed(reason) => {
            second.push(Span::styled("token: ", theme::dim()));
            second.push(Span::styled(sanitize(reason).into_owned(), theme::error()));
        }
        Loadable::Ready(view) => {
            second.push(Span::styled("token ", theme::dim()));
            second.push(Span::styled(
                sanitize(&view.info.display_name).into_owned(),
                theme::title(),
            ));
            second.push(Span::styled("  policies ", theme::dim()));
            second.push(Span::raw(
                sanitize(&view.info.policies.join(", ")).into_owned(),
            ));
            second.push(Span::styled("  ttl ", theme::dim()));
            match view.remaining(app.clock) {
                None => second.push(Span::raw("never expires")),
                Some(left) => {
                    let full = view.info.creation_ttl.max(view.info.ttl_seconds);
                    let low = left < 300 || left * 10 < full;
                    let style = if left == 0 {
                        theme::error()
                    } else if low {
                        theme::warning()
                    } else {
                        Style::new()
                    };
                    let label = if left == 0 {
                        "expired".to_string()
                    } else if low {
                        format!("{}{}", format_ttl(left), theme::LOW)
                    } else {
                        format_ttl(left)
                    };
                    second.push(Span::styled(label, style));
                }
            }
            let ended = view.remaining(app.clock) == Some(0);
            match &app.session.renewal {
                _ if ended => {}
                RenewalState::AtMaxTtl => {
                    second.push(Span::styled(" (max TTL reached)", theme::warning()));
                }
                RenewalState::Retrying { failures, at } => second.push(Span::styled(
                    format!(
                        " (renewal failed {failures}×, retrying in {}s)",
                        crate::app::state::seconds_until(*at, app.clock)
                    ),
                    theme::warning(),
                )),
                RenewalState::InFlight => second.push(Span::styled(" (renewing)", theme::dim())),
                RenewalState::Due(_) => second.push(Span::styled(" (auto-renew)", theme::dim())),
                RenewalState::Off if !view.info.renewable => {
                    second.push(Span::styled(" (not renewable)", theme::dim()));
                }
                RenewalState::Off => {}
            }
            // At most: requests this session did not count (the finder's walk) spend uses too.
            match view.uses_left {
                Some(0) => second.push(Span::styled("  no uses left", theme::error())),
                Some(left) if left <= 2 => second.push(Span::styled(
                    format!("  ≤{left} uses left{}", theme::LOW),
                    theme::warning(),
                )),
                Some(left) => second.push(Span::raw(format!("  ≤{left} uses left"))),
                None => {}
            }
        }
    }
    let lines = vec![Line::from(first), Line::from(second)];
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::format_ttl;

    #[test]
    fn ttl_is_human_readable() {
        assert_eq!(format_ttl(12), "12s");
        assert_eq!(format_ttl(249), "4m 09s");
        assert_eq!(format_ttl(3720), "1h 02m");
        assert_eq!(format_ttl(3 * 86400 + 3600), "3d 01h");
    }
}
