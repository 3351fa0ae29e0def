//! The form that edits a KV v2 secret's metadata: max_versions, cas_required,
//! delete_version_after and the custom metadata table. It stays open, with the user's input, until
//! the server accepts the change; the server's validation errors are shown as it wrote them.

use super::action::Effect;
use super::component::{Component, Outcome};
use super::input::TextInput;
use super::keymap::{Command, Scope};
use super::state::{App, Modal, StatusKind};
use super::tree::Location;
use crate::vault::{MetadataChange, SecretMetadata};
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomRow {
    pub key: TextInput,
    pub value: TextInput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    MaxVersions,
    CasRequired,
    /// OpenBao only: shown when the server reports the setting.
    MetadataCasRequired,
    DeleteVersionAfter,
    Key(usize),
    Value(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataForm {
    pub location: Location,
    pub original: SecretMetadata,
    pub max_versions: TextInput,
    pub cas_required: bool,
    /// `None`: the server has no such setting (Vault).
    pub metadata_cas_required: Option<bool>,
    pub delete_version_after: TextInput,
    pub rows: Vec<CustomRow>,
    pub focus: Field,
    pub saving: bool,
    pub error: Option<String>,
}

impl MetadataForm {
    pub fn new(location: Location, metadata: &SecretMetadata) -> Self {
        Self {
            location,
            original: metadata.clone(),
            max_versions: TextInput::with_text(&metadata.max_versions.to_string()),
            cas_required: metadata.cas_required,
            metadata_cas_required: metadata.metadata_cas_required,
            delete_version_after: TextInput::with_text(&metadata.delete_version_after),
            rows: metadata
                .custom_metadata
                .iter()
                .map(|(k, v)| CustomRow {
                    key: TextInput::with_text(k),
                    value: TextInput::with_text(v),
                })
                .collect(),
            focus: Field::MaxVersions,
            saving: false,
            error: None,
        }
    }

    /// Fields in order, for Tab / Shift-Tab.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields = vec![Field::MaxVersions, Field::CasRequired];
        if self.metadata_cas_required.is_some() {
            fields.push(Field::MetadataCasRequired);
        }
        fields.push(Field::DeleteVersionAfter);
        for index in 0..self.rows.len() {
            fields.push(Field::Key(index));
            fields.push(Field::Value(index));
        }
        fields
    }

    fn move_focus(&mut self, delta: isize) {
        let fields = self.fields();
        let index = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = (index as isize + delta).rem_euclid(fields.len() as isize) as usize;
        self.focus = fields[next];
    }

    fn focused_input(&mut self) -> Option<&mut TextInput> {
        match self.focus {
            Field::MaxVersions => Some(&mut self.max_versions),
            Field::CasRequired | Field::MetadataCasRequired => None,
            Field::DeleteVersionAfter => Some(&mut self.delete_version_after),
            Field::Key(i) => self.rows.get_mut(i).map(|r| &mut r.key),
            Field::Value(i) => self.rows.get_mut(i).map(|r| &mut r.value),
        }
    }

    /// The change against the original, or why the input cannot be sent.
    pub fn change(&self) -> Result<MetadataChange, String> {
        let mut change = MetadataChange::default();
        let max_text = self.max_versions.text.trim();
        let max: u64 = max_text.parse().map_err(|_| {
            format!(
                "max_versions must be a whole number (0 = the mount's default), not {max_text:?}"
            )
        })?;
        if max != self.original.max_versions {
            change.max_versions = Some(max);
        }
        if self.cas_required != self.original.cas_required {
            change.cas_required = Some(self.cas_required);
        }
        if self.metadata_cas_required != self.original.metadata_cas_required {
            change.metadata_cas_required = self.metadata_cas_required;
        }
        // Always against the version the form was opened at: required where metadata cas is on
        // (for the secret or the whole mount), and a change made meanwhile is not overwritten.
        change.metadata_cas = self.original.current_metadata_version;
        let after = self.delete_version_after.text.trim();
        if after != self.original.delete_version_after {
            if after.is_empty() {
                return Err(
                    "delete_version_after: give a duration such as 0s (never), 30m or 720h".into(),
                );
            }
            change.delete_version_after = Some(after.to_string());
        }
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        for (index, row) in self.rows.iter().enumerate() {
            let key = row.key.text.trim();
            if key.is_empty() {
                if row.value.text.is_empty() {
                    continue; // an untouched new row
                }
                return Err(format!(
                    "custom metadata row {}: the key is empty",
                    index + 1
                ));
            }
            if wanted
                .insert(key.to_string(), row.value.text.clone())
                .is_some()
            {
                return Err(format!("custom metadata: the key {key:?} appears twice"));
            }
        }
        for (key, value) in &wanted {
            if self.original.custom_metadata.get(key) != Some(value) {
                change
                    .custom_metadata
                    .insert(key.clone(), Some(value.clone()));
            }
        }
        for key in self.original.custom_metadata.keys() {
            if !wanted.contains_key(key) {
                change.custom_metadata.insert(key.clone(), None);
            }
        }
        Ok(change)
    }
}

/// Edit metadata: open the form for the open KV v2 secret.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some((location, metadata)) = super::history::versioned_secret(app, "edit") else {
        return Vec::new();
    };
    if !super::history::capabilities(app).edit_metadata() {
        app.set_status(
            StatusKind::Error,
            format!(
                "Your token may not edit the metadata of {} (needs patch or update on {}).",
                location.display(),
                crate::vault::versions::operation_path(&location.mount, "metadata", &location.path)
            ),
        );
        return Vec::new();
    }
    app.modal = Some(Modal::MetadataForm(MetadataForm::new(location, &metadata)));
    Vec::new()
}

impl MetadataForm {
    /// Closed while a save is on its way: the warning names the key that shows what it did.
    fn closed_while_saving(app: &mut App) -> Outcome {
        let refresh = app.keymap.key(Scope::Main, Command::Refresh);
        app.set_status(
            StatusKind::Warning,
            format!(
                "Closed the form; the save already sent may still apply ({refresh} shows the result)."
            ),
        );
        Outcome::close()
    }

    fn remove_row(&mut self) {
        if let Field::Key(i) | Field::Value(i) = self.focus {
            self.rows.remove(i);
            self.focus = match self.rows.len() {
                0 => Field::DeleteVersionAfter,
                len => Field::Key(i.min(len - 1)),
            };
            // An error may have been about the removed row: what is left is checked again.
            if self.error.is_some() {
                self.error = self.change().err();
            }
        }
    }

    fn submit(&mut self, app: &mut App) -> Outcome {
        match self.change() {
            Err(reason) => {
                self.error = Some(reason);
                Outcome::stay()
            }
            Ok(change) if change.is_empty() => {
                app.set_status(StatusKind::Info, "Nothing changed.");
                Outcome::close()
            }
            Ok(change) => {
                self.saving = true;
                self.error = None;
                Outcome::stay().with(vec![Effect::SaveMetadata {
                    location: self.location.clone(),
                    change,
                    current_custom: self.original.custom_metadata.clone(),
                }])
            }
        }
    }
}

impl Component for MetadataForm {
    fn scope(&self) -> Scope {
        Scope::MetadataForm
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        if self.saving {
            return match command {
                Some(Command::Cancel) => Self::closed_while_saving(app),
                _ => Outcome::stay(),
            };
        }
        match command {
            Some(Command::Cancel) => {
                app.set_status(StatusKind::Info, "Cancelled: the metadata was not changed.");
                return Outcome::close();
            }
            Some(Command::Submit) => return self.submit(app),
            Some(Command::NextField) => self.move_focus(1),
            Some(Command::PreviousField) => self.move_focus(-1),
            Some(Command::Toggle) if self.focus == Field::CasRequired => {
                self.cas_required = !self.cas_required;
            }
            Some(Command::Toggle) if self.focus == Field::MetadataCasRequired => {
                if let Some(required) = &mut self.metadata_cas_required {
                    *required = !*required;
                }
            }
            Some(Command::AddRow) => {
                self.rows.push(CustomRow {
                    key: TextInput::default(),
                    value: TextInput::default(),
                });
                self.focus = Field::Key(self.rows.len() - 1);
            }
            Some(Command::DeleteRow) => self.remove_row(),
            _ => {
                if let Some(input) = self.focused_input()
                    && input.handle_key(key)
                {
                    self.error = None;
                }
            }
        }
        Outcome::stay()
    }

    /// Pasted text goes into the focused text field (one line: control characters are dropped).
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        if !self.saving
            && let Some(input) = self.focused_input()
        {
            input.insert_str(text);
            self.error = None;
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        app.keymap.hints(
            Scope::MetadataForm,
            &[
                Command::Submit,
                Command::NextField,
                Command::Toggle,
                Command::AddRow,
                Command::DeleteRow,
                Command::Cancel,
            ],
        )
    }
}

/// The server's answer: close the form and reload, or keep it open with the error as written.
pub fn saved(
    app: &mut App,
    location: Location,
    result: Result<(), crate::vault::VaultError>,
) -> Vec<Effect> {
    let form_open = matches!(&app.modal, Some(Modal::MetadataForm(f)) if f.location == location);
    match result {
        Ok(()) => {
            if form_open {
                app.modal = None;
            }
            app.set_status(
                StatusKind::Info,
                format!("Saved the metadata of {}", location.display()),
            );
            if app.secret.location.as_ref() == Some(&location) {
                return super::history::history_requests(app, &location);
            }
            Vec::new()
        }
        Err(error) => {
            let message = match &error {
                crate::vault::VaultError::CasMismatch { .. } => format!(
                    "The metadata of {} changed since this form opened (metadata check-and-set): \
                     nothing was saved. Close the form and press {} again to see the new settings.",
                    location.display(),
                    app.keymap.key(Scope::Main, Command::EditMetadata)
                ),
                crate::vault::VaultError::Server { errors, .. } if !errors.is_empty() => {
                    let lines = crate::vault::error::server_lines(errors);
                    format!("The server refused:\n{}", lines.join("\n"))
                }
                other => other.to_string(),
            };
            if form_open && let Some(Modal::MetadataForm(form)) = &mut app.modal {
                form.saving = false;
                form.error = Some(message);
            } else {
                app.set_status(StatusKind::Error, message);
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{KvVersion, MountInfo, SecretEngine};

    fn form() -> MetadataForm {
        let mut metadata = SecretMetadata {
            max_versions: 0,
            delete_version_after: "0s".into(),
            ..Default::default()
        };
        metadata
            .custom_metadata
            .insert("owner".into(), "ops".into());
        metadata.custom_metadata.insert("gone".into(), "x".into());
        let location = Location {
            mount: MountInfo {
                path: "secret/".into(),
                engine: SecretEngine::Kv(KvVersion::V2),
                description: String::new(),
            },
            path: "a".into(),
        };
        MetadataForm::new(location, &metadata)
    }

    #[test]
    fn unchanged_form_is_an_empty_change() {
        assert!(form().change().unwrap().is_empty());
    }

    #[test]
    fn edits_become_a_minimal_change() {
        let mut form = form();
        form.max_versions = TextInput::with_text("25");
        form.cas_required = true;
        form.rows.retain(|r| r.key.text != "gone");
        form.rows.push(CustomRow {
            key: TextInput::with_text("team"),
            value: TextInput::with_text("platform"),
        });
        let change = form.change().unwrap();
        assert_eq!(change.max_versions, Some(25));
        assert_eq!(change.cas_required, Some(true));
        assert_eq!(change.delete_version_after, None);
        assert_eq!(change.custom_metadata.get("gone"), Some(&None));
        assert_eq!(
            change.custom_metadata.get("team"),
            Some(&Some("platform".into()))
        );
        assert!(!change.custom_metadata.contains_key("owner"));
    }

    #[test]
    fn openbao_metadata_check_and_set_is_a_toggle_and_every_save_carries_the_version() {
        let mut metadata = form().original;
        metadata.metadata_cas_required = Some(false);
        metadata.current_metadata_version = Some(3);
        let mut form = MetadataForm::new(form().location, &metadata);
        assert!(form.fields().contains(&Field::MetadataCasRequired));
        let change = form.change().unwrap();
        assert!(change.is_empty(), "the version alone is no change");
        assert_eq!(change.metadata_cas, Some(3));
        form.metadata_cas_required = Some(true);
        let change = form.change().unwrap();
        assert_eq!(change.metadata_cas_required, Some(true));
        assert_eq!(change.to_patch()["metadata_cas"], 3);
        // Vault has neither: no field, nothing sent.
        let vault = super::tests::form();
        assert!(!vault.fields().contains(&Field::MetadataCasRequired));
        assert_eq!(vault.change().unwrap().to_patch().get("metadata_cas"), None);
    }

    #[test]
    fn bad_input_is_refused_before_any_request() {
        let mut bad = form();
        bad.max_versions = TextInput::with_text("ten");
        assert!(bad.change().unwrap_err().contains("whole number"));
        let mut duplicate = form();
        duplicate.rows.push(CustomRow {
            key: TextInput::with_text("owner"),
            value: TextInput::with_text("again"),
        });
        assert!(duplicate.change().unwrap_err().contains("twice"));
        let mut keyless = form();
        keyless.rows.push(CustomRow {
            key: TextInput::default(),
            value: TextInput::with_text("orphan"),
        });
        assert!(keyless.change().unwrap_err().contains("key is empty"));
    }
}
