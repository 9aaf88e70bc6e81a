//! MongoDB as the rest of Logstag sees it: names, URLs, its option table, collector,
//! checks, templates and presentation.

use super::MongoCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{DatabaseRule, OptionKey, OptionKind, OptionTable, TargetConfig, TlsMode, UrlRules};
use crate::model::EngineKind;

pub static SPEC: EngineSpec = EngineSpec {
    kind: EngineKind::new("mongodb"),
    name: "MongoDB",
    config_names: &["mongodb", "mongo"],
    url_schemes: &["mongodb", "mongodb+srv"],
    default_port: 27017,
    url: UrlRules {
        dialect: Some(&super::url::DIALECT),
        database: DatabaseRule::Name,
        // A seed list from DNS is a managed service (Atlas): TLS is on there.
        tls_schemes: &["mongodb+srv"],
        default_tls: TlsMode::Prefer,
    },
    options: OPTIONS,
    discovery: &[Probe::Tcp { host: "127.0.0.1", port: 27017 }],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "mongodb",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &super::metric::ALL,
    normalize: super::normalize::shape,
    // killOp ends the operation (the client gets an error); MongoDB has no gentler cancel,
    // and ending a connection is not something a shell offers.
    cancel: |s| format!("db.killOp({})", s.id),
    terminate: |s| format!("db.killOp({})", s.id),
    present: &super::present::PRESENTATION,
    plan: None,
    fleet_defaults: None,
};

/// `[targets.<name>.mongodb]`: what a `mongodb://` URL's parameters say, for config files.
pub const OPTIONS: &[OptionTable] = &[OptionTable {
    table: "mongodb",
    purpose: "MongoDB connection options",
    keys: &[
        // Where the user is defined; empty = the target's database, or admin without one.
        OptionKey { name: "auth_source", kind: OptionKind::Text { default: "", allowed: &[] } },
        OptionKey {
            name: "auth_mechanism",
            kind: OptionKind::Text {
                default: "",
                allowed: &["SCRAM-SHA-256", "SCRAM-SHA-1", "MONGODB-X509", "PLAIN"],
            },
        },
        // Set name to check, and to discover the set from this member (with direct = false).
        OptionKey { name: "replica_set", kind: OptionKind::Text { default: "", allowed: &[] } },
        // Talk to this one server (a secondary too) rather than the set's primary.
        OptionKey { name: "direct_connection", kind: OptionKind::Flag { default: true } },
        OptionKey {
            name: "read_preference",
            kind: OptionKind::Text {
                default: "primaryPreferred",
                allowed: &["primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"],
            },
        },
        // Client certificate and key (PEM) for TLS and MONGODB-X509.
        OptionKey { name: "tls_certificate_key_file", kind: OptionKind::Text { default: "", allowed: &[] } },
        // The host is a DNS SRV name (`mongodb+srv://`).
        OptionKey { name: "srv", kind: OptionKind::Flag { default: false } },
    ],
}];

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(MongoCollector::new(target), target, mode, handles)
}
