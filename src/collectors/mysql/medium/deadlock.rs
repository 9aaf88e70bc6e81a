//! The LATEST DETECTED DEADLOCK section of `SHOW ENGINE INNODB STATUS`, structured:
//! when, the transactions (thread, user, client, statement, locks held and awaited) and
//! which one InnoDB rolled back. MySQL 8.0.18+ prints `*** (n) HOLDS THE LOCK(S):` and
//! `*** (n) WAITING FOR THIS LOCK TO BE GRANTED:`; MariaDB prints the awaited lock
//! without the number and then `*** CONFLICTING WITH:` (locks of the other transaction
//! that stand in the way).
//!
//! It becomes the posture fact `deadlock.latest` (key = its time, value = `summary()`):
//! a deadlock is the application's event, resolved by InnoDB; it is shown, never made a
//! problem of the collection round.

use crate::model::PostureFact;
use std::net::IpAddr;

pub const FACT: &str = "deadlock.latest";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// `` `db`.`table` `` as InnoDB prints it.
    pub table: String,
    /// Empty for a table lock.
    pub index: String,
    /// `X locks rec but not gap`, `S`, `IX`… (without `waiting`).
    pub mode: String,
    /// The transaction that holds or wants it.
    pub trx_id: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transaction {
    /// `(1)`, `(2)`… as numbered in the section.
    pub number: usize,
    pub trx_id: String,
    pub thread_id: Option<u64>,
    pub user: String,
    /// Client address, or the host name when that is all InnoDB printed.
    pub client: String,
    pub query: String,
    pub holds: Vec<Lock>,
    pub waits_for: Vec<Lock>,
    /// MariaDB: the other transactions' locks this one waited behind.
    pub conflicts_with: Vec<Lock>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deadlock {
    /// `2024-05-01 10:02:47`, the server's local time.
    pub at: String,
    pub transactions: Vec<Transaction>,
    pub rolled_back: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Header,
    Query,
    Holds,
    Waits,
    Conflicts,
}

/// `(2)` in `*** (2) TRANSACTION:` and the like.
fn number(line: &str) -> Option<usize> {
    let inner = line.split_once('(')?.1.split_once(')')?.0;
    inner.trim().parse().ok()
}

/// `RECORD LOCKS space id 5 page no 4 n bits 72 index PRIMARY of table `a`.`t` trx id 12
/// lock_mode X locks rec but not gap waiting` or `TABLE LOCK table `a`.`t` trx id 12 lock mode IX`.
fn lock(line: &str) -> Option<Lock> {
    let between = |from: &str, to: &str| -> Option<String> {
        let rest = line.split_once(from)?.1;
        Some(rest.split_once(to).map_or(rest, |(v, _)| v).trim().to_owned())
    };
    let (table, index) = if line.starts_with("TABLE LOCK") {
        (between("TABLE LOCK table ", " trx id ")?, String::new())
    } else {
        (between(" of table ", " trx id ")?, between(" index ", " of table ").unwrap_or_default())
    };
    let trx_id = between(" trx id ", " ")?;
    let mode = line.split_once("lock_mode ").or_else(|| line.split_once("lock mode ")).map_or("", |(_, m)| m);
    let mode = mode.trim().strip_suffix("waiting").unwrap_or(mode).trim().to_owned();
    Some(Lock { table, index, mode, trx_id })
}

fn is_ip(word: &str) -> bool {
    word.parse::<IpAddr>().is_ok()
}

/// `MySQL thread id 9, OS thread handle 1, query id 61 localhost 127.0.0.1 app updating`:
/// after the query id come the host name (when known), the address (TCP only), the user
/// and the thread's state.
fn thread(line: &str, trx: &mut Transaction) {
    trx.thread_id = line.split_once("thread id ").and_then(|(_, r)| r.split(',').next()?.trim().parse().ok());
    let Some((_, rest)) = line.split_once("query id ") else {
        return;
    };
    let words: Vec<&str> = rest.split_whitespace().skip(1).collect();
    let (client, user) = match words.as_slice() {
        [ip, user, ..] if is_ip(ip) => (*ip, *user),
        [_, ip, user, ..] if is_ip(ip) => (*ip, *user),
        [host, user, ..] => (*host, *user),
        _ => ("", ""),
    };
    trx.client = client.to_owned();
    trx.user = user.to_owned();
}

/// Parses the section's lines (as `innodb_status::section` gives them).
pub fn parse(lines: &[&str]) -> Option<Deadlock> {
    let mut lines = lines.iter().map(|l| l.trim_end()).skip_while(|l| l.trim().is_empty());
    let at: Vec<&str> = lines.next()?.split_whitespace().take(2).collect();
    let mut out = Deadlock { at: at.join(" "), ..Default::default() };
    let mut part = Part::Header;
    let mut query: Vec<&str> = Vec::new();
    for line in lines {
        if line.starts_with("***") {
            if let Some(t) = out.transactions.last_mut().filter(|_| part == Part::Query) {
                t.query = query.join("\n").trim().to_owned();
                query.clear();
            }
            if line.contains("TRANSACTION:") {
                out.transactions.push(Transaction { number: number(line)?, ..Default::default() });
                part = Part::Header;
            } else if line.contains("HOLDS THE LOCK") {
                part = Part::Holds;
            } else if line.contains("WAITING FOR THIS LOCK") {
                part = Part::Waits;
            } else if line.contains("CONFLICTING WITH") {
                part = Part::Conflicts;
            } else if line.contains("WE ROLL BACK TRANSACTION") {
                out.rolled_back = number(line);
            }
            continue;
        }
        let Some(trx) = out.transactions.last_mut() else {
            continue;
        };
        match part {
            Part::Header if line.starts_with("TRANSACTION ") => {
                let rest = line.strip_prefix("TRANSACTION ").unwrap_or_default();
                trx.trx_id = rest.split(',').next().unwrap_or_default().trim().to_owned();
            }
            Part::Header if line.contains(" thread id ") => {
                thread(line, trx);
                part = Part::Query;
            }
            Part::Header => {}
            Part::Query => query.push(line),
            Part::Holds | Part::Waits | Part::Conflicts => {
                if let Some(l) = lock(line) {
                    match part {
                        Part::Holds => trx.holds.push(l),
                        Part::Waits => trx.waits_for.push(l),
                        _ => trx.conflicts_with.push(l),
                    }
                }
            }
        }
    }
    (!out.transactions.is_empty()).then_some(out)
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push('…');
    s
}

impl Deadlock {
    /// One line: per transaction its thread, who, the statement's shape (literals taken
    /// out, like every statement text Logstag forwards) and the lock it waited for.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .transactions
            .iter()
            .map(|t| {
                let who = match (t.user.is_empty(), t.client.is_empty()) {
                    (false, false) => format!(" {}@{}", t.user, t.client),
                    (false, true) => format!(" {}", t.user),
                    _ => String::new(),
                };
                let thread = t.thread_id.map(|id| format!(" thread {id}")).unwrap_or_default();
                let query = crate::forward::normalize::sql(&t.query);
                let query = cut(&query.split_whitespace().collect::<Vec<_>>().join(" "), 160);
                let waits = t
                    .waits_for
                    .first()
                    .map(|l| {
                        let on = if l.index.is_empty() {
                            l.table.clone()
                        } else {
                            format!("{} {}", l.table, l.index)
                        };
                        format!(" waits for {} on {on}", l.mode)
                    })
                    .unwrap_or_default();
                format!("({}){thread}{who}{waits}: {query}", t.number)
            })
            .collect();
        if let Some(n) = self.rolled_back {
            parts.push(format!("rolled back ({n})"));
        }
        parts.join("; ")
    }

    pub fn fact(&self) -> PostureFact {
        PostureFact { name: FACT.to_owned(), key: self.at.clone(), value: self.summary() }
    }
}

#[cfg(test)]
#[path = "deadlock_tests.rs"]
mod tests;
