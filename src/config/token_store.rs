//! Where a token is kept between runs: the token file (`BAO_TOKEN_PATH`, `~/.vault-token`, a
//! profile's `token_file`), or the `token_helper` that the bao/vault CLI's own config names (a
//! program that keeps it in a keychain), called as the CLI calls it: `<helper> get` prints the
//! token, `<helper> store` reads it on stdin, `<helper> erase` forgets it.

use crate::secret::Token;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// A helper that does not answer within this long is given up on (a keychain prompt the user
/// never sees must not hang tresor's start).
const HELPER_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStore {
    File(PathBuf),
    /// The helper's command as the CLI config gives it (run by `sh -c`, as the CLI does).
    Helper(String),
}

impl TokenStore {
    /// For the login dialog: "/home/me/.vault-token" or "the token helper /usr/bin/x".
    pub fn describe(&self) -> String {
        match self {
            TokenStore::File(path) => path.display().to_string(),
            TokenStore::Helper(command) => format!("the token helper {command}"),
        }
    }

    /// Keeps `token`: the file (0600, as `bao login`), or `<helper> store`.
    pub fn save(&self, token: &Token) -> Result<(), String> {
        match self {
            TokenStore::File(path) => {
                super::save_token_file(path, token).map_err(|error| error.to_string())
            }
            TokenStore::Helper(command) => {
                run_helper(command, "store", Some(token.expose().as_bytes())).map(drop)
            }
        }
    }
}

/// The bao/vault CLI's config file: `BAO_CONFIG_PATH`, else `VAULT_CONFIG_PATH`, else `~/.bao`
/// (OpenBao's) when it can be read, else `~/.vault` (Vault's).
fn cli_config_text(
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&Path) -> Option<String>,
) -> Option<String> {
    let named = ["BAO_CONFIG_PATH", "VAULT_CONFIG_PATH"]
        .iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()));
    if let Some(path) = named {
        return read_file(Path::new(path.trim()));
    }
    let home = env("HOME").filter(|h| !h.trim().is_empty())?;
    [".bao", ".vault"]
        .iter()
        .find_map(|name| read_file(&Path::new(&home).join(name)))
}

/// The `token_helper` the CLI config names, if any (`token_helper = "/path/to/helper"`).
pub fn configured_helper(
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&Path) -> Option<String>,
) -> Option<String> {
    parse_token_helper(&cli_config_text(env, read_file)?)
}

/// `token_helper = "…"` from the CLI's HCL config (the one setting tresor reads from it).
fn parse_token_helper(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.trim();
        let rest = line.strip_prefix("token_helper")?.trim_start();
        let value = rest.strip_prefix('=')?.trim();
        let value = value.strip_prefix('"')?;
        let end = value.find('"')?;
        Some(value[..end].to_string()).filter(|v| !v.trim().is_empty())
    })
}

/// `<helper> get`: the token it keeps, if any.
pub fn helper_get(command: &str) -> Result<Option<Token>, String> {
    let out = run_helper(command, "get", None)?;
    let text = std::str::from_utf8(&out).map_err(|_| format!("{command} get: not text"))?;
    Ok(Some(text.trim()).filter(|t| !t.is_empty()).map(Token::new))
}

/// `<helper> erase`.
pub fn helper_erase(command: &str) -> Result<(), String> {
    run_helper(command, "erase", None).map(drop)
}

/// Runs `sh -c "<command> <operation>"` (as the CLI does), with `input` on stdin, and returns
/// stdout in a wiped buffer. The error says which helper and operation failed and its stderr's
/// first line, never what went in or came out.
fn run_helper(
    command: &str,
    operation: &str,
    input: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>, String> {
    let failed = |reason: String| format!("token helper {command} {operation}: {reason}");
    // `HELPER get`: the operation is the one argument, as the CLI passes it.
    let mut child = crate::platform::shell_command(command, std::ffi::OsStr::new(operation))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| failed(error.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that does not read its stdin (get, erase) closes it: not an error.
        let _ = stdin.write_all(input.unwrap_or_default());
    }
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = Zeroizing::new(Vec::new());
        let _ = stdout.read_to_end(&mut out);
        let mut err = String::new();
        let _ = stderr.read_to_string(&mut err);
        (out, err)
    });
    let started = Instant::now();
    let status = loop {
        match child
            .try_wait()
            .map_err(|error| failed(error.to_string()))?
        {
            Some(status) => break status,
            None if started.elapsed() > HELPER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "no answer within {} s",
                    HELPER_TIMEOUT.as_secs()
                )));
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let (out, err) = reader
        .join()
        .map_err(|_| failed("reading its output".into()))?;
    if !status.success() {
        let first = err.lines().next().unwrap_or("").trim().to_string();
        return Err(failed(if first.is_empty() {
            status.to_string()
        } else {
            format!("{status}: {first}")
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_helper_comes_from_the_cli_config_bao_s_first() {
        let files = |path: &Path| match path.to_str() {
            Some("/h/.bao") => Some("# OpenBao\ntoken_helper = \"/opt/bao-helper\"\n".into()),
            Some("/h/.vault") => Some("token_helper=\"/opt/vault-helper\"".into()),
            Some("/etc/cli.hcl") => Some("token_helper = \"keychain --quiet\"".into()),
            _ => None,
        };
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            configured_helper(&env(&[("HOME", "/h")]), &files).as_deref(),
            Some("/opt/bao-helper")
        );
        assert_eq!(
            configured_helper(
                &env(&[("HOME", "/h"), ("VAULT_CONFIG_PATH", "/etc/cli.hcl")]),
                &files
            )
            .as_deref(),
            Some("keychain --quiet")
        );
        assert_eq!(configured_helper(&env(&[("HOME", "/x")]), &files), None);
        assert_eq!(parse_token_helper("token_helper_x = \"a\""), None);
    }

    #[test]
    fn get_store_and_erase_go_through_the_helper() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept");
        let helper = dir.path().join("helper");
        std::fs::write(
            &helper,
            format!(
                "#!/bin/sh\ncase \"$1\" in get) cat {k} 2>/dev/null || true ;; store) cat > {k} ;; \
                 erase) rm -f {k} ;; *) echo nope >&2; exit 2 ;; esac\n",
                k = kept.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let command = helper.display().to_string();
        assert_eq!(helper_get(&command).unwrap(), None);
        TokenStore::Helper(command.clone())
            .save(&Token::new("s.kept"))
            .unwrap();
        assert_eq!(helper_get(&command).unwrap().unwrap().expose(), "s.kept");
        helper_erase(&command).unwrap();
        assert_eq!(helper_get(&command).unwrap(), None);
        let error = run_helper(&command, "bogus", None).unwrap_err();
        assert!(error.contains("bogus") && error.contains("nope"), "{error}");
    }
}
