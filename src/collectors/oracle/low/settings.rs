//! `v$instance`, `v$version`, `v$database` and `v$parameter` rows as `Setting`s (names:
//! `health_checks::setting`).

use super::super::health_checks::setting;
use crate::collectors::text_rows::TextRow;
use crate::model::Setting;

fn s(name: &str, value: impl ToString, unit: &str, source: &str) -> Setting {
    Setting {
        name: name.to_owned(),
        value: value.to_string(),
        unit: unit.to_owned(),
        source: source.to_owned(),
    }
}

/// Parameters whose value is a size in bytes, or a time in seconds.
const BYTES: &[&str] = &[
    "sga_target",
    "sga_max_size",
    "pga_aggregate_target",
    "pga_aggregate_limit",
    "memory_target",
    "memory_max_target",
    "db_recovery_file_dest_size",
];
const SECONDS: &[&str] = &["undo_retention", "archive_lag_target"];

/// The instance row: name, host, version (VERSION_FULL where present), edition, status,
/// startup and uptime (counted by the server), container and banner.
pub fn instance(rows: &[TextRow]) -> Vec<Setting> {
    let Some(r) = rows.first() else { return Vec::new() };
    let source = "v$instance";
    let mut out = Vec::new();
    let version = r.get("version_full").or_else(|| r.get("version"));
    let text = [
        (setting::INSTANCE_NAME, r.get("instance_name")),
        (setting::INSTANCE_HOST, r.get("host_name")),
        (setting::INSTANCE_VERSION, version),
        (setting::INSTANCE_EDITION, r.get("edition")),
        (setting::INSTANCE_STATUS, r.get("status")),
        (setting::INSTANCE_DATABASE_STATUS, r.get("database_status")),
        (setting::INSTANCE_STARTUP_TIME, r.get("startup_time")),
        (setting::INSTANCE_CONTAINER, r.get("con_name")),
    ];
    for (name, value) in text {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            out.push(s(name, v, "", source));
        }
    }
    if let Some(uptime) = r.uint("uptime_s") {
        out.push(s(setting::INSTANCE_UPTIME_S, uptime, "s", source));
    }
    if let Some(banner) = r.get("banner").map(str::trim).filter(|b| !b.is_empty()) {
        // BANNER_FULL holds the release and the version on two lines.
        out.push(s(
            setting::INSTANCE_BANNER,
            banner.split_whitespace().collect::<Vec<_>>().join(" "),
            "",
            "v$version",
        ));
    }
    out
}

/// The database row: identity, logging, role and whether Unified Auditing is pure.
pub fn database(rows: &[TextRow]) -> Vec<Setting> {
    let Some(r) = rows.first() else { return Vec::new() };
    [
        (setting::DATABASE_NAME, "name"),
        (setting::DATABASE_UNIQUE_NAME, "db_unique_name"),
        (setting::DATABASE_CDB, "cdb"),
        (setting::DATABASE_LOG_MODE, "log_mode"),
        (setting::DATABASE_FLASHBACK_ON, "flashback_on"),
        (setting::DATABASE_FORCE_LOGGING, "force_logging"),
        (setting::DATABASE_ROLE, "database_role"),
        (setting::DATABASE_OPEN_MODE, "open_mode"),
        (setting::DATABASE_PROTECTION_MODE, "protection_mode"),
        (setting::DATABASE_DATAGUARD_BROKER, "dataguard_broker"),
        (setting::DATABASE_UNIFIED_AUDITING, "unified_auditing"),
    ]
    .iter()
    .filter_map(|(name, column)| {
        let v = r.get(column)?.trim();
        let source = if *column == "unified_auditing" { "v$option" } else { "v$database" };
        (!v.is_empty()).then(|| s(name, v, "", source))
    })
    .collect()
}

/// `v$parameter` rows under Oracle's names; an unset value (NULL) is an empty string, as
/// unset is itself the fact (no recovery area, no archive destination).
pub fn parameters(rows: &[TextRow]) -> Vec<Setting> {
    rows.iter()
        .filter_map(|r| {
            let name = r.get("name")?.trim().to_ascii_lowercase();
            let value = r.get("value").map(str::trim).unwrap_or_default();
            let unit = if BYTES.contains(&name.as_str()) {
                "bytes"
            } else if SECONDS.contains(&name.as_str()) {
                "s"
            } else {
                ""
            };
            let source =
                if r.flag("isdefault") == Some(true) { "v$parameter (default)" } else { "v$parameter" };
            Some(s(&name, value, unit, source))
        })
        .collect()
}

/// The number of Unified Auditing policies enabled.
pub fn audit_policies(rows: &[TextRow]) -> Option<Setting> {
    let n = rows.first()?.uint("enabled_policies")?;
    Some(s(setting::AUDIT_POLICIES_ENABLED, n, "", "audit_unified_enabled_policies"))
}

/// Whether the database is open for reading the data dictionary (`dba_*` views need an
/// open database: a MOUNTED standby answers only `v$` views).
pub fn dictionary_readable(settings: &[Setting]) -> bool {
    settings
        .iter()
        .find(|s| s.name == setting::DATABASE_OPEN_MODE)
        .is_none_or(|s| s.value.to_ascii_uppercase().starts_with("READ"))
}
