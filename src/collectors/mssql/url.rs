//! How SQL Server targets are written on the command line: `mssql://` / `sqlserver://`
//! URLs with the driver's parameters, or the ADO.NET connection strings DBAs already
//! have (`Server=tcp:db1,1433;Database=app;User Id=monitor;Password=…;Encrypt=True`).
//! A named instance is `host\INSTANCE` (found through SQL Browser).

use crate::config::{UrlDialect, UrlParts, parse_url_port};

pub static DIALECT: UrlDialect = UrlDialect {
    params: &["encrypt", "trustServerCertificate", "applicationIntent", "connectTimeout", "instance"],
    param,
    env,
    connection_string: Some(ado),
};

fn param(url: &mut UrlParts, name: &str, value: String) -> Result<(), String> {
    match name.to_ascii_lowercase().as_str() {
        "encrypt" => url.sslmode = Some(encrypt_word(&value, trusted(url))?.to_owned()),
        "trustservercertificate" => {
            if parse_bool(&value, name)? {
                url.sslmode = Some("require".to_owned());
            }
        }
        // Logstag always asks for ApplicationIntent=ReadOnly.
        "applicationintent" => {}
        "connecttimeout" => match value.parse::<u64>() {
            Ok(secs) if secs > 0 => url.connect_timeout = Some(std::time::Duration::from_secs(secs)),
            _ => return Err(format!("connectTimeout must be a whole number of seconds, found `{value}`")),
        },
        "instance" => {
            let host = url.host.take().unwrap_or_else(|| "localhost".to_owned());
            url.host = Some(format!("{host}\\{value}"));
        }
        other => {
            return Err(format!(
                "unsupported URL parameter `{other}`; accepted: {}",
                DIALECT.params.join(", ")
            ));
        }
    }
    Ok(())
}

fn env(_url: &mut UrlParts, _env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    Ok(())
}

fn trusted(url: &UrlParts) -> bool {
    url.sslmode.as_deref() == Some("require")
}

/// `Encrypt=` as a TLS mode: true/mandatory verify the certificate (unless the server
/// certificate is trusted as is), false/optional still try TLS, verified, as Logstag
/// always does. TDS 8 strict encryption is a per-target option of the config file.
fn encrypt_word(value: &str, trust_server_certificate: bool) -> Result<&'static str, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "mandatory" if trust_server_certificate => Ok("require"),
        "true" | "yes" | "mandatory" => Ok("verify-full"),
        "false" | "no" | "optional" if trust_server_certificate => Ok("require"),
        "false" | "no" | "optional" => Ok("prefer"),
        "strict" => Err("Encrypt=Strict (TDS 8) is set per target in the configuration file: \
                         [targets.<name>.mssql] strict_encryption = true"
            .to_owned()),
        _ => Err(format!("Encrypt must be true, false, mandatory, optional or strict, found `{value}`")),
    }
}

fn parse_bool(value: &str, name: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" => Ok(true),
        "false" | "no" => Ok(false),
        _ => Err(format!("{name} must be true or false, found `{value}`")),
    }
}

/// `key=value;…` pairs; values may be quoted with `{…}`, `"…"` or `'…'` (and then hold
/// `;`). Keys are case-insensitive, spaces around them ignored.
fn pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            return Err(format!("`{}` has no value (expected key=value;…)", rest.trim()));
        };
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let close = match after.chars().next() {
            Some('{') => Some('}'),
            Some('"') => Some('"'),
            Some('\'') => Some('\''),
            _ => None,
        };
        let (value, remainder) = match close {
            Some(close) => {
                let Some(end) = after[1..].find(close) else {
                    return Err(format!("the value of `{key}` has no closing {close}"));
                };
                let value = &after[1..1 + end];
                let remainder = after[2 + end..].trim_start();
                (value.to_owned(), remainder.strip_prefix(';').unwrap_or(remainder))
            }
            None => match after.split_once(';') {
                Some((value, remainder)) => (value.trim().to_owned(), remainder),
                None => (after.trim().to_owned(), ""),
            },
        };
        out.push((key, value));
        rest = remainder.trim_start();
    }
    Ok(out)
}

/// An ADO.NET connection string, when `text` is one (it names a server).
fn ado(text: &str) -> Option<Result<UrlParts, String>> {
    let lower = text.to_ascii_lowercase();
    let names_server = ["server=", "data source=", "address=", "addr=", "network address="].iter().any(|k| {
        lower.trim_start().starts_with(k)
            || lower.contains(&format!(";{k}"))
            || lower.contains(&format!("; {k}"))
    });
    if !names_server || text.contains("://") {
        return None;
    }
    Some(ado_parts(text))
}

fn ado_parts(text: &str) -> Result<UrlParts, String> {
    let mut url = UrlParts::default();
    let mut encrypt = None;
    let mut trust = false;
    for (key, value) in pairs(text)? {
        match key.as_str() {
            "server" | "data source" | "address" | "addr" | "network address" => {
                let server = value.strip_prefix("tcp:").unwrap_or(&value);
                let (host, port) = match server.rsplit_once(',') {
                    Some((host, port)) => (host, Some(parse_url_port(port.trim())?)),
                    None => (server, None),
                };
                url.host = Some(host.trim().to_owned());
                url.port = port;
            }
            "database" | "initial catalog" => url.database = Some(value),
            "user id" | "uid" | "user" | "user name" => url.user = Some(value),
            "password" | "pwd" => url.password = Some(value),
            "encrypt" => encrypt = Some(value),
            "trustservercertificate" | "trust server certificate" => {
                trust = parse_bool(&value, "TrustServerCertificate")?
            }
            "integrated security" | "trusted_connection" if parse_bool(&value, &key).unwrap_or(true) => {
                return Err(
                    "integrated (Windows/Kerberos) authentication is not available in this build on Linux: \
                            use a SQL login (User Id and Password)"
                        .to_owned(),
                );
            }
            "connect timeout" | "connection timeout" | "timeout" => match value.parse::<u64>() {
                Ok(secs) if secs > 0 => url.connect_timeout = Some(std::time::Duration::from_secs(secs)),
                _ => return Err(format!("{key} must be a whole number of seconds, found `{value}`")),
            },
            // Logstag names its sessions and always asks for read-only intent.
            "application name"
            | "app"
            | "applicationintent"
            | "application intent"
            | "integrated security"
            | "trusted_connection"
            | "multipleactiveresultsets"
            | "multisubnetfailover"
            | "persist security info"
            | "pooling"
            | "packet size"
            | "workstation id" => {}
            other => return Err(format!("unsupported connection string keyword `{other}`")),
        }
    }
    url.sslmode = Some(
        match encrypt {
            Some(word) => encrypt_word(&word, trust)?,
            None if trust => "require",
            None => "prefer",
        }
        .to_owned(),
    );
    if url.host.as_deref().is_none_or(str::is_empty) {
        return Err("the connection string names no Server".to_owned());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use crate::config::{TlsMode, target_from_url_with_env};

    fn parse(text: &str) -> Result<crate::config::TargetConfig, String> {
        target_from_url_with_env(text, &Default::default(), &|_| None).map_err(|e| e.to_string())
    }

    #[test]
    fn ado_connection_strings() {
        let t = parse("Server=tcp:db1.example.com,14330;Database=app;User Id=monitor;Password={p;w=1};Encrypt=True;TrustServerCertificate=False").unwrap();
        assert_eq!(
            (t.engine.key(), t.host.as_str(), t.port, t.database.as_str()),
            ("mssql", "db1.example.com", 14330, "app")
        );
        assert_eq!((t.username.as_str(), t.password.expose()), ("monitor", "p;w=1"));
        assert_eq!(t.tls.mode, TlsMode::VerifyFull);
        let named = parse(
            "Data Source=db2\\SQLEXPRESS; Initial Catalog=master; UID=m; PWD=x; TrustServerCertificate=yes",
        )
        .unwrap();
        assert_eq!(
            (named.host.as_str(), named.port, named.tls.mode),
            ("db2\\SQLEXPRESS", 1433, TlsMode::Require)
        );
        let err = parse("Server=db1;Integrated Security=SSPI").unwrap_err();
        assert!(err.contains("SQL login"), "{err}");
        let err = parse("Server=db1;Password=secret-1;Encrypt=sometimes").unwrap_err();
        assert!(err.contains("Encrypt must be") && !err.contains("secret-1"), "{err}");
        assert!(parse("Server=db1;Encrypt=Strict").unwrap_err().contains("strict_encryption"));
        assert!(parse("Server=db1;Frobnicate=1").unwrap_err().contains("frobnicate"));
        assert!(parse("just some words").is_err(), "not a connection string and not a URL");
    }

    #[test]
    fn urls_with_driver_parameters() {
        let t =
            parse("sqlserver://monitor:pw@db1:1433/app?encrypt=true&trustServerCertificate=true").unwrap();
        assert_eq!(t.tls.mode, TlsMode::Require);
        let t = parse("mssql://monitor:pw@db1/app?instance=SQLEXPRESS").unwrap();
        assert_eq!(t.host, "db1\\SQLEXPRESS");
        let t = parse("mssql://monitor:pw@db1/app").unwrap();
        assert_eq!((t.port, t.tls.mode), (1433, TlsMode::Prefer));
        assert!(parse("mssql://m:pw@db1/app?frob=1").unwrap_err().contains("unsupported URL parameter"));
    }
}
