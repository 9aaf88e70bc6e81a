//! A throwaway MariaDB server per test: a data directory made by `mariadb-install-db` in
//! its own temp directory, a free loopback port and a Unix socket there, killed on drop.
//!
//! MariaDB (Debian's 10.11) refuses to run as root unless told `--user=root`, so the
//! server and `mariadb-install-db` get `--user=<whoever runs the tests>`; the
//! all-privilege account made by `--auth-root-authentication-method=socket` is then that
//! OS user, logged in over the socket without a password (`sql`). Tests speak SQL through
//! the `mariadb` command-line client: scenario sessions (a sleeping query, a lock holder)
//! are background clients (`Session`) killed on drop.
//!
//! Clean-up is layered as for PostgreSQL: `Drop` kills the server, and a detached watchdog
//! shell kills it once the test process has vanished, so a crashed or killed test run
//! leaves no mariadbd behind.

use super::ports::free_port;
use logstag::config::{Intervals, Secret, TargetConfig, TlsConfig, TlsMode};
use logstag::model::EngineKind;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Password of the `monitor` account (the one Logstag logs in with).
pub const MONITOR_PASSWORD: &str = "monitor-Horse-Battery-9";
/// Password of the `app` account, owner of the `app` database (workloads, lock scenarios).
pub const APP_PASSWORD: &str = "app-Staple-Correct-7";

/// The monitoring grants, exactly as README gives them for MySQL and MariaDB:
/// PROCESS for every session in the processlist and SHOW ENGINE INNODB STATUS;
/// REPLICATION CLIENT for replica/binary-log status; SELECT for performance_schema, sys,
/// information_schema and mysql.global_priv (the user audit).
///
/// MariaDB 10.5+ stores REPLICATION CLIENT as its new name BINLOG MONITOR, which covers
/// SHOW BINARY LOGS / SHOW MASTER STATUS but not SHOW REPLICA STATUS: that needs SLAVE
/// MONITOR (alias REPLICA MONITOR), which README adds for MariaDB 10.5.9 and later, and so
/// does the harness, so collector tests see what a user following README gets.
pub const MONITOR_GRANTS: &str = "PROCESS, REPLICATION CLIENT, SELECT";
pub const MONITOR_GRANTS_MARIADB: &str = "SLAVE MONITOR";

/// How long lock holders sleep with their transaction open, and how long waiters on a
/// row lock wait: long enough for any collector test, short enough that a leaked session
/// ends by itself. The guards kill them well before that.
const HOLD_SECS: u32 = 300;

/// How long the server may take to answer after it was spawned. It takes ~0.2 s here;
/// the margin is for a loaded 2-core CI runner.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a scenario step (a session reaching its wait) may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct TestMariaDb {
    dir: TempDir,
    pub port: u16,
    performance_schema: bool,
    root: Root,
    child: Option<Child>,
    watchdog: Option<Child>,
}

/// How to reach the all-privilege account: the OS user over the socket (unix_socket
/// authentication, no password). Cloned into each `Session` so its drop can KILL it.
#[derive(Clone)]
struct Root {
    socket: PathBuf,
    user: String,
}

impl Root {
    fn client(&self) -> Command {
        let mut c = Command::new("mariadb");
        // --no-defaults first: no ~/.my.cnf or /etc/mysql settings leak into the tests.
        c.arg("--no-defaults")
            .arg(format!("--socket={}", self.socket.display()))
            .arg(format!("--user={}", self.user))
            .args(["--batch", "--skip-column-names"])
            .stdin(Stdio::null());
        c
    }

    fn run(&self, sql: &str) -> std::process::Output {
        self.client()
            .arg("-e")
            .arg(sql)
            .output()
            .expect("run the mariadb client (is mariadb-client installed?)")
    }
}

/// The OS user the tests run as: it owns the data directory and is the socket-authenticated
/// admin account.
fn os_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("run id -un");
    assert!(out.status.success(), "id -un failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `mariadbd` from PATH, else Debian's /usr/sbin (not on a non-root user's PATH).
fn server_program() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("mariadbd"))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| PathBuf::from("/usr/sbin/mariadbd"))
}

/// The last `n` lines of a log file, for panic messages.
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| format!("({}: {e})", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Table names for the lock scenarios: one per call, so a test may build several
/// scenarios on one server without them touching each other's tables.
static NEXT_TABLE: AtomicU32 = AtomicU32::new(1);

impl TestMariaDb {
    /// performance_schema on, with what Logstag reads: the statement digests, the current
    /// and recent statements, and the metadata-lock instrument (`metadata_locks`).
    pub fn start() -> TestMariaDb {
        Self::launch(true)
    }

    /// performance_schema off (MariaDB's default): the collector must manage without it.
    pub fn start_without_performance_schema() -> TestMariaDb {
        Self::launch(false)
    }

    fn launch(performance_schema: bool) -> TestMariaDb {
        let dir = tempfile::Builder::new().prefix("logstag-mariadb-").tempdir().expect("tempdir");
        let root = Root { socket: dir.path().join("mysqld.sock"), user: os_user() };
        let mut server =
            TestMariaDb { dir, port: free_port(), performance_schema, root, child: None, watchdog: None };
        server.spawn_watchdog();
        server.install_db();
        server.start_again();
        server.create_accounts();
        server
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn error_log(&self) -> PathBuf {
        self.dir.path().join("error.log")
    }

    fn tmp_dir(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    fn pid_file(&self) -> PathBuf {
        self.dir.path().join("mysqld.pid")
    }

    /// Options both the bootstrap server of mariadb-install-db and the real one get: the
    /// InnoDB sizes must be there at creation, or install-db would write its default 96 MB
    /// redo log (114 MB instead of 26 MB of data directory, and slower). The tmpdir is
    /// our own because a starting mariadbd deletes every `#sql*` file in its tmpdir:
    /// sharing /tmp, servers starting side by side deleted each other's temporary tables
    /// (install-db failed with "Unknown table 'mysql.tmp_user_sys'").
    fn common_options(&self) -> Vec<String> {
        vec![
            format!("--user={}", self.root.user),
            format!("--tmpdir={}", self.tmp_dir().display()),
            "--skip-log-bin".into(),
            "--innodb-buffer-pool-size=32M".into(),
            "--innodb-log-file-size=8M".into(),
        ]
    }

    fn install_db(&self) {
        std::fs::create_dir(self.tmp_dir()).expect("create the server's tmpdir");
        let out = Command::new("mariadb-install-db")
            // --no-defaults must come first, as for every MariaDB program.
            .arg("--no-defaults")
            // The admin account is the OS user over the socket, with no password to keep.
            .arg("--auth-root-authentication-method=socket")
            .arg(format!("--datadir={}", self.data_dir().display()))
            .arg("--skip-test-db")
            .args(self.common_options())
            .stdin(Stdio::null())
            .output()
            .expect("run mariadb-install-db (is mariadb-server installed?)");
        assert!(
            out.status.success(),
            "mariadb-install-db failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts (or restarts, on the same port and data directory) and waits until the
    /// socket answers `mariadb-admin ping`.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "start_again: the server on port {} is still running", self.port);
        let d = self.dir.path();
        let mut cmd = Command::new(server_program());
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", self.data_dir().display()))
            .arg(format!("--socket={}", self.root.socket.display()))
            .arg(format!("--port={}", self.port))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--pid-file={}", self.pid_file().display()))
            .arg(format!("--log-error={}", self.error_log().display()))
            .args(self.common_options())
            // Throwaway data: no flush per commit, as the PostgreSQL harness runs fsync=off.
            .arg("--innodb-flush-log-at-trx-commit=0");
        if self.performance_schema {
            // MariaDB's defaults leave the two statement consumers and the MDL instrument
            // off (only statements_digest is on); Logstag's collector reads all of them.
            cmd.args([
                "--performance-schema=ON",
                "--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON",
                "--performance-schema-consumer-events-statements-current=ON",
                "--performance-schema-consumer-events-statements-history=ON",
                "--performance-schema-consumer-statements-digest=ON",
            ]);
        } else {
            cmd.arg("--performance-schema=OFF");
        }
        // Everything worth reading goes to --log-error; stdout/stderr stay near-empty.
        let out = std::fs::File::create(d.join("mariadbd.out")).expect("create mariadbd.out");
        cmd.stdin(Stdio::null()).stdout(out.try_clone().expect("mariadbd.out")).stderr(out);
        let started = Instant::now();
        self.child = Some(cmd.spawn().expect("run mariadbd (is mariadb-server installed?)"));
        loop {
            if self.pings() {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                self.child = None;
                panic!(
                    "mariadbd on port {} exited ({status}) while starting; error log:\n{}",
                    self.port,
                    tail(&self.error_log(), 40)
                );
            }
            if started.elapsed() > START_TIMEOUT {
                panic!(
                    "mariadbd on port {} did not answer within {START_TIMEOUT:?}; error log:\n{}",
                    self.port,
                    tail(&self.error_log(), 40)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// True once the server accepts connections on its socket.
    fn pings(&self) -> bool {
        Command::new("mariadb-admin")
            .arg("--no-defaults")
            .arg(format!("--socket={}", self.root.socket.display()))
            .arg(format!("--user={}", self.root.user))
            .args(["--connect-timeout=1", "ping"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Clean shutdown (`mariadb-admin shutdown`), waiting for the process to exit.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let out = Command::new("mariadb-admin")
            .arg("--no-defaults")
            .arg(format!("--socket={}", self.root.socket.display()))
            .arg(format!("--user={}", self.root.user))
            .arg("shutdown")
            .stdin(Stdio::null())
            .output()
            .expect("run mariadb-admin shutdown");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "mariadbd on port {} did not shut down (mariadb-admin: {}); error log:\n{}",
                        self.port,
                        String::from_utf8_lossy(&out.stderr),
                        tail(&self.error_log(), 40)
                    );
                }
            }
        }
    }

    /// The monitoring account as README documents it, and the `app` database and account
    /// for workloads. One account per host: 'localhost' matches socket connections and, with
    /// name resolution on (the default), TCP from 127.0.0.1 too; '127.0.0.1' matches TCP
    /// when the server runs with skip-name-resolve.
    fn create_accounts(&self) {
        let mut sql = String::from("CREATE DATABASE app;");
        for host in ["localhost", "127.0.0.1"] {
            sql += &format!(
                "CREATE USER 'monitor'@'{host}' IDENTIFIED BY '{MONITOR_PASSWORD}';
                 GRANT {MONITOR_GRANTS} ON *.* TO 'monitor'@'{host}';
                 GRANT {MONITOR_GRANTS_MARIADB} ON *.* TO 'monitor'@'{host}';
                 CREATE USER 'app'@'{host}' IDENTIFIED BY '{APP_PASSWORD}';
                 GRANT ALL ON app.* TO 'app'@'{host}';"
            );
        }
        self.sql(&sql);
    }

    pub fn socket_path(&self) -> PathBuf {
        self.root.socket.clone()
    }

    /// `SELECT VERSION()`, e.g. "10.11.19-MariaDB-0+deb12u1".
    pub fn version(&self) -> String {
        self.sql("SELECT VERSION()")
    }

    /// Runs SQL as the all-privilege account over the socket (scenario setup and checks
    /// only) and returns its tab-separated output without column names or the last
    /// newline. Several statements may be given, separated by `;`.
    pub fn sql(&self, sql: &str) -> String {
        let out = self.root.run(sql);
        assert!(
            out.status.success(),
            "mariadb failed on port {}: {sql}\n{}",
            self.port,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end_matches('\n').to_owned()
    }

    /// Runs SQL as `user` over TCP, as Logstag connects; the error text on failure (tests
    /// check what an account may not do, too).
    pub fn sql_as(&self, user: &str, password: &str, sql: &str) -> Result<String, String> {
        let out =
            self.tcp_client(user, password).arg("-e").arg(sql).output().expect("run the mariadb client");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n').to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim_end().to_owned())
        }
    }

    fn tcp_client(&self, user: &str, password: &str) -> Command {
        let mut c = Command::new("mariadb");
        c.arg("--no-defaults")
            .args(["--host=127.0.0.1", &format!("--port={}", self.port)])
            .arg(format!("--user={user}"))
            .arg(format!("--password={password}"))
            .args(["--batch", "--skip-column-names", "--connect-timeout=5"])
            .stdin(Stdio::null());
        c
    }

    /// A monitoring target for `user` on `db`, over TCP without TLS (the test server has
    /// no certificate), with fast tiers like the Redis harness.
    pub fn target_config(&self, user: &str, password: &str, db: &str) -> TargetConfig {
        TargetConfig {
            name: format!("mariadb-{}", self.port),
            engine: EngineKind::new("mysql"),
            platform: "self-hosted".to_owned(),
            host: "127.0.0.1".to_owned(),
            port: self.port,
            username: user.to_owned(),
            password: Secret::new(password),
            database: db.to_owned(),
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

    /// Runs `sql` in a background client logged in as `app` (database `app`) over TCP, as
    /// an application would; it keeps running (a sleeping query, a lock holder or waiter)
    /// until it ends or the returned guard is dropped.
    pub fn spawn_session(&self, sql: &str) -> Session {
        let mut client = self.tcp_client("app", APP_PASSWORD);
        client.arg("--database=app");
        Session::spawn(client, sql, self.root.clone())
    }

    /// Polls `sql` until it prints `1`; panics after `timeout` with `what`, the processlist
    /// and the InnoDB transactions.
    pub fn wait_until(&self, what: &str, sql: &str, timeout: Duration) {
        self.poll_until(what, sql, timeout, Duration::from_millis(50));
    }

    fn poll_until(&self, what: &str, sql: &str, timeout: Duration, every: Duration) {
        let deadline = Instant::now() + timeout;
        while self.sql(sql) != "1" {
            if Instant::now() > deadline {
                panic!(
                    "{what}: not within {timeout:?}; processlist:\n{}\nInnoDB transactions:\n{}",
                    self.processlist(),
                    self.sql(
                        "SELECT trx_mysql_thread_id, trx_state, trx_requested_lock_id, trx_query \
                         FROM information_schema.INNODB_TRX ORDER BY 1"
                    )
                );
            }
            std::thread::sleep(every);
        }
    }

    /// Waits until connection `id` shows `state` in the processlist.
    pub fn wait_for_state(&self, id: u64, state: &str) {
        self.wait_until(
            &format!("connection {id} in state {state:?}"),
            &format!(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = {id} AND STATE = '{state}'"
            ),
            STEP_TIMEOUT,
        );
    }

    /// Id, user, state and statement of every connection, for failure messages.
    pub fn processlist(&self) -> String {
        self.sql(
            "SELECT ID, USER, DB, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST ORDER BY ID",
        )
    }

    /// A fresh `app.<prefix>_<n>` table with rows 1 and 2.
    fn scenario_table(&self, prefix: &str) -> String {
        let table = format!("app.{prefix}_{}", NEXT_TABLE.fetch_add(1, Ordering::Relaxed));
        self.sql(&format!(
            "CREATE TABLE {table} (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB;
             INSERT INTO {table} VALUES (1, 1), (2, 2);"
        ));
        table
    }

    /// A metadata-lock pile-up: the holder (A) read the table in a transaction left open
    /// while it sleeps; the waiter (B) runs ALTER TABLE ADD COLUMN and waits for the
    /// exclusive lock; the queued (C) plain SELECT waits behind B's pending request. All
    /// three are in place when this returns; B and C show "Waiting for table metadata lock".
    pub fn mdl_pileup(&self) -> LockScenario {
        let table = self.scenario_table("mdl");
        let holder = self
            .spawn_session(&format!("START TRANSACTION; SELECT * FROM {table}; SELECT SLEEP({HOLD_SECS})"));
        self.wait_for_state(holder.id, "User sleep");
        // B starts only once A holds its lock, and C only once B queues: in another order
        // C would simply read the table and finish.
        let waiter = self.spawn_session(&format!("ALTER TABLE {table} ADD COLUMN added INT"));
        self.wait_for_state(waiter.id, "Waiting for table metadata lock");
        let queued = self.spawn_session(&format!("SELECT * FROM {table}"));
        self.wait_for_state(queued.id, "Waiting for table metadata lock");
        LockScenario { table, holder, waiter, queued }
    }

    /// A row-lock chain on row 1: the holder (A) locked it with SELECT … FOR UPDATE in a
    /// transaction left open while it sleeps; the waiter (B) and then the queued (C) wait in
    /// UPDATEs of the same row. Their processlist state is only "Updating": the wait shows
    /// in information_schema.INNODB_TRX (`LOCK WAIT`) and INNODB_LOCK_WAITS.
    pub fn row_lock_chain(&self) -> LockScenario {
        let table = self.scenario_table("rows");
        let holder = self.spawn_session(&format!(
            "START TRANSACTION; SELECT * FROM {table} WHERE id = 1 FOR UPDATE; SELECT SLEEP({HOLD_SECS})"
        ));
        self.wait_for_state(holder.id, "User sleep");
        // innodb_lock_wait_timeout is 50 s by default: longer, so a slow test does not see
        // the waiters give up halfway.
        let update = |n: u32| {
            format!(
                "SET SESSION innodb_lock_wait_timeout = {HOLD_SECS}; UPDATE {table} SET v = v + {n} WHERE id = 1"
            )
        };
        let waiter = self.spawn_session(&update(1));
        self.wait_for_lock_wait(waiter.id);
        let queued = self.spawn_session(&update(2));
        self.wait_for_lock_wait(queued.id);
        LockScenario { table, holder, waiter, queued }
    }

    /// Waits until connection `id`'s transaction waits for a row lock.
    pub fn wait_for_lock_wait(&self, id: u64) {
        // InnoDB refreshes the snapshot behind INNODB_TRX/INNODB_LOCKS/INNODB_LOCK_WAITS
        // only when it was not read for 0.1 s: polled faster, it never changes.
        self.poll_until(
            &format!("connection {id} waiting for a row lock"),
            &format!(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX \
                 WHERE trx_mysql_thread_id = {id} AND trx_state = 'LOCK WAIT'"
            ),
            STEP_TIMEOUT,
            Duration::from_millis(250),
        );
    }

    /// Kills this server once the test process is gone, whatever way it ended. It reads
    /// the pid file, so it follows `stop`/`start_again`.
    fn spawn_watchdog(&mut self) {
        let pid = std::process::id();
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             kill -9 \"$(cat '{}' 2>/dev/null)\" 2>/dev/null; rm -rf '{}'",
            self.pid_file().display(),
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

impl Drop for TestMariaDb {
    fn drop(&mut self) {
        // Killed, not shut down: the data is thrown away, and a kill takes no time. Clients
        // still connected (sessions) see the connection drop and exit.
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

/// Three sessions of a lock scenario (`mdl_pileup`, `row_lock_chain`).
pub struct LockScenario {
    /// The table they contend for, `app.<name>`.
    pub table: String,
    /// A: holds the lock in an open transaction, sleeping.
    pub holder: Session,
    /// B: waits for A.
    pub waiter: Session,
    /// C: waits behind B.
    pub queued: Session,
}

impl LockScenario {
    /// Connection ids of A, B and C (PROCESSLIST.ID, CONNECTION_ID()).
    pub fn ids(&self) -> (u64, u64, u64) {
        (self.holder.id, self.waiter.id, self.queued.id)
    }
}

/// A background `mariadb` client running some SQL. Dropping it KILLs its connection on the
/// server (so the locks it holds go at once; a killed client alone would leave the server
/// thread running until it next notices) and kills the client process.
#[must_use = "dropping a Session kills its connection"]
pub struct Session {
    /// The server's connection id (PROCESSLIST.ID).
    pub id: u64,
    child: Child,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
    root: Root,
}

/// What a finished session printed.
#[derive(Debug)]
pub struct SessionOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Session {
    fn spawn(mut client: Command, sql: &str, root: Root) -> Session {
        // The client prints CONNECTION_ID() first; --unbuffered makes it print each
        // result as it comes, so the id arrives while the rest still runs.
        let mut child = client
            .arg("--unbuffered")
            .arg("-e")
            .arg(format!("SELECT CONNECTION_ID(); {sql}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the mariadb client");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        // Readers on threads drain both pipes, so a chatty statement never blocks on a full
        // pipe; the stdout one hands over the first line (the id) as soon as it is read.
        let (id_tx, id_rx) = mpsc::channel();
        let stdout = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let _ = id_tx.send(first);
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            rest
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let first = id_rx.recv_timeout(STEP_TIMEOUT).unwrap_or_default();
        let mut session = Session { id: 0, child, stdout: Some(stdout), stderr: Some(stderr), root };
        match first.trim().parse() {
            Ok(id) => session.id = id,
            Err(_) => {
                let out = session.wait(Duration::from_secs(5));
                panic!("session did not connect ({}): {sql}\n{}", out.status, out.stderr);
            }
        }
        session
    }

    /// True while the client still runs (its statement has not finished).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the client to finish (e.g. once its blocker is gone) and returns what it
    /// printed after the connection id; panics if it still runs after `timeout`.
    pub fn wait(&mut self, timeout: Duration) -> SessionOutput {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the mariadb client") {
                break status;
            }
            assert!(Instant::now() < deadline, "session {} still running after {timeout:?}", self.id);
            std::thread::sleep(Duration::from_millis(20));
        };
        // The pipes close with the process, so the readers end.
        let join = |h: Option<JoinHandle<String>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
        SessionOutput { status, stdout: join(self.stdout.take()), stderr: join(self.stderr.take()) }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.is_running() {
            if self.id != 0 {
                // Fails harmlessly if the server is gone or the connection already ended.
                // (No `run`: its expect would turn a drop during a panic into an abort.)
                let _ = self.root.client().arg("-e").arg(format!("KILL {}", self.id)).output();
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
