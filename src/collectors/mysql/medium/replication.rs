//! Replication: this server as a replica (one row per channel of replica status) and as a
//! source (the `Binlog Dump` threads of its replicas).
//!
//! Statements, by flavor:
//! - MySQL: `SHOW REPLICA STATUS` (8.0.22+) or `SHOW SLAVE STATUS`: one row per channel
//!   (`Channel_Name`), columns `Source_*`/`Replica_*` or `Master_*`/`Slave_*`.
//! - MariaDB: `SHOW ALL REPLICAS STATUS` (10.5.1+) or `SHOW ALL SLAVES STATUS`: every
//!   multi-source connection (`Connection_name`, empty for the default one) in one
//!   statement, with `Gtid_Slave_Pos` (what was applied) that plain `SHOW SLAVE STATUS`
//!   lacks. Columns keep the `Master_*`/`Slave_*` names.
//! - Connected replicas from `information_schema.PROCESSLIST` (`Binlog Dump` and
//!   `Binlog Dump GTID` threads), which needs PROCESS like the high tier; `SHOW REPLICAS`
//!   would need REPLICATION SLAVE (MySQL) or REPLICATION MASTER ADMIN (MariaDB).
//!
//! The model's receiver describes all channels at once: `status` says per channel what
//! runs and the last error with the applied GTID position, `sender` lists the sources,
//! `replay_delay_s` is the worst lag. The lag is `Seconds_Behind_*`; NULL (the applier
//! is stopped or the receiver not connected) stays absent, never 0.

use super::super::metric as my;
use super::super::rows::TextRow;
use super::super::version::Server;
use crate::model::{Metric, Replica, Replication, ServerRole, WalReceiver, metric};

pub const REPLICA_STATUS: &str = "SHOW REPLICA STATUS";
pub const SLAVE_STATUS: &str = "SHOW SLAVE STATUS";
pub const ALL_REPLICAS_STATUS: &str = "SHOW ALL REPLICAS STATUS";
pub const ALL_SLAVES_STATUS: &str = "SHOW ALL SLAVES STATUS";

/// Replicas connected to this server: their binlog dump threads.
pub const BINLOG_DUMPS: &str = "\
SELECT ID AS id, USER AS user, HOST AS host, TIME AS time_s, STATE AS state
FROM information_schema.PROCESSLIST
WHERE COMMAND LIKE 'Binlog Dump%'";

/// This file's statements (`medium::STATEMENTS` lists them for the read-only test).
#[cfg(test)]
pub const STATEMENTS: &[&str] =
    &[REPLICA_STATUS, SLAVE_STATUS, ALL_REPLICAS_STATUS, ALL_SLAVES_STATUS, BINLOG_DUMPS];

pub fn replica_status_sql(server: &Server) -> &'static str {
    match (server.is_mariadb(), server.has_replica_status()) {
        (true, true) => ALL_REPLICAS_STATUS,
        (true, false) => ALL_SLAVES_STATUS,
        (false, true) => REPLICA_STATUS,
        (false, false) => SLAVE_STATUS,
    }
}

/// What to grant when replica status is refused.
pub fn grant_hint(server: &Server) -> &'static str {
    if server.is_mariadb() {
        "GRANT SLAVE MONITOR ON *.* TO <monitoring user> (MariaDB 10.5.9 and later; REPLICATION CLIENT before)"
    } else {
        "GRANT REPLICATION CLIENT ON *.* TO <monitoring user>"
    }
}

/// One replication channel as this replica sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Channel {
    /// Empty for the default channel.
    pub name: String,
    pub source: String,
    /// `Yes`, `No` or `Connecting` (running, but not connected).
    pub io: String,
    pub sql_running: bool,
    pub lag_s: Option<f64>,
    pub io_error: Option<(i64, String)>,
    pub sql_error: Option<(i64, String)>,
    /// The applied position: `Executed_Gtid_Set` (MySQL) or `Gtid_Slave_Pos` (MariaDB).
    pub gtid: String,
}

impl Channel {
    pub fn io_running(&self) -> bool {
        self.io.eq_ignore_ascii_case("yes")
    }

    /// `io`/`sql` for the default channel, `io/<name>` for named ones.
    fn key(&self, thread: &str) -> String {
        if self.name.is_empty() { thread.to_owned() } else { format!("{thread}/{}", self.name) }
    }

    /// What runs, what broke, where it is: one line.
    pub fn status(&self) -> String {
        let mut s = match (self.io_running(), self.io.eq_ignore_ascii_case("connecting"), self.sql_running) {
            (true, _, true) => "streaming".to_owned(),
            (_, true, true) => "connecting to source".to_owned(),
            (_, true, false) => "connecting to source, sql thread stopped".to_owned(),
            (true, _, false) => "sql thread stopped".to_owned(),
            (false, _, true) => "io thread stopped".to_owned(),
            (false, _, false) => "stopped".to_owned(),
        };
        for (thread, error) in [("io", &self.io_error), ("sql", &self.sql_error)] {
            if let Some((code, message)) = error {
                s.push_str(&format!("; {thread} error {code}: {}", one_line(message, 300)));
            }
        }
        if !self.gtid.is_empty() {
            // GTID sets come one source per line: joined without the line breaks.
            let gtid: String = self.gtid.split_whitespace().collect();
            s.push_str(&format!(" (gtid {})", one_line(&gtid, 200)));
        }
        if self.name.is_empty() { s } else { format!("{}: {s}", self.name) }
    }
}

/// Whitespace folded, cut at `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max {
        return folded;
    }
    let mut cut: String = folded.chars().take(max).collect();
    cut.push('…');
    cut
}

/// The first of `names` the row has (MySQL 8.0.22+ and MariaDB/older MySQL name the same
/// column differently).
fn pick<'a>(r: &'a TextRow, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| r.get(n))
}

fn error(r: &TextRow, number: &str, message: &str) -> Option<(i64, String)> {
    let code = r.int(number).filter(|c| *c != 0)?;
    Some((code, r.text(message)))
}

/// Group Replication's own channels (`group_replication_applier`, `_recovery`) show in
/// replica status with no receiver thread by design; they are not asynchronous replication.
fn is_group_replication(r: &TextRow) -> bool {
    pick(r, &["Channel_Name"]).is_some_and(|c| c.starts_with("group_replication_"))
}

/// Replica status rows (either flavor, either wording) → channels.
pub fn channels(rows: &[TextRow]) -> Vec<Channel> {
    rows.iter()
        .filter(|r| !is_group_replication(r))
        .map(|r| {
            let host = pick(r, &["Source_Host", "Master_Host"]).unwrap_or_default();
            let port = pick(r, &["Source_Port", "Master_Port"]).unwrap_or_default();
            Channel {
                name: pick(r, &["Channel_Name", "Connection_name"]).unwrap_or_default().to_owned(),
                source: if port.is_empty() { host.to_owned() } else { format!("{host}:{port}") },
                io: pick(r, &["Replica_IO_Running", "Slave_IO_Running"]).unwrap_or("No").to_owned(),
                sql_running: pick(r, &["Replica_SQL_Running", "Slave_SQL_Running"])
                    .is_some_and(|v| v.eq_ignore_ascii_case("yes")),
                lag_s: pick(r, &["Seconds_Behind_Source", "Seconds_Behind_Master"])
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v >= 0.0),
                io_error: error(r, "Last_IO_Errno", "Last_IO_Error"),
                sql_error: error(r, "Last_SQL_Errno", "Last_SQL_Error"),
                gtid: pick(r, &["Executed_Gtid_Set", "Gtid_Slave_Pos", "Gtid_IO_Pos"])
                    .unwrap_or_default()
                    .to_owned(),
            }
        })
        .collect()
}

/// The replica side: the receiver summary and its metrics. None when no channel is
/// configured (this server replicates from nowhere).
pub fn receiver(channels: &[Channel]) -> Option<(WalReceiver, Vec<Metric>)> {
    if channels.is_empty() {
        return None;
    }
    let mut metrics = Vec::new();
    for c in channels {
        metrics.push(Metric::keyed(
            my::REPLICA_THREAD_RUNNING,
            c.key("io"),
            f64::from(u8::from(c.io_running())),
        ));
        metrics.push(Metric::keyed(
            my::REPLICA_THREAD_RUNNING,
            c.key("sql"),
            f64::from(u8::from(c.sql_running)),
        ));
    }
    let link_up = channels.iter().all(Channel::io_running);
    metrics.push(Metric::new(metric::REPLICATION_LINK_UP, f64::from(u8::from(link_up))));
    let worst = channels.iter().filter_map(|c| c.lag_s).reduce(f64::max);
    if let Some(lag) = worst {
        metrics.push(Metric::new(metric::REPLICATION_LAG_S, lag));
    }
    let receiver = WalReceiver {
        status: channels.iter().map(Channel::status).collect::<Vec<_>>().join("; "),
        sender: channels.iter().map(|c| c.source.as_str()).collect::<Vec<_>>().join(", "),
        last_msg_age_s: None,
        replay_delay_s: worst,
    };
    Some((receiver, metrics))
}

/// Binlog dump threads → replicas of this server (`name` = the replica's address as the
/// processlist shows it, `state` = the dump thread's state). The source does not know
/// its replicas' lag; each replica reports its own.
pub fn replicas(rows: &[TextRow]) -> Vec<Replica> {
    rows.iter()
        .map(|r| {
            let address = r.text("host");
            let client = match address.rsplit_once(':') {
                Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host.to_owned(),
                _ => address.clone(),
            };
            Replica { name: address, client, state: r.text("state"), ..Default::default() }
        })
        .collect()
}

/// The whole picture. `channels` is None when replica status could not be read: the
/// role is then only known if replicas are connected (a source), else there is no body.
pub fn replication(
    channels: Option<&[Channel]>,
    replicas: Option<Vec<Replica>>,
) -> (Option<Replication>, Vec<Metric>) {
    let mut metrics = Vec::new();
    if let Some(r) = &replicas {
        metrics.push(Metric::new(metric::CONNECTED_REPLICAS, r.len() as f64));
    }
    let received = channels.and_then(receiver);
    let role = match (channels, &received, &replicas) {
        (Some(_), Some(_), _) => ServerRole::Standby,
        (Some(_), None, _) => ServerRole::Primary,
        (None, _, Some(r)) if !r.is_empty() => ServerRole::Primary,
        (None, _, _) => return (None, metrics),
    };
    let receiver = received.map(|(receiver, m)| {
        metrics.extend(m);
        receiver
    });
    let body = Replication { role, replicas: replicas.unwrap_or_default(), slots: Vec::new(), receiver };
    (Some(body), metrics)
}

#[cfg(test)]
#[path = "replication_tests.rs"]
mod tests;
