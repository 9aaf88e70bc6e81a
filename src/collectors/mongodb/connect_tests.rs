//! Options, facts and error words of connect.rs.

use super::*;
use crate::config::Secret;
use mongodb::options::ServerAddress;

fn target(mode: TlsMode) -> TargetConfig {
    let mut options = crate::config::EngineOptions::defaults(super::super::spec::OPTIONS);
    options.set("mongodb", "auth_source", crate::config::OptionValue::Text("ops".into()));
    TargetConfig {
        name: "m".into(),
        engine: super::super::spec::SPEC.kind,
        host: "db1".into(),
        port: 27018,
        username: "monitor".into(),
        password: Secret::new("pw"),
        tls: crate::config::TlsConfig { mode, ca_file: None },
        options,
        ..Default::default()
    }
}

#[tokio::test]
async fn options_name_the_connection_and_connect_directly() {
    let Ok(options) = driver_options(&target(TlsMode::VerifyFull)).await else {
        panic!("options");
    };
    assert_eq!(options.app_name.as_deref(), Some("logstag"));
    assert_eq!(options.direct_connection, Some(true));
    assert_eq!(options.hosts, vec![ServerAddress::Tcp { host: "db1".into(), port: Some(27018) }]);
    let credential = options.credential.unwrap_or_default();
    assert_eq!(credential.source.as_deref(), Some("ops"));
    assert!(matches!(options.tls, Some(Tls::Enabled(ref t)) if t.allow_invalid_certificates.is_none()));
    let Ok(disabled) = driver_options(&target(TlsMode::Disable)).await else { panic!("options") };
    assert!(matches!(disabled.tls, Some(Tls::Disabled)));
}

#[test]
fn facts_tell_router_member_and_standalone() {
    let build = doc! { "version": "7.0.14" };
    let router = ServerFacts::read(&doc! { "msg": "isdbgrid", "maxWireVersion": 21 }, &build);
    assert_eq!(
        (router.topology, router.major, router.minor, router.max_wire_version),
        (Topology::Router, 7, 0, 21)
    );
    let member =
        ServerFacts::read(&doc! { "setName": "rs0", "isWritablePrimary": false, "secondary": true }, &build);
    assert_eq!(member.topology, Topology::ReplicaSet { primary: false, arbiter: false });
    assert_eq!(ServerFacts::read(&doc! {}, &doc! {}).topology, Topology::Standalone);
}

#[test]
fn tls_fallback_only_when_the_server_speaks_none() {
    assert!(tls_not_spoken("network error: received corrupt message of type InvalidContentType"));
    assert!(!tls_not_spoken("invalid peer certificate: UnknownIssuer"));
}

/// The driver's words, recorded against the wire mock (tests/integration/mongo_wire.rs).
#[test]
fn selection_failures_keep_only_the_server_error() {
    let refused = "Server selection timeout: No available servers. Topology: { Type: Single, Servers: [ { \
                   Address: 127.0.0.1:39825, Type: Unknown, Error: Kind: I/O error: Connection refused (os \
                   error 111), labels: {\"RetryableError\", \"SystemOverloadedError\"}, source: None, server \
                   response: None } ] }";
    assert_eq!(selection_cause(refused), "I/O error: Connection refused (os error 111)");
    assert_eq!(selection_cause("Server selection timeout: no hosts"), "Server selection timeout: no hosts");
    assert!(tls_not_spoken("network error: tls handshake eof"));
}
