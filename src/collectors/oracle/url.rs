//! How Oracle targets are written on the command line: `oracle://user:pw@host:1521/SERVICE`
//! URLs, the EZConnect strings DBAs type into sqlplus (`user/pw@//host:1521/SERVICE`,
//! `host:1521/SERVICE`), or a full TNS descriptor `(DESCRIPTION=…)`, which is handed to
//! the client library as it is. The path is the service name (a PDB's service in
//! multitenant), never a SID.

use crate::config::{UrlDialect, UrlParts, parse_url_port};

pub static DIALECT: UrlDialect = UrlDialect {
    params: &["connect_timeout", "ssl", "diagnostics_pack", "wallet_location"],
    param,
    env,
    connection_string: Some(ezconnect),
};

fn param(url: &mut UrlParts, name: &str, value: String) -> Result<(), String> {
    match name.to_ascii_lowercase().as_str() {
        "connect_timeout" => match value.parse::<u64>() {
            Ok(secs) if secs > 0 => url.connect_timeout = Some(std::time::Duration::from_secs(secs)),
            _ => return Err(format!("connect_timeout must be a whole number of seconds, found `{value}`")),
        },
        "ssl" => {
            url.sslmode = Some(if flag(&value, name)? { "verify-full" } else { "disable" }.to_owned());
        }
        "diagnostics_pack" => {
            let on = flag(&value, name)?;
            url.options.push(("oracle", "diagnostics_pack", on.to_string()));
        }
        "wallet_location" => url.options.push(("oracle", "wallet_location", value)),
        other => {
            return Err(format!(
                "unsupported URL parameter `{other}`; accepted: {}",
                DIALECT.params.join(", ")
            ));
        }
    }
    Ok(())
}

fn flag(value: &str, name: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(format!("{name} must be true or false, found `{value}`")),
    }
}

fn env(_url: &mut UrlParts, _env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    Ok(())
}

/// An EZConnect string or a TNS descriptor, when `text` is one.
fn ezconnect(text: &str) -> Option<Result<UrlParts, String>> {
    let text = text.trim();
    if text.contains("://") {
        return None;
    }
    if let Some(at_descriptor) = descriptor_start(text) {
        return Some(descriptor(text, at_descriptor));
    }
    if text.contains(['=', ';', ' ', '\t']) {
        return None;
    }
    // `[user[/password]@][//]host[:port]/service[:server][/instance]`; the password may
    // hold `@`, the host part never does.
    let (credentials, address) = match text.rfind('@') {
        Some(at) => (Some(&text[..at]), &text[at + 1..]),
        None => (None, text),
    };
    let address = address.strip_prefix("//").unwrap_or(address);
    let (hostport, service) = split_host_service(address)?;
    let mut url = UrlParts::default();
    if let Some(credentials) = credentials {
        let (user, password) = match credentials.split_once('/') {
            Some((user, password)) => (user, Some(password)),
            None => (credentials, None),
        };
        url.user = Some(user.to_owned()).filter(|u| !u.is_empty());
        url.password = password.map(str::to_owned);
    }
    Some(host_port(hostport).map(|(host, port)| {
        url.host = Some(host);
        url.port = port;
        url.database = Some(service);
        url
    }))
}

/// The host part and the service name of `host[:port]/service[:server][/instance]`;
/// `None` when the text does not have that shape (not an EZConnect string).
fn split_host_service(address: &str) -> Option<(&str, String)> {
    let (hostport, rest) = address.split_once('/')?;
    let service = rest.split(['/', ':']).next().unwrap_or("");
    let name_ok =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_.$#-".contains(c));
    let host = hostport.rsplit_once(':').map_or(hostport, |(h, _)| h);
    let host_ok = host.starts_with('[') || name_ok(host);
    (host_ok && name_ok(service)).then(|| (hostport, service.to_owned()))
}

fn host_port(hostport: &str) -> Result<(String, Option<u16>), String> {
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("an IPv6 address in [ ] has no closing ]")?;
        let port = after.strip_prefix(':').map(parse_url_port).transpose()?;
        return Ok((host.to_owned(), port));
    }
    match hostport.rsplit_once(':') {
        Some((host, port)) => Ok((host.to_owned(), Some(parse_url_port(port)?))),
        None => Ok((hostport.to_owned(), None)),
    }
}

/// Where a `(DESCRIPTION=…)` starts, after an optional `user/password@`.
fn descriptor_start(text: &str) -> Option<usize> {
    let start = text.find('(')?;
    let head = text[..start].trim_end();
    let opens = text[start..].trim_start_matches('(').trim_start().to_ascii_uppercase();
    ((head.is_empty() || head.ends_with('@')) && opens.starts_with("DESCRIPTION")).then_some(start)
}

/// A TNS descriptor is given to the client as the connect string (`tns_name`); the host,
/// port and service it names are read for display and the endpoint.
fn descriptor(text: &str, start: usize) -> Result<UrlParts, String> {
    let mut url = UrlParts::default();
    let descriptor: String = text[start..].split_whitespace().collect();
    if descriptor.matches('(').count() != descriptor.matches(')').count() {
        return Err("the TNS descriptor's parentheses do not balance".to_owned());
    }
    if let Some(credentials) = text[..start].trim_end().strip_suffix('@') {
        let (user, password) = credentials.split_once('/').unwrap_or((credentials, ""));
        url.user = Some(user.to_owned()).filter(|u| !u.is_empty());
        url.password = Some(password.to_owned()).filter(|p| !p.is_empty());
    }
    let value = |key: &str| {
        let upper = descriptor.to_ascii_uppercase();
        let at = upper.find(&format!("({key}="))? + key.len() + 2;
        let end = descriptor[at..].find(')')? + at;
        Some(descriptor[at..end].to_owned())
    };
    url.host = Some(value("HOST").unwrap_or_else(|| "descriptor".to_owned()));
    url.port = value("PORT").map(|p| parse_url_port(&p)).transpose()?;
    url.database = value("SERVICE_NAME");
    url.options.push(("oracle", "tns_name", descriptor));
    Ok(url)
}

#[cfg(test)]
mod tests {
    use crate::config::{TlsMode, target_from_url_with_env};

    fn parse(text: &str) -> Result<crate::config::TargetConfig, String> {
        target_from_url_with_env(text, &Default::default(), &|_| None).map_err(|e| e.to_string())
    }

    #[test]
    fn urls_with_service_names() {
        let t = parse("oracle://logstag:pw@db1.example.com/SALESPDB").unwrap();
        assert_eq!(
            (t.engine.key(), t.host.as_str(), t.port, t.database.as_str(), t.username.as_str()),
            ("oracle", "db1.example.com", 1521, "SALESPDB", "logstag")
        );
        assert_eq!(t.password.expose(), "pw");
        let t =
            parse("oracle://m:pw@db1:2484/ORCL?ssl=true&diagnostics_pack=true&connect_timeout=5").unwrap();
        assert_eq!((t.port, t.tls.mode, t.connect_timeout.as_secs()), (2484, TlsMode::VerifyFull, 5));
        assert!(t.options.flag("oracle.diagnostics_pack"));
        assert!(parse("oracle://m@db1/ORCL?frob=1").unwrap_err().contains("unsupported URL parameter"));
        assert!(parse("oracle://m@db1/ORCL?diagnostics_pack=maybe").unwrap_err().contains("true or false"));
    }

    #[test]
    fn ezconnect_strings() {
        let t = parse("logstag/s3cr@t@//db1.example.com:1522/SALESPDB").unwrap();
        assert_eq!(
            (t.engine.key(), t.host.as_str(), t.port, t.database.as_str()),
            ("oracle", "db1.example.com", 1522, "SALESPDB")
        );
        assert_eq!((t.username.as_str(), t.password.expose()), ("logstag", "s3cr@t"));
        let t = parse("db2:1521/FREEPDB1").unwrap();
        assert_eq!((t.host.as_str(), t.database.as_str()), ("db2", "FREEPDB1"));
        let t = parse("m/pw@[::1]:1521/ORCL:dedicated").unwrap();
        assert_eq!((t.host.as_str(), t.database.as_str()), ("::1", "ORCL"));
        assert!(parse("just some words").is_err());
        assert!(parse("db2:1521").is_err(), "no service: not an EZConnect string");
    }

    #[test]
    fn tns_descriptors_go_to_the_client_as_they_are() {
        let t = parse(
            "logstag/pw@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=dg1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=SALES)))",
        )
        .unwrap();
        assert_eq!((t.host.as_str(), t.port, t.database.as_str()), ("dg1", 1521, "SALES"));
        assert!(t.options.text("oracle.tns_name").starts_with("(DESCRIPTION=(ADDRESS="));
        assert!(parse("(DESCRIPTION=(ADDRESS=(HOST=x)").unwrap_err().contains("balance"));
    }
}
