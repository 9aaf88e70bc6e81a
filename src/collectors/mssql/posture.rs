//! The low tier's replies as model values: settings (`sys.configurations` and server
//! facts) and the posture facts of databases, TDE and backups. Logins, orphaned users,
//! services and jobs are in `posture_access.rs`. Names: `health_checks::{setting, fact}`.

use super::health_checks::{BACKUP_WINDOW_DAYS, fact, setting};
use super::low_queries::MAX_DATABASES;
use super::rows::TextRow;
use crate::model::{PostureFact, Setting};

/// A read the checks need but the target can do without: the rows, or the refusal in
/// words (it becomes an `unavailable` fact, not a degraded target).
pub type Read = Result<Vec<TextRow>, String>;

pub fn f(name: &str, key: &str, value: impl ToString) -> PostureFact {
    PostureFact { name: name.to_owned(), key: key.to_owned(), value: value.to_string() }
}

fn s(name: &str, value: impl ToString, unit: &str, source: &str) -> Setting {
    Setting {
        name: name.to_owned(),
        value: value.to_string(),
        unit: unit.to_owned(),
        source: source.to_owned(),
    }
}

/// `sys.configurations` rows: the value in use, under the server's own option name.
pub fn configurations(rows: &[TextRow]) -> Vec<Setting> {
    rows.iter()
        .filter_map(|r| {
            let name = r.get("name")?.trim();
            let value = r.int("value_in_use")?;
            Some(s(name, value, "", "sys.configurations"))
        })
        .collect()
}

/// SERVERPROPERTY values as `server.*` settings.
pub fn server_properties(rows: &[TextRow]) -> Vec<Setting> {
    let Some(r) = rows.first() else { return Vec::new() };
    let mut out = Vec::new();
    let source = "SERVERPROPERTY";
    if let Some(windows_only) = r.flag("integrated_security_only") {
        out.push(s(setting::AUTHENTICATION, if windows_only { "Windows" } else { "Mixed" }, "", source));
    }
    for (name, column) in
        [(setting::IS_CLUSTERED, "is_clustered"), (setting::IS_HADR_ENABLED, "is_hadr_enabled")]
    {
        if let Some(v) = r.flag(column) {
            out.push(s(name, v, "", source));
        }
    }
    for (name, column) in [
        (setting::EDITION, "edition"),
        (setting::ENGINE_EDITION, "engine_edition"),
        (setting::PRODUCT_VERSION, "product_version"),
        (setting::COLLATION, "collation"),
    ] {
        if let Some(v) = r.get(column) {
            out.push(s(name, v.trim(), "", source));
        }
    }
    out
}

/// Which server permissions the monitoring login holds (HAS_PERMS_BY_NAME).
pub fn permissions(rows: &[TextRow]) -> Vec<PostureFact> {
    let Some(r) = rows.first() else { return Vec::new() };
    [
        (fact::VIEW_ANY_DEFINITION, "view_any_definition"),
        (fact::VIEW_SERVER_STATE, "view_server_state"),
        (fact::CONTROL_SERVER, "control_server"),
    ]
    .iter()
    .filter_map(|(permission, column)| Some(f(fact::PERMISSION, permission, r.flag(column)?)))
    .collect()
}

/// False when the monitoring login is known to lack VIEW ANY DEFINITION: it then sees
/// no other user in other databases. Unknown (the read failed) counts as seeing.
pub fn sees_other_users(facts: &[PostureFact]) -> bool {
    !facts
        .iter()
        .any(|f| f.name == fact::PERMISSION && f.key == fact::VIEW_ANY_DEFINITION && f.value == "false")
}

/// `sys.dm_os_sys_info` as `server.*` settings.
pub fn sys_info(rows: &[TextRow]) -> Vec<Setting> {
    let Some(r) = rows.first() else { return Vec::new() };
    let source = "sys.dm_os_sys_info";
    let mut out = Vec::new();
    for (name, column, unit) in [
        (setting::CPU_COUNT, "cpu_count", ""),
        (setting::NUMA_NODES, "numa_nodes", ""),
        (setting::PHYSICAL_MEMORY_MB, "physical_memory_mb", "MB"),
        (setting::UPTIME_S, "uptime_s", "s"),
    ] {
        if let Some(v) = r.uint(column) {
            out.push(s(name, v, unit, source));
        }
    }
    if let Some(v) = r.get("start_time") {
        out.push(s(setting::START_TIME, v.trim(), "", source));
    }
    out
}

/// One database as posture facts (key = its name).
fn database(r: &TextRow, out: &mut Vec<PostureFact>) {
    let name = r.text("database_name");
    let text = [
        (fact::DB_STATE, "state"),
        (fact::DB_RECOVERY_MODEL, "recovery_model"),
        (fact::DB_PAGE_VERIFY, "page_verify"),
        (fact::DB_LOG_REUSE_WAIT, "log_reuse_wait"),
        (fact::DB_CONTAINMENT, "containment"),
        (fact::DB_OWNER, "owner_name"),
        (fact::DB_COMPATIBILITY_LEVEL, "compatibility_level"),
    ];
    for (fact_name, column) in text {
        // An owner whose login was dropped reads as NULL: say so rather than leave it out.
        let value =
            r.get(column).map(str::trim).unwrap_or(if column == "owner_name" { "(unknown)" } else { "" });
        if fact_name == fact::DB_STATE || !value.is_empty() {
            out.push(f(fact_name, &name, value));
        }
    }
    let flags = [
        (fact::DB_AUTO_CLOSE, "auto_close"),
        (fact::DB_AUTO_SHRINK, "auto_shrink"),
        (fact::DB_READ_COMMITTED_SNAPSHOT, "read_committed_snapshot"),
        (fact::DB_QUERY_STORE_ON, "query_store_on"),
        (fact::DB_ENCRYPTED, "encrypted"),
        (fact::DB_READ_ONLY, "read_only"),
        (fact::DB_TRUSTWORTHY, "trustworthy"),
        (fact::DB_IN_AVAILABILITY_GROUP, "in_availability_group"),
    ];
    for (fact_name, column) in flags {
        if let Some(v) = r.flag(column) {
            out.push(f(fact_name, &name, v));
        }
    }
}

/// The databases as posture facts; `databases.truncated` when the list was cut.
pub fn databases(rows: &[TextRow]) -> Vec<PostureFact> {
    let mut out = Vec::new();
    for r in rows.iter().take(MAX_DATABASES) {
        database(r, &mut out);
    }
    if rows.len() > MAX_DATABASES {
        out.push(f(fact::DATABASES_TRUNCATED, "", MAX_DATABASES));
    }
    out
}

/// The databases the orphaned-user read may enter: ONLINE, accessible to the monitoring
/// login, tempdb aside (its users vanish at restart).
pub fn orphan_candidates(rows: &[TextRow]) -> Vec<String> {
    rows.iter()
        .take(MAX_DATABASES)
        .filter(|r| r.text("state").eq_ignore_ascii_case("ONLINE") && r.flag("has_access") == Some(true))
        .map(|r| r.text("database_name"))
        .filter(|n| !n.eq_ignore_ascii_case("tempdb"))
        .collect()
}

/// `sys.dm_database_encryption_keys.encryption_state` in words.
fn tde_state(code: i64) -> &'static str {
    match code {
        1 => "unencrypted",
        2 => "encryption in progress",
        3 => "encrypted",
        4 => "key change in progress",
        5 => "decryption in progress",
        6 => "protection change in progress",
        _ => "no database encryption key",
    }
}

pub fn tde(read: &Read, out: &mut Vec<PostureFact>) {
    match read {
        Ok(rows) => {
            for r in rows {
                let Some(name) = r.get("database_name") else { continue };
                out.push(f(fact::DB_TDE_STATE, name, tde_state(r.int("encryption_state").unwrap_or(0))));
                if let Some(backed_up) = r.flag("certificate_backed_up") {
                    out.push(f(fact::DB_TDE_CERT_BACKED_UP, name, backed_up));
                }
            }
        }
        Err(why) => out.push(f(fact::UNAVAILABLE, fact::READ_TDE, why)),
    }
}

pub fn backups(read: &Read, out: &mut Vec<PostureFact>) {
    match read {
        Ok(rows) => {
            out.push(f(fact::BACKUPS_WINDOW_DAYS, "", BACKUP_WINDOW_DAYS));
            for r in rows {
                let Some(name) = r.get("database_name") else { continue };
                for (fact_name, column) in [
                    (fact::DB_FULL_BACKUP_AGE_MIN, "full_age_min"),
                    (fact::DB_DIFF_BACKUP_AGE_MIN, "diff_age_min"),
                    (fact::DB_LOG_BACKUP_AGE_MIN, "log_age_min"),
                ] {
                    // A backup finished after GETDATE() (clock change) counts as just now.
                    if let Some(minutes) = r.int(column) {
                        out.push(f(fact_name, name, minutes.max(0)));
                    }
                }
            }
        }
        Err(why) => out.push(f(fact::UNAVAILABLE, fact::READ_BACKUPS, why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::from_batch;

    pub fn fixture(name: &str) -> Vec<TextRow> {
        let text = match name {
            "configurations" => include_str!("fixtures/low_configurations.tsv"),
            "server_properties" => include_str!("fixtures/low_server_properties.tsv"),
            "sys_info" => include_str!("fixtures/low_sys_info.tsv"),
            "databases" => include_str!("fixtures/low_databases.tsv"),
            "tde" => include_str!("fixtures/low_tde.tsv"),
            "backups" => include_str!("fixtures/low_backups.tsv"),
            _ => "",
        };
        from_batch(text)
    }

    fn value<'a>(facts: &'a [PostureFact], name: &str, key: &str) -> Option<&'a str> {
        facts.iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
    }

    #[test]
    fn configuration_rows_keep_the_servers_names_and_the_value_in_use() {
        let s = configurations(&fixture("configurations"));
        assert_eq!(s.len(), 20);
        let get = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.value.as_str());
        assert_eq!(get(setting::MAX_SERVER_MEMORY_MB), Some("2147483647"), "in use, not the pending 4096");
        assert_eq!(get(setting::OLE_AUTOMATION), Some("0"));
        assert_eq!(get(setting::BLOCKED_PROCESS_THRESHOLD), Some("0"));
        assert!(s.iter().all(|x| x.source == "sys.configurations" && x.unit.is_empty()));
        let junk = from_batch("name\tvalue_in_use\nxp_cmdshell\tNULL\n\tnot a number\n");
        assert!(configurations(&junk).is_empty(), "no value, no setting");
    }

    #[test]
    fn server_facts_become_settings_and_permission_facts() {
        let mut s = server_properties(&fixture("server_properties"));
        s.extend(sys_info(&fixture("sys_info")));
        let get = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.value.as_str());
        assert_eq!(get(setting::AUTHENTICATION), Some("Mixed"));
        assert_eq!(get(setting::IS_HADR_ENABLED), Some("true"));
        assert_eq!(get(setting::EDITION), Some("Developer Edition (64-bit)"));
        assert_eq!(get(setting::CPU_COUNT), Some("16"));
        assert_eq!(get(setting::PHYSICAL_MEMORY_MB), Some("6271"));
        assert_eq!(get(setting::START_TIME), Some("2024-05-01 06:21:03.217"));
        assert_eq!(get(setting::UPTIME_S), Some("17393"));
        let p = permissions(&fixture("server_properties"));
        assert_eq!(value(&p, fact::PERMISSION, fact::VIEW_ANY_DEFINITION), Some("true"));
        assert_eq!(value(&p, fact::PERMISSION, fact::CONTROL_SERVER), Some("false"));
        assert!(server_properties(&[]).is_empty() && sys_info(&[]).is_empty() && permissions(&[]).is_empty());
        assert!(sees_other_users(&p) && sees_other_users(&[]), "held, or unknown");
        let blind = permissions(&from_batch("view_any_definition\tview_server_state\n0\t1\n"));
        assert!(!sees_other_users(&blind));
    }

    #[test]
    fn databases_keep_hostile_names_whole_and_say_what_they_are() {
        let rows = fixture("databases");
        let facts = databases(&rows);
        let hostile = "archive]; DROP TABLE x; --";
        assert_eq!(value(&facts, fact::DB_STATE, hostile), Some("OFFLINE"));
        assert_eq!(value(&facts, fact::DB_OWNER, hostile), Some("(unknown)"), "owner login dropped");
        assert_eq!(value(&facts, fact::DB_RECOVERY_MODEL, "legacy_app"), Some("FULL"));
        assert_eq!(value(&facts, fact::DB_AUTO_SHRINK, "legacy_app"), Some("true"));
        assert_eq!(value(&facts, fact::DB_COMPATIBILITY_LEVEL, "legacy_app"), Some("110"));
        assert_eq!(value(&facts, fact::DB_IN_AVAILABILITY_GROUP, "Sales"), Some("true"));
        assert_eq!(value(&facts, fact::DB_OWNER, "Sales"), Some("CONTOSO\\dba"));
        assert_eq!(value(&facts, fact::DB_LOG_REUSE_WAIT, "Sales"), Some("LOG_BACKUP"));
        assert!(value(&facts, fact::DATABASES_TRUNCATED, "").is_none());
        assert_eq!(orphan_candidates(&rows), ["master", "model", "msdb", "Sales", "legacy_app"]);
        let many: Vec<TextRow> = (0..=MAX_DATABASES).map(|_| rows[4].clone()).collect();
        assert_eq!(value(&databases(&many), fact::DATABASES_TRUNCATED, ""), Some("500"));
    }

    #[test]
    fn tde_and_backups_or_why_not() {
        let mut facts = Vec::new();
        tde(&Ok(fixture("tde")), &mut facts);
        backups(&Ok(fixture("backups")), &mut facts);
        assert_eq!(value(&facts, fact::DB_TDE_STATE, "Sales"), Some("encrypted"));
        assert_eq!(value(&facts, fact::DB_TDE_CERT_BACKED_UP, "Sales"), Some("false"));
        assert!(value(&facts, fact::DB_TDE_CERT_BACKED_UP, "tempdb").is_none(), "not a certificate");
        assert_eq!(value(&facts, fact::BACKUPS_WINDOW_DAYS, ""), Some("30"));
        assert_eq!(value(&facts, fact::DB_LOG_BACKUP_AGE_MIN, "Sales"), Some("20"));
        assert!(value(&facts, fact::DB_LOG_BACKUP_AGE_MIN, "legacy_app").is_none());
        let mut refused = Vec::new();
        tde(&Err("encryption keys: permission denied".into()), &mut refused);
        backups(&Err("backup history: permission denied".into()), &mut refused);
        assert_eq!(
            value(&refused, fact::UNAVAILABLE, fact::READ_BACKUPS),
            Some("backup history: permission denied")
        );
        assert_eq!(refused.len(), 2, "no window fact without a read");
        assert_eq!(tde_state(2), "encryption in progress");
        assert_eq!(tde_state(0), "no database encryption key");
    }
}
