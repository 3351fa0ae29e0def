//! Creating, editing, patching and copying secrets: `e` (form), `E` ($EDITOR), `n` (new), `c`
//! (copy). One file per screen or concern: starting an edit ([`open`]), the key/value form
//! ([`form`]), the path prompt of `n` and `c` ([`prompt`]), the save confirmation ([`confirm`]),
//! the editor round trip and its retry question ([`editor`]), the answer to a write
//! ([`written`]) and the conflict view when someone wrote first ([`conflict`]). The user's text
//! is never dropped on a failure: it goes back into the form (or the editor) with the reason.

pub mod confirm;
pub mod conflict;
pub mod editor;
pub mod form;
pub mod open;
pub mod prompt;
pub mod written;

pub use confirm::ConfirmWrite;
pub use conflict::{Conflict, ConflictKind, route_conflict_answer};
pub use editor::{EditorRetry, editor_closed};
pub use form::SecretForm;
pub use open::{PendingEdit, edit_in_editor, edit_in_form, resume_pending_edit};
pub use prompt::{PathPrompt, PromptPurpose, copy_secret, new_secret, save_prompt};
pub use written::written;

use open::draft_of_open_secret;

/// What the components' unit tests share: an app, a location, a key pressed on a component.
#[cfg(test)]
pub(crate) mod testing {
    use crate::app::component::{Component, Outcome};
    use crate::app::keymap::event;
    use crate::app::state::{App, ConnectionView};
    use crate::app::tree::Location;
    use crate::vault::{KvVersion, MountInfo, SecretEngine};

    pub fn app() -> App {
        App::new(ConnectionView::default(), (100, 30))
    }

    pub fn location(engine: SecretEngine, path: &str) -> Location {
        Location {
            mount: MountInfo {
                path: "secret/".into(),
                engine,
                description: String::new(),
            },
            path: path.into(),
        }
    }

    pub fn v2(path: &str) -> Location {
        location(SecretEngine::Kv(KvVersion::V2), path)
    }

    /// The key as the dispatch gives it: looked up in the component's scope.
    pub fn press(component: &mut dyn Component, app: &mut App, text: &str) -> Outcome {
        let key = event(text);
        let command = app.keymap.command(component.scope(), &key);
        component.on_key(app, &key, command)
    }
}
