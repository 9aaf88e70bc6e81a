//! One schema round's commands, bounded. The listing is cheap and always complete:
//! `listDatabases` once, `listCollections` once per database (at most
//! `Limits::databases`, each listing cut at `Limits::collections`). The figures cost
//! two or three commands per collection (`$collStats`, `$indexStats`, `listIndexes`
//! when usage is refused), so they stop at `Limits::commands` per round or at the
//! round's time budget, and the next round resumes after the last collection read,
//! wrapping: a server with 50 databases × 200 collections is read over a few rounds,
//! never in one burst of 20,000 commands. Not-read collections keep their last read.
//!
//! Generic over `Source` so the whole round runs in tests on fixture replies.

use super::super::connect::{Refusal, code};
use super::super::refusal_problem;
use super::build::{CollectionRead, DatabaseRead};
use super::listing::{self, CollectionKind};
use super::stats;
use crate::collectors::CollectError;
use mongodb::bson::{Document, doc};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use tokio::time::Instant;

/// Raw replies: the outer error is a server gone, the inner one a refusal.
pub trait Source {
    fn command(
        &mut self,
        db: &str,
        command: Document,
    ) -> impl Future<Output = Result<Result<Document, Refusal>, CollectError>> + Send;
    fn cursor(
        &mut self,
        db: &str,
        command: Document,
        limit: usize,
    ) -> impl Future<Output = Result<Result<Vec<Document>, Refusal>, CollectError>> + Send;
}

pub const MAX_DATABASES: usize = 100;
pub const MAX_COLLECTIONS: usize = 2_000;
pub const MAX_COMMANDS: usize = 2_000;
/// The most one collection costs: `$collStats`, `$indexStats`, then `listIndexes`.
const PER_COLLECTION: usize = 3;
/// Index documents read per collection (64 indexes at most, times the shards).
const MAX_INDEX_DOCUMENTS: usize = 4_096;

#[derive(Debug, Clone)]
pub struct Limits {
    pub databases: usize,
    pub collections: usize,
    pub commands: usize,
    /// No collection's figures are read after this.
    pub deadline: Instant,
}

/// What the schema tier remembers between rounds.
#[derive(Debug, Default)]
pub struct SchemaState {
    /// The last collection (database, name) whose figures were read, when the round
    /// did not reach them all.
    pub resume_after: Option<(String, String)>,
    /// Permission notes already given on this connection.
    pub told: BTreeSet<&'static str>,
}

impl SchemaState {
    /// A new connection: say the permission notes again (where to resume is kept).
    pub fn forget(&mut self) {
        self.told.clear();
    }
}

/// What one round read.
#[derive(Debug, Default)]
pub struct Outcome {
    pub listed: bool,
    pub databases: Vec<DatabaseRead>,
    pub problems: Vec<String>,
    pub commands: usize,
    /// Collections whose figures were read, and those left for the next rounds.
    pub read: usize,
    pub left: usize,
}

/// The reads that can be refused, each said once: (what, advice).
const COLL_STATS: (&str, &str) = (
    "collection sizes ($collStats)",
    "sizes and counts not read; grant the read role on the database (or clusterMonitor)",
);
const INDEX_STATS: (&str, &str) = (
    "index usage ($indexStats)",
    "indexes read with listIndexes, without usage, so none is called unused; grant clusterMonitor",
);
const LIST_INDEXES: (&str, &str) = (
    "indexes (listIndexes)",
    "these collections keep their last read indexes; grant the read role on the database",
);
const NAMES_ONLY: (&str, &str) = (
    "collection options (listCollections)",
    "only names were listed, so capped, validator and view changes are not seen; grant the read role",
);

/// Refusals that will repeat for every collection of the database: stop asking there.
fn for_the_database(refusal: &Refusal) -> bool {
    matches!(
        refusal.code,
        code::UNAUTHORIZED | code::ATLAS_ERROR | code::COMMAND_NOT_FOUND | code::COMMAND_NOT_SUPPORTED
    )
}

#[derive(Default)]
struct Round {
    commands: usize,
    /// what → where it was refused ("db" or "db.collection").
    refused: BTreeMap<&'static str, (&'static str, Vec<String>)>,
    /// database index → reads refused for the whole database this round.
    closed: BTreeSet<(usize, &'static str)>,
    problems: Vec<String>,
}

impl Round {
    fn refuse(&mut self, what: (&'static str, &'static str), place: String) {
        self.refused.entry(what.0).or_insert((what.1, Vec::new())).1.push(place);
    }
}

/// Reads one round (`listed` false when the databases could not be listed at all).
pub async fn read<S: Source>(
    src: &mut S,
    state: &mut SchemaState,
    named: &str,
    limits: &Limits,
) -> Result<Outcome, CollectError> {
    let mut r = Round { commands: 1, ..Default::default() };
    let list = doc! { "listDatabases": 1, "nameOnly": true, "authorizedDatabases": true };
    let reply = match src.command("admin", list).await? {
        Ok(reply) => reply,
        Err(refusal) => {
            let problems = vec![refusal_problem("databases (listDatabases)", &refusal)];
            return Ok(Outcome { problems, commands: 1, ..Default::default() });
        }
    };
    let mut databases = Vec::new();
    for (i, name) in listing::databases(&reply, named).into_iter().enumerate() {
        let error = if i >= limits.databases {
            format!("not read: the schema tier reads the first {} databases by name", limits.databases)
        } else if Instant::now() >= limits.deadline {
            "not read: the schema round ran out of time; read next round".to_owned()
        } else {
            databases.push(list_database(src, name, limits, &mut r).await?);
            continue;
        };
        databases.push(DatabaseRead { name, error: Some(error), ..Default::default() });
    }
    let order = figures_order(&databases, state.resume_after.as_ref());
    let mut read = 0;
    // Kept only if the round completes: a server lost midway loses this round's reads.
    let mut resume_after = state.resume_after.clone();
    let mut stopped = "";
    for &(d, c) in &order {
        if r.commands + PER_COLLECTION > limits.commands {
            stopped = "the command budget";
        } else if Instant::now() >= limits.deadline {
            stopped = "the time budget";
        }
        if !stopped.is_empty() {
            break;
        }
        read_collection(src, &mut databases[d], d, c, &mut r).await?;
        resume_after = Some((databases[d].name.clone(), databases[d].collections[c].entry.name.clone()));
        read += 1;
    }
    let left = order.len() - read;
    state.resume_after = if left == 0 { None } else { resume_after };
    if left > 0 {
        r.problems.push(format!(
            "schema: sizes and indexes of {left} of {} collections not read this round ({stopped}: at most {} \
             commands a round); they keep their last read and are read first next round",
            order.len(),
            limits.commands
        ));
    }
    tell(state, &r.refused, &mut r.problems);
    Ok(Outcome { listed: true, databases, problems: r.problems, commands: r.commands, read, left })
}

/// The collections whose figures to read, as (database, collection) indexes: every
/// collection (views have none) in name order, starting after `resume_after`, wrapping.
pub fn figures_order(
    databases: &[DatabaseRead],
    resume_after: Option<&(String, String)>,
) -> Vec<(usize, usize)> {
    let queue: Vec<(usize, usize)> = databases
        .iter()
        .enumerate()
        .flat_map(|(d, db)| {
            db.collections
                .iter()
                .enumerate()
                .filter(|(_, c)| c.entry.kind != CollectionKind::View)
                .map(move |(c, _)| (d, c))
        })
        .collect();
    let after = |(d, c): (usize, usize), (db, name): &(String, String)| {
        (&databases[d].name, &databases[d].collections[c].entry.name) > (db, name)
    };
    let start = resume_after.and_then(|last| queue.iter().position(|at| after(*at, last))).unwrap_or(0);
    queue.iter().cycle().skip(start).take(queue.len()).copied().collect()
}

/// `listCollections` of one database, with options; names only when options are refused.
async fn list_database<S: Source>(
    src: &mut S,
    name: String,
    limits: &Limits,
    r: &mut Round,
) -> Result<DatabaseRead, CollectError> {
    // Room for the server's own collections, which are left out after the listing.
    let limit = limits.collections + 64;
    let mut db = DatabaseRead { name, ..Default::default() };
    let full = doc! { "listCollections": 1, "filter": {}, "nameOnly": false, "authorizedCollections": true };
    r.commands += 1;
    let documents = match src.cursor(&db.name, full, limit).await? {
        Ok(documents) => documents,
        Err(refusal) if refusal.code == code::UNAUTHORIZED => {
            // authorizedCollections lists what the user may read only with nameOnly.
            let names = doc! { "listCollections": 1, "nameOnly": true, "authorizedCollections": true };
            r.commands += 1;
            match src.cursor(&db.name, names, limit).await? {
                Ok(documents) => {
                    r.refuse(NAMES_ONLY, db.name.clone());
                    db.names_only = true;
                    documents
                }
                Err(refusal) => {
                    db.error = Some(refusal_problem("collections (listCollections)", &refusal));
                    return Ok(db);
                }
            }
        }
        Err(refusal) => {
            db.error = Some(refusal_problem("collections (listCollections)", &refusal));
            return Ok(db);
        }
    };
    let mut entries = listing::collections(&documents);
    db.more_than_limit = entries.len() > limits.collections || documents.len() >= limit;
    entries.truncate(limits.collections);
    db.collections =
        entries.into_iter().map(|entry| CollectionRead { entry, stats: None, indexes: None }).collect();
    Ok(db)
}

/// `$collStats` and the indexes of one collection.
async fn read_collection<S: Source>(
    src: &mut S,
    db: &mut DatabaseRead,
    d: usize,
    c: usize,
    r: &mut Round,
) -> Result<(), CollectError> {
    let name = db.collections[c].entry.name.clone();
    let time_series = db.collections[c].entry.kind == CollectionKind::TimeSeries;
    let place = format!("{}.{name}", db.name);
    if !r.closed.contains(&(d, COLL_STATS.0)) {
        r.commands += 1;
        match src.cursor(&db.name, coll_stats_command(&name, time_series), 64).await? {
            Ok(documents) => db.collections[c].stats = stats::coll_stats(&documents),
            Err(refusal) => {
                if for_the_database(&refusal) {
                    r.closed.insert((d, COLL_STATS.0));
                }
                r.refuse(COLL_STATS, place.clone());
            }
        }
    }
    if !r.closed.contains(&(d, INDEX_STATS.0)) {
        r.commands += 1;
        let usage = doc! { "aggregate": name.as_str(), "pipeline": [ { "$indexStats": {} } ], "cursor": {} };
        match src.cursor(&db.name, usage, MAX_INDEX_DOCUMENTS).await? {
            Ok(documents) => {
                db.collections[c].indexes = Some(stats::index_stats(&documents));
                return Ok(());
            }
            Err(refusal) => {
                if for_the_database(&refusal) {
                    r.closed.insert((d, INDEX_STATS.0));
                }
                r.refuse(INDEX_STATS, place.clone());
            }
        }
    }
    if r.closed.contains(&(d, LIST_INDEXES.0)) {
        return Ok(());
    }
    r.commands += 1;
    let list = doc! { "listIndexes": name.as_str(), "cursor": {} };
    match src.cursor(&db.name, list, MAX_INDEX_DOCUMENTS).await? {
        Ok(documents) => db.collections[c].indexes = Some(stats::list_indexes(&documents)),
        Err(refusal) => {
            if for_the_database(&refusal) {
                r.closed.insert((d, LIST_INDEXES.0));
            }
            r.refuse(LIST_INDEXES, place);
        }
    }
    Ok(())
}

/// Sizes and counts from the storage engine's metadata; the storage engine's own
/// configuration and per-index details are left on the server. A time series is a
/// view over its buckets to `$collStats`: it refuses `count` and `queryExecStats`.
pub fn coll_stats_command(collection: &str, time_series: bool) -> Document {
    let stage = match time_series {
        true => doc! { "storageStats": { "scale": 1 } },
        false => doc! { "storageStats": { "scale": 1 }, "count": {}, "queryExecStats": {} },
    };
    doc! {
        "aggregate": collection,
        "pipeline": [
            { "$collStats": stage },
            { "$project": { "storageStats.wiredTiger": 0, "storageStats.indexDetails": 0 } },
        ],
        "cursor": {},
    }
}

/// One note per refused read, once per connection.
fn tell(
    state: &mut SchemaState,
    refused: &BTreeMap<&'static str, (&'static str, Vec<String>)>,
    problems: &mut Vec<String>,
) {
    for (what, (advice, places)) in refused {
        if state.told.insert(what) {
            problems.push(format!("{what}: refused on {}; {advice}", sample(places)));
        }
    }
}

/// The first few names of a list, "a, b, c and 7 more".
pub fn sample(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let head = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    match names.len().saturating_sub(SHOWN) {
        0 => head,
        more => format!("{head} and {more} more"),
    }
}
