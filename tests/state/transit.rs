//! The Transit screen, pure state: opening a transit mount, moving between keys, the operation
//! dialog (plaintext masked, base64 handled, results copyable, nothing kept after it closes),
//! what the token may not do, and rotating behind a yes with the versions read again.

use crate::support;

use crossterm::event::KeyCode;
use support::fixtures::{ctrl, press, screen_at, status, type_text};
use support::transit::{
    aes_key, answer, app_with_transit_mount, capabilities, ed25519_key, screen, transit_app,
    transit_effect,
};
use tresor::app::keymap::Scope;
use tresor::app::{Action, Effect, update};
use tresor::secret::SecretBytes;
use tresor::vault::transit::{
    KeyCapabilities, TransitAnswer, TransitInput, TransitOperation, TransitOutput, TransitRequest,
};
use tresor::vault::{Operation, VaultError};
use zeroize::Zeroizing;

const SIZE: (u16, u16) = (120, 30);

fn bytes(data: &[u8]) -> SecretBytes {
    SecretBytes::new(Zeroizing::new(data.to_vec()))
}

fn ran(
    app: &mut tresor::app::App,
    operation: TransitOperation,
    result: Result<TransitOutput, VaultError>,
) {
    answer(
        app,
        TransitAnswer::Ran {
            name: "app".into(),
            operation,
            result,
        },
    );
}

#[test]
fn opening_a_transit_mount_opens_the_transit_screen_and_lists_its_keys() {
    let mut app = app_with_transit_mount(SIZE);
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![transit_effect(TransitRequest::ListKeys)]);
    assert_eq!(screen(&app).mount, "transit/");
    assert!(
        !status(&app).contains("does not browse"),
        "{}",
        status(&app)
    );
    let effects = answer(
        &mut app,
        TransitAnswer::Keys(Ok(vec!["app".into(), "signer".into()])),
    );
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::ReadKey {
            name: "app".into()
        })]
    );
    // Down reads the next key; an answer about the previous one is dropped.
    let effects = press(&mut app, KeyCode::Char('j'));
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::ReadKey {
            name: "signer".into()
        })]
    );
    answer(
        &mut app,
        TransitAnswer::Key {
            name: "app".into(),
            key: Ok(aes_key("app", 1)),
            capabilities: Ok(KeyCapabilities::unknown()),
        },
    );
    assert_eq!(
        screen(&app).detail.as_ref().map(|d| d.name.as_str()),
        Some("signer")
    );
    assert!(matches!(
        screen(&app).detail.as_ref().map(|d| &d.key),
        Some(tresor::app::state::Loadable::Loading)
    ));
    // Esc closes the screen.
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    // The tree no longer calls the transit mount "not browsable".
    let shown = screen_at(&app, SIZE);
    let line = shown.lines().find(|l| l.contains("transit/")).unwrap();
    assert!(!line.contains("not browsable"), "{line}");
}

#[test]
fn encrypt_masks_the_typed_plaintext_sends_its_bytes_and_shows_the_ciphertext() {
    let mut app = transit_app(SIZE, &[aes_key("app", 1)], capabilities("app", &[]));
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(app.modal.as_ref().unwrap().scope(), Scope::TransitDialog);
    // Keys of the screen (d, r, q) are typed as text while the dialog is open.
    let plaintext = "秘密 🔐 drq";
    type_text(&mut app, plaintext);
    let shown = screen_at(&app, SIZE);
    assert!(!shown.contains("秘密") && !shown.contains("drq"), "{shown}");
    assert!(
        shown.contains(">\u{a0}••••••••▏"),
        "one dot a character: {shown}"
    );
    // Revealed while typing, on request.
    ctrl(&mut app, 'r');
    assert!(screen_at(&app, SIZE).contains("秘密"));
    ctrl(&mut app, 'r');
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::Run {
            name: "app".into(),
            input: TransitInput::Encrypt(bytes(plaintext.as_bytes())),
        })]
    );
    assert!(screen(&app).dialog.as_ref().unwrap().busy);
    // Enter again while busy sends nothing.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    ran(
        &mut app,
        TransitOperation::Encrypt,
        Ok(TransitOutput::Ciphertext("vault:v1:abcdef".into())),
    );
    assert!(screen_at(&app, SIZE).contains("vault:v1:abcdef"));
    let effects = ctrl(&mut app, 'y');
    assert!(
        matches!(&effects[..], [Effect::Copy { text, sensitive: false, .. }] if text.expose() == "vault:v1:abcdef"),
        "{effects:?}"
    );
    // Closing drops the dialog and what it held.
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app).dialog.is_none());
    assert_eq!(app.modal.as_ref().unwrap().scope(), Scope::Transit);
}

#[test]
fn decrypt_shows_the_plaintext_masked_until_revealed_and_copies_it_as_a_secret() {
    let mut app = transit_app(SIZE, &[aes_key("app", 1)], capabilities("app", &[]));
    press(&mut app, KeyCode::Char('d'));
    // Nothing pasted: said, nothing sent.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(screen_at(&app, SIZE).contains("Paste a ciphertext"));
    update(&mut app, Action::Paste("vault:v1:abc\n".into()));
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::Run {
            name: "app".into(),
            input: TransitInput::Decrypt("vault:v1:abc".into()),
        })]
    );
    ran(
        &mut app,
        TransitOperation::Decrypt,
        Ok(TransitOutput::Plaintext(bytes("héllo wörld ✨".as_bytes()))),
    );
    let shown = screen_at(&app, SIZE);
    assert!(!shown.contains("héllo"), "masked: {shown}");
    assert!(shown.contains("•••••• (13 chars)"), "{shown}");
    ctrl(&mut app, 'r');
    assert!(screen_at(&app, SIZE).contains("héllo wörld ✨"));
    let effects = ctrl(&mut app, 'y');
    assert!(
        matches!(&effects[..], [Effect::Copy { text, sensitive: true, .. }] if text.expose() == "héllo wörld ✨"),
        "{effects:?}"
    );
}

#[test]
fn a_plaintext_that_is_not_utf8_is_said_to_be_so_and_offered_as_base64() {
    let mut app = transit_app(SIZE, &[aes_key("app", 1)], capabilities("app", &[]));
    press(&mut app, KeyCode::Char('d'));
    update(&mut app, Action::Paste("vault:v1:abc".into()));
    press(&mut app, KeyCode::Enter);
    ran(
        &mut app,
        TransitOperation::Decrypt,
        Ok(TransitOutput::Plaintext(bytes(&[0xff, 0x00, 0xfe]))),
    );
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains("Not UTF-8 text (3 bytes)"), "{shown}");
    ctrl(&mut app, 'r');
    assert!(screen_at(&app, SIZE).contains("/wD+"));
    let effects = ctrl(&mut app, 'y');
    assert!(
        matches!(&effects[..], [Effect::Copy { text, sensitive: true, description }] if text.expose() == "/wD+" && description.contains("base64")),
        "{effects:?}"
    );
}

#[test]
fn sign_and_verify_on_a_signing_key_and_verify_says_valid_or_invalid_in_words() {
    let mut app = transit_app(SIZE, &[ed25519_key("app")], capabilities("app", &[]));
    // An ed25519 key does not encrypt: said, no dialog.
    press(&mut app, KeyCode::Char('e'));
    assert!(screen(&app).dialog.is_none());
    assert!(
        screen(&app)
            .error
            .as_deref()
            .is_some_and(|e| e == "app is a key of type ed25519, which does not encrypt."),
        "{:?}",
        screen(&app).error
    );
    press(&mut app, KeyCode::Char('s'));
    type_text(&mut app, "message");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::Run {
            name: "app".into(),
            input: TransitInput::Sign(bytes(b"message")),
        })]
    );
    ran(
        &mut app,
        TransitOperation::Sign,
        Ok(TransitOutput::Signature("vault:v1:sig".into())),
    );
    assert!(screen_at(&app, SIZE).contains("vault:v1:sig"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('v'));
    type_text(&mut app, "message");
    // Without a signature: said, nothing sent.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    press(&mut app, KeyCode::Tab);
    update(&mut app, Action::Paste("vault:v1:sig".into()));
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::Run {
            name: "app".into(),
            input: TransitInput::Verify {
                input: bytes(b"message"),
                signature: "vault:v1:sig".into()
            },
        })]
    );
    assert!(
        screen_at(&app, SIZE).contains("Enter verifies ·"),
        "not 'verifys'"
    );
    ran(
        &mut app,
        TransitOperation::Verify,
        Ok(TransitOutput::Verified(true)),
    );
    assert!(screen_at(&app, SIZE).contains("Valid: the signature matches"));
    press(&mut app, KeyCode::Enter);
    ran(
        &mut app,
        TransitOperation::Verify,
        Ok(TransitOutput::Verified(false)),
    );
    assert!(screen_at(&app, SIZE).contains("Invalid: the signature does not match"));
}

#[test]
fn what_the_token_may_not_do_is_refused_up_front_naming_the_capability_and_path() {
    let mut app = transit_app(
        SIZE,
        &[aes_key("app", 1)],
        capabilities(
            "app",
            &[TransitOperation::Encrypt, TransitOperation::Rotate],
        ),
    );
    press(&mut app, KeyCode::Char('e'));
    assert!(screen(&app).dialog.is_none());
    let error = screen(&app).error.clone().unwrap_or_default();
    assert_eq!(
        error,
        "This token may not encrypt with app: it needs update on transit/encrypt/app."
    );
    press(&mut app, KeyCode::Char('r'));
    assert!(screen(&app).rotate.is_none());
    assert!(
        screen(&app)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("update on transit/keys/app/rotate"))
    );
    // Decrypt is allowed; a 403 from the server says the path and the capability too.
    press(&mut app, KeyCode::Char('d'));
    update(&mut app, Action::Paste("vault:v1:abc".into()));
    press(&mut app, KeyCode::Enter);
    ran(
        &mut app,
        TransitOperation::Decrypt,
        Err(VaultError::PermissionDenied {
            path: "transit/decrypt/app".into(),
            operation: Operation::Write,
        }),
    );
    assert_eq!(
        screen(&app).dialog.as_ref().unwrap().error.as_deref(),
        Some("Permission denied: to decrypt this token needs update on transit/decrypt/app.")
    );
}

#[test]
fn rotating_asks_first_and_reads_the_versions_again() {
    let mut app = transit_app(SIZE, &[aes_key("app", 1)], capabilities("app", &[]));
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.modal.as_ref().unwrap().scope(), Scope::Confirm);
    assert!(screen_at(&app, SIZE).contains("Rotate app?"));
    // n keeps it.
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(screen(&app).rotate.is_none());
    press(&mut app, KeyCode::Char('r'));
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::Rotate {
            name: "app".into()
        })]
    );
    // Done: the key is read again, not assumed to be at version 2.
    let effects = answer(
        &mut app,
        TransitAnswer::Rotated {
            name: "app".into(),
            result: Ok(()),
        },
    );
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::ReadKey {
            name: "app".into()
        })]
    );
    assert_eq!(
        screen(&app).detail.as_ref().unwrap().key,
        tresor::app::state::Loadable::Loading
    );
    answer(
        &mut app,
        TransitAnswer::Key {
            name: "app".into(),
            key: Ok(aes_key("app", 2)),
            capabilities: Ok(capabilities("app", &[])),
        },
    );
    assert_eq!(status(&app), "Rotated app: latest version 2 (was 1).");
    let shown = screen_at(&app, SIZE);
    assert!(shown.contains("latest 2 · kept 1, 2"), "{shown}");
}

#[test]
fn an_answer_for_a_dialog_that_was_closed_is_dropped() {
    let mut app = transit_app(SIZE, &[aes_key("app", 1)], capabilities("app", &[]));
    press(&mut app, KeyCode::Char('d'));
    update(&mut app, Action::Paste("vault:v1:abc".into()));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    ran(
        &mut app,
        TransitOperation::Decrypt,
        Ok(TransitOutput::Plaintext(bytes(b"late"))),
    );
    assert!(screen(&app).dialog.is_none());
    // A new dialog does not take the late answer either.
    press(&mut app, KeyCode::Char('d'));
    ran(
        &mut app,
        TransitOperation::Decrypt,
        Ok(TransitOutput::Plaintext(bytes(b"late"))),
    );
    assert_eq!(screen(&app).dialog.as_ref().unwrap().output, None);
}

#[test]
fn a_hundred_keys_page_and_jump_to_either_end() {
    let many: Vec<_> = (0..100)
        .map(|n| aes_key(&format!("key-{n:03}"), 1))
        .collect();
    let mut app = transit_app(SIZE, &many, capabilities("key-000", &[]));
    let selected = |app: &tresor::app::App| screen(app).selected_key().map(str::to_string);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(
        selected(&app).as_deref(),
        Some("key-020"),
        "a page is the list's rows"
    );
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(selected(&app).as_deref(), Some("key-099"));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(
        selected(&app).as_deref(),
        Some("key-099"),
        "stays at the end"
    );
    let effects = press(&mut app, KeyCode::Char('g'));
    assert_eq!(selected(&app).as_deref(), Some("key-000"));
    assert_eq!(
        effects,
        vec![transit_effect(TransitRequest::ReadKey {
            name: "key-000".into()
        })]
    );
    press(&mut app, KeyCode::PageUp);
    assert_eq!(selected(&app).as_deref(), Some("key-000"));
}

/// A long result pages by PgDn/PgUp between its first row and its last page (never past it), a
/// result that fits does not move, and a new result starts at its top (FIX19 #6).
#[test]
fn a_long_result_pages_within_its_rows() {
    let mut app = transit_app(SIZE, &[aes_key("app", 1)], capabilities("app", &[]));
    press(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "x");
    press(&mut app, KeyCode::Enter);
    ran(
        &mut app,
        TransitOperation::Encrypt,
        Ok(TransitOutput::Ciphertext("vault:v1:short".into())),
    );
    let scroll = |app: &tresor::app::App| screen(app).dialog.as_ref().unwrap().output_scroll;
    press(&mut app, KeyCode::PageDown);
    assert_eq!(scroll(&app), 0, "a result that fits does not move");
    press(&mut app, KeyCode::Enter);
    // 30 rows of the dialog's columns: a page is 13 rows at 30 rows high, the last page starts
    // at row 17.
    let columns = tresor::app::transit::dialog_columns(SIZE.0);
    let page = tresor::app::transit::output_page(SIZE.1);
    assert_eq!(page, 13);
    ran(
        &mut app,
        TransitOperation::Encrypt,
        Ok(TransitOutput::Ciphertext("A".repeat(columns * 30))),
    );
    press(&mut app, KeyCode::PageDown);
    assert_eq!(scroll(&app), page);
    for _ in 0..5 {
        press(&mut app, KeyCode::PageDown);
    }
    assert_eq!(scroll(&app), 30 - page);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(scroll(&app), 30 - 2 * page);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(scroll(&app), 0);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Enter);
    assert_eq!(scroll(&app), 0, "a new request starts at the top");
}
