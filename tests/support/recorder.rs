//! A logging proxy in front of a real OpenBao server: it forwards each request (one per connection,
//! `Connection: close`) and records its method, path and `X-Vault-Token`, so tests can prove which
//! token reached which server, and how many requests of a kind were in flight at once.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The `X-Vault-Token` header, if any.
    pub token: Option<String>,
}

/// When one request was forwarded: from its head read to its answer written back.
#[derive(Debug, Clone)]
struct Span {
    method: String,
    path: String,
    start: Instant,
    end: Instant,
}

pub struct RecordingProxy {
    pub addr: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    spans: Arc<Mutex<Vec<Span>>>,
}

impl RecordingProxy {
    /// Listens on a free loopback port and forwards to `target` (`http://127.0.0.1:port`).
    pub fn start(target: &str) -> Self {
        Self::refusing(target, None)
    }

    /// The same, but a request with `refused`'s method is answered with its status (recorded,
    /// not forwarded): a server without that method, e.g. one that answers PATCH with 405.
    pub fn refusing(target: &str, refused: Option<(&str, u16)>) -> Self {
        let refused = refused.map(|(method, status)| (method.to_string(), status));
        let upstream = target
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind recording proxy");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let spans = Arc::new(Mutex::new(Vec::new()));
        let (shared, shared_spans) = (log.clone(), spans.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let log = shared.clone();
                let spans = shared_spans.clone();
                let refused = refused.clone();
                std::thread::spawn(move || {
                    forward(client, &upstream, &log, &spans, refused.as_ref())
                });
            }
        });
        Self { addr, log, spans }
    }

    /// The most requests matching `method` and `path_matches` that were in flight at one time
    /// (forwarded requests, from the request read to the answer read from the server: a client
    /// that waits for each answer before its next request never shows two).
    pub fn max_in_flight(&self, method: &str, path_matches: impl Fn(&str) -> bool) -> usize {
        let spans = self.spans.lock().unwrap();
        let mut edges: Vec<(Instant, i32)> = spans
            .iter()
            .filter(|s| s.method == method && path_matches(&s.path))
            .flat_map(|s| [(s.start, 1), (s.end, -1)])
            .collect();
        // An end before a start at the same instant: touching spans do not overlap.
        edges.sort_by_key(|&(at, delta)| (at, delta));
        let (mut now, mut most) = (0i32, 0i32);
        for (_, delta) in edges {
            now += delta;
            most = most.max(now);
        }
        most as usize
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    /// Every token value this server was sent.
    pub fn tokens(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter_map(|r| r.token)
            .collect()
    }
}

fn forward(
    mut client: TcpStream,
    upstream: &str,
    log: &Mutex<Vec<Recorded>>,
    spans: &Mutex<Vec<Span>>,
    refused: Option<&(String, u16)>,
) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((head, body)) = read_request(&mut client) else {
        return;
    };
    let start = Instant::now();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut token = None;
    let mut rewritten = format!("{request_line}\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("x-vault-token:") {
            let start = line.len() - value.len();
            token = Some(line[start..].trim().to_string());
        }
        if lower.starts_with("connection:") {
            continue;
        }
        rewritten.push_str(line);
        rewritten.push_str("\r\n");
    }
    rewritten.push_str("Connection: close\r\n\r\n");
    let refuse = refused.is_some_and(|(refused, _)| *refused == method);
    log.lock().unwrap().push(Recorded {
        method: method.clone(),
        path: path.clone(),
        token,
    });
    if let (true, Some((_, status))) = (refuse, refused) {
        let body = r#"{"errors":["unsupported operation"]}"#;
        let _ = write!(
            client,
            "HTTP/1.1 {status} Refused\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = client.flush();
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    if server.write_all(rewritten.as_bytes()).is_err() || server.write_all(&body).is_err() {
        return;
    }
    // The whole answer is read before the span ends and before the client sees any of it.
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    spans.lock().unwrap().push(Span {
        method,
        path,
        start,
        end: Instant::now(),
    });
    let _ = client.write_all(&answer);
    let _ = client.flush();
    let _ = client.shutdown(Shutdown::Both);
}

/// One request's head (without the blank line) and body (by Content-Length).
fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&seen[..seen.len() - 4]).to_string();
    let length = head
        .to_ascii_lowercase()
        .lines()
        .find_map(|line| line.strip_prefix("content-length:").map(str::to_string))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    client.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// A listener on `bind_ip` that answers every request with a 307 to the same path on `target`;
/// returns its address and the `X-Vault-Token` values it was sent.
pub fn redirector(bind_ip: &str, target: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind((bind_ip, 0)).expect("bind redirector");
    let addr = format!(
        "http://{}",
        listener.local_addr().expect("redirector address")
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 8192];
            let read = stream.read(&mut buffer).unwrap_or(0);
            let head = String::from_utf8_lossy(&buffer[..read]).to_string();
            for line in head.lines() {
                if let Some(token) = line.to_ascii_lowercase().strip_prefix("x-vault-token:") {
                    record.lock().unwrap().push(token.trim().to_string());
                }
            }
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}{path}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (addr, seen)
}
