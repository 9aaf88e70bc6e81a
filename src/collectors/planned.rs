//! Engines the agent format names but this build cannot monitor yet. Their targets are
//! accepted and shown as "not available in this build" rather than refused, so one such
//! target in a shared agent config does not stop the others. Each moves to its own
//! folder, with a collector, when it is built.

use super::spec::EngineSpec;
use crate::config::{DatabaseRule, TlsMode, UrlRules};
use crate::model::present::{
    Blocking, CellText, Column, DetailLine, Nouns, Presentation, SchemaView, Tone, Width,
};
use crate::model::{EngineKind, QueryStat, Session, SessionState};

pub static ORACLE: EngineSpec = EngineSpec {
    kind: EngineKind::new("oracle"),
    name: "Oracle",
    config_names: &["oracle"],
    url_schemes: &["oracle"],
    default_port: 1521,
    ..PLANNED
};

/// What a planned engine has before it is built: no collector, checks or templates.
const PLANNED: EngineSpec = EngineSpec {
    kind: EngineKind::new(""),
    name: "",
    config_names: &[],
    url_schemes: &[],
    default_port: 0,
    url: UrlRules {
        dialect: None,
        database: DatabaseRule::Name,
        tls_schemes: &[],
        default_tls: TlsMode::Prefer,
    },
    options: &[],
    discovery: &[],
    spawn: None,
    health_checks: &[],
    alert_engine: "",
    alert_templates: &[],
    metrics: &[],
    normalize: crate::forward::normalize::sql,
    cancel: |id| format!("-- cancel session {id}"),
    terminate: |id| format!("-- end session {id}"),
    present: &GENERIC,
    fleet_defaults: None,
};

/// Plain session and statement tables: enough to show a target that is never collected.
static GENERIC: Presentation = Presentation {
    nouns: Nouns {
        sessions: "sessions",
        sessions_title: "Sessions",
        id: "ID",
        statements: "statements",
        statement: "statement",
    },
    activity_columns: &SESSION_COLUMNS,
    activity_default_sort: 2,
    counted_states: &SessionState::ALL,
    blocking: Blocking::Tree,
    query_columns: &STATEMENT_COLUMNS,
    queries_title: " Top statements over the interval ",
    slow_log: false,
    tiles: &[],
    charts: super::columns::SQL_CHARTS,
    schema_view: SchemaView::Tree,
    session_title: " Session detail ",
    session_detail: |s, _| vec![DetailLine::field("query", s.query.clone())],
    session_gone: |id| format!("Session {id} has ended (not in the latest sample)."),
    statement_detail: |q| vec![DetailLine::field("text", q.text.clone())],
};

static SESSION_COLUMNS: [Column<Session>; 4] = [
    Column {
        title: "ID",
        width: Width::Fit { min: 7, max: 12 },
        priority: 0,
        descending: false,
        cell: |s| CellText::plain(s.id.to_string()),
        cmp: |a, b| a.id.cmp(&b.id),
    },
    Column {
        title: "User",
        width: Width::Fit { min: 8, max: 20 },
        priority: 1,
        descending: false,
        cell: |s| CellText::plain(s.user.as_str()),
        cmp: |a, b| a.user.cmp(&b.user),
    },
    Column {
        title: "State",
        width: Width::Fit { min: 7, max: 7 },
        priority: 0,
        descending: false,
        cell: |s| CellText::toned(s.state.short_label(), Tone::State(s.state)),
        cmp: |a, b| a.state.urgency().cmp(&b.state.urgency()),
    },
    Column {
        title: "Query",
        width: Width::Fill { min: 16 },
        priority: 0,
        descending: false,
        cell: |s| CellText::plain(s.query.as_str()),
        cmp: |a, b| a.query.cmp(&b.query),
    },
];

static STATEMENT_COLUMNS: [Column<QueryStat>; 3] = [
    Column {
        title: "Total ms",
        width: Width::Fit { min: 8, max: 12 },
        priority: 0,
        descending: true,
        cell: |q| CellText::plain(format!("{:.1}", q.total_time_ms)),
        cmp: |a, b| a.total_time_ms.total_cmp(&b.total_time_ms),
    },
    Column {
        title: "Calls",
        width: Width::Fit { min: 7, max: 12 },
        priority: 0,
        descending: true,
        cell: |q| CellText::plain(q.calls.to_string()),
        cmp: |a, b| a.calls.cmp(&b.calls),
    },
    Column {
        title: "Query",
        width: Width::Fill { min: 16 },
        priority: 0,
        descending: false,
        cell: |q| CellText::plain(q.text.as_str()),
        cmp: |a, b| a.text.cmp(&b.text),
    },
];
