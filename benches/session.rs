//! Figures for logging in, side by side with the `bao` CLI on the same server in the same run
//! (`cargo bench --bench session`):
//! - AppRole login (role-id + secret-id): tresor's client vs. `bao write auth/approle/login`;
//! - the worker -> runner pull (worker login, wrapped secret-id, unwrap, runner login, worker
//!   revoke) vs. the same four steps with the CLI;
//! - renew-self: tresor's client vs. `bao token renew`.

#[path = "../tests/support/mod.rs"]
mod support;

use support::stats::{median, ms};

use std::time::{Duration, Instant};
use tresor::secret::SecretText;
use tresor::vault::{Credentials, VaultClient};

const RUNS: usize = 9;

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (server, report) = runtime.block_on(support::seeded_server());
    let anonymous = VaultClient::new(&support::settings(&server, None)).unwrap();
    let demo = report.role("demo-app").unwrap();
    let worker = report.role("ci-worker").unwrap();
    let runner = report.role("ci-runner").unwrap();
    let timed_bao = |args: &[&str]| {
        let started = Instant::now();
        let output = server.bao_command().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (
            started.elapsed(),
            String::from_utf8_lossy(&output.stdout).trim().to_string(),
        )
    };

    // 1. AppRole push.
    let push = Credentials::AppRole {
        mount: "approle".into(),
        role_id: SecretText::new(demo.role_id.as_str()),
        secret_id: demo.secret_id.clone().unwrap(),
    };
    let tresor_push: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            runtime.block_on(anonymous.login(&push)).unwrap();
            started.elapsed()
        })
        .collect();
    let role_id = format!("role_id={}", demo.role_id);
    let secret_id = format!("secret_id={}", demo.secret_id.as_ref().unwrap().expose());
    let bao_push: Vec<Duration> = (0..RUNS)
        .map(|_| {
            timed_bao(&[
                "write",
                "-format=json",
                "auth/approle/login",
                &role_id,
                &secret_id,
            ])
            .0
        })
        .collect();

    // 2. Worker -> runner pull.
    let pull = Credentials::AppRolePull {
        mount: "approle".into(),
        worker_role_id: SecretText::new(worker.role_id.as_str()),
        worker_secret_id: worker.secret_id.clone().unwrap(),
        runner_role: "ci-runner".into(),
        runner_role_id: SecretText::new(runner.role_id.as_str()),
    };
    let tresor_pull: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            runtime.block_on(anonymous.login(&pull)).unwrap();
            started.elapsed()
        })
        .collect();
    let worker_role = format!("role_id={}", worker.role_id);
    let worker_secret = format!("secret_id={}", worker.secret_id.as_ref().unwrap().expose());
    let runner_role = format!("role_id={}", runner.role_id);
    let bao_pull: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let (_, worker_token) = timed_bao(&[
                "write",
                "-field=token",
                "auth/approle/login",
                &worker_role,
                &worker_secret,
            ]);
            let with_worker = |args: &[&str]| {
                let output = server
                    .bao_command()
                    .env("BAO_TOKEN", &worker_token)
                    .args(args)
                    .output()
                    .unwrap();
                assert!(output.status.success(), "{args:?}");
                String::from_utf8_lossy(&output.stdout).trim().to_string()
            };
            let wrapping = with_worker(&[
                "write",
                "-f",
                "-wrap-ttl=60s",
                "-field=wrapping_token",
                "auth/approle/role/ci-runner/secret-id",
            ]);
            let (_, secret) = timed_bao(&["unwrap", "-field=secret_id", &wrapping]);
            let runner_secret = format!("secret_id={secret}");
            timed_bao(&[
                "write",
                "-field=token",
                "auth/approle/login",
                &runner_role,
                &runner_secret,
            ]);
            with_worker(&["token", "revoke", "-self"]);
            started.elapsed()
        })
        .collect();

    // 3. renew-self of a userpass token (renewable, 1 h).
    let (_, user, password) = &report.users[0];
    let login = runtime
        .block_on(anonymous.login(&Credentials::Userpass {
            mount: "userpass".into(),
            username: user.clone(),
            password: password.clone(),
        }))
        .unwrap();
    let session = anonymous.with_token(Some(login.token.clone()));
    let tresor_renew: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            runtime.block_on(session.renew_self(3600)).unwrap();
            started.elapsed()
        })
        .collect();
    let bao_renew: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let output = server
                .bao_command()
                .env("BAO_TOKEN", login.token.expose())
                .args(["token", "renew", "-format=json"])
                .output()
                .unwrap();
            assert!(output.status.success());
            started.elapsed()
        })
        .collect();

    println!("session figures (median of {RUNS}), OpenBao dev server on loopback");
    println!(
        "  AppRole login (role-id + secret-id):      tresor {:>9}   bao write auth/approle/login {:>9}",
        ms(median(tresor_push)),
        ms(median(bao_push))
    );
    println!(
        "  worker -> runner pull (4 steps + revoke): tresor {:>9}   the same with the bao CLI    {:>9}",
        ms(median(tresor_pull)),
        ms(median(bao_pull))
    );
    println!(
        "  renew-self:                               tresor {:>9}   bao token renew              {:>9}",
        ms(median(tresor_renew)),
        ms(median(bao_renew))
    );
}
