//! What a PostgreSQL target watches: the whole server (`scope = "cluster"`) or only its
//! own database (`"database"`). Statistics views, sizes and the schema list are
//! cluster-wide, so N targets on one server that each read everything do N times the
//! server's work (docs/performance.md, "Many targets on one PostgreSQL cluster").

use crate::config::{OptionValue, TargetConfig};
use std::collections::BTreeMap;

/// The option's path in `EngineOptions`.
pub const OPTION: &str = "postgresql.scope";
pub const CLUSTER: &str = "cluster";
pub const DATABASE: &str = "database";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every database of the server: sessions, statements, counters, sizes, schema.
    Cluster,
    /// Only the target's own database; server-wide facts (instance, replication,
    /// checkpoints, I/O, settings) are still read, as they are the database's too.
    Database,
}

impl Scope {
    /// The target's scope; unset (the fleet rule did not run, e.g. in tests) is `Cluster`.
    pub fn of(target: &TargetConfig) -> Self {
        if target.options.text(OPTION) == DATABASE { Scope::Database } else { Scope::Cluster }
    }
}

/// `EngineSpec::fleet_defaults` of PostgreSQL: a target that does not set `scope` watches
/// the whole server when it is the only target there, and only its own database when
/// two or more PostgreSQL targets of the run name the same host and port (one target
/// per database of one cluster, a common layout). Returns one line per group decided.
///
/// Here rather than in config validation: the rule needs every target of the run,
/// command-line URLs and discovered servers included, and only PostgreSQL knows what
/// "same server" means for its option.
pub fn fleet_defaults(targets: &mut [TargetConfig]) -> Vec<String> {
    let ours = |t: &TargetConfig| t.engine == super::spec::SPEC.kind;
    let mut per_server: BTreeMap<(String, u16), Vec<usize>> = BTreeMap::new();
    for (i, t) in targets.iter().enumerate().filter(|(_, t)| ours(t)) {
        per_server.entry((t.host.to_ascii_lowercase(), t.port)).or_default().push(i);
    }
    let mut notes = Vec::new();
    for ((host, port), members) in per_server {
        let shared = members.len() >= 2;
        let mut scoped = Vec::new();
        for i in members.iter().copied() {
            let target = &mut targets[i];
            if target.options.text(OPTION).is_empty() {
                let scope = if shared { DATABASE } else { CLUSTER };
                target.options.set("postgresql", "scope", OptionValue::Text(scope.to_owned()));
                if shared {
                    scoped.push(target.name.clone());
                }
            }
        }
        if !scoped.is_empty() {
            notes.push(format!(
                "{} PostgreSQL targets share the server {host}:{port}: {} watch only their own \
                 database (scope = \"database\"; set scope = \"cluster\" on one target to see the \
                 whole server there)",
                members.len(),
                scoped.join(", "),
            ));
        }
    }
    notes
}

impl super::PostgresCollector {
    /// Whether rows of database `name` belong to this target.
    pub(super) fn watches_database(&self, name: &str) -> bool {
        self.scope == Scope::Cluster || name == super::connect::database_name(&self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineOptions;

    fn target(name: &str, host: &str, port: u16, scope: &str) -> TargetConfig {
        let mut options = EngineOptions::defaults(super::super::spec::SPEC.options);
        options.set("postgresql", "scope", OptionValue::Text(scope.to_owned()));
        TargetConfig {
            name: name.into(),
            host: host.into(),
            port,
            database: name.into(),
            options,
            ..Default::default()
        }
    }

    #[test]
    fn the_declared_default_is_unset_and_reads_as_cluster() {
        let options = EngineOptions::defaults(super::super::spec::SPEC.options);
        assert_eq!(options.text(OPTION), "");
        let lone = TargetConfig { options, ..Default::default() };
        assert_eq!(Scope::of(&lone), Scope::Cluster);
    }

    #[test]
    fn a_lone_target_watches_its_cluster() {
        let mut targets = vec![target("a", "db1", 5432, ""), target("b", "db2", 5432, "")];
        assert!(fleet_defaults(&mut targets).is_empty());
        assert!(targets.iter().all(|t| Scope::of(t) == Scope::Cluster));
        assert!(targets.iter().all(|t| t.options.text(OPTION) == CLUSTER));
    }

    #[test]
    fn targets_sharing_a_server_watch_their_database_unless_set() {
        let mut targets = vec![
            target("a", "DB1", 5432, ""),
            target("b", "db1", 5432, ""),
            target("c", "db1", 5432, CLUSTER),
            target("d", "db1", 5433, ""),
        ];
        let notes = fleet_defaults(&mut targets);
        let scopes: Vec<Scope> = targets.iter().map(Scope::of).collect();
        assert_eq!(scopes, [Scope::Database, Scope::Database, Scope::Cluster, Scope::Cluster]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("3 PostgreSQL targets share the server db1:5432: a, b "),
            "{}",
            notes[0]
        );
    }

    #[test]
    fn an_explicit_database_scope_is_kept_on_a_lone_target() {
        let mut targets = vec![target("a", "db1", 5432, DATABASE)];
        assert!(fleet_defaults(&mut targets).is_empty());
        assert_eq!(Scope::of(&targets[0]), Scope::Database);
    }

    #[test]
    fn other_engines_are_left_alone() {
        let mut other = target("r", "db1", 5432, "");
        other.engine = crate::model::EngineKind::new("redis");
        let mut targets = vec![other.clone(), other];
        assert!(fleet_defaults(&mut targets).is_empty());
        assert!(targets.iter().all(|t| t.options.text(OPTION).is_empty()));
    }
}
