//! A comparison of two trees and a value search (values masked until revealed).

use super::*;

pub(super) fn draw_diff(frame: &mut Frame, area: Rect, screen: &FolderScreen, view: &DiffView) {
    let d = &view.diff;
    let mut header = vec![Line::raw(
        sanitize(&format!(
            "here: {} · there: {} · {} only here · {} only there · {} differ · {} the same",
            screen.folder,
            view.right,
            d.only_left.len(),
            d.only_right.len(),
            d.changed.len(),
            d.same
        ))
        .into_owned(),
    )];
    if d.is_same() && !d.incomplete() {
        header.push(Line::styled(
            "The trees hold the same secrets and values.",
            theme::ok(),
        ));
    }
    if d.incomplete() {
        header.push(Line::styled(
            "Incomplete: some folders or secrets could not be read (listed first).",
            theme::warning(),
        ));
    }
    draw_list(
        frame,
        area,
        header,
        Vec::new(),
        (view.rows.len(), view.cursor),
        |_| 0,
        |index, width, _| {
            let selected = index == view.cursor;
            let revealed = view.revealed == Some(index);
            let mut spans = vec![Span::styled(
                if selected { "› " } else { "  " },
                row_style(selected),
            )];
            let style = |s: Style| {
                if selected {
                    theme::on_selected(s, true)
                } else {
                    s
                }
            };
            let cell = |text: &str, columns: usize| pad(text, columns);
            // A 12-column label, then the text cut to what is left (after its suffix).
            let labelled =
                |label: &str, label_style: Style, text: &str, suffix: &str, text_style| {
                    let room = width.saturating_sub(14 + crate::app::width::width(suffix));
                    [
                        Span::styled(cell(label, 12), style(label_style)),
                        Span::styled(
                            format!("{}{suffix}", first_line_fit(text, room)),
                            style(text_style),
                        ),
                    ]
                };
            match view.rows[index] {
                DiffRow::Unlistable(i) => {
                    spans.extend(labelled(
                        "skipped",
                        theme::warning(),
                        &d.unlistable[i],
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::Unreadable(i) => {
                    let u = &d.unreadable[i];
                    let text = format!("{}: {}", u.path, u.reason);
                    spans.extend(labelled(
                        "unreadable",
                        theme::warning(),
                        &text,
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::OnlyLeft(i) => {
                    spans.extend(labelled(
                        "only here",
                        theme::error(),
                        &d.only_left[i],
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::OnlyRight(i) => {
                    spans.extend(labelled(
                        "only there",
                        theme::ok(),
                        &d.only_right[i],
                        "",
                        Style::new(),
                    ));
                }
                DiffRow::Secret(s) => {
                    let relative = &d.changed[s].relative;
                    spans.extend(labelled(
                        "differs",
                        theme::warning(),
                        relative,
                        "",
                        theme::title(),
                    ));
                }
                DiffRow::Added(s, k) => {
                    let key = &d.changed[s].added[k];
                    spans.extend(labelled(
                        "  + key",
                        theme::ok(),
                        key,
                        " (only there)",
                        Style::new(),
                    ));
                }
                DiffRow::Removed(s, k) => {
                    let key = &d.changed[s].removed[k];
                    spans.extend(labelled(
                        "  - key",
                        theme::error(),
                        key,
                        " (only here)",
                        Style::new(),
                    ));
                }
                DiffRow::Changed(s, k) => {
                    let changed = &d.changed[s].changed[k];
                    spans.push(Span::styled(cell("  ~ key", 12), style(theme::warning())));
                    let key_width = (width.saturating_sub(14) / 3).max(6);
                    spans.push(Span::styled(
                        pad(&changed.key, key_width),
                        style(Style::new()),
                    ));
                    let value_width = width.saturating_sub(14 + key_width + 4) / 2;
                    if revealed {
                        spans.push(Span::styled(
                            format!(" {}", first_line_fit(changed.left.expose(), value_width)),
                            style(theme::revealed()),
                        ));
                        spans.push(Span::styled(" → ", style(theme::dim())));
                        spans.push(Span::styled(
                            first_line_fit(changed.right.expose(), value_width),
                            style(theme::revealed()),
                        ));
                    } else {
                        spans.push(Span::styled(format!(" {MASK}"), style(theme::masked())));
                        spans.push(Span::styled(" → ", style(theme::dim())));
                        spans.push(Span::styled(MASK, style(theme::masked())));
                    }
                }
            }
            Line::from(spans)
        },
    );
}

pub(super) fn draw_search(frame: &mut Frame, area: Rect, app: &App, view: &SearchView) {
    let (state, style) = match &view.state {
        SearchState::Searching { secrets, checked } => (
            format!(
                "{} {}searching: {} listed{}",
                spinner(app),
                if view.stopping { "stopping " } else { "" },
                count(*secrets, "secret", "secrets"),
                checked
                    .map(|(c, t)| format!(", {c} of {t} read"))
                    .unwrap_or_default()
            ),
            theme::dim(),
        ),
        SearchState::Done(summary) => (
            format!(
                "{}{} searched{}{}",
                if summary.cancelled {
                    "stopped: "
                } else {
                    "done: "
                },
                count(summary.searched, "secret", "secrets"),
                if summary.unlistable.is_empty() {
                    String::new()
                } else {
                    format!(
                        " · {} not listable",
                        count(summary.unlistable.len(), "folder", "folders")
                    )
                },
                if summary.unreadable.is_empty() {
                    String::new()
                } else {
                    format!(
                        " · {} not readable",
                        count(summary.unreadable.len(), "secret", "secrets")
                    )
                },
            ),
            if summary.cancelled || !summary.unlistable.is_empty() || !summary.unreadable.is_empty()
            {
                theme::warning()
            } else {
                theme::dim()
            },
        ),
        SearchState::Failed(reason) => (format!("failed: {reason}"), theme::error()),
    };
    let header = vec![
        Line::raw(format!(
            "{} for a string of {} (values masked)",
            count(view.matches.len(), "match", "matches"),
            count(view.needle_chars, "character", "characters")
        )),
        Line::styled(sanitize(&state).into_owned(), style),
    ];
    let empty = view.matches.is_empty();
    let rows = if empty { 1 } else { view.matches.len() };
    draw_list(
        frame,
        area,
        header,
        Vec::new(),
        (rows, view.cursor),
        |index| {
            view.matches
                .get(index)
                .map_or(0, |found| crate::ui::text::width(&found.path))
        },
        |index, width, path_width| {
            if empty {
                return Line::styled("  no match yet", theme::dim());
            }
            let found = &view.matches[index];
            let selected = index == view.cursor;
            let style = |s: Style| {
                if selected {
                    theme::on_selected(s, true)
                } else {
                    s
                }
            };
            let key_width = (width / 5).max(6);
            let value_width = width.saturating_sub(2 + path_width + key_width + 2);
            let value = if view.revealed == Some(index) {
                Span::styled(
                    first_line_fit(found.value.expose(), value_width),
                    style(theme::revealed()),
                )
            } else {
                Span::styled(MASK, style(theme::masked()))
            };
            Line::from(vec![
                Span::styled(if selected { "› " } else { "  " }, row_style(selected)),
                Span::styled(pad(&found.path, path_width), style(Style::new())),
                Span::styled(
                    format!(" {}", pad(&found.key, key_width)),
                    style(theme::key()),
                ),
                Span::styled(" ", style(Style::new())),
                value,
            ])
        },
    );
}
