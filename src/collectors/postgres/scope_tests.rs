//! `scope` as the configuration file and URLs give it.

use super::scope::{DATABASE, OPTION, Scope};
use crate::config::{Config, parse_str, target_from_url_with_env};
use std::path::Path;

fn from_url(url: &str) -> Result<crate::config::TargetConfig, String> {
    target_from_url_with_env(url, &Config::default(), &|_| None).map_err(|e| e.to_string())
}

fn file(scope_line: &str) -> String {
    format!(
        "[targets.app]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n\
         db_username = \"m\"\n\n[targets.app.postgresql]\n{scope_line}\n"
    )
}

#[test]
fn a_url_parameter_sets_the_scope() {
    let t = from_url("postgresql://m@h/app?scope=DATABASE").unwrap();
    assert_eq!(t.options.text(OPTION), DATABASE);
    assert_eq!(Scope::of(&t), Scope::Database);
    let plain = from_url("postgresql://m@h/app").unwrap();
    assert_eq!(plain.options.text(OPTION), "", "unset until the fleet rule decides");
    let err = from_url("postgresql://m@h/app?scope=server").unwrap_err();
    assert!(err.contains("expected one of cluster, database, found `server`"), "{err}");
}

#[test]
fn the_file_key_is_checked_against_its_words() {
    let config = parse_str(&file("scope = \"Database\""), Path::new("c.toml")).unwrap();
    assert_eq!(config.targets[0].options.text(OPTION), DATABASE);
    let errors = parse_str(&file("scope = \"all\""), Path::new("c.toml")).unwrap_err().to_string();
    assert!(errors.contains("targets.app.postgresql.scope: expected one of cluster, database"), "{errors}");
    let errors = parse_str(&file("scop = \"cluster\""), Path::new("c.toml")).unwrap_err().to_string();
    assert!(errors.contains("did you mean `scope`?"), "{errors}");
}
