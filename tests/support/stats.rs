//! Medians and milliseconds for the benchmarks.

use std::time::Duration;

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// A target beside its figure: "target >= 8x: met" or "… NOT MET".
pub fn target(text: &str, met: bool) -> String {
    format!("target {text}: {}", if met { "met" } else { "NOT MET" })
}
