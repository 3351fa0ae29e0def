//! Pure state tests of wrapping (`W`) and unwrapping (`U`): what each key asks of the server, that
//! a bad TTL keeps the text, that a token without the wrap capability is refused before any
//! request, that a wrapping token is used only after a yes, that the unwrapped data is saved
//! through the write flow (create only), and what a use-limited token spends.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{NOW, connected_app, history_app, press, root, tick, type_text};
use tresor::app::unwrap::UnwrapStage;
use tresor::app::wrap::WrapStage;
use tresor::app::{Action, App, Effect, Modal, update};
use tresor::secret::{SecretText, Token};
use tresor::vault::kv::SecretEntry;
use tresor::vault::wrapping::{UnwrappedData, WrapLookup, WrappedSecret};
use tresor::vault::write::WriteMode;
use tresor::vault::{Location, TokenInfo, VaultError};

const SIZE: (u16, u16) = (120, 40);
const WRAPPING_TOKEN: &str = "s.WrappingTokenForTests01";

fn wrap_stage(app: &App) -> &WrapStage {
    match &app.modal {
        Some(Modal::Wrap(dialog)) => &dialog.stage,
        other => panic!("expected the wrap dialog, got {other:?}"),
    }
}

fn wrap_error(app: &App) -> String {
    match &app.modal {
        Some(Modal::Wrap(dialog)) => dialog.error.clone().unwrap_or_default(),
        other => panic!("expected the wrap dialog, got {other:?}"),
    }
}

fn ttl_text(app: &App) -> String {
    match wrap_stage(app) {
        WrapStage::Ttl(input) => input.text.clone(),
        other => panic!("expected the TTL prompt, got {other:?}"),
    }
}

fn wrapped(location: &Location) -> Action {
    Action::SecretWrapped {
        location: location.clone(),
        result: Ok(WrappedSecret {
            token: Token::new(WRAPPING_TOKEN),
            accessor: "acc-123".into(),
            ttl: 90,
            creation_path: "sys/wrapping/wrap".into(),
            creation_time: "2026-11-23T01:55:48Z".into(),
            version: Some(27),
            keys: 2,
        }),
    }
}

/// `W` on the open secret, the capability answered with `caps`.
fn open_wrap(app: &mut App, caps: &[&str]) {
    let effects = press(app, KeyCode::Char('W'));
    assert_eq!(effects, vec![Effect::LoadWrapCapability]);
    update(
        app,
        Action::WrapCapabilityLoaded(Ok(caps.iter().map(|c| c.to_string()).collect())),
    );
}

#[test]
fn a_bad_ttl_keeps_its_text_and_the_wrap_reads_the_secret_fresh() {
    let mut app = history_app(SIZE, &root());
    open_wrap(&mut app, &["update"]);
    assert_eq!(ttl_text(&app), "10m", "ten minutes by default");
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "soon");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
    assert!(
        wrap_error(&app).contains("not \"soon\""),
        "{}",
        wrap_error(&app)
    );
    assert_eq!(ttl_text(&app), "soon", "the text stays for correcting");
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "90s");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::WrapSecret { location, ttl }] = effects.as_slice() else {
        panic!("one wrap request: {effects:?}");
    };
    assert_eq!(location.display(), "secret/history/rotating");
    assert_eq!(*ttl, 90);
    // While the wrap is on its way, closing would lose the token: Esc does nothing.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(wrap_stage(&app), WrapStage::Wrapping { .. }));

    update(&mut app, wrapped(location));
    let WrapStage::Done(shown) = wrap_stage(&app) else {
        panic!("the token is shown");
    };
    assert!(!shown.revealed, "masked until revealed");
    assert_eq!(shown.remaining(app.clock), 90);
    tick(&mut app, 30.0);
    let WrapStage::Done(shown) = wrap_stage(&app) else {
        panic!("the token is shown");
    };
    assert_eq!(shown.remaining(app.clock), 60, "the TTL counts down");
    press(&mut app, KeyCode::Char('s'));
    assert!(matches!(wrap_stage(&app), WrapStage::Done(shown) if shown.revealed));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::Copy {
            text: SecretText::new(WRAPPING_TOKEN),
            description: "the wrapping token of secret/history/rotating".into(),
            sensitive: true,
        }]
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn without_update_on_sys_wrapping_wrap_nothing_is_sent() {
    let mut app = history_app(SIZE, &root());
    open_wrap(&mut app, &["deny"]);
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(
        wrap_error(&app).contains("needs update on sys/wrapping/wrap"),
        "{}",
        wrap_error(&app)
    );
    // A refusal by the server says the same, and the TTL prompt comes back.
    let mut app = history_app(SIZE, &root());
    open_wrap(&mut app, &["update"]);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::WrapSecret { location, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::SecretWrapped {
            location: location.clone(),
            result: Err(VaultError::PermissionDenied {
                path: "sys/wrapping/wrap".into(),
                operation: tresor::vault::Operation::Write,
            }),
        },
    );
    assert_eq!(ttl_text(&app), "600s");
    assert!(wrap_error(&app).contains("Nothing was wrapped"));
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "now known: denied"
    );
}

#[test]
fn w_without_a_secret_says_what_to_do() {
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('k'));
    assert!(press(&mut app, KeyCode::Char('W')).is_empty());
    assert!(app.modal.is_none());
    assert!(support::fixtures::status(&app).contains("Select a secret to wrap"));
}

fn unwrap_stage(app: &App) -> &UnwrapStage {
    match &app.modal {
        Some(Modal::Unwrap(dialog)) => &dialog.stage,
        other => panic!("expected the unwrap dialog, got {other:?}"),
    }
}

fn unwrap_error(app: &App) -> String {
    match &app.modal {
        Some(Modal::Unwrap(dialog)) => dialog.error.clone().unwrap_or_default(),
        other => panic!("expected the unwrap dialog, got {other:?}"),
    }
}

fn lookup() -> WrapLookup {
    WrapLookup {
        creation_path: "sys/wrapping/wrap".into(),
        creation_time: "2026-11-23T01:55:00Z".into(),
        creation_ttl: 600,
        expires_unix: Some(NOW + 552),
    }
}

fn data() -> UnwrappedData {
    UnwrappedData {
        entries: vec![
            SecretEntry::new("password".into(), SecretText::new("hunter2 🔑"), false),
            SecretEntry::new("port".into(), SecretText::new("5432"), true),
        ],
    }
}

/// `U`, `token` typed, submitted: the lookup is asked; its request.
fn type_token_text(app: &mut App, token: &str) -> u64 {
    assert!(press(app, KeyCode::Char('U')).is_empty());
    type_text(app, token);
    let effects = press(app, KeyCode::Enter);
    let [
        Effect::LookupWrappingToken {
            request,
            token: sent,
        },
    ] = effects.as_slice()
    else {
        panic!("one lookup: {effects:?}");
    };
    assert_eq!(sent, &Token::new(token));
    *request
}

fn type_token(app: &mut App) -> u64 {
    type_token_text(app, WRAPPING_TOKEN)
}

/// The answer to the lookup the dialog waits for.
fn answer_lookup(app: &mut App, result: Result<WrapLookup, VaultError>) {
    let request = match unwrap_stage(app) {
        UnwrapStage::LookingUp { request } => *request,
        other => panic!("no lookup asked: {other:?}"),
    };
    update(app, Action::WrappingTokenLookedUp { request, result });
}

#[test]
fn the_token_is_looked_up_first_and_used_only_after_a_yes() {
    let mut app = connected_app(SIZE);
    type_token(&mut app);
    answer_lookup(&mut app, Ok(lookup()));
    assert!(matches!(unwrap_stage(&app), UnwrapStage::Looked { .. }));
    // A key that means nothing decides nothing; no goes back to the token, unused.
    assert!(press(&mut app, KeyCode::Char('z')).is_empty());
    assert!(matches!(unwrap_stage(&app), UnwrapStage::Looked { .. }));
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert_eq!(unwrap_stage(&app), &UnwrapStage::Typing);
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::LookupWrappingToken { .. }]
    ));
    answer_lookup(&mut app, Ok(lookup()));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::UnwrapToken {
            token: Token::new(WRAPPING_TOKEN)
        }]
    );
    update(&mut app, Action::TokenUnwrapped(Ok(data())));
    let UnwrapStage::Done(view) = unwrap_stage(&app) else {
        panic!("the data is shown");
    };
    assert!(!view.revealed);
    assert_eq!(view.entries.len(), 2);
    let Some(Modal::Unwrap(dialog)) = &app.modal else {
        unreachable!()
    };
    assert!(dialog.input.text.is_empty(), "the used token is not kept");

    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy { text, sensitive: true, .. }] if text.expose() == "5432"),
        "{effects:?}"
    );

    // Saving: the path prompt; cancelling it gives the data back.
    press(&mut app, KeyCode::Char('w'));
    assert!(matches!(app.modal, Some(Modal::PathPrompt(_))));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(unwrap_stage(&app), UnwrapStage::Done(_)));
    press(&mut app, KeyCode::Char('w'));
    support::fixtures::ctrl(&mut app, 'u');
    type_text(&mut app, "secret/handed/db");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::ConfirmWrite(_))));
    let effects = press(&mut app, KeyCode::Char('y'));
    let [
        Effect::WriteSecret {
            location,
            body,
            mode,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(location.display(), "secret/handed/db");
    assert_eq!(*mode, WriteMode::Create, "never replaces a secret");
    let body: serde_json::Value = serde_json::from_slice(body.expose()).unwrap();
    assert_eq!(body["password"], "hunter2 🔑");
    assert_eq!(body["port"], 5432);
}

#[test]
fn a_used_expired_or_mistyped_token_is_said_to_be_so_and_its_text_stays() {
    let mut app = connected_app(SIZE);
    type_token(&mut app);
    answer_lookup(&mut app, Err(VaultError::WrappingTokenInvalid));
    assert_eq!(unwrap_stage(&app), &UnwrapStage::Typing);
    let error = unwrap_error(&app);
    assert!(error.contains("already unwrapped"), "{error}");
    assert!(error.contains("someone else may have"), "{error}");
    let Some(Modal::Unwrap(dialog)) = &app.modal else {
        unreachable!()
    };
    assert_eq!(dialog.input.text, WRAPPING_TOKEN, "kept for correcting");

    // Known at the lookup, refused at the unwrap: someone was first.
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects.len(), 1);
    answer_lookup(&mut app, Ok(lookup()));
    press(&mut app, KeyCode::Char('y'));
    update(
        &mut app,
        Action::TokenUnwrapped(Err(VaultError::WrappingTokenInvalid)),
    );
    let error = unwrap_error(&app);
    assert!(error.contains("unwrapped since"), "{error}");
    // An empty token is not sent.
    let mut app = connected_app(SIZE);
    press(&mut app, KeyCode::Char('U'));
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(unwrap_error(&app).contains("Paste the wrapping token"));
}

#[test]
fn a_wrap_spends_two_uses_and_lookups_and_unwraps_none() {
    let mut app = history_app(SIZE, &root());
    update(
        &mut app,
        Action::TokenLookedUp(Ok(TokenInfo {
            namespace: None,
            display_name: "token".into(),
            policies: vec!["default".into()],
            ttl_seconds: 0,
            renewable: false,
            creation_ttl: 0,
            expires: false,
            uses_left: Some(9),
        })),
    );
    let uses = |app: &App| match &app.token {
        tresor::app::state::Loadable::Ready(view) => view.uses_left,
        _ => None,
    };
    open_wrap(&mut app, &["update"]);
    assert_eq!(uses(&app), Some(8), "the capability question");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::WrapSecret { location, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(&mut app, wrapped(location));
    assert_eq!(uses(&app), Some(6), "a read and a wrap");
    press(&mut app, KeyCode::Esc);
    type_token(&mut app);
    answer_lookup(&mut app, Ok(lookup()));
    press(&mut app, KeyCode::Char('y'));
    update(&mut app, Action::TokenUnwrapped(Ok(data())));
    assert_eq!(
        uses(&app),
        Some(6),
        "made with the wrapping token, not ours"
    );
}

#[test]
fn an_answer_to_a_lookup_given_up_on_is_dropped() {
    let mut app = connected_app(SIZE);
    let first = type_token(&mut app);
    // Closed while looking up, opened again, another token looked up.
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    let second = type_token_text(&mut app, "s.AnotherWrappingToken002");
    assert_ne!(first, second);
    // The first token's answer comes late: it is not the second token's.
    update(
        &mut app,
        Action::WrappingTokenLookedUp {
            request: first,
            result: Err(VaultError::WrappingTokenInvalid),
        },
    );
    assert_eq!(
        unwrap_stage(&app),
        &UnwrapStage::LookingUp { request: second }
    );
    assert_eq!(unwrap_error(&app), "");
    update(
        &mut app,
        Action::WrappingTokenLookedUp {
            request: second,
            result: Ok(lookup()),
        },
    );
    assert!(matches!(unwrap_stage(&app), UnwrapStage::Looked { .. }));
}

/// The unwrapped data, saved (`w`) to `path`: the prompt filled and submitted, the write sent
/// after a yes; the write's location and body.
fn save_unwrapped_to(app: &mut App, path: &str) -> (Location, serde_json::Value) {
    support::fixtures::ctrl(app, 'u');
    type_text(app, path);
    press(app, KeyCode::Enter);
    assert!(
        matches!(app.modal, Some(Modal::ConfirmWrite(_))),
        "{:?}",
        app.modal
    );
    let effects = press(app, KeyCode::Char('y'));
    let [
        Effect::WriteSecret {
            location,
            body,
            mode,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(*mode, WriteMode::Create, "never replaces a secret");
    let body = serde_json::from_slice(body.expose()).unwrap();
    (location.clone(), body)
}

fn prompt_of(app: &App) -> &tresor::app::write::PathPrompt {
    match &app.modal {
        Some(Modal::PathPrompt(prompt)) => prompt,
        other => panic!("expected the path prompt, got {other:?}"),
    }
}

/// Issue 19 (tester, item 7): saving the unwrapped data to a path that exists offered to
/// overwrite or re-apply on it, and Esc twice discarded the single-use data. A refused create
/// goes back to the path prompt with the typed path and why; no overwrite is offered; backing out
/// of the write flow returns to the unwrapped view; a new path then saves the data intact.
#[test]
fn saving_unwrapped_data_where_a_secret_exists_asks_another_path_and_keeps_the_data() {
    let mut app = connected_app(SIZE);
    type_token(&mut app);
    answer_lookup(&mut app, Ok(lookup()));
    press(&mut app, KeyCode::Char('y'));
    update(&mut app, Action::TokenUnwrapped(Ok(data())));
    press(&mut app, KeyCode::Char('w'));

    // Refused because a secret exists: the prompt again, the path typed, the reason, no read of
    // theirs (nothing to re-apply on: the save never replaces one).
    let (location, _) = save_unwrapped_to(&mut app, "secret/exists");
    let effects = update(
        &mut app,
        Action::SecretWritten {
            location: location.clone(),
            result: Err(VaultError::AlreadyExists {
                path: "secret/data/exists".into(),
            }),
        },
    );
    assert!(effects.is_empty(), "theirs is not read: {effects:?}");
    let prompt = prompt_of(&app);
    assert_eq!(prompt.input.text, "secret/exists", "the typed path is kept");
    let error = prompt.error.clone().unwrap_or_default();
    assert!(
        error.contains("already exists at secret/exists"),
        "the reason: {error:?}"
    );
    assert!(
        !tresor::app::component::Component::hints(prompt, &app)
            .iter()
            .any(|(_, what)| what.contains("overwrite")),
        "no overwrite offered"
    );

    // Whether one exists cannot be checked: the same, never an overwrite.
    let (location, _) = save_unwrapped_to(&mut app, "secret/exists");
    update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Err(VaultError::ExistenceUnknown {
                path: "secret/exists".into(),
            }),
        },
    );
    assert!(
        prompt_of(&app)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Cannot check whether a secret exists")),
        "{:?}",
        prompt_of(&app).error
    );

    // Backing out of the confirmation goes to the prompt (not a form without a path), Esc there
    // to the unwrapped view: the data is still there.
    support::fixtures::ctrl(&mut app, 'u');
    type_text(&mut app, "secret/elsewhere");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::ConfirmWrite(_))));
    press(&mut app, KeyCode::Esc);
    assert_eq!(prompt_of(&app).input.text, "secret/elsewhere");
    press(&mut app, KeyCode::Esc);
    let UnwrapStage::Done(view) = unwrap_stage(&app) else {
        panic!("the data is shown again");
    };
    assert_eq!(view.entries, data().entries);

    // A new path: saved, the data intact.
    press(&mut app, KeyCode::Char('w'));
    let (location, body) = save_unwrapped_to(&mut app, "secret/handed/new");
    assert_eq!(location.display(), "secret/handed/new");
    assert_eq!(body["password"], "hunter2 🔑");
    assert_eq!(body["port"], 5432);
    update(
        &mut app,
        Action::SecretWritten {
            location,
            result: Ok(Some(1)),
        },
    );
    assert!(
        support::fixtures::status(&app).contains("Saved secret/handed/new"),
        "{}",
        support::fixtures::status(&app)
    );
}
