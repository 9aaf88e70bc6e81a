//! The detail pane of the Schema tab: everything known about the selected object.
//! Only one object is formatted per frame, so this need not be cached.

use super::super::app::App;
use super::super::format;
use super::super::theme::Theme;
use super::super::views::schema::SchemaView;
use super::super::views::schema_tree::{Node, STALE_MS, last_analyze};
use super::schema::age;
use crate::model::{ConstraintKind, IndexInfo, SchemaSnapshot, SequenceInfo, TableInfo};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some((at, snapshot)) = app.current().and_then(|t| t.schema()) else { return Vec::new() };
    let Some(row) = SchemaView::selected(&app.views.schema) else {
        return vec![Line::from(Span::styled(" nothing selected", theme.muted()))];
    };
    let now = at.millis();
    let s: &SchemaSnapshot = snapshot;
    let db = |d: usize| s.databases.get(d);
    let schema = |d: usize, sc: usize| db(d).and_then(|x| x.schemas.get(sc));
    let table = |d: usize, sc: usize, t: usize| schema(d, sc).and_then(|x| x.tables.get(t));
    let mut out = Vec::new();
    let mut kv = |k: &str, v: String, style: Style| {
        out.push(Line::from(vec![
            Span::styled(format!(" {k:<18} "), theme.header()),
            Span::styled(v, style),
        ]));
    };
    match row.node {
        Node::Server => {
            kv("server", row.label.clone(), theme.text());
            kv("databases", s.databases.len().to_string(), theme.text());
        }
        Node::Database(d) => {
            let Some(x) = db(d) else { return out };
            kv("database", x.name.clone(), theme.title());
            kv("size", x.size_bytes.map_or("-".into(), format::bytes), theme.text());
            if let Some(error) = &x.error {
                kv("could not be read", error.clone(), theme.critical());
            }
            kv("schemas", x.schemas.len().to_string(), theme.text());
            let ext: Vec<String> = x.extensions.iter().map(|(n, v)| format!("{n} {v}")).collect();
            kv("extensions", if ext.is_empty() { "none".into() } else { ext.join(", ") }, theme.text());
        }
        Node::Schema(d, sc) => {
            let Some(x) = schema(d, sc) else { return out };
            kv("schema", x.name.clone(), theme.title());
            kv("owner", x.owner.clone(), theme.text());
            kv("tables", x.tables.len().to_string(), theme.text());
            kv("views", x.views.len().to_string(), theme.text());
            kv("functions", x.functions.len().to_string(), theme.text());
            kv("sequences", x.sequences.len().to_string(), theme.text());
        }
        Node::Group(..) => kv("group", row.label.clone(), theme.text()),
        Node::Column(d, sc, t, c) => {
            let Some(x) = table(d, sc, t).and_then(|x| x.columns.get(c)) else { return out };
            kv("column", x.name.clone(), theme.title());
            kv("type", x.data_type.clone(), theme.text());
            kv("nullable", if x.nullable { "yes" } else { "no" }.into(), theme.text());
            kv("default", x.default.clone().unwrap_or_else(|| "none".into()), theme.text());
        }
        Node::Constraint(d, sc, t, c) => {
            let Some(x) = table(d, sc, t).and_then(|x| x.constraints.get(c)) else { return out };
            kv("constraint", x.name.clone(), theme.title());
            let kind = match x.kind {
                ConstraintKind::PrimaryKey => "primary key",
                ConstraintKind::Unique => "unique",
                ConstraintKind::Check => "check",
                ConstraintKind::Exclusion => "exclusion",
                ConstraintKind::ForeignKey => "foreign key",
            };
            kv("kind", kind.into(), theme.text());
            kv("definition", x.definition.clone(), theme.text());
        }
        Node::Table(d, sc, t) => {
            let Some(x) = table(d, sc, t) else { return out };
            table_lines(x, now, theme, &mut kv);
        }
        Node::Index(d, sc, t, i) => {
            let Some(x) = table(d, sc, t).and_then(|x| x.indexes.get(i)) else { return out };
            index_lines(x, theme, &mut kv);
        }
        Node::ForeignKey(d, sc, t, f) => {
            let Some(x) = table(d, sc, t).and_then(|x| x.foreign_keys.get(f)) else { return out };
            kv("foreign key", x.name.clone(), theme.title());
            kv("columns", x.columns.join(", "), theme.text());
            kv("references", format!("{}({})", x.references, x.referenced_columns.join(", ")), theme.text());
            let (text, style) = if x.has_index {
                ("yes".to_owned(), theme.ok())
            } else {
                ("NO: deletes on the referenced table scan this one".to_owned(), theme.warn())
            };
            kv("index on columns", text, style);
        }
        Node::View(d, sc, v) => {
            let Some(x) = schema(d, sc).and_then(|x| x.views.get(v)) else { return out };
            kv(if x.materialized { "materialized view" } else { "view" }, x.name.clone(), theme.title());
            kv("size", format::bytes(x.size_bytes), theme.text());
        }
        Node::Function(d, sc, f) => {
            let Some(x) = schema(d, sc).and_then(|x| x.functions.get(f)) else { return out };
            kv("function", format!("{}({})", x.name, x.arguments), theme.title());
            kv("returns", x.returns.clone(), theme.text());
            kv("language", x.language.clone(), theme.text());
        }
        Node::Sequence(d, sc, q) => {
            let Some(x) = schema(d, sc).and_then(|x| x.sequences.get(q)) else { return out };
            sequence_lines(x, theme, &mut kv);
        }
    }
    out
}

fn sequence_lines(x: &SequenceInfo, theme: &Theme, kv: &mut impl FnMut(&str, String, Style)) {
    kv("sequence", x.name.clone(), theme.title());
    kv("type", x.data_type.clone(), theme.text());
    kv("last value", x.last_value.map_or("never used".into(), |v| v.to_string()), theme.text());
    kv("max value", x.max_value.to_string(), theme.text());
    let style = match x.pct_used {
        Some(p) if p >= 95.0 => theme.critical(),
        Some(p) if p >= 80.0 => theme.warn(),
        _ => theme.text(),
    };
    kv("range used", format::percent(x.pct_used), style);
}

fn index_lines(x: &IndexInfo, theme: &Theme, kv: &mut impl FnMut(&str, String, Style)) {
    kv("index", x.name.clone(), theme.title());
    kv("definition", x.definition.clone(), theme.text());
    kv("size", format::bytes(x.size_bytes), theme.text());
    kv("scans", x.scans.map_or("-".into(), format::count), theme.text());
    if let Some(b) = x.bloat_bytes {
        kv("bloat estimate", format::bytes(b), theme.text());
    }
    let kind = match (x.primary, x.unique) {
        (true, _) => "primary key",
        (false, true) => "unique",
        _ => "plain",
    };
    kv("kind", kind.into(), theme.text());
    if !x.valid {
        kv("INVALID", "a failed CREATE INDEX CONCURRENTLY: drop and rebuild".into(), theme.critical());
    }
    if x.unused {
        kv("UNUSED", "never scanned since statistics were reset".into(), theme.warn());
    }
    if let Some(other) = &x.duplicate_of {
        kv("DUPLICATE", format!("of {other}"), theme.warn());
    }
    if let Some(other) = &x.redundant_with {
        kv("REDUNDANT", format!("with {other}"), theme.warn());
    }
}

fn table_lines(x: &TableInfo, now: i64, theme: &Theme, kv: &mut impl FnMut(&str, String, Style)) {
    let when = |ms: Option<i64>| ms.map_or("never".to_owned(), |at| format!("{} ago", age(now - at)));
    kv("table", x.name.clone(), theme.title());
    kv(
        "rows (estimate)",
        x.row_estimate.map_or("-".into(), |r| format::count(r.max(0.0) as u64)),
        theme.text(),
    );
    kv("total size", format::bytes(x.total_bytes), theme.text());
    if !x.storage_engine.is_empty() {
        kv("storage engine", x.storage_engine.clone(), theme.text());
    }
    kv(
        "table/index/toast",
        format!(
            "{} / {} / {}",
            format::bytes(x.table_bytes),
            format::bytes(x.index_bytes),
            format::bytes(x.toast_bytes)
        ),
        theme.text(),
    );
    let dead = match (x.dead_tuples, x.live_tuples) {
        (Some(d), Some(l)) if l > 0 => {
            format!("{} ({:.1}% of live)", format::count(d), d as f64 * 100.0 / l as f64)
        }
        (Some(d), _) => format::count(d),
        _ => "-".into(),
    };
    // Engines without vacuum (no dead-tuple counts, no vacuum times) get no vacuum lines,
    // rather than a "never" that reads as neglect.
    if x.dead_tuples.is_some() || x.last_vacuum_ms.is_some() || x.last_autovacuum_ms.is_some() {
        kv("dead tuples", dead, theme.text());
        kv("last vacuum", when(x.last_vacuum_ms), theme.text());
        kv("last autovacuum", when(x.last_autovacuum_ms), theme.text());
    }
    let analyzed = last_analyze(x);
    let stale = analyzed.is_none_or(|at| now - at > STALE_MS);
    let analyze = format!("{}{}", when(analyzed), if stale { "  stale statistics" } else { "" });
    kv("last analyze", analyze, if stale { theme.warn() } else { theme.text() });
    let scans = |v: Option<u64>| v.map_or("-".into(), format::count);
    if x.seq_scans.is_some() || x.idx_scans.is_some() {
        kv("seq / index scans", format!("{} / {}", scans(x.seq_scans), scans(x.idx_scans)), theme.text());
    }
    kv("mods since analyze", scans(x.n_mod_since_analyze), theme.text());
    if let Some(bloat) = x.bloat_bytes {
        kv("bloat estimate", format::bytes(bloat), theme.text());
    }
    if x.has_primary_key {
        kv("primary key", "yes".into(), theme.ok());
    } else {
        kv("primary key", "NONE: logical replication and row identity suffer".into(), theme.warn());
    }
    let columns: Vec<&str> = x.columns.iter().map(|c| c.name.as_str()).collect();
    kv("columns", columns.join(", "), theme.text());
}
