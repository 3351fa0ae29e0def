//! Dynamic credentials and leases against a real OpenBao dev server. Built-in engines that make
//! leases without an external service: PKI with a role `generate_lease=true` (`pki/issue/<role>`,
//! a write) and the ssh engine's OTP roles (`ssh/creds/<role>`, a write with `ip`). Neither lease
//! is renewable (OpenBao 2.7.2), so renewing is refused with "lease is not renewable".

use crate::support;

use serde_json::json;
use support::{create_token, dev_server, root_client, settings};
use tresor::secret::{SecretText, Token};
use tresor::vault::leases::IssueMethod;
use tresor::vault::{Operation, VaultClient, VaultError};

/// A dev server with `ssh/` (OTP role `otp`) and `pki/` (role `web`, generate_lease).
pub async fn lease_server() -> tresor::devserver::DevServer {
    let server = tokio::task::spawn_blocking(dev_server).await.expect("join");
    let client = root_client(&server);
    client
        .write("sys/mounts/ssh", &json!({"type": "ssh"}))
        .await
        .expect("mount ssh");
    client
        .write(
            "ssh/roles/otp",
            &json!({"key_type": "otp", "default_user": "ubuntu", "cidr_list": "10.0.0.0/8"}),
        )
        .await
        .expect("otp role");
    client
        .write("sys/mounts/pki", &json!({"type": "pki"}))
        .await
        .expect("mount pki");
    client
        .write(
            "pki/root/generate/internal",
            &json!({"common_name": "example.com", "ttl": "24h"}),
        )
        .await
        .expect("root");
    client
        .write(
            "pki/roles/web",
            &json!({"allowed_domains": "example.com", "allow_subdomains": true,
                    "generate_lease": true, "max_ttl": "2h"}),
        )
        .await
        .expect("pki role");
    server
}

fn otp_write() -> IssueMethod {
    IssueMethod::Write(vec![("ip".into(), SecretText::new("10.0.0.5"))])
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_look_up_and_revoke_one_lease() {
    let server = lease_server().await;
    let client = root_client(&server);
    let issued = client
        .issue_credentials("ssh/", "creds/otp", &otp_write())
        .await
        .expect("issue");
    let lease = issued.lease.expect("an OTP comes with a lease");
    assert!(lease.id.starts_with("ssh/creds/otp/"), "{}", lease.id);
    assert!(lease.ttl > 0 && !lease.renewable);
    let key = issued
        .entries
        .iter()
        .find(|e| e.key == "key")
        .expect("the OTP");
    assert!(!key.value.expose().is_empty());

    // Listed under its prefix, folder by folder.
    assert!(
        client
            .list_leases("")
            .await
            .unwrap()
            .contains(&"ssh/".to_string())
    );
    assert_eq!(client.list_leases("ssh/").await.unwrap(), vec!["creds/"]);
    let last = lease.id.rsplit('/').next().unwrap().to_string();
    assert_eq!(
        client.list_leases("ssh/creds/otp/").await.unwrap(),
        vec![last]
    );

    let details = client.lookup_lease(&lease.id).await.expect("lookup");
    assert_eq!(details.id, lease.id);
    assert!(details.ttl > 0 && details.ttl <= lease.ttl);
    assert!(details.expire_time.is_some() && !details.renewable);

    // Not renewable: the server says so, typed as its own error.
    let renew = client.renew_lease(&lease.id, Some(60)).await;
    match renew {
        Err(VaultError::Server {
            status: 400,
            errors,
            ..
        }) => {
            assert!(errors.join(" ").contains("not renewable"), "{errors:?}")
        }
        other => panic!("{other:?}"),
    }

    client.revoke_lease(&lease.id).await.expect("revoke");
    assert!(matches!(
        client.lookup_lease(&lease.id).await,
        Err(VaultError::Server { status: 400, .. } | VaultError::NotFound { .. })
    ));
    assert_eq!(
        client.list_leases("ssh/creds/otp/").await.unwrap(),
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pki_role_with_generate_lease_issues_on_write_and_a_prefix_is_revoked() {
    let server = lease_server().await;
    let client = root_client(&server);
    let method = IssueMethod::Write(vec![(
        "common_name".into(),
        SecretText::new("a.example.com"),
    )]);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let issued = client
            .issue_credentials("pki", "issue/web", &method)
            .await
            .expect("issue");
        assert!(issued.entries.iter().any(|e| e.key == "private_key"));
        ids.push(issued.lease.expect("generate_lease gives a lease").id);
    }
    // A read of a path that issues only on write is the engine's refusal, not a lease.
    let read = client
        .issue_credentials("pki", "issue/web", &IssueMethod::Read)
        .await;
    assert!(read.is_err(), "{read:?}");
    let otp = client
        .issue_credentials("ssh", "creds/otp", &otp_write())
        .await
        .expect("otp")
        .lease
        .expect("lease");

    assert_eq!(client.list_leases("pki/issue/web/").await.unwrap().len(), 3);
    client
        .revoke_lease_prefix("pki/issue/web/")
        .await
        .expect("revoke prefix");
    assert!(
        client
            .list_leases("pki/issue/web/")
            .await
            .unwrap()
            .is_empty()
    );
    // Leases outside the prefix stay.
    client.lookup_lease(&otp.id).await.expect("the OTP stays");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_may_not_list_leases_is_refused_naming_the_path_and_list() {
    let server = lease_server().await;
    let client = root_client(&server);
    client
        .write(
            "sys/policies/acl/creds-only",
            &json!({"policy": r#"
                path "ssh/creds/*" { capabilities = ["create", "update"] }
                path "sys/leases/revoke" { capabilities = ["update"] }
            "#}),
        )
        .await
        .unwrap();
    let token = tokio::task::block_in_place(|| create_token(&server, &["-policy=creds-only"]));
    let limited = VaultClient::new(&settings(&server, Some(&Token::new(token)))).expect("client");
    let lease = limited
        .issue_credentials("ssh", "creds/otp", &otp_write())
        .await
        .expect("issue")
        .lease
        .expect("lease");

    match limited.list_leases("").await {
        Err(VaultError::PermissionDenied { path, operation }) => {
            assert_eq!(path, "sys/leases/lookup/");
            assert_eq!(operation, Operation::List);
        }
        other => panic!("{other:?}"),
    }
    let denied = limited.list_leases("").await.unwrap_err().to_string();
    assert!(
        denied.contains("sys/leases/lookup") && denied.contains("list"),
        "{denied}"
    );
    // What it may do, per path (root sees everything).
    let paths = vec![
        tresor::vault::leases::lookup_path(""),
        tresor::vault::leases::REVOKE_PATH.to_string(),
        tresor::vault::leases::revoke_prefix_path("ssh/"),
    ];
    let caps = limited.capabilities_of(&paths).await.expect("caps");
    // (The default policy's `update` on sys/leases/lookup shows here too: not `list`.)
    assert!(!tresor::vault::leases::allows(&caps[&paths[0]], &["list"]));
    assert_eq!(caps[&paths[1]], vec!["update"]);
    // Revoking a prefix needs sudo besides update.
    assert!(!tresor::vault::leases::allows(
        &caps[&paths[2]],
        &["update", "sudo"]
    ));
    let root = client.capabilities_of(&paths).await.expect("caps");
    assert_eq!(root[&paths[2]], vec!["root"]);
    // It may still revoke its own lease.
    limited.revoke_lease(&lease.id).await.expect("revoke");
}
