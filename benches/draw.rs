//! Drawing costs what the screen shows, not what the value holds (`cargo bench --bench draw`).
//! One frame of the whole screen (120×40, as the runtime draws it every tick) with the selected
//! value revealed: a 1 KB value against a 2 MB one (one line, and 40 000 lines), a large JSON
//! value, and a 300-key secret. Figures are medians; the ratios against 1 KB are what matters
//! (near 1: the frame does not grow with the value). Also printed: the one-time cost of cutting
//! the value into rows when it is revealed, and one key typed into the value in the edit form
//! (update and the next frame), 1 KB against 2 MB.

#[path = "../tests/support/mod.rs"]
mod support;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::fixtures::{answer, connected_app, open, press};
use support::stats::median;
use tresor::app::App;
use tresor::vault::SecretCapabilities;

const SIZE: (u16, u16) = (120, 40);
const FRAMES: usize = 200;

fn revealed_app(data: Value) -> (App, Duration) {
    let mut app = connected_app(SIZE);
    let mut effects = open(&mut app, "secret/bench/draw");
    while !effects.is_empty() {
        effects = answer(&mut app, effects, &SecretCapabilities::unknown(), &|_| {
            data.clone()
        });
    }
    press(&mut app, KeyCode::Tab);
    let started = Instant::now();
    press(&mut app, KeyCode::Char('s'));
    (app, started.elapsed())
}

/// Median time of one frame, and the time revealing took (cutting the value into rows).
fn frame_time(data: Value) -> (Duration, Duration) {
    let (app, reveal) = revealed_app(data);
    let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    let mut times = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        let started = Instant::now();
        terminal
            .draw(|frame| tresor::ui::draw(frame, &app))
            .unwrap();
        times.push(started.elapsed());
    }
    (median(times), reveal)
}

/// Median time of one key typed at the end of the value in the `e` form, with its frame.
fn keystroke_time(data: Value) -> Duration {
    let (mut app, _) = revealed_app(data);
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    let mut times = Vec::with_capacity(50);
    for _ in 0..50 {
        let started = Instant::now();
        press(&mut app, KeyCode::Char('z'));
        terminal
            .draw(|frame| tresor::ui::draw(frame, &app))
            .unwrap();
        times.push(started.elapsed());
    }
    median(times)
}

fn us(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn main() {
    let small = json!({"value": "k".repeat(1024)});
    let (base, base_reveal) = frame_time(small);
    println!(
        "{:<34} {:>10} {:>8} {:>14}",
        "selected value (revealed)", "frame µs", "ratio", "reveal once µs"
    );
    println!(
        "{:<34} {:>10.0} {:>8.2} {:>14.0}",
        "1 KB, one line",
        us(base),
        1.0,
        us(base_reveal)
    );
    let lines: Vec<String> = (0..40_000).map(|n| format!("{n:049}")).collect();
    let object: serde_json::Map<String, Value> = (0..20_000)
        .map(|n| (format!("key-{n:05}"), json!(format!("value {n}"))))
        .collect();
    let many_keys: serde_json::Map<String, Value> = (0..300)
        .map(|n| (format!("key-{n:03}"), json!("v".repeat(1024))))
        .collect();
    let cases = [
        ("2 MB, one line", json!({"value": "x".repeat(2_000_000)})),
        ("2 MB, 40 000 lines", json!({"value": lines.join("\n")})),
        (
            "JSON, 20 000 keys (≈0.6 MB)",
            json!({"value": Value::Object(object)}),
        ),
        ("300 keys of 1 KB", Value::Object(many_keys)),
    ];
    for (label, data) in cases {
        let (frame, reveal) = frame_time(data);
        println!(
            "{label:<34} {:>10.0} {:>8.2} {:>14.0}",
            us(frame),
            frame.as_secs_f64() / base.as_secs_f64(),
            us(reveal)
        );
    }
    let small_key = keystroke_time(json!({"value": "k".repeat(1024)}));
    let big_key = keystroke_time(json!({"value": "x".repeat(2_000_000)}));
    println!(
        "{:<34} {:>10.0} {:>8.2}   (a key typed in the edit form, with its frame; 1 KB: {:.0} µs)",
        "typing into a 2 MB value",
        us(big_key),
        big_key.as_secs_f64() / small_key.as_secs_f64(),
        us(small_key)
    );
}
