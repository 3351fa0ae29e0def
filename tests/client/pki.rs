//! The PKI client against a real OpenBao: a root (`pki`) and an intermediate (`pki_int`), a role,
//! issued and revoked certificates, one of 24 hours expiring within 30 days and one of a year not.

use crate::support;

use support::pki;
use support::root_client;
use tresor::vault::pki::{CertPlace, IssueRequest, PkiAnswer, PkiRequest};

#[tokio::test(flavor = "multi_thread")]
async fn issuers_roles_and_issued_certificates_are_read_as_the_server_has_them() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .expect("join");
    let setup = pki::setup(&server);
    let client = root_client(&server);

    let issuers = client.pki_issuers("pki/").await.expect("issuers");
    assert_eq!(issuers.len(), 1);
    assert_eq!(issuers[0].name, "root-2026");
    assert!(issuers[0].is_default);
    let root = issuers[0].cert.as_ref().expect("decoded");
    assert_eq!(root.subject, "CN=Example Root");
    assert!(root.is_ca);
    let int = client.pki_issuers("pki_int/").await.expect("issuers");
    // The signed bundle brought the root along: two issuers, the intermediate the default.
    assert_eq!(int.len(), 2, "{int:?}");
    let default = int.iter().find(|i| i.is_default).expect("a default");
    let cert = default.cert.as_ref().expect("decoded");
    assert_eq!(
        (cert.subject.as_str(), cert.issuer.as_str()),
        ("CN=Example Intermediate", "CN=Example Root")
    );

    assert_eq!(client.pki_roles("pki_int/").await.expect("roles"), ["web"]);
    assert_eq!(
        client.pki_roles("pki/").await.expect("no roles"),
        Vec::<String>::new()
    );
    let settings = client.pki_role("pki_int/", "web").await.expect("role");
    let find = |name: &str| {
        settings
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value.clone())
    };
    assert_eq!(find("allowed_domains").as_deref(), Some("example.com"));
    assert_eq!(find("allow_subdomains").as_deref(), Some("true"));
    assert_eq!(find("key_type").as_deref(), Some("ec"));

    let serials = client.pki_serials("pki_int/").await.expect("serials");
    for serial in [&setup.soon, &setup.year, &setup.revoked] {
        assert!(serials.contains(serial), "{serial} in {serials:?}");
    }
    let certs = client.pki_certs("pki_int/", &serials).await;
    let cert = |serial: &str| {
        certs
            .iter()
            .find(|(s, _)| s == serial)
            .and_then(|(_, r)| r.as_ref().ok())
            .expect("read")
            .clone()
    };
    let soon = cert(&setup.soon);
    assert_eq!(
        soon.summary.as_ref().map(|s| s.subject.as_str()),
        Some("CN=soon.example.com")
    );
    assert_eq!(soon.revoked_at, None);
    assert!(soon.pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(cert(&setup.revoked).revoked_at.is_some());

    // Revoking, then reading again: the server says it is revoked.
    let answer = client
        .pki(
            "pki_int/",
            &PkiRequest::Revoke {
                serial: setup.year.clone(),
            },
        )
        .await;
    assert!(
        matches!(answer, PkiAnswer::Revoked { result: Ok(()), .. }),
        "{answer:?}"
    );
    let year = client
        .pki_cert("pki_int/", &setup.year)
        .await
        .expect("read");
    assert!(year.revoked_at.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_of_a_day_expires_within_30_days_and_one_of_a_year_does_not() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .expect("join");
    let setup = pki::setup(&server);
    let client = root_client(&server);
    let now = time::OffsetDateTime::now_utc();
    let (found, errors) = client
        .pki_expiring("pki_int/", now, time::Duration::days(30))
        .await
        .expect("walked");
    assert!(errors.is_empty(), "{errors:?}");
    let places: Vec<CertPlace> = found.iter().map(|c| c.place.clone()).collect();
    assert_eq!(
        places,
        vec![CertPlace::Pki {
            mount: "pki_int/".into(),
            serial: setup.soon.clone()
        }],
        "the revoked one and the one of a year are not listed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn issuing_answers_the_certificate_its_chain_and_a_key_once() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .expect("join");
    pki::mounts(&server);
    let client = root_client(&server);
    let issued = client
        .pki_issue(
            "pki_int/",
            &IssueRequest {
                role: "web".into(),
                common_name: "new.example.com".into(),
                alt_names: "alt.example.com".into(),
                ttl: "2h".into(),
            },
        )
        .await
        .expect("issued");
    assert!(issued.private_key.expose().contains("PRIVATE KEY"));
    let summary = tresor::certs::certificates(&issued.certificate);
    assert_eq!(summary[0].subject, "CN=new.example.com");
    assert!(summary[0].sans.contains(&"alt.example.com".to_string()));
    assert!(issued.full_chain().matches("BEGIN CERTIFICATE").count() >= 2);
    // Outside the role's domains: refused, said by the server.
    let refused = client
        .pki_issue(
            "pki_int/",
            &IssueRequest {
                role: "web".into(),
                common_name: "evil.test".into(),
                alt_names: String::new(),
                ttl: String::new(),
            },
        )
        .await;
    assert!(refused.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn alt_names_with_spaces_are_all_issued_and_a_capped_ttl_is_said() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .expect("join");
    pki::mounts(&server);
    let client = root_client(&server);
    let issued = client
        .pki_issue(
            "pki_int/",
            &IssueRequest {
                role: "web".into(),
                common_name: "new.example.com".into(),
                // OpenBao drops " b.example.com" (leading space) without a word.
                alt_names: "a.example.com, b.example.com".into(),
                // Longer than the role's max_ttl (8760h): capped, with a warning.
                ttl: "9999h".into(),
            },
        )
        .await
        .expect("issued");
    let summary = tresor::certs::certificates(&issued.certificate);
    for name in ["a.example.com", "b.example.com"] {
        assert!(
            summary[0].sans.contains(&name.to_string()),
            "{name} in {:?}",
            summary[0].sans
        );
    }
    assert!(
        issued
            .warnings
            .iter()
            .any(|w| w.contains("max_ttl") || w.contains("TTL")),
        "{:?}",
        issued.warnings
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_may_only_read_is_told_which_path_and_capability_it_lacks() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .expect("join");
    let setup = pki::setup(&server);
    server
        .bao(
            &["policy", "write", "pki-reader", "-"],
            Some(
                "path \"pki_int/cert/*\" { capabilities = [\"read\"] }\n\
                 path \"pki_int/roles\" { capabilities = [\"list\"] }",
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let token = support::create_token(&server, &["-policy=pki-reader"]);
    let client = tresor::vault::VaultClient::new(&support::settings(
        &server,
        Some(&tresor::secret::Token::new(token)),
    ))
    .expect("client");
    // A list it may not do: the path and the capability.
    let error = client.pki_serials("pki_int/").await.expect_err("denied");
    assert_eq!(
        error.to_string(),
        "permission denied: list on pki_int/certs"
    );
    // What it may do on the operation paths: no update on revoke or issue.
    let paths = vec![
        "pki_int/revoke".to_string(),
        "pki_int/issue/web".to_string(),
    ];
    let caps = client.capabilities_of(&paths).await.expect("asked");
    for path in &paths {
        assert!(
            !tresor::vault::pki::may_write(caps.get(path)),
            "{path}: {caps:?}"
        );
    }
    let root_caps = root_client(&server)
        .capabilities_of(&paths)
        .await
        .expect("asked");
    assert!(tresor::vault::pki::may_write(root_caps.get(&paths[0])));
    // Reading one certificate it may.
    assert!(client.pki_cert("pki_int/", &setup.soon).await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_walk_everywhere_finds_pki_and_kv_certificates_alike_soonest_first() {
    let server = tokio::task::spawn_blocking(support::dev_server)
        .await
        .expect("join");
    let setup = pki::setup(&server);
    let client = root_client(&server);
    // The 24-hour certificate's PEM kept in KV too: decoded the same.
    let soon = client
        .pki_cert("pki_int/", &setup.soon)
        .await
        .expect("read");
    support::write_when_ready(
        &client,
        "secret/data/tls/web",
        &serde_json::json!({"data": {"cert": soon.pem}}),
    )
    .await;
    let report = tresor::vault::expiring::everywhere(
        &client,
        time::OffsetDateTime::now_utc(),
        time::Duration::days(30),
    )
    .await
    .expect("walked");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let mut places: Vec<CertPlace> = report.found.iter().map(|f| f.place.clone()).collect();
    places.sort();
    assert_eq!(
        places,
        vec![
            CertPlace::Pki {
                mount: "pki_int/".into(),
                serial: setup.soon.clone()
            },
            CertPlace::Kv {
                path: "secret/tls/web".into(),
                key: "cert".into()
            },
        ]
    );
    assert_eq!(report.found[0].summary, report.found[1].summary);
}
