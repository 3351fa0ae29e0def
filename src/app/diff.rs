//! Comparing two versions of a secret key by key. Pure; values are compared, never shown here.

use crate::vault::SecretEntry;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Same,
}

impl Change {
    pub fn marker(self) -> &'static str {
        match self {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Changed => "~",
            Change::Same => " ",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffRow<'a> {
    pub key: &'a str,
    pub change: Change,
    pub old: Option<&'a SecretEntry>,
    pub new: Option<&'a SecretEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub same: usize,
}

/// Rows for every key of either side, sorted by key. The sides need not be sorted. O(n log n), as
/// it runs on every frame the Diff tab is drawn.
pub fn diff_entries<'a>(old: &'a [SecretEntry], new: &'a [SecretEntry]) -> Vec<DiffRow<'a>> {
    let by_key = |entries: &'a [SecretEntry]| -> BTreeMap<&'a str, &'a SecretEntry> {
        entries.iter().map(|e| (e.key.as_str(), e)).collect()
    };
    let (old, new) = (by_key(old), by_key(new));
    let keys: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    keys.into_iter()
        .map(|key| {
            let old_entry = old.get(key).copied();
            let new_entry = new.get(key).copied();
            let change = match (old_entry, new_entry) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(a), Some(b)) if a.json == b.json && a.value.expose() == b.value.expose() => {
                    Change::Same
                }
                _ => Change::Changed,
            };
            DiffRow {
                key,
                change,
                old: old_entry,
                new: new_entry,
            }
        })
        .collect()
}

pub fn summarize(rows: &[DiffRow<'_>]) -> DiffSummary {
    let mut summary = DiffSummary::default();
    for row in rows {
        match row.change {
            Change::Added => summary.added += 1,
            Change::Removed => summary.removed += 1,
            Change::Changed => summary.changed += 1,
            Change::Same => summary.same += 1,
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entries(pairs: &[(&str, serde_json::Value)]) -> Vec<SecretEntry> {
        pairs
            .iter()
            .map(|(k, v)| SecretEntry::from_json(k.to_string(), v))
            .collect()
    }

    #[test]
    fn marks_added_removed_changed_and_same_keys() {
        let old = entries(&[
            ("user", json!("app")),
            ("password", json!("one")),
            ("gone", json!("x")),
        ]);
        let new = entries(&[
            ("user", json!("app")),
            ("password", json!("two")),
            ("sslmode", json!("verify-full")),
        ]);
        let rows = diff_entries(&old, &new);
        let shape: Vec<(&str, Change)> = rows.iter().map(|r| (r.key, r.change)).collect();
        assert_eq!(
            shape,
            vec![
                ("gone", Change::Removed),
                ("password", Change::Changed),
                ("sslmode", Change::Added),
                ("user", Change::Same),
            ]
        );
        assert_eq!(
            summarize(&rows),
            DiffSummary {
                added: 1,
                removed: 1,
                changed: 1,
                same: 1
            }
        );
        assert!(rows[0].new.is_none() && rows[2].old.is_none());
    }

    #[test]
    fn json_values_compare_by_their_stored_form() {
        let old = entries(&[("cfg", json!({"a": 1}))]);
        let same = entries(&[("cfg", json!({"a": 1}))]);
        let changed = entries(&[("cfg", json!({"a": 2}))]);
        let as_string = entries(&[("cfg", json!("{\"a\":1}"))]);
        assert_eq!(diff_entries(&old, &same)[0].change, Change::Same);
        assert_eq!(diff_entries(&old, &changed)[0].change, Change::Changed);
        // A JSON object and a string holding the same text are different values.
        assert_eq!(diff_entries(&old, &as_string)[0].change, Change::Changed);
    }

    #[test]
    fn empty_sides() {
        assert!(diff_entries(&[], &[]).is_empty());
        let new = entries(&[("k", json!("v"))]);
        assert_eq!(diff_entries(&[], &new)[0].change, Change::Added);
        assert_eq!(diff_entries(&new, &[])[0].change, Change::Removed);
    }
}
