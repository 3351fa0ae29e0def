//! The Transit screen, drawn: the key list and a key's details, the operation dialog with the
//! plaintext masked and revealed, what the token may not do struck through with the capability
//! and path, the rotate question, a narrow terminal and a long key list.

use crate::support;

use crossterm::event::KeyCode;
use ratatui::style::Modifier;
use support::fixtures::{cell_at, ctrl, press, render_at, type_text};
use support::transit::{aes_key, answer, capabilities, ed25519_key, transit_app};
use tresor::app::{Action, update};
use tresor::secret::SecretBytes;
use tresor::vault::transit::{TransitAnswer, TransitOperation, TransitOutput};
use zeroize::Zeroizing;

const SIZE: (u16, u16) = (120, 30);

fn keys() -> Vec<tresor::vault::transit::TransitKey> {
    vec![
        aes_key("app", 3),
        ed25519_key("release-signer"),
        aes_key("backups", 1),
    ]
}

#[test]
fn the_key_list_and_a_key_s_details() {
    let app = transit_app(SIZE, &keys(), capabilities("app", &[]));
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn what_the_token_may_not_do_is_struck_through_with_capability_and_path() {
    let app = transit_app(
        SIZE,
        &keys(),
        capabilities(
            "app",
            &[TransitOperation::Encrypt, TransitOperation::Rotate],
        ),
    );
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!(terminal.backend());
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("e encrypt  needs update on transit/encrypt/app"),
        "{text}"
    );
    assert!(
        text.contains("r rotate  needs update on transit/keys/app/rotate"),
        "{text}"
    );
    assert!(
        cell_at(&terminal, "e encrypt", 0)
            .modifier
            .contains(Modifier::CROSSED_OUT)
    );
    assert!(
        cell_at(&terminal, "r rotate", 0)
            .modifier
            .contains(Modifier::CROSSED_OUT)
    );
    // What is allowed is not struck through.
    assert!(
        !cell_at(&terminal, "d decrypt", 0)
            .modifier
            .contains(Modifier::CROSSED_OUT)
    );
    // The reason beside it is not struck through: it is read.
    assert!(
        !cell_at(&terminal, "needs update on transit/encrypt", 0)
            .modifier
            .contains(Modifier::CROSSED_OUT)
    );
}

#[test]
fn the_encrypt_dialog_masks_the_plaintext_and_shows_the_ciphertext() {
    let mut app = transit_app(SIZE, &keys(), capabilities("app", &[]));
    press(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "こんにちは 🌸");
    insta::assert_snapshot!("encrypt_masked", render_at(&app, SIZE).backend());
    press(&mut app, KeyCode::Enter);
    answer(
        &mut app,
        TransitAnswer::Ran {
            name: "app".into(),
            operation: TransitOperation::Encrypt,
            result: Ok(TransitOutput::Ciphertext(
                "vault:v3:2mHGJm2q4Yw3PZ5cQyF0f1w4v0b5Zr8Qm1s8kR7N0iZbq3lHqk6a".into(),
            )),
        },
    );
    insta::assert_snapshot!("encrypt_done", render_at(&app, SIZE).backend());
}

#[test]
fn the_decrypt_dialog_masks_the_plaintext_until_revealed() {
    let mut app = transit_app(SIZE, &keys(), capabilities("app", &[]));
    press(&mut app, KeyCode::Char('d'));
    update(
        &mut app,
        Action::Paste("vault:v3:2mHGJm2q4Yw3PZ5cQyF0f1w4v0b5Zr8Qm1s8kR7N0iZbq3lHqk6a".into()),
    );
    press(&mut app, KeyCode::Enter);
    answer(
        &mut app,
        TransitAnswer::Ran {
            name: "app".into(),
            operation: TransitOperation::Decrypt,
            result: Ok(TransitOutput::Plaintext(SecretBytes::new(Zeroizing::new(
                "こんにちは 🌸".as_bytes().to_vec(),
            )))),
        },
    );
    insta::assert_snapshot!("decrypt_masked", render_at(&app, SIZE).backend());
    ctrl(&mut app, 'r');
    let terminal = render_at(&app, SIZE);
    insta::assert_snapshot!("decrypt_revealed", terminal.backend());
    // Display width: the CJK text and the emoji take two columns each, the line stays whole.
    assert!(format!("{}", terminal.backend()).contains("こんにちは 🌸"));
}

#[test]
fn the_rotate_question() {
    let mut app = transit_app(SIZE, &keys(), capabilities("app", &[]));
    press(&mut app, KeyCode::Char('r'));
    insta::assert_snapshot!(render_at(&app, SIZE).backend());
}

#[test]
fn a_narrow_terminal_and_a_hundred_keys() {
    let many: Vec<_> = (0..100)
        .map(|n| aes_key(&format!("key-{n:03}"), 1))
        .collect();
    let size = (80, 24);
    let mut app = transit_app(size, &many, capabilities("key-000", &[]));
    for _ in 0..60 {
        press(&mut app, KeyCode::Char('j'));
    }
    answer(
        &mut app,
        TransitAnswer::Key {
            name: "key-060".into(),
            key: Ok(aes_key("key-060", 12)),
            capabilities: Ok(capabilities("key-060", &[TransitOperation::Rotate])),
        },
    );
    insta::assert_snapshot!(render_at(&app, size).backend());
}

/// A long plaintext of CJK and emoji, revealed (typed and decrypted): every row stays inside the
/// dialog (its right border is drawn on every row), wrapped by display width.
#[test]
fn a_long_wide_plaintext_stays_inside_the_dialog() {
    let long = "日本語テキスト 🔐 long plaintext ".repeat(12);
    let check = |app: &tresor::app::App| {
        let terminal = render_at(app, SIZE);
        let buffer = terminal.backend().buffer();
        let row = |y: u16| -> Vec<String> {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        };
        let top = (0..buffer.area.height)
            .find(|y| row(*y).concat().contains("with app"))
            .expect("the dialog");
        let cells = row(top);
        let right = cells
            .iter()
            .rposition(|c| c == "┐")
            .expect("top-right corner") as u16;
        let mut y = top + 1;
        loop {
            let symbol = buffer[(right, y)].symbol().to_string();
            if symbol == "┘" {
                break;
            }
            assert_eq!(symbol, "│", "row {y}:\n{}", terminal.backend());
            // A two-column character in the last column would be drawn over the border.
            let last = buffer[(right - 1, y)].symbol().to_string();
            assert!(
                unicode_width::UnicodeWidthStr::width(last.as_str()) <= 1,
                "row {y}: {last:?} spills over the border:\n{}",
                terminal.backend()
            );
            y += 1;
        }
    };
    let mut app = transit_app(SIZE, &keys(), capabilities("app", &[]));
    press(&mut app, KeyCode::Char('e'));
    update(&mut app, Action::Paste(long.clone()));
    ctrl(&mut app, 'r');
    check(&app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('d'));
    update(&mut app, Action::Paste("vault:v1:abc".into()));
    press(&mut app, KeyCode::Enter);
    answer(
        &mut app,
        TransitAnswer::Ran {
            name: "app".into(),
            operation: TransitOperation::Decrypt,
            result: Ok(TransitOutput::Plaintext(SecretBytes::new(Zeroizing::new(
                long.as_bytes().to_vec(),
            )))),
        },
    );
    ctrl(&mut app, 'r');
    check(&app);
}
