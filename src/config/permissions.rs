//! A config file that holds secrets should be readable by its owner only (spec §7:
//! "config readable only by the service account and admins"). Encrypted values count:
//! anyone on this host who can read them can decrypt them (docs/secrets.md).

use super::Config;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A warning when `config` holds a secret and its file is open to group or others.
pub(crate) fn warning(path: &Path, config: &Config) -> Option<String> {
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    if mode & 0o077 == 0 || !holds_secrets(config) {
        return None;
    }
    let path = path.display();
    Some(format!(
        "{path}: holds secrets but is readable or writable by other users (mode {:04o}); \
         run `chmod 600 {path}`",
        mode & 0o7777
    ))
}

fn holds_secrets(config: &Config) -> bool {
    let set = |s: &Option<super::Secret>| s.as_ref().is_some_and(|s| !s.is_empty());
    set(&config.agent.api_key)
        || set(&config.alerts.slack_webhook)
        || config.targets.iter().any(|t| !t.password.is_empty() || set(&t.cloud.secret_key))
}

#[cfg(test)]
mod tests {
    use super::super::{HostKey, HostKeySource, encrypt, load_with};
    use super::*;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    const TARGET: &str = "[targets.t]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n";

    #[test]
    fn warns_for_0644_with_a_secret_and_not_for_0600() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("{TARGET}db_password = \"hunter2\"\n");
        let open = write(dir.path(), "open.toml", &text, 0o644);
        let config = load_with(&open, &HostKeySource::Host).unwrap();
        assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
        let w = &config.warnings[0];
        assert!(w.contains("open.toml") && w.contains("0644") && w.contains("chmod 600"), "{w}");
        assert!(!w.contains("hunter2"));
        let closed = write(dir.path(), "closed.toml", &text, 0o600);
        assert!(load_with(&closed, &HostKeySource::Host).unwrap().warnings.is_empty());
        let group_writable = write(dir.path(), "g.toml", &text, 0o620);
        assert_eq!(load_with(&group_writable, &HostKeySource::Host).unwrap().warnings.len(), 1);
    }

    #[test]
    fn encrypted_secrets_count_and_files_without_secrets_do_not_warn() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = write(dir.path(), "host.key", "this host", 0o600);
        let value = encrypt("hunter2", &HostKey::from_material(b"this host")).unwrap();
        let text = format!("[agent]\napi_key = \"{value}\"\n");
        let enc = write(dir.path(), "enc.toml", &text, 0o640);
        let keys = HostKeySource::File(key_file);
        assert_eq!(load_with(&enc, &keys).unwrap().warnings.len(), 1);
        let plain = write(dir.path(), "plain.toml", TARGET, 0o644);
        assert!(load_with(&plain, &keys).unwrap().warnings.is_empty());
    }
}
