//! Who blocks whom, as far as `$currentOp` lets us say. MongoDB reports, per operation,
//! the mode it holds or requests on each lock resource type (`locks: {Global: "w",
//! Database: "w", Collection: "W"}`) and whether it waits (`waitingForLock`), but never
//! who holds what it waits for. A tree is derived only where the lock hierarchy makes it
//! sound: the waiter's request is the innermost of Global → Database → Collection it
//! lists (locks are taken top-down and a pending request is listed); a holder is any
//! other operation, running or an idle transaction, listing a granted mode on the same
//! resource (Global; the database of its namespace; its namespace) that conflicts with
//! the request, or on an enclosing one that conflicts with the intent the request needs
//! there. Anything else stays "waiting for lock on <resource>" with no blocker.

use std::collections::HashMap;

/// MongoDB's lock modes; `$currentOp` writes them r, w, R, W.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Mode {
    IntentShared,
    IntentExclusive,
    Shared,
    Exclusive,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::IntentShared, Mode::IntentExclusive, Mode::Shared, Mode::Exclusive];

    pub fn from_letter(letter: &str) -> Option<Mode> {
        match letter {
            "r" => Some(Mode::IntentShared),
            "w" => Some(Mode::IntentExclusive),
            "R" => Some(Mode::Shared),
            "W" => Some(Mode::Exclusive),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::IntentShared => "IS",
            Mode::IntentExclusive => "IX",
            Mode::Shared => "S",
            Mode::Exclusive => "X",
        }
    }

    /// The standard multi-granularity compatibility matrix.
    pub fn conflicts_with(self, other: Mode) -> bool {
        use Mode::*;
        !matches!(
            (self, other),
            (IntentShared, IntentShared | IntentExclusive | Shared)
                | (IntentExclusive, IntentShared | IntentExclusive)
                | (Shared, IntentShared | Shared)
        )
    }

    /// The mode a request at a lower level needs on the levels above it.
    fn intent(self) -> Mode {
        match self {
            Mode::IntentShared | Mode::Shared => Mode::IntentShared,
            Mode::IntentExclusive | Mode::Exclusive => Mode::IntentExclusive,
        }
    }
}

/// The resource types a tree can be built on, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Global,
    Database,
    Collection,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Global, Level::Database, Level::Collection];

    pub fn name(self) -> &'static str {
        match self {
            Level::Global => "Global",
            Level::Database => "Database",
            Level::Collection => "Collection",
        }
    }
}

/// What one operation tells about its locks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpLocks {
    /// `locks` as sent: resource type → mode letter.
    pub modes: Vec<(String, String)>,
    pub waiting: bool,
    /// The operation's namespace (`db.collection`), empty when it has none.
    pub ns: String,
}

/// A lock on one resource: its level and which one (`""`, `shop`, `shop.orders`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    pub level: Level,
    pub name: String,
}

impl Resource {
    /// "Collection shop.orders", "Global".
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.level.name().to_owned()
        } else {
            format!("{} {}", self.level.name(), self.name)
        }
    }
}

impl OpLocks {
    fn mode_at(&self, level: Level) -> Option<Mode> {
        self.modes.iter().find(|(r, _)| r == level.name()).and_then(|(_, m)| Mode::from_letter(m))
    }

    /// The resource of `level` this operation works on; None when its namespace does not
    /// say (an idle transaction without one, a command on `db.$cmd` at collection level).
    fn resource(&self, level: Level) -> Option<Resource> {
        let (db, collection) = self.ns.split_once('.').unwrap_or((self.ns.as_str(), ""));
        let name = match level {
            Level::Global => String::new(),
            Level::Database if !db.is_empty() => db.to_owned(),
            Level::Collection
                if !db.is_empty() && !collection.is_empty() && !collection.starts_with("$cmd") =>
            {
                self.ns.clone()
            }
            _ => return None,
        };
        Some(Resource { level, name })
    }

    /// The level and mode a waiting operation requests: its innermost listed level.
    pub fn requested(&self) -> Option<(Level, Mode)> {
        if !self.waiting {
            return None;
        }
        Level::ALL.into_iter().rev().find_map(|l| Some((l, self.mode_at(l)?)))
    }

    /// The request a waiting operation waits on, on the resource its namespace names.
    pub fn awaited(&self) -> Option<(Resource, Mode)> {
        let (level, mode) = self.requested()?;
        Some((self.resource(level)?, mode))
    }

    /// A waiting operation's request when it is not on Global/Database/Collection (a
    /// mutex, the replication state transition lock…): only named, never attributed.
    pub fn awaited_other(&self) -> Option<String> {
        if !self.waiting || Level::ALL.iter().any(|l| self.mode_at(*l).is_some()) {
            return None;
        }
        let (resource, mode) = self.modes.last()?;
        Some(match Mode::from_letter(mode) {
            Some(m) => format!("{resource} ({})", m.name()),
            None => resource.clone(),
        })
    }

    /// Granted locks: every listed level but the pending request of a waiter.
    fn held(&self) -> Vec<(Resource, Mode)> {
        let pending = self.requested().map(|(level, _)| level);
        Level::ALL
            .into_iter()
            .filter(|l| Some(*l) != pending)
            .filter_map(|l| Some((self.resource(l)?, self.mode_at(l)?)))
            .collect()
    }

    /// "Global IX, Database IX, Collection X", and other resources by their own names.
    pub fn describe(&self) -> String {
        self.modes
            .iter()
            .map(|(resource, letter)| match Mode::from_letter(letter) {
                Some(m) => format!("{resource} {}", m.name()),
                None => format!("{resource} {letter}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// For each operation (by index), the ids of the operations that hold what it waits for.
/// Holders are bucketed by resource and mode, so a request only looks at the modes it
/// conflicts with: the thousands of intent locks on Global cost nothing to a writer.
pub fn blockers(ops: &[(i64, &OpLocks)]) -> Vec<Vec<i64>> {
    let mut holders: HashMap<Resource, [Vec<i64>; 4]> = HashMap::new();
    for (id, locks) in ops {
        for (resource, mode) in locks.held() {
            holders.entry(resource).or_default()[mode as usize].push(*id);
        }
    }
    ops.iter()
        .map(|(id, locks)| {
            let Some((wanted, mode)) = locks.awaited() else { return Vec::new() };
            let mut found: Vec<i64> = Vec::new();
            for level in Level::ALL.into_iter().filter(|l| *l <= wanted.level) {
                let Some(by_mode) = locks.resource(level).and_then(|r| holders.get(&r)) else { continue };
                let needed = if level == wanted.level { mode } else { mode.intent() };
                for held in Mode::ALL.into_iter().filter(|m| needed.conflicts_with(*m)) {
                    found.extend(by_mode[held as usize].iter().filter(|h| *h != id));
                }
            }
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(ns: &str, waiting: bool, modes: &[(&str, &str)]) -> OpLocks {
        OpLocks {
            modes: modes.iter().map(|(r, m)| ((*r).to_owned(), (*m).to_owned())).collect(),
            waiting,
            ns: ns.to_owned(),
        }
    }

    #[test]
    fn compatibility_matrix() {
        use Mode::*;
        let all = [IntentShared, IntentExclusive, Shared, Exclusive];
        let conflicts: Vec<(Mode, Mode)> = all
            .iter()
            .flat_map(|a| all.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| a.conflicts_with(*b))
            .collect();
        assert_eq!(conflicts.len(), 9, "{conflicts:?}");
        assert!(!IntentShared.conflicts_with(Shared) && IntentExclusive.conflicts_with(Shared));
        assert!(all.iter().all(|m| Exclusive.conflicts_with(*m) && m.conflicts_with(Exclusive)));
        for a in all {
            for b in all {
                assert_eq!(a.conflicts_with(b), b.conflicts_with(a), "symmetric");
            }
        }
    }

    #[test]
    fn an_exclusive_collection_lock_blocks_writers_of_that_collection_only() {
        let holder = op("shop.orders", false, &[("Global", "w"), ("Database", "w"), ("Collection", "W")]);
        let waiter = op("shop.orders", true, &[("Global", "w"), ("Database", "w"), ("Collection", "w")]);
        let other = op("shop.customers", true, &[("Global", "w"), ("Database", "w"), ("Collection", "w")]);
        let reader = op("shop.orders", false, &[("Global", "r"), ("Database", "r"), ("Collection", "r")]);
        let ops = [(1, &holder), (2, &waiter), (3, &other), (4, &reader)];
        let found = blockers(&ops);
        assert_eq!(found, vec![vec![], vec![1], vec![], vec![]]);
        assert_eq!(
            waiter.awaited().map(|(r, m)| (r.label(), m)),
            Some(("Collection shop.orders".into(), Mode::IntentExclusive))
        );
    }

    #[test]
    fn holders_of_enclosing_resources_block_through_the_intent() {
        // A database-wide exclusive lock (a drop) blocks a reader of any of its collections.
        let dropper = op("shop.$cmd", false, &[("Global", "w"), ("Database", "W")]);
        let reader = op("shop.orders", true, &[("Global", "r"), ("Database", "r"), ("Collection", "r")]);
        // A global shared lock (fsyncLock) blocks every writer, not readers.
        let fsync = op("", false, &[("Global", "R")]);
        let writer = op("logs.events", true, &[("Global", "w")]);
        let ops = [(10, &dropper), (11, &reader), (12, &fsync), (13, &writer)];
        assert_eq!(blockers(&ops), vec![vec![], vec![10], vec![], vec![12]]);
    }

    #[test]
    fn index_build_waits_behind_an_idle_transaction_and_a_waiter_holds_its_outer_locks() {
        let idle_txn = op("shop.orders", false, &[("Global", "w"), ("Database", "w"), ("Collection", "w")]);
        let index_build = op("shop.orders", true, &[("Global", "w"), ("Database", "w"), ("Collection", "W")]);
        // Waits for the database exclusively: blocked by both, whose intent it conflicts with.
        let dropper = op("shop.$cmd", true, &[("Global", "w"), ("Database", "W")]);
        let ops = [(1, &idle_txn), (2, &index_build), (3, &dropper)];
        assert_eq!(blockers(&ops), vec![vec![], vec![1], vec![1, 2]]);
    }

    #[test]
    fn unattributable_waits_have_no_blocker() {
        let no_ns = op("", true, &[("Global", "w"), ("Database", "w")]);
        let mutex = op("admin.$cmd", true, &[("ReplicationStateTransition", "W")]);
        let writer = op("shop.orders", false, &[("Global", "w"), ("Database", "w"), ("Collection", "w")]);
        let ops = [(1, &no_ns), (2, &mutex), (3, &writer)];
        assert_eq!(blockers(&ops), vec![Vec::<i64>::new(), vec![], vec![]]);
        assert_eq!(no_ns.awaited(), None, "the database it waits on is unknown");
        assert_eq!(no_ns.requested(), Some((Level::Database, Mode::IntentExclusive)));
        assert_eq!(mutex.awaited_other().as_deref(), Some("ReplicationStateTransition (X)"));
        assert_eq!(writer.describe(), "Global IX, Database IX, Collection IX");
    }
}
