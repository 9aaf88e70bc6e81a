//! The table subtree of the schema tree: columns, indexes, constraints and foreign keys,
//! with the flags a DBA acts on.

use super::schema_tree::{Builder, Group, Item, Level, Node, stale_stats};
use crate::model::TableInfo;

pub fn table_flags(t: &TableInfo, now_ms: i64) -> Vec<(String, Level)> {
    let mut flags = Vec::new();
    if !t.has_primary_key {
        flags.push(("⚠ no PK".to_owned(), Level::Warn));
    }
    if t.indexes.iter().any(|i| !i.valid) {
        flags.push(("invalid index".into(), Level::Critical));
    }
    let unused = t.indexes.iter().filter(|i| i.unused).count();
    if unused > 0 {
        flags.push((format!("{unused} unused"), Level::Warn));
    }
    if t.indexes.iter().any(|i| i.duplicate_of.is_some()) {
        flags.push(("dup".into(), Level::Warn));
    }
    if t.foreign_keys.iter().any(|f| !f.has_index) {
        flags.push(("FK no index".into(), Level::Warn));
    }
    if stale_stats(t, now_ms) {
        flags.push(("stale stats".into(), Level::Warn));
    }
    flags
}

impl Builder<'_> {
    pub fn table(
        &mut self,
        d: usize,
        s: usize,
        t: usize,
        table: &TableInfo,
        parent: &str,
        whole: u64,
    ) -> bool {
        let key = format!("{parent}/{}", table.name);
        let mut item =
            Item::new(Node::Table(d, s, t), key.clone(), table.name.clone()).sized(table.total_bytes, whole);
        item.flags = table_flags(table, self.now_ms);
        self.push(3, item, |b| {
            let group = |g: Group, n: usize| {
                Item::new(
                    Node::Group(d, s, Some(t), g),
                    format!("{key}/#{}", g.label()),
                    format!("{} ({n})", g.label()),
                )
            };
            let mut any = false;
            any |= b.push(4, group(Group::Columns, table.columns.len()), |b| {
                let mut order: Vec<usize> = (0..table.columns.len()).collect();
                if b.by_name {
                    order.sort_by(|&x, &y| table.columns[x].name.cmp(&table.columns[y].name));
                }
                let mut any = false;
                for c in order {
                    let col = &table.columns[c];
                    // Skipping before formatting keeps a filter keystroke cheap on big catalogues.
                    if !b.wants(Node::Column(d, s, t, c), &col.name) {
                        continue;
                    }
                    let label = format!(
                        "{} {}{}",
                        col.name,
                        col.data_type,
                        if col.nullable { "" } else { " not null" }
                    );
                    any |= b
                        .leaf(5, Item::new(Node::Column(d, s, t, c), format!("{key}/c:{}", col.name), label));
                }
                any
            });
            if !table.indexes.is_empty() {
                any |= b.push(4, group(Group::Indexes, table.indexes.len()), |b| {
                    let mut any = false;
                    for i in b.order(&table.indexes, |i| i.size_bytes, |i| &i.name) {
                        let index = &table.indexes[i];
                        if !b.wants(Node::Index(d, s, t, i), &index.name) {
                            continue;
                        }
                        let mut item = Item::new(
                            Node::Index(d, s, t, i),
                            format!("{key}/i:{}", index.name),
                            index.name.clone(),
                        )
                        .sized(index.size_bytes, table.total_bytes);
                        if !index.valid {
                            item.flags.push(("INVALID".into(), Level::Critical));
                        }
                        if index.unused {
                            item.flags.push(("unused".into(), Level::Warn));
                        }
                        if let Some(other) = &index.duplicate_of {
                            item.flags.push((format!("dup of {other}"), Level::Warn));
                        }
                        if let Some(other) = &index.redundant_with {
                            item.flags.push((format!("redundant with {other}"), Level::Warn));
                        }
                        any |= b.leaf(5, item);
                    }
                    any
                });
            }
            if !table.constraints.is_empty() {
                any |= b.push(4, group(Group::Constraints, table.constraints.len()), |b| {
                    let mut any = false;
                    for (c, con) in table.constraints.iter().enumerate() {
                        let item = Item::new(
                            Node::Constraint(d, s, t, c),
                            format!("{key}/k:{}", con.name),
                            con.name.clone(),
                        );
                        any |= b.leaf(5, item);
                    }
                    any
                });
            }
            if !table.foreign_keys.is_empty() {
                any |= b.push(4, group(Group::ForeignKeys, table.foreign_keys.len()), |b| {
                    let mut any = false;
                    for (f, fk) in table.foreign_keys.iter().enumerate() {
                        let mut item = Item::new(
                            Node::ForeignKey(d, s, t, f),
                            format!("{key}/f:{}", fk.name),
                            fk.name.clone(),
                        );
                        if !fk.has_index {
                            item.flags.push(("FK no index".into(), Level::Warn));
                        }
                        any |= b.leaf(5, item);
                    }
                    any
                });
            }
            any
        })
    }
}
