//! A small fault-injecting TCP proxy in front of a real OpenBao server: it passes bytes through,
//! or hangs (accepts and never answers), drops connections, or answers with a canned response
//! (a 429/5xx, a body that is not JSON, a huge or deeply nested one) for the next N requests.
//! Changing the fault severs the connections already open, so keep-alive cannot bypass it.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Writes a whole response to the client (it is closed afterwards).
pub type Responder = Arc<dyn Fn(&mut TcpStream) + Send + Sync>;

#[derive(Clone)]
pub enum Fault {
    Pass,
    /// Accept, read, never answer.
    Hang,
    /// Accept and close at once (what a stopped server looks like to a pooled client).
    Drop,
    /// Answer every request with this, without asking the server.
    Respond(Responder),
}

struct State {
    fault: Fault,
    /// Requests left to answer with `fault` before going back to `Pass` (`None`: for good).
    remaining: Option<usize>,
    open: Vec<TcpStream>,
}

pub struct FaultProxy {
    pub addr: String,
    state: Arc<Mutex<State>>,
    accepted: Arc<AtomicUsize>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `target` (`http://127.0.0.1:port`).
    pub fn start(target: &str) -> Self {
        let upstream = target
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            fault: Fault::Pass,
            remaining: None,
            open: Vec::new(),
        }));
        let accepted = Arc::new(AtomicUsize::new(0));
        let (shared, count) = (state.clone(), accepted.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let fault = {
                    let mut state = shared.lock().unwrap();
                    let fault = state.fault.clone();
                    if let Some(left) = &mut state.remaining {
                        *left = left.saturating_sub(1);
                        if *left == 0 {
                            state.fault = Fault::Pass;
                            state.remaining = None;
                        }
                    }
                    if let Ok(copy) = client.try_clone() {
                        state.open.push(copy);
                    }
                    fault
                };
                let upstream = upstream.clone();
                let shared = shared.clone();
                std::thread::spawn(move || serve(client, fault, &upstream, &shared));
            }
        });
        Self {
            addr,
            state,
            accepted,
        }
    }

    /// From now on (connections already open are cut).
    pub fn set(&self, fault: Fault) {
        self.set_for(fault, None);
    }

    /// For the next `requests` connections, then back to passing through.
    pub fn set_next(&self, fault: Fault, requests: usize) {
        self.set_for(fault, Some(requests));
    }

    fn set_for(&self, fault: Fault, remaining: Option<usize>) {
        let mut state = self.state.lock().unwrap();
        state.fault = fault;
        state.remaining = remaining;
        for stream in state.open.drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Whether a fault set for a number of connections (`set_next`) has connections left, that
    /// is, was not served in full yet.
    pub fn fault_pending(&self) -> bool {
        self.state.lock().unwrap().remaining.is_some()
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn serve(mut client: TcpStream, fault: Fault, upstream: &str, state: &Mutex<State>) {
    match fault {
        Fault::Pass => {
            let Ok(server) = TcpStream::connect(upstream) else {
                return;
            };
            if let Ok(copy) = server.try_clone() {
                state.lock().unwrap().open.push(copy);
            }
            let (mut client_read, mut server_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let pump = std::thread::spawn(move || {
                let _ = std::io::copy(&mut client_read, &mut server_write);
                let _ = server_write.shutdown(Shutdown::Write);
            });
            let mut server_read = server;
            let _ = std::io::copy(&mut server_read, &mut client);
            let _ = client.shutdown(Shutdown::Both);
            let _ = pump.join();
        }
        Fault::Hang => {
            let mut sink = [0u8; 4096];
            while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
        }
        Fault::Drop => {
            let _ = client.shutdown(Shutdown::Both);
        }
        Fault::Respond(respond) => {
            read_request(&mut client);
            respond(&mut client);
            let _ = client.flush();
            let _ = client.shutdown(Shutdown::Write);
            // Let the client read the answer before the socket goes.
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Reads one request's head and its body (by Content-Length).
fn read_request(client: &mut TcpStream) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(5)));
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&seen).to_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = client.read_exact(&mut body);
}

/// A canned answer with a status and a body.
pub fn status(code: u16, body: &str) -> Fault {
    let body = body.to_string();
    Fault::Respond(Arc::new(move |client: &mut TcpStream| {
        let _ = write!(
            client,
            "HTTP/1.1 {code} Canned\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
    }))
}

/// A 200 with a body of `size` bytes of `fill`, sent in pieces; with or without a Content-Length.
pub fn huge(size: usize, with_length: bool) -> Fault {
    huge_counted(size, with_length).0
}

/// `huge`, and the count of body bytes the client took (written before it stopped reading;
/// socket buffers included, so a few MiB more than it read).
pub fn huge_counted(size: usize, with_length: bool) -> (Fault, Arc<AtomicUsize>) {
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = taken.clone();
    let fault = Fault::Respond(Arc::new(move |client: &mut TcpStream| {
        counter.store(0, Ordering::SeqCst);
        let length = if with_length {
            format!("Content-Length: {size}\r\n")
        } else {
            String::new()
        };
        if write!(
            client,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n"
        )
        .is_err()
        {
            return;
        }
        let piece = vec![b'['; 64 * 1024];
        let mut sent = 0;
        while sent < size {
            let n = piece.len().min(size - sent);
            if client.write_all(&piece[..n]).is_err() {
                return; // the client stopped reading: what a bounded read does
            }
            sent += n;
            counter.store(sent, Ordering::SeqCst);
        }
    }));
    (fault, taken)
}
