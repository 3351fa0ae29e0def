//! Owns the terminal: raw mode, alternate screen, mouse and paste capture, and their restoration on
//! every way out (normal exit, error, panic, signal).

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::Once;

pub type Backend = CrosstermBackend<Stdout>;

pub struct Tui {
    pub terminal: Terminal<Backend>,
}

static PANIC_HOOK: Once = Once::new();

/// Puts the terminal back to normal. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    disable_raw_mode()
}

/// Drops every input byte and event already waiting (typed while another program had the
/// terminal); returns how many parsed events there were. The kernel's buffer is flushed too: bytes
/// typed in cooked mode become readable without a wake-up when raw mode comes back, so they would
/// otherwise arrive with the next key the user presses.
pub fn discard_pending_input() -> usize {
    flush_tty_input();
    let mut dropped = 0;
    while crossterm::event::poll(std::time::Duration::ZERO).unwrap_or(false) {
        if crossterm::event::read().is_err() {
            break;
        }
        dropped += 1;
    }
    dropped
}

#[cfg(unix)]
fn flush_tty_input() {
    use std::os::fd::AsRawFd;
    // SAFETY: tcflush only reads the descriptor number; a descriptor that is not a terminal
    // makes it fail with ENOTTY, which is fine (there is nothing to flush then).
    let flushed = unsafe { libc::tcflush(io::stdin().as_raw_fd(), libc::TCIFLUSH) } == 0;
    if !flushed && let Ok(tty) = std::fs::File::open("/dev/tty") {
        // SAFETY: as above, on the controlling terminal, which stays open for the call.
        unsafe { libc::tcflush(tty.as_raw_fd(), libc::TCIFLUSH) };
    }
}

#[cfg(not(unix))]
fn flush_tty_input() {}

fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

impl Tui {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(error) = execute!(
            stdout,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ) {
            let _ = restore();
            return Err(error);
        }
        let terminal = match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => terminal,
            Err(error) => {
                let _ = restore();
                return Err(error);
            }
        };
        Ok(Self { terminal })
    }

    /// Hands the terminal to another program (the editor): normal screen, cooked mode.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore()
    }

    /// Takes the terminal back after `suspend` and redraws everything on the next frame.
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste,
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
        // A fresh terminal has empty buffers, so the next frame is drawn whole. (`clear()` would
        // ask the terminal for the cursor position, which not every terminal answers.)
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }

    pub fn size(&self) -> (u16, u16) {
        self.terminal
            .size()
            .map(|s| (s.width, s.height))
            .unwrap_or((80, 24))
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = restore();
    }
}
