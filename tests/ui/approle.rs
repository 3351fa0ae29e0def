//! The AppRole browser: what each key asks for (pure state) and how it looks (snapshots): roles,
//! a role's settings and accessors, a generated secret-id masked and revealed, the wrapping TTL
//! question and the destroy question.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::fixtures::{connected_app, ctrl, press, type_text};
use tresor::app::approle_browser::BrowserFocus;
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::secret::{SecretText, Token};
use tresor::vault::approle::{AuthMount, RoleSetting, SecretIdAccessor};
use tresor::vault::auth::{GeneratedSecretId, WrapInfo};

const SIZE: (u16, u16) = (110, 30);

fn render(app: &App) -> Terminal<TestBackend> {
    support::fixtures::render_at(app, SIZE)
}

fn screen(app: &App) -> String {
    support::fixtures::screen_at(app, SIZE)
}

fn setting(name: &str, value: &str) -> RoleSetting {
    RoleSetting {
        name: name.into(),
        value: value.into(),
    }
}

fn accessor(id: &str) -> SecretIdAccessor {
    SecretIdAccessor {
        accessor: id.into(),
        creation_time: "2026-11-23T05:42:10.5Z".into(),
        expiration_time: "0001-01-01T00:00:00Z".into(),
        secret_id_num_uses: 0,
    }
}

/// The browser on `approle/` with three roles, `ci-runner` selected and loaded.
fn browser_app() -> App {
    let mut app = connected_app(SIZE);
    assert_eq!(
        press(&mut app, KeyCode::Char('A')),
        vec![Effect::LoadAppRoleMounts]
    );
    let effects = update(
        &mut app,
        Action::AppRoleMountsLoaded(Ok(vec![
            AuthMount {
                path: "approle/".into(),
                kind: "approle".into(),
            },
            AuthMount {
                path: "userpass/".into(),
                kind: "userpass".into(),
            },
        ])),
    );
    assert_eq!(
        effects,
        vec![Effect::LoadAppRoles {
            mount: "approle/".into()
        }]
    );
    let effects = update(
        &mut app,
        Action::AppRolesLoaded {
            mount: "approle/".into(),
            result: Ok(vec![
                "ci-runner".into(),
                "ci-worker".into(),
                "demo-app".into(),
            ]),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::LoadAppRole {
            mount: "approle/".into(),
            role: "ci-runner".into()
        }]
    );
    update(
        &mut app,
        Action::AppRoleLoaded {
            role: "ci-runner".into(),
            settings: Ok(vec![
                setting("bind_secret_id", "true"),
                setting("secret_id_ttl", "0"),
                setting("token_max_ttl", "14400"),
                setting("token_policies", "app-readonly"),
                setting("token_ttl", "3600"),
            ]),
            role_id: Ok("c6e19a61-0f6b-5e85-ac07-9166cbe90575".into()),
            accessors: Ok(vec![
                accessor("0f68f990-3a43-540f-555d-195da1dcb5f3"),
                accessor("f028cc8d-ba82-b114-522f-a4eaaef874ae"),
            ]),
        },
    );
    app
}

#[test]
fn roles_settings_and_accessors() {
    let app = browser_app();
    insta::assert_snapshot!(render(&app).backend());
    let text = screen(&app);
    assert!(text.contains("c6e19a61-0f6b-5e85-ac07-9166cbe90575"));
    assert!(text.contains("Secret-id accessors (2)"));
}

#[test]
fn a_generated_secret_id_is_shown_once_masked_then_revealed_and_copied() {
    let mut app = browser_app();
    let effects = press(&mut app, KeyCode::Char('g'));
    assert_eq!(
        effects,
        vec![Effect::GenerateSecretId {
            mount: "approle/".into(),
            role: "ci-runner".into(),
            wrap_ttl: None
        }]
    );
    let effects = update(
        &mut app,
        Action::SecretIdGenerated {
            role: "ci-runner".into(),
            result: Ok(GeneratedSecretId {
                secret_id: Some(SecretText::new("5e1f-secret-id-value")),
                accessor: Some("9a9a1f0e-27c4-4d8b-9e55-0b6f3d2a8c71".into()),
                ttl: 0,
                wrap: None,
            }),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::LoadAppRole { role, .. }] if role == "ci-runner"),
        "the accessor list reloads: {effects:?}"
    );
    let masked = screen(&app);
    assert!(!masked.contains("5e1f-secret-id-value"), "masked");
    assert!(masked.contains("(shown once)"));
    // The reload answers: the new accessor is listed, the secret-id still shown once.
    update(
        &mut app,
        Action::AppRoleLoaded {
            role: "ci-runner".into(),
            settings: Ok(vec![
                setting("bind_secret_id", "true"),
                setting("secret_id_ttl", "0"),
                setting("token_max_ttl", "14400"),
                setting("token_policies", "app-readonly"),
                setting("token_ttl", "3600"),
            ]),
            role_id: Ok("c6e19a61-0f6b-5e85-ac07-9166cbe90575".into()),
            accessors: Ok(vec![
                accessor("0f68f990-3a43-540f-555d-195da1dcb5f3"),
                accessor("9a9a1f0e-27c4-4d8b-9e55-0b6f3d2a8c71"),
                accessor("f028cc8d-ba82-b114-522f-a4eaaef874ae"),
            ]),
        },
    );
    press(&mut app, KeyCode::Char('s'));
    insta::assert_snapshot!(render(&app).backend());
    assert!(!screen(&app).contains("loading"), "nothing left loading");
    assert!(screen(&app).contains("5e1f-secret-id-value"));
    let effects = press(&mut app, KeyCode::Char('y'));
    let [
        Effect::Copy {
            text, sensitive, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(text.expose(), "5e1f-secret-id-value");
    assert!(*sensitive, "cleared from the clipboard after the timeout");
    // Closing forgets it: shown once.
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn a_wrapped_secret_id_asks_for_its_ttl() {
    let mut app = browser_app();
    press(&mut app, KeyCode::Char('w'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "abc");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::AppRole(browser)) = &app.modal else {
        panic!()
    };
    assert!(browser.error.as_ref().unwrap().contains("seconds"));
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "120");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::GenerateSecretId {
            mount: "approle/".into(),
            role: "ci-runner".into(),
            wrap_ttl: Some(120)
        }]
    );
    update(
        &mut app,
        Action::SecretIdGenerated {
            role: "ci-runner".into(),
            result: Ok(GeneratedSecretId {
                secret_id: None,
                accessor: None,
                ttl: 0,
                wrap: Some(WrapInfo {
                    token: Token::new("s.wrapping-token-value"),
                    accessor: "wrap-accessor".into(),
                    ttl: 120,
                    creation_path: "auth/approle/role/ci-runner/secret-id".into(),
                }),
            }),
        },
    );
    let text = screen(&app);
    assert!(text.contains("Wrapping token for ci-runner"), "{text}");
    assert!(text.contains("ttl 2m"), "{text}");
    assert!(!text.contains("s.wrapping-token-value"));
}

#[test]
fn destroying_an_accessor_asks_first() {
    let mut app = browser_app();
    press(&mut app, KeyCode::Char('x'));
    let Some(Modal::AppRole(browser)) = &app.modal else {
        panic!()
    };
    assert!(
        browser.error.is_some(),
        "x on the roles list explains itself"
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('j'));
    let Some(Modal::AppRole(browser)) = &app.modal else {
        panic!()
    };
    assert_eq!(browser.focus, BrowserFocus::Accessors);
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    insta::assert_snapshot!(render(&app).backend());
    let text = screen(&app);
    assert!(
        !text.contains("select one to destroy"),
        "the question is not shown under the refusal it answers:\n{text}"
    );
    // The one confirmation: a key that means nothing leaves the question open, n keeps it.
    assert!(press(&mut app, KeyCode::Char('z')).is_empty());
    let asked = |app: &App| matches!(&app.modal, Some(Modal::AppRole(b)) if b.prompt.is_some());
    assert!(asked(&app), "still asked");
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(!asked(&app), "kept");
    press(&mut app, KeyCode::Char('x'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::DestroySecretId {
            mount: "approle/".into(),
            role: "ci-runner".into(),
            accessor: "f028cc8d-ba82-b114-522f-a4eaaef874ae".into()
        }]
    );
}

fn mounts_loaded(app: &mut App, paths: &[(&str, &str)]) -> Vec<Effect> {
    update(
        app,
        Action::AppRoleMountsLoaded(Ok(paths
            .iter()
            .map(|(path, kind)| AuthMount {
                path: path.to_string(),
                kind: kind.to_string(),
            })
            .collect())),
    )
}

#[test]
fn the_browser_opens_on_approle_before_other_approle_mounts() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('A'));
    let effects = mounts_loaded(
        &mut app,
        &[
            ("aaa-approle/", "approle"),
            ("approle/", "approle"),
            ("token/", "token"),
            ("zz-approle/", "approle"),
        ],
    );
    assert_eq!(
        effects,
        vec![Effect::LoadAppRoles {
            mount: "approle/".into()
        }]
    );
    let Some(Modal::AppRole(browser)) = &app.modal else {
        panic!()
    };
    assert_eq!(
        browser.mounts,
        tresor::app::state::Loadable::Ready(vec![
            "approle/".to_string(),
            "aaa-approle/".to_string(),
            "zz-approle/".to_string()
        ])
    );
}

#[test]
fn generating_on_a_mount_without_roles_says_why() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('A'));
    mounts_loaded(&mut app, &[("approle/", "approle")]);
    let error = |app: &App| match &app.modal {
        Some(Modal::AppRole(browser)) => browser.error.clone().unwrap_or_default(),
        _ => panic!(),
    };
    // Still loading.
    assert!(press(&mut app, KeyCode::Char('g')).is_empty());
    assert!(error(&app).contains("still loading"), "{}", error(&app));
    update(
        &mut app,
        Action::AppRolesLoaded {
            mount: "approle/".into(),
            result: Ok(Vec::new()),
        },
    );
    for key in ['g', 'w'] {
        assert!(press(&mut app, KeyCode::Char(key)).is_empty());
        assert!(
            error(&app).contains("No roles on auth/approle/"),
            "{key}: {}",
            error(&app)
        );
        let Some(Modal::AppRole(browser)) = &app.modal else {
            panic!()
        };
        assert!(browser.wrap_ttl().is_none(), "no TTL asked for nothing");
    }
    assert!(screen(&app).contains("No roles on auth/approle/"));
}

#[test]
fn the_wrap_ttl_takes_durations_as_the_bao_cli_does() {
    for (typed, seconds) in [("5m", 300), ("1h30m", 5400), ("90s", 90), ("90", 90)] {
        let mut app = browser_app();
        press(&mut app, KeyCode::Char('w'));
        ctrl(&mut app, 'u');
        type_text(&mut app, typed);
        let effects = press(&mut app, KeyCode::Enter);
        assert_eq!(
            effects,
            vec![Effect::GenerateSecretId {
                mount: "approle/".into(),
                role: "ci-runner".into(),
                wrap_ttl: Some(seconds)
            }],
            "{typed}"
        );
    }
}

#[test]
fn the_reason_for_an_empty_mount_goes_with_the_mount() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('A'));
    mounts_loaded(&mut app, &[("approle/", "approle"), ("empty/", "approle")]);
    update(
        &mut app,
        Action::AppRolesLoaded {
            mount: "approle/".into(),
            result: Ok(Vec::new()),
        },
    );
    press(&mut app, KeyCode::Char('g'));
    assert!(screen(&app).contains("No roles on auth/approle/"));
    // The next mount: what was said of the other one no longer stands.
    press(&mut app, KeyCode::Char(']'));
    let text = screen(&app);
    assert!(!text.contains("No roles on auth/approle/"), "{text}");
}

/// Every key the browser names comes from the keymap: the hint line, the title's next-mount key,
/// the wrapping TTL prompt (its own `wrap_ttl` scope) and the destroy question.
#[test]
fn rebound_keys_show_everywhere_in_the_browser() {
    let mut app = browser_app();
    let rebind = |scope: &str, command: &str, key: &str| tresor::config::profiles::KeyOverride {
        scope: Some(scope.into()),
        command: command.into(),
        keys: vec![key.into()],
        line: None,
    };
    let (keymap, warnings) = tresor::app::keymap::Keymap::with_overrides(&[
        rebind("approle", "generate", "o"),
        rebind("approle", "generate_wrapped", "W"),
        rebind("approle", "switch_list", "a"),
        rebind("approle", "destroy", "X"),
        rebind("wrap_ttl", "submit", "Ctrl-s"),
        rebind("wrap_ttl", "cancel", "Ctrl-g"),
        rebind("confirm", "yes", "J"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    app.keymap = keymap;
    let text = screen(&app);
    assert!(
        text.contains(
            "o generates a secret-id, W a wrapped one; a goes to the accessors (X destroys one)"
        ),
        "{text}"
    );
    assert!(text.contains("o secret-id"), "footer: {text}");
    press(&mut app, KeyCode::Char('W'));
    let text = screen(&app);
    assert!(text.contains("Ctrl-s generates · Ctrl-g cancels"), "{text}");
    assert!(text.contains("Ctrl-s generate"), "footer: {text}");
    // Enter is no longer the key that generates; Ctrl-s is.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let ctrl = |c| {
        crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::CONTROL)
    };
    let effects = update(&mut app, Action::Key(ctrl('s')));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::GenerateSecretId {
                wrap_ttl: Some(300),
                ..
            }]
        ),
        "{effects:?}"
    );
    press(&mut app, KeyCode::Char('X'));
    assert!(
        screen(&app).contains("a to the secret-id accessors"),
        "{}",
        screen(&app)
    );
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('X'));
    let text = screen(&app);
    assert!(
        text.contains("J/Enter destroy · n or Esc keep it"),
        "{text}"
    );
}

#[test]
fn the_wrapping_ttl_question() {
    let mut app = browser_app();
    press(&mut app, KeyCode::Char('w'));
    insta::assert_snapshot!(render(&app).backend());
    assert!(screen(&app).contains("Enter generates · Esc cancels"));
}

/// The hint line names only keys that work in the browser: `?` does nothing here.
#[test]
fn the_hint_line_offers_no_key_that_does_nothing_here() {
    let mut app = browser_app();
    let text = screen(&app);
    press(&mut app, KeyCode::Char('?'));
    let works = matches!(app.modal, Some(Modal::Help(_)));
    assert!(works || !text.contains("? lists every key"), "{text}");
    assert!(text.contains("(x destroys one) · Esc closes"), "{text}");
}
