//! `logstag encrypt` and encrypted config values on the real binary. Each child gets its
//! own `LOGSTAG_HOST_KEY_FILE`, standing in for "this host" and "another host"; the test
//! process's own environment is never changed.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "pg-Pass 42!";
const API_KEY: &str = "lsk_0123456789abcdefghijklmnopqrstuv";

fn logstag(host_key: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(args)
        .env("LOGSTAG_HOST_KEY_FILE", host_key)
        .env_remove("LOGSTAG_CONFIG")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn encrypted_values_pass_the_check_here_and_fail_on_another_host() {
    let dir = tempfile::tempdir().unwrap();
    let (here, elsewhere) = (dir.path().join("here.key"), dir.path().join("elsewhere.key"));
    std::fs::write(&here, b"0123456789abcdef0123456789abcdef").unwrap();
    std::fs::write(&elsewhere, b"fedcba9876543210fedcba9876543210").unwrap();

    // The value arrives on stdin, as the help recommends; one line, newline stripped.
    let out = logstag(&here, &["encrypt"], Some(&format!("{PASSWORD}\n")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let password = text(&out.stdout).trim().to_owned();
    assert!(password.starts_with("enc:v1:") && !password.contains(PASSWORD), "{password}");
    let out = logstag(&here, &["encrypt", "-"], Some(API_KEY));
    let api_key = text(&out.stdout).trim().to_owned();
    assert!(api_key.starts_with("enc:v1:"), "{api_key}");

    let config = dir.path().join("agent.toml");
    let body = format!(
        "[agent]\napi_key = \"{api_key}\"\n\n[targets.prod]\ndb_engine = \"postgresql\"\n\
         db_host = \"db1\"\ndb_port = 5432\ndb_password = \"{password}\"\n"
    );
    std::fs::write(&config, body).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let path = config.to_str().unwrap();

    let out = logstag(&here, &["config", "check", path], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("OK, 1 target(s)"));
    assert_eq!(text(&out.stderr), "", "no warning for a 0600 file");
    let out = logstag(&here, &["--check-config", "--config", path], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    for args in [&["config", "check", path][..], &["--check-config", "--config", path][..]] {
        let out = logstag(&elsewhere, args, None);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        let first = format!("{path}:2:11: agent.api_key: this value was encrypted on another host");
        assert!(stderr.starts_with(&first), "{stderr}");
        assert!(stderr.contains(":8:15: targets.prod.db_password: this value was encrypted on another host"));
        assert!(stderr.contains("run `logstag encrypt` on this host"), "{stderr}");
        let shown = format!("{stderr}{}", text(&out.stdout));
        for secret in [PASSWORD, API_KEY, &password[7..], &api_key[7..]] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

#[test]
fn a_config_with_secrets_readable_by_others_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("host.key");
    std::fs::write(&key, b"some host").unwrap();
    let config = dir.path().join("open.toml");
    let target = "[targets.db]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n";
    std::fs::write(&config, format!("[agent]\napi_key = \"{API_KEY}\"\n{target}")).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = logstag(&key, &["config", "check", config.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("open.toml") && stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains(API_KEY));
}

#[test]
fn encrypt_refuses_empty_input_and_tampered_values_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("host.key");
    std::fs::write(&key, b"some host").unwrap();
    let out = logstag(&key, &["encrypt"], Some("\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("empty"), "{}", text(&out.stderr));
    // A pasted block is refused, not cut at its first line.
    let out = logstag(&key, &["encrypt"], Some("first\nsecond\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("more than one line"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty());

    let out = logstag(&key, &["encrypt", "s3cret"], None);
    let mut value = text(&out.stdout).trim().to_owned();
    let last = value.pop().unwrap();
    value.push(if last == 'A' { 'B' } else { 'A' });
    let config = dir.path().join("t.toml");
    std::fs::write(&config, format!("[alerts]\nslack_webhook = \"{value}\"\n")).unwrap();
    let out = logstag(&key, &["config", "check", config.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(":2:17: alerts.slack_webhook: the encrypted value is corrupted or was altered"),
        "{stderr}"
    );
    assert!(!stderr.contains(&value[7..]) && !stderr.contains("s3cret"), "{stderr}");
}
