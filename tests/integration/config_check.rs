//! `logstag config check` on the real binary: valid files pass, every invalid file
//! fails with exit code 2 and names the file, a line and the key.

use std::path::Path;
use std::process::Command;

fn check(file: &Path) -> (Option<i32>, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_logstag")).args(["config", "check"]).arg(file).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/configs").join(dir);
    let mut v: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

#[test]
fn valid_configs_and_the_example_pass() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    for f in files("valid").into_iter().chain([example]) {
        let (code, stdout, stderr) = check(&f);
        assert_eq!(code, Some(0), "{}: {stderr}", f.display());
        assert!(stdout.contains("OK"), "{stdout}");
    }
}

#[test]
fn invalid_configs_exit_2_naming_file_line_and_key() {
    let invalid = files("invalid");
    assert!(invalid.len() >= 8);
    for f in invalid {
        let (code, _, stderr) = check(&f);
        assert_eq!(code, Some(2), "{}", f.display());
        let first = stderr.lines().next().unwrap_or_default();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        // path:line:column: key: message
        let mut parts = first.splitn(5, ':');
        let (path, line, col, key) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert!(path.unwrap_or_default().ends_with(&name), "{first}");
        assert!(line.unwrap_or_default().parse::<usize>().unwrap_or(0) >= 1, "{first}");
        assert!(col.unwrap_or_default().parse::<usize>().is_ok(), "{first}");
        assert!(!key.unwrap_or_default().trim().is_empty(), "{first}");
    }
}

#[test]
fn missing_file_is_a_clear_error() {
    let (code, _, stderr) = check(Path::new("/nonexistent/logstag.toml"));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("/nonexistent/logstag.toml"), "{stderr}");
}

#[test]
fn a_config_without_targets_is_an_error_for_check_and_agent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.toml");
    std::fs::write(&file, "[agent]\nlog_level = \"info\"\n").unwrap();
    let (code, _, stderr) = check(&file);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("empty.toml:1:1: targets: no targets"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["agent", "--foreground", "--config"])
        .arg(&file)
        .env("STATE_DIRECTORY", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no targets"));
}

/// A hostile key name in a configuration, and a hostile field in a template, come back in
/// the error messages neutralised: no escape sequence or bidirectional override reaches
/// the terminal through `config check` or `templates check`.
#[test]
fn hostile_names_reach_config_and_template_checks_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("hostile.toml");
    // Escapes as TOML and YAML write them: ESC ]0;pwned BEL (retitles the terminal),
    // ESC [2J (clears it), U+202E (reverses what follows).
    let hostile = r"\u001B]0;pwned\u0007\u001B[2J\u202Egnp";
    let text = format!(
        "[targets.t]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n\"{hostile}\" = 1\n"
    );
    std::fs::write(&config, text).unwrap();
    let (code, stdout, stderr) = check(&config);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown key"), "the hostile key is reported: {stderr}");
    for out in [&stdout, &stderr] {
        assert!(!out.contains(['\u{1b}', '\u{7}', '\u{202e}']), "raw control or bidi text: {out:?}");
    }

    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("alert-templates/postgresql/deadlocks.yaml");
    let template = std::fs::read_to_string(base)
        .unwrap()
        .replace("code: pg.deadlocks", "code: hostile.rule")
        .replace("metric: deadlocks_per_s", &format!("metric: \"{hostile}\""));
    std::fs::write(templates.join("h.yaml"), template).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["templates", "check"])
        .arg(&templates)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no engine produces a metric named"), "{stderr}");
    for out in [&stdout, &stderr] {
        assert!(!out.contains(['\u{1b}', '\u{7}', '\u{202e}']), "raw control or bidi text: {out:?}");
    }
}
