//! A deadlock report (`xml_deadlock_report` of the `system_health` session), structured:
//! the victims, each process (session, login, host, application, database, isolation
//! level, the resource it waited for, its input buffer) and each resource (key, page,
//! object, RID lock, or a parallel query's exchange event) with its owners and waiters.
//!
//! The XML comes from the server, but what it quotes (input buffers, names) comes from
//! applications: it is parsed with no DTD (entity declarations are refused), a node
//! limit and a size limit, and every field is cut to a bounded length. Nothing here can
//! panic on what it is given; a report it cannot read is an `Err` with the reason.
//!
//! The latest report becomes the posture fact `deadlock.latest` (the name the MySQL
//! collector uses): key = its time, value = `summary()`. A deadlock is the application's
//! event, resolved by the server: shown, never a problem of the collection round.

use roxmltree::{Document, Node, ParsingOptions};

pub const FACT: &str = "deadlock.latest";
/// Reports larger than this are not parsed (a parallel deadlock of hundreds of threads
/// with long input buffers stays well below).
pub const MAX_XML_BYTES: usize = 2 * 1024 * 1024;
const MAX_NODES: u32 = 100_000;
const MAX_PROCESSES: usize = 256;
const MAX_RESOURCES: usize = 256;
const MAX_FIELD: usize = 4_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Process {
    /// `processf9770eca8`: how resources and the victim list name it.
    pub id: String,
    pub spid: Option<u32>,
    /// Execution context: above 0 for the threads of a parallel query.
    pub ecid: Option<u32>,
    pub login: String,
    pub host: String,
    pub app: String,
    pub database: String,
    /// `read committed (2)`, `serializable (4)`…
    pub isolation: String,
    /// `KEY: 7:72057594045923328 (8194443284a0)` and the like.
    pub wait_resource: String,
    pub wait_ms: Option<u64>,
    /// The lock mode it asked for.
    pub lock_mode: String,
    pub transaction: String,
    /// The first named procedure on its stack (`adhoc` batches have none).
    pub procedure: String,
    pub input_buffer: String,
}

/// A process's part in a resource: who holds it, or who waits, in which mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Party {
    pub process: String,
    pub mode: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resource {
    /// The element name: `keylock`, `pagelock`, `objectlock`, `ridlock`,
    /// `exchangeEvent`, `threadpool`, `metadatalock`…
    pub kind: String,
    /// `db.schema.table` (lock resources).
    pub object: String,
    pub index: String,
    /// Exchange events: the wait (`e_waitPipeNewRow`) and the plan node.
    pub wait_type: String,
    pub node: String,
    pub owners: Vec<Party>,
    pub waiters: Vec<Party>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deadlock {
    /// The event's time (UTC), as the server printed it.
    pub at: String,
    /// Process ids chosen as victims; none in an intra-query parallelism deadlock.
    pub victims: Vec<String>,
    pub processes: Vec<Process>,
    pub resources: Vec<Resource>,
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push('…');
    s
}

fn attr(node: Node<'_, '_>, name: &str) -> String {
    cut(node.attribute(name).unwrap_or_default().trim(), MAX_FIELD)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// All text under `node`, whitespace folded.
fn text_of(node: Node<'_, '_>) -> String {
    let mut parts = Vec::new();
    for t in node.descendants().filter(Node::is_text) {
        parts.extend(t.text().unwrap_or_default().split_whitespace());
        if parts.len() > MAX_FIELD {
            break;
        }
    }
    cut(&parts.join(" "), MAX_FIELD)
}

fn process(node: Node<'_, '_>) -> Process {
    let database = match attr(node, "currentdbname") {
        name if name.is_empty() => attr(node, "currentdb"),
        name => name,
    };
    let procedure = child(node, "executionStack")
        .into_iter()
        .flat_map(elements)
        .map(|frame| attr(frame, "procname"))
        .find(|name| !name.is_empty() && !name.eq_ignore_ascii_case("adhoc") && name != "unknown")
        .unwrap_or_default();
    Process {
        id: attr(node, "id"),
        spid: node.attribute("spid").and_then(|v| v.trim().parse().ok()),
        ecid: node.attribute("ecid").and_then(|v| v.trim().parse().ok()),
        login: attr(node, "loginname"),
        host: attr(node, "hostname"),
        app: attr(node, "clientapp"),
        database,
        isolation: attr(node, "isolationlevel"),
        wait_resource: attr(node, "waitresource"),
        wait_ms: node.attribute("waittime").and_then(|v| v.trim().parse().ok()),
        lock_mode: attr(node, "lockMode"),
        transaction: attr(node, "transactionname"),
        procedure,
        input_buffer: child(node, "inputbuf").map(text_of).unwrap_or_default(),
    }
}

fn parties(node: Node<'_, '_>, list: &str) -> Vec<Party> {
    child(node, list)
        .into_iter()
        .flat_map(elements)
        .take(MAX_PROCESSES)
        .map(|p| Party { process: attr(p, "id"), mode: attr(p, "mode") })
        .collect()
}

fn resource(node: Node<'_, '_>) -> Resource {
    Resource {
        kind: cut(node.tag_name().name(), 64),
        object: attr(node, "objectname"),
        index: attr(node, "indexname"),
        wait_type: attr(node, "WaitType"),
        node: attr(node, "nodeId"),
        owners: parties(node, "owner-list"),
        waiters: parties(node, "waiter-list"),
    }
}

/// Parses one report: the `<deadlock>` element, alone or inside the event's XML (or a
/// `<deadlock-list>`, the trace flag 1222 shape). `at` is the event time when the caller
/// has it apart; otherwise the event's `timestamp` is used.
pub fn parse(xml: &str, at: &str) -> Result<Deadlock, String> {
    if xml.len() > MAX_XML_BYTES {
        return Err(format!("deadlock report of {} bytes not read (limit {MAX_XML_BYTES})", xml.len()));
    }
    let options = ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, ..ParsingOptions::default() };
    let doc =
        Document::parse_with_options(xml, options).map_err(|e| format!("deadlock report unreadable: {e}"))?;
    let deadlock = doc
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "deadlock")
        .ok_or_else(|| "no <deadlock> element in the report".to_owned())?;
    let at = if at.is_empty() {
        doc.descendants().find_map(|n| n.attribute("timestamp")).map(|t| cut(t, 40)).unwrap_or_default()
    } else {
        at.to_owned()
    };
    let mut victims: Vec<String> = child(deadlock, "victim-list")
        .into_iter()
        .flat_map(elements)
        .map(|v| attr(v, "id"))
        .filter(|id| !id.is_empty())
        .take(MAX_PROCESSES)
        .collect();
    if victims.is_empty() && deadlock.has_attribute("victim") {
        victims.push(attr(deadlock, "victim"));
    }
    let processes = child(deadlock, "process-list")
        .into_iter()
        .flat_map(elements)
        .take(MAX_PROCESSES)
        .map(process)
        .collect();
    let resources = child(deadlock, "resource-list")
        .into_iter()
        .flat_map(elements)
        .take(MAX_RESOURCES)
        .map(resource)
        .collect();
    Ok(Deadlock { at, victims, processes, resources })
}

#[cfg(test)]
#[path = "deadlock_tests.rs"]
mod tests;
