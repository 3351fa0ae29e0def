//! Logins and sessions against a real OpenBao dev server seeded like the demo: every login method
//! works and fails clearly, the worker/runner wrapped AppRole flow, a re-used wrapping token,
//! renewal up to the max TTL, revoke-self, and the AppRole management calls.

use crate::support;

use support::{root_client, seeded_server, settings};
use tresor::demo::SeedReport;
use tresor::devserver::DevServer;
use tresor::secret::{SecretText, Token};
use tresor::vault::{Credentials, VaultClient, VaultError};

fn anonymous(server: &DevServer) -> VaultClient {
    VaultClient::new(&settings(server, None)).expect("client")
}

fn secret(text: &str) -> SecretText {
    SecretText::new(text)
}

fn role_ids(report: &SeedReport, role: &str) -> (SecretText, SecretText) {
    let seeded = report.role(role).expect("seeded role");
    (
        secret(&seeded.role_id),
        seeded.secret_id.clone().unwrap_or_else(|| secret("")),
    )
}

fn server_errors(error: &VaultError) -> String {
    match error {
        VaultError::Server { errors, .. } => errors.join("; "),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn every_login_method_works_and_bad_credentials_fail_clearly() {
    let (server, report) = seeded_server().await;
    let client = anonymous(&server);

    let (role_id, secret_id) = role_ids(&report, "demo-app");
    let login = client
        .login(&Credentials::AppRole {
            mount: "approle".into(),
            role_id: role_id.clone(),
            secret_id,
        })
        .await
        .expect("approle login");
    assert!(login.policies.contains(&"app-readonly".to_string()));
    assert_eq!(login.lease_duration, 3600);
    let info = client
        .with_token(Some(login.token.clone()))
        .lookup_self()
        .await
        .expect("the new token works");
    assert!(info.policies.contains(&"app-readonly".to_string()));

    let bad = client
        .login(&Credentials::AppRole {
            mount: "approle".into(),
            role_id,
            secret_id: secret("not-the-secret-id"),
        })
        .await
        .expect_err("a wrong secret-id is refused");
    assert!(server_errors(&bad).contains("invalid"), "{bad}");
    assert!(!bad.to_string().contains("not-the-secret-id"));

    let (_, user, password) = &report.users[0];
    let login = client
        .login(&Credentials::Userpass {
            mount: "userpass".into(),
            username: user.clone(),
            password: password.clone(),
        })
        .await
        .expect("userpass login");
    assert!(login.renewable);
    let bad = client
        .login(&Credentials::Userpass {
            mount: "userpass".into(),
            username: user.clone(),
            password: secret("wrong-password"),
        })
        .await
        .expect_err("a wrong password is refused");
    assert!(
        server_errors(&bad).contains("invalid username or password"),
        "{bad}"
    );

    // A pasted token is checked before it is used; a made-up one is refused.
    let login = client
        .login(&Credentials::Token(server.root_token.clone()))
        .await
        .expect("root token");
    assert_eq!(login.lease_duration, 0);
    let bad = client
        .login(&Credentials::Token(Token::new("s.not-a-real-token")))
        .await
        .expect_err("a made-up token is refused");
    assert!(bad.is_permission_denied(), "{bad}");

    // LDAP: OpenBao 2.7 has no LDAP auth built in, so the login goes to a mount that is not
    // there: a clear error naming the path, not a hang or a crash. (LDAP logins that work are
    // proven in ldap.rs, against a real slapd.)
    let bad = client
        .login(&Credentials::Ldap {
            mount: "ldap".into(),
            username: "alice".into(),
            password: secret("pw"),
        })
        .await
        .expect_err("no ldap mount");
    assert!(bad.to_string().contains("auth/ldap/login/alice"), "{bad}");
    assert!(!bad.to_string().contains("pw\""));
}

#[tokio::test]
async fn the_worker_fetches_a_wrapped_secret_id_and_tresor_logs_in_as_the_runner() {
    let (server, report) = seeded_server().await;
    let client = anonymous(&server);
    let (worker_role_id, worker_secret_id) = role_ids(&report, "ci-worker");
    let login = client
        .login(&Credentials::AppRolePull {
            mount: "approle".into(),
            worker_role_id: worker_role_id.clone(),
            worker_secret_id: worker_secret_id.clone(),
            runner_role: "ci-runner".into(),
            runner_role_id: secret(""),
        })
        .await
        .expect("pull login");
    assert!(login.policies.contains(&"app-readonly".to_string()));
    assert!(!login.policies.contains(&"approle-worker".to_string()));

    // The worker's policy forces wrapping: a plain secret-id request is refused.
    let worker = client
        .login(&Credentials::AppRole {
            mount: "approle".into(),
            role_id: worker_role_id,
            secret_id: worker_secret_id,
        })
        .await
        .expect("worker login");
    let worker_client = client.with_token(Some(worker.token));
    assert!(
        worker_client
            .generate_secret_id("approle", "ci-runner", None)
            .await
            .is_err(),
        "unwrapped secret-ids are refused to the worker"
    );

    // A pasted wrapping token works once; the second use is refused in words.
    let wrapped = worker_client
        .generate_secret_id("approle", "ci-runner", Some(120))
        .await
        .expect("wrapped secret-id");
    let wrap = wrapped.wrap.expect("wrap info");
    assert!(
        wrapped.secret_id.is_none(),
        "the secret-id itself is not in the answer"
    );
    assert!(wrap.creation_path.ends_with("ci-runner/secret-id"));
    let runner_role_id = secret(&report.role("ci-runner").unwrap().role_id);
    let credentials = Credentials::AppRoleWrapped {
        mount: "approle".into(),
        role_id: runner_role_id,
        wrapping_token: wrap.token.clone(),
    };
    client.login(&credentials).await.expect("wrapped login");
    let again = client
        .login(&credentials)
        .await
        .expect_err("a wrapping token works once");
    assert!(again.to_string().contains("works once"), "{again}");
    assert!(!again.to_string().contains(wrap.token.expose()));
}

/// The worker's token has done its job once the runner is logged in: it is revoked. The worker's
/// token is taken off the wire (a recording proxy sees the secret-id request it made), then
/// looked up straight at the server.
#[tokio::test]
async fn after_a_worker_to_runner_login_the_worker_token_is_revoked_and_the_runner_token_works() {
    let (server, report) = seeded_server().await;
    let proxy = support::recorder::RecordingProxy::start(&server.addr);
    let mut through_proxy = settings(&server, None);
    through_proxy.addr = proxy.addr.clone();
    let client = VaultClient::new(&through_proxy).expect("client");
    let (worker_role_id, worker_secret_id) = role_ids(&report, "ci-worker");
    let login = client
        .login(&Credentials::AppRolePull {
            mount: "approle".into(),
            worker_role_id,
            worker_secret_id,
            runner_role: "ci-runner".into(),
            runner_role_id: secret(""),
        })
        .await
        .expect("pull login");

    let requests = proxy.requests();
    let worker_token = requests
        .iter()
        .find(|r| r.path.ends_with("/auth/approle/role/ci-runner/secret-id"))
        .and_then(|r| r.token.clone())
        .unwrap_or_else(|| panic!("the worker asked for the runner's secret-id: {requests:?}"));
    assert_ne!(worker_token, login.token.expose());

    let direct = anonymous(&server);
    let gone = direct
        .with_token(Some(Token::new(&worker_token)))
        .lookup_self()
        .await
        .expect_err("the worker's token no longer works");
    assert!(gone.is_permission_denied(), "403, not {gone:?}");
    let runner = direct
        .with_token(Some(login.token.clone()))
        .lookup_self()
        .await
        .expect("the runner's token works");
    assert!(runner.policies.contains(&"app-readonly".to_string()));
    // Revoked by tresor itself (revoke-self with the worker's token), not by the server's TTL.
    assert!(
        requests
            .iter()
            .any(|r| r.path.ends_with("/auth/token/revoke-self")
                && r.token.as_deref() == Some(worker_token.as_str())),
        "revoke-self was sent with the worker's token: {requests:?}"
    );
}

#[tokio::test]
async fn renewal_extends_a_short_token_until_its_max_ttl_then_stops() {
    let (server, _) = seeded_server().await;
    let root = root_client(&server);
    let created = root
        .write(
            "auth/token/create",
            &serde_json::json!({"ttl": "6s", "explicit_max_ttl": "12s", "policies": ["default"]}),
        )
        .await
        .expect("short token");
    let token = Token::new(created["auth"]["client_token"].as_str().unwrap());
    let client = anonymous(&server).with_token(Some(token));

    let info = client.lookup_self().await.expect("lookup");
    assert!(info.renewable && info.ttl_seconds <= 6);
    let first = client.renew_self(6).await.expect("renew");
    assert_eq!(first.lease_duration, 6);
    assert!(!first.capped(6));
    // Renewed every 4 s, the 6 s token outlives its first TTL; past max TTL - 6 s the server
    // caps the TTL at what is left.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let second = client.renew_self(6).await.expect("renew again");
    assert!(!second.capped(6), "{second:?}");
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let capped = client.renew_self(6).await.expect("renew near max");
    assert!(capped.capped(6), "{capped:?}");
    assert!(capped.lease_duration <= 4, "{capped:?}");

    // Revoke: the token stops working at once.
    client.revoke_self().await.expect("revoke");
    let gone = client.lookup_self().await.expect_err("revoked");
    assert!(gone.is_permission_denied(), "{gone}");

    // A root token cannot be renewed; the server says so.
    let refused = root
        .renew_self(60)
        .await
        .expect_err("root is not renewable");
    assert!(
        server_errors(&refused).contains("not renewable"),
        "{refused}"
    );
}

#[tokio::test]
async fn approle_roles_role_ids_and_secret_id_accessors_can_be_managed() {
    let (server, report) = seeded_server().await;
    let root = root_client(&server);
    let mounts = root.auth_mounts().await.expect("sys/auth");
    assert!(
        mounts
            .iter()
            .any(|m| m.path == "approle/" && m.kind == "approle")
    );
    let roles = root.approle_roles("approle").await.expect("roles");
    assert_eq!(roles, vec!["ci-runner", "ci-worker", "demo-app"]);
    let settings = root
        .approle_role("approle", "ci-runner")
        .await
        .expect("role");
    let max = settings.iter().find(|s| s.name == "token_max_ttl").unwrap();
    assert_eq!(max.value, "14400");
    assert_eq!(
        root.approle_role_id("approle", "ci-runner").await.unwrap(),
        report.role("ci-runner").unwrap().role_id
    );
    // The CLI agrees on the accessor list before and after a destroy.
    let generated = root
        .generate_secret_id("approle", "ci-runner", None)
        .await
        .expect("secret-id");
    let accessor = generated.accessor.expect("accessor");
    let listed = root
        .approle_secret_id_accessors("approle", "ci-runner")
        .await
        .expect("accessors");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].accessor, accessor);
    assert!(!listed[0].creation_time.is_empty());
    let cli = server
        .bao(
            &[
                "list",
                "-format=json",
                "auth/approle/role/ci-runner/secret-id",
            ],
            None,
        )
        .unwrap();
    assert!(cli.contains(&accessor));
    root.approle_destroy_secret_id("approle", "ci-runner", &accessor)
        .await
        .expect("destroy");
    assert!(
        root.approle_secret_id_accessors("approle", "ci-runner")
            .await
            .unwrap()
            .is_empty()
    );
    // The destroyed secret-id no longer logs in.
    let refused = anonymous(&server)
        .login(&Credentials::AppRole {
            mount: "approle".into(),
            role_id: secret(&report.role("ci-runner").unwrap().role_id),
            secret_id: generated.secret_id.unwrap(),
        })
        .await;
    assert!(refused.is_err());
}

/// After a refusal the runtime asks whether the token itself stopped working: a policy that
/// says no is not a lost session; a revoked token is; no token is not asked about.
#[tokio::test]
async fn a_refusal_is_a_lost_session_only_when_the_token_itself_is_refused() {
    let (server, report) = seeded_server().await;
    let limited = report.limited_token.expect("seed creates a limited token");
    let client = VaultClient::new(&settings(&server, Some(&limited))).unwrap();
    assert!(
        !client.token_refused().await,
        "the limited token still works"
    );
    client.revoke_self().await.expect("revoke");
    assert!(client.token_refused().await, "a revoked token is refused");
    assert!(!anonymous(&server).token_refused().await);
}
