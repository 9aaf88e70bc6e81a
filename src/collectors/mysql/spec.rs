//! MySQL and MariaDB as the rest of Logstag sees them: one entry (the server says which
//! it is, and the target shows it), URLs, local discovery, collector, checks, templates.

use super::MysqlCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{DatabaseRule, TargetConfig, TlsMode, UrlDialect, UrlParts, UrlRules};
use crate::model::EngineKind;

pub static SPEC: EngineSpec = EngineSpec {
    kind: EngineKind::new("mysql"),
    name: "MySQL",
    config_names: &["mysql", "mariadb"],
    url_schemes: &["mysql", "mariadb"],
    default_port: 3306,
    url: UrlRules {
        dialect: Some(&MYSQL_CLIENT),
        database: DatabaseRule::Name,
        tls_schemes: &[],
        default_tls: TlsMode::Prefer,
    },
    options: &[],
    discovery: &[
        Probe::Environment(&["MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT"]),
        // Debian/Ubuntu (both spellings), RHEL/Fedora, source builds and Homebrew.
        Probe::SocketFiles {
            paths: &[
                "/run/mysqld/mysqld.sock",
                "/var/run/mysqld/mysqld.sock",
                "/var/lib/mysql/mysql.sock",
                "/tmp/mysql.sock",
            ],
            port: 3306,
        },
        Probe::Tcp { host: "127.0.0.1", port: 3306 },
    ],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "mysql",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &super::metric::ALL,
    normalize,
    cancel: |s| format!("KILL QUERY {};", s.id),
    terminate: |s| format!("KILL {};", s.id),
    present: &super::present::PRESENTATION,
    plan: None,
    fleet_defaults: None,
};

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(MysqlCollector::new(target), target, mode, handles)
}

/// The mysql client's URL parameters and environment variables. A socket is given as
/// `?socket=/run/mysqld/mysqld.sock` and becomes the target's host (a path).
static MYSQL_CLIENT: UrlDialect = UrlDialect {
    params: &["socket", "ssl-mode", "ssl_mode", "ssl-ca", "ssl_ca", "connect_timeout"],
    param: mysql_param,
    env: mysql_env,
    connection_string: None,
};

fn mysql_param(url: &mut UrlParts, name: &str, value: String) -> Result<(), String> {
    match name {
        "socket" => {
            if !value.starts_with('/') {
                return Err(format!("socket must be an absolute path, found `{value}`"));
            }
            url.host = Some(value);
        }
        "ssl-mode" | "ssl_mode" => url.sslmode = Some(ssl_mode_word(&value)?.to_owned()),
        "ssl-ca" | "ssl_ca" => url.ca_file = Some(value),
        "connect_timeout" => match value.parse::<u64>() {
            Ok(secs) if secs > 0 => url.connect_timeout = Some(std::time::Duration::from_secs(secs)),
            _ => return Err(format!("connect_timeout must be a whole number of seconds, found `{value}`")),
        },
        other => {
            return Err(format!(
                "unsupported URL parameter `{other}`; accepted: {}",
                MYSQL_CLIENT.params.join(", ")
            ));
        }
    }
    Ok(())
}

/// The mysql client's `--ssl-mode` words as Logstag's TLS modes.
fn ssl_mode_word(value: &str) -> Result<&'static str, String> {
    Ok(match value.to_ascii_uppercase().as_str() {
        "DISABLED" => "disable",
        "PREFERRED" => "prefer",
        "REQUIRED" => "require",
        "VERIFY_CA" | "VERIFY_IDENTITY" => "verify-full",
        _ => {
            return Err(format!(
                "ssl-mode `{value}` is not one of: DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
            ));
        }
    })
}

/// The mysql client: `MYSQL_HOST`, `MYSQL_TCP_PORT`, `MYSQL_UNIX_PORT` (a socket, used
/// when no host is given), `MYSQL_PWD`; the user defaults to the login name, which is
/// what socket (peer) authentication expects.
fn mysql_env(url: &mut UrlParts, env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    if url.host.as_deref().is_none_or(str::is_empty) {
        url.host = env("MYSQL_HOST").or_else(|| env("MYSQL_UNIX_PORT").filter(|s| s.starts_with('/')));
    }
    if url.port.is_none()
        && let Some(p) = env("MYSQL_TCP_PORT")
    {
        url.port = Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("MYSQL_TCP_PORT must be 1 to 65535, found `{p}`"))?,
        );
    }
    url.password = url.password.take().or_else(|| env("MYSQL_PWD"));
    url.user = url.user.take().or_else(|| env("USER")).or_else(|| env("LOGNAME")).or_else(login_name);
    Ok(())
}

/// The effective user's login name from the password database (what the mysql client
/// uses when `USER` is not set, e.g. under sudo, cron or systemd).
fn login_name() -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    // SAFETY: `passwd` is plain data written by getpwuid_r; every pointer in it points
    // into `buf`, which outlives its use, and `result` is checked before reading.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(libc::geteuid(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned();
        (!name.is_empty()).then_some(name)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{TlsMode, target_from_url_with_env};

    fn parse(url: &str, env: &[(&str, &str)]) -> Result<crate::config::TargetConfig, String> {
        let env = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
        target_from_url_with_env(url, &Default::default(), &env).map_err(|e| e.to_string())
    }

    #[test]
    fn urls_read_like_the_mysql_client() {
        let t = parse("mariadb://monitor:pw@db1/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem", &[]).unwrap();
        assert_eq!((t.host.as_str(), t.port, t.database.as_str()), ("db1", 3306, "app"));
        assert_eq!(t.tls.mode, TlsMode::VerifyFull);
        let socket = parse("mysql://root@localhost/?socket=/run/mysqld/mysqld.sock", &[]).unwrap();
        assert_eq!(socket.host, "/run/mysqld/mysqld.sock");
        let from_env =
            parse("mysql://", &[("MYSQL_UNIX_PORT", "/tmp/mysql.sock"), ("USER", "root")]).unwrap();
        assert_eq!((from_env.host.as_str(), from_env.username.as_str()), ("/tmp/mysql.sock", "root"));
        assert_eq!(parse("mysql://h/?ssl_mode=disabled", &[]).unwrap().tls.mode, TlsMode::Disable);
        let err = parse("mysql://u:secret@h/?sslmode=on", &[]).unwrap_err();
        assert!(err.contains("unsupported URL parameter `sslmode`") && !err.contains("secret"), "{err}");
        assert!(parse("mysql://h/?socket=relative.sock", &[]).unwrap_err().contains("absolute path"));
        assert!(parse("mysql://h/?ssl-mode=MAYBE", &[]).unwrap_err().contains("VERIFY_IDENTITY"));
        assert!(!parse("mysql://h/", &[]).unwrap().username.is_empty(), "the login name is the default user");
    }
}

/// Query text as it may leave the host: MySQL reads `"…"` as a string (unless the server
/// runs with ANSI_QUOTES), which the shared SQL normaliser would keep as a quoted name.
/// Double-quoted strings become single-quoted ones first, so their values go too.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some('"') => {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                    } else {
                        quote = None;
                        out.push_str("'?'");
                    }
                }
                continue;
            }
            Some(q) => {
                out.push(c);
                if c == '\\' && q == '\'' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            None => {}
        }
        match c {
            '"' => quote = Some('"'),
            '\'' | '`' => {
                quote = Some(c);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if quote == Some('"') {
        out.push_str("'?'");
    }
    crate::forward::normalize::sql(&out)
}

#[cfg(test)]
mod normalize_tests {
    #[test]
    fn double_quoted_strings_are_values_and_backticks_are_names() {
        let n = super::normalize(
            r#"SELECT `note` FROM t WHERE name = "alice \"a\"" AND pw = 'x''y' AND id = 42"#,
        );
        assert!(!n.contains("alice") && !n.contains("x''y") && !n.contains("42"), "{n}");
        assert!(n.contains("`note`"), "{n}");
        assert!(!super::normalize(r#"SELECT "unterminated secret"#).contains("secret"));
    }
}
