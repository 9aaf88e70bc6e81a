//! The monitoring connection: driver config from `TargetConfig`, TLS, and a client that
//! prepares each monitoring query once and tells a broken connection from a failed view.

use crate::collectors::CollectError;
use crate::config::{TargetConfig, TlsMode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Socket, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Startup `options`: every setting travels in the startup packet, so no SET round trip
/// is needed (and no SET statement exists in our code). Read-only is the default of
/// every transaction; the timeouts bound what one monitoring query may cost the server.
pub fn startup_options(target: &TargetConfig) -> String {
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1);
    let statement = ms(target.query_timeout);
    let lock = ms(target.lock_timeout);
    // We never leave a transaction open; if a bug ever did, the server ends it quickly.
    let idle_in_tx = statement.saturating_mul(2).max(10_000);
    format!(
        "-c default_transaction_read_only=on -c statement_timeout={statement} \
         -c lock_timeout={lock} -c idle_in_transaction_session_timeout={idle_in_tx}"
    )
}

/// Driver configuration. The password goes straight to the driver, never into a URL.
pub fn driver_config(target: &TargetConfig) -> tokio_postgres::Config {
    let mut cfg = tokio_postgres::Config::new();
    if target.host.starts_with('/') {
        cfg.host_path(&target.host);
    } else {
        cfg.host(&target.host);
    }
    cfg.port(target.port)
        .user(&target.username)
        .dbname(database_name(target))
        .application_name("logstag")
        .options(startup_options(target))
        .connect_timeout(target.connect_timeout);
    if !target.password.is_empty() {
        cfg.password(target.password.expose());
    }
    cfg.ssl_mode(match target.tls.mode {
        TlsMode::Disable => SslMode::Disable,
        // Unix sockets are local; libpq does not use TLS on them either.
        _ if target.host.starts_with('/') => SslMode::Disable,
        // Prefer verifies like VerifyFull when the server offers TLS (a self-signed
        // server then fails with a hint to use Require or ca_file) and falls back to
        // plain text only when the server has no TLS at all.
        TlsMode::Prefer => SslMode::Prefer,
        TlsMode::Require | TlsMode::VerifyFull => SslMode::Require,
    });
    cfg
}

pub fn database_name(target: &TargetConfig) -> &str {
    if target.database.is_empty() { "postgres" } else { &target.database }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// rustls configuration for the TLS mode; None when TLS is off.
pub fn tls_config(target: &TargetConfig) -> Result<Option<ClientConfig>, String> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let config = match target.tls.mode {
        TlsMode::Disable => return Ok(None),
        TlsMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        TlsMode::Prefer | TlsMode::VerifyFull => {
            builder.with_root_certificates(root_store(target)?).with_no_client_auth()
        }
    };
    Ok(Some(config))
}

fn root_store(target: &TargetConfig) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    // Unreadable system stores are not fatal: a ca_file may still make verification work.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = &target.tls.ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
        for cert in certs {
            let cert = cert.map_err(|e| format!("bad certificate in CA file {}: {e}", path.display()))?;
            roots.add(cert).map_err(|e| format!("unusable CA certificate in {}: {e}", path.display()))?;
        }
    }
    Ok(roots)
}

/// libpq's `sslmode=require`: encrypt, but accept any certificate (a self-signed one is
/// the common case there). Handshake signatures are still checked with the provider, so
/// the peer must at least hold the private key of the certificate it presents.
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// An open monitoring connection with its prepared statements.
pub struct Conn {
    client: Client,
    prepared: HashMap<&'static str, Statement>,
    /// `server_version` as reported at start-up, e.g. "15.18 (Debian …)".
    pub server_version: String,
}

/// Connects and spawns the connection task. When that task ends (server gone), the
/// client reports itself closed and the next query fails.
pub async fn connect(target: &TargetConfig, endpoint: &str) -> Result<Conn, CollectError> {
    let cfg = driver_config(target);
    let fail = |message: String| CollectError::Connect { endpoint: endpoint.to_owned(), message };
    match tls_config(target).map_err(fail)? {
        None => open(&cfg, NoTls, target).await,
        Some(tls) => open(&cfg, MakeRustlsConnect::new(tls), target).await,
    }
    .map_err(|e| fail(describe_connect_error(&e, target)))
}

async fn open<T>(
    cfg: &tokio_postgres::Config,
    tls: T,
    target: &TargetConfig,
) -> Result<Conn, tokio_postgres::Error>
where
    T: MakeTlsConnect<Socket> + 'static + Send,
    T::TlsConnect: Send,
    T::Stream: Send,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let (client, connection) = cfg.connect(tls).await?;
    let server_version = connection.parameter("server_version").unwrap_or_default().to_owned();
    let endpoint = target.endpoint();
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!("monitoring connection to {endpoint} ended: {e}");
        }
    });
    Ok(Conn { client, prepared: HashMap::new(), server_version })
}

/// Plain-language reason for a failed connection attempt (the endpoint is added by
/// `CollectError`'s Display). Driver errors never contain the password.
pub fn describe_connect_error(e: &tokio_postgres::Error, target: &TargetConfig) -> String {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        return if *code == SqlState::INVALID_PASSWORD {
            format!("password authentication failed for user \"{}\"", target.username)
        } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            format!("authentication failed (rejected by pg_hba.conf?): {}", db.message())
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            format!("database \"{}\" does not exist", database_name(target))
        } else if *code == SqlState::TOO_MANY_CONNECTIONS {
            format!("server refuses new connections: {}", db.message())
        } else if *code == SqlState::CANNOT_CONNECT_NOW {
            format!("server is not accepting connections yet: {}", db.message())
        } else {
            db.message().to_owned()
        };
    }
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    if lower.contains("tls") || lower.contains("certificate") {
        let hint = match target.tls.mode {
            TlsMode::Prefer | TlsMode::VerifyFull => {
                "; trust the server's CA with tls.ca_file, or use tls mode \"require\" to encrypt without verifying"
            }
            _ => "",
        };
        format!("TLS failure ({:?} mode): {chain}{hint}", target.tls.mode)
    } else if lower.contains("refused") {
        "connection refused: is PostgreSQL running and listening there?".to_owned()
    } else if lower.contains("password missing") {
        "the server asks for a password and none is configured".to_owned()
    } else {
        chain
    }
}

pub use crate::errors::error_chain;

/// A query that failed without breaking the connection: what to tell the user.
pub struct ViewFailure {
    pub code: Option<SqlState>,
    pub message: String,
}

impl Conn {
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The driver's client, for work that needs a transaction of its own (plans).
    pub fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Runs a monitoring query, preparing it on first use on this connection.
    /// Outer error: the connection is gone. Inner error: this query failed.
    pub async fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
        endpoint: &str,
    ) -> Result<Result<Vec<Row>, ViewFailure>, CollectError> {
        let statement = match self.prepared.get(sql) {
            Some(s) => s.clone(),
            None => match self.client.prepare(sql).await {
                Ok(s) => {
                    self.prepared.insert(sql, s.clone());
                    s
                }
                Err(e) => return self.failure(e, endpoint),
            },
        };
        match self.client.query(&statement, params).await {
            Ok(rows) => Ok(Ok(rows)),
            Err(e) => self.failure(e, endpoint),
        }
    }

    fn failure<T>(
        &self,
        e: tokio_postgres::Error,
        endpoint: &str,
    ) -> Result<Result<T, ViewFailure>, CollectError> {
        let code = e.code().cloned();
        let fatal = [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW];
        let lost = e.as_db_error().is_none()
            || self.client.is_closed()
            || code.as_ref().is_some_and(|c| fatal.contains(c));
        if lost {
            return Err(CollectError::ConnectionLost {
                endpoint: endpoint.to_owned(),
                message: error_chain(&e),
            });
        }
        let message = match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => error_chain(&e),
        };
        Ok(Err(ViewFailure { code, message }))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::{Intervals, Secret, TlsConfig};

    pub(crate) fn target(host: &str, mode: TlsMode) -> TargetConfig {
        TargetConfig {
            name: "t".into(),
            engine: crate::collectors::postgres::spec::SPEC.kind,
            platform: String::new(),
            host: host.into(),
            port: 5432,
            username: "monitor".into(),
            password: Secret::new("s3cret-pw"),
            database: String::new(),
            tls: TlsConfig { mode, ca_file: None },
            intervals: Intervals::default(),
            tags: vec![],
            connect_timeout: Duration::from_secs(3),
            query_timeout: Duration::from_secs(5),
            lock_timeout: Duration::from_millis(500),
            cloud: Default::default(),
            options: Default::default(),
        }
    }

    #[test]
    fn options_carry_read_only_and_timeouts() {
        let o = startup_options(&target("db", TlsMode::Disable));
        assert!(o.contains("default_transaction_read_only=on"));
        assert!(o.contains("statement_timeout=5000"));
        assert!(o.contains("lock_timeout=500"));
        assert!(o.contains("idle_in_transaction_session_timeout=10000"));
    }

    #[test]
    fn config_uses_socket_dir_and_default_database() {
        let cfg = driver_config(&target("/run/postgresql", TlsMode::VerifyFull));
        assert_eq!(cfg.get_dbname(), Some("postgres"));
        assert_eq!(cfg.get_ssl_mode(), SslMode::Disable);
        assert_eq!(cfg.get_application_name(), Some("logstag"));
        assert!(matches!(cfg.get_hosts().first(), Some(tokio_postgres::config::Host::Unix(_))));
        let tcp = driver_config(&target("db", TlsMode::VerifyFull));
        assert_eq!(tcp.get_ssl_mode(), SslMode::Require);
        // Debug output of the driver config must not leak the password either.
        assert!(!format!("{tcp:?}").contains("s3cret-pw"));
    }

    #[test]
    fn tls_configs_build_for_every_mode() {
        assert!(matches!(tls_config(&target("db", TlsMode::Disable)), Ok(None)));
        for mode in [TlsMode::Prefer, TlsMode::Require, TlsMode::VerifyFull] {
            assert!(matches!(tls_config(&target("db", mode)), Ok(Some(_))), "{mode:?}");
        }
        let mut bad = target("db", TlsMode::VerifyFull);
        bad.tls.ca_file = Some("/nonexistent/ca.pem".into());
        assert!(tls_config(&bad).is_err_and(|e| e.contains("/nonexistent/ca.pem")));
    }
}
