//! A real (not dev) OpenBao cluster on loopback: raft storage, N nodes, initialized with the given
//! shares and threshold. Node 0 is the leader; the others join with `retry_join` once unsealed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tresor::devserver::find_bao;

pub struct RaftNode {
    pub id: String,
    pub api_port: u16,
    config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl RaftNode {
    pub fn addr(&self) -> String {
        format!("http://127.0.0.1:{}", self.api_port)
    }
}

pub struct RaftCluster {
    pub bao: PathBuf,
    pub dir: tempfile::TempDir,
    pub nodes: Vec<RaftNode>,
    pub keys_b64: Vec<String>,
    pub keys_hex: Vec<String>,
    pub root_token: String,
}

/// `GET path` over a plain socket: the status code and body.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let code = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((code, body))
}

/// `count` free loopback ports, all different (held open together while they are picked).
fn distinct_ports(count: usize) -> Vec<u16> {
    let listeners: Vec<std::net::TcpListener> = (0..count)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

fn spawn(bao: &Path, node: &mut RaftNode, home: &Path) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&node.log)
        .unwrap();
    let mut command = Command::new(bao);
    command
        .arg("server")
        .arg(format!("-config={}", node.config.display()))
        .env("HOME", home)
        .env_remove("BAO_TOKEN")
        .env_remove("VAULT_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log));
    // Dies with the test process, a killed one too.
    let child = tresor::devserver::spawn_tied_to_this_process(command).expect("start bao server");
    node.child = Some(child);
}

impl RaftCluster {
    /// Starts `count` nodes and initializes the first with `shares` / `threshold`. All sealed.
    pub fn start(count: usize, shares: u8, threshold: u8) -> Self {
        let bao = find_bao(None)
            .unwrap_or_else(|hint| panic!("the cluster tests need a real OpenBao.\n{hint}"));
        let dir = tempfile::Builder::new()
            .prefix("tresor-raft-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir()
            .unwrap();
        let mut nodes = Vec::new();
        let ports = distinct_ports(count * 2);
        for index in 0..count {
            let (api_port, cluster_port) = (ports[index * 2], ports[index * 2 + 1]);
            let id = format!("n{}", index + 1);
            let data = dir.path().join(&id);
            std::fs::create_dir_all(&data).unwrap();
            let join = match nodes.first() {
                Some(RaftNode {
                    api_port: leader, ..
                }) => format!("retry_join {{ leader_api_addr = \"http://127.0.0.1:{leader}\" }}"),
                None => String::new(),
            };
            let config = dir.path().join(format!("{id}.hcl"));
            std::fs::write(
                &config,
                format!(
                    "storage \"raft\" {{\n  path = \"{data}\"\n  node_id = \"{id}\"\n  {join}\n}}\n\
                     listener \"tcp\" {{\n  address = \"127.0.0.1:{api_port}\"\n  \
                     cluster_address = \"127.0.0.1:{cluster_port}\"\n  tls_disable = true\n}}\n\
                     api_addr = \"http://127.0.0.1:{api_port}\"\n\
                     cluster_addr = \"http://127.0.0.1:{cluster_port}\"\n",
                    data = data.display()
                ),
            )
            .unwrap();
            let mut node = RaftNode {
                log: dir.path().join(format!("{id}.log")),
                id,
                api_port,
                config,
                child: None,
            };
            spawn(&bao, &mut node, dir.path());
            nodes.push(node);
        }
        let mut cluster = RaftCluster {
            bao,
            dir,
            nodes,
            keys_b64: Vec::new(),
            keys_hex: Vec::new(),
            root_token: String::new(),
        };
        for index in 0..count {
            cluster.wait_until(index, "answering", |code, _| code == 200);
        }
        let out = cluster.bao(
            0,
            &[
                "operator",
                "init",
                &format!("-key-shares={shares}"),
                &format!("-key-threshold={threshold}"),
                "-format=json",
            ],
        );
        let init: serde_json::Value = serde_json::from_str(&out).unwrap();
        let strings = |name: &str| -> Vec<String> {
            init[name]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        cluster.keys_b64 = strings("unseal_keys_b64");
        cluster.keys_hex = strings("unseal_keys_hex");
        cluster.root_token = init["root_token"].as_str().unwrap().to_string();
        cluster
    }

    pub fn addr(&self, index: usize) -> String {
        self.nodes[index].addr()
    }

    /// `bao <args>` against node `index` with the root token; its stdout, or a panic.
    pub fn bao(&self, index: usize, args: &[&str]) -> String {
        let output = Command::new(&self.bao)
            .args(args)
            .env("BAO_ADDR", self.addr(index))
            .env("BAO_TOKEN", &self.root_token)
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "bao {args:?} on node {index}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `sys/seal-status` of node `index`, parsed.
    pub fn seal_status(&self, index: usize) -> Option<serde_json::Value> {
        let (_, body) = http_get(self.nodes[index].api_port, "/v1/sys/seal-status")?;
        serde_json::from_str(&body).ok()
    }

    /// Waits (up to 60 s) until `sys/seal-status` of node `index` satisfies `done`.
    pub fn wait_until(
        &self,
        index: usize,
        what: &str,
        done: impl Fn(u16, &serde_json::Value) -> bool,
    ) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some((code, body)) = http_get(self.nodes[index].api_port, "/v1/sys/seal-status")
                && let Ok(value) = serde_json::from_str::<serde_json::Value>(&body)
                && done(code, &value)
            {
                return;
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(&self.nodes[index].log).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(15).collect();
                panic!("node {index} never {what}; log:\n{}", tail.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Unseals node `index` with the CLI and waits until it is unsealed.
    pub fn unseal_with_cli(&self, index: usize) {
        for key in self.keys_b64.iter().take(self.threshold()) {
            self.bao(index, &["operator", "unseal", "-format=json", key]);
        }
        self.wait_until(index, "unsealed", |_, v| v["sealed"] == false);
    }

    pub fn threshold(&self) -> usize {
        self.seal_status(0)
            .and_then(|v| v["t"].as_u64())
            .unwrap_or(self.keys_b64.len() as u64) as usize
    }

    /// `sys/health` status code of node `index` (429 standby, 503 sealed).
    pub fn health(&self, index: usize) -> Option<u16> {
        http_get(self.nodes[index].api_port, "/v1/sys/health").map(|(code, _)| code)
    }

    pub fn stop_node(&mut self, index: usize) {
        if let Some(mut child) = self.nodes[index].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn restart_node(&mut self, index: usize) {
        self.stop_node(index);
        let (bao, home) = (self.bao.clone(), self.dir.path().to_path_buf());
        spawn(&bao, &mut self.nodes[index], &home);
        self.wait_until(index, "answering", |code, _| code == 200);
    }
}

impl Drop for RaftCluster {
    fn drop(&mut self) {
        for index in 0..self.nodes.len() {
            self.stop_node(index);
        }
    }
}
