//! The monitoring connection: the official driver (rustls on the binary's one crypto
//! provider), application name `logstag`, TLS verified by default, a direct connection
//! to the configured server unless a replica set is to be discovered from it. The driver
//! keeps a small pool and reconnects by itself; `Conn::run` tells a refused command (the
//! round goes on without it) from a server that is gone (the target is down).

use super::commands;
use super::doc;
use super::options::driver_options;
use crate::collectors::CollectError;
use crate::config::{TargetConfig, TlsMode};
use mongodb::bson::{Document, doc};
use mongodb::error::ErrorKind;
use mongodb::event::EventHandler;
use mongodb::event::sdam::SdamEvent;
use mongodb::options::{ClientOptions, Tls};
use std::time::Duration;

/// A command the server refused: its code, code name and words.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: i32,
    pub code_name: String,
    pub message: String,
}

/// Server error codes we explain.
pub mod code {
    pub const UNAUTHORIZED: i32 = 13;
    pub const MAX_TIME_EXPIRED: i32 = 50;
    pub const COMMAND_NOT_FOUND: i32 = 59;
    pub const COMMAND_NOT_SUPPORTED: i32 = 115;
    /// Atlas shared tiers: "(AtlasError) … is not allowed in this atlas tier".
    pub const ATLAS_ERROR: i32 = 8000;
    /// Not a server code: the client gave up waiting, or the reply was not readable.
    pub const CLIENT_TIMEOUT: i32 = -1;
    pub const UNREADABLE: i32 = -2;
    /// Not a server code: `commands::check` refused to send it (a bug, never a server fault).
    pub const NOT_ALLOWED: i32 = -3;
}

/// Where the connected server stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Topology {
    #[default]
    Standalone,
    /// A replica set member; `primary` when it takes writes.
    ReplicaSet { primary: bool, arbiter: bool },
    /// A mongos router of a sharded cluster.
    Router,
}

/// What the handshake and `buildInfo` said (refreshed with each connection).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerFacts {
    /// "7.0.14"
    pub version: String,
    pub major: u32,
    pub minor: u32,
    pub topology: Topology,
    pub set_name: String,
    pub max_wire_version: i32,
    /// Atlas and other managed hosts answer this in `hello`/`buildInfo`.
    pub modules: Vec<String>,
}

impl ServerFacts {
    /// From the `hello` and `buildInfo` replies.
    pub fn read(hello: &Document, build: &Document) -> Self {
        let version = doc::text(build, "version");
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        let set_name = doc::text(hello, "setName");
        let topology = if doc::text(hello, "msg") == "isdbgrid" {
            Topology::Router
        } else if !set_name.is_empty() {
            let primary = doc::flag(hello, "isWritablePrimary").or_else(|| doc::flag(hello, "ismaster"));
            Topology::ReplicaSet {
                primary: primary.unwrap_or(false),
                arbiter: doc::flag(hello, "arbiterOnly").unwrap_or(false),
            }
        } else {
            Topology::Standalone
        };
        let modules = match doc::get(build, "modules") {
            Some(mongodb::bson::Bson::Array(items)) => {
                items.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        ServerFacts {
            version,
            major,
            minor,
            topology,
            set_name,
            max_wire_version: doc::int(hello, "maxWireVersion")
                .and_then(|v| i32::try_from(v).ok())
                .unwrap_or(0),
            modules,
        }
    }
}

pub struct Conn {
    client: mongodb::Client,
    pub facts: ServerFacts,
    endpoint: String,
    query_timeout: Duration,
}

/// Connects, says hello and reads the build: a server that does not answer, refuses the
/// login or is not MongoDB fails here, with a message that never holds the password.
pub async fn connect(target: &TargetConfig, endpoint: &str) -> Result<Conn, CollectError> {
    let fail = |message: String| CollectError::Connect { endpoint: endpoint.to_owned(), message };
    let options = driver_options(target).await.map_err(fail)?;
    if target.tls.mode != TlsMode::Prefer {
        return open(options, target, endpoint).await.map_err(fail);
    }
    match open_unless_plain(options.clone(), target, endpoint).await {
        Err(message) if tls_not_spoken(&message) => {
            let mut plain = options;
            plain.tls = Some(Tls::Disabled);
            open(plain, target, endpoint).await.map_err(fail)
        }
        other => other.map_err(fail),
    }
}

/// Opens over TLS, but gives up at the first heartbeat that finds no TLS on the other
/// side: the driver itself would go on selecting a server for the whole connect timeout
/// (10 s by default), on every reconnect of a plain-text server under `prefer`.
async fn open_unless_plain(
    mut options: ClientOptions,
    target: &TargetConfig,
    endpoint: &str,
) -> Result<Conn, String> {
    let (failures, mut heard) = tokio::sync::mpsc::channel(8);
    options.sdam_event_handler = Some(EventHandler::callback(move |event| {
        if let SdamEvent::ServerHeartbeatFailed(failed) = event {
            // Full or closed: the connect is decided already, nothing to tell.
            let _ = failures.try_send(describe(&failed.failure));
        }
    }));
    let no_tls = async move {
        while let Some(message) = heard.recv().await {
            if tls_not_spoken(&message) {
                return message;
            }
        }
        std::future::pending().await
    };
    tokio::select! {
        opened = open(options, target, endpoint) => opened,
        message = no_tls => Err(message),
    }
}

/// The server closed or garbled the TLS handshake: it has no TLS (not a bad certificate).
fn tls_not_spoken(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    !m.contains("certificate")
        && (m.contains("tls")
            || m.contains("handshake")
            || m.contains("eof")
            || m.contains("corrupt message")
            || m.contains("reset"))
}

async fn open(options: ClientOptions, target: &TargetConfig, endpoint: &str) -> Result<Conn, String> {
    let client = mongodb::Client::with_options(options).map_err(|e| describe(&e))?;
    let mut conn = Conn {
        client,
        facts: ServerFacts::default(),
        endpoint: endpoint.to_owned(),
        query_timeout: target.query_timeout,
    };
    let hello = conn.run("admin", doc! { "hello": 1 }).await.map_err(lost_words)?.map_err(|r| r.message)?;
    let build =
        conn.run("admin", doc! { "buildInfo": 1 }).await.map_err(lost_words)?.map_err(|r| r.message)?;
    conn.facts = ServerFacts::read(&hello, &build);
    Ok(conn)
}

/// What went wrong, without the "connection lost" frame: `connect` puts its own around it.
fn lost_words(error: CollectError) -> String {
    match error {
        CollectError::ConnectionLost { message, .. } => message,
        other => other.to_string(),
    }
}

/// The driver's error in words (the driver never puts the password in them).
fn describe(error: &mongodb::error::Error) -> String {
    match error.kind.as_ref() {
        ErrorKind::Authentication { message, .. } => format!("authentication failed: {message}"),
        ErrorKind::ServerSelection { message, .. } => {
            format!("no server answered: {}", selection_cause(message))
        }
        ErrorKind::Io(e) => format!("network error: {e}"),
        ErrorKind::DnsResolve { message, .. } => format!("DNS lookup failed: {message}"),
        ErrorKind::InvalidTlsConfig { message, .. } => format!("TLS configuration: {message}"),
        _ => first_line(&error.to_string()).to_owned(),
    }
}

/// The driver's selection message prints the whole topology; the server's last error in
/// it ("I/O error: Connection refused (os error 111)") is what the user needs.
fn selection_cause(message: &str) -> &str {
    let line = first_line(message);
    match line.rsplit_once("Error: Kind: ") {
        Some((_, cause)) => cause.split(", labels:").next().unwrap_or(cause),
        None => line,
    }
}

/// Why a reply could not be read, without the reply: the driver's whole error prints the
/// server's response (every field, hex-encoded), and a deserialization message may quote
/// a value; only the kind's words are kept, quoted values elided, shortened.
fn unreadable(error: &mongodb::error::Error) -> String {
    let kind = error.kind.to_string();
    let mut out = String::from("the reply could not be read: ");
    for (i, part) in first_line(&kind).split('"').enumerate() {
        out.push_str(if i % 2 == 0 { part } else { "…" });
    }
    if out.chars().count() > 160 {
        out = out.chars().take(159).chain(['…']).collect();
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

impl Conn {
    /// Runs one command on `db`. Outer error: the server is gone (the caller drops the
    /// connection). Inner error: this command was refused, timed out or not allowed.
    pub async fn run(&self, db: &str, command: Document) -> Result<Result<Document, Refusal>, CollectError> {
        let (name, command) = match self.prepare(command) {
            Ok(prepared) => prepared,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let database = self.client.database(db);
        match tokio::time::timeout(self.client_deadline(), database.run_command(command)).await {
            Err(_) => Ok(Err(self.timed_out(&name))),
            Ok(Ok(reply)) => Ok(Ok(reply)),
            Ok(Err(e)) => self.classify(&e),
        }
    }

    /// The allowlist, then the server-side time limit for the commands that take one:
    /// the command's name and what is sent, or why it is not sent.
    fn prepare(&self, mut command: Document) -> Result<(String, Document), Refusal> {
        if let Err(why) = commands::check(&command) {
            return Err(Refusal { code: code::NOT_ALLOWED, code_name: "NotAllowed".into(), message: why });
        }
        let name = commands::name(&command).to_owned();
        if commands::takes_time_limit(&name) {
            command.insert("maxTimeMS", self.query_timeout.as_millis().min(i64::MAX as u128) as i64);
        }
        Ok((name, command))
    }

    /// Runs a cursor command (`aggregate`, `find`, `listCollections`, `listIndexes`) and
    /// reads at most `limit` documents (the driver fetches further batches with getMore).
    pub async fn documents(
        &self,
        db: &str,
        command: Document,
        limit: usize,
    ) -> Result<Result<Vec<Document>, Refusal>, CollectError> {
        use futures_util::TryStreamExt;
        let (name, command) = match self.prepare(command) {
            Ok(prepared) => prepared,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let database = self.client.database(db);
        let read = async move {
            let mut cursor = database.run_cursor_command(command).await?;
            let mut out = Vec::new();
            while out.len() < limit {
                match cursor.try_next().await? {
                    Some(document) => out.push(document),
                    None => break,
                }
            }
            Ok::<_, mongodb::error::Error>(out)
        };
        match tokio::time::timeout(self.client_deadline(), read).await {
            Err(_) => Ok(Err(self.timed_out(&name))),
            Ok(Ok(documents)) => Ok(Ok(documents)),
            Ok(Err(e)) => self.classify(&e),
        }
    }

    /// The server's own limit plus a margin, so a slow command is the server's refusal.
    fn client_deadline(&self) -> Duration {
        self.query_timeout + Duration::from_secs(2)
    }

    fn timed_out(&self, name: &str) -> Refusal {
        Refusal {
            code: code::CLIENT_TIMEOUT,
            code_name: "ClientTimeout".into(),
            message: format!("{name} gave no reply within {} s", self.client_deadline().as_secs()),
        }
    }

    fn classify<T>(&self, error: &mongodb::error::Error) -> Result<Result<T, Refusal>, CollectError> {
        match error.kind.as_ref() {
            ErrorKind::Command(e) => {
                Ok(Err(Refusal { code: e.code, code_name: e.code_name.clone(), message: e.message.clone() }))
            }
            ErrorKind::InvalidResponse { .. }
            | ErrorKind::BsonDeserialization(_)
            | ErrorKind::InvalidArgument { .. } => Ok(Err(Refusal {
                code: code::UNREADABLE,
                code_name: "Unreadable".into(),
                message: unreadable(error),
            })),
            _ => Err(CollectError::ConnectionLost {
                endpoint: self.endpoint.clone(),
                message: describe(error),
            }),
        }
    }
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
