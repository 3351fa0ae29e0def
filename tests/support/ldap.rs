//! A real LDAP server for the LDAP login tests: Debian's `slapd`, started by the test on a free
//! loopback port with its own config and database in a temp dir (never the system's service),
//! holding one user in one group; and an OpenBao with its LDAP auth method pointed at it, the group
//! mapped to a policy. Missing parts (slapd, slapadd, ldapwhoami, an OpenBao with LDAP built in)
//! fail the test loudly, saying how to get them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tresor::devserver::{DevServer, free_loopback_port, spawn_tied_to_this_process};

pub const BASE_DN: &str = "dc=tresor,dc=test";
pub const USERS_DN: &str = "ou=users,dc=tresor,dc=test";
pub const GROUPS_DN: &str = "ou=groups,dc=tresor,dc=test";
pub const USER: &str = "alice";
pub const PASSWORD: &str = "ldap-alice-Pa55word";
pub const GROUP: &str = "devs";
/// The policy the group is mapped to in OpenBao: it may read `secret/data/team/*`.
pub const POLICY: &str = "ldap-devs";

const INSTALL: &str = "run scripts/ensure-debian-packages slapd ldap-utils:ldapadd (as root, or \
                       with sudo) to install Debian's slapd and ldap-utils";

/// A Debian tool by name: on PATH, else in /usr/sbin (where slapd and slapadd live). Panics
/// (fails the test) when it is not installed.
fn tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("the LDAP tests need {name}, which is not installed: {INSTALL}"))
}

/// An OpenBao with LDAP auth built in: `TRESOR_BAO_LDAP`, else the project's `.venv-bao-ldap`.
/// OpenBao 2.7 moved LDAP auth out of its main binary (see scripts/ensure-bao-ldap).
pub fn ldap_bao() -> PathBuf {
    if let Some(path) = std::env::var_os("TRESOR_BAO_LDAP").map(PathBuf::from)
        && path.is_file()
    {
        return path;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-bao-ldap/bin/bao");
    if venv.is_file() {
        return venv;
    }
    panic!(
        "the LDAP tests need an OpenBao with LDAP auth built in (OpenBao 2.7 moved it to an \
         external plugin): run scripts/ensure-bao-ldap, or set TRESOR_BAO_LDAP"
    )
}

/// A running slapd; killed, and its directory removed, on drop.
pub struct Slapd {
    child: Child,
    /// `ldap://127.0.0.1:PORT`
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl Slapd {
    pub fn user_dn(user: &str) -> String {
        format!("uid={user},{USERS_DN}")
    }

    /// Starts slapd with a fresh mdb database: the base, `ou=users` with `USER` (password
    /// `PASSWORD`), `ou=groups` with `GROUP` (a groupOfNames holding the user). Retries on a
    /// port race.
    pub fn start() -> Self {
        let slapd = tool("slapd");
        let slapadd = tool("slapadd");
        let ldapwhoami = tool("ldapwhoami");
        let mut last_error = String::new();
        for _ in 0..3 {
            match Self::try_start(&slapd, &slapadd, &ldapwhoami) {
                Ok(server) => return server,
                Err(error) => last_error = error,
            }
        }
        panic!("cannot start slapd: {last_error}")
    }

    fn try_start(slapd: &Path, slapadd: &Path, ldapwhoami: &Path) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let db = dir.path().join("db");
        std::fs::create_dir(&db).map_err(|e| e.to_string())?;
        let config = dir.path().join("slapd.conf");
        std::fs::write(
            &config,
            format!(
                "include /etc/ldap/schema/core.schema\n\
                 include /etc/ldap/schema/cosine.schema\n\
                 include /etc/ldap/schema/inetorgperson.schema\n\
                 modulepath /usr/lib/ldap\n\
                 moduleload back_mdb\n\
                 pidfile {dir}/slapd.pid\n\
                 argsfile {dir}/slapd.args\n\
                 database mdb\n\
                 maxsize 10485760\n\
                 suffix \"{BASE_DN}\"\n\
                 rootdn \"cn=admin,{BASE_DN}\"\n\
                 directory {db}\n",
                dir = dir.path().display(),
                db = db.display()
            ),
        )
        .map_err(|e| e.to_string())?;
        let user_dn = Self::user_dn(USER);
        let data = dir.path().join("data.ldif");
        std::fs::write(
            &data,
            format!(
                "dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: tresor \
                 test\ndc: tresor\n\n\
                 dn: {USERS_DN}\nobjectClass: organizationalUnit\nou: users\n\n\
                 dn: {GROUPS_DN}\nobjectClass: organizationalUnit\nou: groups\n\n\
                 dn: {user_dn}\nobjectClass: inetOrgPerson\nuid: {USER}\ncn: Alice\nsn: \
                 Example\nuserPassword: {PASSWORD}\n\n\
                 dn: cn={GROUP},{GROUPS_DN}\nobjectClass: groupOfNames\ncn: {GROUP}\nmember: \
                 {user_dn}\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        run(Command::new(slapadd)
            .arg("-f")
            .arg(&config)
            .arg("-l")
            .arg(&data))?;

        let port = free_loopback_port().map_err(|e| e.to_string())?;
        let url = format!("ldap://127.0.0.1:{port}");
        let log = std::fs::File::create(dir.path().join("slapd.log")).map_err(|e| e.to_string())?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let mut command = Command::new(slapd);
        // -d: stay in the foreground (a child the test can kill), logging nothing but errors.
        command
            .arg("-f")
            .arg(&config)
            .arg("-h")
            .arg(format!("{url}/"))
            .args(["-d", "0"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let child = spawn_tied_to_this_process(command).map_err(|e| e.to_string())?;
        let mut server = Slapd { child, url, dir };
        server.wait_ready(ldapwhoami, Duration::from_secs(15))?;
        Ok(server)
    }

    /// Ready when the user can bind (what OpenBao will do).
    fn wait_ready(&mut self, ldapwhoami: &Path, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log =
                    std::fs::read_to_string(self.dir.path().join("slapd.log")).unwrap_or_default();
                return Err(format!("slapd exited ({status}): {log}"));
            }
            match run(Command::new(ldapwhoami)
                .args(["-x", "-H", &self.url, "-D"])
                .arg(Self::user_dn(USER))
                .args(["-w", PASSWORD]))
            {
                Ok(_) => return Ok(()),
                Err(error) => last = error,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("slapd did not answer within {limit:?}: {last}"))
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{:?} failed: {}{}",
            command.get_program(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// An OpenBao dev server (with LDAP auth built in) whose `ldap/` auth method logs in against a
/// fresh slapd: users under `ou=users` by `uid`, groups under `ou=groups` by `member`, the group
/// `GROUP` mapped to `POLICY`, which reads `secret/data/team/*`; `secret/team/db` is written.
pub fn ldap_server() -> (DevServer, Slapd) {
    let slapd = Slapd::start();
    let bao = ldap_bao();
    let server = DevServer::start(&bao)
        .unwrap_or_else(|error| panic!("cannot start {} server -dev: {error}", bao.display()));
    let groupfilter = "groupfilter=(&(objectClass=groupOfNames)(member={{.UserDN}}))";
    let policy = "path \"secret/data/team/*\" { capabilities = [\"read\"] }\n\
                  path \"secret/metadata/team/*\" { capabilities = [\"read\", \"list\"] }\n";
    let url = format!("url={}", slapd.url);
    let userdn = format!("userdn={USERS_DN}");
    let groupdn = format!("groupdn={GROUPS_DN}");
    let group = format!("auth/ldap/groups/{GROUP}");
    let policies = format!("policies={POLICY}");
    for (args, stdin) in [
        (vec!["auth", "enable", "ldap"], None),
        (
            vec![
                "write",
                "auth/ldap/config",
                &url,
                &userdn,
                "userattr=uid",
                &groupdn,
                groupfilter,
                "groupattr=cn",
            ],
            None,
        ),
        (vec!["write", &group, &policies], None),
        (vec!["policy", "write", POLICY, "-"], Some(policy)),
        (vec!["kv", "put", "secret/team/db", "owner=devs"], None),
    ] {
        server
            .bao(&args, stdin)
            .unwrap_or_else(|error| panic!("setting up LDAP auth: {error}"));
    }
    (server, slapd)
}
