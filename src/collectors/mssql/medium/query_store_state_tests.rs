use super::*;
use crate::collectors::mssql::medium::query_store::databases;
use crate::collectors::mssql::rows::from_batch;

const DATABASES_REPLY: &str = include_str!("fixtures/query_store_databases.tsv");

fn all_states(read: &[(&str, &str, i64)]) -> BTreeMap<String, State> {
    let known = read.iter().map(|(n, s, r)| ((*n).to_owned(), State::of(s, *r))).collect();
    states(&databases(&from_batch(DATABASES_REPLY)), &known)
}

#[test]
fn states_merge_the_switch_access_and_what_was_read() {
    let s = all_states(&[("shop", "READ_WRITE", 0), ("crm]; DROP DATABASE shop; --", "READ_ONLY", 65_536)]);
    let got: Vec<(&str, &str)> = s.iter().map(|(n, s)| (n.as_str(), s.state.as_str())).collect();
    assert_eq!(
        got,
        [
            ("crm]; DROP DATABASE shop; --", "READ_ONLY"),
            ("hr", OFF),
            ("reports", OFF),
            ("shop", "READ_WRITE")
        ],
        "archive is read-only: Query Store cannot record there, not a finding"
    );
    assert!(recording(&s));
}

#[test]
fn partly_off_says_which_and_what_to_run() {
    let s = all_states(&[("shop", "READ_WRITE", 0), ("crm]; DROP DATABASE shop; --", "READ_ONLY", 65_536)]);
    let n = notice(&s, "monitor").unwrap_or_default();
    assert!(
        n.starts_with("statement statistics come from Query Store; databases without it are not shown"),
        "{n}"
    );
    assert!(n.contains("Query Store is off in hr, reports: a DBA can run ALTER DATABASE [hr] SET QUERY_STORE = ON; ALTER DATABASE [reports] SET QUERY_STORE = ON;"), "{n}");
    assert!(
        n.contains("crm]; DROP DATABASE shop; -- READ_ONLY (Query Store reached MAX_STORAGE_SIZE_MB"),
        "{n}"
    );
    assert!(n.ends_with("(Logstag never changes it)"));
}

#[test]
fn nothing_recording_means_the_plan_cache_and_the_fact_says_so() {
    let s = all_states(&[("shop", "OFF", 0), ("crm]; DROP DATABASE shop; --", "READ_ONLY", 1)]);
    assert!(!recording(&s));
    let n = notice(&s, "mon]itor").unwrap_or_default();
    assert!(n.starts_with("statement statistics come from the plan cache (sys.dm_exec_query_stats)"), "{n}");
    assert!(n.contains("ALTER DATABASE [shop] SET QUERY_STORE = ON;"), "{n}");
    let facts = facts(&s, Some(&n));
    let source = facts.iter().find(|f| f.name == SOURCE_FACT).map(|f| f.value.clone()).unwrap_or_default();
    assert!(source.starts_with("plan_cache: statement statistics come from the plan cache"), "{source}");
    assert_eq!(facts.iter().filter(|f| f.name == STATE_FACT).count(), 4);
}

#[test]
fn a_hostile_name_in_the_alter_text_stays_one_identifier() {
    let mut s = BTreeMap::new();
    s.insert("x]; SHUTDOWN; --".to_owned(), State::of(OFF, 0));
    let n = notice(&s, "").unwrap_or_default();
    assert!(n.contains("ALTER DATABASE [x]]; SHUTDOWN; --] SET QUERY_STORE = ON;"), "{n}");
}

#[test]
fn no_access_names_the_grant_with_the_login() {
    let mut s = BTreeMap::new();
    s.insert("shop".to_owned(), State::of("READ_WRITE", 0));
    s.insert("vault".to_owned(), State::of(NO_ACCESS, 0));
    let n = notice(&s, "mon]itor").unwrap_or_default();
    assert!(
        n.contains("cannot enter vault to read Query Store: GRANT CONNECT ANY DATABASE TO [mon]]itor];"),
        "{n}"
    );
    let m = metrics(&s);
    assert_eq!(m.len(), 1, "unknown is not 0");
    assert_eq!((m[0].key.as_str(), m[0].value), ("shop", 1.0));
}

#[test]
fn all_recording_is_quiet_and_long_lists_are_cut() {
    let mut s: BTreeMap<String, State> =
        (0..3).map(|i| (format!("db{i}"), State::of("READ_WRITE", 0))).collect();
    assert_eq!(notice(&s, "m"), None);
    let facts = facts(&s, None);
    assert!(facts.iter().any(|f| f.name == SOURCE_FACT && f.value == "query_store"));
    for i in 0..25 {
        s.insert(format!("off{i:02}"), State::of(OFF, 0));
    }
    let n = notice(&s, "m").unwrap_or_default();
    assert!(n.contains("off09 and 15 more"), "{n}");
    assert_eq!(metrics(&s).iter().filter(|m| m.value == 0.0).count(), 25);
}
