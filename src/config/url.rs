//! Connection URLs given on the command line: `scheme://user:pass@host:port/db?…`. The
//! scheme picks the engine; an engine with a `UrlDialect` reads the parameters and the
//! environment the way its own client library does, the others take `tls`/`ssl` only.
//!
//! `sslmode`: `disable`, `prefer`, `require`, `verify-full`; `allow` is read as `prefer`
//! and `verify-ca` as `verify-full` (we always check the host name too).

use super::{
    CloudConfig, Config, ConfigError, EngineOptions, Secret, TargetConfig, TlsConfig, TlsMode, UrlParts,
};
use crate::collectors::registry;
use std::path::PathBuf;

/// Builds a target from a connection URL; intervals and timeouts come from `base`.
/// The target's name is `host:port/db` (the socket directory for Unix sockets) and
/// never contains the password. Errors have path `<command line>` and line 0.
pub fn target_from_url(url: &str, base: &Config) -> Result<TargetConfig, ConfigError> {
    target_from_url_with_env(url, base, &|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

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
        // Some engines also take their own connection strings (ADO's `Server=…;…`).
        for engine in registry::ENGINES {
            let parse = engine.url.dialect.and_then(|d| d.connection_string);
            if let Some(parts) = parse.and_then(|parse| parse(url)) {
                let parts = parts.map_err(fail)?;
                return finish(engine, "", parts, base, env);
            }
        }
        return Err(fail("not a connection URL; expected scheme://[user[:password]@]host[:port][/database]"));
    };
    let engine = registry::by_url_scheme(scheme).ok_or_else(|| {
        let schemes: Vec<&str> =
            registry::ENGINES.iter().flat_map(|s| s.url_schemes.iter().copied()).collect();
        fail(format!("unknown URL scheme `{scheme}`; accepted: {}", schemes.join(", ")))
    })?;
    let dialect = engine.url.dialect;
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
    let mut url = UrlParts { scheme: scheme.to_ascii_lowercase(), ..UrlParts::default() };
    (url.user, url.password) = match userinfo {
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
    url.host = host.map(|h| decode(h, "host")).transpose()?.filter(|h| !h.is_empty());
    url.port = port.map(|p| parse_port(p, "the port", false)).transpose()?;
    url.database = Some(decode(path, "database name")?).filter(|d| !d.is_empty());

    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let Some((name, value)) = pair.split_once('=') else {
            if dialect.is_none() {
                continue;
            }
            return Err(fail(format!("URL parameter `{}` has no value", decode(pair, "parameter")?)));
        };
        let name = decode(name, "parameter name")?;
        let value = decode(value, "parameter value")?;
        match (dialect, name.as_str()) {
            (Some(dialect), _) => (dialect.param)(&mut url, &name, value).map_err(fail)?,
            (None, "sslmode") => url.sslmode = Some(value),
            (None, "sslrootcert") => url.ca_file = Some(value),
            (None, "tls" | "ssl") => {
                url.sslmode = Some(if value == "true" { "verify-full" } else { "disable" }.to_owned());
            }
            // Other engines' URLs carry driver options we do not use yet.
            (None, _) => {}
        }
    }
    finish(engine, scheme, url, base, env)
}

/// The target of a URL taken apart: the engine's environment variables fill what it left
/// out, then the engine's defaults.
fn finish(
    engine: &registry::EngineSpec,
    scheme: &str,
    mut url: UrlParts,
    base: &Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<TargetConfig, ConfigError> {
    if let Some(dialect) = engine.url.dialect {
        (dialect.env)(&mut url, env).map_err(fail)?;
    }
    if url.host.as_deref().is_some_and(|h| h.contains(',')) {
        return Err(fail("several hosts are not supported; give one URL per server"));
    }
    let host = url.host.unwrap_or_else(|| "localhost".to_owned());
    let port = url.port.unwrap_or(engine.default_port);
    let database = url.database.unwrap_or_default();
    engine.url.database.check(&database).map_err(fail)?;
    let tls_by_scheme = engine.url.tls_schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme));
    let mode = match url.sslmode {
        Some(mode) => tls_mode(&mode)?,
        None if tls_by_scheme => TlsMode::VerifyFull,
        None => engine.url.default_tls,
    };
    // libpq's special value: trust the system roots only, which we do anyway.
    let ca_file = url.ca_file.filter(|f| f != "system").map(PathBuf::from);

    Ok(TargetConfig {
        name: target_name(&host, port, &database),
        engine: engine.kind,
        platform: "self-hosted".to_owned(),
        host,
        port,
        username: url.user.unwrap_or_default(),
        password: Secret::new(url.password.unwrap_or_default()),
        database,
        tls: TlsConfig { mode, ca_file },
        intervals: base.agent.intervals.clone(),
        tags: Vec::new(),
        connect_timeout: url.connect_timeout.unwrap_or(base.collect.connect_timeout),
        query_timeout: base.collect.query_timeout,
        lock_timeout: base.collect.lock_timeout,
        cloud: CloudConfig::default(),
        options: url_options(engine, &url.options)?,
    })
}

/// The engine's option defaults with what the URL's parameters set.
fn url_options(
    engine: &registry::EngineSpec,
    given: &[(&str, &str, String)],
) -> Result<EngineOptions, ConfigError> {
    use super::{OptionKind, OptionValue};
    let mut options = EngineOptions::defaults(engine.options);
    for (table, key, text) in given {
        let declared = engine.options.iter().filter(|t| t.table == *table).flat_map(|t| t.keys.iter());
        let Some(spec) = declared.into_iter().find(|k| k.name == *key) else {
            return Err(fail(format!("{table}.{key} is not an option of {} targets", engine.name)));
        };
        let value = match spec.kind {
            OptionKind::Flag { .. } => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => OptionValue::Flag(true),
                "false" | "no" | "0" => OptionValue::Flag(false),
                _ => return Err(fail(format!("{key} must be true or false, found `{text}`"))),
            },
            OptionKind::Whole { min, max, .. } => match text.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => OptionValue::Whole(n),
                _ => {
                    return Err(fail(format!(
                        "{key} must be a whole number from {min} to {max}, found `{text}`"
                    )));
                }
            },
            kind @ OptionKind::Text { .. } => OptionValue::Text(kind.text_value(text).map_err(fail)?),
        };
        options.set(table, key, value);
    }
    Ok(options)
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

/// A port given as a URL parameter, for engines' dialects.
pub fn parse_url_port(text: &str) -> Result<u16, String> {
    parse_port(text, "the port", false).map_err(|e| e.message)
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
