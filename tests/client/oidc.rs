//! OIDC single sign-on against a real OpenBao that is its own identity provider (issue 18): the
//! listener, the state check, the code exchange, the busy port and giving up (the port freed).
//! The test plays the browser (tests/support/oidc.rs).

use crate::support;
use std::time::Duration;
use support::oidc::{self, OidcProvider, POLICY};
use tokio::sync::mpsc;
use tresor::devserver::{DevServer, free_loopback_port};
use tresor::runtime::oidc::log_in;
use tresor::vault::VaultClient;
use tresor::vault::oidc::{OidcCallback, OidcFailure, OidcProgress, OidcRequest};

struct Setup {
    _server: DevServer,
    provider: OidcProvider,
    client: VaultClient,
    request: OidcRequest,
}

/// A dev server that is its own provider, tresor's client without a token, and a request for a
/// free callback port whose redirect URI the role allows.
async fn setup() -> Setup {
    let (server, provider, port) = tokio::task::spawn_blocking(move || {
        let server = support::dev_server();
        // Chosen once the server has its port, so the two cannot meet.
        let port = free_loopback_port().expect("free port");
        let uri = format!("http://localhost:{port}/oidc/callback");
        let provider = oidc::set_up(&server, &[&uri]);
        (server, provider, port)
    })
    .await
    .expect("join");
    let client = VaultClient::new(&support::settings(&server, None)).expect("client");
    let request = OidcRequest {
        mount: "oidc".into(),
        role: oidc::ROLE.into(),
        callback: OidcCallback {
            listen_address: "127.0.0.1".into(),
            port,
        },
        save_to: None,
    };
    Setup {
        _server: server,
        provider,
        client,
        request,
    }
}

/// The URL tresor reports, sent on to the test's browser.
fn reporter() -> (impl Fn(OidcProgress), mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let report = move |progress: OidcProgress| {
        if let OidcProgress::Waiting { url } = progress {
            let _ = tx.send(url);
        }
    };
    (report, rx)
}

#[tokio::test]
async fn signing_in_through_openbaos_own_provider_gives_the_roles_policies() {
    let setup = setup().await;
    let (report, mut urls) = reporter();
    let browser = async {
        let url = urls.recv().await.expect("tresor reports the URL");
        let authorized = setup.provider.authorize(&url).await;
        assert_eq!(
            authorized.redirect_uri,
            setup.request.callback.redirect_uri()
        );
        oidc::deliver(
            &authorized.redirect_uri,
            &[("code", &authorized.code), ("state", &authorized.state)],
        )
        .await
    };
    let (outcome, (status, page)) =
        tokio::join!(log_in(&setup.client, &setup.request, report), browser);
    let outcome = outcome.expect("the OIDC login goes through");
    assert!(
        outcome.info.policies.iter().any(|p| p == POLICY),
        "{:?}",
        outcome.info.policies
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You can close this tab"), "{page}");
    // The token works: it lists what the role's policy allows.
    let token = outcome.token.expect("a token");
    let logged_in = setup.client.with_token(Some(token));
    logged_in
        .lookup_self()
        .await
        .expect("the new token is accepted");
    // One-shot: the listener is closed.
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", setup.request.callback.port)).is_err(),
        "the listener still answers after the login"
    );
}

#[tokio::test]
async fn an_answer_with_another_state_is_refused_and_the_browser_is_told() {
    let setup = setup().await;
    let (report, mut urls) = reporter();
    let browser = async {
        let url = urls.recv().await.expect("URL");
        let authorized = setup.provider.authorize(&url).await;
        oidc::deliver(
            &authorized.redirect_uri,
            &[("code", &authorized.code), ("state", "st_forged")],
        )
        .await
    };
    let (outcome, (status, page)) =
        tokio::join!(log_in(&setup.client, &setup.request, report), browser);
    assert_eq!(outcome.err(), Some(OidcFailure::StateMismatch));
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("does not belong to this login"), "{page}");
}

#[tokio::test]
async fn the_providers_refusal_and_its_text_are_passed_on() {
    let setup = setup().await;
    let (report, mut urls) = reporter();
    let browser = async {
        let url = urls.recv().await.expect("URL");
        let state = tresor::vault::oidc::state_of(&url).expect("state in the URL");
        oidc::deliver(
            &setup.request.callback.redirect_uri(),
            &[
                ("error", "access_denied"),
                ("error_description", "alice said <no>"),
                ("state", &state),
            ],
        )
        .await
    };
    let (outcome, (status, page)) =
        tokio::join!(log_in(&setup.client, &setup.request, report), browser);
    let failure = outcome.expect_err("refused");
    assert_eq!(
        failure,
        OidcFailure::Refused {
            description: Some("alice said <no>".into())
        }
    );
    assert_eq!(
        failure.to_string(),
        "the sign-in was refused at the identity provider: alice said <no>"
    );
    assert_eq!(status, 400);
    assert!(page.contains("alice said &lt;no&gt;"), "{page}");
}

#[tokio::test]
async fn a_busy_callback_port_is_said_before_the_server_is_asked() {
    let setup = setup().await;
    let port = setup.request.callback.port;
    let _taken = std::net::TcpListener::bind(("127.0.0.1", port)).expect("take the port");
    // A client for an address where nothing answers: had the server been asked first, the
    // failure would be that it cannot be reached.
    let nowhere = format!("http://127.0.0.1:{}", free_loopback_port().expect("port"));
    let settings = tresor::config::ConnectionSettings {
        addr: nowhere,
        ..support::settings(&setup._server, None)
    };
    let client = VaultClient::new(&settings).expect("client");
    let (report, mut urls) = reporter();
    let failure = log_in(&client, &setup.request, report)
        .await
        .expect_err("the port is taken");
    assert_eq!(
        failure,
        OidcFailure::PortBusy {
            listen_on: format!("127.0.0.1:{port}"),
            port
        }
    );
    let text = failure.to_string();
    assert!(
        text.contains(&format!("port {port} is already taken"))
            && text.contains("--oidc-callback-port")
            && text.contains("oidc_callback_port"),
        "{text}"
    );
    assert!(urls.try_recv().is_err(), "no URL without a listener");
}

#[tokio::test]
async fn giving_up_the_wait_frees_the_port() {
    let setup = setup().await;
    let port = setup.request.callback.port;
    let (report, mut urls) = reporter();
    let client = setup.client.clone();
    let request = setup.request.clone();
    let task = tokio::spawn(async move { log_in(&client, &request, report).await });
    urls.recv().await.expect("waiting for the browser");
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", port)).is_err(),
        "the listener holds the port while waiting"
    );
    task.abort();
    let _ = task.await;
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is free after giving up");
}

#[tokio::test]
async fn other_paths_get_a_404_idle_connections_wait_and_the_listener_goes_on() {
    let setup = setup().await;
    let (report, mut urls) = reporter();
    let browser = async {
        let url = urls.recv().await.expect("URL");
        // Browsers open connections ahead of need and may send nothing on them: one such idle
        // connection must not hold up the requests that come on the next ones.
        let _idle = tokio::net::TcpStream::connect(("127.0.0.1", setup.request.callback.port))
            .await
            .expect("an idle connection");
        let base = format!(
            "http://localhost:{}/favicon.ico",
            setup.request.callback.port
        );
        let (missing, _) = oidc::deliver(&base, &[]).await;
        let authorized = setup.provider.authorize(&url).await;
        let delivered = oidc::deliver(
            &authorized.redirect_uri,
            &[("code", &authorized.code), ("state", &authorized.state)],
        )
        .await;
        (missing, delivered)
    };
    let (outcome, (missing, (status, _))) = tokio::time::timeout(Duration::from_secs(5), async {
        tokio::join!(log_in(&setup.client, &setup.request, report), browser)
    })
    .await
    .expect("in time");
    assert_eq!(missing, 404);
    assert_eq!(status, 200);
    outcome.expect("logged in after the stray request");
}

#[tokio::test]
async fn the_demo_server_is_its_own_provider_for_the_demo_user() {
    let (server, mut report) = support::seeded_server().await;
    let port = free_loopback_port().expect("free port");
    let callback = OidcCallback {
        listen_address: "127.0.0.1".into(),
        port,
    };
    let root = support::root_client(&server);
    tresor::demo::seed_oidc(&root, &server.addr, &callback.redirect_uri(), &mut report)
        .await
        .expect("the demo's OIDC seeding");
    let banner = tresor::demo::banner(&report).join("\n");
    assert!(
        banner.contains("OIDC oidc/")
            && banner.contains("role demo: sign in in the browser as Userpass demo"),
        "{banner}"
    );
    // The browser's session at the provider: the demo's userpass user, signed in.
    let (_, user, password) = report.users.first().expect("a demo user").clone();
    let login = root
        .with_token(None)
        .write(
            &format!("auth/userpass/login/{user}"),
            &serde_json::json!({ "password": password.expose() }),
        )
        .await
        .expect("the demo user signs in");
    let provider = OidcProvider {
        addr: server.addr.clone(),
        name: "default".into(),
        user_token: login["auth"]["client_token"].as_str().unwrap().to_string(),
    };
    let client = VaultClient::new(&support::settings(&server, None)).expect("client");
    let request = OidcRequest {
        mount: "oidc".into(),
        role: String::new(),
        callback,
        save_to: None,
    };
    let (report_url, mut urls) = reporter();
    let browser = async {
        let url = urls.recv().await.expect("URL");
        let authorized = provider.authorize(&url).await;
        oidc::deliver(
            &authorized.redirect_uri,
            &[("code", &authorized.code), ("state", &authorized.state)],
        )
        .await
    };
    let (outcome, (status, _)) = tokio::join!(log_in(&client, &request, report_url), browser);
    assert_eq!(status, 200);
    let outcome = outcome.expect("the demo's OIDC login");
    assert!(
        outcome.info.policies.iter().any(|p| p == "app-readonly"),
        "{:?}",
        outcome.info.policies
    );
}
