//! The schema tree: rows of a snapshot in display order, with sizes, shares and flags.

use crate::model::{DatabaseSchema, SchemaInfo, SchemaSnapshot, TableInfo};
use std::collections::HashSet;

/// Statistics older than this are flagged stale (product spec §3.5).
pub const STALE_MS: i64 = 90 * 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Views,
    MatViews,
    Functions,
    Sequences,
    Columns,
    Indexes,
    Constraints,
    ForeignKeys,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Views => "views",
            Group::MatViews => "materialized views",
            Group::Functions => "functions",
            Group::Sequences => "sequences",
            Group::Columns => "columns",
            Group::Indexes => "indexes",
            Group::Constraints => "constraints",
            Group::ForeignKeys => "foreign keys",
        }
    }
}

/// Where a row points in the snapshot: indexes (database, schema, object, item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Server,
    Database(usize),
    Schema(usize, usize),
    Group(usize, usize, Option<usize>, Group),
    Table(usize, usize, usize),
    Column(usize, usize, usize, usize),
    Index(usize, usize, usize, usize),
    Constraint(usize, usize, usize, usize),
    ForeignKey(usize, usize, usize, usize),
    View(usize, usize, usize),
    Function(usize, usize, usize),
    Sequence(usize, usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Warn,
    Critical,
}

#[derive(Debug, Clone)]
pub struct TreeRow {
    pub depth: u8,
    /// Stable path (`db/schema/table/i:name`; an index and its constraint share a name, hence
    /// the kind prefix): selection and expansion survive new snapshots.
    pub key: String,
    pub node: Node,
    pub label: String,
    pub size: Option<u64>,
    /// Share of the parent's size, 0–1, for the size bar.
    pub share: Option<f64>,
    pub has_children: bool,
    pub open: bool,
    pub flags: Vec<(String, Level)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tables: usize,
    pub indexes: usize,
    pub views: usize,
    pub functions: usize,
    pub sequences: usize,
    pub bytes: u64,
}

pub fn open_by_default(node: Node) -> bool {
    matches!(
        node,
        Node::Server | Node::Database(..) | Node::Schema(..) | Node::Group(_, _, Some(_), Group::Indexes)
    )
}

pub fn last_analyze(t: &TableInfo) -> Option<i64> {
    t.last_analyze_ms.max(t.last_autoanalyze_ms)
}

/// Statistics analysed long ago, or never while the engine counts changes since the last
/// analysis. Engines without optimizer statistics on their objects (MongoDB's
/// collections) report neither, and are never flagged.
pub fn stale_stats(t: &TableInfo, now_ms: i64) -> bool {
    match last_analyze(t) {
        Some(at) => now_ms - at > STALE_MS,
        None => t.n_mod_since_analyze.is_some(),
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

pub(super) struct Builder<'a> {
    pub open: &'a HashSet<String>,
    pub by_name: bool,
    pub needle: String,
    pub now_ms: i64,
    pub rows: Vec<TreeRow>,
}

pub(super) struct Item {
    node: Node,
    key: String,
    label: String,
    size: Option<u64>,
    share: Option<f64>,
    pub flags: Vec<(String, Level)>,
}

impl Item {
    pub fn new(node: Node, key: String, label: String) -> Item {
        Item { node, key, label, size: None, share: None, flags: Vec::new() }
    }
    pub fn sized(mut self, size: u64, whole: u64) -> Item {
        self.size = Some(size);
        self.share = share(size, whole);
        self
    }
}

impl Builder<'_> {
    /// Whether the filter keeps an object: its name (the label up to its type or
    /// arguments) contains the needle. Group headers never match by themselves.
    pub fn wants(&self, node: Node, label: &str) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        if matches!(node, Node::Group(..)) {
            return false;
        }
        let name = label.split([' ', '(']).next().unwrap_or(label);
        contains_ci(name, &self.needle)
    }

    pub fn is_open(&self, item: &Item) -> bool {
        open_by_default(item.node) != self.open.contains(&item.key)
    }

    /// Pushes `item` and, when open (or when the filter matches below it), its children.
    /// Returns whether anything was pushed.
    pub fn push(&mut self, depth: u8, item: Item, children: impl FnOnce(&mut Self) -> bool) -> bool {
        let at = self.rows.len();
        let filtering = !self.needle.is_empty();
        let self_match = self.wants(item.node, &item.label);
        let user_open = self.is_open(&item);
        self.rows.push(TreeRow {
            depth,
            key: item.key,
            node: item.node,
            label: item.label,
            size: item.size,
            share: item.share,
            has_children: true,
            open: user_open,
            flags: item.flags,
        });
        // While filtering every level is searched so matches deep down show with their ancestors.
        let any_child = if filtering || user_open { children(self) } else { true };
        if filtering {
            if !any_child && !self_match {
                self.rows.truncate(at);
                return false;
            }
            if let Some(row) = self.rows.get_mut(at) {
                row.open = any_child;
            }
        }
        true
    }

    pub fn leaf(&mut self, depth: u8, item: Item) -> bool {
        if !self.wants(item.node, &item.label) {
            return false;
        }
        self.rows.push(TreeRow {
            depth,
            key: item.key,
            node: item.node,
            label: item.label,
            size: item.size,
            share: item.share,
            has_children: false,
            open: false,
            flags: item.flags,
        });
        true
    }

    /// Order of children: largest first, or by name.
    pub fn order<T>(&self, items: &[T], size: impl Fn(&T) -> u64, name: impl Fn(&T) -> &str) -> Vec<usize> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        if self.by_name {
            order.sort_by(|&a, &b| name(&items[a]).cmp(name(&items[b])));
        } else {
            order.sort_by(|&a, &b| {
                size(&items[b]).cmp(&size(&items[a])).then(name(&items[a]).cmp(name(&items[b])))
            });
        }
        order
    }

    pub fn database(&mut self, d: usize, db: &DatabaseSchema, total: u64) -> bool {
        let mut item = Item::new(Node::Database(d), db.name.clone(), db.name.clone());
        if let Some(size) = db.size_bytes {
            item = item.sized(size, total);
        }
        if db.error.is_some() {
            item.flags.push(("unreadable".into(), Level::Critical));
        }
        self.push(1, item, |b| {
            let sizes: Vec<u64> = db.schemas.iter().map(schema_bytes).collect();
            let whole = sizes.iter().sum();
            let mut any = false;
            for s in b.order(&db.schemas, schema_bytes, |s| &s.name) {
                any |= b.schema(d, s, &db.schemas[s], &db.name, whole);
            }
            any
        })
    }

    fn schema(&mut self, d: usize, s: usize, schema: &SchemaInfo, db: &str, whole: u64) -> bool {
        let key = format!("{db}/{}", schema.name);
        let item = Item::new(Node::Schema(d, s), key.clone(), schema.name.clone())
            .sized(schema_bytes(schema), whole);
        self.push(2, item, |b| {
            let whole = schema_bytes(schema);
            let mut any = false;
            for t in b.order(&schema.tables, |t| t.total_bytes, |t| &t.name) {
                any |= b.table(d, s, t, &schema.tables[t], &key, whole);
            }
            for group in [Group::Views, Group::MatViews] {
                let mat = group == Group::MatViews;
                let views: Vec<usize> =
                    (0..schema.views.len()).filter(|&v| schema.views[v].materialized == mat).collect();
                if views.is_empty() {
                    continue;
                }
                let label = format!("{} ({})", group.label(), views.len());
                let item =
                    Item::new(Node::Group(d, s, None, group), format!("{key}/#{}", group.label()), label);
                any |= b.push(3, item, |b| {
                    let mut any = false;
                    for v in b.order(&schema.views, |v| v.size_bytes, |v| &v.name) {
                        let view = &schema.views[v];
                        if view.materialized == mat {
                            let item = Item::new(
                                Node::View(d, s, v),
                                format!("{key}/{}", view.name),
                                view.name.clone(),
                            );
                            any |= b.leaf(4, item.sized(view.size_bytes, whole));
                        }
                    }
                    any
                });
            }
            if !schema.functions.is_empty() {
                let label = format!("functions ({})", schema.functions.len());
                let item =
                    Item::new(Node::Group(d, s, None, Group::Functions), format!("{key}/#functions"), label);
                any |= b.push(3, item, |b| {
                    let mut any = false;
                    for f in b.order(&schema.functions, |_| 0, |f| &f.name) {
                        let func = &schema.functions[f];
                        let label = format!("{}({})", func.name, func.arguments);
                        any |= b.leaf(4, Item::new(Node::Function(d, s, f), format!("{key}/{label}"), label));
                    }
                    any
                });
            }
            if !schema.sequences.is_empty() {
                let label = format!("sequences ({})", schema.sequences.len());
                let item =
                    Item::new(Node::Group(d, s, None, Group::Sequences), format!("{key}/#sequences"), label);
                any |= b.push(3, item, |b| {
                    let mut any = false;
                    let pct = |q: &crate::model::SequenceInfo| q.pct_used.map_or(0, |p| (p * 1000.0) as u64);
                    for q in b.order(&schema.sequences, pct, |q| &q.name) {
                        let seq = &schema.sequences[q];
                        let mut item = Item::new(
                            Node::Sequence(d, s, q),
                            format!("{key}/{}", seq.name),
                            seq.name.clone(),
                        );
                        if let Some(p) = seq.pct_used.filter(|p| *p >= 80.0) {
                            let level = if p >= 95.0 { Level::Critical } else { Level::Warn };
                            item.flags.push((format!("{p:.0}% used"), level));
                        }
                        any |= b.leaf(4, item);
                    }
                    any
                });
            }
            any
        })
    }
}

/// Case-insensitive `contains` for a lower-case needle, without allocating for ASCII names.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let needle = needle.as_bytes();
        return needle.is_empty()
            || hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle));
    }
    hay.to_lowercase().contains(needle)
}

fn schema_bytes(s: &SchemaInfo) -> u64 {
    s.tables.iter().map(|t| t.total_bytes).sum::<u64>() + s.views.iter().map(|v| v.size_bytes).sum::<u64>()
}

pub fn counts(snapshot: &SchemaSnapshot) -> Counts {
    let mut c = Counts::default();
    for db in &snapshot.databases {
        c.bytes += db.size_bytes.unwrap_or(0);
        for s in &db.schemas {
            c.tables += s.tables.len();
            c.indexes += s.tables.iter().map(|t| t.indexes.len()).sum::<usize>();
            c.views += s.views.len();
            c.functions += s.functions.len();
            c.sequences += s.sequences.len();
        }
    }
    c
}
