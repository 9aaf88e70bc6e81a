//! Session ages as the instants they count from, in the stored form of an Activity body.
//!
//! A session's ages (`query_ms`, `state_ms`…) grow every round although nothing about
//! the session changed; the instants they count from do not. Kept as instants, an idle
//! session is byte for byte the same as in the previous round, which is what lets a
//! delta frame (`chain.rs`) carry only what changed. The conversion is exact both ways:
//! `clock_ms - age = from`, `clock_ms - from = age`, in integers.
//!
//! `clock_ms` is our clock plus an offset chosen per round so that the connection start
//! instants of surviving sessions come out unchanged: ages are computed by the server's
//! clock, which drifts a few ms against ours from round to round.

use serde_json::{Map, Value};
use std::collections::HashMap;

const AGES: [(&str, &str); 4] = [
    ("query_ms", "query_ms_from"),
    ("xact_ms", "xact_ms_from"),
    ("backend_ms", "backend_ms_from"),
    ("state_ms", "state_ms_from"),
];
const CLOCK: &str = "clock_ms";

/// Session id → the instant its connection started, in the previous round's stored form.
pub type Starts = HashMap<i64, i64>;

fn sessions_mut(body: &mut Value) -> Option<&mut Vec<Value>> {
    body.pointer_mut("/data/sessions").and_then(Value::as_array_mut)
}

/// The clock that keeps most connection starts of `previous` where they were.
pub fn clock_for(body: &Value, at: i64, previous: &Starts) -> i64 {
    let mut votes: HashMap<i64, u32> = HashMap::new();
    for session in body.pointer("/data/sessions").and_then(Value::as_array).into_iter().flatten() {
        let id = session.get("id").and_then(Value::as_i64);
        let age = session.get("backend_ms").and_then(Value::as_i64);
        if let (Some(id), Some(age)) = (id, age)
            && let Some(clock) = previous.get(&id).and_then(|from| from.checked_add(age))
        {
            *votes.entry(clock).or_default() += 1;
        }
    }
    // Ties go to the clock nearest ours, so the choice does not depend on map order.
    votes
        .into_iter()
        .max_by_key(|&(clock, n)| (n, std::cmp::Reverse(clock.abs_diff(at))))
        .map_or(at, |(c, _)| c)
}

/// Replaces the ages of an Activity body by the instants they count from; returns the
/// connection starts for the next round's `clock_for`. Other bodies are left alone.
pub fn to_instants(body: &mut Value, clock: i64) -> Starts {
    let mut starts = Starts::new();
    let Some(sessions) = sessions_mut(body) else {
        return starts;
    };
    for session in sessions.iter_mut().filter_map(Value::as_object_mut) {
        for (age_key, from_key) in AGES {
            let from = session.get(age_key).and_then(Value::as_i64).and_then(|age| clock.checked_sub(age));
            if let Some(from) = from {
                session.shift_remove(age_key);
                session.insert(from_key.into(), from.into());
                if age_key == "backend_ms"
                    && let Some(id) = session.get("id").and_then(Value::as_i64)
                {
                    starts.insert(id, from);
                }
            }
        }
    }
    if let Some(object) = body.as_object_mut() {
        object.insert(CLOCK.into(), clock.into());
    }
    starts
}

/// The inverse of `to_instants`; a body without a clock (written before version 7, or not
/// an Activity body) is returned as it is.
pub fn to_ages(body: &mut Value) -> Result<(), String> {
    let Some(clock) = body.as_object_mut().and_then(|o| o.shift_remove(CLOCK)) else {
        return Ok(());
    };
    let clock = clock.as_i64().ok_or("the clock of a stored Activity body is not an integer")?;
    for session in sessions_mut(body).into_iter().flatten().filter_map(Value::as_object_mut) {
        restore(session, clock)?;
    }
    Ok(())
}

fn restore(session: &mut Map<String, Value>, clock: i64) -> Result<(), String> {
    for (age_key, from_key) in AGES {
        if let Some(from) = session.shift_remove(from_key) {
            let age = from
                .as_i64()
                .and_then(|from| clock.checked_sub(from))
                .and_then(|age| u64::try_from(age).ok())
                .ok_or_else(|| format!("a stored session's {from_key} is not an instant before its clock"))?;
            session.insert(age_key.into(), age.into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActivitySnapshot, SampleBody, Session};

    fn body(sessions: Vec<Session>) -> Value {
        serde_json::to_value(SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() })).unwrap()
    }

    fn session(id: i64, backend_ms: Option<u64>, query_ms: Option<u64>) -> Session {
        Session { backend_ms, query_ms, state_ms: Some(0), xact_ms: None, ..Session::with_id(id) }
    }

    #[test]
    fn ages_become_instants_and_back_exactly() {
        let original = body(vec![session(1, Some(90_000), Some(u64::MAX)), session(2, None, Some(12))]);
        let mut stored = original.clone();
        let starts = to_instants(&mut stored, 1_000_000);
        assert_eq!(stored.pointer("/data/sessions/0/backend_ms_from"), Some(&Value::from(910_000)));
        // An age beyond any instant stays an age: nothing is lost, it is only not shared.
        assert_eq!(stored.pointer("/data/sessions/0/query_ms"), Some(&Value::from(u64::MAX)));
        assert_eq!(starts, Starts::from([(1, 910_000)]));
        to_ages(&mut stored).unwrap();
        assert_eq!(stored, original);
    }

    #[test]
    fn the_clock_follows_the_server_so_idle_sessions_repeat() {
        // Previous round: both connections started at 500. Now the server's ages are 13 ms
        // longer than our 10 s step: the clock moves with them.
        let previous = Starts::from([(1, 500), (2, 500), (3, 480)]);
        let now = body(vec![
            session(1, Some(10_513), None),
            session(2, Some(10_513), None),
            session(3, Some(1), None),
        ]);
        assert_eq!(clock_for(&now, 11_000, &previous), 11_013);
        assert_eq!(clock_for(&now, 11_000, &Starts::new()), 11_000);
    }

    #[test]
    fn hostile_stored_forms_are_errors_not_panics() {
        let mut no_clock =
            serde_json::json!({"kind": "activity", "data": {"sessions": [{"query_ms_from": 5}]}});
        assert!(to_ages(&mut no_clock).is_ok(), "old bodies have no clock and pass untouched");
        let mut after_clock =
            serde_json::json!({"clock_ms": 5, "data": {"sessions": [{"query_ms_from": 9}]}});
        assert!(to_ages(&mut after_clock).is_err());
        let mut text_clock = serde_json::json!({"clock_ms": "x", "data": {"sessions": []}});
        assert!(to_ages(&mut text_clock).is_err());
        let mut extreme =
            serde_json::json!({"clock_ms": i64::MAX, "data": {"sessions": [{"query_ms_from": i64::MIN}]}});
        assert!(to_ages(&mut extreme).is_err());
    }
}
