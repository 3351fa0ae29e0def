//! The sessions of the profiles used so far: switching away keeps a profile's client (and its
//! token); switching back takes it up again without a new login.

use crate::config::ConnectionView;
use crate::config::profiles::{COMMAND_LINE, ProfileEntry, ProfileSwitch, SwitchError};
use crate::config::profiles::{LoadedConfig, profile_login, profile_settings};
use crate::config::{LoginDefaults, LoginOverrides, Overrides, resolve_login};
use crate::vault::VaultClient;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct ProfileSessions {
    pub config: Option<LoadedConfig>,
    pub current: String,
    /// The command-line session's login defaults, for switching back to it.
    pub command_line_login: LoginDefaults,
    /// What the header shows of the profile in use: kept with its client, never looked up by name
    /// (a lookup that missed once gave the other profile's address to this one).
    current_view: ConnectionView,
    kept: HashMap<String, (VaultClient, ConnectionView, LoginDefaults)>,
}

impl ProfileSessions {
    pub fn new(
        config: Option<LoadedConfig>,
        current: String,
        view: ConnectionView,
        login: LoginDefaults,
    ) -> Self {
        Self {
            config,
            current,
            command_line_login: login,
            current_view: view,
            kept: HashMap::new(),
        }
    }

    /// Every profile `P` offers: the one in use first when it is the command line.
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.current == COMMAND_LINE || self.kept.contains_key(COMMAND_LINE) {
            names.push(COMMAND_LINE.to_string());
        }
        if let Some(config) = &self.config {
            names.extend(config.names());
        }
        names
    }

    /// The profiles with where each connects: the command line's address as it started, a
    /// profile's as its file says (a broken profile says why it cannot be used).
    pub fn entries(&self) -> Vec<ProfileEntry> {
        self.names()
            .into_iter()
            .map(|name| {
                let (address, namespace) = if name == COMMAND_LINE {
                    let view = match self.kept.get(COMMAND_LINE) {
                        Some((_, view, _)) => view,
                        None => &self.current_view,
                    };
                    (view.addr.clone(), view.namespace.clone())
                } else {
                    match self.config.as_ref().map(|c| c.profile(&name)) {
                        Some(Ok(profile)) => (
                            profile.address.clone().unwrap_or_default(),
                            profile.namespace.clone(),
                        ),
                        Some(Err(error)) => (format!("cannot be used: {error}"), None),
                        None => (String::new(), None),
                    }
                };
                ProfileEntry {
                    name,
                    address,
                    namespace,
                }
            })
            .collect()
    }

    /// Keeps the current client under the current profile and gives `client` the other's.
    pub fn switch(
        &mut self,
        client: &mut VaultClient,
        name: &str,
    ) -> Result<ProfileSwitch, SwitchError> {
        let current_view = self.view_of_current(client);
        let current_login = self.login_of_current();
        let (next_client, view, login, warnings) = match self.kept.remove(name) {
            Some((kept, view, login)) => (kept, view, login, Vec::new()),
            None => self.open(name)?,
        };
        let previous = std::mem::replace(client, next_client);
        self.kept.insert(
            self.current.clone(),
            (previous, current_view, current_login),
        );
        self.current = name.to_string();
        self.current_view = view.clone();
        Ok(ProfileSwitch {
            name: name.to_string(),
            connection: view,
            login,
            warnings,
            nodes: self.nodes_of(name),
        })
    }

    /// The client of profile `name` for one end of a folder job, without switching to it: the
    /// session in use, the kept session of a profile used before, or a new client with the
    /// profile's own settings and token. The token is always that profile's own: one profile's
    /// token never goes to another's server.
    pub fn client_for(
        &self,
        current: &VaultClient,
        name: &str,
    ) -> Result<VaultClient, SwitchError> {
        if name == self.current {
            return Ok(current.clone());
        }
        if let Some((client, _, _)) = self.kept.get(name) {
            return Ok(client.clone());
        }
        let (client, ..) = self.open(name)?;
        if !client.has_token() {
            return Err(SwitchError::Invalid {
                name: name.to_string(),
                reason: "it has no token yet: switch to it and log in first".into(),
            });
        }
        Ok(client)
    }

    /// The nodes a profile asks to watch (none for the command-line session).
    pub fn nodes_of(&self, name: &str) -> Vec<String> {
        self.config
            .as_ref()
            .and_then(|c| c.profile(name).ok())
            .map(|p| p.nodes.clone())
            .unwrap_or_default()
    }

    fn view_of_current(&self, client: &VaultClient) -> ConnectionView {
        let mut view = self.current_view.clone();
        view.has_token = client.has_token();
        view.namespace = client.namespace().map(str::to_string);
        view
    }

    fn login_of_current(&self) -> LoginDefaults {
        if self.current == COMMAND_LINE {
            return self.command_line_login.clone();
        }
        self.config
            .as_ref()
            .and_then(|c| c.profile(&self.current).ok())
            .and_then(|p| {
                resolve_login(
                    &profile_login(
                        &p.expanded(&|name| std::env::var(name).ok()),
                        &LoginOverrides::default(),
                    ),
                    &|name| std::env::var(name).ok(),
                    &|path| std::fs::read_to_string(path).ok(),
                )
                .ok()
            })
            .unwrap_or_default()
    }

    #[allow(clippy::type_complexity)]
    fn open(
        &self,
        name: &str,
    ) -> Result<(VaultClient, ConnectionView, LoginDefaults, Vec<String>), SwitchError> {
        let config = self.config.as_ref().ok_or(SwitchError::NoConfig)?;
        let profile = config.profile(name).map_err(SwitchError::Unknown)?;
        let invalid = |reason: String| SwitchError::Invalid {
            name: name.to_string(),
            reason,
        };
        let settings = profile_settings(
            profile,
            Overrides::default(),
            &|name| std::env::var(name).ok(),
            &|path| std::fs::read_to_string(path).ok(),
        )
        .map_err(|error| invalid(error.to_string()))?;
        let client = VaultClient::new(&settings).map_err(|error| invalid(error.to_string()))?;
        let login = resolve_login(
            &profile_login(
                &profile.expanded(&|name| std::env::var(name).ok()),
                &LoginOverrides::default(),
            ),
            &|name| std::env::var(name).ok(),
            &|path| std::fs::read_to_string(path).ok(),
        )
        .map_err(|error| invalid(error.to_string()))?;
        Ok((
            client,
            ConnectionView::from_settings(&settings),
            login,
            config.warnings.clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::profiles::parse_config;
    use crate::secret::Token;

    fn sessions() -> (ProfileSessions, VaultClient) {
        let text = "[profiles.one]\naddress = \"http://127.0.0.1:18310\"\ntoken = \"root\"\n\
                    [profiles.two]\naddress = \"http://127.0.0.1:18311\"\ntoken = \"root2\"\n";
        let config = parse_config(std::path::Path::new("config.toml"), text, 0o600).unwrap();
        let settings = crate::config::ConnectionSettings {
            addr: "http://127.0.0.1:18310".into(),
            token: Some(Token::new("root")),
            ..Default::default()
        };
        let view = ConnectionView::from_settings(&settings);
        let sessions = ProfileSessions::new(Some(config), "one".into(), view, Default::default());
        (sessions, VaultClient::new(&settings).unwrap())
    }

    #[test]
    fn every_profile_comes_with_its_address() {
        let (sessions, _) = sessions();
        let entries = sessions.entries();
        let shown: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.address.as_str()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("one", "http://127.0.0.1:18310"),
                ("two", "http://127.0.0.1:18311")
            ]
        );
    }

    #[test]
    fn a_profile_that_is_not_there_is_a_typed_refusal_in_the_file_s_words() {
        let (mut sessions, mut client) = sessions();
        let error = sessions.switch(&mut client, "three").unwrap_err();
        assert!(
            matches!(&error, SwitchError::Unknown(text) if text.contains("no profile \"three\"")),
            "{error:?}"
        );
        assert_eq!(
            client.base(),
            "http://127.0.0.1:18310",
            "still the same server"
        );
        let mut bare = ProfileSessions::default();
        assert_eq!(
            bare.switch(&mut client, "one").unwrap_err().to_string(),
            "no config file with profiles"
        );
    }

    /// one -> two -> one -> two: each time the address shown is the address the client talks to.
    #[test]
    fn every_switch_shows_the_address_of_the_client_in_use() {
        let (mut sessions, mut client) = sessions();
        for (name, port) in [
            ("two", 18311),
            ("one", 18310),
            ("two", 18311),
            ("one", 18310),
        ] {
            let switch = sessions.switch(&mut client, name).unwrap();
            let expected = format!("http://127.0.0.1:{port}");
            assert_eq!(client.base(), expected, "client after switching to {name}");
            assert_eq!(
                switch.connection.addr, expected,
                "address shown after switching to {name}"
            );
        }
    }

    /// A folder job's other end: the named profile's own client (its address and token), without
    /// switching; the session in use is left as it is.
    #[test]
    fn a_folder_job_reaches_another_profile_with_its_own_client() {
        let (sessions, client) = sessions();
        let other = sessions.client_for(&client, "two").unwrap();
        assert_eq!(other.base(), "http://127.0.0.1:18311");
        assert!(format!("{other:?}").contains("http://127.0.0.1:18311"));
        assert_eq!(sessions.current, "one", "no switch");
        let same = sessions.client_for(&client, "one").unwrap();
        assert_eq!(same.base(), client.base());
        let text = "[profiles.one]\naddress = \"http://127.0.0.1:18310\"\ntoken = \"root\"\n\
                    [profiles.bare]\naddress = \"http://127.0.0.1:18312\"\n";
        let config = parse_config(std::path::Path::new("config.toml"), text, 0o600).unwrap();
        let bare = ProfileSessions::new(
            Some(config),
            "one".into(),
            ConnectionView::default(),
            Default::default(),
        );
        let error = bare.client_for(&client, "bare").unwrap_err();
        assert!(error.to_string().contains("no token yet"), "{error}");
    }
}
