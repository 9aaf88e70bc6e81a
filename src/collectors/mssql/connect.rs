//! The monitoring connection: tiberius over TCP (a named instance through SQL Browser),
//! TLS verified by default, `ApplicationIntent=ReadOnly`, application name `logstag`,
//! the driver's own command timeout, then the session fences: read uncommitted (DMVs
//! never wait for row locks), lowest deadlock priority, a short lock timeout, NOCOUNT.
//! `Conn::query` tells a refused statement (the round goes on without it) from a broken
//! connection (the target is down until it reconnects).

use super::rows::{TextRow, column_names, from_driver};
use crate::collectors::CollectError;
use crate::config::{TargetConfig, TlsMode};
use std::time::Duration;
use tiberius::{AuthMethod, Client, Config, EncryptionLevel, SqlBrowser};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

/// A statement the server refused: its error number and words.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: u32,
    pub message: String,
}

/// SQL Server error numbers we explain.
pub mod code {
    /// VIEW SERVER STATE / VIEW DATABASE STATE missing.
    pub const PERMISSION_DENIED: u32 = 300;
    pub const PERMISSION_DENIED_OBJECT: u32 = 229;
    pub const PERMISSION_DENIED_ACTION: u32 = 297;
    /// Invalid object name (a view this version or edition does not have).
    pub const INVALID_OBJECT: u32 = 208;
    /// Lock request time out period exceeded (our LOCK_TIMEOUT fired).
    pub const LOCK_TIMEOUT: u32 = 1222;
    /// Login failed.
    pub const LOGIN_FAILED: u32 = 18456;
}

pub struct Conn {
    client: Client<Compat<TcpStream>>,
    /// `SERVERPROPERTY('ProductVersion')` major number: 13 = 2016 … 16 = 2022.
    pub major: u32,
    /// `@@VERSION`'s first line, e.g. "Microsoft SQL Server 2022 (RTM-CU11) …".
    pub banner: String,
    /// `SERVERPROPERTY('ProductVersion')`, e.g. "16.0.4135.4".
    pub product_version: String,
    /// `SERVERPROPERTY('EngineEdition')`: 5 = Azure SQL Database, 8 = Managed Instance.
    pub engine_edition: u32,
    endpoint: String,
    query_timeout: Duration,
}

/// The driver's configuration for a target. A host written `server\INSTANCE` names an
/// instance, found through SQL Browser (UDP 1434) unless a port other than 1433 is set.
pub fn driver_config(target: &TargetConfig) -> Result<Config, String> {
    let mut config = Config::new();
    let (host, instance) = match target.host.split_once('\\') {
        Some((host, instance)) => (host, Some(instance)),
        None => (target.host.as_str(), None),
    };
    config.host(host);
    config.port(target.port);
    if let Some(instance) = instance.filter(|i| !i.is_empty()) {
        config.instance_name(instance);
    }
    if !target.database.is_empty() {
        config.database(&target.database);
    }
    if target.username.is_empty() {
        return Err("integrated (Windows/Kerberos) authentication is not available in this build on Linux: \
                    give a SQL login (db_username and db_password)"
            .to_owned());
    }
    config.authentication(AuthMethod::sql_server(&target.username, target.password.expose()));
    config.application_name("logstag");
    config.readonly(true);
    config.handshake_timeout(Some(target.connect_timeout));
    // The driver gives up on a statement after this and the connection is then out of
    // sync (tiberius 0.13 refuses every later call): `Conn::query` drops it and the next
    // round reconnects. The server-side LOCK_TIMEOUT keeps most waits far shorter.
    config.command_timeout(Some(target.query_timeout));
    match target.tls.mode {
        TlsMode::Disable => config.encryption(EncryptionLevel::NotSupported),
        // TLS with the certificate verified; plain text only if the server has no TLS.
        TlsMode::Prefer => config.encryption(EncryptionLevel::On),
        // Encrypt without checking who answers (TrustServerCertificate=true).
        TlsMode::Require => {
            config.encryption(EncryptionLevel::Required);
            config.trust_cert();
        }
        TlsMode::VerifyFull => config.encryption(EncryptionLevel::Required),
    }
    if let Some(ca) = &target.tls.ca_file {
        config.trust_cert_ca(ca.display().to_string());
    }
    if target.options.flag("mssql.strict_encryption") {
        // TDS 8: TLS before the first byte of TDS, always verified.
        config.encryption(EncryptionLevel::Strict);
    }
    Ok(config)
}

/// The session fences, sent once after login.
pub fn session_setup(target: &TargetConfig) -> String {
    let lock_ms = target.lock_timeout.as_millis().clamp(1, 60_000);
    format!(
        "SET NOCOUNT ON; SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED; \
         SET DEADLOCK_PRIORITY LOW; SET LOCK_TIMEOUT {lock_ms};"
    )
}

pub async fn connect(target: &TargetConfig, endpoint: &str) -> Result<Conn, CollectError> {
    let fail = |message: String| CollectError::Connect { endpoint: endpoint.to_owned(), message };
    let config = driver_config(target).map_err(fail)?;
    let opened = tokio::time::timeout(target.connect_timeout, async {
        let tcp = TcpStream::connect_named(&config).await?;
        let _ = tcp.set_nodelay(true);
        Client::connect(config, tcp.compat_write()).await
    })
    .await;
    let client = match opened {
        Ok(Ok(client)) => client,
        Ok(Err(e)) => return Err(fail(describe_error(&e))),
        Err(_) => return Err(fail(format!("no answer within {} s", target.connect_timeout.as_secs()))),
    };
    let mut conn = Conn {
        client,
        major: 0,
        banner: String::new(),
        product_version: String::new(),
        engine_edition: 0,
        endpoint: endpoint.to_owned(),
        query_timeout: target.query_timeout + Duration::from_secs(2),
    };
    if let Err(refusal) = conn.query(&session_setup(target)).await? {
        return Err(fail(format!("cannot set up the monitoring session: {}", refusal.message)));
    }
    let rows = match conn.query(super::queries::INSTANCE).await? {
        Ok(rows) => rows,
        Err(refusal) => return Err(fail(format!("cannot read the server's version: {}", refusal.message))),
    };
    if let Some(row) = rows.first() {
        conn.major = row.text("product_version").split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
        conn.banner = row.text("version").lines().next().unwrap_or_default().trim().to_owned();
        conn.product_version = row.text("product_version");
        conn.engine_edition = row.uint("engine_edition").unwrap_or(0) as u32;
    }
    if conn.major != 0 && conn.major < 13 {
        return Err(fail(format!(
            "SQL Server major version {} is not supported; Logstag needs 2016 (13) or later",
            conn.major
        )));
    }
    Ok(conn)
}

/// "2022 (16.0.4135.4)": the release year DBAs use, with the build.
pub fn short_version(product_version: &str) -> String {
    let year = match product_version.split('.').next().and_then(|m| m.parse::<u32>().ok()) {
        Some(13) => "2016",
        Some(14) => "2017",
        Some(15) => "2019",
        Some(16) => "2022",
        Some(17) => "2025",
        _ => return product_version.to_owned(),
    };
    format!("{year} ({product_version})")
}

/// The server's or the network's words, without the driver's noise.
pub fn describe_error(e: &tiberius::error::Error) -> String {
    match e {
        tiberius::error::Error::Server(t) if t.code() == code::LOGIN_FAILED => {
            // The server's message is deliberately vague; its error log has the reason.
            format!(
                "{} (error 18456: wrong login or password, or the login may not use this database)",
                t.message()
            )
        }
        tiberius::error::Error::Server(t) => format!("{} (error {})", t.message(), t.code()),
        tiberius::error::Error::Io { kind: std::io::ErrorKind::ConnectionRefused, .. } => {
            "connection refused".to_owned()
        }
        tiberius::error::Error::Tls(t) => format!("TLS: {t}"),
        other => other.to_string(),
    }
}

impl Conn {
    /// Runs one batch and returns its first result set. Outer error: the connection is
    /// gone or did not answer in time (drop it). Inner error: the server refused it.
    pub async fn query(&mut self, sql: &str) -> Result<Result<Vec<TextRow>, Refusal>, CollectError> {
        let lost =
            |message: String| CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message };
        let run = async {
            let stream = self.client.simple_query(sql).await?;
            stream.into_first_result().await
        };
        let result = match tokio::time::timeout(self.query_timeout, run).await {
            Ok(result) => result,
            Err(_) => return Err(lost(format!("no answer within {} s", self.query_timeout.as_secs()))),
        };
        match result {
            Ok(rows) => {
                let Some(first) = rows.first() else { return Ok(Ok(Vec::new())) };
                let columns = column_names(first);
                Ok(Ok(rows.into_iter().map(|r| from_driver(&columns, r)).collect()))
            }
            Err(tiberius::error::Error::Server(t)) => {
                Ok(Err(Refusal { code: t.code(), message: t.message().to_owned() }))
            }
            Err(e) => Err(lost(describe_error(&e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str) -> TargetConfig {
        TargetConfig { host: host.into(), port: 1433, username: "monitor".into(), ..Default::default() }
    }

    #[test]
    fn named_instances_and_read_only_intent() {
        let config = driver_config(&target("db1\\SQLEXPRESS")).unwrap();
        assert_eq!(config.get_addr(), "db1:1433");
        assert!(driver_config(&target("db1")).is_ok());
    }

    #[test]
    fn integrated_authentication_is_explained() {
        let err = driver_config(&TargetConfig { username: String::new(), ..target("db1") }).err().unwrap();
        assert!(err.contains("SQL login"), "{err}");
    }

    #[test]
    fn versions_read_as_release_years() {
        assert_eq!(short_version("16.0.4135.4"), "2022 (16.0.4135.4)");
        assert_eq!(short_version("13.0.7000.253"), "2016 (13.0.7000.253)");
        assert_eq!(short_version("weird"), "weird");
    }

    #[test]
    fn the_fences_name_the_lock_timeout() {
        let t = TargetConfig { lock_timeout: Duration::from_secs(2), ..target("db1") };
        let sql = session_setup(&t);
        assert!(
            sql.contains("SET LOCK_TIMEOUT 2000")
                && sql.contains("READ UNCOMMITTED")
                && sql.contains("DEADLOCK_PRIORITY LOW")
        );
        assert!(!sql.contains("RECOMPILE"));
    }
}
