//! OpenBao as its own OIDC identity provider, and a test that plays the browser. No mock: the
//! OIDC auth method of a dev server signs in through that same server's OIDC provider.
//!
//! What worked against OpenBao 2.7.2 (`bao` CLI, root token), in this order:
//!   bao auth enable userpass
//!   bao write auth/userpass/users/alice password=... token_policies=default
//!   bao write identity/oidc/key/tresor-key allowed_client_ids=* algorithm=RS256
//!   bao write -format=json identity/entity name=alice                  -> data.id
//!   bao write identity/entity-alias name=alice canonical_id=<id> mount_accessor=<userpass accessor>
//!   bao write identity/oidc/assignment/tresor-users entity_ids=<id>
//!   bao write identity/oidc/client/tresor redirect_uris=<tresor's> assignments=tresor-users key=tresor-key
//!   bao read identity/oidc/client/tresor                                -> client_id, client_secret
//!   bao write identity/oidc/provider/tresor-idp allowed_client_ids=* issuer=<server address>
//!     (the issuer URL is then <addr>/v1/identity/oidc/provider/tresor-idp; a warning says an
//!     explicit issuer must be what clients validate against: it is)
//!   bao auth enable oidc
//!   bao write auth/oidc/config oidc_discovery_url=<issuer URL> oidc_client_id=.. oidc_client_secret=..
//!     default_role=reader
//!   bao write auth/oidc/role/reader role_type=oidc user_claim=sub allowed_redirect_uris=<tresor's>
//!     token_policies=oidc-reader
//! The browser's part: the auth_url the server gives points at the web UI
//! (`<addr>/ui/vault/identity/oidc/provider/<name>/authorize?...`); the API behind it is
//! `GET <addr>/v1/identity/oidc/provider/<name>/authorize?<the same query>` with the signed-in
//! user's token in X-Vault-Token, which answers JSON `{"code": .., "state": ..}` (the state
//! echoed). The browser then goes to `<redirect_uri>?code=..&state=..`.
//! `auth/<mount>/oidc/callback` takes GET with `state`, `code` and the `client_nonce` given to
//! `auth_url`; a wrong nonce is 400 "Expired or missing OAuth state."

use tresor::devserver::DevServer;

pub const PROVIDER: &str = "tresor-idp";
pub const ROLE: &str = "reader";
/// The policy the role gives, and what it allows.
pub const POLICY: &str = "oidc-reader";

pub struct OidcProvider {
    pub addr: String,
    /// The provider's name (`identity/oidc/provider/<name>`).
    pub name: String,
    /// The signed-in user's Vault token (what the browser's session at the provider would be).
    pub user_token: String,
}

fn bao(server: &DevServer, args: &[&str]) -> String {
    server
        .bao(args, None)
        .unwrap_or_else(|error| panic!("{error}"))
}

fn json(server: &DevServer, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&bao(server, args)).expect("bao -format=json output")
}

/// Makes `server` its own OIDC provider, with user alice, and enables the OIDC auth method at
/// `oidc/` signing in through it; the role `reader` (also the default role) allows
/// `redirect_uris` and gives the `oidc-reader` policy.
pub fn set_up(server: &DevServer, redirect_uris: &[&str]) -> OidcProvider {
    let uris = redirect_uris.join(",");
    bao(server, &["auth", "enable", "userpass"]);
    bao(
        server,
        &[
            "write",
            "auth/userpass/users/alice",
            "password=alice-password",
            "token_policies=default",
        ],
    );
    server
        .bao(
            &["policy", "write", POLICY, "-"],
            Some("path \"secret/*\" { capabilities = [\"read\", \"list\"] }\n"),
        )
        .unwrap_or_else(|error| panic!("{error}"));
    bao(
        server,
        &[
            "write",
            "identity/oidc/key/tresor-key",
            "allowed_client_ids=*",
            "algorithm=RS256",
        ],
    );
    let accessor = json(server, &["auth", "list", "-format=json"])["userpass/"]["accessor"]
        .as_str()
        .expect("userpass accessor")
        .to_string();
    let entity = json(
        server,
        &["write", "-format=json", "identity/entity", "name=alice"],
    )["data"]["id"]
        .as_str()
        .expect("entity id")
        .to_string();
    bao(
        server,
        &[
            "write",
            "identity/entity-alias",
            "name=alice",
            &format!("canonical_id={entity}"),
            &format!("mount_accessor={accessor}"),
        ],
    );
    bao(
        server,
        &[
            "write",
            "identity/oidc/assignment/tresor-users",
            &format!("entity_ids={entity}"),
        ],
    );
    bao(
        server,
        &[
            "write",
            "identity/oidc/client/tresor",
            &format!("redirect_uris={uris}"),
            "assignments=tresor-users",
            "key=tresor-key",
        ],
    );
    let client = json(
        server,
        &["read", "-format=json", "identity/oidc/client/tresor"],
    );
    let client_id = client["data"]["client_id"].as_str().expect("client_id");
    let client_secret = client["data"]["client_secret"]
        .as_str()
        .expect("client_secret");
    bao(
        server,
        &[
            "write",
            &format!("identity/oidc/provider/{PROVIDER}"),
            "allowed_client_ids=*",
            &format!("issuer={}", server.addr),
        ],
    );
    bao(server, &["auth", "enable", "oidc"]);
    bao(
        server,
        &[
            "write",
            "auth/oidc/config",
            &format!(
                "oidc_discovery_url={}/v1/identity/oidc/provider/{PROVIDER}",
                server.addr
            ),
            &format!("oidc_client_id={client_id}"),
            &format!("oidc_client_secret={client_secret}"),
            &format!("default_role={ROLE}"),
        ],
    );
    bao(
        server,
        &[
            "write",
            &format!("auth/oidc/role/{ROLE}"),
            "role_type=oidc",
            "user_claim=sub",
            &format!("allowed_redirect_uris={uris}"),
            &format!("token_policies={POLICY}"),
            "ttl=1h",
        ],
    );
    let user_token = json(
        server,
        &[
            "write",
            "-format=json",
            "auth/userpass/login/alice",
            "password=alice-password",
        ],
    )["auth"]["client_token"]
        .as_str()
        .expect("alice's token")
        .to_string();
    OidcProvider {
        addr: server.addr.clone(),
        name: PROVIDER.into(),
        user_token,
    }
}

/// What the provider's authorize endpoint gave for an authorization URL.
pub struct Authorized {
    pub code: String,
    pub state: String,
    pub redirect_uri: String,
}

impl OidcProvider {
    /// Plays the browser at the provider: the authorization URL tresor produced, followed as
    /// the signed-in user. Panics when the provider refuses.
    pub async fn authorize(&self, auth_url: &str) -> Authorized {
        let url = reqwest::Url::parse(auth_url).expect("the authorization URL parses");
        assert!(
            url.path()
                .ends_with(&format!("/identity/oidc/provider/{}/authorize", self.name)),
            "{auth_url}"
        );
        let redirect_uri = url
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.into_owned())
            .expect("redirect_uri in the authorization URL");
        let api = format!(
            "{}/v1/identity/oidc/provider/{}/authorize?{}",
            self.addr,
            self.name,
            url.query().unwrap_or_default()
        );
        let answer: serde_json::Value = tresor::vault::http_client_builder()
            .build()
            .expect("an HTTP client")
            .get(&api)
            .header("X-Vault-Token", &self.user_token)
            .send()
            .await
            .expect("the provider answers")
            .json()
            .await
            .expect("the provider answers JSON");
        Authorized {
            code: answer["code"]
                .as_str()
                .unwrap_or_else(|| panic!("no code: {answer}"))
                .to_string(),
            state: answer["state"].as_str().expect("state").to_string(),
            redirect_uri,
        }
    }
}

/// Plays the browser at tresor's listener: a plain HTTP GET of `redirect_uri?query`, answered
/// with the status and the page.
pub async fn deliver(redirect_uri: &str, query: &[(&str, &str)]) -> (u16, String) {
    let mut url = reqwest::Url::parse(redirect_uri).expect("redirect URI parses");
    url.query_pairs_mut().extend_pairs(query);
    let response = tresor::vault::http_client_builder()
        .no_proxy()
        .build()
        .expect("http client")
        .get(url)
        .send()
        .await
        .expect("tresor's listener answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}
