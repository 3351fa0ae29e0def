//! Vault paths: split into segments, validated, and percent-encoded one segment at a time.
//!
//! A key may hold spaces, unicode, `#`, `?` or `%`, but never `/` (the server decodes `%2F`), and the
//! segments `.` and `..` would be resolved away by URL handling, so they are refused outright.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("path segment {0:?} is not allowed (\".\" and \"..\" cannot be addressed)")]
    DotSegment(String),
    #[error("path has an empty segment (\"//\")")]
    EmptySegment,
    #[error("a secret needs a name: the path is empty")]
    Empty,
    #[error("{0:?} ends with '/', which names a folder, not a secret")]
    FolderPath(String),
}

/// Checks the path of a secret to write (below its mount), before any request: not empty, not a
/// folder, no `.`/`..` or empty segments.
pub fn validate_secret_path(path: &str) -> Result<(), PathError> {
    if path.trim().is_empty() {
        return Err(PathError::Empty);
    }
    if path.ends_with('/') {
        return Err(PathError::FolderPath(path.to_string()));
    }
    // Below a mount a path never starts with `/`: `secret//x` has an empty segment (the server
    // would store `secret/x`, and the screen would name a path that does not exist).
    if path.starts_with('/') {
        return Err(PathError::EmptySegment);
    }
    encode_path(path).map(|_| ())
}

/// Encodes a relative API path (`secret/data/my app/é`) segment by segment. A trailing `/` (a folder)
/// is kept. Leading slashes are ignored.
pub fn encode_path(path: &str) -> Result<String, PathError> {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let is_folder = trimmed.ends_with('/');
    let body = trimmed.strip_suffix('/').unwrap_or(trimmed);
    let mut out = String::with_capacity(body.len() + 8);
    for (index, segment) in body.split('/').enumerate() {
        if segment.is_empty() {
            return Err(PathError::EmptySegment);
        }
        if segment == "." || segment == ".." {
            return Err(PathError::DotSegment(segment.to_string()));
        }
        if index > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, SEGMENT));
    }
    if is_folder {
        out.push('/');
    }
    Ok(out)
}

/// Joins path pieces with exactly one `/` between them, keeping a trailing `/` of the last piece.
pub fn join(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.trim_start_matches('/');
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_paths_are_checked_before_writing() {
        assert!(validate_secret_path("app/db").is_ok());
        assert_eq!(validate_secret_path(""), Err(PathError::Empty));
        assert!(matches!(
            validate_secret_path("app/"),
            Err(PathError::FolderPath(_))
        ));
        assert!(matches!(
            validate_secret_path("app/../x"),
            Err(PathError::DotSegment(_))
        ));
        assert_eq!(validate_secret_path("a//b"), Err(PathError::EmptySegment));
    }

    #[test]
    fn encodes_each_segment_and_keeps_slashes() {
        assert_eq!(
            encode_path("secret/data/my app/#1?x%").unwrap(),
            "secret/data/my%20app/%231%3Fx%25"
        );
        assert_eq!(encode_path("a/b/").unwrap(), "a/b/");
        assert_eq!(
            encode_path("kv/ключ").unwrap(),
            "kv/%D0%BA%D0%BB%D1%8E%D1%87"
        );
        assert_eq!(encode_path("a/.hidden/x.y").unwrap(), "a/.hidden/x.y");
    }

    #[test]
    fn a_secret_path_with_an_empty_first_segment_is_refused() {
        // `secret//x` below the mount `secret/`.
        assert_eq!(validate_secret_path("/x"), Err(PathError::EmptySegment));
        assert_eq!(validate_secret_path("a//x"), Err(PathError::EmptySegment));
        assert!(validate_secret_path("a/x").is_ok());
    }

    #[test]
    fn refuses_dot_segments_and_empty_segments() {
        assert!(matches!(
            encode_path("a/../b"),
            Err(PathError::DotSegment(_))
        ));
        assert!(matches!(
            encode_path("a/./b"),
            Err(PathError::DotSegment(_))
        ));
        assert_eq!(encode_path("a//b"), Err(PathError::EmptySegment));
    }

    #[test]
    fn join_normalises_slashes() {
        assert_eq!(
            join(&["secret/", "metadata", "app/"]),
            "secret/metadata/app/"
        );
        assert_eq!(join(&["secret", "", "x"]), "secret/x");
    }
}
