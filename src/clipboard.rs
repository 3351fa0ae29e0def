//! Copying to the clipboard: the system clipboard (arboard) when a display is there, OSC 52 through
//! the terminal otherwise (SSH, tmux, no X/Wayland). We remember only a fingerprint of what we
//! copied, so we can clear the clipboard later if it still holds our value. Only secret values are
//! cleared (after the delay and on exit); paths and commands stay for the shell to paste.

use base64::Engine;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClipboardChoice {
    Auto,
    System,
    Osc52,
}

enum Backend {
    System(arboard::Clipboard),
    Osc52 { tmux: bool },
}

/// Why a copy did not reach the clipboard (never the text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    #[error("system clipboard: {0}")]
    System(String),
    #[error("terminal: {0}")]
    Terminal(String),
}

/// An OSC 52 sequence longer than this may not reach the clipboard: terminals limit its length
/// (hterm, the terminal of ChromeOS, at 100 000 bytes by default; tools that copy through OSC 52 cap
/// there), and tmux 3.3 drops any sequence over 1 MiB. A terminal cannot say it dropped one.
pub const OSC52_MAY_BE_DROPPED: usize = 100_000;

/// tmux 3.3 drops an escape sequence longer than this (its input buffer), OSC 52 or passthrough.
pub const TMUX_SEQUENCE_LIMIT: usize = 1 << 20;

/// A copy that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// To pass to [`Clipboard::clear_if_ours`].
    pub fingerprint: u64,
    /// What the status line should add: the copy may not have reached the clipboard.
    pub warning: Option<String>,
}

/// What a clear did, said as it is: OSC 52 cannot be read back, so a clear through the terminal is
/// a request, and tmux keeps its own copy (a paste buffer, with `set-clipboard on`) until deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClearOutcome {
    /// Something was copied since (by us): our value is not there to clear.
    Superseded,
    /// Something was copied since (by us) through OSC 52, but tmux keeps every copy in a paste
    /// buffer of its own: the buffers that held the earlier value were deleted (how many).
    TmuxEarlier(Result<usize, String>),
    /// The system clipboard held our value and is now empty.
    SystemCleared,
    /// The system clipboard holds something else now: left alone.
    SystemChanged,
    /// The system clipboard holds no text now (emptied, or something else than text copied):
    /// nothing of ours to clear.
    SystemNoText,
    SystemFailed(String),
    /// The terminal was asked to clear its clipboard; inside tmux, tmux's copies were deleted.
    Osc52Asked {
        tmux: Option<Result<usize, String>>,
    },
}

impl ClearOutcome {
    /// The status line's words for it.
    pub fn describe(&self) -> String {
        match self {
            ClearOutcome::Superseded => String::new(),
            ClearOutcome::TmuxEarlier(Ok(0)) => {
                "Earlier copied value: tmux holds no copy of it".into()
            }
            ClearOutcome::TmuxEarlier(Ok(n)) => format!(
                "Earlier copied value: deleted tmux's copy ({n} buffer{})",
                if *n == 1 { "" } else { "s" }
            ),
            ClearOutcome::TmuxEarlier(Err(reason)) => format!(
                "Earlier copied value: tmux's copy could NOT be deleted ({reason}): check \
                 `tmux list-buffers`"
            ),
            ClearOutcome::SystemCleared => "Clipboard cleared".into(),
            ClearOutcome::SystemChanged => {
                "Clipboard left alone: it holds something copied since".into()
            }
            ClearOutcome::SystemNoText => {
                "Clipboard left alone: it no longer holds the value (it holds no text now)".into()
            }
            ClearOutcome::SystemFailed(reason) => {
                format!("Could not clear the clipboard: {reason}")
            }
            ClearOutcome::Osc52Asked { tmux } => {
                let terminal = "asked the terminal to clear its clipboard (OSC 52; a terminal \
                                may ignore it, and cannot confirm)";
                match tmux {
                    None => format!("Copied value: {terminal}"),
                    Some(Ok(0)) => format!("Copied value: {terminal}; tmux holds no copy of it"),
                    Some(Ok(n)) => format!(
                        "Copied value: deleted tmux's copy ({n} buffer{}); {terminal}",
                        if *n == 1 { "" } else { "s" }
                    ),
                    Some(Err(reason)) => format!(
                        "Copied value: {terminal}; tmux's copy could NOT be deleted ({reason}): \
                         check `tmux list-buffers`"
                    ),
                }
            }
        }
    }
}

pub struct Clipboard {
    backend: Backend,
    hasher: RandomState,
    /// Fingerprint of the last text we put there, and whether it is a secret value (to be
    /// cleared).
    ours: Option<(u64, bool)>,
    /// Secret values copied through OSC 52 inside tmux whose paste buffers are still to be
    /// deleted: tmux keeps one per copy, so a later copy does not replace them.
    in_tmux: Vec<u64>,
}

/// Whether the environment looks like a remote/headless session where the system clipboard would
/// be the wrong machine's (or absent).
pub fn prefers_osc52(env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let has_display = set("DISPLAY") || set("WAYLAND_DISPLAY");
    let remote = set("SSH_TTY") || set("SSH_CONNECTION");
    // Only Linux needs a display server for a system clipboard; macOS and Windows always have one.
    remote || (cfg!(target_os = "linux") && !has_display)
}

impl Clipboard {
    pub fn new(choice: ClipboardChoice) -> Self {
        let env = |name: &str| std::env::var(name).ok();
        let tmux = env("TMUX").is_some_and(|v| !v.is_empty());
        let want_system = match choice {
            ClipboardChoice::System => true,
            ClipboardChoice::Osc52 => false,
            ClipboardChoice::Auto => !prefers_osc52(&env),
        };
        let backend = if want_system {
            match arboard::Clipboard::new() {
                Ok(clipboard) => Backend::System(clipboard),
                Err(error) => {
                    tracing::info!(%error, "system clipboard unavailable, using OSC 52");
                    Backend::Osc52 { tmux }
                }
            }
        } else {
            Backend::Osc52 { tmux }
        };
        Self {
            backend,
            hasher: RandomState::new(),
            ours: None,
            in_tmux: Vec::new(),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::System(_) => "system clipboard",
            Backend::Osc52 { .. } => "OSC 52",
        }
    }

    fn fingerprint(&self, text: &str) -> u64 {
        self.hasher.hash_one(text)
    }

    /// Copies `text`; OSC 52 sequences are written to `terminal`. A `secret` value is cleared
    /// on exit if still there.
    pub fn copy(
        &mut self,
        text: &str,
        secret: bool,
        terminal: &mut dyn Write,
    ) -> Result<Copied, CopyError> {
        let mut warning = None;
        match &mut self.backend {
            Backend::System(clipboard) => {
                if let Some(reason) = too_long_for_the_system_clipboard(text.len()) {
                    return Err(CopyError::System(reason));
                }
                set_system(clipboard, text, secret).map_err(|e| CopyError::System(e.to_string()))?
            }
            Backend::Osc52 { tmux } => {
                write_osc52(terminal, Some(text), *tmux)
                    .map_err(|e| CopyError::Terminal(e.to_string()))?;
                warning = osc52_warning(osc52_length(text.len()), *tmux);
            }
        }
        let fingerprint = self.fingerprint(text);
        self.ours = Some((fingerprint, secret));
        if secret && matches!(self.backend, Backend::Osc52 { tmux: true }) {
            self.in_tmux.push(fingerprint);
        }
        Ok(Copied {
            fingerprint,
            warning,
        })
    }

    /// Clears the clipboard if it still holds what we put there with this fingerprint. With OSC 52
    /// the clipboard cannot be read back, so it is cleared if our copy was the last one we made;
    /// inside tmux, tmux's own copies of the value (paste buffers) are to be deleted too: that
    /// runs tmux commands, so it is handed back to be done off the event loop.
    pub fn clear_if_ours(&mut self, fingerprint: u64, terminal: &mut dyn Write) -> Clearing {
        Clearing::Done(match self.clear_now(fingerprint, terminal) {
            Ok(outcome) => outcome,
            Err(copies) => return Clearing::Tmux(copies),
        })
    }

    fn clear_now(
        &mut self,
        fingerprint: u64,
        terminal: &mut dyn Write,
    ) -> Result<ClearOutcome, TmuxCopies> {
        let tmux_copies = self.in_tmux.contains(&fingerprint);
        self.in_tmux.retain(|pending| *pending != fingerprint);
        if self.ours.map(|(latest, _)| latest) != Some(fingerprint) {
            if tmux_copies {
                return Err(TmuxCopies {
                    hasher: self.hasher.clone(),
                    fingerprint,
                    superseded: true,
                });
            }
            return Ok(ClearOutcome::Superseded);
        }
        self.ours = None;
        match &mut self.backend {
            Backend::System(clipboard) => {
                let current = match clipboard.get_text() {
                    Ok(text) => zeroize::Zeroizing::new(text),
                    Err(arboard::Error::ContentNotAvailable) => {
                        return Ok(ClearOutcome::SystemNoText);
                    }
                    // Not knowing what it holds, we neither clear it nor say it is clear.
                    Err(error) => {
                        return Ok(ClearOutcome::SystemFailed(format!(
                            "could not read what it holds ({error})"
                        )));
                    }
                };
                if self.hasher.hash_one(current.as_str()) != fingerprint {
                    return Ok(ClearOutcome::SystemChanged);
                }
                Ok(match clipboard.clear() {
                    Ok(()) => ClearOutcome::SystemCleared,
                    Err(error) => ClearOutcome::SystemFailed(error.to_string()),
                })
            }
            Backend::Osc52 { tmux } => {
                let tmux = *tmux;
                let _ = write_osc52(terminal, None, tmux);
                if tmux {
                    return Err(TmuxCopies {
                        hasher: self.hasher.clone(),
                        fingerprint,
                        superseded: false,
                    });
                }
                Ok(ClearOutcome::Osc52Asked { tmux: None })
            }
        }
    }

    /// The secret values still to be cleared (on exit): the last copy if it was one, and any
    /// earlier one tmux still keeps a copy of.
    pub fn pending(&self) -> Vec<u64> {
        let mut pending = self.in_tmux.clone();
        if let Some((latest, true)) = self.ours
            && !pending.contains(&latest)
        {
            pending.push(latest);
        }
        pending
    }
}

/// What a clear did, or (inside tmux) what is left to do: tmux's copies to delete.
pub enum Clearing {
    Done(ClearOutcome),
    Tmux(TmuxCopies),
}

/// tmux's copies of a value copied through OSC 52, to be deleted (it runs `tmux`: a blocking job).
pub struct TmuxCopies {
    hasher: RandomState,
    fingerprint: u64,
    /// Copied over since: the terminal was not asked to clear (it holds the later copy).
    superseded: bool,
}

impl TmuxCopies {
    /// Deletes them; the terminal was already asked to clear its clipboard (unless the value was
    /// copied over since).
    pub fn delete(self) -> ClearOutcome {
        let deleted = delete_tmux_copies(&self.hasher, self.fingerprint);
        if self.superseded {
            ClearOutcome::TmuxEarlier(deleted)
        } else {
            ClearOutcome::Osc52Asked {
                tmux: Some(deleted),
            }
        }
    }
}

impl Clearing {
    /// The outcome, doing what is left here and now (on exit).
    pub fn finish(self) -> ClearOutcome {
        match self {
            Clearing::Done(outcome) => outcome,
            Clearing::Tmux(copies) => copies.delete(),
        }
    }
}

/// Deletes every tmux paste buffer that holds the value with this fingerprint (tmux keeps one per
/// OSC 52 copy with `set-clipboard on`, and ignores the OSC 52 clear). Returns how many.
fn delete_tmux_copies(hasher: &RandomState, fingerprint: u64) -> Result<usize, String> {
    use std::process::Command;
    let tmux = |args: &[&str]| -> Result<zeroize::Zeroizing<Vec<u8>>, String> {
        let output = Command::new("tmux")
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("tmux: {e}"))?;
        if !output.status.success() {
            let mut stderr = output.stderr;
            let reason = String::from_utf8_lossy(&stderr).trim().to_string();
            zeroize::Zeroize::zeroize(&mut stderr);
            return Err(format!("tmux {}: {reason}", args[0]));
        }
        Ok(zeroize::Zeroizing::new(output.stdout))
    };
    let names = tmux(&["list-buffers", "-F", "#{buffer_name}"])?;
    let names = String::from_utf8_lossy(&names).to_string();
    let mut deleted = 0;
    for name in names.lines().filter(|n| !n.is_empty()) {
        let Ok(content) = tmux(&["show-buffer", "-b", name]) else {
            continue; // gone meanwhile
        };
        let ours =
            std::str::from_utf8(&content).is_ok_and(|text| hasher.hash_one(text) == fingerprint);
        if ours {
            tmux(&["delete-buffer", "-b", name])?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// The length of the OSC 52 sequence that copies `bytes` bytes of text.
fn osc52_length(bytes: usize) -> usize {
    "\x1b]52;c;".len() + bytes.div_ceil(3) * 4 + 1
}

/// The longest text an X clipboard can hand over: arboard answers a paste with one X request,
/// and an X server takes at most 4 194 303 units of 4 bytes in one (with BIG-REQUESTS; less the
/// request's own 28 bytes, with a margin). A longer copy would leave every paste waiting.
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
))]
pub const X11_TEXT_LIMIT: usize = 4_194_303 * 4 - 64;

/// Why `bytes` of text cannot go to the system clipboard, if they cannot.
fn too_long_for_the_system_clipboard(bytes: usize) -> Option<String> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    if bytes > X11_TEXT_LIMIT {
        return Some(format!(
            "a value of {:.1} MiB is more than an X clipboard can hand over (16 MiB): not copied",
            bytes as f64 / f64::from(1 << 20)
        ));
    }
    let _ = bytes;
    None
}

/// Puts `text` on the system clipboard; a `secret` one marked for clipboard managers to keep out
/// of their history (they record a copy as it is made, before any clear): on Linux the
/// `x-kde-passwordManagerHint` convention (KDE's Klipper, CopyQ), on macOS nspasteboard.org's
/// concealed type, on Windows out of the clipboard history and the cloud clipboard.
fn set_system(
    clipboard: &mut arboard::Clipboard,
    text: &str,
    secret: bool,
) -> Result<(), arboard::Error> {
    let set = clipboard.set();
    if !secret {
        return set.text(text.to_string());
    }
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    let set = {
        use arboard::SetExtLinux;
        set.exclude_from_history()
    };
    #[cfg(target_os = "macos")]
    let set = {
        use arboard::SetExtApple;
        set.exclude_from_history()
    };
    #[cfg(windows)]
    let set = {
        use arboard::SetExtWindows;
        set.exclude_from_history().exclude_from_cloud()
    };
    set.text(text.to_string())
}

/// What to say of a copy through an OSC 52 sequence of `length` bytes: nothing, or that it may
/// not (inside tmux: did not) reach the clipboard.
fn osc52_warning(length: usize, tmux: bool) -> Option<String> {
    let size = if length >= 1 << 20 {
        format!("{:.1} MiB", length as f64 / f64::from(1 << 20))
    } else {
        format!("{} KiB", length.div_ceil(1024))
    };
    if tmux && length > TMUX_SEQUENCE_LIMIT {
        Some(format!(
            "but the OSC 52 sequence is {size}: tmux drops sequences over 1 MiB (tmux 3.3), so \
             it most likely did not reach the clipboard"
        ))
    } else if length > OSC52_MAY_BE_DROPPED {
        Some(format!(
            "but the OSC 52 sequence is {size}: many terminals drop one over 100 KB, and cannot \
             say so; check before you rely on it"
        ))
    } else {
        None
    }
}

/// Writes an OSC 52 "set clipboard" (or clear, with `None`). Inside tmux the sequence is also sent
/// wrapped for passthrough, so it works whether tmux forwards OSC 52 itself or passes it through.
pub fn write_osc52(out: &mut dyn Write, text: Option<&str>, tmux: bool) -> std::io::Result<()> {
    let payload = match text {
        Some(text) => {
            zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text))
        }
        None => zeroize::Zeroizing::new("!".to_string()),
    };
    let sequence = zeroize::Zeroizing::new(format!("\x1b]52;c;{}\x07", payload.as_str()));
    out.write_all(sequence.as_bytes())?;
    if tmux {
        let wrapped = zeroize::Zeroizing::new(format!(
            "\x1bPtmux;{}\x1b\\",
            sequence.replace('\x1b', "\x1b\x1b")
        ));
        out.write_all(wrapped.as_bytes())?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_and_clears() {
        let mut out = Vec::new();
        write_osc52(&mut out, Some("hi"), false).unwrap();
        assert_eq!(out, b"\x1b]52;c;aGk=\x07");
        let mut out = Vec::new();
        write_osc52(&mut out, None, true).unwrap();
        assert_eq!(out, b"\x1b]52;c;!\x07\x1bPtmux;\x1b\x1b]52;c;!\x07\x1b\\");
    }

    #[test]
    fn ssh_and_headless_prefer_osc52() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        if cfg!(target_os = "linux") {
            assert!(prefers_osc52(&env(&[])));
            assert!(!prefers_osc52(&env(&[("DISPLAY", ":0")])));
        }
        assert!(prefers_osc52(&env(&[
            ("DISPLAY", ":0"),
            ("SSH_TTY", "/dev/pts/1")
        ])));
    }

    #[test]
    fn osc52_clear_only_for_our_latest_copy() {
        let mut clipboard = Clipboard::new(ClipboardChoice::Osc52);
        let mut out = Vec::new();
        let first = clipboard.copy("one", true, &mut out).unwrap().fingerprint;
        let second = clipboard.copy("two", true, &mut out).unwrap().fingerprint;
        assert_eq!(
            clipboard.clear_if_ours(first, &mut out).finish(),
            ClearOutcome::Superseded
        );
        assert!(matches!(
            clipboard.clear_if_ours(second, &mut out).finish(),
            ClearOutcome::Osc52Asked { .. }
        ));
        assert!(clipboard.pending().is_empty());
    }

    #[test]
    fn a_long_osc52_sequence_is_said_to_be_at_risk() {
        let mut out = Vec::new();
        write_osc52(&mut out, Some(&"x".repeat(1000)), false).unwrap();
        assert_eq!(osc52_length(1000), out.len());
        let mut clipboard = Clipboard::new(ClipboardChoice::Osc52);
        let short = clipboard.copy(&"x".repeat(74_000), true, &mut out).unwrap();
        assert_eq!(short.warning, None);
        let long = clipboard.copy(&"x".repeat(80_000), true, &mut out).unwrap();
        let warning = long.warning.unwrap();
        assert!(
            warning.contains("105 KiB: many terminals drop"),
            "{warning}"
        );
        assert!(
            osc52_warning(osc52_length(2 << 20), true)
                .unwrap()
                .contains("2.7 MiB: tmux drops sequences over 1 MiB")
        );
        assert!(
            osc52_warning(osc52_length(700_000), true)
                .unwrap()
                .contains("many terminals")
        );
    }

    #[test]
    fn only_secret_values_are_pending() {
        let mut clipboard = Clipboard::new(ClipboardChoice::Osc52);
        let mut out = Vec::new();
        let value = clipboard.copy("value", true, &mut out).unwrap().fingerprint;
        assert_eq!(clipboard.pending(), [value]);
        clipboard.copy("secret/app/db", false, &mut out).unwrap();
        assert!(clipboard.pending().is_empty(), "a path is not cleared");
    }
}
