//! Oracle as the rest of Logstag sees it: names, URLs, its option table, collector,
//! checks, templates and presentation.

use super::OracleCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{DatabaseRule, OptionKey, OptionKind, OptionTable, TargetConfig, TlsMode, UrlRules};
use crate::model::EngineKind;

pub static SPEC: EngineSpec = EngineSpec {
    kind: EngineKind::new("oracle"),
    name: "Oracle",
    config_names: &["oracle"],
    url_schemes: &["oracle"],
    default_port: 1521,
    url: UrlRules {
        dialect: Some(&super::url::DIALECT),
        database: DatabaseRule::Name,
        tls_schemes: &[],
        // TCPS is its own listener port (usually 2484); a plain listener is asked in the
        // clear, with whatever Native Network Encryption sqlnet.ora negotiates.
        default_tls: TlsMode::Disable,
    },
    options: OPTIONS,
    discovery: &[Probe::Tcp { host: "127.0.0.1", port: 1521 }],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "oracle",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &super::metric::ALL,
    normalize: crate::forward::normalize::sql,
    // Oracle names a session by SID and SERIAL# (a SID is reused); CANCEL SQL (18c+)
    // stops the running call only, KILL SESSION ends the session and rolls back.
    cancel: |s| format!("ALTER SYSTEM CANCEL SQL '{}';", super::present::sid_serial(s)),
    terminate: |s| format!("ALTER SYSTEM KILL SESSION '{}' IMMEDIATE;", super::present::sid_serial(s)),
    present: &super::present::PRESENTATION,
    plan: None,
    fleet_defaults: None,
};

/// `[targets.<name>.oracle]`.
pub const OPTIONS: &[OptionTable] = &[OptionTable {
    table: "oracle",
    purpose: "Oracle connection and licence options",
    keys: &[
        // Active Session History is part of the Oracle Diagnostics Pack (a separate
        // licence): never queried unless this says the database is licensed for it.
        OptionKey { name: "diagnostics_pack", kind: OptionKind::Flag { default: false } },
        // Directory of libclntsh.so (Instant Client); empty: the loader's own search.
        // One per process: the first Oracle target to connect loads the library.
        OptionKey { name: "client_lib_dir", kind: OptionKind::Text { default: "", allowed: &[] } },
        // A tnsnames.ora alias or a full (DESCRIPTION=…) instead of host, port and service.
        OptionKey { name: "tns_name", kind: OptionKind::Text { default: "", allowed: &[] } },
        // Wallet directory for TCPS (the server's CA, or a client certificate).
        OptionKey { name: "wallet_location", kind: OptionKind::Text { default: "", allowed: &[] } },
    ],
}];

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(OracleCollector::new(target), target, mode, handles)
}
