//! The monitoring connection: TCP (or TLS, set up like the PostgreSQL collector's),
//! authentication and database selection by the driver, then one multiplexed
//! connection. `Conn::call` sends only `commands::Command`s, tells a refused command
//! from a broken connection, and counts what we sent so that our own load can be
//! subtracted from the server's counters.

use super::commands::{self, Command};
use crate::collectors::CollectError;
use crate::config::{TargetConfig, TlsMode};
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, ErrorKind, RedisConnectionInfo, RedisError, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// A command the server did not run for us.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The server's words, e.g. "NOPERM User monitor has no permissions to run the 'config|get' command".
    pub reason: String,
    /// Refused for good on this connection (ACL, unknown or renamed command), as opposed
    /// to a passing condition (loading, busy script).
    pub unavailable: bool,
}

pub struct Conn {
    conn: MultiplexedConnection,
    driver: JoinHandle<()>,
    endpoint: String,
    /// Our own `CLIENT ID`, to leave our connection out of Activity.
    pub own_id: Option<i64>,
    /// Commands that ran, by `cmdstat` name, since the connection opened.
    sent: BTreeMap<&'static str, u64>,
    sent_total: u64,
    /// Commands refused for good on this connection, by name: not sent again until the
    /// next connection (each refusal would add to the server's ACL log).
    pub unavailable: BTreeMap<&'static str, String>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// What `Conn` has sent so far, to subtract from the server's counters between reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentMark {
    pub total: u64,
    pub by_stat: BTreeMap<&'static str, u64>,
}

impl SentMark {
    /// Commands sent between `earlier` and this mark: (total, by `cmdstat` name).
    pub fn since(&self, earlier: &SentMark) -> (u64, BTreeMap<&'static str, u64>) {
        let by_stat = self
            .by_stat
            .iter()
            .map(|(k, v)| (*k, v.saturating_sub(earlier.by_stat.get(k).copied().unwrap_or(0))))
            .filter(|(_, v)| *v > 0)
            .collect();
        (self.total.saturating_sub(earlier.total), by_stat)
    }
}

/// Opens the connection, names it `logstag` and learns its id. Authentication failures
/// and servers that want a password we do not have are connect errors; a refused
/// `CLIENT SETNAME`/`CLIENT ID` is not (a narrow ACL may forbid them).
pub async fn connect(target: &TargetConfig, endpoint: &str) -> Result<Conn, CollectError> {
    let fail = |message: String| CollectError::Connect { endpoint: endpoint.to_owned(), message };
    let tcp =
        TcpStream::connect((target.host.as_str(), target.port)).await.map_err(|e| fail(describe_io(&e)))?;
    // Nagle would hold our small requests back for the server's delayed ACK.
    let _ = tcp.set_nodelay(true);
    let info = connection_info(target);
    let config = AsyncConnectionConfig::new().set_response_timeout(Some(target.query_timeout));
    let opened = match tls_config(target).map_err(fail)? {
        None => MultiplexedConnection::new_with_config(&info, tcp, config)
            .await
            .map(|(c, d)| (c, tokio::spawn(d))),
        Some(tls) => {
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|e| fail(format!("{} is not a valid TLS server name: {e}", target.host)))?;
            let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
                .connect(name, tcp)
                .await
                .map_err(|e| fail(describe_tls(&e, target)))?;
            MultiplexedConnection::new_with_config(&info, stream, config)
                .await
                .map(|(c, d)| (c, tokio::spawn(d)))
        }
    };
    let (conn, driver) = opened.map_err(|e| fail(describe_setup(&e, target)))?;
    let mut conn = Conn {
        conn,
        driver,
        endpoint: endpoint.to_owned(),
        own_id: None,
        sent: BTreeMap::new(),
        sent_total: 0,
        unavailable: BTreeMap::new(),
    };
    for command in [commands::CLIENT_SETNAME, commands::CLIENT_ID] {
        match conn.call(&command, &[]).await? {
            Ok(reply) if command == commands::CLIENT_ID => conn.own_id = super::parse::value::int(&reply),
            Ok(_) => {}
            Err(refusal) if refusal.reason.starts_with("NOAUTH") => {
                return Err(fail("the server asks for a password and none is configured".to_owned()));
            }
            Err(_) => {}
        }
    }
    Ok(conn)
}

fn connection_info(target: &TargetConfig) -> RedisConnectionInfo {
    // Validation keeps the database to 0–15; anything else falls back to 0.
    let db = target.database.parse::<i64>().unwrap_or(0);
    // No CLIENT SETINFO: one command less at every connect; we name ourselves instead.
    let mut info = RedisConnectionInfo::default().set_db(db).set_skip_set_lib_name();
    if !target.username.is_empty() {
        info = info.set_username(&target.username);
    }
    if !target.password.is_empty() {
        info = info.set_password(target.password.expose());
    }
    info
}

/// TLS for the target: Redis has no in-band upgrade (TLS is its own port), so `prefer`
/// cannot fall back and means plain text, like `disable`; `require` encrypts without
/// verifying; `verify-full` checks the chain (system roots + `ca_file`) and the host.
fn tls_config(target: &TargetConfig) -> Result<Option<rustls::ClientConfig>, String> {
    match target.tls.mode {
        TlsMode::Disable | TlsMode::Prefer => Ok(None),
        TlsMode::Require | TlsMode::VerifyFull => crate::collectors::postgres::tls_config(target),
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            "connection refused: is the server running and listening there?".to_owned()
        }
        _ => e.to_string(),
    }
}

fn describe_tls(e: &std::io::Error, target: &TargetConfig) -> String {
    let hint = if target.tls.mode == TlsMode::VerifyFull {
        "; trust the server's CA with tls.ca_file, or use tls mode \"require\" to encrypt without verifying"
    } else {
        ""
    };
    format!("TLS failure ({:?} mode): {e}{hint}", target.tls.mode)
}

/// The driver's AUTH/SELECT failures in plain words. The server never echoes the
/// password, and neither do we.
fn describe_setup(e: &RedisError, target: &TargetConfig) -> String {
    let text = e.to_string();
    if e.kind() == ErrorKind::AuthenticationFailed || text.contains("WRONGPASS") {
        let user = if target.username.is_empty() { "default" } else { target.username.as_str() };
        return format!("authentication failed for user \"{user}\": wrong password, or the user is disabled");
    }
    if text.contains("NOAUTH") {
        return "the server asks for a password and none is configured".to_owned();
    }
    if text.contains("DB index") || text.contains("invalid DB") {
        return format!("database {} does not exist on this server ({text})", target.database);
    }
    text
}

impl Conn {
    /// Sends `command` with `args` after its fixed words. Outer error: the connection is
    /// gone or can no longer be trusted (timed out mid-reply). Inner error: the server
    /// refused this command.
    pub async fn call(
        &mut self,
        command: &Command,
        args: &[&str],
    ) -> Result<Result<Value, Refusal>, CollectError> {
        if let Some(reason) = self.unavailable.get(command.name) {
            return Ok(Err(Refusal { reason: reason.clone(), unavailable: true }));
        }
        let mut words = command.words.iter();
        let mut cmd = redis::cmd(words.next().copied().unwrap_or_default());
        for word in words {
            cmd.arg(*word);
        }
        for arg in args {
            cmd.arg(*arg);
        }
        match self.conn.send_packed_command(&cmd).await {
            Ok(Value::ServerError(e)) => {
                let reason = server_words(Some(e.code()), e.details(), &e.to_string());
                Ok(Err(self.refused(command, reason)))
            }
            Ok(value) => {
                *self.sent.entry(command.stat).or_insert(0) += 1;
                self.sent_total += 1;
                Ok(Ok(value))
            }
            Err(e) if e.code().is_some() => {
                let reason = server_words(e.code(), e.detail(), &e.to_string());
                Ok(Err(self.refused(command, reason)))
            }
            Err(e) => {
                Err(CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message: e.to_string() })
            }
        }
    }

    fn refused(&mut self, command: &Command, reason: String) -> Refusal {
        let unavailable = is_unavailable(&reason);
        if unavailable {
            self.unavailable.insert(command.name, reason.clone());
        }
        Refusal { reason, unavailable }
    }

    /// What we have sent so far (commands the server ran).
    pub fn mark(&self) -> SentMark {
        SentMark { total: self.sent_total, by_stat: self.sent.clone() }
    }
}

/// The server's error as it sent it (`NOPERM this user has no permissions…`); the
/// driver's own rendering (`NoPerm: …`) only when the parts are missing.
fn server_words(code: Option<&str>, detail: Option<&str>, fallback: &str) -> String {
    match (code, detail) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        (Some(code), None) => code.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// Whether a refusal is permanent for this connection: an ACL, or a command the server
/// does not have (managed services rename or remove CONFIG, SLOWLOG, CLIENT…).
pub fn is_unavailable(reason: &str) -> bool {
    let lower = reason.to_ascii_lowercase();
    lower.starts_with("noperm")
        || lower.contains("unknown command")
        || lower.contains("unknown subcommand")
        || lower.contains("no permissions")
        || lower.contains("not allowed")
        || lower.contains("disabled")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Secret, TlsConfig};

    fn target(mode: TlsMode) -> TargetConfig {
        TargetConfig {
            engine: crate::collectors::redis::spec::REDIS.kind,
            host: "cache".into(),
            port: 6379,
            username: String::new(),
            password: Secret::new("pw-never-shown"),
            database: "3".into(),
            tls: TlsConfig { mode, ca_file: None },
            ..TargetConfig::default()
        }
    }

    #[test]
    fn connection_info_carries_db_and_password_only_auth() {
        let info = connection_info(&target(TlsMode::Disable));
        assert_eq!((info.db(), info.username(), info.password()), (3, None, Some("pw-never-shown")));
        assert!(info.skip_set_lib_name());
        let mut acl = target(TlsMode::Disable);
        acl.username = "monitor".into();
        acl.database = String::new();
        let info = connection_info(&acl);
        assert_eq!((info.db(), info.username()), (0, Some("monitor")));
    }

    #[test]
    fn prefer_means_plain_text_and_verification_is_on_by_default_for_tls() {
        assert!(matches!(tls_config(&target(TlsMode::Prefer)), Ok(None)));
        assert!(matches!(tls_config(&target(TlsMode::Disable)), Ok(None)));
        assert!(matches!(tls_config(&target(TlsMode::VerifyFull)), Ok(Some(_))));
        let mut bad = target(TlsMode::VerifyFull);
        bad.tls.ca_file = Some("/nonexistent/ca.pem".into());
        assert!(tls_config(&bad).is_err_and(|e| e.contains("/nonexistent/ca.pem")));
    }

    #[test]
    fn refusals_that_last_are_told_from_passing_ones() {
        assert!(is_unavailable("NOPERM User monitor has no permissions to run the 'config|get' command"));
        assert!(is_unavailable("ERR unknown command 'CONFIG', with args beginning with: 'GET' "));
        assert!(is_unavailable("ERR unknown subcommand 'STATS'. Try MEMORY HELP."));
        assert!(!is_unavailable("LOADING Redis is loading the dataset in memory"));
        assert!(!is_unavailable("BUSY Redis is busy running a script."));
    }

    #[test]
    fn sent_marks_subtract() {
        let earlier = SentMark { total: 3, by_stat: [("info", 2), ("client|list", 1)].into_iter().collect() };
        let later = SentMark {
            total: 6,
            by_stat: [("info", 4), ("client|list", 1), ("role", 1)].into_iter().collect(),
        };
        let (total, by) = later.since(&earlier);
        assert_eq!(total, 3);
        assert_eq!(by, [("info", 2), ("role", 1)].into_iter().collect());
    }

    #[tokio::test]
    async fn refused_connection_names_endpoint_but_never_the_password() {
        let mut t = target(TlsMode::Disable);
        t.host = "127.0.0.1".into();
        t.port = 1;
        let err = connect(&t, &t.endpoint()).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("127.0.0.1:1/3") && err.contains("refused"), "{err}");
        assert!(!err.contains("pw-never-shown"));
    }
}
