//! The Metadata tab: versions, times, the settings and the custom metadata table. Custom metadata is
//! not secret (the server treats it as plain data), so it is not masked.

use super::{text, theme, time};
use crate::app::App;
use crate::app::history::capabilities;
use crate::app::keymap::{Command, Scope};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(metadata) =
        super::secret::loaded_or_note(frame, area, app, &app.secret.metadata, "the metadata")
    else {
        return;
    };
    let now = app.now_unix();
    let when = |timestamp: &str| {
        format!(
            "{} ({})",
            time::absolute(&text::sanitize(timestamp)),
            time::relative(timestamp, now)
        )
    };
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<22}"), theme::dim()),
            Span::raw(value),
        ])
    };
    let delete_after = match metadata.delete_version_after.as_str() {
        "" | "0s" => "never (0s)".to_string(),
        other => text::sanitize(other).into_owned(),
    };
    let mut lines = vec![
        field("current version", metadata.current_version.to_string()),
        field(
            "oldest version",
            metadata
                .versions
                .last()
                .map_or(metadata.oldest_version, |v| v.version)
                .to_string(),
        ),
        field("created", when(&metadata.created_time)),
        field("updated", when(&metadata.updated_time)),
        field(
            "max versions",
            match metadata.max_versions {
                0 => "0 (the mount's setting)".into(),
                n => n.to_string(),
            },
        ),
        field(
            "check-and-set",
            if metadata.cas_required {
                "required on every write".into()
            } else {
                "not required".into()
            },
        ),
    ];
    // OpenBao's metadata check-and-set; the mount's config can also require it (not shown here).
    if let Some(required) = metadata.metadata_cas_required {
        lines.push(field(
            "metadata cas",
            if required {
                format!(
                    "required on metadata writes (metadata version {})",
                    metadata.current_metadata_version.unwrap_or(0)
                )
            } else {
                "not required for this secret".into()
            },
        ));
    }
    lines.extend([
        field("delete versions after", delete_after),
        Line::raw(""),
        Line::styled(
            format!("Custom metadata ({})", metadata.custom_metadata.len()),
            theme::title(),
        ),
    ]);
    if metadata.custom_metadata.is_empty() {
        lines.push(Line::styled("  none", theme::dim()));
    } else {
        let key_width = metadata
            .custom_metadata
            .keys()
            .map(|k| text::width(k))
            .max()
            .unwrap_or(3)
            .clamp(3, (area.width as usize / 2).max(3));
        lines.push(Line::styled(
            format!("  {}  VALUE", text::pad("KEY", key_width)),
            theme::dim(),
        ));
        for (key, value) in &metadata.custom_metadata {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}  ", text::pad(key, key_width)), theme::key()),
                Span::raw(text::sanitize(value).into_owned()),
            ]));
        }
    }
    lines.push(Line::raw(""));
    if capabilities(app).edit_metadata() {
        lines.push(Line::styled(
            format!(
                "{} edits these settings",
                app.keymap.key(Scope::Main, Command::EditMetadata)
            ),
            theme::dim(),
        ));
    } else {
        lines.push(Line::styled(
            "your token may not edit the metadata",
            theme::dim(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.secret.metadata_scroll, 0)),
        area,
    );
}
