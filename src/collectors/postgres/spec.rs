//! PostgreSQL as the rest of Logstag sees it: names, URLs read the way libpq reads them,
//! local discovery, its collector, checks, alert templates and presentation.

use super::PostgresCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{
    DatabaseRule, OptionKey, OptionKind, OptionTable, TargetConfig, TlsMode, UrlDialect, UrlParts, UrlRules,
};
use crate::model::EngineKind;

pub static SPEC: EngineSpec = EngineSpec {
    kind: EngineKind::new("postgresql"),
    name: "PostgreSQL",
    config_names: &["postgresql", "postgres"],
    url_schemes: &["postgresql", "postgres"],
    default_port: 5432,
    url: UrlRules {
        dialect: Some(&LIBPQ),
        database: DatabaseRule::Name,
        tls_schemes: &[],
        default_tls: TlsMode::Prefer,
    },
    options: OPTIONS,
    discovery: &[
        Probe::Environment(&["PGHOST", "PGPORT", "PGHOSTADDR", "PGDATABASE", "PGUSER"]),
        // Debian/Ubuntu, RHEL, source builds.
        Probe::UnixSockets { dirs: &["/var/run/postgresql", "/run/postgresql", "/tmp"], prefix: ".s.PGSQL." },
        Probe::Tcp { host: "127.0.0.1", port: 5432 },
    ],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "postgresql",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &super::io::pg_metric::ALL,
    normalize: crate::forward::normalize::sql,
    cancel: |s| format!("SELECT pg_cancel_backend({});", s.id),
    terminate: |s| format!("SELECT pg_terminate_backend({});", s.id),
    present: &super::present::PRESENTATION,
    plan: Some(super::plan::spawn),
    fleet_defaults: Some(super::scope::fleet_defaults),
};

/// `[targets.<name>.postgresql]`: what the target watches (`scope.rs`). Unset (empty) is
/// decided per run: the whole server for a lone target, its own database when several
/// targets share the server.
pub const OPTIONS: &[OptionTable] = &[OptionTable {
    table: "postgresql",
    purpose: "PostgreSQL target options",
    keys: &[OptionKey {
        name: "scope",
        kind: OptionKind::Text { default: "", allowed: &[super::scope::CLUSTER, super::scope::DATABASE] },
    }],
}];

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(PostgresCollector::new(target), target, mode, handles)
}

/// libpq's URL parameters and environment variables.
static LIBPQ: UrlDialect = UrlDialect {
    params: &[
        "host",
        "port",
        "user",
        "password",
        "dbname",
        "sslmode",
        "sslrootcert",
        "connect_timeout",
        "application_name",
        "scope",
    ],
    param: libpq_param,
    env: libpq_env,
    connection_string: None,
};

fn libpq_param(url: &mut UrlParts, name: &str, value: String) -> Result<(), String> {
    match name {
        "sslmode" => url.sslmode = Some(value),
        "sslrootcert" => url.ca_file = Some(value),
        "host" => url.host = Some(value),
        "port" => url.port = Some(crate::config::parse_url_port(&value)?),
        "user" => url.user = Some(value),
        "password" => url.password = Some(value),
        "dbname" => url.database = Some(value),
        "connect_timeout" => match value.parse::<u64>() {
            Ok(secs) if secs > 0 => url.connect_timeout = Some(std::time::Duration::from_secs(secs)),
            _ => return Err(format!("connect_timeout must be a whole number of seconds, found `{value}`")),
        },
        // We name our own sessions so they can be told apart from the application's.
        "application_name" => {}
        // Ours, not libpq's: `?scope=database` (`scope.rs`).
        "scope" => url.options.push(("postgresql", "scope", value)),
        other => {
            return Err(format!(
                "unsupported URL parameter `{other}`; accepted: {}",
                LIBPQ.params.join(", ")
            ));
        }
    }
    Ok(())
}

/// libpq: environment variables fill what the URL leaves out.
fn libpq_env(url: &mut UrlParts, env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    url.host = url.host.take().or_else(|| env("PGHOST"));
    if url.port.is_none()
        && let Some(p) = env("PGPORT")
    {
        url.port = Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("PGPORT must be 1 to 65535, found `{p}`"))?,
        );
    }
    url.user = url.user.take().or_else(|| env("PGUSER")).or_else(|| env("USER"));
    url.password = url.password.take().or_else(|| env("PGPASSWORD"));
    url.database = url.database.take().or_else(|| env("PGDATABASE")).or_else(|| url.user.clone());
    url.sslmode = url.sslmode.take().or_else(|| env("PGSSLMODE"));
    url.ca_file = url.ca_file.take().or_else(|| env("PGSSLROOTCERT"));
    Ok(())
}

/// A local PostgreSQL target with default settings; handy as `..Default::default()`.
#[cfg(test)]
impl Default for crate::config::TargetConfig {
    fn default() -> Self {
        let collect = crate::config::CollectConfig::default();
        Self {
            name: "localhost:5432/postgres".to_owned(),
            engine: SPEC.kind,
            platform: "self-hosted".to_owned(),
            host: "localhost".to_owned(),
            port: 5432,
            username: String::new(),
            password: crate::config::Secret::default(),
            database: "postgres".to_owned(),
            tls: crate::config::TlsConfig::default(),
            intervals: crate::config::Intervals::default(),
            tags: Vec::new(),
            connect_timeout: collect.connect_timeout,
            query_timeout: collect.query_timeout,
            lock_timeout: collect.lock_timeout,
            cloud: crate::config::CloudConfig::default(),
            options: Default::default(),
        }
    }
}
