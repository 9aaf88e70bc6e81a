//! Raw file values → the resolved `Config`: defaults filled in, values checked, target
//! overrides merged. Every problem is reported with the span of the offending value.

use super::error::Sink;
use super::file::{
    RawAgent, RawCollect, RawFile, RawHistory, RawPrometheus, RawTarget, RawTargetEntry, RawUi, Value,
};
use super::values::{expand_home, flag, non_empty, one_of, seconds, secret, text, tier, tls_mode, whole};
use super::{
    AgentConfig, CloudConfig, CollectConfig, Config, HistoryConfig, Intervals, LogOutput, PrometheusConfig,
    TargetConfig, TlsConfig, UiConfig,
};
use crate::collectors::registry;
use std::ops::RangeInclusive;

pub(crate) const PLATFORMS: &[&str] =
    &["self-hosted", "aws-rds", "huawei-rds", "aws", "gcp", "azure", "onprem"];
pub(crate) const LOG_LEVELS: &[&str] = &["error", "warn", "info", "debug", "trace"];
pub(crate) const TLS_MODES: &[&str] = &["disable", "prefer", "require", "verify-full"];

/// The `[collect]` timeouts, in seconds. PostgreSQL takes at most INT_MAX ms for
/// `statement_timeout`/`lock_timeout`, and `query_timeout` is also sent doubled as
/// `idle_in_transaction_session_timeout`; an hour is far below both and above any sane use.
const TIMEOUT_SECS: RangeInclusive<i64> = 1..=3600;

pub(crate) fn resolve(raw: RawFile, sink: &mut Sink<'_>) -> Config {
    let agent = agent(&raw.agent, sink);
    let collect = collect(&raw.collect, sink);
    let targets = raw.targets.iter().filter_map(|t| target(t, &agent.intervals, &collect, sink)).collect();
    Config {
        source: None,
        agent,
        targets,
        history: history(&raw.history, sink),
        ui: ui(&raw.ui, sink),
        collect,
        alerts: super::alerts::resolve(&raw, sink),
        warnings: Vec::new(),
        prometheus: prometheus(&raw.prometheus, sink),
        forwarding: super::forwarding::resolve(&raw.forwarding, sink),
    }
}

fn prometheus(raw: &RawPrometheus, sink: &mut Sink<'_>) -> PrometheusConfig {
    let listen = raw.listen.as_ref().and_then(|v| match v.get_ref().trim().parse() {
        Ok(addr) => Some(addr),
        Err(_) => {
            let message = format!(
                "`{}` is not an address to listen on; write IP:PORT, e.g. \"127.0.0.1:9187\" or \"[::1]:9187\"",
                v.get_ref()
            );
            sink.push(v.span(), "prometheus.listen", message);
            None
        }
    });
    let top_statements = raw
        .top_statements
        .as_ref()
        .and_then(|v| whole(v, "prometheus.top_statements", TOP_STATEMENTS, "statements per target", sink))
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    PrometheusConfig { listen, top_statements }
}

/// `[prometheus] top_statements`: a cap, so the endpoint's cardinality stays bounded.
const TOP_STATEMENTS: RangeInclusive<i64> = 0..=50;

fn log_output(v: &Value<String>, sink: &mut Sink<'_>) -> LogOutput {
    match v.as_ref().map(|v| (v, v.get_ref().trim())) {
        None => LogOutput::Standard,
        Some((_, "-")) => LogOutput::Stderr,
        Some((v, "")) => {
            sink.push(
                v.span(),
                "agent.log_file",
                "must not be empty; leave it out for the standard location",
            );
            LogOutput::Standard
        }
        Some((_, path)) => LogOutput::File(expand_home(path)),
    }
}

fn agent(raw: &RawAgent, sink: &mut Sink<'_>) -> AgentConfig {
    let d = AgentConfig::default();
    let k = |key: &str| format!("agent.{key}");
    AgentConfig {
        api_base_url: super::forwarding::base_url(raw, sink),
        api_key: secret(&raw.api_key),
        log_level: one_of(&raw.log_level, &k("log_level"), LOG_LEVELS, &d.log_level, sink),
        intervals: Intervals {
            high: tier(&raw.high_frequency_interval, &k("high_frequency_interval"), d.intervals.high, sink),
            medium: tier(
                &raw.medium_frequency_interval,
                &k("medium_frequency_interval"),
                d.intervals.medium,
                sink,
            ),
            low: tier(&raw.low_frequency_interval, &k("low_frequency_interval"), d.intervals.low, sink),
            schema: tier(
                &raw.schema_frequency_interval,
                &k("schema_frequency_interval"),
                d.intervals.schema,
                sink,
            ),
        },
        startup_warmup_delay: seconds(
            &raw.startup_warmup_delay,
            &k("startup_warmup_delay"),
            0..=3600,
            1,
            sink,
        )
        .unwrap_or(d.startup_warmup_delay),
        compress_request_payload: flag(&raw.compress_request_payload, d.compress_request_payload),
        update_check_enabled: flag(&raw.update_check_enabled, d.update_check_enabled),
        update_channel: non_empty(&raw.update_channel, &k("update_channel"), &d.update_channel, sink),
        update_check_interval: seconds(
            &raw.update_check_interval,
            &k("update_check_interval"),
            1..=43_200,
            60,
            sink,
        )
        .unwrap_or(d.update_check_interval),
        auto_install_updates: flag(&raw.auto_install_updates, d.auto_install_updates),
        export_to_file: flag(&raw.export_to_file, d.export_to_file),
        export_path: raw.export_path.as_ref().map(|v| expand_home(v.get_ref())),
        mock_mode: flag(&raw.mock_mode, d.mock_mode),
        log_file: log_output(&raw.log_file, sink),
        log_format: match one_of(&raw.log_format, &k("log_format"), &["text", "json"], "text", sink).as_str()
        {
            "json" => super::LogFormat::Json,
            _ => super::LogFormat::Text,
        },
        log_max_bytes: raw
            .log_max_bytes
            .as_ref()
            .and_then(|v| whole(v, &k("log_max_bytes"), 4096..=1 << 40, "bytes", sink))
            .unwrap_or(d.log_max_bytes),
        log_retention: seconds(&raw.log_retention_hours, &k("log_retention_hours"), 1..=8760, 3600, sink)
            .unwrap_or(d.log_retention),
    }
}

fn history(raw: &RawHistory, sink: &mut Sink<'_>) -> HistoryConfig {
    let d = HistoryConfig::default();
    HistoryConfig {
        path: raw.path.as_ref().map(|v| expand_home(v.get_ref())),
        retention: seconds(&raw.retention_hours, "history.retention_hours", 1..=8760, 3600, sink)
            .unwrap_or(d.retention),
        prune_interval: seconds(&raw.prune_interval, "history.prune_interval", 1..=86_400, 1, sink)
            .unwrap_or(d.prune_interval),
        max_bytes: match raw.max_mb.as_ref().and_then(|v| whole(v, "history.max_mb", 0..=1 << 20, "MB", sink))
        {
            Some(0) => None,
            Some(mb) => Some(mb.saturating_mul(1 << 20)),
            None => d.max_bytes,
        },
    }
}

fn ui(raw: &RawUi, sink: &mut Sink<'_>) -> UiConfig {
    let d = UiConfig::default();
    UiConfig {
        refresh: seconds(&raw.refresh_interval, "ui.refresh_interval", 1..=3600, 1, sink)
            .unwrap_or(d.refresh),
        theme: non_empty(&raw.theme, "ui.theme", &d.theme, sink),
        chart_window: seconds(&raw.chart_window, "ui.chart_window", 1..=604_800, 1, sink)
            .unwrap_or(d.chart_window),
    }
}

fn collect(raw: &RawCollect, sink: &mut Sink<'_>) -> CollectConfig {
    let d = CollectConfig::default();
    CollectConfig {
        connect_timeout: seconds(&raw.connect_timeout, "collect.connect_timeout", 1..=300, 1, sink)
            .unwrap_or(d.connect_timeout),
        query_timeout: seconds(&raw.query_timeout, "collect.query_timeout", TIMEOUT_SECS, 1, sink)
            .unwrap_or(d.query_timeout),
        lock_timeout: seconds(&raw.lock_timeout, "collect.lock_timeout", TIMEOUT_SECS, 1, sink)
            .unwrap_or(d.lock_timeout),
    }
}

fn target(
    entry: &RawTargetEntry,
    agent_intervals: &Intervals,
    collect: &CollectConfig,
    sink: &mut Sink<'_>,
) -> Option<TargetConfig> {
    let raw: &RawTarget = &entry.raw;
    let prefix = format!("targets.{}", entry.name);
    let k = |key: &str| format!("{prefix}.{key}");
    let required = |present: bool, key: &str, hint: &str, sink: &mut Sink<'_>| {
        if !present && !entry.broken.iter().any(|b| b == key) {
            sink.push(entry.name_span.clone(), &k(key), format!("missing required key{hint}"));
        }
    };
    if entry.name.trim().is_empty() {
        sink.push(entry.name_span.clone(), &prefix, "a target name must not be empty");
    }
    required(raw.db_engine.is_some(), "db_engine", "", sink);
    required(raw.db_host.is_some(), "db_host", "", sink);
    let engine = raw.db_engine.as_ref().and_then(|v| match registry::by_config_name(v.get_ref()) {
        Some(engine) => Some(engine),
        None => {
            let accepted = registry::config_names();
            let message = format!("unknown engine `{}`; accepted: {}", v.get_ref(), accepted.join(", "));
            sink.push(v.span(), &k("db_engine"), message);
            None
        }
    });
    let hint = engine.map(|e| format!(" (the {} default is {})", e.name, e.default_port)).unwrap_or_default();
    required(raw.db_port.is_some(), "db_port", &hint, sink);

    let port = raw.db_port.as_ref().and_then(|v| match u16::try_from(*v.get_ref()) {
        Ok(port) if port > 0 => Some(port),
        _ => {
            sink.push(v.span(), &k("db_port"), format!("port must be 1 to 65535, found {}", v.get_ref()));
            None
        }
    });
    let host = raw.db_host.as_ref().and_then(|v| {
        let host = v.get_ref().trim();
        if host.is_empty() {
            sink.push(v.span(), &k("db_host"), "must not be empty");
            return None;
        }
        Some(host.trim_start_matches('[').trim_end_matches(']').to_owned())
    });
    let database = raw.db_name.as_ref().map(|v| v.get_ref().clone()).unwrap_or_default();
    if let (Some(engine), Some(v)) = (engine, &raw.db_name)
        && let crate::config::DatabaseRule::Number { max, engines } = engine.url.database
        && engine.url.database.check(v.get_ref()).is_err()
    {
        sink.push(
            v.span(),
            &k("db_name"),
            format!("a {engines} db_name is a database number, \"0\" to \"{max}\""),
        );
    }
    let platform = one_of(&raw.platform, &k("platform"), PLATFORMS, "self-hosted", sink);
    let password = secret(&raw.db_password).unwrap_or_default();
    let cloud = CloudConfig {
        region: text(&raw.cloud_region),
        instance_id: text(&raw.cloud_instance_id),
        access_key: text(&raw.cloud_access_key),
        secret_key: secret(&raw.cloud_secret_key),
        project_id: text(&raw.cloud_project_id),
    };
    let tls = raw.tls.as_ref().map(|t| TlsConfig {
        mode: tls_mode(&t.mode, &k("tls.mode"), sink),
        ca_file: t.ca_file.as_ref().map(|v| expand_home(v.get_ref())),
    });
    let mut intervals = agent_intervals.clone();
    if let Some(o) = &raw.intervals {
        let key = |name: &str| k(&format!("intervals.{name}"));
        intervals.high =
            tier(&o.high_frequency_interval, &key("high_frequency_interval"), intervals.high, sink);
        intervals.medium =
            tier(&o.medium_frequency_interval, &key("medium_frequency_interval"), intervals.medium, sink);
        intervals.low = tier(&o.low_frequency_interval, &key("low_frequency_interval"), intervals.low, sink);
        intervals.schema =
            tier(&o.schema_frequency_interval, &key("schema_frequency_interval"), intervals.schema, sink);
    }
    let tags =
        raw.meta.as_ref().and_then(|m| m.tags.as_ref()).map(|t| t.get_ref().clone()).unwrap_or_default();
    Some(TargetConfig {
        name: entry.name.clone(),
        engine: engine?.kind,
        platform,
        host: host?,
        port: port?,
        username: text(&raw.db_username).unwrap_or_default(),
        password,
        database,
        tls: tls.unwrap_or_default(),
        intervals,
        tags,
        connect_timeout: collect.connect_timeout,
        query_timeout: collect.query_timeout,
        lock_timeout: collect.lock_timeout,
        cloud,
        options: super::engine_options::resolve(&raw.engine_tables, engine?, &prefix, sink),
    })
}
