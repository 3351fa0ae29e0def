//! The event loop: terminal events, action results, a tick and signals in one `select!`; each
//! becomes an `Action` for `update`, whose effects the runner carries out; then one frame is drawn.

pub mod effects;
pub mod folder_jobs;
pub mod oidc;
pub mod profiles;
pub mod requests;
pub mod terminal;

use crate::app::{Action, App, Effect, update};
use crate::clipboard::{Clipboard, ClipboardChoice};
use crate::config::ConnectionSettings;
use crate::config::ConnectionView;
use crate::vault::VaultClient;
use crossterm::event::{Event, EventStream};
use effects::EffectRunner;
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use terminal::Tui;
use tokio::sync::mpsc;

pub const TICK: Duration = Duration::from_millis(100);
/// How long quitting waits for a folder job's secrets in flight.
const FOLDER_JOBS_AT_QUIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct UiOptions {
    pub clipboard: ClipboardChoice,
    pub clipboard_clear_after: Duration,
    pub login: crate::config::LoginDefaults,
    /// Nodes to watch from the command line (`--node`).
    pub nodes: Vec<String>,
    /// The config file (profiles) and the profile in use, when any.
    pub config: Option<crate::config::profiles::LoadedConfig>,
    pub profile: Option<String>,
    /// The theme and `NO_COLOR`; why the config's `theme` was not used, for the start.
    pub appearance: crate::config::appearance::Appearance,
    pub theme_warning: Option<String>,
    /// The config file could not be read at all (not TOML): why, for the start warnings.
    pub config_unreadable: Option<String>,
}

fn action_for(event: Event) -> Option<Action> {
    match event {
        Event::Key(key) => Some(Action::Key(key)),
        Event::Mouse(mouse) => Some(Action::Mouse(mouse)),
        Event::Resize(width, height) => Some(Action::Resize(width, height)),
        Event::Paste(text) => Some(Action::Paste(text)),
        _ => None,
    }
}

/// Runs the TUI until the user quits. The terminal is restored on every exit path.
pub async fn run_tui(settings: ConnectionSettings, options: UiOptions) -> anyhow::Result<()> {
    let client = VaultClient::new(&settings)?;
    // What an earlier tresor killed outright (SIGKILL) left of an edit: overwritten and removed.
    crate::editor::remove_abandoned();
    let mut tui = Tui::enter()?;
    let started = Instant::now();
    tracing::info!(addr = %settings.addr, "tui started");

    let (actions_tx, mut actions_rx) = mpsc::unbounded_channel::<(u64, Action)>();
    let (clear_tx, mut clear_rx) = mpsc::unbounded_channel::<u64>();
    let mut app = App::new(ConnectionView::from_settings(&settings), tui.size());
    app.epoch_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    app.clipboard_clear_after = options.clipboard_clear_after;
    app.login_defaults = options.login.clone();
    let profiles = profiles::ProfileSessions::new(
        options.config.clone(),
        options
            .profile
            .clone()
            .unwrap_or_else(|| crate::config::profiles::COMMAND_LINE.to_string()),
        ConnectionView::from_settings(&settings),
        options.login.clone(),
    );
    app.profile = profiles.current.clone();
    app.watch_nodes = profiles.nodes_of(&profiles.current);
    app.watch_nodes.extend(options.nodes.iter().cloned());
    app.profiles = profiles.entries();
    app.appearance = options.appearance;
    let mut warnings: Vec<String> = options.config_unreadable.iter().cloned().collect();
    if let Some(config) = &options.config {
        warnings.extend(config.warnings.iter().cloned());
        // Each says its table and line; the file is named here, like the file's other warnings.
        let key_warnings = app.use_keys(&config.file.keys);
        for warning in &key_warnings {
            tracing::warn!(%warning, "config keys");
        }
        let file = config.path.display();
        warnings.extend(key_warnings.iter().map(|w| format!("{file} {w}")));
    }
    warnings.extend(options.theme_warning.iter().cloned());
    app.warn_at_start(&warnings);
    let mut runner = EffectRunner {
        client,
        profiles,
        actions: effects::ActionSender::new(actions_tx),
        clipboard: Clipboard::new(options.clipboard),
        clipboard_clear_after: options.clipboard_clear_after,
        clear_due: clear_tx,
        cancel: tokio::sync::watch::channel(0).0,
        folder_jobs: Default::default(),
        oidc: None,
    };

    tui.terminal.draw(|frame| crate::ui::draw(frame, &app))?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "first frame drawn"
    );
    for effect in app.start() {
        runner.run(effect, &mut std::io::stdout());
    }

    let test_panic_key = std::env::var_os("TRESOR_TEST_PANIC").is_some();
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut quit_signals = crate::platform::QuitSignals::new()?;

    let mut drawn_second = u64::MAX;
    // Only for `scripts/bench-idle`: the baseline it measures against (a frame on every tick, as
    // before redraw-on-change).
    let draw_every_tick = std::env::var_os("TRESOR_BENCH_DRAW_EVERY_TICK").is_some();
    loop {
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => action_for(event),
                Some(Err(error)) => {
                    tracing::error!(%error, "terminal event stream failed");
                    break;
                }
                None => break,
            },
            Some((session, action)) = actions_rx.recv() => {
                // An answer for the profile in use before a switch is dropped.
                runner.actions.is_current(session).then_some(action)
            }
            Some(fingerprint) = clear_rx.recv() => {
                runner.clear_clipboard(fingerprint, &mut std::io::stdout());
                None
            }
            _ = tick.tick() => Some(Action::Tick(started.elapsed())),
            () = quit_signals.recv() => Some(Action::Quit),
        };
        let tick_only = matches!(action, Some(Action::Tick(_)));
        if let Some(mut action) = action {
            if test_panic_key
                && matches!(&action, Action::Key(key) if key.code == crossterm::event::KeyCode::F(12))
            {
                // Only with TRESOR_TEST_PANIC set: lets the tests prove a panic restores the
                // terminal and shows no secret.
                panic!("test panic requested with F12 (TRESOR_TEST_PANIC is set)");
            }
            runner.follow_session(&mut action);
            for effect in update(&mut app, action) {
                if let Effect::EditInEditor { text } = effect {
                    // The editor gets the terminal: stop reading keys, leave the alternate screen,
                    // wait for it, then take everything back.
                    drop(events);
                    tui.suspend()?;
                    let command = crate::editor::editor_command(|name| std::env::var(name).ok());
                    let result = crate::editor::edit(&text, &command).await;
                    drop(text);
                    tui.resume()?;
                    // Keys typed while the editor had the terminal were meant for it (or for
                    // nothing): they must never answer the dialog that follows.
                    let ignored = terminal::discard_pending_input();
                    if ignored > 0 {
                        tracing::info!(ignored, "input typed while the editor ran was dropped");
                    }
                    events = EventStream::new();
                    let _ = runner.actions.send(Action::EditorClosed(result));
                } else {
                    runner.run(effect, &mut std::io::stdout());
                }
            }
        }
        if app.should_quit {
            break;
        }
        // A tick that changed nothing on screen is not drawn: only spinners move faster than
        // the second, which countdowns and "10s ago" follow.
        let second = app.clock.as_secs();
        if draw_every_tick || !tick_only || crate::ui::animated(&app) || second != drawn_second {
            tui.terminal.draw(|frame| crate::ui::draw(frame, &app))?;
            drawn_second = second;
        }
    }
    if runner.folder_jobs_running() {
        // A folder run stops between secrets, never inside one (a secret's versions are one
        // unit): wait for the ones in flight before the process ends.
        app.set_status(
            crate::app::state::StatusKind::Warning,
            "Quitting: stopping the folder job between secrets…",
        );
        tui.terminal.draw(|frame| crate::ui::draw(frame, &app))?;
        runner.finish_folder_jobs(FOLDER_JOBS_AT_QUIT).await;
    }
    let not_cleared = runner.clear_pending(&mut std::io::stdout());
    drop(tui);
    for message in not_cleared {
        eprintln!("tresor: {message}");
    }
    tracing::info!("tui stopped");
    Ok(())
}
