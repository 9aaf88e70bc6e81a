//! Schema tab view state: the flattened tree of visible rows, rebuilt only when the
//! snapshot, expansion, sort or filter change, so a frame only slices it.

use super::ListState;
use super::schema_tree::{Builder, Counts, Item, Node, TreeRow, counts, open_by_default};
use crate::model::{ChangeKind, DatabaseSchema, SchemaChange, SchemaSnapshot, Timestamp};
use std::collections::HashSet;

#[derive(Debug, Default, Clone)]
pub struct SchemaView {
    pub list: ListState,
    /// The keyspace view's big-keys list (engines whose schema view is the keyspace).
    pub big_keys_list: ListState,
    pub rows: Vec<TreeRow>,
    /// Paths whose expansion differs from their default.
    toggled: HashSet<String>,
    pub by_name: bool,
    pub filter: String,
    pub changes_mode: bool,
    pub changes_filter: String,
    pub changes_list: ListState,
    /// Indexes into the dashboard's change list (newest first) that pass the filter.
    pub changes_rows: Vec<usize>,
    /// Added, Modified, Removed among `changes_rows`.
    pub change_counts: [usize; 3],
    /// Enter on a leaf: the detail takes the whole body (narrow terminals).
    pub detail_full: bool,
    pub counts: Counts,
    seen: Option<(u64, usize)>,
    dirty: bool,
}

impl SchemaView {
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Rebuilds rows when the snapshot (`version`), the target or the view state changed.
    pub fn refresh(
        &mut self,
        snapshot: Option<(Timestamp, &SchemaSnapshot)>,
        changes: &[SchemaChange],
        version: u64,
        target: usize,
        server: &str,
    ) {
        if !self.dirty && self.seen == Some((version, target)) {
            return;
        }
        self.dirty = false;
        self.seen = Some((version, target));
        let selected_key = self.rows.get(self.list.selected).map(|r| r.key.clone());
        let ancestors = self.ancestors();
        self.rows = match snapshot {
            Some((at, snapshot)) => self.build(snapshot, at.millis(), server),
            None => Vec::new(),
        };
        self.counts = snapshot.map(|(_, s)| counts(s)).unwrap_or_default();
        if let Some(key) = selected_key {
            let mut found = self.rows.iter().position(|r| r.key == key);
            // Clearing a filter must not lose the object found with it: open its ancestors.
            if found.is_none()
                && let Some((at, snapshot)) = snapshot
            {
                for (key, node) in ancestors {
                    if open_by_default(node) {
                        self.toggled.remove(&key);
                    } else {
                        self.toggled.insert(key);
                    }
                }
                self.rows = self.build(snapshot, at.millis(), server);
                found = self.rows.iter().position(|r| r.key == key);
            }
            if let Some(pos) = found {
                self.list.selected = pos;
            }
        }
        self.list.clamp(self.rows.len());
        let needle = self.changes_filter.to_lowercase();
        self.changes_rows = (0..changes.len())
            .filter(|&i| {
                let c = &changes[i];
                super::matches(&needle, &[&c.database, &c.schema, &c.object, &c.object_type, &c.detail])
            })
            .collect();
        self.change_counts = [0; 3];
        for c in self.changes_rows.iter().filter_map(|&i| changes.get(i)) {
            let slot = match c.change {
                ChangeKind::Added => 0,
                ChangeKind::Modified => 1,
                ChangeKind::Removed => 2,
            };
            self.change_counts[slot] += 1;
        }
        self.changes_list.clamp(self.changes_rows.len());
    }

    fn build(&self, snapshot: &SchemaSnapshot, now_ms: i64, server: &str) -> Vec<TreeRow> {
        let mut b = Builder {
            open: &self.toggled,
            by_name: self.by_name,
            needle: self.filter.to_lowercase(),
            now_ms,
            rows: Vec::new(),
        };
        let total: u64 = snapshot.databases.iter().filter_map(|d| d.size_bytes).sum();
        let item = Item::new(Node::Server, String::new(), server.to_owned());
        b.push(0, item, |b| {
            let mut any = false;
            let size = |d: &DatabaseSchema| d.size_bytes.unwrap_or(0);
            for d in b.order(&snapshot.databases, size, |d| &d.name) {
                any |= b.database(d, &snapshot.databases[d], total);
            }
            any
        });
        b.rows
    }

    /// Keys and nodes of the selected row's ancestors, nearest first.
    fn ancestors(&self) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        let Some(mut depth) = self.rows.get(self.list.selected).map(|r| r.depth) else { return out };
        for row in self.rows[..self.list.selected.min(self.rows.len())].iter().rev() {
            if row.depth < depth {
                depth = row.depth;
                out.push((row.key.clone(), row.node));
            }
        }
        out
    }

    pub fn selected(&self) -> Option<&TreeRow> {
        self.rows.get(self.list.selected)
    }

    /// Expands the selected node; on a leaf or an open node, shows the detail in full.
    pub fn expand(&mut self) {
        let Some(row) = self.rows.get(self.list.selected) else { return };
        if row.has_children && !row.open {
            let key = row.key.clone();
            self.flip(key);
        } else if !row.has_children {
            self.detail_full = true;
        } else {
            self.list.move_by(1, self.rows.len());
        }
    }

    /// Collapses the selected node, or moves to its parent.
    pub fn collapse(&mut self) {
        let Some(row) = self.rows.get(self.list.selected) else { return };
        if row.has_children && row.open {
            let key = row.key.clone();
            self.flip(key);
        } else {
            let depth = row.depth;
            if let Some(parent) = self.rows[..self.list.selected].iter().rposition(|r| r.depth < depth) {
                self.list.selected = parent;
            }
        }
    }

    fn flip(&mut self, key: String) {
        if !self.toggled.remove(&key) {
            self.toggled.insert(key);
        }
        self.dirty = true;
    }
}

impl SchemaView {
    /// The tree and the changes list each keep their own filter.
    pub fn active_filter(&self) -> &str {
        if self.changes_mode { &self.changes_filter } else { &self.filter }
    }

    pub fn set_filter(&mut self, text: String) {
        if self.changes_mode {
            self.changes_filter = text;
        } else {
            self.filter = text;
        }
        self.dirty = true;
    }

    pub fn navigate(&mut self, action: crate::ui::action::Action) {
        if self.changes_mode {
            self.changes_list.apply(action, self.changes_rows.len());
        } else {
            self.list.apply(action, self.rows.len());
        }
    }
}
