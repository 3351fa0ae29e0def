//! Pure state tests of what the app does when the server misbehaves: an unreachable server is
//! said once, probed every 2 s, and what is shown reloads when it answers; Esc cancels reads in
//! flight (and only then); a retry is announced; a cancelled read can be asked again.

use crate::support;

use crossterm::event::KeyCode;
use std::time::Duration;
use support::fixtures::{connected_app, open, press, screen_at, unsealed};
use tresor::app::connectivity::{PROBE_EVERY, Reachability};
use tresor::app::{Action, Effect, StatusKind, update};
use tresor::vault::VaultError;

const SIZE: (u16, u16) = (120, 30);

fn read_request(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::ReadSecret { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a read of the secret")
}

fn unreachable() -> VaultError {
    VaultError::Network(
        "error sending request for url (https://vault.example.com:8200/v1/secret/data/app)".into(),
    )
}

#[test]
fn an_unreachable_server_is_probed_and_what_is_shown_reloads_when_it_answers() {
    let mut app = connected_app(SIZE);
    // The finder's walk found two paths earlier this session.
    let generation = app.paths.generation;
    update(
        &mut app,
        Action::CrawlFound {
            generation,
            paths: vec!["secret/a".into(), "secret/b".into()],
        },
    );
    let request = read_request(&open(&mut app, "secret/app"));
    update(
        &mut app,
        Action::SecretLoaded {
            request,
            result: Err(unreachable()),
        },
    );
    assert!(matches!(app.reachability, Reachability::Unreachable { .. }));
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(
        status.text.contains("cannot reach the server"),
        "{}",
        status.text
    );
    assert!(
        status.text.contains("asking again every 2 s"),
        "{}",
        status.text
    );
    let screen = screen_at(&app, SIZE);
    assert!(
        screen.contains("● unreachable, asking every 2 s"),
        "{screen}"
    );

    // A probe every PROBE_EVERY, not on every tick.
    let probes = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::LoadSealStatus))
            .count()
    };
    assert_eq!(
        probes(&update(&mut app, Action::Tick(Duration::from_millis(500)))),
        0
    );
    assert_eq!(probes(&update(&mut app, Action::Tick(PROBE_EVERY))), 1);
    assert_eq!(
        probes(&update(
            &mut app,
            Action::Tick(PROBE_EVERY + Duration::from_millis(100))
        )),
        0
    );
    update(&mut app, Action::SealStatusLoaded(Err(unreachable())));
    assert!(matches!(app.reachability, Reachability::Unreachable { .. }));
    assert_eq!(probes(&update(&mut app, Action::Tick(PROBE_EVERY * 2))), 1);

    // It answers: everything shown is asked again (mounts, the open secret), said in words.
    let effects = update(&mut app, Action::SealStatusLoaded(Ok(unsealed())));
    assert_eq!(app.reachability, Reachability::Reachable);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadMounts { .. })),
        "{effects:?}"
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ReadSecret { .. })),
        "{effects:?}"
    );
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("The server answers again")
    );
    // No more probes every 2 s: only the header's seal refresh, 3 s after the answer.
    assert_eq!(probes(&update(&mut app, Action::Tick(PROBE_EVERY * 3))), 0);
    assert_eq!(
        probes(&update(
            &mut app,
            Action::Tick(PROBE_EVERY * 2 + tresor::app::seal::SEAL_REFRESH)
        )),
        1
    );
}

#[test]
fn a_timeout_counts_as_unreachable_but_a_denial_does_not() {
    let mut app = connected_app(SIZE);
    let request = read_request(&open(&mut app, "secret/app"));
    update(
        &mut app,
        Action::SecretLoaded {
            request,
            result: Err(VaultError::PermissionDenied {
                path: "secret/data/app".into(),
                operation: tresor::vault::Operation::Read,
            }),
        },
    );
    assert_eq!(app.reachability, Reachability::Reachable);
    let request = read_request(&open(&mut app, "secret/other"));
    update(
        &mut app,
        Action::SecretLoaded {
            request,
            result: Err(VaultError::Timeout(Duration::from_secs(3))),
        },
    );
    assert!(matches!(app.reachability, Reachability::Unreachable { .. }));
}

/// A refusal is an answer: once the server refuses (its TLS wants a client certificate, a policy
/// says no, it is sealed) it is reachable again, and the header says what it answered instead of
/// "unreachable" for ever. A cancel is no answer.
#[test]
fn an_unreachable_server_that_answers_with_a_refusal_is_reachable_again() {
    for refusal in [
        VaultError::ClientCertificate(
            "the server asked for a client certificate and none was given".into(),
        ),
        VaultError::Tls("the server's certificate is not trusted".into()),
        VaultError::Sealed,
        VaultError::Server {
            status: 500,
            path: "sys/seal-status".into(),
            errors: vec![],
        },
    ] {
        let mut app = connected_app(SIZE);
        update(&mut app, Action::SealStatusLoaded(Err(unreachable())));
        assert!(matches!(app.reachability, Reachability::Unreachable { .. }));
        update(
            &mut app,
            Action::SealStatusLoaded(Err(VaultError::Cancelled)),
        );
        assert!(
            matches!(app.reachability, Reachability::Unreachable { .. }),
            "a cancel is no answer"
        );
        update(&mut app, Action::SealStatusLoaded(Err(refusal.clone())));
        assert_eq!(app.reachability, Reachability::Reachable, "{refusal:?}");
        let header = screen_at(&app, SIZE)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(!header.contains("unreachable"), "{refusal:?}: {header}");
    }
}

#[test]
fn esc_cancels_reads_in_flight_and_only_then() {
    let mut app = connected_app(SIZE);
    // Nothing waiting: Esc does what it always did.
    assert!(!press(&mut app, KeyCode::Esc).contains(&Effect::CancelReads));

    let sent = open(&mut app, "secret/app");
    let effects = press(&mut app, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelReads]);
    assert!(app.status.as_ref().unwrap().text.contains("Cancelled"));

    // Every read answers "cancelled", as the runtime makes them: shown, nothing waits any more,
    // and Esc is Esc again.
    for effect in sent {
        let answer = match effect {
            Effect::ReadSecret { request, .. } => Action::SecretLoaded {
                request,
                result: Err(VaultError::Cancelled),
            },
            Effect::LoadMetadata { request, .. } => Action::MetadataLoaded {
                request,
                result: Err(VaultError::Cancelled),
            },
            Effect::ListFolder {
                generation, node, ..
            } => Action::FolderListed {
                generation,
                node,
                result: Err(VaultError::Cancelled),
            },
            Effect::LoadCapabilities { location } => Action::CapabilitiesLoaded {
                key: location.display(),
                result: Err(VaultError::Cancelled),
            },
            _ => continue,
        };
        update(&mut app, answer);
    }
    assert_eq!(app.reachability, Reachability::Reachable);
    let screen = screen_at(&app, SIZE);
    assert!(screen.contains("cancelled (Esc)"), "{screen}");
    assert!(!press(&mut app, KeyCode::Esc).contains(&Effect::CancelReads));
    // R asks again.
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ReadSecret { .. }))
    );
}

#[test]
fn a_retry_is_announced_with_its_pause_and_count() {
    let mut app = connected_app(SIZE);
    update(
        &mut app,
        Action::Retrying {
            what: "reading secret/app".into(),
            attempt: 2,
            of: 4,
            after: Duration::from_secs(1),
            reason: VaultError::RateLimited {
                path: "secret/data/app".into(),
            },
        },
    );
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Warning);
    assert_eq!(
        status.text,
        "rate limited by the server (429) on secret/data/app: asking again in 1.0 s (2 of 4) for reading secret/app."
    );
}

#[test]
fn only_reads_are_retried_or_cancelled() {
    let app = connected_app(SIZE);
    let location = app.tree.location(0).unwrap();
    let read = Effect::ListFolder {
        generation: 0,
        node: 0,
        location: location.clone(),
    };
    assert!(read.is_read() && read.is_cancellable());
    let write = Effect::WriteSecret {
        location,
        body: tresor::secret::SecretBytes::new(zeroize::Zeroizing::new(b"{}".to_vec())),
        mode: tresor::vault::write::WriteMode::Replace { cas: Some(1) },
    };
    assert!(!write.is_read() && !write.is_cancellable());
    // Background checks are retried but not cancelled by Esc.
    assert!(Effect::LoadSealStatus.is_read() && !Effect::LoadSealStatus.is_cancellable());
}

/// Switching from a profile whose server is down to another: the new server's first answer is not
/// reported as the old one coming back.
#[test]
fn a_profile_switch_forgets_the_old_servers_outage() {
    let mut app = connected_app((120, 40));
    update(
        &mut app,
        Action::SealStatusLoaded(Err(VaultError::Network("connection refused".into()))),
    );
    assert!(matches!(
        app.reachability,
        tresor::app::connectivity::Reachability::Unreachable { .. }
    ));
    update(
        &mut app,
        Action::ProfileSwitched(Ok(tresor::app::picker::ProfileSwitch {
            name: "other".into(),
            // No token there: the login dialog opens instead of a "Profile other" status.
            connection: tresor::app::state::ConnectionView {
                addr: "http://127.0.0.1:8300".into(),
                has_token: false,
                ..Default::default()
            },
            login: Default::default(),
            warnings: Vec::new(),
            nodes: Vec::new(),
        })),
    );
    update(&mut app, Action::SealStatusLoaded(Ok(unsealed())));
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(!status.contains("answers again"), "{status}");
}

/// A copy that did not reach the clipboard says where it failed (the typed error, worded as
/// before), never the value.
#[test]
fn a_failed_copy_says_where_it_failed() {
    let mut app = connected_app(SIZE);
    update(
        &mut app,
        Action::Copied {
            description: "the value of password".into(),
            result: Err(tresor::clipboard::CopyError::System(
                "no display to copy to".into(),
            )),
            clears: false,
            warning: None,
        },
    );
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "Copy failed: system clipboard: no display to copy to"
    );
}

/// A warning that a copy may not have reached the clipboard stays on the status line when, in
/// tmux, an earlier value's buffers are deleted quietly at its own time; a failure to delete them
/// is said.
#[test]
fn deleting_an_earlier_values_tmux_copy_does_not_hide_a_copys_warning() {
    use tresor::clipboard::ClearOutcome;
    let mut app = connected_app(SIZE);
    update(
        &mut app,
        Action::Copied {
            description: "the value of \"value\" from secret/big".into(),
            result: Ok("OSC 52"),
            clears: true,
            warning: Some("but the OSC 52 sequence is 2.7 MiB: tmux drops it".into()),
        },
    );
    let warned = app.status.clone().unwrap();
    assert_eq!(warned.kind, StatusKind::Warning);
    update(
        &mut app,
        Action::ClipboardCleared {
            outcome: ClearOutcome::TmuxEarlier(Ok(1)),
        },
    );
    assert_eq!(app.status.as_ref(), Some(&warned));
    update(
        &mut app,
        Action::ClipboardCleared {
            outcome: ClearOutcome::TmuxEarlier(Err("tmux list-buffers: no server".into())),
        },
    );
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(
        status.text.contains("could NOT be deleted"),
        "{}",
        status.text
    );
}
