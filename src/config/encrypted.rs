//! `enc:v1:` values: secrets encrypted for this host by `logstag encrypt` (docs/secrets.md).
//!
//! `enc:v1:` + base64url (no padding) of
//! `host-key id (8) | salt (16) | nonce (12) | AES-256-GCM ciphertext + tag (16)`,
//! with key = Argon2id(host secret, salt) and the literal prefix as associated data, so
//! the version cannot be swapped without the tag failing.

use super::host_key::HostKey;
use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const PREFIX: &str = "enc:v1:";
const ID_LEN: usize = 8;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = ID_LEN + SALT_LEN + NONCE_LEN;

/// Argon2id cost, pinned rather than taken from the crate's defaults so a future argon2
/// release cannot silently change the key of values already written. These are today's
/// defaults (19 MiB, 2 passes, 1 lane; OWASP's minimum): 43 ms per value measured on
/// our shared 2-core box (`derivation_cost` below; argon2 is built optimised even in
/// debug builds), paid once per encrypted value at start-up.
const ARGON2_M_KIB: u32 = 19 * 1024;
const ARGON2_T: u32 = 2;
const ARGON2_P: u32 = 1;

/// Why an `enc:…` value could not be turned back into the secret. The messages never
/// contain the value, encrypted or not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error(
        "this value was encrypted on another host (or this host's key changed): run `logstag encrypt` on this host"
    )]
    OtherHost,
    #[error("the encrypted value is corrupted or was altered")]
    Corrupted,
    #[error(
        "unknown encryption format `enc:{0}:` (this logstag reads enc:v1:); run `logstag encrypt` with this version"
    )]
    UnknownVersion(String),
    #[error("{0}")]
    HostKey(String),
}

/// Whether a config value is meant to be decrypted: `enc:v<digits>:…`. Anything else,
/// including a password that happens to start with `enc:`, is a plain value.
pub fn is_encrypted(value: &str) -> bool {
    version_tag(value).is_some()
}

fn version_tag(value: &str) -> Option<&str> {
    let rest = value.strip_prefix("enc:")?;
    let (tag, _) = rest.split_once(':')?;
    let digits = tag.strip_prefix('v')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(tag)
}

/// Encrypts `plain` for the host whose key is `key`. Fails only when the system has no
/// randomness to give.
pub fn encrypt(plain: &str, key: &HostKey) -> Result<String, String> {
    let salt = <[u8; SALT_LEN]>::try_generate().map_err(|e| format!("no system randomness: {e}"))?;
    let nonce = Nonce::try_generate().map_err(|e| format!("no system randomness: {e}"))?;
    let cipher = cipher(key, &salt)?;
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: plain.as_bytes(), aad: PREFIX.as_bytes() })
        .map_err(|_| "encryption failed".to_owned())?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + sealed.len());
    bytes.extend_from_slice(&key.id());
    bytes.extend_from_slice(&salt);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Decrypts an `enc:v1:` value. `key` is called only once the value is well-formed, so
/// a mangled value is reported as such even on a host without a key.
pub fn decrypt(value: &str, key: impl FnOnce() -> Result<HostKey, String>) -> Result<String, DecryptError> {
    match version_tag(value) {
        Some("v1") => {}
        Some(other) => return Err(DecryptError::UnknownVersion(other.to_owned())),
        None => return Err(DecryptError::Corrupted),
    }
    let body = value.strip_prefix(PREFIX).ok_or(DecryptError::Corrupted)?;
    let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| DecryptError::Corrupted)?;
    if bytes.len() < HEADER_LEN + TAG_LEN {
        return Err(DecryptError::Corrupted);
    }
    let (id, rest) = bytes.split_at(ID_LEN);
    let (salt, rest) = rest.split_at(SALT_LEN);
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let key = key().map_err(DecryptError::HostKey)?;
    let nonce = Nonce::try_from(nonce).map_err(|_| DecryptError::Corrupted)?;
    let cipher = cipher(&key, salt).map_err(|_| DecryptError::Corrupted)?;
    let opened = cipher.decrypt(&nonce, Payload { msg: sealed, aad: PREFIX.as_bytes() });
    let same_host = id == key.id();
    match opened {
        // The tag held, so the key is ours; a different id means the id bytes were edited.
        Ok(plain) if same_host => String::from_utf8(plain).map_err(|_| DecryptError::Corrupted),
        Ok(_) => Err(DecryptError::Corrupted),
        Err(_) if same_host => Err(DecryptError::Corrupted),
        Err(_) => Err(DecryptError::OtherHost),
    }
}

fn cipher(key: &HostKey, salt: &[u8]) -> Result<Aes256Gcm, String> {
    let params = argon2::Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(32))
        .map_err(|e| format!("key derivation parameters: {e}"))?;
    let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut aes_key = [0u8; 32];
    kdf.hash_password_into(key.secret(), salt, &mut aes_key).map_err(|e| format!("key derivation: {e}"))?;
    Aes256Gcm::new_from_slice(&aes_key).map_err(|_| "bad key length".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str) -> HostKey {
        HostKey::from_material(name.as_bytes())
    }

    fn open(value: &str, key: &HostKey) -> Result<String, DecryptError> {
        decrypt(value, || Ok(key.clone()))
    }

    /// The raw bytes of a value, for editing one region.
    fn bytes_of(value: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(value.strip_prefix(PREFIX).unwrap()).unwrap()
    }

    fn value_of(bytes: &[u8]) -> String {
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    #[test]
    fn round_trip_and_layout() {
        let key = host("a");
        let value = encrypt("s3cr3t pässword", &key).unwrap();
        assert!(value.starts_with("enc:v1:"), "{value}");
        assert!(!value.contains('=') && !value.contains('+') && !value.contains('/'));
        assert_eq!(bytes_of(&value).len(), HEADER_LEN + "s3cr3t pässword".len() + TAG_LEN);
        assert_eq!(&bytes_of(&value)[..ID_LEN], &key.id());
        assert_eq!(open(&value, &key).unwrap(), "s3cr3t pässword");
        assert_eq!(open(&encrypt("", &key).unwrap(), &key).unwrap(), "");
    }

    #[test]
    fn two_encryptions_differ_in_salt_nonce_and_text() {
        let key = host("a");
        let (x, y) = (encrypt("same", &key).unwrap(), encrypt("same", &key).unwrap());
        assert_ne!(x, y);
        let (bx, by) = (bytes_of(&x), bytes_of(&y));
        assert_ne!(bx[ID_LEN..ID_LEN + SALT_LEN], by[ID_LEN..ID_LEN + SALT_LEN]);
        assert_ne!(bx[ID_LEN + SALT_LEN..HEADER_LEN], by[ID_LEN + SALT_LEN..HEADER_LEN]);
        assert_eq!(open(&x, &key).unwrap(), open(&y, &key).unwrap());
    }

    #[test]
    fn one_flipped_byte_in_any_region_is_corruption() {
        let key = host("a");
        let bytes = bytes_of(&encrypt("hunter2", &key).unwrap());
        let tag_start = bytes.len() - TAG_LEN;
        // id, salt, nonce, ciphertext, tag.
        for at in [0, ID_LEN + 3, ID_LEN + SALT_LEN + 1, HEADER_LEN + 2, tag_start + 5] {
            let mut edited = bytes.clone();
            edited[at] ^= 0x01;
            assert_eq!(open(&value_of(&edited), &key), Err(DecryptError::Corrupted), "byte {at}");
        }
    }

    #[test]
    fn mangled_text_is_corruption_without_touching_the_key() {
        let value = encrypt("hunter2", &host("a")).unwrap();
        let no_key = || Err("must not be asked".to_owned());
        let truncated = &value[..value.len() - 30];
        for bad in [&format!("{value}!"), truncated, "enc:v1:", "enc:v1:AAAA", "enc:v1:c2FsdA==:bm9uY2U="] {
            assert_eq!(decrypt(bad, no_key), Err(DecryptError::Corrupted), "{bad}");
        }
    }

    #[test]
    fn another_host_is_told_apart_from_corruption() {
        let value = encrypt("hunter2", &host("a")).unwrap();
        assert_eq!(open(&value, &host("b")), Err(DecryptError::OtherHost));
        let message = DecryptError::OtherHost.to_string();
        assert!(message.contains("another host") && message.contains("logstag encrypt"), "{message}");
    }

    #[test]
    fn unknown_versions_are_named_and_the_prefix_is_bound() {
        let value = encrypt("hunter2", &host("a")).unwrap();
        let v2 = value.replacen("enc:v1:", "enc:v2:", 1);
        let err = open(&v2, &host("a")).unwrap_err();
        assert_eq!(err, DecryptError::UnknownVersion("v2".into()));
        assert!(err.to_string().contains("enc:v2:"), "{err}");
        assert!(is_encrypted("enc:v17:x") && is_encrypted(&value));
        for plain in ["enc:", "enc:abc", "enc:vx:1", "encv1:", "hunter2", "enc:v:1"] {
            assert!(!is_encrypted(plain), "{plain}");
        }
    }

    #[test]
    fn messages_never_hold_the_value() {
        let value = encrypt("hunter2", &host("a")).unwrap();
        for err in
            [open(&value, &host("b")).unwrap_err(), open(&format!("{value}x"), &host("a")).unwrap_err()]
        {
            let text = format!("{err} {err:?}");
            assert!(!text.contains("hunter2") && !text.contains(&value[7..20]), "{text}");
        }
    }

    #[test]
    #[ignore = "prints the cost of one key derivation: cargo test --lib encrypted -- --ignored --nocapture"]
    fn derivation_cost() {
        let key = host("a");
        let start = std::time::Instant::now();
        let n = 5;
        for _ in 0..n {
            cipher(&key, &[7u8; SALT_LEN]).unwrap();
        }
        println!("one Argon2id derivation: {:.1} ms", start.elapsed().as_secs_f64() * 1e3 / f64::from(n));
    }
}
