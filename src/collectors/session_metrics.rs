//! Gauges every engine with sessions derives the same way from one activity read.

use crate::model::{Metric, Session, SessionState, WaitCategory, metric};

/// Gauges derived from one activity read. Every state and wait class is emitted, zeros
/// included, so that charts get continuous series.
pub fn activity_metrics(sessions: &[Session]) -> Vec<Metric> {
    let mut out = Vec::new();
    for state in SessionState::ALL {
        let n = sessions.iter().filter(|s| s.state == state).count();
        out.push(Metric::keyed(metric::SESSIONS_BY_STATE, state.label(), n as f64));
    }
    for class in WaitCategory::ALL {
        let n = sessions.iter().filter(|s| s.wait.as_ref().is_some_and(|w| w.category == class)).count();
        out.push(Metric::keyed(metric::WAITS_BY_CLASS, class.label(), n as f64));
    }
    let blocked = sessions.iter().filter(|s| !s.blocked_by.is_empty()).count();
    out.push(Metric::new(metric::BLOCKED_SESSIONS, blocked as f64));
    let longest_query = sessions
        .iter()
        .filter(|s| matches!(s.state, SessionState::Active | SessionState::WaitingForLock))
        .filter_map(|s| s.query_ms)
        .max()
        .unwrap_or(0);
    out.push(Metric::new(metric::LONGEST_QUERY_S, longest_query as f64 / 1000.0));
    // How long the session has sat idle inside its transaction (what
    // idle_in_transaction_session_timeout measures), not the transaction's age.
    let longest_idle_tx = sessions
        .iter()
        .filter(|s| s.state == SessionState::IdleInTransaction)
        .filter_map(|s| s.state_ms)
        .max()
        .unwrap_or(0);
    out.push(Metric::new(metric::LONGEST_IDLE_IN_TX_S, longest_idle_tx as f64 / 1000.0));
    out
}
