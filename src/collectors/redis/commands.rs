//! Every command the collector sends. Nothing else in the collector builds a command:
//! `connect::Conn::call` takes one of these constants (plus per-call arguments such as
//! a key name). A test below checks each against the read-only allowlist, and that no
//! other source file builds commands by hand.

/// One command: how it is named in messages, in `INFO commandstats` (to subtract our
/// own calls from the server's counters), and its fixed words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// e.g. "CONFIG GET", used in problems and `unavailable` facts.
    pub name: &'static str,
    /// The `cmdstat_<stat>` name, e.g. "config|get".
    pub stat: &'static str,
    pub words: &'static [&'static str],
}

const fn command(name: &'static str, stat: &'static str, words: &'static [&'static str]) -> Command {
    Command { name, stat, words }
}

pub const CLIENT_SETNAME: Command =
    command("CLIENT SETNAME", "client|setname", &["CLIENT", "SETNAME", "logstag"]);
pub const CLIENT_ID: Command = command("CLIENT ID", "client|id", &["CLIENT", "ID"]);
pub const CLIENT_LIST: Command = command("CLIENT LIST", "client|list", &["CLIENT", "LIST"]);
pub const INFO_SERVER: Command = command("INFO", "info", &["INFO", "server"]);
/// High tier. `replication` is cheap and gives the role for the instance facts.
pub const INFO_HIGH: Command =
    command("INFO", "info", &["INFO", "server", "clients", "memory", "stats", "cpu", "replication"]);
pub const INFO_MEDIUM: Command = command(
    "INFO",
    "info",
    &["INFO", "commandstats", "latencystats", "persistence", "replication", "keyspace"],
);
pub const INFO_KEYSPACE: Command = command("INFO", "info", &["INFO", "keyspace"]);
pub const SLOWLOG_LEN: Command = command("SLOWLOG LEN", "slowlog|len", &["SLOWLOG", "LEN"]);
/// 128 is the default `slowlog-max-len`: one read covers a default-sized log.
pub const SLOWLOG_GET: Command = command("SLOWLOG GET", "slowlog|get", &["SLOWLOG", "GET", "128"]);
pub const LATENCY_LATEST: Command = command("LATENCY LATEST", "latency|latest", &["LATENCY", "LATEST"]);
/// Followed by one event name, only for events LATENCY LATEST shows a new spike for.
pub const LATENCY_HISTORY: Command = command("LATENCY HISTORY", "latency|history", &["LATENCY", "HISTORY"]);
pub const MEMORY_STATS: Command = command("MEMORY STATS", "memory|stats", &["MEMORY", "STATS"]);
pub const ROLE: Command = command("ROLE", "role", &["ROLE"]);
/// Several parameters in one call needs Redis 7.0, our oldest supported version.
/// `requirepass` and `masterauth` are read only to tell whether they are set: the parser
/// replaces their values before anything else sees them.
pub const CONFIG_GET: Command = command(
    "CONFIG GET",
    "config|get",
    &[
        "CONFIG",
        "GET",
        "maxmemory",
        "maxmemory-policy",
        "save",
        "appendonly",
        "appendfsync",
        "protected-mode",
        "bind",
        "port",
        "tls-port",
        "maxclients",
        "timeout",
        "tcp-keepalive",
        "slowlog-log-slower-than",
        "slowlog-max-len",
        "latency-monitor-threshold",
        "databases",
        "repl-backlog-size",
        "min-replicas-to-write",
        "io-threads",
        "hz",
        "activedefrag",
        "client-output-buffer-limit",
        "busy-reply-threshold",
        "requirepass",
        "masterauth",
    ],
);
pub const ACL_USERS: Command = command("ACL USERS", "acl|users", &["ACL", "USERS"]);
/// Followed by the user name.
pub const ACL_GETUSER: Command = command("ACL GETUSER", "acl|getuser", &["ACL", "GETUSER"]);
pub const CLUSTER_INFO: Command = command("CLUSTER INFO", "cluster|info", &["CLUSTER", "INFO"]);
pub const CLUSTER_NODES: Command = command("CLUSTER NODES", "cluster|nodes", &["CLUSTER", "NODES"]);
/// Followed by the cursor, `COUNT` and the batch size (sampler only).
pub const SCAN: Command = command("SCAN", "scan", &["SCAN"]);
/// Followed by the key (sampler only).
pub const TYPE: Command = command("TYPE", "type", &["TYPE"]);
/// Followed by the key, `SAMPLES` and a small count (sampler only).
pub const MEMORY_USAGE: Command = command("MEMORY USAGE", "memory|usage", &["MEMORY", "USAGE"]);

pub const ALL: &[Command] = &[
    CLIENT_SETNAME,
    CLIENT_ID,
    CLIENT_LIST,
    INFO_SERVER,
    INFO_HIGH,
    INFO_MEDIUM,
    INFO_KEYSPACE,
    SLOWLOG_LEN,
    SLOWLOG_GET,
    LATENCY_LATEST,
    LATENCY_HISTORY,
    MEMORY_STATS,
    ROLE,
    CONFIG_GET,
    ACL_USERS,
    ACL_GETUSER,
    CLUSTER_INFO,
    CLUSTER_NODES,
    SCAN,
    TYPE,
    MEMORY_USAGE,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The only commands (with subcommand) the collector may send. `CLIENT SETNAME`
    /// changes only our own connection's name.
    const READ_ONLY: &[&str] = &[
        "CLIENT SETNAME",
        "CLIENT ID",
        "CLIENT LIST",
        "INFO",
        "SLOWLOG LEN",
        "SLOWLOG GET",
        "LATENCY LATEST",
        "LATENCY HISTORY",
        "MEMORY STATS",
        "MEMORY USAGE",
        "ROLE",
        "CONFIG GET",
        "ACL USERS",
        "ACL GETUSER",
        "CLUSTER INFO",
        "CLUSTER NODES",
        "SCAN",
        "TYPE",
    ];

    /// Words that must never reach a server from us, anywhere in a command.
    const FORBIDDEN: &[&str] = &[
        "KEYS",
        "MONITOR",
        "RESET",
        "RESETSTAT",
        "SET",
        "DEBUG",
        "FLUSHALL",
        "FLUSHDB",
        "SHUTDOWN",
        "DEL",
        "UNLINK",
        "SAVE",
        "BGSAVE",
        "BGREWRITEAOF",
        "REWRITE",
        "KILL",
        "PAUSE",
        "SETUSER",
        "DELUSER",
        "FAILOVER",
        "REPLICAOF",
        "SLAVEOF",
        "DOCTOR",
    ];

    fn forbidden_in(words: &[&str]) -> Option<String> {
        words.iter().map(|w| w.to_ascii_uppercase()).find(|w| FORBIDDEN.contains(&w.as_str()))
    }

    #[test]
    fn every_command_is_read_only() {
        for c in ALL {
            let head: Vec<String> = c.words.iter().take(2).map(|w| w.to_ascii_uppercase()).collect();
            let allowed =
                READ_ONLY.iter().any(|r| head.join(" ") == *r || head.first().is_some_and(|h| h == r));
            assert!(allowed, "{} is not on the read-only list", c.name);
            // Only the command and subcommand words: the rest are setting or key names.
            assert_eq!(forbidden_in(&c.words[..c.words.len().min(2)]), None, "{}", c.name);
            assert!(c.name.eq_ignore_ascii_case(&c.words[..c.name.split(' ').count()].join(" ")));
        }
    }

    #[test]
    fn the_checks_would_catch_a_write() {
        assert!(forbidden_in(&["SLOWLOG", "RESET"]).is_some());
        assert!(forbidden_in(&["config", "set", "x"]).is_some());
        assert!(forbidden_in(&["keys", "*"]).is_some());
        assert!(forbidden_in(&["CONFIG", "GET", "maxmemory"]).is_none());
    }

    /// Sources of the collector, scanned for hand-built commands and forbidden literals.
    const SOURCES: &[(&str, &str)] = &[
        ("mod.rs", include_str!("mod.rs")),
        ("connect.rs", include_str!("connect.rs")),
        ("high.rs", include_str!("high.rs")),
        ("medium.rs", include_str!("medium.rs")),
        ("low.rs", include_str!("low.rs")),
        ("sampler.rs", include_str!("sampler.rs")),
        ("parse/mod.rs", include_str!("parse/mod.rs")),
        ("parse/info.rs", include_str!("parse/info.rs")),
        ("parse/clients.rs", include_str!("parse/clients.rs")),
        ("parse/slowlog.rs", include_str!("parse/slowlog.rs")),
        ("parse/replies.rs", include_str!("parse/replies.rs")),
        ("parse/cluster.rs", include_str!("parse/cluster.rs")),
        ("parse/value.rs", include_str!("parse/value.rs")),
    ];

    #[test]
    fn no_source_builds_a_command_by_hand_or_names_a_forbidden_one() {
        for (file, text) in SOURCES {
            let code = text.split("#[cfg(test)]").next().unwrap_or(text);
            let hand_built = ["redis::cmd(", "redis::pipe(", "cmd(\"", "Cmd::new("];
            if *file != "connect.rs" {
                for pattern in hand_built {
                    assert!(!code.contains(pattern), "{file} builds a command by hand: {pattern}");
                }
            }
            // Parsers read replies and send nothing; their field names (`keys=`) are not commands.
            if file.starts_with("parse/") {
                continue;
            }
            for literal in code.split('"').skip(1).step_by(2) {
                let words: Vec<&str> = literal.split_whitespace().collect();
                if words.len() <= 2 {
                    let upper = literal.to_ascii_uppercase();
                    for bad in [
                        "KEYS",
                        "MONITOR",
                        "FLUSHALL",
                        "FLUSHDB",
                        "SLOWLOG RESET",
                        "CONFIG SET",
                        "CONFIG RESETSTAT",
                        "DEBUG",
                    ] {
                        assert_ne!(upper.trim(), bad, "{file} mentions `{literal}` as a string");
                    }
                }
            }
        }
    }
}
