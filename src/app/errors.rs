//! Errors in words for the screen. The client's errors name no keys; where a key helps (a
//! cancelled read can be asked again), the words are made here, from the keymap.

use super::keymap::{Command, Keymap, Scope};
use crate::vault::VaultError;

/// An error as the screen says it, naming keys as `keymap` binds them.
pub fn error_text(keymap: &Keymap, error: &VaultError) -> String {
    match error {
        VaultError::Cancelled => format!(
            "cancelled ({}); ask again with {} or by opening it again",
            keymap.key(Scope::Main, Command::Back),
            keymap.key(Scope::Main, Command::Refresh)
        ),
        // Go's multi-error text ("1 error occurred:\n\t* ...") as one line of what was said.
        VaultError::Server {
            status,
            path,
            errors,
        } => {
            let lines = crate::vault::error::server_lines(errors);
            if lines.is_empty() {
                format!("server error {status} on {path} (no error text)")
            } else {
                format!("server error {status} on {path}: {}", lines.join("; "))
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_error_in_go_multi_error_form_reads_as_one_line() {
        let error = VaultError::Server {
            status: 500,
            path: "secret/data/app".into(),
            errors: vec!["1 error occurred:\n\t* internal error\n\n".into()],
        };
        let text = error_text(&Keymap::default(), &error);
        assert_eq!(text, "server error 500 on secret/data/app: internal error");
        // An answer without a body says so, not ": ." after the path.
        let empty = VaultError::Server {
            status: 502,
            path: "secret/data/app".into(),
            errors: Vec::new(),
        };
        assert_eq!(
            error_text(&Keymap::default(), &empty),
            "server error 502 on secret/data/app (no error text)"
        );
    }

    #[test]
    fn a_cancelled_read_says_which_keys_ask_again_and_the_client_names_none() {
        let keymap = Keymap::default();
        assert_eq!(
            error_text(&keymap, &VaultError::Cancelled),
            "cancelled (Esc); ask again with R or by opening it again"
        );
        let plain = VaultError::Cancelled.to_string();
        assert!(!plain.contains("Esc") && !plain.contains(" R "), "{plain}");
        assert_eq!(
            error_text(&keymap, &VaultError::Sealed),
            "the server is sealed"
        );
    }
}
