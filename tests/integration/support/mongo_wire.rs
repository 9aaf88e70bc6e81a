//! A MongoDB stand-in speaking OP_MSG on a loopback port, so the real driver path
//! (the `mongodb` crate: handshake, SCRAM, `run_command`, cursors with getMore,
//! timeouts, reconnects) runs in CI without a MongoDB server. It replays scripted replies.
//!
//! ```ignore
//! let server = MongoServer::start(Setup::version("7.0.14").user("monitor", "pw"));
//! server.reply("serverStatus", doc! { "uptime": 9, "ok": 1 });
//! server.reply("buildInfo", fixture("low_buildInfo_8.0.json")); // overrides the built-in
//! server.reply_cursor("aggregate", first_stage("$currentOp"), fixture_documents("wire_currentOp_8.0_replset.json"));
//! server.reply_cursor("aggregate", first_stage("$currentOp"), operations);
//! server.refuse("top", 13, "Unauthorized", "not authorized on admin to execute command");
//! server.script(Script::reply("hostInfo", doc! {}).delayed(Duration::from_secs(5)));
//! // ... run the collector against 127.0.0.1:server.port ...
//! assert!(server.names_seen().contains(&"serverStatus".to_owned()));
//! ```
//!
//! Answering a command (the first key of its body names it):
//! 1. the most recent [`Script`] for that name whose predicate holds (so a later script
//!    overrides an earlier one): a reply (`ok: 1` added when missing), a cursor whose
//!    documents go out in batches of [`Setup::batch_size`], or an error
//!    `{ok: 0, code, codeName, errmsg}`; after its delay. A command carrying `maxTimeMS`
//!    shorter than the delay gets MaxTimeMSExpired (code 50) at that time, as mongod does;
//! 2. built in: `hello`/`isMaster` (from [`Setup`]; no `topologyVersion`, so the driver
//!    polls rather than streams; no `compression`), `buildInfo` (the version), `ping`,
//!    `getMore`/`killCursors` (the cursors of 1.), `endSessions`, `saslStart`/
//!    `saslContinue` and `speculativeAuthenticate` (SCRAM-SHA-256 with [`Setup::user`]);
//! 3. anything else: `{ok: 0, code: 59, codeName: "CommandNotFound"}`, so an unexpected
//!    command shows up in the test.
//!
//! Every command body is recorded with its `$db` (and the driver's `lsid`, `$readPreference`),
//! document sequences merged in: [`MongoServer::commands_seen`]. [`MongoServer::stop`] closes
//! the port and every connection; [`MongoServer::restart`] listens on the same port again.
//!
//! Not covered: TLS (a ClientHello closes the connection and is counted in
//! [`MongoServer::tls_refusals`]), OP_COMPRESSED and the legacy OP_QUERY, SCRAM-SHA-1,
//! X.509, the streaming (awaitable) hello, exhaust cursors, sessions and transactions
//! beyond accepting `lsid`, and any real query semantics: predicates choose replies,
//! nothing filters documents.

mod answer;
mod client;
mod frame;
mod scram;

pub use client::{assert_all_allowed, mongo_target};
use mongodb::bson::{Bson, Document};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::{AbortHandle, JoinHandle};

/// What the server is: version, topology, login, batch size.
#[derive(Debug, Clone)]
pub struct Setup {
    pub version: String,
    pub max_wire_version: i32,
    /// Extra `hello` fields (a replica set's `setName`, `hosts`, `secondary`, `msg: "isdbgrid"`…);
    /// they replace the defaults of the same name.
    pub hello: Document,
    /// `(user, password)`: logins are checked with SCRAM-SHA-256; `None` accepts no login.
    pub user: Option<(String, String)>,
    /// Answer the handshake's `speculativeAuthenticate` (as mongod 4.4+ does); when false
    /// the driver runs `saslStart`/`saslContinue`.
    pub speculative_auth: bool,
    /// Documents per `firstBatch`/`nextBatch` unless the client asks for fewer.
    pub batch_size: usize,
}

impl Setup {
    /// A standalone server of `version` ("7.0.14"), its wire version from the major release.
    pub fn version(version: &str) -> Setup {
        Setup {
            version: version.to_owned(),
            max_wire_version: wire_version(version),
            hello: Document::new(),
            user: None,
            speculative_auth: true,
            batch_size: 101,
        }
    }

    pub fn user(mut self, user: &str, password: &str) -> Setup {
        self.user = Some((user.to_owned(), password.to_owned()));
        self
    }

    pub fn hello(mut self, fields: Document) -> Setup {
        self.hello.extend(fields);
        self
    }

    /// A replica set member (`hosts` names only this server, so discovery finds nothing else).
    pub fn replica_set(self, name: &str, primary: bool) -> Setup {
        self.hello(mongodb::bson::doc! {
            "setName": name,
            "setVersion": 3,
            "isWritablePrimary": primary,
            "secondary": !primary,
        })
    }

    pub fn batch_size(mut self, size: usize) -> Setup {
        self.batch_size = size.max(1);
        self
    }

    pub fn without_speculative_auth(mut self) -> Setup {
        self.speculative_auth = false;
        self
    }
}

/// A fixture of src/collectors/mongodb/fixtures/ (relaxed Extended JSON) as a document.
pub fn fixture(name: &str) -> Document {
    let (path, text) = fixture_text(name);
    logstag::collectors::mongodb::doc::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture holding documents for a cursor: a JSON array, or a reply with
/// `cursor.firstBatch` or `inprog` (the `currentOp` command's shape).
pub fn fixture_documents(name: &str) -> Vec<Document> {
    let (path, text) = fixture_text(name);
    let wrapped = logstag::collectors::mongodb::doc::from_json(&format!("{{\"fixture\": {text}}}"))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let list = match wrapped.get("fixture") {
        Some(Bson::Array(items)) => items.clone(),
        Some(Bson::Document(reply)) => reply
            .get_document("cursor")
            .and_then(|c| c.get_array("firstBatch"))
            .or_else(|_| reply.get_array("inprog"))
            .cloned()
            .unwrap_or_else(|_| panic!("{path}: no cursor.firstBatch or inprog")),
        _ => panic!("{path}: neither an array nor a document"),
    };
    list.into_iter().map(|b| b.as_document().cloned().unwrap_or_else(|| panic!("{path}: {b}"))).collect()
}

fn fixture_text(name: &str) -> (String, String) {
    let path = format!("{}/src/collectors/mongodb/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (path, text)
}

/// maxWireVersion by release: 4.4 → 9, 5.0 → 13, 6.0 → 17, 7.0 → 21, 8.0 → 25.
pub fn wire_version(version: &str) -> i32 {
    let mut parts = version.split('.').map(|p| p.parse::<i32>().unwrap_or(0));
    match (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) {
        (4, _) => 9,
        (5, _) => 13,
        (6, _) => 17,
        (7, _) => 21,
        (major, _) => 25 + 4 * (major - 8).max(0),
    }
}

/// Chooses among the scripts for one command name.
pub type Predicate = Arc<dyn Fn(&Document) -> bool + Send + Sync>;

/// Holds when the command targets database `db` (its `$db`).
pub fn on_db(db: &str) -> Predicate {
    let db = db.to_owned();
    Arc::new(move |command| command.get_str("$db").is_ok_and(|d| d == db))
}

/// Holds when the aggregation's first stage is `stage` ("$currentOp", "$collStats"…).
pub fn first_stage(stage: &str) -> Predicate {
    let stage = stage.to_owned();
    Arc::new(move |command| {
        let first = command.get_array("pipeline").ok().and_then(|p| p.first()).and_then(Bson::as_document);
        first.and_then(|s| s.keys().next()).is_some_and(|k| *k == stage)
    })
}

/// Holds when the command's first value is the string `target` (a collection name).
pub fn on_collection(target: &str) -> Predicate {
    let target = target.to_owned();
    Arc::new(move |command| command.iter().next().and_then(|(_, v)| v.as_str()) == Some(target.as_str()))
}

#[derive(Debug, Clone)]
enum Answer {
    Reply(Document),
    Cursor(Vec<Document>),
    Error { code: i32, code_name: String, errmsg: String },
}

/// One scripted answer: for a command name, when its predicate holds, after a delay.
#[derive(Clone)]
pub struct Script {
    command: String,
    when: Option<Predicate>,
    answer: Answer,
    delay: Duration,
}

impl Script {
    pub fn reply(command: &str, reply: Document) -> Script {
        Script::new(command, Answer::Reply(reply))
    }

    /// `cursor: {id, ns, firstBatch}`, the rest through getMore.
    pub fn cursor(command: &str, documents: Vec<Document>) -> Script {
        Script::new(command, Answer::Cursor(documents))
    }

    pub fn error(command: &str, code: i32, code_name: &str, errmsg: &str) -> Script {
        let answer = Answer::Error { code, code_name: code_name.to_owned(), errmsg: errmsg.to_owned() };
        Script::new(command, answer)
    }

    fn new(command: &str, answer: Answer) -> Script {
        Script { command: command.to_owned(), when: None, answer, delay: Duration::ZERO }
    }

    pub fn when(mut self, predicate: Predicate) -> Script {
        self.when = Some(predicate);
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Script {
        self.delay = delay;
        self
    }
}

/// An open cursor: where it reads from and what is left.
struct Cursor {
    ns: String,
    left: std::collections::VecDeque<Document>,
}

#[derive(Default)]
struct State {
    scripts: Vec<Script>,
    commands: Vec<Document>,
    cursors: std::collections::HashMap<i64, Cursor>,
    next_cursor: i64,
    connections: i32,
    tls_refusals: usize,
    tasks: Vec<AbortHandle>,
}

struct Shared {
    setup: Setup,
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct MongoServer {
    pub port: u16,
    shared: Arc<Shared>,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl MongoServer {
    /// Listens on a free loopback port. Needs a tokio runtime.
    pub fn start(setup: Setup) -> MongoServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let shared = Arc::new(Shared { setup, state: Mutex::default() });
        let server = MongoServer { port, shared, accept: Mutex::new(None) };
        server.listen(listener);
        server
    }

    fn listen(&self, listener: std::net::TcpListener) {
        listener.set_nonblocking(true).expect("non-blocking listener");
        let listener = tokio::net::TcpListener::from_std(listener).expect("MongoServer needs tokio");
        let shared = self.shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let connection_id = {
                    let mut state = shared.state();
                    state.connections += 1;
                    state.connections
                };
                let task = tokio::spawn(answer::serve(shared.clone(), stream, connection_id));
                shared.state().tasks.push(task.abort_handle());
            }
        });
        *self.accept.lock().unwrap_or_else(|e| e.into_inner()) = Some(accept);
    }

    /// Closes the port and every open connection: the client sees the server gone.
    pub fn stop(&self) {
        if let Some(accept) = self.accept.lock().unwrap_or_else(|e| e.into_inner()).take() {
            accept.abort();
        }
        for task in self.shared.state().tasks.drain(..) {
            task.abort();
        }
    }

    /// Listens on the same port again (scripts, records and open cursors are kept).
    pub async fn restart(&self) {
        self.stop();
        // The aborted accept task drops its listener when it next runs; retry until free.
        for _ in 0..50 {
            if let Ok(listener) = std::net::TcpListener::bind(("127.0.0.1", self.port)) {
                return self.listen(listener);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("port {} did not come free for the restart", self.port);
    }

    pub fn script(&self, script: Script) {
        self.shared.state().scripts.push(script);
    }

    /// Answers `command` with `reply` (`ok: 1` added when missing).
    pub fn reply(&self, command: &str, reply: Document) {
        self.script(Script::reply(command, reply));
    }

    /// Answers `command`, when `predicate` holds, with a cursor over `documents`.
    pub fn reply_cursor(&self, command: &str, predicate: Predicate, documents: Vec<Document>) {
        self.script(Script::cursor(command, documents).when(predicate));
    }

    /// Refuses `command` with a server error (13 Unauthorized, 8000 AtlasError…).
    pub fn refuse(&self, command: &str, code: i32, code_name: &str, errmsg: &str) {
        self.script(Script::error(command, code, code_name, errmsg));
    }

    /// Every command body received, in order, with `$db` and the driver's fields.
    pub fn commands_seen(&self) -> Vec<Document> {
        self.shared.state().commands.clone()
    }

    /// The command names received, in order.
    pub fn names_seen(&self) -> Vec<String> {
        let state = self.shared.state();
        state.commands.iter().filter_map(|c| c.keys().next().cloned()).collect()
    }

    /// How many times `name` was received.
    pub fn count(&self, name: &str) -> usize {
        self.names_seen().iter().filter(|n| *n == name).count()
    }

    /// `client.application.name` of every handshake.
    pub fn app_names_seen(&self) -> Vec<String> {
        let state = self.shared.state();
        let handshakes = state.commands.iter().filter(|c| c.contains_key("client"));
        handshakes
            .filter_map(|c| {
                c.get_document("client").ok()?.get_document("application").ok()?.get_str("name").ok()
            })
            .map(str::to_owned)
            .collect()
    }

    /// Connections accepted since the start (across restarts).
    pub fn connections_accepted(&self) -> i32 {
        self.shared.state().connections
    }

    /// Connections closed because the client started TLS.
    pub fn tls_refusals(&self) -> usize {
        self.shared.state().tls_refusals
    }
}

impl Drop for MongoServer {
    fn drop(&mut self) {
        self.stop();
    }
}
