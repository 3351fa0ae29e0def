//! What the token may do with the open secret: asked once per secret (`sys/capabilities-self`),
//! kept in `App::capabilities` by full path; while not known everything is offered and the server
//! decides.

use super::super::action::Effect;
use super::super::state::App;
use super::super::tree::Location;
use crate::vault::SecretCapabilities;

/// The key of the capability cache: the secret's full path.
pub fn capability_key(location: &Location) -> String {
    location.display()
}

/// What the token may do with the open secret; everything while not known (the server decides).
pub fn capabilities(app: &App) -> SecretCapabilities {
    app.secret
        .location
        .as_ref()
        .and_then(|l| app.capabilities.get(&capability_key(l)))
        .cloned()
        .unwrap_or_else(SecretCapabilities::unknown)
}

/// The request for a secret's capabilities, unless they are known or already asked for.
pub(super) fn capability_request(app: &mut App, location: &Location) -> Option<Effect> {
    let key = capability_key(location);
    (!app.capabilities.contains_key(&key) && app.capabilities_pending.insert(key)).then(|| {
        Effect::LoadCapabilities {
            location: location.clone(),
        }
    })
}
