//! Transit, end to end: the real binary in a pseudo-terminal against a real OpenBao with a
//! transit mount. Open transit/, encrypt a CJK and emoji string, decrypt it (masked, then
//! revealed), rotate the key after a yes (the versions read again), rewrap the old ciphertext to
//! the new version; a decrypt-only token sees encrypt struck through and is told why.

use crate::support;

use support::pty::PtyApp;
use support::sandbox::Sandbox;
use tresor::devserver::DevServer;

pub const PLAINTEXT: &str = "秘密のメモ 🔐 tresor-transit-42";

/// A dev server with `transit/` and an aes256-gcm96 key `app`.
pub fn transit_server() -> DevServer {
    let server = support::dev_server();
    for args in [
        &["secrets", "enable", "transit"][..],
        &["write", "-f", "transit/keys/app"][..],
    ] {
        server
            .bao(args, None)
            .unwrap_or_else(|error| panic!("bao {args:?}: {error}"));
    }
    server
}

/// What the last copy put on the clipboard (an OSC 52 sequence in the terminal's output).
pub fn last_copied(app: &PtyApp) -> String {
    use base64::Engine;
    let raw = app.raw_output();
    let marker = b"\x1b]52;c;";
    let start = raw
        .windows(marker.len())
        .rposition(|w| w == marker)
        .expect("an OSC 52 copy")
        + marker.len();
    let end = start
        + raw[start..]
            .iter()
            .position(|b| *b == 0x07)
            .expect("the end of the OSC 52 sequence");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&raw[start..end])
        .expect("base64");
    String::from_utf8(bytes).expect("utf-8")
}

/// Pasted as a terminal pastes (bracketed).
pub fn paste(app: &mut PtyApp, text: &str) {
    app.send(&format!("\x1b[200~{text}\x1b[201~"));
}

/// Opens transit/ (the last mount in the tree) and waits for the key.
pub fn open_transit(app: &mut PtyApp) {
    app.keys(&["G", "\r"]);
    app.wait_for("Transit · transit/");
    app.wait_for("latest 1 · kept 1");
}

#[test]
fn encrypt_decrypt_rotate_and_rewrap_through_the_screen() {
    let server = transit_server();
    let sandbox = Sandbox::new().server(&server).wait_for("transit/ transit");
    let mut app = sandbox.spawn();
    open_transit(&mut app);

    // Encrypt: typed masked, the ciphertext shown.
    app.keys(&["e"]);
    app.wait_for("Encrypt with app");
    app.send(PLAINTEXT);
    let screen = app.wait_for("•••••");
    assert!(!screen.contains("秘密"), "masked while typed:\n{screen}");
    app.keys(&["\r"]);
    app.wait_for("vault:v1:");
    // Copied (not a secret: not cleared), and pasted back below.
    app.keys(&["\x19"]); // Ctrl-y
    app.wait_for("Copied the ciphertext (app)");
    let v1 = last_copied(&app);
    assert!(v1.starts_with("vault:v1:") && v1.len() > 20, "{v1}");

    // Decrypt it: masked until revealed.
    app.keys(&["\x1b", "d"]);
    app.wait_for("Decrypt with app");
    paste(&mut app, &v1);
    app.keys(&["\r"]);
    let screen = app.wait_for("Plaintext (Ctrl-r reveals");
    assert!(!screen.contains("秘密"), "masked:\n{screen}");
    app.keys(&["\x12"]); // Ctrl-r
    app.wait_for(PLAINTEXT);

    // Rotate after a yes; the versions are read again.
    app.keys(&["\x1b", "r"]);
    app.wait_for("Rotate app?");
    app.keys(&["y"]);
    app.wait_for("latest 2 · kept 1, 2");
    app.wait_for("Rotated app: latest version 2 (was 1).");

    // Rewrap the old ciphertext: now version 2.
    app.keys(&["w"]);
    app.wait_for("Rewrap with app");
    paste(&mut app, &v1);
    app.keys(&["\r"]);
    app.wait_for("vault:v2:");
    app.keys(&["\x19"]);
    app.wait_until("the rewrapped ciphertext copied", |_| {
        last_copied(&app).starts_with("vault:v2:")
    });
    let v2 = last_copied(&app);
    let decrypted = server
        .bao(
            &[
                "write",
                "-field=plaintext",
                "transit/decrypt/app",
                &format!("ciphertext={v2}"),
            ],
            None,
        )
        .expect("bao decrypt");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(decrypted.trim())
        .expect("base64");
    assert_eq!(String::from_utf8(bytes).unwrap(), PLAINTEXT);

    app.keys(&["\x1b", "q"]);
    app.wait_until("the screen closed", |s| !s.contains("Transit · transit/"));
    app.keys(&["q"]);
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_decrypt_only_token_sees_encrypt_struck_through_and_why() {
    let server = transit_server();
    server
        .bao(
            &["policy", "write", "transit-decrypt", "-"],
            Some(
                "path \"transit/decrypt/app\" { capabilities = [\"update\"] }\n\
                 path \"transit/keys/app\" { capabilities = [\"read\"] }\n\
                 path \"transit/keys\" { capabilities = [\"list\"] }\n",
            ),
        )
        .expect("policy");
    let token = server
        .bao(
            &["token", "create", "-policy=transit-decrypt", "-field=token"],
            None,
        )
        .expect("token");
    let sandbox = Sandbox::new()
        .server(&server)
        .token(token.trim())
        .wait_for("transit/ transit");
    let mut app = sandbox.spawn();
    open_transit(&mut app);
    app.wait_for("needs update on transit/encrypt/app");
    app.wait_for("needs update on transit/keys/app/rotate");
    app.keys(&["e"]);
    app.wait_for("This token may not encrypt with app: it needs update on transit/encrypt/app.");
    app.keys(&["q", "q"]);
    assert_eq!(app.wait_exit(), 0);
}
