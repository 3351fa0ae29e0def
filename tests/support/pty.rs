//! Drives the real `tresor` binary in a pseudo-terminal and reads the screen through a vt100 parser.

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const ROWS: u16 = 30;
pub const COLS: u16 = 110;

pub struct PtyApp {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl PtyApp {
    /// Starts `tresor args...` with exactly the given environment (plus PATH and TERM), on a
    /// terminal of ROWS x COLS.
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn_sized(args, env, (ROWS, COLS))
    }

    /// `spawn` on a terminal of `rows` x `cols`.
    pub fn spawn_sized(args: &[&str], env: &[(&str, &str)], (rows, cols): (u16, u16)) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_tresor"));
        command.args(args);
        command.env_clear();
        command.env("PATH", std::env::var("PATH").unwrap_or_default());
        command.env("TERM", "xterm-256color");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pty.slave.spawn_command(command).expect("spawn tresor");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().expect("rows"),
            cols.try_into().expect("cols"),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (parser_in, raw_in) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16384];
            while let Ok(read) = reader.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                parser_in.lock().unwrap().process(&buffer[..read]);
                raw_in.lock().unwrap().extend_from_slice(&buffer[..read]);
            }
        });
        Self {
            child,
            writer,
            parser,
            raw,
            _master: pty.master,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn in_alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen contains `needle`; fails with the screen when it does not.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |screen| screen.contains(needle))
    }

    /// `wait_for` with its own time limit.
    pub fn wait_within_for(&self, needle: &str, limit: Duration) -> String {
        self.wait_until_within(needle, limit, |screen| screen.contains(needle))
    }

    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_until_within(what, Duration::from_secs(15), done)
    }

    pub fn wait_until_within(
        &self,
        what: &str,
        limit: Duration,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn send(&mut self, bytes: &str) {
        self.send_now(bytes);
        // Let the app read each burst separately so a lone Esc is not merged into Alt+key.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Writes without the pause after it (for timing a single key).
    pub fn send_now(&mut self, bytes: &str) {
        self.writer
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Opens `path` through the `:` prompt (Ctrl-U clears what the prompt holds first).
    pub fn open(&mut self, path: &str) {
        self.keys(&[":", "\x15", path, "\r"]);
    }

    pub fn keys(&mut self, keys: &[&str]) {
        for key in keys {
            self.send(key);
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Waits for the process to exit; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader drain the last bytes (terminal restore) into the parser.
                std::thread::sleep(Duration::from_millis(200));
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("tresor did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
