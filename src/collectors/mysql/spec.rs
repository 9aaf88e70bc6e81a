//! MySQL and MariaDB as the rest of Logstag sees them: one entry (the server says which
//! it is, and the target shows it), URLs, local discovery, collector, checks, templates.

use super::MysqlCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{DatabaseRule, TargetConfig, TlsMode, UrlRules};
use crate::model::EngineKind;

pub static SPEC: EngineSpec = EngineSpec {
    kind: EngineKind::new("mysql"),
    name: "MySQL",
    config_names: &["mysql", "mariadb"],
    url_schemes: &["mysql", "mariadb"],
    default_port: 3306,
    url: UrlRules {
        dialect: None,
        database: DatabaseRule::Name,
        tls_schemes: &[],
        default_tls: TlsMode::Prefer,
    },
    options: &[],
    discovery: &[
        Probe::Environment(&["MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT"]),
        Probe::Tcp { host: "127.0.0.1", port: 3306 },
    ],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "mysql",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &super::metric::ALL,
    normalize: crate::forward::normalize::sql,
    cancel: |id| format!("KILL QUERY {id};"),
    terminate: |id| format!("KILL {id};"),
    present: &super::present::PRESENTATION,
};

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(MysqlCollector::new(target), target, mode, handles)
}
