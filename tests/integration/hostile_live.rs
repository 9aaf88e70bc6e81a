//! Hostile names from a real server: a role named with escape sequences and a
//! right-to-left override must reach `logstag health --format text|md` neutralised.

use crate::support::postgres::TestCluster;
use crate::support::terminal::Terminal;
use std::process::Command;
use std::time::Duration;

const HOSTILE: &str = "evil\u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}gpj.exe";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_named_with_escapes_is_neutralised_in_text_and_markdown_reports() {
    let cluster = TestCluster::start();
    let client = cluster.client("postgres").await;
    client.batch_execute(&format!("CREATE ROLE \"{HOSTILE}\" LOGIN SUPERUSER")).await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let url = format!("postgresql://postgres@127.0.0.1:{}/app", cluster.port);
    for format in ["text", "md"] {
        let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
            .args(["health", &url, "--format", format])
            .env("XDG_STATE_HOME", state.path())
            .output()
            .expect("run logstag health");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("␛]0;owned␇␛[2J<U+202E>gpj.exe"), "{format}: {stdout}");
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}') && !all.contains('\u{202E}'), "{all:?}");
    }
    // On a real terminal the lines before the role's stay on screen: nothing cleared it.
    let mut term = Terminal::spawn(
        &["health", &url, "--format", "text"],
        &[("XDG_STATE_HOME", &state.path().display().to_string())],
        200,
        60,
    );
    term.wait_exit(Duration::from_secs(60));
    let screen = term.wait_for("gpj.exe", Duration::from_secs(5));
    assert!(
        screen.contains("Superuser roles") && screen.contains("Connections vs max_connections"),
        "{screen}"
    );
}
