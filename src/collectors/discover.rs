//! Finding local servers when Logstag is started with no arguments and no config.
//!
//! Only cheap, side-effect-free probes: is a Unix socket file there and does it accept
//! a connection, does a loopback port accept a TCP connection. Authentication happens
//! later, in the collector, where its failure is shown on the target like any other.

use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::{TcpStream, UnixStream};
use tokio::time::timeout;

/// The usual PostgreSQL socket directories (Debian/Ubuntu, RHEL, source builds).
pub const POSTGRES_SOCKET_DIRS: &[&str] = &["/var/run/postgresql", "/run/postgresql", "/tmp"];
pub const POSTGRES_TCP: (&str, u16) = ("127.0.0.1", 5432);
pub const REDIS_TCP: (&str, u16) = ("127.0.0.1", 6379);

const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// A server that answered a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// PostgreSQL on a Unix socket: directory and port (from the socket file name).
    PostgresSocket {
        dir: PathBuf,
        port: u16,
    },
    PostgresTcp {
        host: String,
        port: u16,
    },
    RedisTcp {
        host: String,
        port: u16,
    },
}

/// What was probed and what answered, so a failed search can say what it tried.
#[derive(Debug, Default)]
pub struct Discovery {
    pub tried: Vec<String>,
    pub found: Vec<Found>,
}

/// Probes the usual places. PG* environment variables are handled by the caller (they
/// describe a target fully, so they are a target, not a probe).
pub async fn discover_local() -> Discovery {
    let mut d = Discovery::default();
    let mut socket_ports = Vec::new();
    for dir in POSTGRES_SOCKET_DIRS {
        d.tried.push(format!("PostgreSQL sockets in {dir}"));
        for (path, port) in postgres_sockets_in(Path::new(dir)) {
            if answers_unix(&path).await {
                socket_ports.push(port);
                d.found.push(Found::PostgresSocket { dir: PathBuf::from(dir), port });
            }
        }
    }
    let (host, port) = POSTGRES_TCP;
    d.tried.push(format!("PostgreSQL at {host}:{port}"));
    // The same server usually listens on both; the socket is preferred (peer auth works there).
    if !socket_ports.contains(&port) && answers_tcp(host, port).await {
        d.found.push(Found::PostgresTcp { host: host.to_owned(), port });
    }
    let (host, port) = REDIS_TCP;
    d.tried.push(format!("Redis at {host}:{port}"));
    if answers_tcp(host, port).await {
        d.found.push(Found::RedisTcp { host: host.to_owned(), port });
    }
    d
}

/// Socket files named `.s.PGSQL.<port>` in `dir`, sorted by port.
pub fn postgres_sockets_in(dir: &Path) -> Vec<(PathBuf, u16)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<(PathBuf, u16)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let port = name.to_str()?.strip_prefix(".s.PGSQL.")?.parse::<u16>().ok()?;
            Some((e.path(), port))
        })
        .collect();
    found.sort_by_key(|(_, port)| *port);
    found
}

async fn answers_unix(path: &Path) -> bool {
    matches!(timeout(PROBE_TIMEOUT, UnixStream::connect(path)).await, Ok(Ok(_)))
}

async fn answers_tcp(host: &str, port: u16) -> bool {
    matches!(timeout(PROBE_TIMEOUT, TcpStream::connect((host, port))).await, Ok(Ok(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_files_give_ports_and_other_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        for name in [".s.PGSQL.5433", ".s.PGSQL.5432", ".s.PGSQL.5432.lock", "other", ".s.PGSQL.x"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let ports: Vec<u16> = postgres_sockets_in(dir.path()).into_iter().map(|(_, p)| p).collect();
        assert_eq!(ports, vec![5432, 5433]);
        assert!(postgres_sockets_in(Path::new("/nonexistent/dir")).is_empty());
    }

    #[tokio::test]
    async fn a_listening_socket_answers_and_a_stale_file_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join(".s.PGSQL.6000");
        let _listener = tokio::net::UnixListener::bind(&live).unwrap();
        let stale = dir.path().join(".s.PGSQL.6001");
        std::fs::write(&stale, b"").unwrap();
        assert!(answers_unix(&live).await);
        assert!(!answers_unix(&stale).await);
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = tcp.local_addr().unwrap().port();
        assert!(answers_tcp("127.0.0.1", port).await);
        drop(tcp);
        assert!(!answers_tcp("127.0.0.1", port).await);
    }
}
