//! Property tests over every parser of outside input: whatever the bytes, each parser
//! returns a value or an error and never panics. 256 cases each keeps the suite bounded.

use crate::collectors::postgres::{parse as pg, schema_parse};
use crate::collectors::redis::parse::{clients, cluster, info, replies, slowlog};
use proptest::prelude::*;
use redis::Value;
use std::path::Path;

fn cases() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text that looks like TOML often enough to reach the validator, not only the lexer.
fn tomlish() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "high_frequency_interval",
        "startup_warmup_delay",
        "query_timeout",
        "lock_timeout",
        "db_engine",
        "db_host",
        "db_port",
        "db_name",
        "mode",
        "tags",
        "refresh_interval",
        "retention_hours",
        "outbox_max_mb",
        "scan_limit",
        "listen",
        "log_file",
        "big_keys",
        "x",
    ]);
    let table = prop::sample::select(vec![
        "[agent]",
        "[collect]",
        "[ui]",
        "[history]",
        "[forwarding]",
        "[prometheus]",
        "[targets.a]",
        "[targets.a.tls]",
        "[targets.a.intervals]",
        "[targets.a.keyspace]",
        "[targets.a.alerts]",
        "[alerts]",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "\"[a-zA-Z0-9:/._-]{0,20}\"",
        Just("true".to_owned()),
        Just("[\"a\", 1]".to_owned()),
        Just("1e400".to_owned()),
        Just("99999999999999999999".to_owned()),
    ];
    let line = prop_oneof![
        table.prop_map(str::to_owned),
        (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        ".{0,40}",
    ];
    prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

fn redis_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<i64>().prop_map(Value::Int),
        ".{0,24}".prop_map(|s| Value::BulkString(s.into_bytes())),
        prop::collection::vec(any::<u8>(), 0..24).prop_map(Value::BulkString),
        ".{0,24}".prop_map(Value::SimpleString),
        any::<f64>().prop_map(Value::Double),
        Just(Value::Okay),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((inner.clone(), inner), 0..6).prop_map(Value::Map),
        ]
    })
}

/// Lines of `key=value`, `key:value` and `# Section` as INFO, CLIENT LIST and CLUSTER send.
fn reply_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[a-z_]{1,12}:[-0-9a-z.,=:]{0,30}",
        "[a-z]{1,8}=[-0-9a-z.:]{0,12}( [a-z]{1,8}=[-0-9a-z.:@]{0,12}){0,8}",
        "# [A-Za-z]{0,10}",
        "[0-9a-f]{0,40} [0-9.:@,]{0,30} [a-z,]{0,20} [-0-9a-f]{0,40} [0-9]{0,5} [0-9]{0,5} [0-9]{0,3} [a-z]{0,12}( [0-9-]{0,11}){0,3}",
        ".{0,60}",
    ];
    prop::collection::vec(line, 0..24).prop_map(|l| l.join("\r\n"))
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn the_config_loader_never_panics(text in tomlish()) {
        let _ = crate::config::parse_str(&text, Path::new("p.toml"));
    }

    #[test]
    fn every_config_that_loads_has_timers_the_clock_and_postgresql_accept(
        high in any::<i64>(), warmup in any::<i64>(), query in any::<i64>(), lock in any::<i64>(),
    ) {
        let text = format!(
            "[agent]\nhigh_frequency_interval = {high}\nstartup_warmup_delay = {warmup}\n\
             [collect]\nquery_timeout = {query}\nlock_timeout = {lock}\n\
             [targets.a]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n"
        );
        if let Ok(config) = crate::config::parse_str(&text, Path::new("p.toml")) {
            let now = std::time::Instant::now();
            let target = &config.targets[0];
            for every in target.intervals.high.iter().chain([&config.agent.startup_warmup_delay]) {
                prop_assert!(now.checked_add(*every).is_some());
            }
            // statement_timeout, and twice it as idle_in_transaction_session_timeout.
            prop_assert!(target.query_timeout.as_millis() * 2 <= i32::MAX as u128);
            prop_assert!(target.lock_timeout.as_millis() <= i32::MAX as u128);
        }
    }

    #[test]
    fn the_config_loader_never_panics_on_any_text(text in ".{0,200}") {
        let _ = crate::config::parse_str(&text, Path::new("p.toml"));
    }

    #[test]
    fn the_theme_loader_never_panics(text in tomlish(), raw in ".{0,120}") {
        let _ = crate::ui::theme::Theme::from_toml(&text, "p.toml");
        let _ = crate::ui::theme::Theme::from_toml(&format!("[colors]\nbackground = \"{raw}\"\n"), "p.toml");
    }

    #[test]
    fn the_template_loader_never_panics(text in ".{0,300}", field in "[a-z_]{1,12}", value in ".{0,30}") {
        let _ = crate::alerts::parse_template("p.yaml", &text);
        let (_, base) = crate::alerts::EMBEDDED[0];
        let _ = crate::alerts::parse_template("p.yaml", &format!("{base}\n{field}: {value}\n"));
        let _ = crate::alerts::parse_template("p.yaml", &base.replace("high:", &format!("{value}:")));
    }

    #[test]
    fn url_parsing_never_panics(
        url in "(postgres|postgresql|redis|rediss|valkey|mongodb|x)://[-a-zA-Z0-9@:%/?=&.\\[\\]_]{0,60}",
        any_text in ".{0,80}",
    ) {
        let config = crate::config::Config::default();
        let _ = crate::config::target_from_url(&url, &config);
        let _ = crate::config::target_from_url(&any_text, &config);
    }

    #[test]
    fn redis_text_reply_parsers_never_panic(text in reply_text(), id in any::<Option<i64>>()) {
        let parsed = info::Info::parse(&text);
        let _ = (parsed.version(), parsed.mode(), parsed.product(), parsed.u64("used_memory"));
        let _ = info::pairs(&text);
        let _ = clients::sessions(&text, id);
        let _ = clients::describe_flags(&text);
        let _ = cluster::cluster_info(&text);
        let _ = cluster::cluster_nodes(&text);
    }

    #[test]
    fn redis_value_reply_parsers_never_panic(v in redis_value(), last in any::<Option<u64>>()) {
        let _ = replies::latency_latest(&v);
        let _ = replies::latency_history(&v);
        let _ = replies::memory_stats(&v);
        let _ = replies::role(&v);
        let _ = replies::config_settings(&v);
        let _ = replies::acl_user(&v);
        let _ = slowlog::fresh(slowlog::entries(&v), last);
    }

    #[test]
    fn postgres_server_text_parsers_never_panic(
        version in ".{0,40}",
        state in ".{0,20}",
        wait_type in proptest::option::of(".{0,20}"),
        wait_event in proptest::option::of(".{0,20}"),
        indkey in "[-0-9 ]{0,40}|.{0,40}",
        nkeys in 0usize..40,
    ) {
        let _ = pg::version_num(&version);
        let _ = pg::short_version(&version);
        let _ = pg::session_state(&state, wait_type.as_deref());
        let _ = pg::wait(wait_type.as_deref(), wait_event.as_deref());
        let _ = schema_parse::parse_indkey(&indkey, nkeys);
        let _ = schema_parse::fnv64(&version);
    }

    #[test]
    fn postgres_numeric_parsers_never_panic(
        a in any::<i64>(), b in any::<i64>(), c in any::<i64>(), d in any::<i64>(),
        f in any::<f64>(), w in any::<Option<f64>>(),
    ) {
        let _ = pg::to_u64(a);
        let _ = pg::bytes(w);
        let _ = schema_parse::sequence_pct_used(Some(a), b, c, d);
        let _ = schema_parse::table_bloat(a, f, w, b);
        let _ = schema_parse::btree_bloat(a, f, w, b);
    }
}
