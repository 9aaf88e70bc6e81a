//! Connection URLs given on the command line, read the way libpq reads them for
//! PostgreSQL (`postgresql://user:pass@host:port/db?sslmode=…`, libpq environment
//! variables for the missing parts) and generically for the other engines' schemes.
//!
//! `sslmode`: `disable`, `prefer`, `require`, `verify-full`; `allow` is read as `prefer`
//! and `verify-ca` as `verify-full` (we always check the host name too).

use super::{CloudConfig, Config, ConfigError, Secret, TargetConfig, TlsConfig, TlsMode};
use crate::collectors::registry::{ENGINES, Engine};
use std::path::PathBuf;

/// Builds a target from a connection URL; intervals and timeouts come from `base`.
/// The target's name is `host:port/db` (the socket directory for Unix sockets) and
/// never contains the password. Errors have path `<command line>` and line 0.
pub fn target_from_url(url: &str, base: &Config) -> Result<TargetConfig, ConfigError> {
    target_from_url_with_env(url, base, &|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

const PG_PARAMS: &[&str] = &[
    "host",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
];

fn fail(message: impl Into<String>) -> ConfigError {
    ConfigError::command_line("url", message)
}

pub(crate) fn target_from_url_with_env(
    url: &str,
    base: &Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<TargetConfig, ConfigError> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(fail("not a connection URL; expected scheme://[user[:password]@]host[:port][/database]"));
    };
    let engine = Engine::from_url_scheme(scheme).ok_or_else(|| {
        let schemes: Vec<&str> = ENGINES.iter().flat_map(|s| s.url_schemes.iter().copied()).collect();
        fail(format!("unknown URL scheme `{scheme}`; accepted: {}", schemes.join(", ")))
    })?;
    let is_postgres = engine == Engine::Postgres;
    // `u:pa?ss@h`: an unencoded `?` or `/` in the password would push the rest of it into
    // the query or path, where later errors would quote it. (`?user=a@b` is fine.)
    if let Some(at) = rest.rfind('@') {
        let before = &rest[..at];
        if before.contains(['?', '/']) && !before.contains('=') {
            return Err(fail(
                "the user name or password contains `/` or `?`: percent-encode them as %2F and %3F",
            ));
        }
    }
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = before_query.split_once('/').unwrap_or((before_query, ""));
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let (mut user, mut password) = match userinfo {
        Some(info) => match info.split_once(':') {
            Some((u, p)) => (Some(decode(u, "user name")?), Some(decode(p, "password")?)),
            None => (Some(decode(info, "user name")?), None),
        },
        None => (None, None),
    };
    if hostport.contains(',') {
        return Err(fail("several hosts in one URL are not supported; give one URL per server"));
    }
    let (host, port) = split_host_port(hostport)?;
    let mut host = host.map(|h| decode(h, "host")).transpose()?.filter(|h| !h.is_empty());
    let mut port = port.map(|p| parse_port(p, "the port", false)).transpose()?;
    let mut database = Some(decode(path, "database name")?).filter(|d| !d.is_empty());
    let mut sslmode: Option<String> = None;
    let mut ca_file: Option<String> = None;
    let mut connect_timeout = base.collect.connect_timeout;

    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let Some((name, value)) = pair.split_once('=') else {
            if !is_postgres {
                continue;
            }
            return Err(fail(format!("URL parameter `{}` has no value", decode(pair, "parameter")?)));
        };
        let name = decode(name, "parameter name")?;
        let value = decode(value, "parameter value")?;
        match name.as_str() {
            "sslmode" => sslmode = Some(value),
            "sslrootcert" => ca_file = Some(value),
            "tls" | "ssl" if !is_postgres => {
                sslmode = Some(if value == "true" { "verify-full" } else { "disable" }.to_owned());
            }
            "host" if is_postgres => host = Some(value),
            "port" if is_postgres => port = Some(parse_port(&value, "the port", false)?),
            "user" if is_postgres => user = Some(value),
            "password" if is_postgres => password = Some(value),
            "dbname" if is_postgres => database = Some(value),
            "connect_timeout" if is_postgres => match value.parse::<u64>() {
                Ok(secs) if secs > 0 => connect_timeout = std::time::Duration::from_secs(secs),
                _ => {
                    return Err(fail(format!(
                        "connect_timeout must be a whole number of seconds, found `{value}`"
                    )));
                }
            },
            // We name our own sessions so they can be told apart from the application's.
            "application_name" if is_postgres => {}
            other if is_postgres => {
                return Err(fail(format!(
                    "unsupported URL parameter `{other}`; accepted: {}",
                    PG_PARAMS.join(", ")
                )));
            }
            // Other engines' URLs carry driver options we do not use yet.
            _ => {}
        }
    }

    if is_postgres {
        // libpq: environment variables fill what the URL leaves out.
        host = host.or_else(|| env("PGHOST"));
        if port.is_none() {
            port = env("PGPORT").map(|p| parse_port(&p, "PGPORT", true)).transpose()?;
        }
        user = user.or_else(|| env("PGUSER")).or_else(|| env("USER"));
        password = password.or_else(|| env("PGPASSWORD"));
        database = database.or_else(|| env("PGDATABASE")).or_else(|| user.clone());
        sslmode = sslmode.or_else(|| env("PGSSLMODE"));
        ca_file = ca_file.or_else(|| env("PGSSLROOTCERT"));
    }
    if host.as_deref().is_some_and(|h| h.contains(',')) {
        return Err(fail("several hosts are not supported; give one URL per server"));
    }
    let host = host.unwrap_or_else(|| "localhost".to_owned());
    let port = port.unwrap_or(engine.spec().default_port);
    let database = database.unwrap_or_default();
    if matches!(engine, Engine::Redis | Engine::Valkey)
        && !database.is_empty()
        && !database.parse::<u8>().is_ok_and(|n| n <= 15)
    {
        return Err(fail(format!("a Redis/Valkey database is a number from 0 to 15, found `{database}`")));
    }
    let tls_by_scheme = matches!(scheme.to_ascii_lowercase().as_str(), "rediss" | "valkeys");
    let mode = match sslmode {
        Some(mode) => tls_mode(&mode)?,
        None if tls_by_scheme => TlsMode::VerifyFull,
        None if matches!(engine, Engine::Redis | Engine::Valkey) => TlsMode::Disable,
        None => TlsMode::Prefer,
    };
    // libpq's special value: trust the system roots only, which we do anyway.
    let ca_file = ca_file.filter(|f| f != "system").map(PathBuf::from);

    Ok(TargetConfig {
        name: target_name(&host, port, &database),
        engine,
        platform: "self-hosted".to_owned(),
        host,
        port,
        username: user.unwrap_or_default(),
        password: Secret::new(password.unwrap_or_default()),
        database,
        tls: TlsConfig { mode, ca_file },
        intervals: base.agent.intervals.clone(),
        tags: Vec::new(),
        connect_timeout,
        query_timeout: base.collect.query_timeout,
        lock_timeout: base.collect.lock_timeout,
        cloud: CloudConfig::default(),
        keyspace: Default::default(),
    })
}

/// `host:port` → parts, with `[v6]` addresses unbracketed. Either part may be absent.
fn split_host_port(hostport: &str) -> Result<(Option<&str>, Option<&str>), ConfigError> {
    if let Some(bracketed) = hostport.strip_prefix('[') {
        let Some((host, after)) = bracketed.split_once(']') else {
            return Err(fail("unclosed `[` in the host"));
        };
        return match after {
            "" => Ok((Some(host), None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((Some(host), Some(port).filter(|p| !p.is_empty()))),
                None => Err(fail("unexpected text after `]` in the host")),
            },
        };
    }
    match hostport.split_once(':') {
        Some((_, port)) if port.contains(':') => {
            Err(fail("an IPv6 address in a URL must be written in brackets, e.g. [::1]:5432"))
        }
        Some((host, port)) => Ok((Some(host), Some(port).filter(|p| !p.is_empty()))),
        None => Ok((Some(hostport), None)),
    }
}

/// `echo` = false for text taken from the URL: an unencoded `/` in a password makes a
/// piece of it look like the port, and that piece must not be printed.
fn parse_port(text: &str, what: &str, echo: bool) -> Result<u16, ConfigError> {
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ if echo => Err(fail(format!("{what} must be 1 to 65535, found `{text}`"))),
        _ => Err(fail(format!(
            "{what} must be 1 to 65535 (percent-encode `/`, `?`, `@` and `:` in user names and passwords)"
        ))),
    }
}

fn tls_mode(mode: &str) -> Result<TlsMode, ConfigError> {
    match mode {
        "disable" => Ok(TlsMode::Disable),
        "allow" | "prefer" => Ok(TlsMode::Prefer),
        "require" => Ok(TlsMode::Require),
        "verify-ca" | "verify-full" => Ok(TlsMode::VerifyFull),
        other => Err(fail(format!(
            "sslmode `{other}` is not one of: disable, allow, prefer, require, verify-ca, verify-full"
        ))),
    }
}

fn target_name(host: &str, port: u16, database: &str) -> String {
    let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
    if database.is_empty() { format!("{host}:{port}") } else { format!("{host}:{port}/{database}") }
}

/// Percent-decoding (RFC 3986; `+` stays `+`, as in libpq). The text is never quoted
/// in the error: it may be a password.
fn decode(text: &str, what: &str) -> Result<String, ConfigError> {
    let bad = || fail(format!("invalid percent-encoding in the {what}"));
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex =
                bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit)).ok_or_else(bad)?;
            let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| fail(format!("the {what} is not valid UTF-8 after percent-decoding")))
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
