//! The monitoring connection: TCP (TLS verified unless told otherwise) or a Unix socket,
//! the connection attribute `program_name=logstag`, then the session fences: read-only
//! transactions, a server-side time limit on every statement and a short metadata-lock
//! wait, so a monitoring read never queues behind the incident it is looking at.
//! `Conn::query` tells a refused statement (server error: the round goes on without it)
//! from a broken connection (the target is down until it reconnects).

use super::rows::{TextRow, from_driver};
use super::version::Server;
use crate::collectors::CollectError;
use crate::config::{TargetConfig, TlsMode};
use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, SslOpts};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// A statement the server refused: its error number and words.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: u16,
    pub message: String,
}

/// MySQL/MariaDB error numbers we explain.
pub mod code {
    /// ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the PROCESS privilege(s)".
    pub const SPECIFIC_ACCESS_DENIED: u16 = 1227;
    /// ER_TABLEACCESS_DENIED_ERROR / ER_DBACCESS_DENIED_ERROR / ER_ACCESS_DENIED_ERROR.
    pub const TABLE_ACCESS_DENIED: u16 = 1142;
    pub const DB_ACCESS_DENIED: u16 = 1044;
    pub const ACCESS_DENIED: u16 = 1045;
    /// ER_UNKNOWN_TABLE (a view this version does not have) and ER_NO_SUCH_TABLE.
    pub const UNKNOWN_TABLE: u16 = 1109;
    pub const NO_SUCH_TABLE: u16 = 1146;
    /// Statement time limit hit: MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT.
    pub const STATEMENT_TIMEOUT_MARIADB: u16 = 1969;
    pub const QUERY_TIMEOUT_MYSQL: u16 = 3024;
    /// ER_LOCK_WAIT_TIMEOUT (our lock_wait_timeout fired).
    pub const LOCK_WAIT_TIMEOUT: u16 = 1205;
}

/// How much longer the client waits than the server-side statement time limit.
const CLIENT_MARGIN: Duration = Duration::from_secs(2);

pub struct Conn {
    conn: mysql_async::Conn,
    pub server: Server,
    pub performance_schema: bool,
    endpoint: String,
    query_timeout: Duration,
    /// Statements sent since the connection opened, to subtract our own load from
    /// `Questions`.
    pub sent: u64,
}

/// Opens and fences the connection. Authentication and TLS failures are connect errors
/// with the server's words (never the password).
pub async fn connect(target: &TargetConfig, endpoint: &str) -> Result<Conn, CollectError> {
    let fail = |message: String| CollectError::Connect { endpoint: endpoint.to_owned(), message };
    let open = |tls: Option<SslOpts>| {
        let opts = opts(target, tls);
        async move {
            match tokio::time::timeout(target.connect_timeout, mysql_async::Conn::new(opts)).await {
                Ok(result) => result,
                Err(_) => Err(mysql_async::Error::Io(mysql_async::IoError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no answer within {} s", target.connect_timeout.as_secs()),
                )))),
            }
        }
    };
    let tls = ssl_opts(target);
    let prefer = target.tls.mode == TlsMode::Prefer;
    let conn = match open(tls.clone()).await {
        // `prefer` falls back to plain text only when the server has no TLS at all; a
        // certificate that does not verify is an error, as with PostgreSQL.
        Err(mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer))
            if prefer && tls.is_some() =>
        {
            open(None).await
        }
        other => other,
    }
    .map_err(|e| fail(describe_error(&e)))?;
    let mut conn = Conn {
        conn,
        server: Server {
            flavor: super::version::Flavor::MySql,
            version: super::version::Version::new(0, 0, 0),
            banner: String::new(),
        },
        performance_schema: false,
        endpoint: endpoint.to_owned(),
        // The server's own limit (session_setup) fires first and leaves the connection
        // usable: the client gives up only when the server does not answer at all.
        query_timeout: target.query_timeout + CLIENT_MARGIN,
        sent: 0,
    };
    let banner = conn.single(super::queries::INSTANCE, "version").await?.unwrap_or_default();
    conn.server =
        Server::parse(&banner).ok_or_else(|| fail(format!("unrecognised server version {banner:?}")))?;
    if let Some(reason) = conn.server.unsupported() {
        return Err(fail(reason));
    }
    for statement in session_setup(&conn.server, target) {
        if let Err(refusal) = conn.execute_setup(&statement).await? {
            return Err(fail(format!(
                "cannot set up the monitoring session ({statement}): {}",
                refusal.message
            )));
        }
    }
    conn.performance_schema =
        conn.single(super::queries::PERFORMANCE_SCHEMA, "on_").await?.is_some_and(|v| v == "1");
    Ok(conn)
}

/// The session fences, by flavor: read-only transactions, the statement time limit
/// (MySQL counts ms and applies it to SELECT; MariaDB counts seconds and applies it to
/// every statement), and how long a statement waits for a metadata lock.
pub fn session_setup(server: &Server, target: &TargetConfig) -> Vec<String> {
    let limit = target.query_timeout.max(Duration::from_millis(100));
    let lock_wait = target.lock_timeout.as_secs().max(1);
    let time_limit = if server.is_mariadb() {
        format!("SET SESSION max_statement_time = {:.3}", limit.as_secs_f64())
    } else {
        format!("SET SESSION max_execution_time = {}", limit.as_millis())
    };
    vec![
        super::queries::READ_ONLY_MYSQL.to_owned(),
        time_limit,
        format!("SET SESSION lock_wait_timeout = {lock_wait}"),
    ]
}

fn opts(target: &TargetConfig, tls: Option<SslOpts>) -> Opts {
    let mut attributes = HashMap::new();
    attributes.insert("program_name".to_owned(), "logstag".to_owned());
    let builder = OptsBuilder::default()
        .user(Some(target.username.clone()).filter(|u| !u.is_empty()))
        .pass(Some(target.password.expose().to_owned()).filter(|p| !p.is_empty()))
        .db_name(Some(target.database.clone()).filter(|d| !d.is_empty()))
        .connect_attributes(attributes)
        // Known values, so the driver does not ask the server for them (one round trip
        // less per connect), and never switches from TCP to the socket by itself.
        .max_allowed_packet(Some(64 * 1024 * 1024))
        .wait_timeout(Some(28_800))
        .prefer_socket(false)
        .stmt_cache_size(0)
        .tcp_nodelay(true);
    let builder = if is_socket(&target.host) {
        builder.socket(Some(target.host.clone()))
    } else {
        builder.ip_or_hostname(target.host.clone()).tcp_port(target.port).ssl_opts(tls)
    };
    Opts::from(builder)
}

/// A host given as a path is a Unix socket (`/run/mysqld/mysqld.sock`).
pub fn is_socket(host: &str) -> bool {
    host.starts_with('/')
}

fn ssl_opts(target: &TargetConfig) -> Option<SslOpts> {
    if is_socket(&target.host) {
        return None;
    }
    let base = SslOpts::default();
    let base = match &target.tls.ca_file {
        Some(path) => base.with_root_certs(vec![path.clone().into()]),
        None => base,
    };
    match target.tls.mode {
        TlsMode::Disable => None,
        TlsMode::Prefer | TlsMode::VerifyFull => Some(base),
        // Encrypt without checking who answers (the user asked for exactly that).
        TlsMode::Require => {
            Some(base.with_danger_accept_invalid_certs(true).with_danger_skip_domain_validation(true))
        }
    }
}

/// The server's or the network's words, without the driver's noise.
pub fn describe_error(e: &mysql_async::Error) -> String {
    match e {
        mysql_async::Error::Server(s) => format!("{} (error {})", s.message, s.code),
        mysql_async::Error::Io(mysql_async::IoError::Io(io)) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::NotFound => "no such socket file".to_owned(),
            _ => io.to_string(),
        },
        mysql_async::Error::Io(mysql_async::IoError::Tls(t)) => format!("TLS: {t}"),
        mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer) => {
            "the server does not offer TLS (set tls = \"disable\" to connect without it)".to_owned()
        }
        other => other.to_string(),
    }
}

impl Conn {
    /// Runs one statement. Outer error: the connection is gone or did not answer in
    /// time (drop it). Inner error: the server refused this statement only.
    pub async fn query(&mut self, sql: &str) -> Result<Result<Vec<TextRow>, Refusal>, CollectError> {
        self.sent += 1;
        let result =
            match tokio::time::timeout(self.query_timeout, self.conn.query::<mysql_async::Row, _>(sql)).await
            {
                Ok(result) => result,
                Err(_) => {
                    return Err(CollectError::ConnectionLost {
                        endpoint: self.endpoint.clone(),
                        message: format!("no answer within {} s", self.query_timeout.as_secs()),
                    });
                }
            };
        match result {
            Ok(rows) => {
                let Some(first) = rows.first() else {
                    return Ok(Ok(Vec::new()));
                };
                let columns: Arc<[String]> =
                    first.columns_ref().iter().map(|c| c.name_str().into_owned()).collect();
                Ok(Ok(rows.into_iter().map(|r| from_driver(&columns, r)).collect()))
            }
            Err(mysql_async::Error::Server(s)) => Ok(Err(Refusal { code: s.code, message: s.message })),
            Err(e) => Err(CollectError::ConnectionLost {
                endpoint: self.endpoint.clone(),
                message: describe_error(&e),
            }),
        }
    }

    async fn execute_setup(&mut self, statement: &str) -> Result<Result<(), Refusal>, CollectError> {
        Ok(self.query(statement).await?.map(|_| ()))
    }

    /// The named column of the first row; None when refused or empty.
    async fn single(&mut self, sql: &str, column: &str) -> Result<Option<String>, CollectError> {
        Ok(self
            .query(sql)
            .await?
            .ok()
            .and_then(|rows| rows.first().and_then(|r| r.get(column).map(str::to_owned))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::queries::allowed_start;

    #[test]
    fn session_fences_are_on_the_allowlist() {
        let target = TargetConfig { query_timeout: Duration::from_secs(5), ..Default::default() };
        for banner in ["10.11.19-MariaDB", "8.0.36"] {
            let server = Server::parse(banner).unwrap();
            let setup = session_setup(&server, &target);
            assert_eq!(setup.len(), 3);
            for s in &setup {
                assert!(allowed_start(s), "{s}");
            }
        }
        let maria = session_setup(&Server::parse("10.6.1-MariaDB").unwrap(), &target);
        assert!(maria[1].contains("max_statement_time = 5.000"), "{maria:?}");
        let mysql = session_setup(&Server::parse("8.4.0").unwrap(), &target);
        assert!(mysql[1].contains("max_execution_time = 5000"), "{mysql:?}");
    }

    #[test]
    fn sockets_are_paths_and_get_no_tls() {
        let target = TargetConfig { host: "/run/mysqld/mysqld.sock".into(), ..Default::default() };
        assert!(is_socket(&target.host));
        assert!(ssl_opts(&target).is_none());
        let tcp = TargetConfig { host: "db1".into(), ..Default::default() };
        assert!(ssl_opts(&tcp).is_some(), "TLS is tried by default");
    }
}
