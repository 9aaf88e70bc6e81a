use super::*;
use crate::model::{AlertCategory, AlertEventKind, Severity, TargetId, Timestamp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn event(rule: &str) -> AlertEvent {
    AlertEvent {
        rule: rule.into(),
        name: "Idle in transaction".into(),
        target: TargetId("prod".into()),
        key: "4242".into(),
        kind: AlertEventKind::Fired,
        severity: Severity::Critical,
        category: AlertCategory::Performance,
        value: 320.0,
        threshold: 300.0,
        message: "session 4242 idle in transaction for 320s (> 300s)".into(),
        first_seen: Timestamp(1_000),
        last_seen: Timestamp(2_000),
        count: 2,
        at: Timestamp(2_000),
    }
}

const FAST: Timing = Timing {
    hook_timeout: Duration::from_secs(5),
    retry_base: Duration::from_millis(10),
    retry_cap: Duration::from_millis(40),
};

#[tokio::test]
async fn command_hook_gets_the_event_as_json_on_stdin() {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("event.json");
    let script = format!("cat > '{}'", file.display());
    let cfg = NotifyConfig { command: Some(vec!["sh".into(), "-c".into(), script]), slack_webhook: None };
    let (tx, rx) = mpsc::channel(4);
    let handle = spawn_with(cfg, rx, FAST, 8);
    tx.try_send(event("pg.idle_in_transaction")).unwrap();
    drop(tx);
    handle.await.unwrap();
    let written: AlertEvent = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written, event("pg.idle_in_transaction"));
}

#[tokio::test]
async fn a_failing_or_hanging_command_is_logged_and_does_not_stop_delivery() {
    let ev = event("x");
    assert!(command::run(&["false".into()], &ev, FAST.hook_timeout).await.unwrap_err().contains("exited"));
    let slow = ["sh".into(), "-c".into(), "sleep 5".into()];
    let err = command::run(&slow, &ev, Duration::from_millis(100)).await.unwrap_err();
    assert!(err.contains("killed"), "{err}");
    assert!(command::run(&["/no/such/hook".into()], &ev, FAST.hook_timeout).await.is_err());
}

#[test]
fn a_full_queue_drops_the_oldest_and_counts() {
    let queue = Queue::new(2);
    for rule in ["a", "b", "c"] {
        queue.push(event(rule));
    }
    queue.close();
    assert_eq!(queue.dropped(), 1);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let rules = rt.block_on(async {
        let mut rules = Vec::new();
        while let Some(e) = queue.pop().await {
            rules.push(e.rule);
        }
        rules
    });
    assert_eq!(rules, ["b", "c"]);
}

#[tokio::test]
async fn webhook_delivery_errors_do_not_name_the_url() {
    // A port that was free a moment ago: the connection is refused.
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let hook = webhook::Webhook::new(&format!("http://127.0.0.1:{port}/services/T0/B0/tok3n"), FAST).unwrap();
    let err = hook.post(&event("x")).await.unwrap_err();
    assert!(err.contains("attempts") && !err.contains("tok3n") && !err.contains("/services"), "{err}");
    let cfg = NotifyConfig { command: None, slack_webhook: Some(Secret::new("https://h/T/tok3n")) };
    assert!(!format!("{cfg:?}").contains("tok3n"));
}

#[test]
fn webhook_refuses_plain_http_off_loopback() {
    assert!(webhook::Webhook::new("http://hooks.example.com/x", FAST).is_err());
    assert!(webhook::Webhook::new("not a url", FAST).is_err());
    assert!(webhook::Webhook::new("https://hooks.example.com/x", FAST).is_ok());
    assert!(webhook::Webhook::new("http://127.0.0.1:9/x", FAST).is_ok());
    assert!(webhook::Webhook::new("http://[::1]:9/x", FAST).is_ok());
}

/// Answers each request with the next status, and hands back every request body.
async fn server(statuses: Vec<u16>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut bodies = Vec::new();
        for status in statuses {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let body = loop {
                let mut chunk = [0u8; 4096];
                let n = socket.read(&mut chunk).await.unwrap();
                assert!(n > 0, "client closed early");
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break text[end + 4..end + 4 + len].to_owned();
                    }
                }
            };
            bodies.push(body);
            let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            socket.write_all(reply.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
        bodies
    });
    (url, handle)
}

#[tokio::test]
async fn webhook_posts_text_and_retries_after_a_server_error() {
    let (url, server) = server(vec![200, 500, 200]).await;
    let cfg = NotifyConfig { command: None, slack_webhook: Some(Secret::new(url)) };
    let (tx, rx) = mpsc::channel(4);
    let handle = spawn_with(cfg, rx, FAST, 8);
    tx.try_send(event("first")).unwrap();
    tx.try_send(event("second")).unwrap();
    drop(tx);
    tokio::time::timeout(Duration::from_secs(20), handle).await.unwrap().unwrap();
    let bodies = server.await.unwrap();
    let texts: Vec<String> = bodies
        .iter()
        .map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap()["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts.len(), 3);
    assert!(texts[0].contains("(first)") && texts[0].starts_with("[Critical] FIRED prod"), "{}", texts[0]);
    assert!(texts[1].contains("(second)"));
    assert_eq!(texts[1], texts[2], "the retry sends the same text");
}

#[tokio::test]
async fn webhook_gives_up_after_a_few_attempts() {
    let (url, server) = server(vec![500; WEBHOOK_ATTEMPTS as usize]).await;
    let hook = webhook::Webhook::new(&url, FAST).unwrap();
    let err = hook.post(&event("x")).await.unwrap_err();
    assert!(err.contains("4 attempts") && err.contains("500"), "{err}");
    assert_eq!(server.await.unwrap().len(), WEBHOOK_ATTEMPTS as usize);
}
