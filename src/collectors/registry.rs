//! The one list of engines. Adding an engine adds its folder and one line to `ENGINES`;
//! config validation, URL parsing, local discovery, alert templates, health checks and
//! the UI all read the engines' `EngineSpec`s from here (docs/adding-an-engine.md).

use super::Collector;
use super::scheduler::{self, SchedulerHandles};
pub use super::spec::{EngineSpec, Probe};
use crate::config::TargetConfig;
use crate::model::EngineKind;

pub static ENGINES: &[&EngineSpec] = &[
    &super::postgres::spec::SPEC,
    &super::mssql::spec::SPEC,
    &super::mongodb::spec::SPEC,
    &super::redis::spec::REDIS,
    &super::redis::spec::VALKEY,
    &super::oracle::spec::SPEC,
    &super::mysql::spec::SPEC,
];

/// The engine of `kind`; every kind comes from this table, so the fallback (the first
/// engine) is never reached.
pub fn spec(kind: EngineKind) -> &'static EngineSpec {
    ENGINES.iter().copied().find(|s| s.kind == kind).unwrap_or(ENGINES[0])
}

/// `db_engine` values match case-insensitively (`PostgreSQL`, `postgres`, `REDIS`).
pub fn by_config_name(name: &str) -> Option<&'static EngineSpec> {
    ENGINES.iter().copied().find(|s| s.config_names.iter().any(|n| n.eq_ignore_ascii_case(name)))
}

pub fn by_url_scheme(scheme: &str) -> Option<&'static EngineSpec> {
    ENGINES.iter().copied().find(|s| s.url_schemes.iter().any(|n| n.eq_ignore_ascii_case(scheme)))
}

/// Back from `TargetInfo.engine` (the display name) to the engine.
pub fn by_display_name(name: &str) -> Option<&'static EngineSpec> {
    ENGINES.iter().copied().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Every metric name some engine emits: the neutral ones and each engine's own.
pub fn known_metrics() -> Vec<&'static str> {
    let own = ENGINES.iter().flat_map(|e| e.metrics.iter().copied());
    crate::model::metric::ALL.iter().copied().chain(own).collect()
}

/// Every accepted `db_engine` value, for messages.
pub fn config_names() -> Vec<&'static str> {
    ENGINES.iter().flat_map(|s| s.config_names.iter().copied()).collect()
}

/// Whether a target is watched until shutdown or collected once (`logstag snapshot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    Continuous,
    Once,
    /// Once, then the medium tier again `after` later: statement statistics are deltas
    /// between two readings (`logstag snapshot --interval`).
    OnceWithDeltas {
        after: std::time::Duration,
    },
}

impl RunMode {
    pub fn is_once(self) -> bool {
        self != RunMode::Continuous
    }
}

/// Lets each engine settle the option defaults that depend on the run's other targets
/// (`EngineSpec::fleet_defaults`); returns what they decided, to log once at start.
pub fn fleet_defaults(targets: &mut [TargetConfig]) -> Vec<String> {
    ENGINES.iter().filter_map(|e| e.fleet_defaults).flat_map(|settle| settle(targets)).collect()
}

/// Starts the collection task of one target. Engines this build cannot monitor are
/// reported as a Down status rather than refused.
pub fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    let engine = spec(target.engine);
    match engine.spawn {
        Some(spawn) => spawn(target, mode, handles),
        None => tokio::spawn(scheduler::unsupported(target.id(), engine.name, mode, handles)),
    }
}

/// The scheduler loop for one engine's collector (each spec's `spawn` calls this).
pub fn start<C: Collector>(
    collector: C,
    target: &TargetConfig,
    mode: RunMode,
    handles: SchedulerHandles,
) -> tokio::task::JoinHandle<()> {
    let intervals = target.intervals.clone();
    match mode {
        RunMode::Continuous => tokio::spawn(scheduler::run(collector, intervals, handles)),
        RunMode::Once => tokio::spawn(scheduler::run_once(collector, intervals, handles, None)),
        RunMode::OnceWithDeltas { after } => {
            tokio::spawn(scheduler::run_once(collector, intervals, handles, Some(after)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_has_exactly_one_row_and_unique_names() {
        for e in ENGINES {
            assert_eq!(ENGINES.iter().filter(|s| s.kind == e.kind).count(), 1, "{}", e.name);
            assert_eq!(spec(e.kind).name, e.name);
            assert_eq!(e.config_names.first(), Some(&e.kind.key()), "the kind is the canonical db_engine");
            for name in e.config_names {
                assert_eq!(by_config_name(name).map(|s| s.kind), Some(e.kind));
            }
            for scheme in e.url_schemes {
                assert_eq!(by_url_scheme(scheme).map(|s| s.kind), Some(e.kind));
            }
        }
    }

    #[test]
    fn names_and_schemes_resolve() {
        let kind = |s: Option<&EngineSpec>| s.map(|s| s.name);
        assert_eq!(kind(by_config_name("PostgreSQL")), Some("PostgreSQL"));
        assert_eq!(kind(by_url_scheme("postgres")), Some("PostgreSQL"));
        assert_eq!(kind(by_config_name("MariaDB")), Some("MySQL"));
        assert_eq!(kind(by_url_scheme("mariadb")), Some("MySQL"));
        assert_eq!(kind(by_config_name("db2")), None);
        for spec in ENGINES {
            assert_eq!(by_display_name(spec.name).map(|s| s.kind), Some(spec.kind));
        }
        assert!(by_display_name("").is_none());
    }
}
