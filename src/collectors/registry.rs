//! The one table of engines. Config validation, URL parsing and local discovery read
//! it; adding an engine adds a row here and an arm in `spawn`.

use super::Collector;
use super::scheduler::{self, SchedulerHandles};
use crate::config::TargetConfig;
use crate::model::{CounterGuide, PLAIN_COUNTERS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    Postgres,
    SqlServer,
    MongoDb,
    Redis,
    Valkey,
    Oracle,
}

pub struct EngineSpec {
    pub engine: Engine,
    /// Display name.
    pub name: &'static str,
    /// Accepted `db_engine` values (the first is canonical).
    pub config_names: &'static [&'static str],
    /// URL schemes accepted on the command line.
    pub url_schemes: &'static [&'static str],
    pub default_port: u16,
    /// Whether this build can monitor the engine yet.
    pub supported: bool,
    /// How its statement counters read (Queries table and statement detail).
    pub counters: &'static CounterGuide,
}

pub const ENGINES: &[EngineSpec] = &[
    EngineSpec {
        engine: Engine::Postgres,
        name: "PostgreSQL",
        config_names: &["postgresql", "postgres"],
        url_schemes: &["postgresql", "postgres"],
        default_port: 5432,
        supported: true,
        counters: &super::postgres::statement_counters::GUIDE,
    },
    EngineSpec {
        engine: Engine::SqlServer,
        name: "SQL Server",
        config_names: &["mssql", "sqlserver"],
        url_schemes: &["mssql", "sqlserver"],
        default_port: 1433,
        supported: false,
        counters: &PLAIN_COUNTERS,
    },
    EngineSpec {
        engine: Engine::MongoDb,
        name: "MongoDB",
        config_names: &["mongodb"],
        url_schemes: &["mongodb"],
        default_port: 27017,
        supported: false,
        counters: &PLAIN_COUNTERS,
    },
    EngineSpec {
        engine: Engine::Redis,
        name: "Redis",
        config_names: &["redis"],
        url_schemes: &["redis", "rediss"],
        default_port: 6379,
        supported: true,
        counters: &PLAIN_COUNTERS,
    },
    EngineSpec {
        engine: Engine::Valkey,
        name: "Valkey",
        config_names: &["valkey"],
        url_schemes: &["valkey", "valkeys"],
        default_port: 6379,
        supported: true,
        counters: &PLAIN_COUNTERS,
    },
    EngineSpec {
        engine: Engine::Oracle,
        name: "Oracle",
        config_names: &["oracle"],
        url_schemes: &["oracle"],
        default_port: 1521,
        supported: false,
        counters: &PLAIN_COUNTERS,
    },
];

impl Engine {
    pub fn spec(self) -> &'static EngineSpec {
        // ENGINES has one row per variant; the fallback is never reached.
        ENGINES.iter().find(|s| s.engine == self).unwrap_or(&ENGINES[0])
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_config_name(name: &str) -> Option<Engine> {
        let lower = name.to_ascii_lowercase();
        ENGINES.iter().find(|s| s.config_names.contains(&lower.as_str())).map(|s| s.engine)
    }

    /// Back from `TargetInfo.engine` (the display name) to the engine.
    pub fn from_display_name(name: &str) -> Option<Engine> {
        ENGINES.iter().find(|s| s.name.eq_ignore_ascii_case(name)).map(|s| s.engine)
    }

    /// Redis and Valkey share one model, one check catalogue and one set of alert rules.
    pub fn is_key_value(self) -> bool {
        matches!(self, Engine::Redis | Engine::Valkey)
    }

    pub fn from_url_scheme(scheme: &str) -> Option<Engine> {
        let lower = scheme.to_ascii_lowercase();
        ENGINES.iter().find(|s| s.url_schemes.contains(&lower.as_str())).map(|s| s.engine)
    }
}

/// Whether a target is watched until shutdown or collected once (`logstag snapshot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    Continuous,
    Once,
}

/// Starts the collection task of one target. Unsupported engines are reported as a
/// Down status rather than refused, so one such target in a shared agent config does
/// not stop the others.
pub fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    match target.engine {
        Engine::Postgres => start(super::postgres::PostgresCollector::new(target), target, mode, handles),
        Engine::Redis | Engine::Valkey => {
            start(super::redis::RedisCollector::new(target), target, mode, handles)
        }
        other => tokio::spawn(scheduler::unsupported(target.id(), other.name(), mode, handles)),
    }
}

fn start<C: Collector>(
    collector: C,
    target: &TargetConfig,
    mode: RunMode,
    handles: SchedulerHandles,
) -> tokio::task::JoinHandle<()> {
    let intervals = target.intervals.clone();
    match mode {
        RunMode::Continuous => tokio::spawn(scheduler::run(collector, intervals, handles)),
        RunMode::Once => tokio::spawn(scheduler::run_once(collector, intervals, handles)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_has_exactly_one_row() {
        for e in [
            Engine::Postgres,
            Engine::SqlServer,
            Engine::MongoDb,
            Engine::Redis,
            Engine::Valkey,
            Engine::Oracle,
        ] {
            assert_eq!(ENGINES.iter().filter(|s| s.engine == e).count(), 1);
            assert_eq!(e.spec().engine, e);
        }
    }

    #[test]
    fn names_and_schemes_resolve() {
        assert_eq!(Engine::from_config_name("PostgreSQL"), Some(Engine::Postgres));
        assert_eq!(Engine::from_url_scheme("postgres"), Some(Engine::Postgres));
        assert_eq!(Engine::from_config_name("mysql"), None);
        for spec in ENGINES {
            assert_eq!(Engine::from_display_name(spec.name), Some(spec.engine));
        }
        assert_eq!(Engine::from_display_name(""), None);
        assert!(Engine::Valkey.is_key_value() && !Engine::Postgres.is_key_value());
    }
}
