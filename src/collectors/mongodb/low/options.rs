//! `getCmdLineOpts` → settings: the `parsed` options that matter to the health checks,
//! under their configuration-file paths. `argv` is never read (a password given on the
//! command line would be in it), and no file path is kept: a key file is `set`.

use super::setting_row;
use crate::collectors::mongodb::doc;
use crate::collectors::mongodb::health_checks::setting as s;
use crate::model::Setting;
use mongodb::bson::{Bson, Document};

const SOURCE: &str = "getCmdLineOpts";
const DEFAULT: &str = "default";

/// Parameters whose values are shown; any other `setParameter` is named with the value
/// `set` (some carry secrets: `ldapQueryPassword`, KMIP and cloud key settings).
pub const SHOWN_PARAMETERS: &[&str] = &[
    "authenticationMechanisms",
    "enableLocalhostAuthBypass",
    "diagnosticDataCollectionEnabled",
    "notablescan",
    "ttlMonitorEnabled",
    "transactionLifetimeLimitSeconds",
    "wiredTigerConcurrentReadTransactions",
    "wiredTigerConcurrentWriteTransactions",
    "storageEngineConcurrencyAdjustmentAlgorithm",
    "maxTransactionLockRequestTimeoutMillis",
    "cursorTimeoutMillis",
];

/// Words that make a parameter's value secret whatever the list above says.
const SECRET_WORDS: [&str; 5] = ["password", "secret", "key", "token", "credential"];

/// Options as the server parsed them (command line and configuration file together).
/// `stores_data` is false on a mongos: it has no storage engine or profiler, so their
/// defaults are not emitted for it.
pub fn parse(reply: &Document, stores_data: bool) -> Vec<Setting> {
    let Some(parsed) = doc::sub(reply, "parsed") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut put = |name: &str, value: String, unit: &str, source: &str| {
        out.push(setting_row(name, value, unit, source));
    };
    let present = |path: &str| doc::get(parsed, path).map(scalar).filter(|v| !v.is_empty());

    let bind_all = present("net.bindIpAll");
    if let Some(v) = &bind_all {
        put(s::BIND_IP_ALL, v.clone(), "", SOURCE);
    }
    match present("net.bindIp") {
        Some(v) => put(s::BIND_IP, v, "", SOURCE),
        // Since 3.6 mongod and mongos bind to localhost unless told otherwise.
        None if bind_all.as_deref() != Some("true") => put(s::BIND_IP, "localhost".into(), "", DEFAULT),
        None => {}
    }
    put(s::PORT, present("net.port").unwrap_or_else(|| "27017".into()), "", source_of(parsed, "net.port"));
    if let Some(v) = present("net.maxIncomingConnections") {
        put(s::MAX_INCOMING_CONNECTIONS, v, "", SOURCE);
    }
    let (tls, tls_source) = tls_mode(parsed);
    put(s::TLS_MODE, tls, "", tls_source);
    for (name, tls_path, ssl_path) in [
        (
            s::TLS_ALLOW_INVALID_CERTIFICATES,
            "net.tls.allowInvalidCertificates",
            "net.ssl.allowInvalidCertificates",
        ),
        (s::TLS_ALLOW_INVALID_HOSTNAMES, "net.tls.allowInvalidHostnames", "net.ssl.allowInvalidHostnames"),
    ] {
        if let Some(v) = present(tls_path).or_else(|| present(ssl_path)) {
            put(name, v, "", SOURCE);
        }
    }
    put(
        s::AUTHORIZATION,
        present("security.authorization").unwrap_or_else(|| "disabled".into()),
        "",
        source_of(parsed, "security.authorization"),
    );
    if present("security.keyFile").is_some() {
        put(s::KEY_FILE, "set".into(), "", SOURCE);
    }
    for (name, path) in [
        (s::CLUSTER_AUTH_MODE, "security.clusterAuthMode"),
        (s::ENABLE_ENCRYPTION, "security.enableEncryption"),
        (s::JOURNAL_ENABLED, "storage.journal.enabled"),
        (s::REPL_SET_NAME, "replication.replSetName"),
        (s::CLUSTER_ROLE, "sharding.clusterRole"),
        (s::AUDIT_DESTINATION, "auditLog.destination"),
    ] {
        if let Some(v) = present(path) {
            put(name, v, "", SOURCE);
        }
    }
    if stores_data {
        put(
            s::STORAGE_ENGINE,
            present("storage.engine").unwrap_or_else(|| "wiredTiger".into()),
            "",
            source_of(parsed, "storage.engine"),
        );
        put(
            s::PROFILING_MODE,
            present("operationProfiling.mode").unwrap_or_else(|| "off".into()),
            "",
            source_of(parsed, "operationProfiling.mode"),
        );
        put(
            s::SLOW_OP_THRESHOLD_MS,
            present("operationProfiling.slowOpThresholdMs").unwrap_or_else(|| "100".into()),
            "ms",
            source_of(parsed, "operationProfiling.slowOpThresholdMs"),
        );
    }
    if let Some(v) = present("storage.wiredTiger.engineConfig.cacheSizeGB") {
        put(s::CACHE_SIZE_GB, v, "GB", SOURCE);
    }
    if let Some(v) = present("replication.oplogSizeMB") {
        put(s::OPLOG_SIZE_MB, v, "MB", SOURCE);
    }
    if let Some(parameters) = doc::sub(parsed, "setParameter") {
        for (name, value) in parameters {
            let lower = name.to_ascii_lowercase();
            let shown =
                SHOWN_PARAMETERS.contains(&name.as_str()) && !SECRET_WORDS.iter().any(|w| lower.contains(w));
            let value = if shown { scalar(value) } else { "set".to_owned() };
            put(&format!("{}{name}", s::SET_PARAMETER), value, "", SOURCE);
        }
    }
    out
}

fn source_of(parsed: &Document, path: &str) -> &'static str {
    if doc::get(parsed, path).is_some() { SOURCE } else { DEFAULT }
}

/// The TLS mode under its 4.2+ name: `net.tls.mode`, else the older `net.ssl.mode` with
/// `…SSL` read as `…TLS`; neither set is `disabled`.
fn tls_mode(parsed: &Document) -> (String, &'static str) {
    let tls = doc::text(parsed, "net.tls.mode");
    let mode = if tls.is_empty() { doc::text(parsed, "net.ssl.mode").replace("SSL", "TLS") } else { tls };
    if mode.is_empty() { ("disabled".to_owned(), DEFAULT) } else { (mode, SOURCE) }
}

/// A scalar option as text; lists (bindIp given as an array on some installs, the
/// authentication mechanisms) joined with commas; documents are not options we show.
fn scalar(value: &Bson) -> String {
    match value {
        Bson::Array(items) => {
            items.iter().map(scalar).filter(|v| !v.is_empty()).collect::<Vec<_>>().join(",")
        }
        Bson::String(v) => v.clone(),
        Bson::Boolean(b) => b.to_string(),
        Bson::Document(_) => String::new(),
        other => doc::number(other)
            .map(|v| if v.fract() == 0.0 { format!("{v:.0}") } else { v.to_string() })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::doc::fixture;

    fn value<'a>(settings: &'a [Setting], name: &str) -> Option<(&'a str, &'a str)> {
        settings.iter().find(|s| s.name == name).map(|s| (s.value.as_str(), s.source.as_str()))
    }

    #[test]
    fn secured_member_reads_tls_auth_and_replication() {
        let reply = fixture("low_getCmdLineOpts_secured_replset.json");
        let got = parse(&reply, true);
        assert_eq!(value(&got, s::BIND_IP), Some(("127.0.0.1,10.20.0.11", SOURCE)));
        assert_eq!(value(&got, s::TLS_MODE), Some(("requireTLS", SOURCE)));
        assert_eq!(value(&got, s::AUTHORIZATION), Some(("enabled", SOURCE)));
        assert_eq!(value(&got, s::KEY_FILE), Some(("set", SOURCE)));
        assert_eq!(value(&got, s::CLUSTER_AUTH_MODE), Some(("keyFile", SOURCE)));
        assert_eq!(value(&got, s::REPL_SET_NAME), Some(("rsLedger", SOURCE)));
        assert_eq!(value(&got, s::OPLOG_SIZE_MB), Some(("20480", SOURCE)));
        assert_eq!(value(&got, s::CACHE_SIZE_GB), Some(("6", SOURCE)));
        assert_eq!(value(&got, s::PROFILING_MODE), Some(("slowOp", SOURCE)));
        assert_eq!(value(&got, s::SLOW_OP_THRESHOLD_MS), Some(("250", SOURCE)));
        assert_eq!(value(&got, s::AUTHENTICATION_MECHANISMS), Some(("SCRAM-SHA-256", SOURCE)));
        assert_eq!(value(&got, "setParameter.ldapQueryPassword"), Some(("set", SOURCE)));
        assert_eq!(value(&got, s::PORT), Some(("27018", SOURCE)));
    }

    #[test]
    fn insecure_standalone_gets_the_defaults_it_runs_with() {
        let got = parse(&fixture("low_getCmdLineOpts_open_standalone.json"), true);
        assert_eq!(value(&got, s::BIND_IP_ALL), Some(("true", SOURCE)));
        assert_eq!(value(&got, s::BIND_IP), None);
        assert_eq!(value(&got, s::TLS_MODE), Some(("disabled", DEFAULT)));
        assert_eq!(value(&got, s::AUTHORIZATION), Some(("disabled", DEFAULT)));
        assert_eq!(value(&got, s::KEY_FILE), None);
        assert_eq!(value(&got, s::REPL_SET_NAME), None);
        assert_eq!(value(&got, s::STORAGE_ENGINE), Some(("wiredTiger", DEFAULT)));
        assert_eq!(value(&got, s::PROFILING_MODE), Some(("all", SOURCE)));
        assert_eq!(value(&got, s::JOURNAL_ENABLED), Some(("false", SOURCE)));
        assert_eq!(value(&got, s::PORT), Some(("27017", DEFAULT)));
    }

    #[test]
    fn legacy_ssl_mode_reads_as_tls_and_nothing_secret_is_kept() {
        let reply = fixture("low_getCmdLineOpts_secured_replset.json");
        let all = format!("{:?}", parse(&reply, true));
        for secret in ["ledger-keyfile", "/etc/mongod", "hunter2", "argv", "certificateKeyFile"] {
            assert!(!all.contains(secret), "{secret} in {all}");
        }
        let legacy = mongodb::bson::doc! { "parsed": { "net": { "ssl": { "mode": "preferSSL" }, "bindIp": ["0.0.0.0", "::"] } } };
        let got = parse(&legacy, false);
        assert_eq!(value(&got, s::TLS_MODE), Some(("preferTLS", SOURCE)));
        assert_eq!(value(&got, s::BIND_IP), Some(("0.0.0.0,::", SOURCE)));
        assert_eq!(value(&got, s::STORAGE_ENGINE), None, "a mongos has no storage engine");
        assert_eq!(value(&got, s::AUTHORIZATION), Some(("disabled", DEFAULT)));
        assert!(parse(&mongodb::bson::doc! { "ok": 1 }, true).is_empty());
    }
}
