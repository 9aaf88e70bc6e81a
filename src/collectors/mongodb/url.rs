//! How MongoDB targets are written on the command line: the driver's own connection
//! strings, `mongodb://user:pw@host:27017/db?authSource=admin&replicaSet=rs0` and
//! `mongodb+srv://cluster0.example.net/` (one host: a target is one server, or the set a
//! seed discovers with `directConnection=false`). Parameters map onto the
//! `[targets.<name>.mongodb]` table so a URL and a config file say the same things.

use crate::config::{UrlDialect, UrlParts};

pub static DIALECT: UrlDialect = UrlDialect {
    params: &[
        "authSource",
        "authMechanism",
        "replicaSet",
        "directConnection",
        "readPreference",
        "tls",
        "ssl",
        "tlsCAFile",
        "tlsCertificateKeyFile",
        "tlsInsecure",
        "tlsAllowInvalidCertificates",
        "connectTimeoutMS",
        "appName",
        "retryWrites",
        "w",
    ],
    param,
    env,
    connection_string: None,
};

fn option(url: &mut UrlParts, key: &'static str, value: String) {
    url.options.retain(|(_, k, _)| *k != key);
    url.options.push(("mongodb", key, value));
}

fn param(url: &mut UrlParts, name: &str, value: String) -> Result<(), String> {
    match name.to_ascii_lowercase().as_str() {
        "authsource" => option(url, "auth_source", value),
        "authmechanism" => option(url, "auth_mechanism", value),
        "replicaset" => option(url, "replica_set", value),
        "directconnection" => option(url, "direct_connection", value),
        "readpreference" => option(url, "read_preference", value),
        "tls" | "ssl" => {
            let on = parse_bool(&value, name)?;
            // tlsInsecure may have come first: keep its weaker mode when TLS is on.
            if !on {
                url.sslmode = Some("disable".to_owned());
            } else if url.sslmode.as_deref() != Some("require") {
                url.sslmode = Some("verify-full".to_owned());
            }
        }
        "tlscafile" => url.ca_file = Some(value),
        "tlscertificatekeyfile" => option(url, "tls_certificate_key_file", value),
        "tlsinsecure" | "tlsallowinvalidcertificates" => {
            if parse_bool(&value, name)? {
                url.sslmode = Some("require".to_owned());
            }
        }
        "connecttimeoutms" => match value.parse::<u64>() {
            Ok(ms) if ms > 0 => url.connect_timeout = Some(std::time::Duration::from_millis(ms)),
            _ => {
                return Err(format!(
                    "connectTimeoutMS must be a whole number of milliseconds, found `{value}`"
                ));
            }
        },
        // Logstag names its connection `logstag` and never writes.
        "appname" | "retrywrites" | "w" => {}
        other => {
            return Err(format!(
                "unsupported URL parameter `{other}`; accepted: {}",
                DIALECT.params.join(", ")
            ));
        }
    }
    Ok(())
}

/// `mongodb+srv://` names a DNS seed list, and the driver's rule is that it has no port.
fn env(url: &mut UrlParts, _env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    if url.scheme != "mongodb+srv" {
        return Ok(());
    }
    option(url, "srv", "true".to_owned());
    if url.port.is_some() {
        return Err("a mongodb+srv:// URL has no port (DNS gives the servers and their ports)".to_owned());
    }
    Ok(())
}

fn parse_bool(value: &str, name: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{name} must be true or false, found `{value}`")),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{TlsMode, target_from_url_with_env};

    fn parse(text: &str) -> Result<crate::config::TargetConfig, String> {
        target_from_url_with_env(text, &Default::default(), &|_| None).map_err(|e| e.to_string())
    }

    #[test]
    fn driver_parameters_land_in_the_option_table() {
        let t = parse("mongodb://mon:s%40cret@db1:27018/events?authSource=ops&replicaSet=rs0&directConnection=false&readPreference=secondaryPreferred").unwrap();
        assert_eq!(
            (t.engine.key(), t.host.as_str(), t.port, t.database.as_str()),
            ("mongodb", "db1", 27018, "events")
        );
        assert_eq!((t.username.as_str(), t.password.expose()), ("mon", "s@cret"));
        assert_eq!(t.options.text("mongodb.auth_source"), "ops");
        assert_eq!(t.options.text("mongodb.replica_set"), "rs0");
        assert_eq!(t.options.text("mongodb.read_preference"), "secondaryPreferred");
        assert!(!t.options.flag("mongodb.direct_connection"));
        assert_eq!(t.tls.mode, TlsMode::Prefer);
        let plain = parse("mongodb://localhost").unwrap();
        assert_eq!(plain.port, 27017);
        assert!(plain.options.flag("mongodb.direct_connection"));
        assert_eq!(plain.options.text("mongodb.read_preference"), "primaryPreferred");
    }

    #[test]
    fn srv_means_tls_and_no_port() {
        let t = parse("mongodb+srv://mon:pw@cluster0.example.net/?authSource=admin").unwrap();
        assert!(t.options.flag("mongodb.srv"));
        assert_eq!(t.tls.mode, TlsMode::VerifyFull);
        assert!(parse("mongodb+srv://cluster0.example.net:27017/").unwrap_err().contains("no port"));
    }

    #[test]
    fn tls_words_and_mistakes() {
        assert_eq!(parse("mongodb://h/?tls=true").unwrap().tls.mode, TlsMode::VerifyFull);
        assert_eq!(parse("mongodb://h/?tls=false").unwrap().tls.mode, TlsMode::Disable);
        assert_eq!(parse("mongodb://h/?tlsInsecure=true&tls=true").unwrap().tls.mode, TlsMode::Require);
        let ca = parse("mongodb://h/?tls=true&tlsCAFile=/etc/ca.pem").unwrap();
        assert_eq!(ca.tls.ca_file.as_deref(), Some(std::path::Path::new("/etc/ca.pem")));
        assert!(parse("mongodb://h/?readPreference=fastest").unwrap_err().contains("primaryPreferred"));
        assert!(parse("mongodb://h/?authMechanism=GSSAPI").unwrap_err().contains("SCRAM-SHA-256"));
        assert!(parse("mongodb://h/?compressors=zstd").unwrap_err().contains("unsupported URL parameter"));
        assert!(parse("mongodb://h/?directConnection=maybe").unwrap_err().contains("true or false"));
    }
}
