//! Figures for walking a whole tree (`cargo bench --bench search`, or `./scripts/bench-search`,
//! which also installs Python's hvac for the baselines). A real OpenBao dev server is seeded with
//! 10,000 secrets in 1,110 folders (4 levels) and with 100,000 secrets in the same folders; then,
//! side by side in one run:
//! - `tresor ls -r` by LIST vs. the usual serial recursive walk with hvac, and vs. the same walk
//!   with a pool of 16 threads;
//! - `tresor ls -r` by OpenBao's server-side scan vs. one raw scan request with curl;
//! - key press to frame in a 100,000-node expanded tree, start to first frame, peak memory with
//!   every path in the finder, and key to frame while the server hangs.
//!
//! Every figure includes process start. Under `cargo test` (no `--bench`) it runs on a small tree
//! once, to keep the code path exercised without the cost.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use support::stats::{median, ms, target};

/// (mount, secrets per leaf folder).
const TREES: [(&str, usize); 2] = [("t10k", 10), ("t100k", 100)];

fn python_next_to(bao: &Path) -> PathBuf {
    std::env::var_os("TRESOR_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| bao.with_file_name("python3"))
}

const HVAC_WALK: &str = r#"
import sys, hvac
from concurrent.futures import ThreadPoolExecutor
addr, token, mount, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = hvac.Client(url=addr, token=token)
def ls(path):
    return client.secrets.kv.v2.list_secrets(path=path, mount_point=mount)["data"]["keys"]
found = []
if workers <= 1:
    def walk(path):
        for key in ls(path):
            if key.endswith("/"):
                walk(path + key)
            else:
                found.append(path + key)
    walk("")
else:
    with ThreadPoolExecutor(workers) as pool:
        level = [""]
        while level:
            nxt = []
            for path, keys in zip(level, pool.map(ls, level)):
                for key in keys:
                    (nxt if key.endswith("/") else found).append(path + key)
            level = nxt
print(len(found))
"#;

fn timed(command: &mut Command) -> (Duration, String) {
    let started = Instant::now();
    let output = command.output().expect("run");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        elapsed,
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if std::env::args().any(|a| a == "finder") {
        // `cargo bench --bench search -- finder`: only the finder's typing figure (no server).
        print_finder_typing(110_000, 10);
        return;
    }
    let runs = if full { 5 } else { 1 };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = support::dev_server();
    let client = support::root_client(&server);
    let trees: Vec<(&str, usize)> = if full {
        TREES.to_vec()
    } else {
        vec![("t200", 1)]
    };
    let (fanout, leaf_folders) = if full { (10, 1000) } else { (2, 8) };
    runtime.block_on(async {
        for (mount, per_folder) in &trees {
            client
                .write(
                    &format!("sys/mounts/{mount}"),
                    &json!({"type": "kv", "options": {"version": "2"}}),
                )
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(500)).await;
            let mut paths = Vec::new();
            for leaf in 0..leaf_folders {
                let (a, b, c) = (
                    leaf / (fanout * fanout),
                    leaf / fanout % fanout,
                    leaf % fanout,
                );
                for s in 0..*per_folder {
                    paths.push(format!("{mount}/data/f{a}/g{b}/h{c}/s{s:03}"));
                }
            }
            let started = Instant::now();
            let total = paths.len();
            let mut batches = paths.chunks(64);
            for batch in batches.by_ref() {
                let writes = batch.iter().map(|path| {
                    let client = client.clone();
                    async move {
                        support::write_when_ready(&client, path, &json!({"data": {"v": 1}})).await
                    }
                });
                futures_util::future::join_all(writes).await;
            }
            eprintln!(
                "seeded {total} secrets in {mount}/ in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    });

    let tresor = env!("CARGO_BIN_EXE_tresor");
    let python = python_next_to(&server.bao);
    let hvac = Command::new(&python)
        .args(["-c", "import hvac"])
        .output()
        .is_ok_and(|o| o.status.success());
    if full {
        assert!(
            hvac,
            "the baselines need Python's hvac next to bao ({}): run ./scripts/bench-search",
            python.display()
        );
    }
    let script = std::env::temp_dir().join(format!("tresor-hvac-{}.py", std::process::id()));
    std::fs::write(&script, HVAC_WALK).unwrap();
    let token = server.root_token.expose().to_string();
    let home = tempfile::tempdir().unwrap();

    println!(
        "search figures (median of {runs}), OpenBao dev server on loopback, process start included"
    );
    for (mount, per_folder) in &trees {
        let expected = leaf_folders * per_folder;
        let ls = |method: &str| {
            median(
                (0..runs)
                    .map(|_| {
                        let (elapsed, out) = timed(
                            Command::new(tresor)
                                .args(["ls", "-r", "--method", method, &format!("{mount}/")])
                                .env("BAO_ADDR", &server.addr)
                                .env("BAO_TOKEN", &token)
                                .env("HOME", home.path()),
                        );
                        assert_eq!(out.lines().count(), expected, "{method}");
                        elapsed
                    })
                    .collect(),
            )
        };
        let tresor_list = ls("list");
        let tresor_scan = ls("scan");
        // The baseline does the same work: its answer is parsed and counted like tresor's lines.
        let curl = median(
            (0..runs)
                .map(|_| {
                    let (elapsed, body) = timed(Command::new("curl").args([
                        "-sf",
                        "-H",
                        &format!("X-Vault-Token: {token}"),
                        &format!("{}/v1/{mount}/metadata/?scan=true", server.addr),
                    ]));
                    let answer: serde_json::Value =
                        serde_json::from_str(&body).expect("the scan answer is JSON");
                    let keys = answer["data"]["keys"].as_array().map_or(0, Vec::len);
                    assert_eq!(keys, expected, "curl's scan listed every secret");
                    elapsed
                })
                .collect(),
        );
        println!("  {expected} secrets in {mount}/:");
        println!("    LIST path: tresor ls -r {:>10}", ms(tresor_list));
        if hvac {
            let walk = |workers: &str| {
                median(
                    (0..runs)
                        .map(|_| {
                            let (elapsed, out) = timed(Command::new(&python).args([
                                script.to_str().unwrap(),
                                &server.addr,
                                &token,
                                mount,
                                workers,
                            ]));
                            assert_eq!(out.trim(), expected.to_string());
                            elapsed
                        })
                        .collect(),
                )
            };
            let serial = walk("1");
            let pooled = walk("16");
            let ratio = serial.as_secs_f64() / tresor_list.as_secs_f64();
            println!(
                "               hvac serial walk {:>10}  ({ratio:.1}x slower than tresor; {})",
                ms(serial),
                target(">= 8x", ratio >= 8.0)
            );
            println!(
                "               hvac pool of 16  {:>10}  ({:.1}x slower than tresor)",
                ms(pooled),
                pooled.as_secs_f64() / tresor_list.as_secs_f64()
            );
        } else {
            println!(
                "               (hvac baselines skipped under cargo test: ./scripts/bench-search runs them)"
            );
        }
        let ratio = tresor_scan.as_secs_f64() / curl.as_secs_f64();
        println!(
            "    SCAN path: tresor ls -r {:>10}   one raw scan request with curl {:>10}  ({ratio:.2}x of curl; {})",
            ms(tresor_scan),
            ms(curl),
            target("<= 1.3x", ratio <= 1.3)
        );
    }
    let _ = std::fs::remove_file(&script);

    frames_and_memory(&server, &trees, leaf_folders, full, &home);
}

/// A tree of `leaf_folders` folders (three levels) with `per_folder` secrets each, everything
/// expanded, built with the same listing answers the runtime gives.
fn expanded_app(fanout: usize, leaf_folders: usize, per_folder: usize) -> tresor::app::App {
    use tresor::app::state::ConnectionView;
    use tresor::app::{Action, App, update};
    use tresor::vault::{KvVersion, MountInfo, SecretEngine};
    let mut app = App::new(ConnectionView::default(), (120, 40));
    let generation = app.tree.generation;
    update(
        &mut app,
        Action::MountsLoaded {
            generation,
            result: Ok(vec![MountInfo {
                path: "big/".into(),
                engine: SecretEngine::Kv(KvVersion::V2),
                description: String::new(),
            }]),
        },
    );
    let folders =
        |n: usize, prefix: &str| (0..n).map(|i| format!("{prefix}{i}/")).collect::<Vec<_>>();
    let mut level = vec![app.tree.roots[0]];
    for prefix in ["f", "g", "h"] {
        let mut next = Vec::new();
        for &id in &level {
            app.tree.apply_listing(id, Ok(folders(fanout, prefix)));
            next.extend(app.tree.nodes[id].children.clone());
        }
        level = next;
    }
    for &id in level.iter().take(leaf_folders) {
        let keys = (0..per_folder).map(|s| format!("s{s:03}")).collect();
        app.tree.apply_listing(id, Ok(keys));
    }
    for node in app.tree.nodes.iter_mut() {
        node.expanded = true;
    }
    app.tree.rebuild_visible();
    app
}

/// Key press to frame drawn (update + draw of a 120x40 screen), p50 and p99 over `presses` keys.
fn key_to_frame(app: &mut tresor::app::App, presses: usize) -> (Duration, Duration) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    let mut samples = Vec::with_capacity(presses);
    for index in 0..presses {
        let code = if index % 500 == 499 {
            KeyCode::End
        } else {
            KeyCode::Char('j')
        };
        let started = Instant::now();
        tresor::app::update(
            app,
            tresor::app::Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        terminal.draw(|frame| tresor::ui::draw(frame, app)).unwrap();
        samples.push(started.elapsed());
    }
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[samples.len() * 99 / 100],
    )
}

/// The finder's first matcher (first occurrence of each letter), kept as the baseline:
/// allocating per path.
fn first_matcher(pattern: &str, path: &str) -> Option<(i64, Vec<usize>)> {
    if pattern.is_empty() {
        return Some((-(path.chars().count() as i64), Vec::new()));
    }
    let wanted: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let mut positions = Vec::with_capacity(wanted.len());
    let mut score: i64 = 0;
    let mut next = 0;
    let mut previous: Option<char> = None;
    let mut last_match: Option<usize> = None;
    for (index, c) in path.chars().enumerate() {
        if next == wanted.len() {
            break;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        if lower == wanted[next] {
            score += 1;
            if last_match == Some(index.wrapping_sub(1)) {
                score += 6;
            }
            match previous {
                None | Some('/') => score += 8,
                Some('-' | '_' | '.' | ' ') => score += 3,
                _ => {}
            }
            positions.push(index);
            last_match = Some(index);
            next += 1;
        }
        previous = Some(c);
    }
    if next < wanted.len() {
        return None;
    }
    let last_segment = path.rfind('/').map_or(0, |i| path[..=i].chars().count());
    score += positions.iter().filter(|&&p| p >= last_segment).count() as i64 * 2;
    score = score * 64 - path.chars().count() as i64;
    Some((score, positions))
}

fn print_finder_typing(count: usize, fanout: usize) {
    let (typed_p50, typed_p99, kept, naive) = finder_typing(count, fanout);
    println!(
        "  finder, a key typed over {count} paths (update + draw): p50 {:>9}  p99 {:>9}; \
         matching alone {} vs the first matcher {} ({:.1}x)",
        ms(typed_p50),
        ms(typed_p99),
        ms(kept),
        ms(naive),
        naive.as_secs_f64() / kept.as_secs_f64()
    );
}

/// Typing a pattern in the finder over `count` paths: per key, update + draw (p50, p99); then the
/// matching alone per key (median) as the finder does it, and the first matcher (the pattern
/// lowercased per path, positions for every match, every match copied and sorted, 200 kept) as
/// the baseline.
fn finder_typing(count: usize, fanout: usize) -> (Duration, Duration, Duration, Duration) {
    use crossterm::event::KeyCode;
    use support::fixtures::{connected_app, press};
    use tresor::app::finder::{FinderMatch, MAX_RESULTS, best_matches};
    use tresor::app::{Action, update};
    let paths: Vec<String> = (0..count)
        .map(|i| {
            let leaf = i / 10;
            format!(
                "t100k/f{}/g{}/h{}/s{:03}",
                leaf / (fanout * fanout) % fanout,
                leaf / fanout % fanout,
                leaf % fanout,
                i % 100
            )
        })
        .collect();
    let size = (120, 40);
    let mut app = connected_app(size);
    press(&mut app, KeyCode::Char('F'));
    let generation = app.paths.generation;
    update(
        &mut app,
        Action::CrawlFound {
            generation,
            paths: paths.clone(),
        },
    );
    update(
        &mut app,
        Action::CrawlFinished {
            generation,
            result: Ok(false),
        },
    );
    let backend = ratatui::backend::TestBackend::new(size.0, size.1);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    let pattern = "f3g4h5s07";
    let mut samples = Vec::new();
    for _ in 0..5 {
        for c in pattern.chars() {
            let started = Instant::now();
            press(&mut app, KeyCode::Char(c));
            terminal
                .draw(|frame| tresor::ui::draw(frame, &app))
                .unwrap();
            samples.push(started.elapsed());
        }
        for _ in pattern.chars() {
            press(&mut app, KeyCode::Backspace);
        }
    }
    samples.sort();
    let prefixes: Vec<&str> = (1..=pattern.len()).map(|n| &pattern[..n]).collect();
    let mut kept = Vec::new();
    let mut naive = Vec::new();
    for _ in 0..3 {
        for prefix in &prefixes {
            let started = Instant::now();
            std::hint::black_box(best_matches(prefix, paths.iter()));
            kept.push(started.elapsed());
            let started = Instant::now();
            let mut all: Vec<FinderMatch> = paths
                .iter()
                .filter_map(|path| {
                    first_matcher(prefix, path).map(|(score, positions)| FinderMatch {
                        path: path.clone(),
                        score,
                        positions,
                    })
                })
                .collect();
            all.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
            all.truncate(MAX_RESULTS);
            naive.push(started.elapsed());
            // The finder ranks by the best alignment now (the first matcher took the first
            // occurrence of each letter), so the order differs; the paths matched do not.
            assert_eq!(
                best_matches(prefix, paths.iter()).len(),
                all.len(),
                "as many matches as the first matcher"
            );
        }
    }
    (
        samples[samples.len() / 2],
        samples[samples.len() * 99 / 100],
        median(kept),
        median(naive),
    )
}

fn frames_and_memory(
    server: &tresor::devserver::DevServer,
    trees: &[(&str, usize)],
    leaf_folders: usize,
    full: bool,
    home: &tempfile::TempDir,
) {
    use support::pty::PtyApp;
    let presses = if full { 2000 } else { 50 };
    let (small_fanout, big_fanout) = (2, if full { 10 } else { 2 });
    let big_per_folder = trees.last().map_or(1, |t| t.1);
    let mut small = expanded_app(small_fanout, 8, 10);
    let mut big = expanded_app(big_fanout, leaf_folders, big_per_folder);
    let nodes = big.tree.visible.len();
    let (small_p50, small_p99) = key_to_frame(&mut small, presses);
    let (big_p50, big_p99) = key_to_frame(&mut big, presses);
    println!("  key -> frame, moving through an expanded tree (update + draw, {presses} keys):");
    println!(
        "    {nodes} nodes: p50 {:>9}  p99 {:>9}   ({} nodes: p50 {}, p99 {}; {})",
        ms(big_p50),
        ms(big_p99),
        small.tree.visible.len(),
        ms(small_p50),
        ms(small_p99),
        target("p99 < 16 ms", big_p99 < Duration::from_millis(16))
    );

    print_finder_typing(leaf_folders * big_per_folder + 10_000, big_fanout);

    // The real binary: start to first frame, and peak memory with every path in the finder.
    let (mount, per_folder) = *trees.last().unwrap();
    let expected = leaf_folders * per_folder;
    let env = [
        ("HOME", home.path().to_str().unwrap()),
        ("BAO_ADDR", server.addr.as_str()),
        ("BAO_TOKEN", server.root_token.expose()),
    ];
    let mut first_frames = Vec::new();
    for _ in 0..if full { 9 } else { 1 } {
        let started = Instant::now();
        let mut app = PtyApp::spawn(&[], &env);
        app.wait_for("Secrets");
        first_frames.push(started.elapsed());
        app.send("q");
        app.wait_exit();
    }
    // Every path the token sees, on every mount (the seeded trees and the demo's sample secrets):
    // the finder must hold exactly that many when the memory is read.
    let (_, everything) = timed(
        Command::new(env!("CARGO_BIN_EXE_tresor"))
            .args(["ls", "-r"])
            .envs(env),
    );
    let total = everything.lines().count();
    assert!(total >= expected, "{mount}/ and the rest: {total}");
    let mut app = PtyApp::spawn(&[], &env);
    app.wait_for(&format!("{mount}/ kv v2"));
    app.send("F");
    let done = format!(" · {total} paths");
    let screen = app.wait_until_within("every path in the finder", Duration::from_secs(120), |s| {
        s.contains("done") && s.contains(&done)
    });
    let pid = app.pid().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let peak_kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let loaded = screen
        .lines()
        .find(|l| l.contains(" paths"))
        .unwrap_or("")
        .trim_matches(|c| c == '│' || c == ' ')
        .to_string();
    app.send("\x1b");
    app.send("q");
    app.wait_exit();
    let first_frame = median(first_frames);
    println!(
        "  process start -> first frame {:>9}   ({})",
        ms(first_frame),
        target("< 50 ms", first_frame < Duration::from_millis(50))
    );
    let peak_mb = peak_kb as f64 / 1024.0;
    println!(
        "  peak RSS with the finder holding every path: {peak_mb:.1} MB   ({loaded}; {})",
        target("< 60 MB", peak_kb > 0 && peak_mb < 60.0)
    );

    // A server that accepts and never answers: keys still get frames.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_addr = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let toggle_latency = |addr: &str| {
        let env = [
            ("HOME", home.path().to_str().unwrap()),
            ("BAO_ADDR", addr),
            ("BAO_TOKEN", server.root_token.expose()),
        ];
        let mut app = PtyApp::spawn(&[], &env);
        app.wait_for("Secrets");
        std::thread::sleep(Duration::from_millis(300));
        let mut samples = Vec::new();
        for index in 0..if full { 100 } else { 10 } {
            let opening = index % 2 == 0;
            let started = Instant::now();
            app.send_now("?");
            app.wait_until("help toggled", |s| s.contains("Keys (") == opening);
            samples.push(started.elapsed());
        }
        app.send_now("\x03");
        app.wait_exit();
        samples.sort();
        (
            samples[samples.len() / 2],
            samples[samples.len() * 99 / 100],
        )
    };
    let (ok_p50, ok_p99) = toggle_latency(&server.addr);
    let (hung_p50, hung_p99) = toggle_latency(&hung_addr);
    println!(
        "  key -> frame in the real binary (help toggled): server answering p50 {} p99 {}; server hanging p50 {} p99 {}",
        ms(ok_p50),
        ms(ok_p99),
        ms(hung_p50),
        ms(hung_p99)
    );
}
