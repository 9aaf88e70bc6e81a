//! What the driver needs to open the monitoring session, built from the target: the
//! connect string (EZConnect Plus with its own timeouts, TCPS when TLS is asked for, or
//! a tnsnames alias), the credentials, the call timeout of every statement and where the
//! Oracle client library is. The session itself is opened in `driver.rs` and names
//! itself `logstag` in `v$session.MODULE` (ACTION: the tier).

use crate::config::{Secret, TargetConfig, TlsMode};
use std::time::Duration;

/// The options read here (`[targets.<name>.oracle]`, declared in `spec.rs`).
pub mod option {
    pub const CLIENT_LIB_DIR: &str = "oracle.client_lib_dir";
    pub const TNS_NAME: &str = "oracle.tns_name";
    pub const WALLET_LOCATION: &str = "oracle.wallet_location";
    pub const DIAGNOSTICS_PACK: &str = "oracle.diagnostics_pack";
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub connect_string: String,
    pub user: String,
    pub password: Secret,
    /// OS or wallet authentication (`/` as user, no password).
    pub external_auth: bool,
    /// Every statement's limit on the server round trip (OCI call timeout).
    pub call_timeout: Duration,
    /// Where libclntsh.so is; empty: the loader's search (the executable's directory,
    /// LD_LIBRARY_PATH, ldconfig, $ORACLE_HOME/lib).
    pub client_lib_dir: String,
}

impl Settings {
    pub fn from_target(target: &TargetConfig) -> Settings {
        let external_auth = target.username.is_empty() || target.username == "/";
        Settings {
            connect_string: connect_string(target),
            user: if external_auth { String::new() } else { target.username.clone() },
            password: target.password.clone(),
            external_auth,
            call_timeout: target.query_timeout.max(Duration::from_secs(1)),
            client_lib_dir: target.options.text(option::CLIENT_LIB_DIR).to_owned(),
        }
    }
}

/// `[tcps://]host:port/service?connect_timeout=…&transport_connect_timeout=…`, or the
/// tnsnames alias when the target names one. The call timeout does not cover connect, so
/// the connect string carries the target's connect timeout itself (19c+ clients).
pub fn connect_string(target: &TargetConfig) -> String {
    let alias = target.options.text(option::TNS_NAME);
    if !alias.is_empty() {
        return alias.to_owned();
    }
    let tcps = matches!(target.tls.mode, TlsMode::Require | TlsMode::VerifyFull);
    let host = if target.host.contains(':') && !target.host.starts_with('[') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    let secs = target.connect_timeout.as_secs().max(1);
    let mut s = format!(
        "{}{host}:{}/{}?connect_timeout={secs}&transport_connect_timeout={}",
        if tcps { "tcps://" } else { "" },
        target.port,
        target.database,
        secs.min(3)
    );
    if tcps {
        s.push_str(if target.tls.mode == TlsMode::VerifyFull {
            "&ssl_server_dn_match=on"
        } else {
            "&ssl_server_dn_match=off"
        });
        let wallet = target.options.text(option::WALLET_LOCATION);
        if !wallet.is_empty() {
            s.push_str(&format!("&wallet_location={wallet}"));
        }
    }
    s
}

/// "19.22" (release and Release Update, as DBAs name a patch level; the full version is in
/// the instance facts): short enough for the Overview's version column.
pub fn short_version(info: &super::worker::ServerInfo) -> String {
    let mut parts = info.version.split('.');
    match (parts.next(), parts.next()) {
        (Some(major), Some(update)) if !major.is_empty() => format!("{major}.{update}"),
        _ => info.version.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::oracle::worker::ServerInfo;
    use crate::config::OptionValue;

    fn target() -> TargetConfig {
        TargetConfig {
            host: "db1.example.com".into(),
            port: 1521,
            database: "SALESPDB".into(),
            username: "logstag".into(),
            connect_timeout: Duration::from_secs(10),
            options: crate::config::EngineOptions::defaults(super::super::spec::OPTIONS),
            ..TargetConfig::default()
        }
    }

    #[test]
    fn ezconnect_plus_with_timeouts() {
        let t = target();
        assert_eq!(
            connect_string(&t),
            "db1.example.com:1521/SALESPDB?connect_timeout=10&transport_connect_timeout=3"
        );
        let mut tls = target();
        tls.tls.mode = TlsMode::VerifyFull;
        tls.port = 2484;
        tls.options.set("oracle", "wallet_location", OptionValue::Text("/etc/logstag/wallet".into()));
        assert_eq!(
            connect_string(&tls),
            "tcps://db1.example.com:2484/SALESPDB?connect_timeout=10&transport_connect_timeout=3\
             &ssl_server_dn_match=on&wallet_location=/etc/logstag/wallet"
        );
        let mut alias = target();
        alias.options.set("oracle", "tns_name", OptionValue::Text("SALES_DG".into()));
        assert_eq!(connect_string(&alias), "SALES_DG");
    }

    #[test]
    fn settings_never_hold_the_password_in_text() {
        let mut t = target();
        t.password = Secret::new("hunter2");
        let s = Settings::from_target(&t);
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!s.external_auth);
        t.username = "/".into();
        assert!(Settings::from_target(&t).external_auth);
    }

    #[test]
    fn release_names() {
        let v = |version: &str, major| short_version(&ServerInfo { version: version.into(), major });
        assert_eq!(v("19.22.0.0.0", 19), "19.22");
        assert_eq!(v("23.5.0.24.7", 23), "23.5");
        assert_eq!(v("", 0), "");
    }
}
