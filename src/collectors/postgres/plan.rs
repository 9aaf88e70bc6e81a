//! Plans on demand (`EngineSpec::plan`): `EXPLAIN (FORMAT JSON)` of a session's or a
//! statement's text, never with ANALYZE, so nothing is run. Safety, in layers:
//!
//! - a connection of its own to the statement's database, with the target's settings
//!   (TLS, credentials, and the startup options that make every transaction read-only);
//! - `START TRANSACTION READ ONLY` … `ROLLBACK`, with the monitoring `lock_timeout` and
//!   `statement_timeout` set again for it: planning takes the locks parsing takes, and
//!   must never queue behind an incident's locks;
//! - the extended query protocol: the text is one prepared statement, so a text with a
//!   second statement (`SELECT 1; DROP …`) is refused by the server, never run (a generic
//!   plan, which must not bind values, runs through the simple protocol only once the
//!   server has prepared that very text as one statement);
//! - texts without a plan refused first (`plan_text.rs`).
//!
//! Every failure is one line for the user; the server's words are kept (the UI sanitises them).

use super::connect;
use super::plan_json;
use super::plan_text::{self, Statement};
use super::queries;
use crate::config::TargetConfig;
use crate::model::{Plan, PlanOrigin, PlanRequest};
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, Type};
use tokio_postgres::{Client, SimpleQueryMessage, Transaction};

/// First server whose EXPLAIN has GENERIC_PLAN.
const GENERIC_PLAN_VERSION: i32 = 160_000;

pub fn spawn(target: &TargetConfig, request: PlanRequest) -> tokio::task::JoinHandle<Result<Plan, String>> {
    let target = target.clone();
    tokio::spawn(async move { plan(&target, request).await })
}

/// The plan of `request`, or what to tell the user. Bounded in time as a whole, whatever
/// the network does.
pub async fn plan(target: &TargetConfig, request: PlanRequest) -> Result<Plan, String> {
    let statement = plan_text::statement(&request.text)?;
    let mut in_database = target.clone();
    if !request.database.is_empty() {
        in_database.database = request.database.clone();
    }
    let limit = target.connect_timeout + target.query_timeout * 2 + target.lock_timeout;
    tokio::time::timeout(limit, connect_and_plan(&in_database, &request, &statement))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {}: not planned", secs(limit))))
}

async fn connect_and_plan(
    target: &TargetConfig,
    request: &PlanRequest,
    statement: &Statement<'_>,
) -> Result<Plan, String> {
    let mut conn = connect::connect(target, &target.endpoint()).await.map_err(|e| e.to_string())?;
    let version = super::parse::version_num(&conn.server_version).unwrap_or(0);
    let client = conn.client_mut();
    match explain(client, target, request, statement, version).await {
        Err(Failure::Locked) => Err(locked(client, target, statement.text).await),
        Err(Failure::Refused(message)) => Err(message),
        Ok(plan) => Ok(plan),
    }
}

enum Failure {
    /// lock_timeout expired: the caller names the locks, once the transaction is gone.
    Locked,
    Refused(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Refused(message)
    }
}

async fn explain(
    client: &mut Client,
    target: &TargetConfig,
    request: &PlanRequest,
    statement: &Statement<'_>,
    version: i32,
) -> Result<Plan, Failure> {
    let fail = |e: tokio_postgres::Error| failure(&e, target, statement);
    let tx = client.build_transaction().read_only(true).start().await.map_err(fail)?;
    let (lock_ms, statement_ms) = (millis(target.lock_timeout), millis(target.query_timeout));
    tx.query(queries::PLAN_LIMITS, &[&lock_ms, &statement_ms, &true]).await.map_err(fail)?;
    if request.origin == PlanOrigin::Session {
        let size = activity_text_size(&tx).await.map_err(fail)?;
        if let Some(size) = size.filter(|&size| plan_text::is_cut(statement.text, size)) {
            return Err(cut_text(size).into());
        }
    }
    // Prepared, so the server refuses a text of several statements; its parameters say
    // whether the text has placeholders (the server's parser, not a guess of ours).
    let plain = tx.prepare(&format!("{}{}", queries::EXPLAIN_JSON, statement.text)).await.map_err(fail)?;
    let generic = !plain.params().is_empty();
    let json = if !generic {
        let rows = tx.query(&plain, &[]).await.map_err(fail)?;
        match rows.first().map(|row| row.try_get::<_, JsonText>(0)) {
            Some(Ok(json)) => Some(json.0),
            Some(Err(e)) => return Err(format!("the server's plan could not be read: {e}").into()),
            None => None,
        }
    } else if version < GENERIC_PLAN_VERSION {
        return Err(needs_literal_text(request.origin).into());
    } else {
        // Values bound to the placeholders would be folded into the plan as constants (a
        // NULL makes it "One-Time Filter: false"), so this one statement, proven single
        // by preparing it, runs unbound through the simple protocol.
        let sql = format!("{}{}", queries::EXPLAIN_GENERIC_JSON, statement.text);
        tx.prepare(&sql).await.map_err(fail)?;
        let messages = tx.simple_query(&sql).await.map_err(fail)?;
        messages.iter().find_map(|m| match m {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
    };
    let Some(json) = json else {
        return Err(String::from("the server returned no plan").into());
    };
    // Nothing was changed; ending the transaction is only tidiness.
    let _ = tx.rollback().await;
    let root = plan_json::parse(&json)?;
    let mut notes = Vec::new();
    if generic {
        notes.push(
            "generic plan: the placeholders ($1…) had no values, so estimates are for a typical value".into(),
        );
    }
    Ok(Plan { root, notes })
}

/// How much of a session's text the server keeps, bytes (`track_activity_query_size`).
async fn activity_text_size(tx: &Transaction<'_>) -> Result<Option<i64>, tokio_postgres::Error> {
    let rows = tx.query(queries::ACTIVITY_TEXT_SIZE, &[]).await?;
    Ok(rows.first().and_then(|r| r.try_get("size").ok()))
}

/// A cut text may parse as another statement: it is not planned.
fn cut_text(size: i64) -> String {
    format!(
        "the session's text is cut at track_activity_query_size ({size} bytes): a plan needs the whole \
         statement (raise the setting, or plan the statement from Queries)"
    )
}

/// Whether a statement of the statistics is one a plan sent (run by the monitoring role),
/// so Queries hides it with Logstag's other statements.
pub fn is_own_plan_statement(text: &str) -> bool {
    text.starts_with(queries::EXPLAIN_JSON)
        || text.starts_with(queries::EXPLAIN_GENERIC_JSON)
        || matches!(text, "START TRANSACTION READ ONLY" | "ROLLBACK")
}

fn needs_literal_text(origin: PlanOrigin) -> String {
    let whose = match origin {
        PlanOrigin::Statement => "this normalised statement has placeholders ($1…) where its constants were",
        PlanOrigin::Session => "this session runs a prepared statement with placeholders ($1…)",
    };
    format!("{whose}: its plan needs the literal text (a generic plan needs PostgreSQL 16 or later)")
}

/// The one line for a failed step.
fn failure(e: &tokio_postgres::Error, target: &TargetConfig, statement: &Statement<'_>) -> Failure {
    let Some(db) = e.as_db_error() else {
        return Failure::Refused(format!("connection lost while planning: {}", connect::error_chain(e)));
    };
    let (code, message) = (db.code(), db.message());
    let text = if *code == SqlState::LOCK_NOT_AVAILABLE {
        return Failure::Locked;
    } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        format!("the monitoring role may not plan this: {message}")
    } else if *code == SqlState::QUERY_CANCELED {
        format!("planning took longer than statement_timeout ({}): not planned", secs(target.query_timeout))
    } else if message.contains("multiple commands") {
        "the text holds more than one statement: refused by the server, nothing was run \
         (plan them one at a time)"
            .to_owned()
    } else if *code == SqlState::UNDEFINED_TABLE {
        format!("not planned: {message} (the statement may rely on its session's search_path)")
    } else if *code == SqlState::SYNTAX_ERROR && statement.placeholders {
        format!(
            "not planned: {message}; the normalised text does not parse (a constant became $n where \
             a placeholder cannot stand): its plan needs the literal text"
        )
    } else {
        format!("not planned: {message}")
    };
    Failure::Refused(text)
}

/// lock_timeout expired: which tables named in the statement other sessions hold, or
/// queue for, in a mode in the way.
async fn locked(client: &Client, target: &TargetConfig, text: &str) -> String {
    let wait = secs(target.lock_timeout);
    let rows = match client.query(queries::LOCKED_RELATIONS, &[]).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::debug!("reading the locks after a plan's lock_timeout: {e}");
            Vec::new()
        }
    };
    let holders: Vec<LockHolder> = rows
        .iter()
        .filter_map(|r| {
            Some(LockHolder {
                name: r.try_get("name").ok()?,
                qualified: r.try_get("qualified").ok()?,
                mode: r.try_get("mode").ok()?,
                granted: r.try_get("granted").ok()?,
                pid: r.try_get("pid").ok()?,
            })
        })
        .collect();
    format!("{}: not planned, so as not to queue behind it (lock_timeout {wait})", in_the_way(&holders, text))
}

/// One lock of `LOCKED_RELATIONS`.
#[derive(Clone)]
struct LockHolder {
    name: String,
    qualified: String,
    mode: String,
    granted: bool,
    pid: i64,
}

/// The locks on tables the text names, in words; the tables not named are left out.
fn in_the_way(holders: &[LockHolder], text: &str) -> String {
    let lower = text.to_lowercase();
    let named: Vec<&LockHolder> = holders.iter().filter(|h| lower.contains(&h.name.to_lowercase())).collect();
    let how = |h: &LockHolder| {
        let state = if h.granted { "held" } else { "queued" };
        format!("{} {state} by PID {}", h.mode, h.pid)
    };
    match named.as_slice() {
        [] => "a lock on a table it uses is held by another session".to_owned(),
        [one] => format!("a lock on {} is in the way ({})", one.qualified, how(one)),
        many => {
            let each: Vec<String> = many.iter().map(|h| format!("{}: {}", h.qualified, how(h))).collect();
            format!("locks are in the way ({})", each.join("; "))
        }
    }
}

fn millis(d: Duration) -> String {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1).to_string()
}

fn secs(d: Duration) -> String {
    crate::ui::format::duration(d)
}

/// EXPLAIN's `json` column as its text (its binary form is the text).
struct JsonText(String);

impl<'a> FromSql<'a> for JsonText {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(JsonText(std::str::from_utf8(raw)?.to_owned()))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSON || *ty == Type::TEXT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plans_own_statements_are_recognised_and_the_users_explain_is_not() {
        assert!(is_own_plan_statement("EXPLAIN (FORMAT JSON) SELECT * FROM t WHERE id = $1"));
        assert!(is_own_plan_statement("EXPLAIN (GENERIC_PLAN, FORMAT JSON) SELECT $1"));
        assert!(is_own_plan_statement("START TRANSACTION READ ONLY") && is_own_plan_statement("ROLLBACK"));
        assert!(!is_own_plan_statement("EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1"));
        assert!(!is_own_plan_statement("EXPLAIN SELECT 1") && !is_own_plan_statement("BEGIN"));
    }

    #[test]
    fn locks_in_the_way_are_those_of_the_tables_the_text_names() {
        let lock = |name: &str, mode: &str, granted: bool, pid: i64| LockHolder {
            name: name.into(),
            qualified: format!("shop.{name}"),
            mode: mode.into(),
            granted,
            pid,
        };
        let text = "SELECT * FROM Orders o JOIN customers c ON c.id = o.customer_id";
        assert_eq!(in_the_way(&[], text), "a lock on a table it uses is held by another session");
        let other = [lock("invoices", "AccessExclusiveLock", true, 7)];
        assert_eq!(in_the_way(&other, text), "a lock on a table it uses is held by another session");
        let one = [lock("orders", "AccessExclusiveLock", false, 42), other[0].clone()];
        assert_eq!(
            in_the_way(&one, text),
            "a lock on shop.orders is in the way (AccessExclusiveLock queued by PID 42)"
        );
        let two = [one[0].clone(), lock("customers", "ExclusiveLock", true, 9)];
        assert_eq!(
            in_the_way(&two, text),
            "locks are in the way (shop.orders: AccessExclusiveLock queued by PID 42; \
             shop.customers: ExclusiveLock held by PID 9)"
        );
    }

    #[test]
    fn needs_literal_text_says_why_and_what_would_help() {
        let statement = needs_literal_text(PlanOrigin::Statement);
        assert!(
            statement.contains("needs the literal text") && statement.contains("16 or later"),
            "{statement}"
        );
        assert!(needs_literal_text(PlanOrigin::Session).contains("prepared statement"));
    }

    #[tokio::test]
    async fn refused_texts_never_connect() {
        // Port 1: nothing listens; a refusal before connecting answers without trying.
        let target = crate::collectors::testing::unreachable_target(&super::super::spec::SPEC);
        let request =
            PlanRequest { database: "app".into(), text: "COMMIT;".into(), origin: PlanOrigin::Session };
        let answer = plan(&target, request).await;
        assert!(answer.as_ref().is_err_and(|e| e.contains("a COMMIT statement has no plan")), "{answer:?}");
        let request =
            PlanRequest { database: "app".into(), text: "SELECT 1".into(), origin: PlanOrigin::Session };
        let answer = plan(&target, request).await.err().unwrap_or_default();
        assert!(answer.contains("cannot connect to monitor@127.0.0.1:1/app"), "{answer}");
        assert!(!answer.contains(crate::collectors::testing::NEVER_SHOWN), "{answer}");
    }
}
