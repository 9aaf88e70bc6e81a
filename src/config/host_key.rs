//! The per-host secret that `enc:v1:` values are bound to (spec §1.6: "derived from
//! host-specific system properties", so a copied config file does not decrypt elsewhere).
//!
//! Where it comes from, first match wins:
//! 1. `LOGSTAG_HOST_KEY_FILE`: the bytes of that file (tests, containers, shared keys);
//! 2. `/etc/machine-id`, else `/var/lib/dbus/machine-id`;
//! 3. a generated 32-byte key file, mode 0600: `/var/lib/logstag/host.key` for root,
//!    otherwise `$XDG_STATE_HOME/logstag/host.key` or `~/.local/state/logstag/host.key`.
//!    `logstag encrypt` creates it; loading a config never does (a new key could not
//!    decrypt anything anyway).
//!
//! Whatever the source, the material goes through HMAC-SHA256 with a fixed domain
//! string, as machine-id(5) asks of applications: the raw machine id never becomes a key.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Overrides where the host secret comes from: a file whose bytes are the secret.
pub const HOST_KEY_ENV: &str = "LOGSTAG_HOST_KEY_FILE";
const MACHINE_ID_FILES: [&str; 2] = ["/etc/machine-id", "/var/lib/dbus/machine-id"];
const DOMAIN: &[u8] = b"logstag config secrets: host secret v1";
const ID_DOMAIN: &[u8] = b"logstag config secrets: host key id v1";
const GENERATED_KEY_LEN: usize = 32;

/// The host secret, normalised to 32 bytes. Never printed.
#[derive(Clone)]
pub struct HostKey {
    secret: [u8; 32],
}

impl fmt::Debug for HostKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostKey(***)")
    }
}

impl HostKey {
    /// Any non-empty material (a machine id, a key file's bytes) → the host secret.
    pub fn from_material(material: &[u8]) -> Self {
        Self { secret: hmac_sha256(material, DOMAIN) }
    }

    /// The password handed to the key derivation.
    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.secret
    }

    /// A cheap, one-way tag of the secret stored in every ciphertext, so a value from
    /// another host is told apart from a corrupted one without revealing anything.
    pub fn id(&self) -> [u8; 8] {
        let full = hmac_sha256(&self.secret, ID_DOMAIN);
        let mut id = [0u8; 8];
        id.copy_from_slice(&full[..8]);
        id
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return [0u8; 32];
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Why the host secret could not be had. Messages name files, never key bytes.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("cannot read the host key file {path} ({HOST_KEY_ENV}): {reason}")]
    Override { path: PathBuf, reason: String },
    #[error(
        "this host has no machine id and no key file at {0}: run `logstag encrypt` on this host \
         (as the user that runs Logstag) to create one"
    )]
    Missing(PathBuf),
    #[error("this host has no machine id and no state directory ($XDG_STATE_HOME or $HOME) for a key file")]
    NoStateDir,
    #[error("cannot use the host key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
}

/// Where to look for the host secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKeySource {
    /// `LOGSTAG_HOST_KEY_FILE` if set, else the machine id, else the generated key file.
    Host,
    /// The bytes of this file (what `LOGSTAG_HOST_KEY_FILE` points at).
    File(PathBuf),
}

impl HostKeySource {
    /// `File` when `LOGSTAG_HOST_KEY_FILE` is set and non-empty, else `Host`.
    pub fn from_env() -> Self {
        match std::env::var_os(HOST_KEY_ENV).filter(|v| !v.is_empty()) {
            Some(path) => Self::File(PathBuf::from(path)),
            None => Self::Host,
        }
    }

    /// Loads the secret; `create` makes the generated key file when the host has no
    /// machine id and no key file yet (only `logstag encrypt` asks for that).
    pub fn load(&self, create: bool) -> Result<HostKey, HostKeyError> {
        match self {
            Self::File(path) => read_override(path),
            Self::Host => {
                let machine_ids = MACHINE_ID_FILES.map(Path::new);
                load_host(&machine_ids, default_key_file().as_deref(), create)
            }
        }
    }
}

fn read_override(path: &Path) -> Result<HostKey, HostKeyError> {
    let fail = |reason: String| HostKeyError::Override { path: path.to_path_buf(), reason };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    if bytes.is_empty() {
        return Err(fail("the file is empty".to_owned()));
    }
    Ok(HostKey::from_material(&bytes))
}

/// The machine id if any file holds one, else the key file (made when `create`).
fn load_host(machine_ids: &[&Path], key_file: Option<&Path>, create: bool) -> Result<HostKey, HostKeyError> {
    for path in machine_ids {
        if let Ok(text) = std::fs::read_to_string(path) {
            let id = text.trim();
            if !id.is_empty() {
                return Ok(HostKey::from_material(id.as_bytes()));
            }
        }
    }
    let path = key_file.ok_or(HostKeyError::NoStateDir)?;
    let fail = |reason: String| HostKeyError::KeyFile { path: path.to_path_buf(), reason };
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() == GENERATED_KEY_LEN => Ok(HostKey::from_material(&bytes)),
        Ok(bytes) => Err(fail(format!("expected {GENERATED_KEY_LEN} bytes, found {}", bytes.len()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            create_key_file(path).map_err(|e| fail(e.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(HostKeyError::Missing(path.to_path_buf())),
        Err(e) => Err(fail(e.to_string())),
    }
}

fn create_key_file(path: &Path) -> std::io::Result<HostKey> {
    use aes_gcm::aead::Generate;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let bytes = <[u8; GENERATED_KEY_LEN]>::try_generate()
        .map_err(|e| std::io::Error::other(format!("no system randomness: {e}")))?;
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    // create_new: two `encrypt` runs racing must not overwrite each other's key.
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    Ok(HostKey::from_material(&bytes))
}

/// `/var/lib/logstag/host.key` for root (the agent as a system service), else the user's
/// Logstag state directory, next to the history.
fn default_key_file() -> Option<PathBuf> {
    if running_as_root() {
        return Some(PathBuf::from("/var/lib/logstag/host.key"));
    }
    super::default_history_path().and_then(|p| p.parent().map(|dir| dir.join("host.key")))
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn id_depends_on_the_secret_and_is_not_the_secret() {
        let a = HostKey::from_material(b"machine-a");
        let b = HostKey::from_material(b"machine-b");
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id(), HostKey::from_material(b"machine-a").id());
        assert_ne!(&a.secret()[..8], &a.id());
        assert_eq!(format!("{a:?}"), "HostKey(***)");
    }

    #[test]
    fn machine_id_wins_then_the_second_file() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("machine-id"), dir.path().join("dbus-machine-id"));
        std::fs::write(&second, "abc123\n").unwrap();
        let key = load_host(&[&first, &second], None, false).unwrap();
        assert_eq!(key.id(), HostKey::from_material(b"abc123").id());
        std::fs::write(&first, "  \n").unwrap();
        assert_eq!(load_host(&[&first, &second], None, false).unwrap().id(), key.id());
    }

    #[test]
    fn key_file_is_created_0600_only_when_asked_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("state/logstag/host.key");
        let none: [&Path; 0] = [];
        assert!(matches!(load_host(&none, Some(&key_file), false), Err(HostKeyError::Missing(_))));
        let made = load_host(&none, Some(&key_file), true).unwrap();
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load_host(&none, Some(&key_file), false).unwrap().id(), made.id());
        std::fs::write(&key_file, b"short").unwrap();
        let err = load_host(&none, Some(&key_file), true).unwrap_err().to_string();
        assert!(err.contains("expected 32 bytes"), "{err}");
    }

    #[test]
    fn override_file_must_exist_and_hold_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let err = HostKeySource::File(path.clone()).load(true).unwrap_err().to_string();
        assert!(err.contains(HOST_KEY_ENV) && err.contains("/k"), "{err}");
        std::fs::write(&path, b"").unwrap();
        assert!(HostKeySource::File(path.clone()).load(false).is_err());
        std::fs::write(&path, b"other host").unwrap();
        let key = HostKeySource::File(path).load(false).unwrap();
        assert_eq!(key.id(), HostKey::from_material(b"other host").id());
    }
}
