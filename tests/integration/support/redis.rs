//! A throwaway `redis-server` per test on a free loopback port: no persistence, its own
//! temp directory, killed on drop. Optionally password-protected or TLS-only (a test CA
//! made with rcgen signs a certificate for 127.0.0.1 and localhost).
//!
//! `Server` picks the product: Debian's Redis 7 (the default) or Valkey 8 fetched by
//! `.ci/test-servers.sh` (built without TLS, so TLS tests stay Redis-only).

use super::ports::free_port;
use logstag::config::{Intervals, Secret, TargetConfig, TlsConfig, TlsMode};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Which server a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Redis7,
    Valkey8,
}

impl Server {
    /// The product the server reports in INFO, as Logstag shows it.
    pub fn product(self) -> &'static str {
        match self {
            Server::Redis7 => "Redis",
            Server::Valkey8 => "Valkey",
        }
    }

    /// Its major version, as in "Valkey 8.1.8".
    pub fn version_prefix(self) -> &'static str {
        match self {
            Server::Redis7 => "Redis 7.",
            Server::Valkey8 => "Valkey 8.",
        }
    }

    fn program(self) -> PathBuf {
        match self {
            Server::Redis7 => PathBuf::from("redis-server"),
            Server::Valkey8 => {
                let dir = std::env::var_os("LOGSTAG_TEST_SERVERS")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-servers"));
                let program = dir.join("valkey8/bin/valkey-server");
                // Missing fails the test: skipping would let the matrix pass without running.
                assert!(program.exists(), "{} not found: run .ci/test-servers.sh", program.display());
                program
            }
        }
    }
}

pub struct TestRedis {
    dir: TempDir,
    pub kind: Server,
    child: Option<Child>,
    pub port: u16,
    pub password: Option<String>,
    tls: bool,
}

impl TestRedis {
    pub fn start() -> TestRedis {
        Self::launch(Server::Redis7, None, false)
    }

    pub fn start_of(server: Server) -> TestRedis {
        Self::launch(server, None, false)
    }

    /// `requirepass` set: the default user needs this password.
    pub fn start_with_password(password: &str) -> TestRedis {
        Self::launch(Server::Redis7, Some(password.to_owned()), false)
    }

    pub fn start_with_password_of(server: Server, password: &str) -> TestRedis {
        Self::launch(server, Some(password.to_owned()), false)
    }

    /// TLS only (`--port 0 --tls-port N`), server certificate from `ca_cert()`.
    pub fn start_tls() -> TestRedis {
        Self::launch(Server::Redis7, None, true)
    }

    fn launch(kind: Server, password: Option<String>, tls: bool) -> TestRedis {
        let dir = tempfile::Builder::new().prefix("logstag-redis-").tempdir().expect("tempdir");
        let mut server = TestRedis { dir, kind, child: None, port: free_port(), password, tls };
        if tls {
            server.make_certificates();
        }
        server.start_again();
        server
    }

    /// Starts (or restarts, on the same port) and waits until it answers.
    pub fn start_again(&mut self) {
        let d = self.dir.path();
        let port = self.port.to_string();
        let mut cmd = Command::new(self.kind.program());
        cmd.args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir"]).arg(d);
        if self.tls {
            cmd.args(["--port", "0", "--tls-port", &port, "--tls-auth-clients", "no"])
                .arg("--tls-cert-file")
                .arg(d.join("server.crt"))
                .arg("--tls-key-file")
                .arg(d.join("server.key"))
                .arg("--tls-ca-cert-file")
                .arg(self.ca_cert());
        } else {
            cmd.args(["--port", &port]);
        }
        if let Some(pw) = &self.password {
            cmd.args(["--requirepass", pw]);
        }
        let log = std::fs::File::create(d.join("server.log")).expect("log file");
        cmd.stdin(Stdio::null()).stdout(log.try_clone().expect("log")).stderr(log);
        self.child = Some(cmd.spawn().expect("run the server (is it installed?)"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.answers() {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(d.join("server.log")).unwrap_or_default();
                panic!("{:?} did not start on port {}:\n{log}", self.kind, self.port);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server (the collector then sees its connection drop).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        if self.tls {
            // The handshake is the client's business; an open port is enough here.
            return true;
        }
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut buf = [0u8; 64];
        // +PONG, or -NOAUTH from a password-protected server: either way it is up.
        s.write_all(b"PING\r\n").is_ok() && s.read(&mut buf).is_ok_and(|n| n > 0)
    }

    pub fn ca_cert(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    fn make_certificates(&self) {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "logstag-test-ca");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca, ca_key);
        let server_key = KeyPair::generate().expect("server key");
        let mut server =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("params");
        server.distinguished_name.push(DnType::CommonName, "localhost");
        let server_cert = server.signed_by(&server_key, &issuer).expect("server certificate");
        let d = self.dir.path();
        std::fs::write(d.join("ca.crt"), ca_cert.pem()).expect("write ca");
        std::fs::write(d.join("server.crt"), server_cert.pem()).expect("write cert");
        std::fs::write(d.join("server.key"), server_key.serialize_pem()).expect("write key");
    }

    /// A synchronous admin connection for the test's own setup (CONFIG SET, ACL SETUSER,
    /// load). Logstag never sends such commands; the tests do, as the DBA would.
    pub fn admin(&self) -> redis::Connection {
        let auth = self.password.as_ref().map(|p| format!(":{p}@")).unwrap_or_default();
        let url = format!("redis://{auth}127.0.0.1:{}/0", self.port);
        redis::Client::open(url).expect("client").get_connection().expect("admin connection")
    }

    /// A target as the config would give it: password from the server, db 0, fast tiers.
    pub fn target(&self, name: &str) -> TargetConfig {
        TargetConfig {
            name: name.to_owned(),
            engine: logstag::collectors::redis::spec::REDIS.kind,
            platform: "self-hosted".to_owned(),
            host: "127.0.0.1".to_owned(),
            port: self.port,
            username: String::new(),
            password: Secret::new(self.password.clone().unwrap_or_default()),
            database: "0".to_owned(),
            tls: TlsConfig { mode: TlsMode::Disable, ca_file: None },
            intervals: Intervals {
                high: Some(Duration::from_secs(1)),
                medium: Some(Duration::from_secs(1)),
                low: Some(Duration::from_secs(1)),
                schema: None,
            },
            tags: vec![],
            connect_timeout: Duration::from_secs(3),
            query_timeout: Duration::from_secs(3),
            lock_timeout: Duration::from_secs(1),
            cloud: Default::default(),
            options: Default::default(),
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
