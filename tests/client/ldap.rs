//! LDAP login through `vault/auth.rs` against a real LDAP server (Debian's slapd, started by the
//! test) behind OpenBao's LDAP auth method: the right password gets a token with the policy the
//! user's LDAP group is mapped to; a wrong one is refused with a clear message that does not hold
//! the password.

use crate::support;

use support::ldap::{GROUP, PASSWORD, POLICY, USER, ldap_server};
use support::settings;
use tresor::app::login::login_failure_message;
use tresor::secret::SecretText;
use tresor::vault::auth::LoginFailure;
use tresor::vault::{Credentials, Operation, VaultClient};

fn ldap(username: &str, password: &str) -> Credentials {
    Credentials::Ldap {
        mount: "ldap".into(),
        username: username.into(),
        password: SecretText::new(password),
    }
}

#[tokio::test]
async fn an_ldap_login_gets_a_token_with_the_policy_of_the_users_group() {
    let (server, _slapd) = tokio::task::spawn_blocking(ldap_server).await.unwrap();
    let client = VaultClient::new(&settings(&server, None)).unwrap();
    let outcome = client
        .log_in(&ldap(USER, PASSWORD))
        .await
        .expect("LDAP login");
    assert!(
        outcome.info.policies.contains(&POLICY.to_string()),
        "the {GROUP} group's policy: {:?}",
        outcome.info.policies
    );
    assert_eq!(outcome.info.display_name, format!("ldap-{USER}"));
    // The token is the user's: it reads what the group's policy allows, and only that.
    let token = outcome.token.expect("a token");
    let user = client.with_token(Some(token));
    let secret = user
        .send(Operation::Read, "secret/data/team/db", None)
        .await
        .expect("read")
        .json("secret/data/team/db")
        .unwrap();
    assert_eq!(secret["data"]["data"]["owner"], "devs");
    let denied = user
        .send(Operation::Read, "secret/data/other", None)
        .await
        .err()
        .expect("outside the policy");
    assert!(denied.is_permission_denied(), "{denied:?}");
}

#[tokio::test]
async fn a_wrong_ldap_password_is_refused_clearly_without_the_password() {
    let (server, _slapd) = tokio::task::spawn_blocking(ldap_server).await.unwrap();
    let client = VaultClient::new(&settings(&server, None)).unwrap();
    let wrong = "not-Alices-Pa55word";
    // A wrong password and an unknown user are refused alike (the server does not tell them
    // apart); an empty password is refused before any bind (it would be an anonymous bind).
    for (user, password, said) in [
        (USER, wrong, "refused this username or password"),
        ("nobody", wrong, "refused this username or password"),
        (USER, "", "password cannot be of zero length"),
    ] {
        let failure = client
            .log_in(&ldap(user, password))
            .await
            .expect_err("refused");
        assert!(
            matches!(failure, LoginFailure::Refused { .. }),
            "{failure:?}"
        );
        let message = login_failure_message(&failure);
        assert!(
            message.starts_with("LDAP login failed: ")
                && message.contains(said)
                && message.contains(&format!("auth/ldap/login/{user}")),
            "{user}: {message}"
        );
        assert!(!message.contains(wrong), "{message}");
        assert!(!message.contains(PASSWORD), "{message}");
        assert!(!format!("{failure:?}").contains(wrong), "{failure:?}");
    }
}
