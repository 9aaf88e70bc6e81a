//! One connection: read OP_MSG commands, record them, answer each in turn (a script,
//! a built-in, or CommandNotFound). Replies go out in the order requests came in, as
//! mongod does on one connection.

use super::frame::{self, Broken};
use super::scram::{self, Conversation};
use super::{Answer, Cursor, Script, Shared};
use mongodb::bson::spec::BinarySubtype;
use mongodb::bson::{Binary, Bson, DateTime, Document, doc};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// Commands the mock answers itself, before any script is looked at.
const NEVER_SCRIPTED: &[&str] =
    &["hello", "isMaster", "ismaster", "getMore", "killCursors", "saslStart", "saslContinue"];

/// What one connection remembers between commands.
struct Connection {
    id: i32,
    /// `host:port` of this server, for a replica set's `hosts` and `me`.
    me: String,
    login: Option<Conversation>,
}

pub async fn serve(shared: Arc<Shared>, stream: TcpStream, id: i32) {
    let me = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let mut connection = Connection { id, me, login: None };
    let (mut reader, mut writer) = stream.into_split();
    let mut replies = 0;
    loop {
        let request = match frame::read_request(&mut reader).await {
            Ok(request) => request,
            Err(Broken::NotOpMsg) if replies == 0 => {
                shared.state().tls_refusals += 1;
                return;
            }
            Err(_) => return,
        };
        shared.state().commands.push(request.body.clone());
        let (delay, reply) = answer(&shared, &request.body, &mut connection);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        replies += 1;
        if frame::write_reply(&mut writer, replies, request.request_id, &reply).await.is_err() {
            return;
        }
    }
}

fn answer(shared: &Shared, command: &Document, connection: &mut Connection) -> (Duration, Document) {
    let name = command.keys().next().cloned().unwrap_or_default();
    if !NEVER_SCRIPTED.contains(&name.as_str()) {
        let script = shared
            .state()
            .scripts
            .iter()
            .rev()
            .find(|s| s.command == name && s.when.as_ref().is_none_or(|p| p(command)))
            .cloned();
        if let Some(script) = script {
            return scripted(shared, &script, command);
        }
    }
    let reply = match name.as_str() {
        "hello" | "isMaster" | "ismaster" => hello(shared, command, connection),
        "buildInfo" | "buildinfo" => build_info(&shared.setup.version),
        "ping" | "endSessions" => doc! { "ok": 1.0 },
        "getMore" => get_more(shared, command),
        "killCursors" => kill_cursors(shared, command),
        "saslStart" => sasl_start(command, connection),
        "saslContinue" => sasl_continue(shared, command, connection),
        _ => error(59, "CommandNotFound", &format!("no such command: '{name}' (mongo mock has no script)")),
    };
    (Duration::ZERO, reply)
}

fn scripted(shared: &Shared, script: &Script, command: &Document) -> (Duration, Document) {
    // mongod stops a command at its maxTimeMS; without one it answers whenever it is done.
    let limit = command.get("maxTimeMS").and_then(number).filter(|ms| *ms > 0);
    if let Some(ms) = limit.filter(|ms| Duration::from_millis(*ms as u64) < script.delay) {
        return (
            Duration::from_millis(ms as u64),
            error(50, "MaxTimeMSExpired", "operation exceeded time limit"),
        );
    }
    let reply = match &script.answer {
        Answer::Reply(reply) => {
            let mut reply = reply.clone();
            if !reply.contains_key("ok") {
                reply.insert("ok", 1.0);
            }
            reply
        }
        Answer::Error { code, code_name, errmsg } => error(*code, code_name, errmsg),
        Answer::Cursor(documents) => open_cursor(shared, command, documents.clone()),
    };
    (script.delay, reply)
}

fn number(value: &Bson) -> Option<i64> {
    match value {
        Bson::Int32(v) => Some(i64::from(*v)),
        Bson::Int64(v) => Some(*v),
        Bson::Double(v) => Some(*v as i64),
        _ => None,
    }
}

pub fn error(code: i32, code_name: &str, errmsg: &str) -> Document {
    doc! { "ok": 0.0, "errmsg": errmsg, "code": code, "codeName": code_name }
}

fn hello(shared: &Shared, command: &Document, connection: &mut Connection) -> Document {
    let setup = &shared.setup;
    let legacy = !command.contains_key("hello");
    let mut reply = doc! {
        "isWritablePrimary": true,
        "maxBsonObjectSize": 16_777_216,
        "maxMessageSizeBytes": frame::MAX_MESSAGE_BYTES,
        "maxWriteBatchSize": 100_000,
        "localTime": DateTime::now(),
        "logicalSessionTimeoutMinutes": 30,
        "connectionId": connection.id,
        "minWireVersion": 0,
        "maxWireVersion": setup.max_wire_version,
        "readOnly": false,
    };
    if command.get_bool("helloOk").unwrap_or(false) {
        reply.insert("helloOk", true);
    }
    reply.extend(setup.hello.clone());
    if reply.contains_key("setName") {
        let me = connection.me.clone();
        for (key, value) in [("hosts", Bson::Array(vec![me.clone().into()])), ("me", me.clone().into())] {
            if !reply.contains_key(key) {
                reply.insert(key, value);
            }
        }
        if reply.get_bool("isWritablePrimary").unwrap_or(false) && !reply.contains_key("primary") {
            reply.insert("primary", me);
        }
    }
    if legacy {
        // isMaster answers `ismaster`, the name hello replaced.
        let writable = reply.remove("isWritablePrimary").unwrap_or(Bson::Boolean(true));
        reply.insert("ismaster", writable);
    }
    if let (Ok(asked), Some((user, _))) = (command.get_str("saslSupportedMechs"), &setup.user)
        && asked.split_once('.').is_some_and(|(_, u)| u == user)
    {
        reply.insert("saslSupportedMechs", vec![scram::MECHANISM]);
    }
    if let (Ok(first), true) = (command.get_document("speculativeAuthenticate"), setup.speculative_auth) {
        let started = sasl_start(first, connection);
        if started.get_f64("ok") == Ok(1.0) {
            let mut started = started;
            started.remove("ok");
            reply.insert("speculativeAuthenticate", started);
        }
    }
    reply.insert("ok", 1.0);
    reply
}

fn build_info(version: &str) -> Document {
    let parts: Vec<i32> =
        version.split('.').map(|p| p.parse().unwrap_or(0)).chain([0, 0, 0, 0]).take(4).collect();
    doc! {
        "version": version,
        "gitVersion": "0000000000000000000000000000000000000000",
        "modules": [],
        "allocator": "tcmalloc",
        "versionArray": parts,
        "bits": 64,
        "maxBsonObjectSize": 16_777_216,
        "ok": 1.0,
    }
}

fn open_cursor(shared: &Shared, command: &Document, documents: Vec<Document>) -> Document {
    let (name, target) = command.iter().next().map(|(k, v)| (k.clone(), v.clone())).unwrap_or_default();
    let db = command.get_str("$db").unwrap_or("admin");
    let ns = match target {
        Bson::String(collection) => format!("{db}.{collection}"),
        _ => format!("{db}.$cmd.{name}"),
    };
    let asked = command.get_document("cursor").ok().and_then(|c| c.get("batchSize")).and_then(number);
    let mut state = shared.state();
    let size = batch(shared.setup.batch_size, asked);
    let mut left: std::collections::VecDeque<Document> = documents.into();
    let first: Vec<Document> = left.drain(..size.min(left.len())).collect();
    let id = if left.is_empty() {
        0
    } else {
        state.next_cursor += 1;
        let id = 7_000_000_000 + state.next_cursor;
        state.cursors.insert(id, Cursor { ns: ns.clone(), left });
        id
    };
    doc! { "cursor": { "firstBatch": first, "id": id, "ns": ns }, "ok": 1.0 }
}

/// The batch size: the server's, or fewer when the client asks (0 = no wish).
fn batch(server: usize, asked: Option<i64>) -> usize {
    match asked {
        Some(n) if n > 0 => server.min(n as usize),
        _ => server,
    }
}

fn get_more(shared: &Shared, command: &Document) -> Document {
    let Some(id) = command.get("getMore").and_then(number) else {
        return error(14, "TypeMismatch", "getMore needs a cursor id");
    };
    let asked = command.get("batchSize").and_then(number);
    let mut state = shared.state();
    let Some(cursor) = state.cursors.get_mut(&id) else {
        return error(43, "CursorNotFound", &format!("cursor id {id} not found"));
    };
    let size = batch(shared.setup.batch_size, asked);
    let next: Vec<Document> = cursor.left.drain(..size.min(cursor.left.len())).collect();
    let ns = cursor.ns.clone();
    let id = if cursor.left.is_empty() {
        state.cursors.remove(&id);
        0
    } else {
        id
    };
    doc! { "cursor": { "nextBatch": next, "id": id, "ns": ns }, "ok": 1.0 }
}

fn kill_cursors(shared: &Shared, command: &Document) -> Document {
    let ids: Vec<i64> =
        command.get_array("cursors").map(|ids| ids.iter().filter_map(number).collect()).unwrap_or_default();
    let mut state = shared.state();
    let (killed, not_found): (Vec<i64>, Vec<i64>) =
        ids.into_iter().partition(|id| state.cursors.remove(id).is_some());
    doc! { "cursorsKilled": killed, "cursorsNotFound": not_found, "cursorsAlive": [], "cursorsUnknown": [], "ok": 1.0 }
}

fn sasl_start(command: &Document, connection: &mut Connection) -> Document {
    if command.get_str("mechanism") != Ok(scram::MECHANISM) {
        return error(334, "MechanismUnavailable", "only SCRAM-SHA-256 is offered by the mongo mock");
    }
    let Ok(payload) = command.get_binary_generic("payload") else {
        return error(14, "TypeMismatch", "saslStart needs a binary payload");
    };
    let nonce = server_nonce(connection.id);
    match scram::start(payload, &nonce) {
        Ok((conversation, server_first)) => {
            connection.login = Some(conversation);
            doc! { "conversationId": 1, "done": false, "payload": binary(server_first), "ok": 1.0 }
        }
        Err(why) => error(17, "ProtocolError", &why),
    }
}

fn sasl_continue(shared: &Shared, command: &Document, connection: &mut Connection) -> Document {
    let failed = error(18, "AuthenticationFailed", "Authentication failed.");
    let (Some(conversation), Ok(payload)) = (connection.login.take(), command.get_binary_generic("payload"))
    else {
        return error(17, "ProtocolError", "saslContinue without a saslStart");
    };
    let Some((user, password)) = &shared.setup.user else { return failed };
    if conversation.user() != user {
        return failed;
    }
    match conversation.finish(payload, password) {
        Ok(server_final) => {
            doc! { "conversationId": 1, "done": true, "payload": binary(server_final), "ok": 1.0 }
        }
        Err(_) => failed,
    }
}

fn binary(text: String) -> Binary {
    Binary { subtype: BinarySubtype::Generic, bytes: text.into_bytes() }
}

/// Unique enough for a test: the connection and the clock, in SCRAM's printable alphabet.
fn server_nonce(connection: i32) -> String {
    use base64::Engine as _;
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    base64::engine::general_purpose::STANDARD.encode(format!("{connection}:{nanos}:logstag-mock"))
}
