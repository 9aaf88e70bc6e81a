//! A SQL Server stand-in speaking TDS 7.4 on a loopback port, written from MS-TDS, so the
//! real driver path (tiberius) runs in CI without a SQL Server. It replays scripted result
//! sets: each statement of a batch is answered by the first [`Reply`] whose pattern occurs
//! in it (case-insensitive); `SET ...` statements without a reply get a plain DONE;
//! anything else gets error 208 so unexpected SQL shows up in the test.
//!
//! Covered: PRELOGIN (ENCRYPT_NOT_SUP), LOGIN7 (recorded; optional password check with
//! error 18456), SQL_BATCH and sp_executesql RPC (tiberius' `query`/`execute`), result
//! sets in the types of [`SqlType`] with NULLs (ROW or NBCROW), errors, delays and
//! ATTENTION. Not covered: TLS of any kind. A client asking for encryption (Off, On,
//! Required, or TDS 8 strict, which starts with a TLS ClientHello) is refused by closing
//! the connection, and counted in [`TdsServer::tls_refusals`]; connect with
//! `EncryptionLevel::NotSupported`.

mod packets;
mod tokens;
mod types;

pub use types::{SqlType, Value};

use packets::{ATTENTION, LOGIN7, Message, PRELOGIN, RPC, SQL_BATCH, read_message, write_message};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokens::{CMD_SELECT, DONE, DONE_ATTN, DONE_COUNT, DONE_ERROR, DONE_IN_PROC, DONE_MORE, DONE_PROC};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinHandle};

/// One result set: columns, rows, and whether rows go out as NBCROW (null bitmap).
#[derive(Debug, Clone)]
pub struct ResultSet {
    columns: Vec<(String, SqlType)>,
    rows: Vec<Vec<Value>>,
    nbc: bool,
}

impl ResultSet {
    pub fn new(columns: &[(&str, SqlType)]) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(|(n, t)| (n.to_string(), *t)).collect(),
            rows: vec![],
            nbc: false,
        }
    }

    /// Panics here, in the test, if a value does not fit its column.
    pub fn row(mut self, values: &[Value]) -> ResultSet {
        tokens::row(&mut Vec::new(), &self.columns, values, false);
        self.rows.push(values.to_vec());
        self
    }

    /// Send rows as NBCROW tokens (NULLs in a bitmap), as SQL Server does for sparse rows.
    pub fn null_bitmap_rows(mut self) -> ResultSet {
        self.nbc = true;
        self
    }
}

#[derive(Debug, Clone)]
enum Answer {
    Sets(Vec<ResultSet>),
    Error { number: u32, message: String },
    Done,
}

#[derive(Debug, Clone)]
pub struct Reply {
    pattern: String,
    answer: Answer,
    delay: Duration,
}

impl Reply {
    pub fn for_sql(pattern: &str, set: ResultSet) -> Reply {
        Reply::sets_for_sql(pattern, vec![set])
    }

    /// Several result sets for one statement (e.g. a procedure).
    pub fn sets_for_sql(pattern: &str, sets: Vec<ResultSet>) -> Reply {
        Reply { pattern: pattern.to_lowercase(), answer: Answer::Sets(sets), delay: Duration::ZERO }
    }

    /// A plain DONE without rows (USE, DBCC, DECLARE, ...).
    pub fn ok_for_sql(pattern: &str) -> Reply {
        Reply { pattern: pattern.to_lowercase(), answer: Answer::Done, delay: Duration::ZERO }
    }

    /// ERROR (class 16) + DONE with the error flag; the rest of the batch is not run.
    pub fn error_for_sql(pattern: &str, number: u32, message: &str) -> Reply {
        let answer = Answer::Error { number, message: message.to_string() };
        Reply { pattern: pattern.to_lowercase(), answer, delay: Duration::ZERO }
    }

    /// Sleeps `delay` (cut short by an ATTENTION), then answers a plain DONE.
    pub fn delay_for_sql(pattern: &str, delay: Duration) -> Reply {
        Reply::ok_for_sql(pattern).delayed(delay)
    }

    /// Sleep before this reply is sent.
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// What a client sent in LOGIN7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub user: String,
    pub database: String,
    pub app_name: String,
    pub server_name: String,
    pub read_only_intent: bool,
}

#[derive(Default)]
struct Seen {
    queries: Vec<String>,
    logins: Vec<Login>,
    attentions: usize,
    tls_refusals: usize,
    tasks: Vec<AbortHandle>,
}

struct Shared {
    replies: Vec<Reply>,
    password: Option<String>,
    seen: Mutex<Seen>,
}

impl Shared {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct TdsServer {
    pub port: u16,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl TdsServer {
    /// Listens on a free loopback port; any password is accepted. Needs a tokio runtime.
    pub fn start(replies: Vec<Reply>) -> TdsServer {
        TdsServer::launch(replies, None)
    }

    /// Like `start`, but a login with another password fails with error 18456.
    pub fn start_with_password(replies: Vec<Reply>, password: &str) -> TdsServer {
        TdsServer::launch(replies, Some(password.to_string()))
    }

    fn launch(replies: Vec<Reply>, password: Option<String>) -> TdsServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let listener = tokio::net::TcpListener::from_std(listener).expect("TdsServer::start needs tokio");
        let shared = Arc::new(Shared { replies, password, seen: Mutex::default() });
        let accepting = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let task = tokio::spawn(serve(accepting.clone(), stream));
                accepting.seen().tasks.push(task.abort_handle());
            }
        });
        TdsServer { port, shared, accept }
    }

    /// SQL text of every batch and RPC statement, in arrival order.
    pub fn queries_seen(&self) -> Vec<String> {
        self.shared.seen().queries.clone()
    }

    pub fn logins_seen(&self) -> Vec<Login> {
        self.shared.seen().logins.clone()
    }

    /// ATTENTION (cancel) packets received.
    pub fn attentions_seen(&self) -> usize {
        self.shared.seen().attentions
    }

    /// Connections closed because the client wanted TLS.
    pub fn tls_refusals(&self) -> usize {
        self.shared.seen().tls_refusals
    }
}

impl Drop for TdsServer {
    fn drop(&mut self) {
        self.accept.abort();
        for task in self.shared.seen().tasks.drain(..) {
            task.abort();
        }
    }
}

/// One connection: PRELOGIN, LOGIN7, then requests until the client goes away.
async fn serve(shared: Arc<Shared>, stream: TcpStream) {
    let (mut rd, mut wr) = stream.into_split();
    let prelogin = match read_message(&mut rd).await {
        Ok(Some(m)) if m.ty == PRELOGIN => m,
        Err(_) => return refuse_tls(&shared), // TDS 8 strict: a TLS ClientHello, not a packet
        Ok(_) => return,
    };
    if packets::prelogin_encryption(&prelogin.payload) != Some(packets::ENCRYPT_NOT_SUP) {
        return refuse_tls(&shared);
    }
    if write_message(&mut wr, &packets::prelogin_reply(), 4096).await.is_err() {
        return;
    }
    let Ok(Some(Message { ty: LOGIN7, payload })) = read_message(&mut rd).await else { return };
    let login = packets::parse_login7(&payload);
    shared.seen().logins.push(Login {
        user: login.user.clone(),
        database: login.database.clone(),
        app_name: login.app_name.clone(),
        server_name: login.server_name.clone(),
        read_only_intent: login.read_only_intent,
    });
    if shared.password.as_ref().is_some_and(|p| *p != login.password) {
        let mut out = Vec::new();
        tokens::message(&mut out, 0xAA, 18456, 14, &format!("Login failed for user '{}'.", login.user));
        tokens::done(&mut out, DONE, DONE_ERROR, 0, 0);
        let _ = write_message(&mut wr, &out, 4096).await;
        return;
    }
    let packet_size = login.packet_size.clamp(512, 32767);
    let database = if login.database.is_empty() { "master" } else { &login.database };
    let packet_size_bytes = packet_size as usize;
    if write_message(&mut wr, &tokens::login_reply(database, packet_size), packet_size_bytes).await.is_err() {
        return;
    }

    // Requests are read by their own task so an ATTENTION is seen during a delay.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Ok(Some(m)) = read_message(&mut rd).await {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    shared.seen().tasks.push(reader.abort_handle());
    while let Some(m) = rx.recv().await {
        let (text, rpc) = match m.ty {
            SQL_BATCH => (Ok(packets::batch_text(&m.payload)), false),
            RPC => (packets::rpc_statement(&m.payload), true),
            ATTENTION => {
                // Arrived after the answer was complete: acknowledge all the same.
                shared.seen().attentions += 1;
                if write_message(&mut wr, &attention_ack(), packet_size_bytes).await.is_err() {
                    break;
                }
                continue;
            }
            _ => (Err(format!("packet type {:#04x}", m.ty)), false),
        };
        let (delay, out) = match text {
            Ok(text) => {
                shared.seen().queries.push(text.clone());
                answer(&shared.replies, &text, rpc)
            }
            Err(what) => (Duration::ZERO, unsupported(&what)),
        };
        if !delay.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                m = rx.recv() => match m {
                    Some(Message { ty: ATTENTION, .. }) => {
                        shared.seen().attentions += 1;
                        if write_message(&mut wr, &attention_ack(), packet_size_bytes).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    _ => break, // gone, or a new request before the answer: a broken client
                }
            }
        }
        if write_message(&mut wr, &out, packet_size_bytes).await.is_err() {
            break;
        }
    }
    reader.abort();
}

fn refuse_tls(shared: &Shared) {
    shared.seen().tls_refusals += 1;
}

fn attention_ack() -> Vec<u8> {
    let mut out = Vec::new();
    tokens::done(&mut out, DONE, DONE_ATTN, 0, 0);
    out
}

fn unsupported(what: &str) -> Vec<u8> {
    let mut out = Vec::new();
    tokens::error(&mut out, 40000, 16, &format!("tds mock does not support {what}"));
    tokens::done(&mut out, DONE, DONE_ERROR, 0, 0);
    out
}

/// The tokens answering one batch (or RPC statement), and how long to wait before.
fn answer(replies: &[Reply], text: &str, rpc: bool) -> (Duration, Vec<u8>) {
    // Each statement ends in a DONE; all but the last DONE carry DONE_MORE, so collect
    // (tokens before the DONE, status, command, rows) first.
    let mut parts: Vec<(Vec<u8>, u16, u16, u64)> = Vec::new();
    let mut delay = Duration::ZERO;
    let mut failed = false;
    for stmt in split_statements(text) {
        let lower = stmt.to_lowercase();
        match replies.iter().find(|r| lower.contains(&r.pattern)) {
            Some(reply) => {
                delay += reply.delay;
                match &reply.answer {
                    Answer::Sets(sets) => {
                        for set in sets {
                            let mut out = Vec::new();
                            tokens::col_metadata(&mut out, &set.columns);
                            for row in &set.rows {
                                tokens::row(&mut out, &set.columns, row, set.nbc);
                            }
                            parts.push((out, DONE_COUNT, CMD_SELECT, set.rows.len() as u64));
                        }
                    }
                    Answer::Error { number, message } => {
                        let mut out = Vec::new();
                        tokens::error(&mut out, *number, 16, message);
                        parts.push((out, DONE_ERROR, 0, 0));
                        failed = true;
                        break;
                    }
                    Answer::Done => parts.push((Vec::new(), 0, 0, 0)),
                }
            }
            None if lower.split_whitespace().next() == Some("set") => parts.push((Vec::new(), 0, 0, 0)),
            None => {
                let mut out = Vec::new();
                let shown: String = stmt.chars().take(120).collect();
                let text = format!("Invalid object name (tds mock has no reply for: {shown})");
                tokens::error(&mut out, 208, 16, &text);
                parts.push((out, DONE_ERROR, 0, 0));
                failed = true;
                break;
            }
        }
    }
    if parts.is_empty() {
        parts.push((Vec::new(), 0, 0, 0));
    }
    let mut out = Vec::new();
    let last = parts.len() - 1;
    for (i, (tokens, status, cmd, rows)) in parts.into_iter().enumerate() {
        out.extend(tokens);
        let more = if i < last || rpc { DONE_MORE } else { 0 };
        // An RPC's statements end in DONEINPROC; RETURNSTATUS and DONEPROC close it.
        tokens::done(&mut out, if rpc { DONE_IN_PROC } else { DONE }, status | more, cmd, rows);
    }
    if rpc {
        tokens::return_status(&mut out, 0);
        tokens::done(&mut out, DONE_PROC, if failed { DONE_ERROR } else { 0 }, 0, 0);
    }
    (delay, out)
}

/// Splits a batch at `;` outside quotes, brackets and comments; trims and drops empties.
fn split_statements(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    // The index just past the first `end` at or after `from` (or the end of the text).
    let past = |from: usize, end: &[char]| {
        (from..chars.len()).find(|&j| chars[j..].starts_with(end)).map_or(chars.len(), |j| j + end.len())
    };
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < chars.len() {
        let next = chars.get(i + 1).copied();
        i = match chars[i] {
            q @ ('\'' | '"') => past(i + 1, &[q]),
            '[' => past(i + 1, &[']']),
            '-' if next == Some('-') => past(i + 2, &['\n']),
            '/' if next == Some('*') => past(i + 2, &['*', '/']),
            ';' => {
                out.push(chars[start..i].iter().collect::<String>());
                start = i + 1;
                i + 1
            }
            _ => i + 1,
        };
    }
    out.push(chars[start..].iter().collect());
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}
