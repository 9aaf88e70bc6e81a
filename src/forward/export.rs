//! `export_to_file`: every payload also written to `export_path` as JSON, for
//! debugging. The files are sensitive (query text, object and user names) but never hold
//! a secret: they are the request bodies, and the API key travels only in a header.

use std::path::{Path, PathBuf};

/// Writes `json` as `<dir>/logstag-<kind>-<name>.json`; failures are logged, never fatal.
pub fn write(dir: &Path, kind: &str, name: &str, json: &[u8]) -> Option<PathBuf> {
    let safe: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let path = dir.join(format!("logstag-{kind}-{safe}.json"));
    let written = std::fs::create_dir_all(dir).and_then(|()| write_private(&path, json));
    match written {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!("export_to_file: cannot write {}: {e}", path.display());
            None
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, json: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(json)
}

#[cfg(not(unix))]
fn write_private(path: &Path, json: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_private_file_per_payload() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = write(&dir.path().join("sub"), "metrics", "ab/../12", b"{}").unwrap();
        assert_eq!(path.file_name().unwrap(), "logstag-metrics-ab12.json");
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
