//! Encrypted values in whole config files, and the promise that no secret reaches an
//! error or a `Debug` print. The host key is always passed explicitly: no test here
//! touches `LOGSTAG_HOST_KEY_FILE`, so they cannot race each other.

use super::*;
use std::path::Path;

/// A host-key source backed by a temp file holding `material`.
struct TestHost {
    _dir: tempfile::TempDir,
    source: HostKeySource,
    key: HostKey,
}

fn host(material: &str) -> TestHost {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.key");
    std::fs::write(&path, material).unwrap();
    TestHost {
        _dir: dir,
        source: HostKeySource::File(path),
        key: HostKey::from_material(material.as_bytes()),
    }
}

fn file_with(password: &str, api_key: &str, cloud: &str, slack: &str) -> String {
    format!(
        "[agent]\napi_key = \"{api_key}\"\n\n[alerts]\nslack_webhook = \"{slack}\"\n\n\
         [targets.prod]\ndb_engine = \"postgresql\"\ndb_host = \"db1\"\ndb_port = 5432\n\
         db_username = \"monitor\"\ndb_password = \"{password}\"\ncloud_secret_key = \"{cloud}\"\n"
    )
}

#[test]
fn encrypted_values_load_as_their_plain_secrets() {
    let h = host("this host");
    let enc = |s: &str| encrypt(s, &h.key).unwrap();
    let slack = "https://hooks.slack.com/services/T/B/tok";
    let text = file_with(&enc("pg-pass"), &enc("api-key-0123"), &enc("cloud-sk"), &enc(slack));
    let config = parse_str_with(&text, Path::new("c.toml"), &h.source).unwrap();
    let target = &config.targets[0];
    assert_eq!(target.password.expose(), "pg-pass");
    assert_eq!(config.agent.api_key.as_ref().unwrap().expose(), "api-key-0123");
    assert_eq!(target.cloud.secret_key.as_ref().unwrap().expose(), "cloud-sk");
    assert_eq!(config.alerts.slack_webhook.as_ref().unwrap().expose(), slack);
    // Plain values keep working next to encrypted ones.
    let mixed = file_with("plain-pass", &enc("api-key-0123"), "plain-cloud", slack);
    let config = parse_str_with(&mixed, Path::new("c.toml"), &h.source).unwrap();
    assert_eq!(config.targets[0].password.expose(), "plain-pass");
}

#[test]
fn bad_values_point_at_the_line_and_never_show_the_value() {
    let (here, elsewhere) = (host("this host"), host("another host"));
    let foreign = encrypt("pg-pass", &elsewhere.key).unwrap();
    let mut tampered = encrypt("api-key-0123", &here.key).unwrap();
    tampered.replace_range(20..21, if &tampered[20..21] == "A" { "B" } else { "A" });
    let v2 = encrypt("cloud-sk", &here.key).unwrap().replacen("enc:v1:", "enc:v2:", 1);
    let text = file_with(&foreign, &tampered, &v2, "https://hooks.example/ok");
    let errors = parse_str_with(&text, Path::new("/etc/l.toml"), &here.source).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 3, "{errors}");
    assert!(
        lines[0].starts_with("/etc/l.toml:2:11: agent.api_key: the encrypted value is corrupted"),
        "{errors}"
    );
    assert!(lines[1].starts_with(
        "/etc/l.toml:12:15: targets.prod.db_password: this value was encrypted on another host"
    ));
    assert!(lines[2].starts_with(
        "/etc/l.toml:13:20: targets.prod.cloud_secret_key: unknown encryption format `enc:v2:`"
    ));
    let shown = format!("{errors} {errors:?}");
    for secret in ["pg-pass", "api-key-0123", "cloud-sk", &foreign[7..], &tampered[7..], &v2[7..]] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn a_host_without_a_key_reports_it_at_the_value() {
    let h = host("this host");
    let value = encrypt("pg-pass", &h.key).unwrap();
    let missing = HostKeySource::File(h._dir.path().join("absent.key"));
    let text = file_with(&value, "plain", "plain", "https://hooks.example/ok");
    let errors = parse_str_with(&text, Path::new("k.toml"), &missing).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!((e.line, e.key.as_str()), (12, "targets.prod.db_password"));
    assert!(e.message.contains("absent.key") && e.message.contains(HOST_KEY_ENV), "{e}");
}

#[test]
fn debug_of_a_parsed_config_shows_no_secret() {
    let h = host("this host");
    let slack = "https://hooks.slack.com/services/T/B/slacktoken";
    let text = file_with("hunter2", &encrypt("api-key-0123", &h.key).unwrap(), "cloud-sk", slack);
    let config = parse_str_with(&text, Path::new("c.toml"), &h.source).unwrap();
    let shown = format!("{config:?} {config:#?} {:?}", config.targets[0]);
    for secret in ["hunter2", "api-key-0123", "cloud-sk", "slacktoken"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("***"));
}

#[test]
fn a_wrongly_typed_secret_is_not_echoed() {
    let text = "[agent]\napi_key = 123456789\n[alerts]\nslack_webhook = \"http://hooks.example/tok987\"\n";
    let errors = parse_str_with(text, Path::new("t.toml"), &HostKeySource::Host).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    let shown = format!("{errors} {errors:?}");
    assert!(!shown.contains("123456789") && !shown.contains("tok987"), "{shown}");
}
