//! OIDC single sign-on, the local half: the one-shot listener for the browser's answer and the
//! browser itself. The order matters: the port is taken BEFORE the server is asked for the
//! provider's URL, so a busy port is said at once and no answer can reach another program.
//!
//! The listener takes `GET /oidc/callback?...` once: an answer whose `state` is not the one in
//! the provider's URL is refused (the browser still gets a page saying so), an `error` from the
//! provider is passed on as the provider wrote it, and otherwise the code is exchanged at the
//! server. The browser gets a short page ("you can close this tab", or the error) and the
//! listener closes. Dropping the future (Esc, the timeout) closes it too: the port is free again.

use crate::app::Action;
use crate::secret::SecretText;
use crate::vault::VaultClient;
use crate::vault::auth::{LoginFailure, LoginOutcome};
use crate::vault::oidc::{OidcCallback, OidcFailure, OidcProgress, OidcRequest, state_of};
use std::io::Read;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The most of a request the listener reads (the request line and headers).
const REQUEST_LIMIT: usize = 16 * 1024;
/// How long one connection may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a browser command may take to say it failed; one still running is taken as opened.
const BROWSER_GRACE: Duration = Duration::from_secs(3);

/// Runs an OIDC login for the event loop: progress as `Action::Oidc`, the end as
/// `Action::LoggedIn` (the same as any login) or `Action::Oidc(Failed)`. The browser is opened
/// once the URL is known.
pub async fn run(client: VaultClient, request: OidcRequest, actions: super::effects::ActionSender) {
    let report = |progress: OidcProgress| {
        if let OidcProgress::Waiting { url } = &progress {
            let url = url.clone();
            let actions = actions.clone();
            tokio::spawn(async move {
                let opened = open_browser(&url).await;
                let _ = actions.send(Action::Oidc(OidcProgress::Browser(opened)));
            });
        }
        let _ = actions.send(Action::Oidc(progress));
    };
    let action = match log_in(&client, &request, report).await {
        Ok(outcome) => Action::LoggedIn(Ok(outcome)),
        Err(OidcFailure::Login(failure)) => Action::LoggedIn(Err(failure)),
        Err(failure) => Action::Oidc(OidcProgress::Failed(failure)),
    };
    let _ = actions.send(action);
}

/// The whole login: listen, ask for the URL, report it, take the browser's answer, exchange the
/// code, look the token up (and save it when asked). `report` hears `Waiting` once.
pub async fn log_in(
    client: &VaultClient,
    request: &OidcRequest,
    report: impl Fn(OidcProgress),
) -> Result<LoginOutcome, OidcFailure> {
    let listener = listen(&request.callback).await?;
    let nonce = client_nonce();
    let redirect_uri = request.callback.redirect_uri();
    let url = client
        .oidc_auth_url(&request.mount, &request.role, &redirect_uri, &nonce)
        .await
        .map_err(OidcFailure::AuthUrl)?
        .ok_or_else(|| OidcFailure::NoAuthUrl {
            role: request.role.trim().to_string(),
            redirect_uri: redirect_uri.clone(),
        })?;
    let Some(state) = state_of(&url) else {
        return Err(OidcFailure::Callback(crate::vault::VaultError::Decode {
            path: format!("auth/{}/oidc/auth_url", request.mount.trim_matches('/')),
            reason: "the provider's URL has no state".into(),
        }));
    };
    tracing::info!(mount = %request.mount, "oidc: listening for the browser's answer");
    report(OidcProgress::Waiting { url });
    let login = take_answer(&listener, client, request, &state, &nonce).await?;
    drop(listener);
    let info = client
        .with_token(Some(login.token.clone()))
        .lookup_self()
        .await
        .map_err(|error| OidcFailure::Login(LoginFailure::LookUp(error)))?;
    let mut outcome = LoginOutcome {
        token: Some(login.token),
        info,
        saved_to: None,
    };
    if let (Some(store), Some(token)) = (request.save_to.clone(), outcome.token.clone()) {
        let described = store.describe();
        tokio::task::spawn_blocking(move || store.save(&token))
            .await
            .map_err(|error| error.to_string())
            .and_then(|saved| saved)
            .map_err(|reason| {
                OidcFailure::Login(LoginFailure::Save {
                    path: described.clone(),
                    reason,
                })
            })?;
        outcome.saved_to = Some(described);
    }
    Ok(outcome)
}

/// Takes the callback port, or says who has it.
pub async fn listen(callback: &OidcCallback) -> Result<TcpListener, OidcFailure> {
    let listen_on = callback.listen_on();
    TcpListener::bind(&listen_on)
        .await
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AddrInUse => OidcFailure::PortBusy {
                listen_on: listen_on.clone(),
                port: callback.port,
            },
            _ => OidcFailure::Listen {
                listen_on: listen_on.clone(),
                reason: error.to_string(),
            },
        })
}

/// 20 random letters and digits, as the CLI's client nonce.
fn client_nonce() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 20];
    let random = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if random.is_err() {
        // No /dev/urandom: the time is a poor nonce, but the state (the server's) still binds the
        // answer to this login.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = (nanos >> ((index % 16) * 8)) as u8 ^ index as u8;
        }
    }
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// What one request to the listener asked.
enum Request {
    Callback(Vec<(String, String)>),
    Post,
    Other,
}

/// Waits for the browser's answer at `/oidc/callback`; other paths get a 404 and the listener
/// waits on. Every answer the listener takes gets a page.
async fn take_answer(
    listener: &TcpListener,
    client: &VaultClient,
    request: &OidcRequest,
    state: &str,
    nonce: &str,
) -> Result<crate::vault::Login, OidcFailure> {
    // Each connection is read on its own: a browser's idle pre-connection must not hold up the
    // answer that comes on the next one.
    let mut reading = futures_util::stream::FuturesUnordered::new();
    loop {
        let (mut stream, asked) = tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _)) => reading.push(read_within_limit(stream)),
                    // Out of file descriptors and the like: a moment, then on.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
                continue;
            }
            Some(read) = futures_util::StreamExt::next(&mut reading), if !reading.is_empty() => read,
        };
        let Some(asked) = asked else {
            respond(
                &mut stream,
                400,
                "Bad request",
                "tresor could not read this request.",
            )
            .await;
            continue;
        };
        let query = match asked {
            Request::Other => {
                respond(
                    &mut stream,
                    404,
                    "Not found",
                    "This is tresor's OIDC listener: nothing here.",
                )
                .await;
                continue;
            }
            Request::Post => {
                let failure = OidcFailure::FormPost;
                respond(&mut stream, 405, "Not supported", &page_text(&failure)).await;
                return Err(failure);
            }
            Request::Callback(query) => query,
        };
        let get = |name: &str| {
            query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let description = get("error_description")
            .filter(|d| !d.trim().is_empty())
            .map(str::to_string);
        let failure = match (get("error"), get("state"), get("code")) {
            (Some("access_denied"), ..) => Some(OidcFailure::Refused { description }),
            (Some(error), ..) => Some(OidcFailure::Provider {
                error: error.to_string(),
                description,
            }),
            (None, given, _) if given != Some(state) => Some(OidcFailure::StateMismatch),
            (None, _, None | Some("")) => Some(OidcFailure::NoCode),
            _ => None,
        };
        if let Some(failure) = failure {
            tracing::info!("oidc: the browser's answer was refused");
            respond(&mut stream, 400, "Login failed", &page_text(&failure)).await;
            return Err(failure);
        }
        let code = SecretText::new(get("code").unwrap_or_default());
        drop(query);
        let exchanged = client
            .oidc_callback(&request.mount, state, &code, nonce)
            .await;
        drop(code);
        return match exchanged {
            Ok(login) => {
                respond(
                    &mut stream,
                    200,
                    "Logged in",
                    "tresor is logged in. You can close this tab.",
                )
                .await;
                Ok(login)
            }
            Err(error) => {
                let failure = OidcFailure::Callback(error);
                respond(&mut stream, 400, "Login failed", &page_text(&failure)).await;
                Err(failure)
            }
        };
    }
}

/// `read_request`, given `REQUEST_TIMEOUT`; the stream comes back for the answer.
async fn read_within_limit(mut stream: TcpStream) -> (TcpStream, Option<Request>) {
    let asked = tokio::time::timeout(REQUEST_TIMEOUT, read_request(&mut stream))
        .await
        .ok()
        .flatten();
    (stream, asked)
}

/// Reads the request line (and the headers after it, up to a limit): what it asks.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") && !buffer.windows(2).any(|w| w == b"\n\n") {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if buffer.len() > REQUEST_LIMIT {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&buffer);
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let url = reqwest::Url::parse(&format!("http://localhost{target}")).ok()?;
    if url.path() != "/oidc/callback" {
        return Some(Request::Other);
    }
    match method {
        "GET" => Some(Request::Callback(
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )),
        "POST" => Some(Request::Post),
        _ => Some(Request::Other),
    }
}

/// A short HTML page for the browser, and the connection closed.
async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Bad Request",
    };
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tresor: {title}</title></head>\
         <body style=\"font-family: sans-serif; margin: 3em\"><h1>{title}</h1><p>{}</p></body></html>\n",
        html_escape(text)
    );
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// What the browser's page says of a failure (the same words as tresor's screen).
fn page_text(failure: &OidcFailure) -> String {
    failure.to_string()
}

/// The browser command and its arguments: `$BROWSER` when set (its first entry when it lists
/// several with `:`, split at spaces; `%s` stands for the URL, else the URL comes last), else
/// `xdg-open` (`open` on macOS).
fn browser_command(browser: Option<&str>, url: &str) -> (String, Vec<String>) {
    let chosen = browser
        .and_then(|list| {
            list.split(':')
                .map(str::trim)
                .find(|entry| !entry.is_empty())
        })
        .unwrap_or(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        });
    let mut words = chosen.split_whitespace().map(str::to_string);
    let program = words.next().unwrap_or_default();
    let mut args: Vec<String> = words.collect();
    if args.iter().any(|arg| arg.contains("%s")) {
        for arg in &mut args {
            *arg = arg.replace("%s", url);
        }
    } else {
        args.push(url.to_string());
    }
    (program, args)
}

/// Opens `url` in a browser (`browser_command`). Its output never reaches the terminal. A
/// command still running after a moment is taken as opened.
pub async fn open_browser(url: &str) -> Result<String, String> {
    let browser = std::env::var("BROWSER").ok();
    let (program, args) = browser_command(browser.as_deref(), url);
    let mut child = tokio::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|error| format!("{program}: {error}"))?;
    match tokio::time::timeout(BROWSER_GRACE, child.wait()).await {
        Ok(Ok(status)) if !status.success() => Err(format!("{program} exited with {status}")),
        Ok(Err(error)) => Err(format!("{program}: {error}")),
        _ => Ok(program),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_comes_from_browser_as_other_tools_read_it() {
        let url = "http://idp/authorize?state=st_1";
        let default = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        assert_eq!(
            browser_command(None, url),
            (default.to_string(), vec![url.to_string()])
        );
        assert_eq!(
            browser_command(Some("  "), url),
            (default.to_string(), vec![url.to_string()])
        );
        assert_eq!(
            browser_command(Some("firefox --new-window"), url),
            (
                "firefox".to_string(),
                vec!["--new-window".to_string(), url.to_string()]
            )
        );
        assert_eq!(
            browser_command(Some("w3m:lynx"), url),
            ("w3m".to_string(), vec![url.to_string()])
        );
        assert_eq!(
            browser_command(Some("chromium --app=%s"), url),
            ("chromium".to_string(), vec![format!("--app={url}")])
        );
    }

    #[test]
    fn nonces_are_twenty_letters_or_digits_and_differ() {
        let one = client_nonce();
        let two = client_nonce();
        assert_eq!(one.len(), 20);
        assert!(one.chars().all(|c| c.is_ascii_alphanumeric()), "{one}");
        assert_ne!(one, two);
    }

    #[test]
    fn the_page_escapes_the_providers_text() {
        assert_eq!(
            html_escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
