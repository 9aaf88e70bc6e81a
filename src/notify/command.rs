//! The command hook: the event as one JSON document on stdin, no shell involved.

use crate::model::AlertEvent;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

pub async fn run(argv: &[String], event: &AlertEvent, timeout: Duration) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else { return Ok(()) };
    let json = serde_json::to_vec(event).map_err(|e| format!("cannot encode the event: {e}"))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // A hook that outlives its timeout is killed with the handle.
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    let work = async {
        if let Some(mut stdin) = child.stdin.take() {
            // A hook may exit without reading stdin; that is its choice, not an error.
            let _ = stdin.write_all(&json).await;
            let _ = stdin.shutdown().await;
        }
        child.wait().await
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(format!("{program} exited with {status}")),
        Ok(Err(e)) => Err(format!("waiting for {program}: {e}")),
        Err(_) => Err(format!("{program} did not finish within {}s; killed", timeout.as_secs())),
    }
}
