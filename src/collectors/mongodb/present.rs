//! How MongoDB targets are shown: current operations (with the lock they wait for and
//! who holds it), per-collection time from `top` (mongotop) as the statements table, the
//! databases → collections/views/indexes tree, mongostat's figures as tiles and charts.

use super::metric as mg;
use crate::collectors::columns::{self, fixed};
use crate::collectors::sql_present::{self, Stop};
use crate::model::present::{
    Blocking, CellText, Chart, Column, DetailLine, Metrics, Nouns, Presentation, SchemaView, Series, Tile,
    Tone, Unit, Width,
};
use crate::model::{CounterGuide, QueryStat, Session, SessionState, metric};
use crate::ui::format;

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "operations",
        sessions_title: "Operations",
        id: "OpID",
        statements: "collections",
        statement: "collection",
    },
    activity_columns: &SESSION_COLUMNS,
    // State: lock waiters, idle transactions, then running work, longest first.
    activity_default_sort: 1,
    counted_states: &SessionState::ALL,
    blocking: Blocking::Tree,
    query_columns: &STATEMENT_COLUMNS,
    queries_title: " Collection time over the interval (top) ",
    slow_log: false,
    tiles: &TILES,
    charts: [
        Chart {
            title: "Operations/s",
            metric: mg::OPS_PER_S,
            series: Series::Keyed(&["query", "insert", "update", "delete", "getmore", "command"]),
            unit: Unit::Count,
        },
        Chart {
            title: "Connections",
            metric: metric::CONNECTIONS,
            series: Series::Single,
            unit: Unit::Count,
        },
        Chart {
            title: "WiredTiger cache used %",
            metric: mg::CACHE_USED_PCT,
            series: Series::Single,
            unit: Unit::Percent,
        },
        Chart {
            title: "Queued operations (qrw)",
            metric: mg::QUEUED_OPERATIONS,
            series: Series::Keyed(&["readers", "writers"]),
            unit: Unit::Count,
        },
    ],
    schema_view: SchemaView::Tree,
    session_title: " Operation detail ",
    session_detail: operation_detail,
    session_gone: |id| format!("Operation {id} has ended (not in the latest sample)."),
    statement_detail: |q| sql_present::statement_detail(q, &GUIDE),
};

const STOP: Stop = Stop { cancel: super::spec::SPEC.cancel, terminate: super::spec::SPEC.terminate };

/// The statement counters of a collection's `top` line and a profiler row (medium tier).
pub const GUIDE: CounterGuide = super::medium::columns::GUIDE;

fn extra<'a>(s: &'a Session, name: &str) -> &'a str {
    s.extra.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

/// The plan lines `high/explain.rs` attached (`plan 1`, `plan 2`…).
fn is_plan_line(name: &str) -> bool {
    name.strip_prefix("plan ").is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

/// The SQL engines' detail (who, wait, blockers, shape, the `db.killOp()` to copy), with
/// a router's `shard:opid` in the kill text, and the explained plan of the shape beside
/// the server's own `planSummary`.
fn operation_detail(s: &Session, all: &[Session]) -> Vec<DetailLine> {
    let (plan, rest): (Vec<_>, Vec<_>) = s.extra.iter().cloned().partition(|(n, _)| is_plan_line(n));
    let shown = Session { extra: rest, ..s.clone() };
    let mut lines = sql_present::session_detail(&shown, all, "OpID", STOP);
    let opid = extra(s, "opid");
    if !opid.is_empty() {
        let numeric = format!("db.killOp({})", s.id);
        for line in &mut lines {
            if let DetailLine::Head(cells) = line {
                for cell in cells.iter_mut().filter(|c| c.text == numeric) {
                    cell.text = format!("db.killOp(\"{opid}\")").into();
                }
            }
        }
    }
    if let Some(((_, note), tree)) = plan.split_first() {
        let at = lines
            .iter()
            .position(|l| matches!(l, DetailLine::Heading(h) if h.starts_with("Query")))
            .unwrap_or(lines.len());
        let mut block = vec![
            DetailLine::Heading(format!("Winning plan {note}:")),
            DetailLine::toned("server chose", or_dash(extra(s, "planSummary")), Tone::Muted),
        ];
        block.extend(tree.iter().map(|(_, l)| {
            let tone = if l.trim_start().starts_with("COLLSCAN") { Tone::Warn } else { Tone::Text };
            DetailLine::Text(CellText::toned(format!("  {l}"), tone))
        }));
        block.push(DetailLine::Blank);
        lines.splice(at..at, block);
    }
    lines
}

fn or_dash(text: &str) -> String {
    if text.is_empty() { "-".to_owned() } else { format!("{text} (for the operation's own values)") }
}

/// Operations, kept as the terminal narrows by priority: id, state, age and the shape
/// first, then the lock wait and its holders.
static SESSION_COLUMNS: [Column<Session>; 12] = [
    Column {
        title: "OpID",
        width: Width::Fit { min: 6, max: 14 },
        priority: 0,
        descending: false,
        cell: |s| match extra(s, "opid") {
            "" => CellText::plain(s.id.to_string()),
            text => CellText::plain(text),
        },
        cmp: |a, b| a.id.cmp(&b.id),
    },
    sql_present::STATE_COLUMN,
    sql_present::age_column("Secs"),
    sql_present::wait_column("Lock wait", 15, 1),
    sql_present::blockers_column(1),
    Column {
        title: "Plan",
        width: Width::Fit { min: 6, max: 12 },
        priority: 3,
        descending: false,
        cell: |s| {
            let plan = extra(s, "planSummary");
            let tone = if plan.starts_with("COLLSCAN") { Tone::Warn } else { Tone::Text };
            CellText::toned(plan, tone)
        },
        cmp: |a, b| extra(a, "planSummary").cmp(extra(b, "planSummary")),
    },
    sql_present::database_column(2),
    sql_present::application_column(12, 4),
    sql_present::user_column(5),
    sql_present::xact_column(5),
    Column {
        title: "Client",
        width: fixed(15),
        priority: 6,
        descending: false,
        cell: |s| CellText::plain(s.client.as_str()),
        cmp: |a, b| a.client.cmp(&b.client),
    },
    Column {
        title: "Operation",
        width: Width::Fill { min: 16 },
        priority: 0,
        descending: false,
        cell: |s| match s.query.as_str() {
            "" => CellText::toned(s.native_state.as_str(), Tone::Muted),
            shape => CellText::plain(shape),
        },
        cmp: |a, b| a.query.cmp(&b.query),
    },
];

fn figure(value: Option<f64>, show: fn(f64) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), show)
}

/// A pair as mongostat prints it (`qrw 1|2`); `-` when the server has neither.
fn pair(m: &Metrics<'_>, name: &str, keys: [&str; 2]) -> String {
    match (m(name, keys[0]), m(name, keys[1])) {
        (None, None) => "-".to_owned(),
        (a, b) => format!("{}|{}", figure(a, |v| format!("{v:.0}")), figure(b, |v| format!("{v:.0}"))),
    }
}

static TILES: [Tile; 8] = [
    Tile { label: "Ops/s", value: |m| figure(m(mg::OPS_PER_S, ""), |v| format!("{v:.0}")) },
    Tile { label: "Conns", value: |m| figure(m(metric::CONNECTIONS, ""), |v| format::count(v as u64)) },
    Tile { label: "Cache", value: |m| figure(m(mg::CACHE_USED_PCT, ""), |v| format!("{v:.0}%")) },
    Tile { label: "Dirty", value: |m| figure(m(mg::CACHE_DIRTY_PCT, ""), |v| format!("{v:.1}%")) },
    Tile { label: "qrw", value: |m| pair(m, mg::QUEUED_OPERATIONS, ["readers", "writers"]) },
    Tile { label: "arw", value: |m| pair(m, mg::ACTIVE_CLIENTS, ["readers", "writers"]) },
    Tile { label: "Blocked", value: |m| figure(m(metric::BLOCKED_SESSIONS, ""), |v| format!("{v:.0}")) },
    Tile { label: "Lag", value: |m| figure(m(metric::REPLICATION_LAG_S, ""), |v| format!("{v:.0}s")) },
];

/// mongotop's figures first (total, read, write), then calls and the mean.
static STATEMENT_COLUMNS: [Column<QueryStat>; 6] = [
    columns::TOTAL,
    super::medium::columns::READ_COLUMN,
    super::medium::columns::WRITE_COLUMN,
    columns::CALLS,
    columns::MEAN_MS,
    super::medium::columns::NAMESPACE_COLUMN,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::doc::{self, fixture};
    use crate::collectors::mongodb::high::{explain, operations};

    fn sessions(name: &str) -> Vec<Session> {
        let reply = fixture(name);
        let ops: Vec<mongodb::bson::Document> = doc::docs(&reply, "ops").into_iter().cloned().collect();
        operations::parse(&ops).into_iter().map(|r| r.session).collect()
    }

    fn texts(lines: &[DetailLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| match l {
                DetailLine::Head(cells) => cells.iter().map(|c| c.text.as_ref()).collect::<String>(),
                DetailLine::Field { name, value } => format!("{name}: {}", value.text),
                DetailLine::Heading(h) => h.clone(),
                DetailLine::Text(t) => t.text.to_string(),
                DetailLine::Blank => String::new(),
            })
            .collect()
    }

    #[test]
    fn detail_names_the_holder_and_gives_kill_op_to_copy() {
        let all = sessions("high_current_ops_lock_wait.json");
        let waiter = all.iter().find(|s| s.id == 9102).cloned().unwrap_or_else(|| all[0].clone());
        let lines = texts(&(PRESENTATION.session_detail)(&waiter, &all));
        assert!(lines.iter().any(|l| l == "blocked by: 9101"), "{lines:#?}");
        assert!(lines.iter().any(|l| l.starts_with("  9101 dba Active: collMod orders")), "{lines:#?}");
        assert!(lines.iter().any(|l| l == "waiting for: lock on Collection shop.orders (IX)"));
        assert!(lines.iter().any(|l| l == "update orders {_id}"));
        assert!(lines.iter().any(|l| l.ends_with("db.killOp(9102)")));
        assert!(!lines.iter().any(|l| l.starts_with("Winning plan")), "no plan was asked for it");
    }

    #[test]
    fn router_ops_kill_by_their_text_and_plans_sit_beside_the_summary() {
        let mut all = sessions("high_current_ops_mongos.json");
        let shown = explain::explained(&fixture("high_explain_mongos.json"), &[]);
        for (i, line) in shown.iter().enumerate() {
            all[0].extra.push((format!("plan {}", i + 1), line.clone()));
        }
        let lines = texts(&(PRESENTATION.session_detail)(&all[0], &all));
        assert!(lines.iter().any(|l| l.ends_with("db.killOp(\"shardA:120331\")")), "{lines:#?}");
        let heading =
            lines.iter().position(|l| l.starts_with("Winning plan of the shape with placeholder values"));
        let query = lines.iter().position(|l| l.starts_with("Query"));
        assert!(heading.is_some_and(|h| query.is_some_and(|q| h < q)), "{lines:#?}");
        assert!(lines.iter().any(|l| l == "server chose: COLLSCAN (for the operation's own values)"));
        assert!(lines.iter().any(|l| l == "        COLLSCAN"));
        assert!(!lines.iter().any(|l| l.starts_with("plan 1")), "plan lines are not repeated as fields");
    }

    #[test]
    fn columns_and_tiles_read_the_operation() {
        let all = sessions("high_current_ops_mongos.json");
        let cell = |title: &str, s: &Session| {
            let c = SESSION_COLUMNS.iter().find(|c| c.title == title).map(|c| (c.cell)(s).text.to_string());
            c.unwrap_or_default()
        };
        assert_eq!(cell("OpID", &all[0]), "shardA:120331");
        assert_eq!(cell("OpID", &all[2]), "3301");
        assert_eq!(cell("Operation", &all[0]), "find products {tags, price}");
        assert_eq!(cell("Plan", &all[0]), "COLLSCAN");
        assert_eq!(SESSION_COLUMNS[PRESENTATION.activity_default_sort].title, "State");
        let m = |name: &str, key: &str| match (name, key) {
            (mg::QUEUED_OPERATIONS, "readers") => Some(1.0),
            (mg::QUEUED_OPERATIONS, "writers") => Some(2.0),
            (mg::OPS_PER_S, "") => Some(898.0),
            _ => None,
        };
        let shown: Vec<String> = TILES.iter().map(|t| format!("{} {}", t.label, (t.value)(&m))).collect();
        assert_eq!(
            shown,
            ["Ops/s 898", "Conns -", "Cache -", "Dirty -", "qrw 1|2", "arw -", "Blocked -", "Lag -"]
        );
    }
}
