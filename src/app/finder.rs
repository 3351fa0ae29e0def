//! The global finder (`F`, or `//`): a fuzzy pattern over every path of every KV mount the token
//! can list, best match first, matched characters marked; Enter jumps to the secret in the tree.
//! The paths come from a crawl that streams them in (cached for the session, dropped on `R` or
//! Ctrl-r in the finder), so results appear while the crawl is still running.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Modal, StatusKind};
use crossterm::event::KeyEvent;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

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
    /// The mounts could not be listed (worded where drawn).
    Failed(crate::vault::VaultError),
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

/// A pattern parsed once per keystroke and a matcher (with its scratch memory) reused over every
/// path. nucleo scores the best alignment, fzf-style: characters at the start of a segment (after
/// `/`, `-`, `_`, ...) and runs of consecutive characters count more, gaps cost. Smart case (an
/// upper-case letter makes the pattern case-sensitive); words separated by spaces must all match;
/// `^` anchors at the start, `$` at the end, `'` asks for an exact substring, `!` excludes.
struct Query {
    pattern: Pattern,
    matcher: Matcher,
    chars: Vec<char>,
}

impl Query {
    fn new(pattern: &str) -> Self {
        Self {
            pattern: Pattern::parse(pattern, CaseMatching::Smart, Normalization::Smart),
            matcher: Matcher::new(Config::DEFAULT.match_paths()),
            chars: Vec::new(),
        }
    }

    /// The rank of `path`, higher is better; `None`: no match. Shorter paths win ties.
    fn score(&mut self, path: &str) -> Option<i64> {
        let haystack = Utf32Str::new(path, &mut self.chars);
        let length = haystack.len() as i64;
        let score = self.pattern.score(haystack, &mut self.matcher)?;
        Some(i64::from(score) * 4096 - length.min(4095))
    }

    /// The char indices of the characters the best alignment matched, ascending.
    fn positions(&mut self, path: &str) -> Vec<usize> {
        let haystack = Utf32Str::new(path, &mut self.chars);
        let mut indices = Vec::new();
        self.pattern
            .indices(haystack, &mut self.matcher, &mut indices);
        indices.sort_unstable();
        indices.dedup();
        indices.into_iter().map(|index| index as usize).collect()
    }
}

/// Scores `path` against `pattern` and gives the matched char indices; `None`: no match.
pub fn fuzzy_match(pattern: &str, path: &str) -> Option<(i64, Vec<usize>)> {
    let mut query = Query::new(pattern);
    let score = query.score(path)?;
    Some((score, query.positions(path)))
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
    let mut query = Query::new(pattern);
    let order = |a: &(i64, &String), b: &(i64, &String)| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1));
    let mut scored: Vec<(i64, &String)> = paths
        .filter_map(|path| query.score(path).map(|score| (score, path)))
        .collect();
    if scored.len() > MAX_RESULTS {
        scored.select_nth_unstable_by(MAX_RESULTS - 1, order);
        scored.truncate(MAX_RESULTS);
    }
    scored.sort_by(order);
    scored
        .into_iter()
        .map(|(score, path)| FinderMatch {
            path: path.clone(),
            score,
            positions: query.positions(path),
        })
        .collect()
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

/// `R` (and Ctrl-r in the finder): the next finder crawls again.
pub fn forget(app: &mut App) {
    app.paths = PathCache {
        generation: app.paths.generation + 1,
        ..PathCache::default()
    };
}

/// New paths from the crawl: kept, and merged into the open finder's results.
pub fn paths_found(app: &mut App, generation: u64, paths: Vec<String>) -> Vec<Effect> {
    if generation != app.paths.generation {
        return Vec::new();
    }
    let start = app.paths.paths.len();
    app.paths.paths.extend(paths);
    let Some(Modal::Finder(finder)) = &mut app.modal else {
        return Vec::new();
    };
    let pattern = finder.input.text.clone();
    let mut merged = std::mem::take(&mut finder.results);
    merged.extend(best_matches(&pattern, app.paths.paths[start..].iter()));
    merged.sort_by(better);
    merged.truncate(MAX_RESULTS);
    finder.results = merged;
    finder.cursor = finder.cursor.min(finder.results.len().saturating_sub(1));
    Vec::new()
}

pub fn progress(app: &mut App, generation: u64, folders: usize, skipped: usize) -> Vec<Effect> {
    if generation == app.paths.generation {
        app.paths.folders = folders;
        app.paths.skipped = skipped;
    }
    Vec::new()
}

pub fn finished(
    app: &mut App,
    generation: u64,
    result: Result<bool, crate::vault::VaultError>,
) -> Vec<Effect> {
    if generation == app.paths.generation {
        app.paths.state = match result {
            Ok(scanned) => CrawlState::Done { scanned },
            Err(error) => CrawlState::Failed(error),
        };
    }
    Vec::new()
}

impl Finder {
    /// The results for the pattern as typed now, over every path found so far.
    fn refilter(&mut self, paths: &PathCache) {
        self.results = best_matches(&self.input.text, paths.paths.iter());
        self.cursor = 0;
    }

    /// Ctrl-r in the finder: the paths found so far go, a new crawl starts; the pattern stays.
    fn recrawl(&mut self, app: &mut App) -> Vec<Effect> {
        forget(app);
        self.results.clear();
        self.cursor = 0;
        start_crawl(app)
    }

    /// Enter: the selected path in the tree (the finder stays open when it cannot be gone to).
    fn jump(&mut self, app: &mut App) -> Outcome {
        let Some(found) = self.results.get(self.cursor) else {
            return Outcome::stay();
        };
        match super::jump::jump_to(app, &found.path) {
            Ok(effects) => Outcome::close().with(effects),
            Err(message) => {
                app.set_status(StatusKind::Warning, message);
                Outcome::stay()
            }
        }
    }
}

impl Component for Finder {
    fn scope(&self) -> Scope {
        Scope::Finder
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match command {
            Some(Command::Close) => return Outcome::close(),
            Some(Command::Submit) => return self.jump(app),
            Some(Command::Down) => {
                self.cursor = (self.cursor + 1).min(self.results.len().saturating_sub(1));
            }
            Some(Command::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Command::Recrawl) => return Outcome::stay().with(self.recrawl(app)),
            _ => {
                if self.input.handle_key(key) {
                    self.refilter(&app.paths);
                }
            }
        }
        Outcome::stay()
    }

    fn on_paste(&mut self, app: &mut App, text: &str) -> Outcome {
        self.input.insert_str(text.trim());
        self.refilter(&app.paths);
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let mut hints = app.keymap.hints(Scope::Finder, &[Command::Submit]);
        hints.push((
            app.keymap.pair(Scope::Finder, Command::Up, Command::Down),
            "move".into(),
        ));
        hints.extend(
            app.keymap
                .hints(Scope::Finder, &[Command::Recrawl, Command::Close]),
        );
        hints
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
        // Smart case: a lower-case pattern ignores case, an upper-case letter makes it exact.
        assert!(fuzzy_match("data", "secret/app/DataBase").is_some());
        assert!(fuzzy_match("DATA", "secret/app/database").is_none());
        assert!(fuzzy_match("DATA", "secret/app/DATABASE").is_some());
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
