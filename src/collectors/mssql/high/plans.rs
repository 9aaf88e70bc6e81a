//! The cached plan of a statement that has been running for a while, read from the plan
//! cache by its `plan_handle`: `sys.dm_exec_text_query_plan(handle, start, end)` gives
//! the running statement's part of the batch's plan (not the whole procedure's), as text,
//! so plans nested deeper than the xml type's 128 levels still arrive (its sibling
//! `dm_exec_query_plan` returns NULL for them). Nothing is executed and no SET SHOWPLAN
//! is sent: the server hands over a plan it already has. Shown in the session's detail.
//!
//! Cost: only statements running longer than `PLAN_AFTER_MS`, at most `PLANS_PER_ROUND`
//! per round, and each plan once (remembered by handle and offsets while a session runs it).

use super::sessions::{PlanRef, SessionRead};
use crate::model::{Session, SessionState};
use std::collections::HashMap;

pub const PLAN_AFTER_MS: u64 = 5_000;
pub const PLANS_PER_ROUND: usize = 3;

/// `plan_handle` is varbinary(64): `0x` and 2 to 128 hex digits.
fn is_plan_handle(handle: &str) -> bool {
    let Some(digits) = handle.strip_prefix("0x").or_else(|| handle.strip_prefix("0X")) else {
        return false;
    };
    (2..=128).contains(&digits.len())
        && digits.len() % 2 == 0
        && digits.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The statement reading one plan, made of a hex literal and two integers only; None for
/// anything else (a value that is not a plan handle never reaches the server).
pub fn plan_statement(plan: &PlanRef) -> Option<String> {
    if !is_plan_handle(&plan.handle) || plan.start < 0 || plan.end < -1 {
        return None;
    }
    Some(format!(
        "SELECT query_plan FROM sys.dm_exec_text_query_plan({}, {}, {})",
        plan.handle, plan.start, plan.end
    ))
}

/// Plans already read, by handle and offsets.
#[derive(Debug, Default)]
pub struct PlanCache {
    plans: HashMap<PlanRef, Vec<String>>,
}

impl PlanCache {
    /// Plans worth reading now, longest-running statement first.
    pub fn wanted(&self, reads: &[SessionRead]) -> Vec<PlanRef> {
        let mut long: Vec<(&Session, &PlanRef)> = reads
            .iter()
            .filter_map(|r| Some((&r.session, r.plan.as_ref()?)))
            .filter(|(s, _)| matches!(s.state, SessionState::Active | SessionState::WaitingForLock))
            .filter(|(s, _)| s.query_ms.is_some_and(|ms| ms >= PLAN_AFTER_MS))
            .filter(|(_, plan)| !self.plans.contains_key(*plan))
            .collect();
        long.sort_by_key(|(s, _)| std::cmp::Reverse(s.query_ms));
        let mut out: Vec<PlanRef> = Vec::new();
        for (_, plan) in long {
            if out.len() < PLANS_PER_ROUND && !out.contains(plan) {
                out.push(plan.clone());
            }
        }
        out
    }

    /// Remembers a plan's lines (empty when the cache had none: not asked again).
    pub fn remember(&mut self, plan: PlanRef, lines: Vec<String>) {
        self.plans.insert(plan, lines);
    }

    /// Adds the known plans to the sessions' detail (`plan 1`, `plan 2`…) and forgets the
    /// plans no session runs any more.
    pub fn attach(&mut self, reads: &mut [SessionRead]) {
        self.plans.retain(|plan, _| reads.iter().any(|r| r.plan.as_ref() == Some(plan)));
        for read in reads {
            let Some(lines) = read.plan.as_ref().and_then(|p| self.plans.get(p)) else { continue };
            for (i, line) in lines.iter().enumerate() {
                read.session.extra.push((format!("plan {}", i + 1), line.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};

    fn plan(handle: &str) -> PlanRef {
        PlanRef { handle: handle.to_owned(), start: 94, end: -1 }
    }

    fn read(id: i64, state: SessionState, query_ms: u64, handle: &str) -> SessionRead {
        SessionRead {
            session: Session {
                id,
                user: "app".into(),
                database: "shop".into(),
                application: String::new(),
                client: String::new(),
                state,
                native_state: "running".into(),
                wait: None,
                query: "SELECT 1".into(),
                query_ms: Some(query_ms),
                xact_ms: None,
                backend_ms: None,
                state_ms: None,
                blocked_by: vec![],
                extra: vec![],
            },
            plan: Some(plan(handle)),
        }
    }

    #[test]
    fn only_hex_reaches_the_statement() {
        let handle = format!("0x{}", "06000500A1B2C3D4E5F60718293A4B5C6D7E8F90".repeat(4));
        let sql = plan_statement(&PlanRef { handle: handle[..130].to_owned(), start: 94, end: 412 });
        assert!(sql.as_deref().is_some_and(|s| s.ends_with(", 94, 412)")), "{sql:?}");
        let sql = sql.unwrap_or_default();
        assert!(allowed_start(&sql), "{sql}");
        assert!(words(&sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
        for bad in [
            "",
            "0x",
            "0x0",
            "06000500",
            "0x06000500); DROP TABLE t; --",
            "0x0600 0500",
            "0x06000500'",
            "0xGG",
            "0x06000500\n",
            &format!("0x{}", "00".repeat(65)),
            "0x٠٦", // non-ASCII digits
        ] {
            assert_eq!(plan_statement(&plan(bad)), None, "{bad:?}");
        }
        assert_eq!(plan_statement(&PlanRef { handle: "0x0A".into(), start: -1, end: -1 }), None);
        assert_eq!(plan_statement(&PlanRef { handle: "0x0A".into(), start: 0, end: -2 }), None);
    }

    #[test]
    fn long_statements_once_per_plan_three_a_round() {
        use SessionState::*;
        let reads = vec![
            read(51, Active, 9_000, "0x01"),
            read(52, Active, 4_999, "0x02"),
            read(53, Idle, 60_000, "0x03"),
            read(54, WaitingForLock, 30_000, "0x04"),
            read(55, Active, 20_000, "0x01"), // the same plan as 51
            read(56, Active, 6_000, "0x06"),
            read(57, Active, 7_000, "0x07"),
        ];
        let mut cache = PlanCache::default();
        let wanted = cache.wanted(&reads);
        assert_eq!(wanted, vec![plan("0x04"), plan("0x01"), plan("0x07")]);
        for p in wanted {
            cache.remember(p, vec!["statement cost 1.0000".into(), "Table Scan dbo.T  cost 100%".into()]);
        }
        assert_eq!(cache.wanted(&reads), vec![plan("0x06")], "asked once per plan");
        let mut shown = reads.clone();
        cache.attach(&mut shown);
        assert_eq!(shown[0].session.extra.len(), 2);
        assert_eq!(
            shown[0].session.extra[1],
            ("plan 2".to_owned(), "Table Scan dbo.T  cost 100%".to_owned())
        );
        assert!(shown[4].session.extra.len() == 2 && shown[1].session.extra.is_empty());
        // Sessions moved on: their plans are forgotten.
        cache.attach(&mut [read(58, Active, 10_000, "0x99")]);
        assert!(cache.plans.is_empty());
    }
}
