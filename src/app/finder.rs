//! The global finder (`F`, or `//`): a fuzzy pattern over every path of every KV mount the token
//! can list, best match first, matched characters marked; Enter jumps to the secret in the tree.
//! The paths come from a crawl that streams them in (cached for the session, dropped on `R`), so
//! results appear while the crawl is still running.

use super::action::Effect;
use super::input::TextInput;
use super::state::{App, Modal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Results kept (and shown at most).
pub const MAX_RESULTS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CrawlState {
    #[default]
    NotStarted,
    Running,
    Done {
        /// The server-side scan did it.
        scanned: bool,
    },
    Failed(String),
}

/// Every path found this session, and how the crawl is going.
#[derive(Debug, Clone, Default)]
pub struct PathCache {
    pub paths: Vec<String>,
    pub state: CrawlState,
    pub folders: usize,
    pub skipped: usize,
    /// Answers of older crawls (before an `R`) are dropped.
    pub generation: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinderMatch {
    pub path: String,
    pub score: i64,
    /// Char indices of the matched characters.
    pub positions: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Finder {
    pub input: TextInput,
    pub results: Vec<FinderMatch>,
    pub cursor: usize,
}

/// Scores `path` against `pattern` (case-insensitive subsequence): consecutive characters and
/// characters at the start of a segment count more; shorter paths win ties. `None`: no match.
pub fn fuzzy_match(pattern: &str, path: &str) -> Option<(i64, Vec<usize>)> {
    let needle = lowercase(pattern);
    let mut positions = Vec::with_capacity(needle.len());
    let score = score(&needle, path, Some(&mut positions))?;
    Some((score, positions))
}

fn lowercase(pattern: &str) -> Vec<char> {
    pattern.chars().flat_map(char::to_lowercase).collect()
}

fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// The score of `path` for an already lowercased pattern, without allocating; the matched char
/// indices go to `positions` when asked for.
fn score(needle: &[char], path: &str, mut positions: Option<&mut Vec<usize>>) -> Option<i64> {
    let length = path.chars().count() as i64;
    if needle.is_empty() {
        return Some(-length);
    }
    let last_segment = path.rfind('/').map_or(0, |i| path[..=i].chars().count());
    let mut score: i64 = 0;
    let mut next = 0;
    let mut previous: Option<char> = None;
    let mut last_match: Option<usize> = None;
    for (index, c) in path.chars().enumerate() {
        if fold(c) == needle[next] {
            score += 1;
            if last_match == Some(index.wrapping_sub(1)) {
                score += 6;
            }
            match previous {
                None | Some('/') => score += 8,
                Some('-' | '_' | '.' | ' ') => score += 3,
                _ => {}
            }
            // Matches in the last segment (the secret's own name) count more.
            if index >= last_segment {
                score += 2;
            }
            if let Some(positions) = positions.as_deref_mut() {
                positions.push(index);
            }
            last_match = Some(index);
            next += 1;
            if next == needle.len() {
                return Some(score * 64 - length);
            }
        }
        previous = Some(c);
    }
    None
}

fn better(a: &FinderMatch, b: &FinderMatch) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path))
}

/// The best matches of `pattern` among `paths`, at most [`MAX_RESULTS`]. Only the kept ones are
/// copied: scoring 100,000 paths on a keystroke allocates for 200 of them, not for every match.
pub fn best_matches<'a>(
    pattern: &str,
    paths: impl Iterator<Item = &'a String>,
) -> Vec<FinderMatch> {
    let needle = lowercase(pattern);
    let order = |a: &(i64, &String), b: &(i64, &String)| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1));
    let mut scored: Vec<(i64, &String)> = paths
        .filter_map(|path| score(&needle, path, None).map(|score| (score, path)))
        .collect();
    if scored.len() > MAX_RESULTS {
        scored.select_nth_unstable_by(MAX_RESULTS - 1, order);
        scored.truncate(MAX_RESULTS);
    }
    scored.sort_by(order);
    scored
        .into_iter()
        .map(|(score, path)| {
            let mut positions = Vec::with_capacity(needle.len());
            self::score(&needle, path, Some(&mut positions));
            FinderMatch {
                path: path.clone(),
                score,
                positions,
            }
        })
        .collect()
}

fn finder(app: &mut App) -> Option<&mut Finder> {
    match &mut app.modal {
        Some(Modal::Finder(finder)) => Some(finder),
        _ => None,
    }
}

/// `F` / `//`: the finder, and a crawl if none ran yet this session.
pub fn open(app: &mut App) -> Vec<Effect> {
    let results = best_matches("", app.paths.paths.iter());
    app.modal = Some(Modal::Finder(Finder {
        input: TextInput::default(),
        results,
        cursor: 0,
    }));
    start_crawl(app)
}

fn start_crawl(app: &mut App) -> Vec<Effect> {
    if !matches!(
        app.paths.state,
        CrawlState::NotStarted | CrawlState::Failed(_)
    ) {
        return Vec::new();
    }
    app.paths.state = CrawlState::Running;
    app.paths.paths.clear();
    app.paths.folders = 0;
    app.paths.skipped = 0;
    vec![Effect::CrawlAll {
        generation: app.paths.generation,
    }]
}

/// `R`: the next finder crawls again.
pub fn forget(app: &mut App) {
    app.paths = PathCache {
        generation: app.paths.generation + 1,
        ..PathCache::default()
    };
}

/// New paths from the crawl: kept, and merged into the open finder's results.
pub fn paths_found(app: &mut App, generation: u64, paths: Vec<String>) {
    if generation != app.paths.generation {
        return;
    }
    let start = app.paths.paths.len();
    app.paths.paths.extend(paths);
    let Some(Modal::Finder(finder)) = &mut app.modal else {
        return;
    };
    let pattern = finder.input.text.clone();
    let mut merged = std::mem::take(&mut finder.results);
    merged.extend(best_matches(&pattern, app.paths.paths[start..].iter()));
    merged.sort_by(better);
    merged.truncate(MAX_RESULTS);
    finder.results = merged;
    finder.cursor = finder.cursor.min(finder.results.len().saturating_sub(1));
}

pub fn progress(app: &mut App, generation: u64, folders: usize, skipped: usize) {
    if generation == app.paths.generation {
        app.paths.folders = folders;
        app.paths.skipped = skipped;
    }
}

pub fn finished(app: &mut App, generation: u64, result: Result<bool, String>) {
    if generation != app.paths.generation {
        return;
    }
    app.paths.state = match result {
        Ok(scanned) => CrawlState::Done { scanned },
        Err(reason) => CrawlState::Failed(reason),
    };
}

fn refilter(app: &mut App) {
    let Some(Modal::Finder(finder)) = &mut app.modal else {
        return;
    };
    finder.results = best_matches(&finder.input.text, app.paths.paths.iter());
    finder.cursor = 0;
}

pub fn on_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let Some(finder) = finder(app) else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => app.modal = None,
        KeyCode::Enter => {
            if let Some(found) = finder.results.get(finder.cursor) {
                let path = found.path.clone();
                return super::jump::jump_to(app, &path);
            }
        }
        KeyCode::Down => {
            finder.cursor = (finder.cursor + 1).min(finder.results.len().saturating_sub(1));
        }
        KeyCode::Char('n') if ctrl => {
            finder.cursor = (finder.cursor + 1).min(finder.results.len().saturating_sub(1));
        }
        KeyCode::Up => finder.cursor = finder.cursor.saturating_sub(1),
        KeyCode::Char('p') if ctrl => finder.cursor = finder.cursor.saturating_sub(1),
        _ => {
            if finder.input.handle_key(key) {
                refilter(app);
            }
        }
    }
    Vec::new()
}

pub fn on_paste(app: &mut App, text: &str) {
    if let Some(finder) = finder(app) {
        finder.input.insert_str(text.trim());
        refilter(app);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequences_match_and_segment_starts_rank_first() {
        assert!(fuzzy_match("dbp", "secret/app/database/password").is_some());
        assert!(fuzzy_match("xyz", "secret/app/database").is_none());
        let (_, positions) = fuzzy_match("sad", "secret/app/database").unwrap();
        assert_eq!(positions, vec![0, 7, 11]);
        let paths: Vec<String> = [
            "secret/zzz/d-a-t-a-b-a-s-e",
            "secret/app/database",
            "secret/app/old/data/base/x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let results = best_matches("database", paths.iter());
        assert_eq!(results[0].path, "secret/app/database");
        assert_eq!(results.len(), 3);
        assert!(
            fuzzy_match("DATA", "secret/app/database").is_some(),
            "case-insensitive"
        );
    }

    #[test]
    fn keeping_only_the_best_gives_what_sorting_everything_gives() {
        let paths: Vec<String> = (0..3_000)
            .map(|i| format!("kv{}/team-{}/app{}/db-{}", i % 3, i % 17, i % 101, i))
            .collect();
        for pattern in ["", "db", "t1a9", "kv2/db-29", "zzz"] {
            let mut everything: Vec<FinderMatch> = paths
                .iter()
                .filter_map(|path| {
                    fuzzy_match(pattern, path).map(|(score, positions)| FinderMatch {
                        path: path.clone(),
                        score,
                        positions,
                    })
                })
                .collect();
            everything.sort_by(better);
            everything.truncate(MAX_RESULTS);
            assert_eq!(
                best_matches(pattern, paths.iter()),
                everything,
                "{pattern:?}"
            );
        }
    }
}
