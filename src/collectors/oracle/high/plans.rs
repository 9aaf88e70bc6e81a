//! The plan of a call that has been running for a while, read from the cursor cache
//! (`v$sql_plan` by SQL_ID, plan hash and child number, all bound): what the optimizer
//! chose for the cursor that runs, with nothing executed and no EXPLAIN PLAN (which
//! writes PLAN_TABLE and may choose a different plan). Shown as operator-tree lines in
//! the session's detail.
//!
//! Cost: only calls running longer than `PLAN_AFTER_MS`, at most `PLANS_PER_ROUND` reads
//! a round, each plan once (kept per SQL_ID and plan hash while a session runs it).

use super::sessions::{PlanRef, SessionRead};
use crate::collectors::text_rows::TextRow;
use crate::model::SessionState;
use std::collections::HashMap;

pub const PLAN_AFTER_MS: u64 = 5_000;
pub const PLANS_PER_ROUND: usize = 3;
/// Predicates are cut to this many characters on a plan line.
const PREDICATE_CHARS: usize = 80;

/// Plans already read, by SQL_ID and plan hash.
#[derive(Debug, Default)]
pub struct PlanCache {
    plans: HashMap<(String, u64), Vec<String>>,
}

impl PlanCache {
    /// Plans worth reading now, longest-running call first.
    pub fn wanted(&self, reads: &[SessionRead]) -> Vec<PlanRef> {
        let mut long: Vec<(u64, &PlanRef)> = reads
            .iter()
            .filter(|r| matches!(r.session.state, SessionState::Active | SessionState::WaitingForLock))
            .filter_map(|r| Some((r.session.query_ms?, r.plan.as_ref()?)))
            .filter(|(ms, plan)| *ms >= PLAN_AFTER_MS && !self.plans.contains_key(&plan.key()))
            .collect();
        long.sort_by_key(|(ms, _)| std::cmp::Reverse(*ms));
        let mut out: Vec<PlanRef> = Vec::new();
        for (_, plan) in long {
            if out.len() < PLANS_PER_ROUND && !out.iter().any(|p| p.key() == plan.key()) {
                out.push(plan.clone());
            }
        }
        out
    }

    /// Remembers a plan's lines (a reason when there were none: not asked again).
    pub fn remember(&mut self, plan: &PlanRef, lines: Vec<String>) {
        self.plans.insert(plan.key(), lines);
    }

    /// Adds the known plans to the sessions' detail (`plan 1`, `plan 2`…) and forgets the
    /// plans no session runs any more.
    pub fn attach(&mut self, reads: &mut [SessionRead]) {
        self.plans.retain(|key, _| reads.iter().any(|r| r.plan.as_ref().is_some_and(|p| &p.key() == key)));
        for read in reads {
            let Some(lines) = read.plan.as_ref().and_then(|p| self.plans.get(&p.key())) else { continue };
            for (i, line) in lines.iter().enumerate() {
                read.session.extra.push((format!("plan {}", i + 1), line.clone()));
            }
        }
    }
}

/// `v$sql_plan` rows as indented operator lines: the plan hash first, then each step
/// (`  2 INDEX RANGE SCAN SALES.ORD_CUST_IX  cost 3  rows 12  access "CUST_ID"=:B1`).
/// A second copy of the plan (the same child in another container) is left out.
pub fn plan_lines(rows: &[TextRow]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<i64> = Vec::new();
    for row in rows {
        let Some(id) = row.int("id") else { continue };
        if seen.contains(&id) {
            break;
        }
        seen.push(id);
        if out.is_empty()
            && let Some(hash) = row.get("plan_hash_value")
        {
            out.push(format!("plan hash value {}", hash.trim()));
        }
        let depth = row.uint("depth").unwrap_or(0).min(40) as usize;
        let mut line = format!("{}{id} {}", "  ".repeat(depth), row.text("operation").trim());
        for part in [row.text("options"), object_name(row)] {
            if !part.trim().is_empty() {
                line.push(' ');
                line.push_str(part.trim());
            }
        }
        if let Some(cost) = row.get("cost") {
            line.push_str(&format!("  cost {}", cost.trim()));
        }
        if let Some(rows) = row.get("cardinality") {
            line.push_str(&format!("  rows {}", rows.trim()));
        }
        for (label, column) in [("access", "access_predicates"), ("filter", "filter_predicates")] {
            if let Some(p) = row.get(column).map(str::trim).filter(|p| !p.is_empty()) {
                line.push_str(&format!("  {label} {}", cut(p, PREDICATE_CHARS)));
            }
        }
        out.push(line);
    }
    out
}

fn object_name(row: &TextRow) -> String {
    match (row.get("object_owner").map(str::trim), row.get("object_name").map(str::trim)) {
        (Some(owner), Some(name)) if !owner.is_empty() => format!("{owner}.{name}"),
        (_, Some(name)) => name.to_owned(),
        _ => String::new(),
    }
}

fn cut(text: &str, chars: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= chars {
        one_line
    } else {
        let mut out: String = one_line.chars().take(chars).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::text_rows::from_batch;
    use crate::model::Session;

    fn read(id: i64, state: SessionState, query_ms: u64, sql_id: &str, plan_hash: u64) -> SessionRead {
        let mut session = Session::with_id(id);
        session.state = state;
        session.query_ms = Some(query_ms);
        SessionRead {
            session,
            text_id: Some(sql_id.to_owned()),
            plan: Some(PlanRef { sql_id: sql_id.to_owned(), plan_hash, child: 0 }),
            wait_object: None,
        }
    }

    #[test]
    fn plan_rows_become_an_operator_tree() {
        let lines = plan_lines(&from_batch(include_str!("../fixtures/high_plan.tsv")));
        assert_eq!(lines.len(), 6, "{lines:#?}");
        assert_eq!(lines[0], "plan hash value 3387021149");
        assert_eq!(lines[1], "0 SELECT STATEMENT  cost 5120");
        assert_eq!(lines[2], "  1 HASH GROUP BY  cost 5120  rows 48");
        assert_eq!(
            lines[4],
            "      3 INDEX RANGE SCAN SALES.ORDERS_REGION_IX  cost 41  rows 250000  access \"O\".\"REGION_ID\"=:B1"
        );
        assert!(
            lines[5].starts_with("      4 TABLE ACCESS FULL SALES.ORDER_LINES  cost 4900"),
            "{}",
            lines[5]
        );
        assert!(lines[5].ends_with('…'), "long predicates are cut: {}", lines[5]);
        assert!(lines.iter().all(|l| !l.contains("DUPLICATE")), "the second copy is left out");
        assert!(plan_lines(&[]).is_empty());
    }

    #[test]
    fn long_calls_once_per_plan_three_a_round() {
        use SessionState::*;
        let reads = vec![
            read(1, Active, 9_000, "a", 11),
            read(2, Active, 4_999, "b", 12),
            read(3, Idle, 60_000, "c", 13),
            read(4, WaitingForLock, 30_000, "d", 14),
            read(5, Active, 20_000, "a", 11), // the same plan as 1
            read(6, Active, 6_000, "e", 15),
            read(7, Active, 7_000, "f", 16),
        ];
        let mut cache = PlanCache::default();
        let wanted = cache.wanted(&reads);
        let ids: Vec<&str> = wanted.iter().map(|p| p.sql_id.as_str()).collect();
        assert_eq!(ids, vec!["d", "a", "f"]);
        for p in &wanted {
            cache.remember(p, vec!["plan hash value 1".into(), "0 SELECT STATEMENT".into()]);
        }
        let again: Vec<String> = cache.wanted(&reads).into_iter().map(|p| p.sql_id).collect();
        assert_eq!(again, vec!["e".to_owned()], "asked once per plan");
        let mut shown = reads.clone();
        cache.attach(&mut shown);
        assert_eq!(shown[0].session.extra[1], ("plan 2".to_owned(), "0 SELECT STATEMENT".to_owned()));
        assert_eq!(shown[4].session.extra.len(), 2, "the same plan on another session");
        assert!(shown[1].session.extra.is_empty());
        cache.attach(&mut [read(8, Active, 10_000, "z", 99)]);
        assert!(cache.plans.is_empty(), "plans no session runs are forgotten");
    }
}
