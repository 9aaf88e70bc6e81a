//! A throwaway PostgreSQL cluster per test (or one shared by several tests).
//!
//! PostgreSQL refuses to run as root, so when the tests run as root every server
//! command goes through `runuser -u postgres`. Clean-up is layered: `Drop` stops the
//! server; the shared cluster (never dropped) is stopped by an `atexit` hook; and a
//! detached watchdog shell stops any cluster once the test process has vanished, so a
//! crashed or killed test run leaves no postmaster behind.
//!
//! Versions: `start`/`shared` use the default server (PGBIN, else Debian's packaged one);
//! `start_version`/`shared_version` pick a major from `pg_bin`, which the version matrix
//! (`pg_versions.rs`) uses. Replicas come from `replica.rs`.

use super::pg_bin::{bin_dir, client_program, major_of, pg_bin};
use super::ports::free_port;
use logstag::config::{Intervals, Secret, TargetConfig, TlsConfig, TlsMode};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Password of the `pwuser` role, the only role that must authenticate.
pub const PWUSER_PASSWORD: &str = "correct-horse-battery";

pub struct TestCluster {
    pub(super) dir: TempDir,
    pub(super) bin: PathBuf,
    /// Major version of the server binaries (12, 15, 18…).
    pub major: u32,
    pub port: u16,
    pub(super) watchdog: Option<std::process::Child>,
    /// Extra server options (`-c name=value …`), e.g. for TLS.
    pub(super) extra_options: String,
}

pub(super) fn as_root() -> bool {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() == 0 }
}

impl TestCluster {
    /// initdb + start on a free loopback port, then roles, databases and extensions.
    pub fn start() -> TestCluster {
        Self::start_with(bin_dir(), false)
    }

    /// Like `start`, with the binaries of one major version (`pg_bin`).
    pub fn start_version(major: u32) -> TestCluster {
        Self::start_with(pg_bin(major), false)
    }

    /// Like `start`, with TLS on: a test CA signs a server certificate for 127.0.0.1
    /// and localhost. The CA certificate is at `ca_cert()`.
    pub fn start_tls_version(major: u32) -> TestCluster {
        Self::start_with(pg_bin(major), true)
    }

    fn start_with(bin: PathBuf, tls: bool) -> TestCluster {
        let dir = tempfile::Builder::new().prefix("logstag-pg-").tempdir().expect("tempdir");
        if as_root() {
            let ok = Command::new("chown").arg("postgres:postgres").arg(dir.path()).status().expect("chown");
            assert!(ok.success(), "chown of the cluster dir failed");
        }
        let mut cluster = TestCluster {
            dir,
            major: major_of(&bin),
            bin,
            port: free_port(),
            watchdog: None,
            extra_options: String::new(),
        };
        let data = cluster.data_dir();
        let out = cluster
            .server_cmd("initdb")
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .expect("run initdb");
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        // pwuser must authenticate: its line comes before the trust line. Replication
        // connections (pg_basebackup, a standby) match only `replication` lines.
        let hba = "local all all trust\n\
                   host all pwuser 127.0.0.1/32 scram-sha-256\n\
                   host all all 127.0.0.1/32 trust\n\
                   host replication all 127.0.0.1/32 trust\n";
        std::fs::write(data.join("pg_hba.conf"), hba).expect("write pg_hba.conf");
        if tls {
            cluster.make_certificates();
            let dir = cluster.dir.path().display().to_string();
            cluster.extra_options =
                format!(" -c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key");
        }
        cluster.spawn_watchdog();
        cluster.start_again();
        // One statement per call: psql -c runs a multi-statement string as one
        // transaction, and CREATE DATABASE refuses to run inside one.
        for sql in [
            "CREATE EXTENSION pg_stat_statements",
            "CREATE ROLE monitor LOGIN IN ROLE pg_monitor",
            // PG 12–13 store md5 by default, which the scram-sha-256 line cannot use.
            &format!(
                "SET password_encryption = 'scram-sha-256'; CREATE ROLE pwuser LOGIN PASSWORD '{PWUSER_PASSWORD}'"
            ),
            "CREATE DATABASE app",
            "CREATE DATABASE nostats",
        ] {
            cluster.psql("postgres", sql);
        }
        cluster.psql("app", "CREATE EXTENSION pg_stat_statements;");
        cluster
    }

    /// The cluster shared by tests that do not stop it or measure it.
    pub fn shared() -> &'static TestCluster {
        static SHARED: OnceLock<&'static TestCluster> = OnceLock::new();
        SHARED.get_or_init(|| Self::keep_until_exit(TestCluster::start()))
    }

    /// One shared cluster per major version; the default server's major reuses `shared`.
    pub fn shared_version(major: u32) -> &'static TestCluster {
        static BY_MAJOR: Mutex<Vec<(u32, &'static TestCluster)>> = Mutex::new(Vec::new());
        let bin = pg_bin(major);
        if bin == bin_dir() {
            return Self::shared();
        }
        // Held while starting, so concurrent tests of one version start it once.
        let mut started = BY_MAJOR.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, c)) = started.iter().find(|(m, _)| *m == major) {
            return c;
        }
        let cluster = Self::keep_until_exit(TestCluster::start_with(bin, false));
        started.push((major, cluster));
        cluster
    }

    /// Never dropped: an `atexit` hook stops it with the test process.
    fn keep_until_exit(cluster: TestCluster) -> &'static TestCluster {
        let mut dirs = SHARED_DATA_DIRS.lock().unwrap_or_else(|e| e.into_inner());
        dirs.push((cluster.bin.clone(), cluster.data_dir()));
        if dirs.len() == 1 {
            extern "C" fn stop_shared() {
                let guard = SHARED_DATA_DIRS.lock().unwrap_or_else(|e| e.into_inner());
                for (bin, data) in guard.iter() {
                    let _ = stop_command(bin, data, "immediate").status();
                }
            }
            // SAFETY: registering a plain extern "C" fn without captured state.
            unsafe { libc::atexit(stop_shared) };
        }
        Box::leak(Box::new(cluster))
    }

    pub fn ca_cert(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    fn make_certificates(&self) {
        let d = self.dir.path().display();
        let script = format!(
            "set -e; cd '{d}'
             openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=logstag-test-ca \
               -keyout ca.key -out ca.crt -addext basicConstraints=critical,CA:TRUE \
               -addext keyUsage=critical,keyCertSign,cRLSign
             openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr
             printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > ext.cnf
             openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
               -extfile ext.cnf -out server.crt
             chmod 600 server.key"
        );
        let out = Command::new("sh").args(["-c", &script]).output().expect("run openssl");
        assert!(out.status.success(), "openssl failed: {}", String::from_utf8_lossy(&out.stderr));
        if as_root() {
            let key = self.dir.path().join("server.key");
            let ok = Command::new("chown").arg("postgres:postgres").arg(key).status().expect("chown");
            assert!(ok.success());
        }
    }

    pub(super) fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    pub(super) fn server_cmd(&self, program: &str) -> Command {
        server_command(&self.bin, program)
    }

    /// Starts (or restarts, on the same port) the server and waits until it accepts
    /// connections.
    pub fn start_again(&self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
             -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on \
             -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.socket_dir().display()
        ) + &self.extra_options;
        let log = self.dir.path().join("server.log");
        let out = self
            .server_cmd("pg_ctl")
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(self.data_dir())
            .arg("-l")
            .arg(&log)
            .args(["-o", &opts])
            .stdout(Stdio::null())
            .output()
            .expect("run pg_ctl start");
        if !out.status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("pg_ctl start failed: {}\n{log}", String::from_utf8_lossy(&out.stderr));
        }
        self.wait_ready();
    }

    /// Stops the server (fast, like a crash would look to clients).
    pub fn stop(&self) {
        let _ = stop_command(&self.bin, &self.data_dir(), "immediate").status();
    }

    /// Retries until a query succeeds: pg_ctl -w can return while the server still
    /// answers 57P03 "the database system is starting up".
    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = self.psql_output("postgres", "SELECT 1");
            if out.status.success() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "server never became ready: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn psql_output(&self, db: &str, sql: &str) -> std::process::Output {
        Command::new(client_program(&self.bin, "psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-p"])
            .arg(self.port.to_string())
            .args(["-d", db, "-c", sql])
            .stdin(Stdio::null())
            .output()
            .expect("run psql")
    }

    /// Runs SQL as superuser (scenario setup only).
    pub fn psql(&self, db: &str, sql: &str) {
        let out = self.psql_output(db, sql);
        assert!(out.status.success(), "psql failed: {sql}\n{}", String::from_utf8_lossy(&out.stderr));
    }

    /// Monitoring target for `user` on `db`, over TCP with TLS "prefer" (the test server
    /// has no TLS, which exercises the plain-text fallback).
    pub fn target_config(&self, user: &str, db: &str) -> TargetConfig {
        TargetConfig {
            name: format!("test-{}", self.port),
            engine: logstag::collectors::postgres::spec::SPEC.kind,
            platform: String::new(),
            host: "127.0.0.1".into(),
            port: self.port,
            username: user.into(),
            password: Secret::default(),
            database: db.into(),
            tls: TlsConfig { mode: TlsMode::Prefer, ca_file: None },
            intervals: Intervals::default(),
            tags: vec![],
            connect_timeout: Duration::from_secs(10),
            query_timeout: Duration::from_secs(10),
            lock_timeout: Duration::from_secs(1),
            cloud: Default::default(),
            options: Default::default(),
        }
    }

    /// Superuser client for setting up scenarios; its connection task runs on the
    /// caller's runtime.
    pub async fn client(&self, db: &str) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .user("postgres")
            .dbname(db)
            .connect(tokio_postgres::NoTls)
            .await
            .expect("superuser connect");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }

    /// Stops this cluster once the test process is gone, whatever way it ended.
    pub(super) fn spawn_watchdog(&mut self) {
        let pid = std::process::id();
        let stop = stop_command(&self.bin, &self.data_dir(), "immediate");
        let stop_line = std::iter::once(stop.get_program())
            .chain(stop.get_args())
            .map(|a| format!("'{}'", a.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ");
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop_line} >/dev/null 2>&1; rm -rf '{}'",
            self.dir.path().display()
        );
        // setsid: a Ctrl-C to the test's process group must not kill the watchdog too.
        self.watchdog = Command::new("setsid")
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
    }
}

static SHARED_DATA_DIRS: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

pub(super) fn server_command(bin: &Path, program: &str) -> Command {
    let path = bin.join(program);
    if as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    }
}

pub(super) fn stop_command(bin: &Path, data: &Path, mode: &str) -> Command {
    let mut c = server_command(bin, "pg_ctl");
    c.args(["stop", "-w", "-t", "30", "-m", mode, "-D"]).arg(data);
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.stop();
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}
