//! Finding local servers when Logstag is started with no arguments and no config.
//!
//! Each engine lists where it may answer (`EngineSpec::discovery`); this module only
//! runs cheap, side-effect-free probes: is an environment variable set, is a Unix socket
//! file there and does it accept a connection, does a loopback port accept a TCP
//! connection. Authentication happens later, in the collector, where its failure is
//! shown on the target like any other.

use super::registry::{EngineSpec, Probe};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::{TcpStream, UnixStream};
use tokio::time::timeout;

const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// A server that answered a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// The engine's environment variables describe a target (its URL reads them).
    Environment,
    /// A Unix socket: `dir` is what the target's host becomes (the socket's directory
    /// where the file name gives the port, or the socket file itself).
    Socket {
        dir: &'a str,
        port: u16,
    },
    Tcp {
        host: &'a str,
        port: u16,
    },
}

#[derive(Clone, Copy)]
pub struct Found {
    pub engine: &'static EngineSpec,
    pub place: Place<'static>,
}

/// What was probed and what answered, so a failed search can say what it tried.
#[derive(Default)]
pub struct Discovery {
    pub tried: Vec<String>,
    pub found: Vec<Found>,
}

/// Probes every engine's places, in registry order.
pub async fn discover_local(engines: &[&'static EngineSpec]) -> Discovery {
    let mut d = Discovery::default();
    for &engine in engines {
        let mut socket_ports = Vec::new();
        for probe in engine.discovery {
            match *probe {
                Probe::Environment(vars) => {
                    d.tried.push(format!("the {} environment variables ({})", engine.name, vars.join(", ")));
                    if vars.iter().any(|v| std::env::var_os(v).is_some()) {
                        d.found.push(Found { engine, place: Place::Environment });
                    }
                }
                Probe::UnixSockets { dirs, prefix } => {
                    for dir in dirs {
                        d.tried.push(format!("{} sockets in {dir}", engine.name));
                        for (path, port) in sockets_in(Path::new(dir), prefix) {
                            if answers_unix(&path).await {
                                socket_ports.push(port);
                                d.found.push(Found { engine, place: Place::Socket { dir, port } });
                            }
                        }
                    }
                }
                Probe::SocketFiles { paths, port } => {
                    d.tried.push(format!("{} sockets {}", engine.name, paths.join(", ")));
                    for path in paths {
                        if answers_unix(Path::new(path)).await {
                            socket_ports.push(port);
                            d.found.push(Found { engine, place: Place::Socket { dir: path, port } });
                            break;
                        }
                    }
                }
                Probe::Tcp { host, port } => {
                    d.tried.push(format!("{} at {host}:{port}", engine.name));
                    // The same server usually listens on both; the socket is preferred (peer auth works there).
                    if !socket_ports.contains(&port) && answers_tcp(host, port).await {
                        d.found.push(Found { engine, place: Place::Tcp { host, port } });
                    }
                }
            }
        }
    }
    d
}

/// Socket files named `<prefix><port>` in `dir`, sorted by port.
pub fn sockets_in(dir: &Path, prefix: &str) -> Vec<(PathBuf, u16)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<(PathBuf, u16)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let port: u16 = name.to_str()?.strip_prefix(prefix)?.parse().ok()?;
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
        let ports: Vec<u16> = sockets_in(dir.path(), ".s.PGSQL.").into_iter().map(|(_, p)| p).collect();
        assert_eq!(ports, vec![5432, 5433]);
        assert!(sockets_in(Path::new("/nonexistent/dir"), ".s.PGSQL.").is_empty());
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
