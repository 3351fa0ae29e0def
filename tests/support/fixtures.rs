//! App states for the pure state and snapshot tests, built with the same actions the runtime sends.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use tresor::app::state::ConnectionView;
use tresor::app::{Action, App, Effect, update};
use tresor::vault::kv::parse_v2_secret;
use tresor::vault::versions::parse_metadata;
use tresor::vault::{
    KvVersion, MountInfo, SealStatus, SecretCapabilities, SecretEngine, TokenInfo,
};

/// 2026-11-23T01:55:48Z: "now" in every test, so "3h ago" is stable.
pub const NOW: i64 = 1_795_398_948;

pub fn mount(path: &str, engine: SecretEngine) -> MountInfo {
    MountInfo {
        path: path.into(),
        engine,
        description: String::new(),
    }
}

/// A KV v2 mount at `path` ("secret/").
pub fn kv2(path: &str) -> MountInfo {
    mount(path, SecretEngine::Kv(KvVersion::V2))
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Ctrl and `c`.
pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// `seconds` pass.
pub fn tick(app: &mut App, seconds: f64) -> Vec<Effect> {
    update(
        app,
        Action::Tick(std::time::Duration::from_secs_f64(seconds)),
    )
}

/// The status line's text ("" when there is none).
pub fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// What a root token may do on any path (capabilities are not asked for it).
pub fn root() -> SecretCapabilities {
    SecretCapabilities::unknown()
}

/// A token of `userpass-ana` with policies `default` and `app-readonly`: `ttl` seconds left of
/// `creation_ttl`; `ttl` 0 never expires.
pub fn token(ttl: u64, creation_ttl: u64, renewable: bool) -> TokenInfo {
    TokenInfo {
        namespace: None,
        display_name: "userpass-ana".into(),
        policies: vec!["default".into(), "app-readonly".into()],
        ttl_seconds: ttl,
        renewable,
        creation_ttl,
        expires: ttl > 0,
        uses_left: None,
    }
}

/// The connection every app fixture shows in its header: TLS verified, a token, no namespace.
pub fn connection() -> ConnectionView {
    ConnectionView {
        addr: "https://vault.example.com:8200".into(),
        has_token: true,
        ..ConnectionView::default()
    }
}

pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(press(app, KeyCode::Char(c)));
    }
    effects
}

/// What an unsealed single-node dev server reports.
pub fn unsealed() -> SealStatus {
    SealStatus {
        seal_type: "shamir".into(),
        initialized: true,
        sealed: false,
        threshold: 1,
        shares: 1,
        progress: 0,
        version: "2.7.2".into(),
        cluster_name: None,
        ..SealStatus::default()
    }
}

/// Connected, unsealed, a token, mounts `kv1/` (v1) and `secret/` (v2); nothing open.
pub fn connected_app(size: (u16, u16)) -> App {
    let mut app = App::new(connection(), size);
    app.epoch_unix = NOW;
    // As on the command line without a profile: a login may be saved to the default token file.
    app.login_defaults.save_token_to = Some(tresor::config::TokenStore::File(
        "/home/ana/.vault-token".into(),
    ));
    app.start();
    update(&mut app, Action::SealStatusLoaded(Ok(unsealed())));
    update(
        &mut app,
        Action::TokenLookedUp(Ok(TokenInfo {
            namespace: None,
            display_name: "root".into(),
            policies: vec!["root".into()],
            ttl_seconds: 0,
            renewable: false,
            creation_ttl: 0,
            expires: false,
            uses_left: None,
        })),
    );
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("kv1/", SecretEngine::Kv(KvVersion::V1)),
                mount("secret/", SecretEngine::Kv(KvVersion::V2)),
            ]),
        },
    );
    app
}

/// Opens a secret through the `:` prompt; returns the effects of opening it. The listings of the
/// folders on the way (which a jump asks for) are answered here with the path's own next step,
/// so the tree holds the path as a server that has it would list it.
pub fn open(app: &mut App, path: &str) -> Vec<Effect> {
    press(app, KeyCode::Char(':'));
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    type_text(app, path);
    let mut rest = Vec::new();
    for effect in press(app, KeyCode::Enter) {
        match effect {
            Effect::ListFolder {
                generation,
                node,
                location,
            } => {
                let below = path
                    .strip_prefix(&location.display())
                    .expect("a folder on the way");
                let step = match below.split_once('/') {
                    Some((folder, _)) => format!("{folder}/"),
                    None => below.to_string(),
                };
                rest.extend(update(
                    app,
                    Action::FolderListed {
                        generation,
                        node,
                        result: Ok(vec![step]),
                    },
                ));
            }
            other => rest.push(other),
        }
    }
    rest
}

/// The history every test uses: 27 versions, 5 and 9 soft-deleted, 3 destroyed, created an hour
/// apart ending 3 hours before NOW; custom metadata with two keys.
pub fn history_metadata() -> Value {
    let mut versions = serde_json::Map::new();
    for n in 1..=27u64 {
        let hours_back = 3 + (27 - n);
        let created = NOW - (hours_back as i64) * 3600;
        let created = time::OffsetDateTime::from_unix_timestamp(created)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let deletion = match n {
            5 | 9 => "2026-11-23T00:55:48Z",
            _ => "",
        };
        versions.insert(
            n.to_string(),
            json!({"created_time": created, "deletion_time": deletion, "destroyed": n == 3}),
        );
    }
    json!({"data": {
        "current_version": 27, "oldest_version": 0, "max_versions": 100, "cas_required": false,
        "created_time": "2026-11-21T22:55:48Z", "updated_time": "2026-11-22T22:55:48Z",
        "delete_version_after": "0s",
        "custom_metadata": {"owner": "payments", "ticket": "OPS-1234"},
        "versions": Value::Object(versions)
    }})
}

pub fn version_body(version: u64, data: Value) -> Value {
    json!({"data": {"data": data, "metadata": {
        "version": version, "created_time": "2026-11-22T22:55:48Z",
        "deletion_time": "", "destroyed": false}}})
}

/// Answers every read, metadata and capability request in `effects`: data from `data_of(version)`
/// (None = the current version 27), the history above, and `capabilities`.
pub fn answer(
    app: &mut App,
    effects: Vec<Effect>,
    capabilities: &SecretCapabilities,
    data_of: &dyn Fn(u64) -> Value,
) -> Vec<Effect> {
    let mut more = Vec::new();
    for effect in effects {
        match effect {
            Effect::ReadSecret {
                request, version, ..
            } => {
                let version = version.unwrap_or(27);
                let body = version_body(version, data_of(version));
                more.extend(update(
                    app,
                    Action::SecretLoaded {
                        request,
                        result: parse_v2_secret(&body, "secret/data/x"),
                    },
                ));
            }
            Effect::LoadMetadata { request, .. } => {
                more.extend(update(
                    app,
                    Action::MetadataLoaded {
                        request,
                        result: Ok(parse_metadata(&history_metadata()).unwrap()),
                    },
                ));
            }
            Effect::LoadCapabilities { location } => {
                more.extend(update(
                    app,
                    Action::CapabilitiesLoaded {
                        key: location.display(),
                        result: Ok(capabilities.clone()),
                    },
                ));
            }
            _ => {}
        }
    }
    more
}

/// Data of each version: a rotating token, a stable key, and a key only even versions have.
pub fn rotating_data(version: u64) -> Value {
    let mut data = json!({"token": format!("tok-{version}"), "stable": "same"});
    if version.is_multiple_of(2) {
        data["even"] = json!(version.to_string());
    }
    data
}

/// An app with `secret/history/rotating` open, everything answered, with these capabilities.
pub fn history_app(size: (u16, u16), capabilities: &SecretCapabilities) -> App {
    let mut app = connected_app(size);
    let mut effects = open(&mut app, "secret/history/rotating");
    while !effects.is_empty() {
        effects = answer(&mut app, effects, capabilities, &rotating_data);
    }
    app
}

/// Opens `secret/history/rotating` for a token that may read its metadata but not its data.
pub fn open_with_data_denied(app: &mut App, capabilities: &SecretCapabilities) {
    let effects = open(app, "secret/history/rotating");
    for effect in effects {
        match effect {
            Effect::ReadSecret { request, .. } => {
                update(
                    app,
                    Action::SecretLoaded {
                        request,
                        result: Err(tresor::vault::VaultError::PermissionDenied {
                            path: "secret/data/history/rotating".into(),
                            operation: tresor::vault::Operation::Read,
                        }),
                    },
                );
            }
            other => {
                answer(app, vec![other], capabilities, &rotating_data);
            }
        }
    }
}

/// The cell `offset` characters into the first occurrence of `needle` on the rendered screen.
pub fn cell_at(
    terminal: &ratatui::Terminal<ratatui::backend::TestBackend>,
    needle: &str,
    offset: u16,
) -> ratatui::buffer::Cell {
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(byte_index) = row.find(needle) {
            let x = row[..byte_index].chars().count() as u16;
            return buffer[(x + offset, y)].clone();
        }
    }
    panic!("{needle:?} not on screen");
}

/// Draws the whole screen of `app` at `size` into a test backend.
pub fn render_at(app: &App, size: (u16, u16)) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|frame| tresor::ui::draw(frame, app)).unwrap();
    terminal
}

/// The screen of `app` at `size` as text.
pub fn screen_at(app: &App, size: (u16, u16)) -> String {
    format!("{}", render_at(app, size).backend())
}

/// The user's `[keys.<scope>]` lines, as (scope, command, key): applied over the defaults, and
/// they must be usable (no warning).
pub fn rebind(app: &mut App, bindings: &[(&str, &str, &str)]) {
    let overrides: Vec<tresor::app::keymap::KeyOverride> = bindings
        .iter()
        .map(|(scope, command, key)| tresor::app::keymap::KeyOverride {
            scope: Some((*scope).into()),
            command: (*command).into(),
            keys: vec![(*key).into()],
            line: None,
        })
        .collect();
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    app.keymap = keymap;
}
