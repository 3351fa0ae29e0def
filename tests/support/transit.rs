//! A Transit screen for the state and snapshot tests, built with the actions the runtime sends.

use super::fixtures::{connected_app, mount, press};
use crossterm::event::KeyCode;
use tresor::app::transit::TransitScreen;
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::vault::SecretEngine;
use tresor::vault::transit::{
    KeyCapabilities, TransitAnswer, TransitKey, TransitOperation, TransitRequest,
};

/// An aes256-gcm96 key at version `latest`.
pub fn aes_key(name: &str, latest: u64) -> TransitKey {
    TransitKey {
        name: name.into(),
        kind: "aes256-gcm96".into(),
        latest_version: latest,
        min_decryption_version: 1,
        min_encryption_version: 0,
        versions: (1..=latest).collect(),
        exportable: false,
        deletion_allowed: false,
        supports_encryption: true,
        supports_decryption: true,
        supports_signing: false,
    }
}

pub fn ed25519_key(name: &str) -> TransitKey {
    TransitKey {
        kind: "ed25519".into(),
        supports_encryption: false,
        supports_decryption: false,
        supports_signing: true,
        ..aes_key(name, 1)
    }
}

/// Capabilities as the server answers them: `update` on every operation path but `denied`.
pub fn capabilities(key: &str, denied: &[TransitOperation]) -> KeyCapabilities {
    KeyCapabilities {
        paths: TransitOperation::ALL
            .iter()
            .map(|op| {
                let caps = if denied.contains(op) {
                    vec!["deny".to_string()]
                } else {
                    vec!["update".to_string()]
                };
                (*op, op.path("transit/", key), caps)
            })
            .collect(),
        unknown: false,
    }
}

pub fn answer(app: &mut App, answer: TransitAnswer) -> Vec<Effect> {
    update(
        app,
        Action::TransitAnswered {
            mount: "transit/".into(),
            answer,
        },
    )
}

pub fn transit_effect(request: TransitRequest) -> Effect {
    Effect::Transit {
        mount: "transit/".into(),
        request,
    }
}

/// Mounts `secret/` and `transit/`, the transit mount selected in the tree.
pub fn app_with_transit_mount(size: (u16, u16)) -> App {
    let mut app = connected_app(size);
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![
                mount("secret/", SecretEngine::Kv(tresor::vault::KvVersion::V2)),
                mount("transit/", SecretEngine::Other("transit".into())),
            ]),
        },
    );
    press(&mut app, KeyCode::Char('j'));
    app
}

/// The Transit screen open on `transit/` with `keys` listed and the first key read (with
/// `capabilities`).
pub fn transit_app(size: (u16, u16), keys: &[TransitKey], capabilities: KeyCapabilities) -> App {
    let mut app = app_with_transit_mount(size);
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![transit_effect(TransitRequest::ListKeys)]);
    let names: Vec<String> = keys.iter().map(|k| k.name.clone()).collect();
    let effects = answer(&mut app, TransitAnswer::Keys(Ok(names.clone())));
    if let Some(first) = keys.first() {
        assert_eq!(
            effects,
            vec![transit_effect(TransitRequest::ReadKey {
                name: first.name.clone()
            })]
        );
        answer(
            &mut app,
            TransitAnswer::Key {
                name: first.name.clone(),
                key: Ok(first.clone()),
                capabilities: Ok(capabilities),
            },
        );
    }
    app
}

pub fn screen(app: &App) -> &TransitScreen {
    match &app.modal {
        Some(Modal::Transit(screen)) => screen,
        other => panic!("not the Transit screen: {other:?}"),
    }
}
