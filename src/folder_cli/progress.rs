//! The progress line on stderr (when it is a terminal) and a run with Ctrl-C as its stop.

use super::*;

/// Drains progress events; on a terminal, keeps one line on stderr up to date: done/total,
/// rate and time left.
pub(super) async fn show_progress(
    mut receiver: tokio::sync::mpsc::UnboundedReceiver<Progress>,
    label: &str,
) {
    let show = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_drawn: Option<Instant> = None;
    let mut drawn = false;
    while let Some(event) = receiver.recv().await {
        if !show {
            continue;
        }
        // What is being done, with its count: listing, then checking, then the run.
        let (done, total, doing) = match event {
            Progress::Item { done, total, .. } => (done, total, ""),
            Progress::Checking {
                checked: done,
                total,
            } => (done, total, "checking each secret found: "),
            Progress::Listing { secrets, .. } => (secrets, 0, ""),
        };
        if last_drawn.is_some_and(|at| at.elapsed() < Duration::from_millis(100)) && done < total {
            continue;
        }
        last_drawn = Some(Instant::now());
        let elapsed = started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / elapsed;
        let line = if total == 0 {
            format!("{label}: listing the folder: {done} secret(s) found so far")
        } else {
            let left = if rate > 0.0 {
                duration_text(Duration::from_secs_f64(
                    (total - done.min(total)) as f64 / rate,
                ))
            } else {
                "?".into()
            };
            format!("{label}: {doing}{done}/{total}  {rate:.0}/s  {left} left")
        };
        eprint!("\r\x1b[2K{line}");
        let _ = std::io::stderr().flush();
        drawn = true;
    }
    if drawn {
        eprint!("\r\x1b[2K");
        let _ = std::io::stderr().flush();
    }
}

/// Runs a plan with a progress line and Ctrl-C as cancel (between secrets).
pub(super) async fn execute(plan: &Plan, choices: Choices) -> Report {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancelToken::new();
    let interrupt = tokio::spawn({
        let cancel = cancel.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        }
    });
    let (label, _) = verb(plan.kind);
    let running = async move {
        let report = folder::run(plan, &choices, &sender, &cancel).await;
        drop(sender);
        report
    };
    let (mut report, ()) = tokio::join!(running, show_progress(receiver, label));
    interrupt.abort();
    if crate::vault::jobs::run_lost_its_token(plan, &report).await {
        crate::vault::jobs::blame_the_token(&mut report, crate::vault::jobs::TOKEN_REFUSED);
        eprintln!(
            "tresor: {}: log in again, then run the command again",
            crate::vault::jobs::TOKEN_REFUSED
        );
    }
    report
}
