//! Server timestamps (RFC 3339, UTC) as people read them: absolute and "3h ago".

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

fn parse(timestamp: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(timestamp, &Rfc3339).ok()
}

/// `2026-11-23 01:55:48Z`; an unparsable timestamp is shown as it came.
pub fn absolute(timestamp: &str) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    parse(timestamp)
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| timestamp.to_string())
}

/// A number of seconds as people read a TTL: `45s`, `30m`, `1h`, `1h30m`, `2d`, `1d12h`; `0` as
/// `0` (what it means depends on the setting, the caller says).
pub fn duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0".into();
    }
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut left = seconds;
    let mut out = String::new();
    for (size, unit) in units {
        if left >= size {
            out.push_str(&format!("{}{unit}", left / size));
            left %= size;
        }
    }
    out
}

/// `just now`, `42s ago`, `5m ago`, `3h ago`, `12d ago`, `2y ago`; `in 5m` for the future (a
/// scheduled deletion). Empty when the timestamp cannot be read.
pub fn relative(timestamp: &str, now_unix: i64) -> String {
    let Some(then) = parse(timestamp) else {
        return String::new();
    };
    let delta = now_unix - then.unix_timestamp();
    let (amount, future) = (delta.unsigned_abs(), delta < 0);
    let text = match amount {
        0..=4 => return "just now".into(),
        5..=59 => format!("{amount}s"),
        60..=3599 => format!("{}m", amount / 60),
        3600..=86_399 => format!("{}h", amount / 3600),
        86_400..=31_535_999 => format!("{}d", amount / 86_400),
        _ => format!("{}y", amount / 31_536_000),
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// Like [`relative`], for something that has happened: a time a little ahead (stamped by a server
/// whose clock runs ahead of ours) reads "just now", never "in 5s".
pub fn relative_past(timestamp: &str, now_unix: i64) -> String {
    match parse(timestamp) {
        Some(then) if then.unix_timestamp() > now_unix => "just now".into(),
        _ => relative(timestamp, now_unix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_ttls() {
        assert_eq!(duration(0), "0");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(1800), "30m");
        assert_eq!(duration(3600), "1h");
        assert_eq!(duration(5400), "1h30m");
        assert_eq!(duration(2 * 86_400 + 3600), "2d1h");
    }

    const NOW: i64 = 1_795_398_948; // 2026-11-23T01:55:48Z

    #[test]
    fn absolute_times_drop_the_fraction() {
        assert_eq!(
            absolute("2026-11-23T01:55:48.26381116Z"),
            "2026-11-23 01:55:48Z"
        );
        assert_eq!(absolute("garbage"), "garbage");
    }

    #[test]
    fn relative_times_read_like_speech() {
        assert_eq!(relative("2026-11-23T01:55:48Z", NOW), "just now");
        assert_eq!(relative("2026-11-23T01:55:00Z", NOW), "48s ago");
        assert_eq!(relative("2026-11-22T22:55:48Z", NOW), "3h ago");
        assert_eq!(relative("2026-11-01T01:55:48Z", NOW), "22d ago");
        assert_eq!(relative("2026-11-23T02:05:48Z", NOW), "in 10m");
        assert_eq!(relative("", NOW), "");
    }
}
