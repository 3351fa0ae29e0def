//! A secret being written: its rows, where they came from (for check-and-set and the summary), and
//! their two text forms: the key/value form and the pretty JSON handed to `$EDITOR`. Pure.

use super::diff::{Change, diff_entries};
use super::input::TextInput;
use super::keymap::{Command, Keymap, Scope};
use super::tree::Location;
use crate::secret::{SecretBytes, SecretText};
use crate::vault::write::{WriteEntry, data_bytes, object_bytes};
use crate::vault::{KvSecret, KvVersion, SecretEngine, SecretEntry};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// Lines starting with this are notes from tresor in the editor file, dropped when reading it back.
pub const EDITOR_NOTE: &str = "// tresor:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub key: TextInput,
    pub value: TextInput,
    /// The value is JSON (kept as JSON when written), not a string.
    pub json: bool,
}

impl DraftRow {
    pub fn new(key: &str, value: &str, json: bool) -> Self {
        Self {
            key: TextInput::with_text(key),
            value: TextInput::with_text(value),
            json,
        }
    }

    fn is_blank(&self) -> bool {
        self.key.text.trim().is_empty() && self.value.text.is_empty()
    }
}

/// What the draft writes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftBase {
    /// A new secret: KV v2 writes with `cas:0`.
    New,
    /// An existing secret as read: KV v2 writes with `cas:version`.
    Existing {
        version: Option<u64>,
        entries: Vec<SecretEntry>,
    },
    /// The token may write but not read: named keys are merged in (PATCH), others kept.
    Patch,
    /// A secret the token may not read is there (or may be): replaced wholesale, without
    /// check-and-set, after the user typed its path.
    Overwrite,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub location: Location,
    pub base: DraftBase,
    pub rows: Vec<DraftRow>,
}

impl Draft {
    pub fn new_secret(location: Location) -> Self {
        Self {
            location,
            base: DraftBase::New,
            rows: vec![DraftRow::new("", "", false)],
        }
    }

    pub fn patch(location: Location) -> Self {
        Self {
            location,
            base: DraftBase::Patch,
            rows: vec![DraftRow::new("", "", false)],
        }
    }

    pub fn edit(location: Location, secret: &KvSecret) -> Self {
        Self {
            location,
            base: DraftBase::Existing {
                version: secret.version,
                entries: secret.entries.clone(),
            },
            rows: secret
                .entries
                .iter()
                .map(|e| DraftRow::new(&e.key, e.value.expose(), e.json))
                .collect(),
        }
    }

    pub fn is_v2(&self) -> bool {
        matches!(self.location.mount.engine, SecretEngine::Kv(KvVersion::V2))
    }

    /// The check-and-set version for a KV v2 write (`None` for engines without versions).
    /// How the save treats what is at the path: a new secret never replaces one.
    pub fn write_mode(&self) -> crate::vault::write::WriteMode {
        use crate::vault::write::WriteMode;
        match self.base {
            DraftBase::New => WriteMode::Create,
            DraftBase::Patch => WriteMode::Patch,
            DraftBase::Existing { .. } | DraftBase::Overwrite => {
                WriteMode::Replace { cas: self.cas() }
            }
        }
    }

    pub fn cas(&self) -> Option<u64> {
        if !self.is_v2() {
            return None;
        }
        match &self.base {
            DraftBase::New => Some(0),
            DraftBase::Existing { version, .. } => *version,
            DraftBase::Patch | DraftBase::Overwrite => None,
        }
    }

    fn filled_rows(&self) -> impl Iterator<Item = &DraftRow> {
        self.rows.iter().filter(|r| !r.is_blank())
    }

    /// Refuses what must never be sent: a bad path, no keys, an empty or repeated key, a value
    /// marked JSON that is not JSON (with the form's key that makes it text, from `keymap`).
    /// Names the key, never the value.
    pub fn validate(&self, keymap: &Keymap) -> Result<(), String> {
        crate::vault::path::validate_secret_path(&self.location.path)
            .map_err(|e| format!("{}: {e}", self.location.display()))?;
        let rows: Vec<&DraftRow> = self.filled_rows().collect();
        if rows.is_empty() {
            return Err("The secret is empty: give it at least one key.".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for (index, row) in rows.iter().enumerate() {
            let key = row.key.text.trim();
            if key.is_empty() {
                return Err(format!("Row {}: the key is empty.", index + 1));
            }
            if !seen.insert(key) {
                return Err(format!("The key {key:?} appears twice."));
            }
            if row.json && serde_json::from_str::<serde::de::IgnoredAny>(&row.value.text).is_err() {
                let toggle = keymap.key(Scope::SecretForm, Command::ToggleJson);
                return Err(format!(
                    "The value of {key:?} is marked JSON but is not valid JSON ({toggle} makes it \
                     text)."
                ));
            }
        }
        Ok(())
    }

    /// The rows as entries (trimmed keys), for the summary and the diff.
    pub fn entries(&self) -> Vec<SecretEntry> {
        self.filled_rows()
            .map(|r| {
                SecretEntry::new(
                    r.key.text.trim().to_string(),
                    SecretText::new(r.value.text.clone()),
                    r.json,
                )
            })
            .collect()
    }

    /// The body to send: the whole data object, or for a patch the named keys.
    pub fn body(&self) -> Result<SecretBytes, String> {
        let rows: Vec<&DraftRow> = self.filled_rows().collect();
        let bytes = match self.base {
            DraftBase::Patch => object_bytes(
                rows.iter()
                    .map(|r| (r.key.text.trim(), Some((r.value.text.as_str(), r.json))))
                    .collect::<Vec<_>>(),
            )?,
            _ => data_bytes(
                &rows
                    .iter()
                    .map(|r| WriteEntry {
                        key: r.key.text.trim(),
                        value: &r.value.text,
                        json: r.json,
                    })
                    .collect::<Vec<_>>(),
            )?,
        };
        Ok(SecretBytes::new(bytes))
    }

    /// "2 added (a, b) · 1 changed (password) · 1 removed (old)": keys only, never values.
    pub fn summary(&self) -> Vec<String> {
        let base: &[SecretEntry] = match &self.base {
            DraftBase::Existing { entries, .. } => entries,
            DraftBase::New | DraftBase::Patch | DraftBase::Overwrite => &[],
        };
        let mine = self.entries();
        let rows = diff_entries(base, &mine);
        let named = |change: Change| -> Vec<String> {
            rows.iter()
                .filter(|r| r.change == change)
                .map(|r| format!("{:?}", r.key))
                .collect()
        };
        let mut lines = Vec::new();
        for (change, word) in [
            (
                Change::Added,
                if matches!(self.base, DraftBase::Patch | DraftBase::Overwrite) {
                    "set"
                } else {
                    "added"
                },
            ),
            (Change::Changed, "changed"),
            (Change::Removed, "removed"),
        ] {
            let keys = named(change);
            if !keys.is_empty() {
                lines.push(format!("{} {}: {}", change.marker(), word, keys.join(", ")));
            }
        }
        let same = named(Change::Same).len();
        if same > 0 {
            lines.push(format!("  {same} unchanged"));
        }
        lines
    }

    /// Whether saving would change nothing.
    pub fn is_unchanged(&self) -> bool {
        match &self.base {
            DraftBase::Existing { entries, .. } => diff_entries(entries, &self.entries())
                .iter()
                .all(|r| r.change == Change::Same),
            _ => false,
        }
    }

    /// Puts my changes (against my base) on top of `theirs`, which becomes the new base: keys I
    /// added or changed take my value, keys I removed go, everything else is theirs.
    pub fn reapply_on(&self, theirs: &KvSecret) -> Draft {
        let base: &[SecretEntry] = match &self.base {
            DraftBase::Existing { entries, .. } => entries,
            DraftBase::New | DraftBase::Patch | DraftBase::Overwrite => &[],
        };
        let mine = self.entries();
        let my_changes = diff_entries(base, &mine);
        let mut rows: Vec<DraftRow> = theirs
            .entries
            .iter()
            .filter(|e| {
                !my_changes
                    .iter()
                    .any(|c| c.key == e.key && c.change == Change::Removed)
            })
            .map(|e| DraftRow::new(&e.key, e.value.expose(), e.json))
            .collect();
        for change in my_changes
            .iter()
            .filter(|c| matches!(c.change, Change::Added | Change::Changed))
        {
            let Some(entry) = change.new else { continue };
            let row = DraftRow::new(&entry.key, entry.value.expose(), entry.json);
            match rows.iter_mut().find(|r| r.key.text == entry.key) {
                Some(existing) => *existing = row,
                None => rows.push(row),
            }
        }
        Draft {
            location: self.location.clone(),
            base: DraftBase::Existing {
                version: theirs.version,
                entries: theirs.entries.clone(),
            },
            rows,
        }
    }

    /// The pretty JSON for `$EDITOR`, with `notes` (an error to fix) as leading note lines.
    pub fn editor_text(&self, notes: &[String]) -> SecretText {
        let mut out = String::new();
        for note in notes {
            for line in note.lines() {
                out.push_str(EDITOR_NOTE);
                out.push(' ');
                out.push_str(line);
                out.push('\n');
            }
        }
        let rows: Vec<&DraftRow> = self.filled_rows().collect();
        out.push('{');
        for (index, row) in rows.iter().enumerate() {
            out.push_str(if index == 0 { "\n  " } else { ",\n  " });
            out.push_str(&serde_json::to_string(row.key.text.trim()).unwrap_or_default());
            out.push_str(": ");
            if row.json {
                let pretty = serde_json::from_str::<serde_json::Value>(&row.value.text)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_else(|| row.value.text.clone());
                out.push_str(&pretty.replace('\n', "\n  "));
            } else {
                out.push_str(&serde_json::to_string(&row.value.text).unwrap_or_default());
            }
        }
        out.push_str(if rows.is_empty() { "}\n" } else { "\n}\n" });
        SecretText::new(out)
    }

    /// Replaces the rows with what the editor file holds, or says what is wrong and where.
    pub fn from_editor_text(&self, text: &str) -> Result<Draft, String> {
        let rows = parse_editor_text(text)?;
        Ok(Draft {
            location: self.location.clone(),
            base: self.base.clone(),
            rows,
        })
    }
}

/// Parses the editor file: one JSON object, string values as text, anything else as JSON. Note
/// lines are ignored; a repeated key is an error (JSON parsers silently keep the last one).
pub fn parse_editor_text(text: &str) -> Result<Vec<DraftRow>, String> {
    let kept: String = text
        .lines()
        .map(|line| {
            if line.trim_start().starts_with(EDITOR_NOTE) {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let pairs: Pairs = serde_json::from_str(&kept).map_err(|e| {
        // The message names a position and what was expected; serde_json does not quote input.
        format!("not a JSON object: {e}")
    })?;
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = Vec::new();
    for (key, raw) in pairs.0 {
        if !seen.insert(key.clone()) {
            return Err(format!("the key {key:?} appears twice"));
        }
        let raw = raw.get();
        if raw.starts_with('"') {
            let value: String =
                serde_json::from_str(raw).map_err(|e| format!("the value of {key:?}: {e}"))?;
            rows.push(DraftRow::new(&key, &value, false));
        } else {
            // Compact, as values read from the server are, so an untouched value is unchanged.
            let compact = serde_json::from_str::<serde_json::Value>(raw)
                .map(|v| v.to_string())
                .map_err(|e| format!("the value of {key:?}: {e}"))?;
            rows.push(DraftRow::new(&key, &compact, true));
        }
    }
    Ok(rows)
}

/// An object's members in order, duplicates kept (so they can be refused).
struct Pairs(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor;
        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of keys and values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    pairs.push((key, value));
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{MountInfo, VersionState};
    use serde_json::json;

    fn location(path: &str) -> Location {
        Location {
            mount: MountInfo {
                path: "secret/".into(),
                engine: SecretEngine::Kv(KvVersion::V2),
                description: String::new(),
            },
            path: path.into(),
        }
    }

    fn secret(version: u64, pairs: &[(&str, serde_json::Value)]) -> KvSecret {
        KvSecret {
            entries: pairs
                .iter()
                .map(|(k, v)| SecretEntry::from_json(k.to_string(), v))
                .collect(),
            version: Some(version),
            created_time: None,
            state: VersionState::Live,
        }
    }

    #[test]
    fn editor_text_round_trips_strings_json_unicode_and_newlines() {
        let original = secret(
            3,
            &[
                ("pem", json!("-----BEGIN-----\nabc\n-----END-----\n")),
                ("cfg", json!({"retries": 3, "hosts": ["a", "b"]})),
                ("n", json!(42)),
                ("ключ", json!("秘密 \"q\" \\ \t")),
            ],
        );
        let draft = Draft::edit(location("a"), &original);
        let text = draft.editor_text(&[]);
        let back = draft.from_editor_text(text.expose()).unwrap();
        assert_eq!(back.entries(), draft.entries());
        assert!(back.is_unchanged());
        assert!(text.expose().contains("\"retries\": 3"), "pretty JSON");
    }

    #[test]
    fn editor_errors_say_where_and_notes_are_ignored() {
        let draft = Draft::new_secret(location("a"));
        let error = parse_editor_text("{\n  \"a\": \"x\",\n  \"b\": oops\n}").unwrap_err();
        assert!(error.contains("line 3"), "{error}");
        let error = parse_editor_text("{\"a\": \"1\", \"a\": \"2\"}").unwrap_err();
        assert!(error.contains("appears twice"), "{error}");
        assert!(parse_editor_text("[1, 2]").is_err());
        let noted = draft.editor_text(&["not a JSON object: expected value at line 3".into()]);
        assert!(noted.expose().starts_with(EDITOR_NOTE));
        let fixed = format!(
            "{}\n{{\"k\": \"v\"}}",
            noted.expose().lines().next().unwrap()
        );
        assert_eq!(parse_editor_text(&fixed).unwrap().len(), 1);
    }

    #[test]
    fn validation_refuses_before_any_request() {
        let mut draft = Draft::new_secret(location("a"));
        assert!(
            draft
                .validate(&Keymap::default())
                .unwrap_err()
                .contains("empty")
        );
        draft.rows = vec![
            DraftRow::new("k", "v", false),
            DraftRow::new("k", "w", false),
        ];
        assert!(
            draft
                .validate(&Keymap::default())
                .unwrap_err()
                .contains("twice")
        );
        draft.rows = vec![DraftRow::new("", "orphan", false)];
        assert!(
            draft
                .validate(&Keymap::default())
                .unwrap_err()
                .contains("key is empty")
        );
        draft.rows = vec![DraftRow::new("cfg", "{nope", true)];
        let error = draft.validate(&Keymap::default()).unwrap_err();
        assert!(error.contains("not valid JSON") && !error.contains("nope"));
        draft.rows = vec![DraftRow::new("k", "v", false)];
        assert!(draft.validate(&Keymap::default()).is_ok());
        for bad in ["folder/", "a/../b", "./a", ""] {
            draft.location = location(bad);
            assert!(draft.validate(&Keymap::default()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cas_follows_the_base() {
        let new = Draft::new_secret(location("a"));
        assert_eq!(new.cas(), Some(0));
        let edit = Draft::edit(location("a"), &secret(7, &[("k", json!("v"))]));
        assert_eq!(edit.cas(), Some(7));
        let mut v1 = edit.clone();
        v1.location.mount.engine = SecretEngine::Kv(KvVersion::V1);
        assert_eq!(v1.cas(), None);
    }

    #[test]
    fn summary_names_keys_not_values() {
        let mut draft = Draft::edit(
            location("a"),
            &secret(
                2,
                &[
                    ("user", json!("app")),
                    ("password", json!("one")),
                    ("old", json!("x")),
                ],
            ),
        );
        draft.rows.retain(|r| r.key.text != "old");
        draft.rows[1].value = TextInput::with_text("two");
        draft
            .rows
            .push(DraftRow::new("sslmode", "verify-full", false));
        let summary = draft.summary().join("\n");
        assert!(summary.contains("+ added: \"sslmode\""), "{summary}");
        assert!(summary.contains("~ changed: \"password\""), "{summary}");
        assert!(summary.contains("- removed: \"old\""), "{summary}");
        assert!(summary.contains("1 unchanged"));
        assert!(!summary.contains("two") && !summary.contains("verify-full"));
    }

    #[test]
    fn reapplying_puts_my_changes_on_their_version() {
        let base = secret(
            2,
            &[
                ("user", json!("app")),
                ("password", json!("one")),
                ("old", json!("x")),
            ],
        );
        let mut mine = Draft::edit(location("a"), &base);
        mine.rows.retain(|r| r.key.text != "old");
        mine.rows[1].value = TextInput::with_text("mine");
        let theirs = secret(
            3,
            &[
                ("user", json!("their-user")),
                ("password", json!("one")),
                ("old", json!("x")),
                ("added", json!("theirs")),
            ],
        );
        let merged = mine.reapply_on(&theirs);
        assert_eq!(merged.cas(), Some(3));
        let values: Vec<(String, String)> = merged
            .entries()
            .iter()
            .map(|e| (e.key.clone(), e.value.expose().to_string()))
            .collect();
        assert!(
            values.contains(&("user".into(), "their-user".into())),
            "theirs kept"
        );
        assert!(
            values.contains(&("password".into(), "mine".into())),
            "mine applied"
        );
        assert!(values.contains(&("added".into(), "theirs".into())));
        assert!(
            !values.iter().any(|(k, _)| k == "old"),
            "my removal applied"
        );
    }

    #[test]
    fn patch_bodies_name_only_the_given_keys() {
        let mut draft = Draft::patch(location("a"));
        draft.rows = vec![DraftRow::new("password", "new", false)];
        assert_eq!(draft.cas(), None);
        let body = draft.body().unwrap();
        assert_eq!(body.expose(), br#"{"password":"new"}"#);
    }
}
