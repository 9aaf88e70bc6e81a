use super::*;
use crate::collectors::oracle::queries::words;
use crate::collectors::text_rows::from_batch;

const SESSIONS_19C: &str = include_str!("fixtures/high_sessions_19c.tsv");

/// The fixtures' columns are what the statements return: a renamed alias fails here,
/// not silently in production as an always-empty field.
#[test]
fn fixtures_have_the_statements_columns() {
    for (statement, fixture) in [
        (sql::SESSIONS, SESSIONS_19C),
        (sql::SESSIONS, include_str!("fixtures/high_sessions_23ai.tsv")),
        (sql::INSTANCE, include_str!("fixtures/high_instance_19c.tsv")),
        (sql::INSTANCE, include_str!("fixtures/high_instance_23ai.tsv")),
        (sql::SYSMETRIC, include_str!("fixtures/high_sysmetric.tsv")),
        (sql::LOCKS, include_str!("fixtures/high_locks.tsv")),
        (sql::OBJECT_NAMES, include_str!("fixtures/high_objects.tsv")),
        (sql::SQL_TEXTS, include_str!("fixtures/high_sql_texts.tsv")),
        (sql::PLAN, include_str!("fixtures/high_plan.tsv")),
    ] {
        let returned = words(statement);
        let header = fixture.lines().find(|l| !l.starts_with('#')).unwrap_or_default();
        for column in header.split('\t') {
            assert!(
                returned.contains(&column.to_ascii_lowercase()),
                "{column} is not returned by:\n{statement}"
            );
        }
    }
    assert!(sql::SESSIONS.contains("s.type <> 'BACKGROUND'"), "background processes are left out");
    assert!(
        sql::SESSIONS.contains("s.sid <> TO_NUMBER(SYS_CONTEXT('USERENV', 'SID'))"),
        "our own session too"
    );
}

#[test]
fn statements_bind_their_values_and_stay_off_licensed_views() {
    let placeholders = |s: &str| s.matches(':').count();
    assert_eq!(placeholders(sql::SQL_TEXTS), sql::TEXT_SLOTS);
    assert_eq!(placeholders(sql::OBJECT_NAMES), sql::OBJECT_SLOTS);
    assert_eq!(placeholders(sql::PLAN), 3);
    for statement in STATEMENTS {
        let w = words(statement);
        for licensed in ["v$active_session_history", "dba_hist_sqlstat", "v$sysmetric_history"] {
            assert!(!w.iter().any(|x| x == licensed), "{licensed} in:\n{statement}");
        }
        assert!(!w.iter().any(|x| x.starts_with("dba_hist")), "AWR in:\n{statement}");
    }
    // v$sql is read only by SQL_ID for long calls (the plan hash), never scanned.
    let uses_v_sql: Vec<&&str> =
        STATEMENTS.iter().filter(|s| words(s).contains(&"v$sql".to_owned())).collect();
    assert_eq!(uses_v_sql, vec![&sql::SESSIONS]);
    assert!(sql::SESSIONS.contains("WHERE c.sql_id = s.sql_id AND c.child_number = s.sql_child_number"));
}

#[test]
fn a_round_fills_texts_objects_and_forgets_what_no_session_uses() {
    let mut state = HighState::default();
    let reads = HighState::sessions(&from_batch(SESSIONS_19C));
    let asked = state.texts_wanted(&reads);
    // Active sessions first, each SQL_ID once, the idle one's previous statement too.
    assert_eq!(asked.first().map(String::as_str), Some("7h35uxf5uhmm1"));
    assert!(asked.contains(&"fq2cz1m8k7v4d".to_owned()));
    assert_eq!(asked.iter().filter(|id| *id == "7h35uxf5uhmm1").count(), 1, "214 and 600 share it");
    assert_eq!(asked.len(), 9);
    state.learn_texts(&asked, &from_batch(include_str!("fixtures/high_sql_texts.tsv")));
    let objects = state.objects_wanted(&reads);
    assert_eq!(objects, vec![73251, 73390], "blocked sessions only, each object once");
    state.learn_objects(&objects, &from_batch(include_str!("fixtures/high_objects.tsv")));

    let sessions = state.finish(reads.clone());
    let s = |id: i64| sessions.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("{id}"));
    assert!(s(214).query.starts_with("SELECT r.region_name"), "{}", s(214).query);
    assert_eq!(s(301).query, "UPDATE orders SET status = :1 WHERE order_id = :2", "the previous statement");
    assert_eq!(s(520).query, "", "no SQL_ID at all");
    assert_eq!(s(410).query, "", "aged out of v$sqlstats");
    let object =
        |id: i64| s(id).extra.iter().find(|(k, _)| k == sessions::extra::OBJECT).map(|(_, v)| v.clone());
    assert_eq!(object(302).as_deref(), Some("SALES.ORDERS (TABLE)"));
    assert_eq!(object(412).as_deref(), Some("SALES.STOCK (TABLE PARTITION)"));
    assert_eq!(object(600), None);
    assert!(state.texts_wanted(&reads).is_empty(), "known and missing ids are not asked again");
    assert!(state.objects_wanted(&reads).is_empty());

    // The next round has only session 520: everything else is forgotten.
    let only_520: Vec<SessionRead> = reads.into_iter().filter(|r| r.session.id == 520).collect();
    state.finish(only_520);
    assert_eq!((state.texts.kept(), state.objects.kept()), (0, 0));
}
