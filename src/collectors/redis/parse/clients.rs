//! `CLIENT LIST` lines (`id=5 addr=… flags=N … cmd=get user=default`) → sessions.

use crate::model::{Session, SessionState, Wait, WaitCategory};
use std::collections::BTreeMap;

/// One client line as field → value. Values never contain spaces (Redis refuses client
/// names with spaces), so whitespace splits fields; pieces without `=` are skipped.
pub fn fields(line: &str) -> BTreeMap<&str, &str> {
    line.split_whitespace().filter_map(|piece| piece.split_once('=')).collect()
}

/// Every client of a `CLIENT LIST` reply except `own_id` (our monitoring connection).
/// Lines without a numeric id are skipped.
pub fn sessions(text: &str, own_id: Option<i64>) -> Vec<Session> {
    text.lines()
        .filter_map(|line| session(&fields(line.trim_end_matches('\r'))))
        .filter(|s| Some(s.id) != own_id)
        .collect()
}

/// Extra facts shown in the session detail, in this order.
const EXTRA: &[&str] = &["qbuf", "omem", "tot-mem", "multi", "sub", "psub", "resp", "lib-name", "lib-ver"];

fn session(f: &BTreeMap<&str, &str>) -> Option<Session> {
    let id = f.get("id")?.parse::<i64>().ok()?;
    let num = |k: &str| f.get(k).and_then(|v| v.parse::<u64>().ok());
    let flags = f.get("flags").copied().unwrap_or("");
    let cmd = f.get("cmd").copied().unwrap_or("").to_owned();
    let blocked = flags.contains('b');
    let subscribed = ["sub", "psub", "ssub"].iter().any(|k| num(k).is_some_and(|n| n > 0));
    let special = flags.contains(['S', 'M', 'O']) || flags.contains('P') || subscribed;
    let idle = num("idle");
    let state = if blocked {
        SessionState::Active
    } else if special {
        SessionState::Other
    } else if idle == Some(0) {
        SessionState::Active
    } else {
        SessionState::Idle
    };
    let wait = blocked.then(|| Wait { category: WaitCategory::Client, event: format!("blocked in {cmd}") });
    let extra = EXTRA
        .iter()
        .filter_map(|k| f.get(k).filter(|v| !v.is_empty()).map(|v| ((*k).to_owned(), (*v).to_owned())))
        .collect();
    Some(Session {
        id,
        user: f.get("user").copied().unwrap_or("").to_owned(),
        database: f.get("db").copied().unwrap_or("").to_owned(),
        application: f.get("name").copied().unwrap_or("").to_owned(),
        client: f.get("addr").copied().unwrap_or("").to_owned(),
        state,
        native_state: describe_flags(flags),
        wait,
        query: cmd,
        query_ms: None,
        xact_ms: None,
        backend_ms: num("age").map(|s| s.saturating_mul(1000)),
        state_ms: idle.map(|s| s.saturating_mul(1000)),
        blocked_by: Vec::new(),
        extra,
    })
}

/// The flag letters in words, e.g. `Sb` → "replica, blocked". Unknown letters are kept
/// as they are, so a newer server's flags are not lost.
pub fn describe_flags(flags: &str) -> String {
    let words: Vec<String> = flags
        .chars()
        .filter(|c| *c != 'N')
        .map(|c| {
            match c {
                'A' => "closing asap",
                'b' => "blocked",
                'c' => "closing after reply",
                'd' => "watched keys modified",
                'e' => "no eviction",
                'M' => "primary",
                'O' => "monitor",
                'P' => "pubsub",
                'r' => "readonly",
                'S' => "replica",
                't' => "tracking",
                'u' => "unblocked",
                'U' => "unix socket",
                'x' => "multi",
                'T' => "no touch",
                'R' => "tracking redirect broken",
                'B' => "broadcast tracking",
                'I' => "no-evict",
                other => return other.to_string(),
            }
            .to_owned()
        })
        .collect();
    if words.is_empty() { "normal".to_owned() } else { words.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = include_str!("../fixtures/client_list.txt");

    #[test]
    fn clients_become_sessions_without_our_own() {
        let all = sessions(LIST, None);
        assert_eq!(all.len(), 6, "the line without an id is skipped");
        let ours = sessions(LIST, Some(7));
        assert_eq!(ours.len(), 5);
        assert!(ours.iter().all(|s| s.id != 7));
    }

    #[test]
    fn fields_map_onto_the_session() {
        let all = sessions(LIST, None);
        let idle = &all[0];
        assert_eq!((idle.id, idle.user.as_str(), idle.database.as_str()), (3, "default", "0"));
        assert_eq!((idle.client.as_str(), idle.application.as_str()), ("127.0.0.1:50312", "worker"));
        assert_eq!(idle.state, SessionState::Idle);
        assert_eq!((idle.backend_ms, idle.state_ms), (Some(120_000), Some(30_000)));
        assert_eq!(idle.query, "get");
        assert_eq!(idle.native_state, "normal");
        assert!(idle.extra.contains(&("lib-name".to_owned(), "redis-py".to_owned())));
        assert!(!idle.extra.iter().any(|(k, _)| k == "lib-ver"), "empty values are left out");
    }

    #[test]
    fn blocked_pubsub_and_replica_clients() {
        let all = sessions(LIST, None);
        let blocked = all.iter().find(|s| s.id == 9).unwrap();
        assert_eq!(blocked.state, SessionState::Active);
        assert_eq!(blocked.native_state, "blocked");
        assert_eq!(
            blocked.wait,
            Some(Wait { category: WaitCategory::Client, event: "blocked in blpop".to_owned() })
        );
        let pubsub = all.iter().find(|s| s.id == 11).unwrap();
        assert_eq!((pubsub.state, pubsub.native_state.as_str()), (SessionState::Other, "pubsub"));
        let replica = all.iter().find(|s| s.id == 12).unwrap();
        assert_eq!(replica.state, SessionState::Other);
        assert_eq!(replica.native_state, "replica");
        // IPv6 address with its port, unknown flag letter kept.
        let v6 = all.iter().find(|s| s.id == 40_253_233).unwrap();
        assert_eq!(v6.client, "fd40:1481:21::1a06:44426");
        assert_eq!(v6.native_state, "multi, Z");
        assert_eq!(v6.state, SessionState::Active);
    }

    #[test]
    fn huge_or_broken_numbers_are_absent() {
        let s = sessions("id=1 age=99999999999999999999999 idle=x flags=N cmd=ping", None);
        assert_eq!((s[0].backend_ms, s[0].state_ms), (None, None));
        assert_eq!(s[0].state, SessionState::Idle);
        assert!(sessions("", None).is_empty());
    }
}
