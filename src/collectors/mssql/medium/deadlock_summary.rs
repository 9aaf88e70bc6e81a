//! A deadlock report in one line, for the posture fact `deadlock.latest`: per process
//! (numbered as the report lists them) its session, who, where, the lock it waited for
//! and one it held, and its statement's shape (literals taken out, as for every statement
//! text Logstag forwards); then the victim.

use super::deadlock::{Deadlock, FACT, Process, Resource};
use crate::model::PostureFact;

/// Processes described one by one; a parallel query's threads beyond are counted.
const PROCESSES_SHOWN: usize = 8;
const STATEMENT_CHARS: usize = 160;
const SUMMARY_CHARS: usize = 3_000;

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push('…');
    s
}

/// The statement's shape: literals replaced by `$n` as in every forwarded text, with
/// T-SQL's [bracketed names] kept whole (`[shop-1]` is a name, its `-1` no number).
fn shape(sql: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    let mut masked = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '[' {
            masked.push(c);
            continue;
        }
        let mut name = String::from('[');
        while let Some(n) = chars.next() {
            name.push(n);
            if n == ']' && chars.next_if_eq(&']').map(|_| name.push(']')).is_none() {
                break;
            }
        }
        masked.push_str(&format!(" logstagname{}x ", names.len()));
        names.push(name);
    }
    let mut out = crate::forward::normalize::sql(&masked);
    for (i, name) in names.iter().enumerate().rev() {
        out = out.replace(&format!(" logstagname{i}x "), name).replace(&format!("logstagname{i}x"), name);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn describe(r: &Resource) -> String {
    let mut words = vec![r.kind.as_str()];
    for part in [&r.object, &r.index, &r.wait_type] {
        if !part.is_empty() {
            words.push(part);
        }
    }
    let mut s = words.join(" ");
    if !r.node.is_empty() {
        s.push_str(&format!(" node {}", r.node));
    }
    s
}

fn part_in(d: &Deadlock, p: &Process, waiting: bool) -> Option<String> {
    d.resources.iter().find_map(|r| {
        let list = if waiting { &r.waiters } else { &r.owners };
        let party = list.iter().find(|party| party.process == p.id)?;
        let verb = if waiting { "waits" } else { "holds" };
        Some(if party.mode.is_empty() {
            format!("{verb} on {}", describe(r))
        } else if waiting {
            format!("waits for {} on {}", party.mode, describe(r))
        } else {
            format!("holds {} on {}", party.mode, describe(r))
        })
    })
}

fn number_of(d: &Deadlock, id: &str) -> String {
    d.processes.iter().position(|p| p.id == id).map_or_else(|| id.to_owned(), |i| format!("({})", i + 1))
}

fn process_line(d: &Deadlock, i: usize, p: &Process) -> String {
    let mut s = format!("({})", i + 1);
    if let Some(spid) = p.spid {
        s.push_str(&format!(" spid {spid}"));
    }
    if let Some(ecid) = p.ecid.filter(|e| *e > 0) {
        s.push_str(&format!(" ecid {ecid}"));
    }
    match (p.login.is_empty(), p.host.is_empty()) {
        (false, false) => s.push_str(&format!(" {}@{}", p.login, p.host)),
        (false, true) => s.push_str(&format!(" {}", p.login)),
        (true, false) => s.push_str(&format!(" @{}", p.host)),
        (true, true) => {}
    }
    if !p.app.is_empty() {
        s.push_str(&format!(" ({})", cut(&p.app, 40)));
    }
    if !p.database.is_empty() {
        s.push_str(&format!(" in {}", p.database));
    }
    if let Some(level) = p.isolation.split(" (").next().filter(|l| !l.is_empty()) {
        s.push_str(&format!(", {level}"));
    }
    let parts: Vec<String> = [part_in(d, p, true), part_in(d, p, false)].into_iter().flatten().collect();
    if !parts.is_empty() {
        s.push_str(&format!(", {}", parts.join(", ")));
    }
    let statement = shape(&p.input_buffer);
    if !p.procedure.is_empty() {
        s.push_str(&format!(": {}", p.procedure));
    } else if !statement.is_empty() {
        s.push_str(&format!(": {}", cut(&statement, STATEMENT_CHARS)));
    }
    s
}

impl Deadlock {
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .processes
            .iter()
            .take(PROCESSES_SHOWN)
            .enumerate()
            .map(|(i, p)| process_line(self, i, p))
            .collect();
        if self.processes.len() > PROCESSES_SHOWN {
            parts.push(format!("and {} more processes", self.processes.len() - PROCESSES_SHOWN));
        }
        parts.push(match self.victims.as_slice() {
            [] => "no victim: a parallel query deadlocked on itself and the server resolved it".to_owned(),
            [one] => format!("victim {}", number_of(self, one)),
            many => {
                format!("victims {}", many.iter().map(|v| number_of(self, v)).collect::<Vec<_>>().join(", "))
            }
        });
        cut(&parts.join("; "), SUMMARY_CHARS)
    }

    pub fn fact(&self) -> PostureFact {
        PostureFact { name: FACT.to_owned(), key: self.at.clone(), value: self.summary() }
    }
}

#[cfg(test)]
mod tests {
    use super::shape;

    #[test]
    fn bracketed_names_stay_names() {
        assert_eq!(
            shape("update [shop-1].[dbo].[t] set n=1 where n = 'x'"),
            "update [shop-1].[dbo].[t] set n=$1 where n = $2"
        );
        assert_eq!(shape("SELECT [a]]b-2] FROM t WHERE c = 3"), "SELECT [a]]b-2] FROM t WHERE c = $1");
        assert_eq!(shape("SELECT 1 FROM [unclosed-1"), "SELECT $1 FROM [unclosed-1");
        assert_eq!(shape(""), "");
    }
}
