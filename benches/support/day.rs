//! A synthetic but realistic day of one PostgreSQL target, round by round, for the
//! storage bench: 100 sessions of a connection pool (most idle, a few busy, connections
//! replaced every few minutes to an hour, ages computed from a server clock that drifts a
//! few ms against ours), three long-running sessions (a report, an idle transaction, a
//! replication sender), a blocking chain every half hour, statement texts of realistic
//! length, half with literals; 150 of 2,000 statements active each minute with their
//! block counters; the high tier's 26 figures and per-database counters every round.

use logstag::model::{
    ActivitySnapshot, DatabaseStat, InstanceInfo, Metric, QueryStat, QueryStatsSnapshot, Sample, SampleBody,
    ServerRole, Session, SessionState, StatsAvailability, TargetHealth, TargetId, TargetStatus, Tier,
    Timestamp, Wait, WaitCategory,
};

pub const HIGH_MS: i64 = 10_000;
pub const MEDIUM_MS: i64 = 60_000;
pub const SESSIONS: usize = 100;
pub const STATEMENTS_PER_MINUTE: usize = 150;
const TRACKED_STATEMENTS: u64 = 2_000;

const TABLES: [&str; 12] = [
    "orders",
    "order_items",
    "customers",
    "products",
    "stock",
    "payments",
    "shipments",
    "carts",
    "cart_items",
    "addresses",
    "invoices",
    "audit_log",
];

/// splitmix64: reproducible, fast, no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// Skewed towards 0: a few templates and statements are much more common.
    fn skewed(&mut self, n: u64) -> u64 {
        let a = self.below(n);
        let b = self.below(n);
        a.min(b)
    }
}

/// An ORM-style statement of 100–900 characters: a column list, joins, a filter.
fn template(n: u64) -> String {
    let table = TABLES[(n % 12) as usize];
    let columns: Vec<String> =
        (0..(4 + n % 20)).map(|c| format!("\"{table}\".\"column_{c}\" AS \"{table}_column_{c}\"")).collect();
    let joins: String = (0..(n % 4))
        .map(|j| {
            let other = TABLES[((n + j + 1) % 12) as usize];
            format!(" LEFT OUTER JOIN \"{other}\" ON \"{other}\".\"{table}_id\" = \"{table}\".\"id\"")
        })
        .collect();
    format!(
        "SELECT {} FROM \"{table}\"{joins} WHERE \"{table}\".\"tenant_id\" = ? AND \"{table}\".\"id\" = ?",
        columns.join(", ")
    )
}

struct Slot {
    id: i64,
    born_ms: i64,
    dies_round: i64,
    state: SessionState,
    wait: Option<Wait>,
    query: String,
    query_start_ms: i64,
    state_change_ms: i64,
    xact_start_ms: Option<i64>,
    blocked_by: Vec<i64>,
}

pub struct Target {
    pub id: TargetId,
    rng: Rng,
    templates: Vec<String>,
    slots: Vec<Slot>,
    next_id: i64,
    databases: Vec<DatabaseStat>,
    statement_calls: Vec<u64>,
    slowest: Vec<f64>,
}

impl Target {
    pub fn new(name: &str, seed: u64) -> Self {
        let mut target = Target {
            id: TargetId(name.into()),
            rng: Rng(seed),
            templates: (0..40).map(template).collect(),
            slots: Vec::new(),
            next_id: 1_000,
            databases: ["postgres", "shop", "reporting"]
                .iter()
                .map(|name| DatabaseStat {
                    name: (*name).into(),
                    size_bytes: Some(40_000_000_000),
                    ..DatabaseStat::default()
                })
                .collect(),
            statement_calls: vec![0; TRACKED_STATEMENTS as usize],
            slowest: vec![0.0; TRACKED_STATEMENTS as usize],
        };
        for _ in 0..SESSIONS {
            let slot = target.connect(0, 0);
            target.slots.push(slot);
        }
        target
    }

    fn connect(&mut self, round: i64, now: i64) -> Slot {
        self.next_id += 1 + i64::try_from(self.rng.below(40)).unwrap_or(0);
        Slot {
            id: self.next_id,
            born_ms: now - i64::try_from(self.rng.below(5_000)).unwrap_or(0),
            dies_round: round + 30 + i64::try_from(self.rng.below(330)).unwrap_or(0),
            state: SessionState::Idle,
            wait: Some(Wait { category: WaitCategory::Client, event: "Client:ClientRead".into() }),
            query: String::new(),
            query_start_ms: now,
            state_change_ms: now,
            xact_start_ms: None,
            blocked_by: Vec::new(),
        }
    }

    fn statement_text(&mut self) -> String {
        let t = self.rng.skewed(40);
        let text = self.templates[t as usize].clone();
        if t.is_multiple_of(2) {
            // The driver binds parameters: the text stays the same.
            let mut n = 0;
            text.split('?').enumerate().fold(String::new(), |mut out, (i, part)| {
                if i > 0 {
                    n += 1;
                    out.push_str(&format!("${n}"));
                }
                out.push_str(part);
                out
            })
        } else {
            let tenant = self.rng.below(500);
            let id = self.rng.below(10_000_000);
            text.replacen('?', &tenant.to_string(), 1).replacen('?', &id.to_string(), 1)
        }
    }

    /// One high-tier round at `at` (and the medium tier's statements each minute).
    pub fn round(&mut self, r: i64, at: i64) -> Vec<Sample> {
        // The server's clock, against which it computes ages, is a few ms off ours.
        let now = at + i64::try_from(self.rng.below(40)).unwrap_or(0);
        for i in 0..SESSIONS {
            self.step(i, r, now);
        }
        self.block(r, now);
        let sessions: Vec<Session> = self.slots.iter().map(|s| session(s, now)).collect();
        let id = self.id.clone();
        let sample = |tier, body| Sample { target: id.clone(), tier, taken_at: Timestamp(at), body };
        let mut samples = vec![
            sample(Tier::High, SampleBody::Metrics(self.figures(&sessions))),
            sample(Tier::High, SampleBody::Instance(instance(sessions.len()))),
            sample(Tier::High, SampleBody::Databases(self.databases_now())),
            sample(Tier::High, SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() })),
        ];
        if r == 0 {
            let up = TargetStatus::Up { version: "16.4".into() };
            samples.push(sample(
                Tier::High,
                SampleBody::Status(TargetHealth { status: up, at: Timestamp(at), last_latency_ms: None }),
            ));
        }
        if (r * HIGH_MS) % MEDIUM_MS == 0 {
            samples.push(sample(Tier::Medium, SampleBody::Queries(self.statements(at))));
            samples.push(sample(Tier::Medium, SampleBody::Metrics(medium_figures(&mut self.rng))));
        }
        samples
    }

    fn step(&mut self, i: usize, r: i64, now: i64) {
        match i {
            // A report running all day, an idle transaction left open, a WAL sender.
            0 if r == 0 => {
                let s = &mut self.slots[0];
                s.state = SessionState::Active;
                s.query = self.templates[39].replace('?', "1");
                s.wait = Some(Wait { category: WaitCategory::Io, event: "IO:DataFileRead".into() });
                s.xact_start_ms = Some(now);
            }
            1 if r == 0 => {
                let s = &mut self.slots[1];
                s.state = SessionState::IdleInTransaction;
                s.query = "UPDATE stock SET available = available - 1 WHERE sku = $1".into();
                s.xact_start_ms = Some(now);
            }
            2 if r == 0 => {
                let s = &mut self.slots[2];
                s.state = SessionState::Active;
                s.query = "START_REPLICATION SLOT \"replica_1\" 2A/4C000000 TIMELINE 1".into();
                s.wait = Some(Wait { category: WaitCategory::Other, event: "Activity:WalSenderMain".into() });
            }
            0..=2 => {}
            _ if r >= self.slots[i].dies_round => self.slots[i] = self.connect(r, now),
            _ => {
                let busy = i.is_multiple_of(5);
                if !self.rng.chance(if busy { 50 } else { 15 }) {
                    return;
                }
                let query = self.statement_text();
                let roll = self.rng.below(100);
                let started = now - i64::try_from(self.rng.below(3_000)).unwrap_or(0);
                let s = &mut self.slots[i];
                s.query = query;
                s.query_start_ms = started;
                s.blocked_by.clear();
                (s.state, s.wait, s.state_change_ms) = match roll {
                    0..35 => {
                        let wait = match roll % 7 {
                            0 | 1 => {
                                Some(Wait { category: WaitCategory::Io, event: "IO:DataFileRead".into() })
                            }
                            2 => Some(Wait {
                                category: WaitCategory::LwLocks,
                                event: "LWLock:WALWrite".into(),
                            }),
                            _ => None,
                        };
                        (SessionState::Active, wait, started)
                    }
                    35..45 => (SessionState::IdleInTransaction, client_read(), started + 2),
                    _ => (SessionState::Idle, client_read(), started + 3),
                };
                s.xact_start_ms = (s.state != SessionState::Idle).then_some(started);
            }
        }
    }

    /// Every half hour, for five minutes, two sessions queue behind the idle transaction.
    fn block(&mut self, r: i64, now: i64) {
        if r % 180 >= 30 {
            return;
        }
        let holder = self.slots[1].id;
        for i in [7, 8] {
            let s = &mut self.slots[i];
            if s.state != SessionState::WaitingForLock {
                s.state = SessionState::WaitingForLock;
                s.query = "UPDATE stock SET available = available - 2 WHERE sku = $1".into();
                s.query_start_ms = now;
                s.state_change_ms = now;
                s.xact_start_ms = Some(now);
                s.wait = Some(Wait { category: WaitCategory::Locks, event: "Lock:transactionid".into() });
                s.blocked_by = vec![holder];
                s.dies_round = r + 40;
            }
        }
    }

    fn figures(&mut self, sessions: &[Session]) -> Vec<Metric> {
        let rng = &mut self.rng;
        let mut figures = vec![
            Metric::new("tps", 800.0 + rng.below(4_000) as f64 / 10.0),
            Metric::new("commits_per_s", 790.0 + rng.below(4_000) as f64 / 10.0),
            Metric::new("rollbacks_per_s", if rng.chance(10) { 0.1 } else { 0.0 }),
            Metric::new("deadlocks_per_s", 0.0),
            Metric::new("temp_files_per_s", 0.0),
            Metric::new("temp_bytes_per_s", 0.0),
            Metric::new("rows_read_per_s", 50_000.0 + rng.below(200_000) as f64 / 10.0),
            Metric::new("rows_written_per_s", 2_000.0 + rng.below(20_000) as f64 / 10.0),
            Metric::new("cache_hit_pct", 99.0 + rng.below(1_000) as f64 / 1_000.0),
            Metric::new("connections", sessions.len() as f64),
            Metric::new("max_connections", 200.0),
            Metric::new("collect_ms", 2.0 + rng.below(30) as f64 / 10.0),
            Metric::new(
                "blocked_sessions",
                sessions.iter().filter(|s| !s.blocked_by.is_empty()).count() as f64,
            ),
            Metric::new(
                "longest_query_s",
                sessions.iter().filter_map(|s| s.query_ms).max().unwrap_or(0) as f64 / 1e3,
            ),
            Metric::new(
                "longest_idle_in_tx_s",
                sessions.iter().filter_map(|s| s.xact_ms).max().unwrap_or(0) as f64 / 1e3,
            ),
        ];
        for state in SessionState::ALL {
            let n = sessions.iter().filter(|s| s.state == state).count();
            figures.push(Metric::keyed("sessions_by_state", state.label(), n as f64));
        }
        for category in WaitCategory::ALL {
            let n =
                sessions.iter().filter(|s| s.wait.as_ref().is_some_and(|w| w.category == category)).count();
            figures.push(Metric::keyed("waits_by_class", category.label(), n as f64));
        }
        figures
    }

    fn databases_now(&mut self) -> Vec<DatabaseStat> {
        for (i, db) in self.databases.iter_mut().enumerate() {
            let busy = if db.name == "shop" {
                8_000
            } else if i == 0 {
                3
            } else {
                200
            };
            let commits = self.rng.below(busy) + busy / 2;
            db.xact_commit += commits;
            db.xact_rollback += u64::from(self.rng.chance(5));
            db.blks_hit += commits * 40;
            db.blks_read += self.rng.below(busy / 10 + 1);
            db.tup_returned += commits * 120;
            db.tup_fetched += commits * 30;
            db.tup_inserted += commits / 4;
            db.tup_updated += commits / 8;
            db.connections = if db.name == "shop" { 90 } else { 5 };
            db.tps = Some(commits as f64 / 10.0);
            db.cache_hit_pct = Some(99.0 + self.rng.below(1_000) as f64 / 1_000.0);
        }
        self.databases.clone()
    }

    /// A statement's slowest call so far: a new record one reading in fifty.
    fn slowest(&mut self, n: u64, mean: f64) -> f64 {
        let slowest = &mut self.slowest[n as usize];
        if *slowest == 0.0 || self.rng.chance(2) {
            *slowest = slowest.max(mean * (3.0 + self.rng.below(50) as f64));
        }
        *slowest
    }

    fn statements(&mut self, at: i64) -> QueryStatsSnapshot {
        let mut chosen: Vec<u64> = (0..60).collect();
        while chosen.len() < STATEMENTS_PER_MINUTE {
            let n = 60 + self.rng.skewed(TRACKED_STATEMENTS - 60);
            if !chosen.contains(&n) {
                chosen.push(n);
            }
        }
        let stats = chosen
            .into_iter()
            .map(|n| {
                let calls = 1 + self.rng.below(6_000 / (n + 1) + 5);
                self.statement_calls[n as usize] += calls;
                let mean = (1 + n % 50) as f64 * (0.05 + self.rng.below(1_000) as f64 / 4_000.0);
                let total = calls as f64 * mean;
                let mut stat = QueryStat {
                    id: format!("{}", -4_611_686_018_427_387_904_i64 + (n as i64) * 7_919_123),
                    database: "shop".into(),
                    user: "app".into(),
                    text: self.templates[(n % 40) as usize].replace('?', "$1"),
                    calls,
                    total_time_ms: total,
                    mean_time_ms: total / calls as f64,
                    // Lifetime extremes, as pg_stat_statements keeps them: they rarely move.
                    min_time_ms: Some(0.011 * (1 + n % 50) as f64),
                    max_time_ms: Some(self.slowest(n, mean)),
                    rows: calls * (1 + n % 20),
                    ..QueryStat::default()
                };
                stat.counters.set("shared_blks_hit", (calls * (5 + n % 100)) as f64);
                stat.counters.set("shared_blks_read", self.rng.below(calls + 1) as f64);
                stat.counters.set("shared_blks_dirtied", (calls / 10) as f64);
                stat.counters.set("wal_records", (calls / 4) as f64);
                stat.counters.set("wal_bytes", (calls * 97) as f64);
                stat.counters.set("blk_read_time_ms", self.rng.below(1_000) as f64 / 100.0);
                stat
            })
            .collect();
        QueryStatsSnapshot {
            availability: StatsAvailability::Available,
            since: Some(Timestamp(at - MEDIUM_MS)),
            stats,
            tracked: TRACKED_STATEMENTS,
            reset_detected: false,
            evicted: None,
        }
    }
}

fn client_read() -> Option<Wait> {
    Some(Wait { category: WaitCategory::Client, event: "Client:ClientRead".into() })
}

fn session(s: &Slot, now: i64) -> Session {
    let age = |since: i64| u64::try_from(now - since).ok();
    let mut extra = vec![("backend_type".to_owned(), "client backend".to_owned())];
    if s.state != SessionState::Idle {
        extra.push(("backend_xmin".into(), format!("{}", 48_000_000 + s.query_start_ms / 1_000 % 100_000)));
    }
    Session {
        id: s.id,
        user: if s.id % 3 == 0 { "reporting" } else { "app" }.into(),
        database: "shop".into(),
        application: if s.id % 3 == 0 { "metabase" } else { "web-api" }.into(),
        client: format!("10.1.{}.{}", s.id % 4, s.id % 250),
        state: s.state,
        native_state: s.state.label().to_lowercase(),
        wait: s.wait.clone(),
        query: s.query.clone(),
        query_ms: age(s.query_start_ms),
        xact_ms: s.xact_start_ms.and_then(age),
        backend_ms: age(s.born_ms),
        state_ms: age(s.state_change_ms),
        blocked_by: s.blocked_by.clone(),
        extra,
    }
}

fn instance(connections: usize) -> InstanceInfo {
    InstanceInfo {
        version: "16.4".into(),
        version_full: "PostgreSQL 16.4 (Debian 16.4-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc"
            .into(),
        started_at_ms: Some(1_796_000_000_000),
        max_connections: Some(200),
        role: ServerRole::Primary,
        database: "postgres".into(),
        connections: connections as u64,
        product: String::new(),
    }
}

fn medium_figures(rng: &mut Rng) -> Vec<Metric> {
    vec![
        Metric::new("buffers_written_per_s", rng.below(5_000) as f64 / 10.0),
        Metric::new("checkpoints_requested_per_min", 0.0),
        Metric::new("checkpoints_timed_per_min", if rng.chance(20) { 1.0 } else { 0.0 }),
        Metric::new("query_calls_per_s", 900.0 + rng.below(1_000) as f64 / 10.0),
        Metric::new("query_time_ms_per_s", 400.0 + rng.below(3_000) as f64 / 10.0),
    ]
}
