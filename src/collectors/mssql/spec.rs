//! SQL Server as the rest of Logstag sees it: names, URLs, its option table, collector,
//! checks, templates and presentation.

use super::MssqlCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{DatabaseRule, OptionKey, OptionKind, OptionTable, TargetConfig, TlsMode, UrlRules};
use crate::model::EngineKind;

pub static SPEC: EngineSpec = EngineSpec {
    kind: EngineKind::new("mssql"),
    name: "SQL Server",
    config_names: &["mssql", "sqlserver"],
    url_schemes: &["mssql", "sqlserver"],
    default_port: 1433,
    url: UrlRules {
        dialect: Some(&super::url::DIALECT),
        database: DatabaseRule::Name,
        tls_schemes: &[],
        default_tls: TlsMode::Prefer,
    },
    options: OPTIONS,
    discovery: &[Probe::Tcp { host: "127.0.0.1", port: 1433 }],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "mssql",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &super::metric::ALL,
    normalize: crate::forward::normalize::sql,
    // KILL ends the session and rolls its transaction back; SQL Server has no cancel of
    // another session's request short of that.
    cancel: |s| format!("KILL {};", s.id),
    terminate: |s| format!("KILL {};", s.id),
    present: &super::present::PRESENTATION,
    plan: None,
    fleet_defaults: None,
};

/// `[targets.<name>.mssql]`.
pub const OPTIONS: &[OptionTable] = &[OptionTable {
    table: "mssql",
    purpose: "SQL Server connection options",
    keys: &[OptionKey { name: "strict_encryption", kind: OptionKind::Flag { default: false } }],
}];

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(MssqlCollector::new(target), target, mode, handles)
}
