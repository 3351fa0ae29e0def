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

/// The operation dialog's top and bottom rows on screen, and the screen as text (FIX19 #6).
fn dialog_rows(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> (u16, u16, String) {
    let buffer = terminal.backend().buffer();
    let row = |y: u16| -> String {
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect()
    };
    let top = (0..buffer.area.height)
        .find(|y| row(*y).contains(" with app "))
        .expect("the dialog");
    let left = row(top).chars().position(|c| c == '┌').expect("corner") as u16;
    let bottom = (top + 1..buffer.area.height)
        .find(|y| buffer[(left, *y)].symbol() == "└")
        .expect("the dialog's bottom border");
    let text = (top..=bottom).map(row).collect::<Vec<_>>().join("\n");
    (top, bottom, text)
}

/// What a large input or output must not do to the dialog at `size`: grow over the header or the
/// footer, or push the hints off it.
fn assert_bounded(app: &tresor::app::App, size: (u16, u16)) -> String {
    let terminal = render_at(app, size);
    let (top, bottom, text) = dialog_rows(&terminal);
    let screen = format!("{}", terminal.backend());
    assert!(top >= 2, "the dialog covers the header:\n{screen}");
    assert!(
        bottom < size.1 - 1,
        "the dialog covers the footer:\n{screen}"
    );
    assert!(text.contains("Esc closes"), "the hints are gone:\n{screen}");
    screen
}

fn large_plaintext() -> String {
    // 100,000 characters: CJK (two columns) and emoji (two columns, some of two code points).
    "秘密鍵🔐日本語テキスト😀".repeat(8_333) + "末尾の字"
}

/// A 100,000-character CJK/emoji plaintext typed into encrypt, and a ciphertext as long as it
/// makes: the dialog stays between header and footer, the input shows its tail and its size, the
/// ciphertext is cut visibly with how to copy all of it, and the hints show (FIX19 #6).
#[test]
fn a_large_input_and_output_keep_the_encrypt_dialog_within_the_screen() {
    let plaintext = large_plaintext();
    assert_eq!(plaintext.chars().count(), 100_000);
    let ciphertext = format!("vault:v1:{}", "QUJD".repeat(100_000));
    for (size, name) in [((80, 24), "80x24"), ((120, 40), "120x40")] {
        let mut app = transit_app(size, &keys(), capabilities("app", &[]));
        press(&mut app, KeyCode::Char('e'));
        update(&mut app, Action::Paste(plaintext.clone()));
        let screen = assert_bounded(&app, size);
        assert!(screen.contains("100,000 characters"), "{screen}");
        insta::assert_snapshot!(format!("large_encrypt_masked_{name}"), screen);
        ctrl(&mut app, 'r');
        let screen = assert_bounded(&app, size);
        // The tail (where the cursor is) shows.
        assert!(screen.contains("字▏"), "{screen}");
        insta::assert_snapshot!(format!("large_encrypt_revealed_{name}"), screen);
        press(&mut app, KeyCode::Enter);
        answer(
            &mut app,
            TransitAnswer::Ran {
                name: "app".into(),
                operation: TransitOperation::Encrypt,
                result: Ok(TransitOutput::Ciphertext(ciphertext.clone())),
            },
        );
        let screen = assert_bounded(&app, size);
        assert!(
            screen.contains("Ctrl-y copies all 400,009 characters"),
            "{screen}"
        );
        assert!(screen.contains('…'), "the cut is not shown:\n{screen}");
        insta::assert_snapshot!(format!("large_encrypt_done_{name}"), screen);
    }
}

/// Decrypting a 400,009-character ciphertext into a 100,000-character plaintext: the input does
/// not fill the dialog, the plaintext shows (revealed) in a bounded area that pages down and up,
/// and the hints show (FIX19 #6).
#[test]
fn a_large_decrypt_shows_its_result_in_a_bounded_scrollable_area() {
    let plaintext = large_plaintext();
    let ciphertext = format!("vault:v1:{}", "QUJD".repeat(100_000));
    for (size, name) in [((80, 24), "80x24"), ((120, 40), "120x40")] {
        let mut app = transit_app(size, &keys(), capabilities("app", &[]));
        press(&mut app, KeyCode::Char('d'));
        update(&mut app, Action::Paste(ciphertext.clone()));
        let screen = assert_bounded(&app, size);
        assert!(screen.contains("400,009 characters"), "{screen}");
        press(&mut app, KeyCode::Enter);
        answer(
            &mut app,
            TransitAnswer::Ran {
                name: "app".into(),
                operation: TransitOperation::Decrypt,
                result: Ok(TransitOutput::Plaintext(SecretBytes::new(Zeroizing::new(
                    plaintext.as_bytes().to_vec(),
                )))),
            },
        );
        ctrl(&mut app, 'r');
        let screen = assert_bounded(&app, size);
        assert!(screen.contains("秘密鍵🔐日本語"), "{screen}");
        assert!(
            screen.contains("Ctrl-y copies all 100,000 characters"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("large_decrypt_revealed_{name}"), screen);
        press(&mut app, KeyCode::PageDown);
        let paged = assert_bounded(&app, size);
        assert_ne!(paged, screen, "PgDn does not scroll the plaintext");
        insta::assert_snapshot!(format!("large_decrypt_paged_{name}"), paged);
        // PgUp comes back to the start (and no further).
        for _ in 0..2 {
            press(&mut app, KeyCode::PageUp);
        }
        assert_eq!(assert_bounded(&app, size), screen);
    }
}
