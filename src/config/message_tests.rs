//! Messages in the user's words: duplicates, long unknown keys, bytes that are not
//! UTF-8, engine names in any case.

use super::*;

const TARGET: &str = "[targets.prod]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n";

fn errors(text: &str) -> Vec<ConfigError> {
    match parse_str(text, Path::new("t.toml")) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

#[test]
fn a_duplicated_key_or_table_says_duplicated() {
    for (text, line) in [
        (format!("{TARGET}db_port = 5433\n"), 5),
        (format!("{TARGET}[agent]\nlog_level = \"info\"\n[agent]\nlog_level = \"debug\"\n"), 7),
        (format!("{TARGET}{TARGET}"), 5),
    ] {
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("duplicated"), "{}", found[0]);
        assert_eq!(found[0].line, line, "{}", found[0]);
    }
}

#[test]
fn an_unknown_key_is_echoed_at_most_80_characters() {
    let long = "k".repeat(5000);
    let found = errors(&format!("{TARGET}[agent]\n{long} = 1\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    let shown = found[0].to_string();
    assert!(!shown.contains(&"k".repeat(81)), "{shown}");
    assert!(found[0].key.ends_with('…'), "{}", found[0].key);
    assert!(found[0].key.chars().count() <= "agent.".len() + 80, "{}", found[0].key);
}

#[test]
fn bytes_that_are_not_utf8_are_reported_on_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    let mut bytes = format!("{TARGET}[agent]\nlog_level = \"").into_bytes();
    bytes.extend_from_slice(b"caf\xe9\"\n");
    std::fs::write(&path, bytes).unwrap();
    let e = load(&path).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!((e.0[0].line, e.0[0].column), (6, 17), "{e}");
    assert!(e.0[0].message.contains("not UTF-8") && e.0[0].message.contains("0xe9"), "{e}");
}

#[test]
fn engine_names_match_in_any_case() {
    let text = TARGET.replace("\"postgresql\"", "\"PostgreSQL\"");
    assert!(errors(&text).is_empty(), "{:?}", errors(&text));
    let redis = "[targets.c]\ndb_engine = \"REDIS\"\ndb_host = \"h\"\ndb_port = 6379\n";
    assert!(errors(redis).is_empty(), "{:?}", errors(redis));
}
