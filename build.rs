//! `tresor --version` names the git commit it was built from, when it was built from a checkout
//! (`0.1.0 (commit 1a2b3c4d5e6f)`); from a published package, only the version.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .filter(|text| !text.is_empty())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let text = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some();
            format!(
                "{version} (commit {commit}{})",
                if dirty { ", modified" } else { "" }
            )
        }
        None => version.to_string(),
    };
    println!("cargo:rustc-env=TRESOR_VERSION={text}");
    // Built again when HEAD moves (a commit, a checkout); worktrees keep HEAD apart from the refs.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--git-path", "index"]),
        git(&["rev-parse", "--git-common-dir"]).map(|dir| format!("{dir}/refs/heads")),
    ]
    .into_iter()
    .flatten()
    {
        println!("cargo:rerun-if-changed={path}");
    }
}
