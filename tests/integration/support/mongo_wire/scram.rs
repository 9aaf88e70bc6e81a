//! SCRAM-SHA-256 (RFC 7677, RFC 5802) on the server side, as mongod runs it through
//! `saslStart`/`saslContinue` or the handshake's `speculativeAuthenticate`. The password
//! is used as given: SASLprep is the identity for the ASCII passwords the tests use.
//! A wrong password fails the proof check, exactly where a real server fails it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

pub const MECHANISM: &str = "SCRAM-SHA-256";
/// The driver refuses fewer than 4096; mongod's default for SHA-256 is 15000.
const ITERATIONS: u32 = 4096;
const SALT: &[u8] = b"logstag-wire-salt";

/// A login in progress on one connection, between the first and the final message.
pub struct Conversation {
    user: String,
    client_first_bare: String,
    server_first: String,
    nonce: String,
}

/// The client's first message (`n,,n=user,r=nonce`): the server's first reply and the
/// conversation to finish. `Err` when the message is not SCRAM.
pub fn start(payload: &[u8], server_nonce: &str) -> Result<(Conversation, String), String> {
    let message = std::str::from_utf8(payload).map_err(|_| "payload is not UTF-8")?;
    let bare = message.strip_prefix("n,,").ok_or("only the n,, GS2 header is supported")?;
    let user = attribute(bare, 'n').ok_or("no user name")?;
    let client_nonce = attribute(bare, 'r').ok_or("no client nonce")?;
    let nonce = format!("{client_nonce}{server_nonce}");
    let server_first = format!("r={nonce},s={},i={ITERATIONS}", STANDARD.encode(SALT));
    let conversation = Conversation {
        user: user.to_owned(),
        client_first_bare: bare.to_owned(),
        server_first: server_first.clone(),
        nonce,
    };
    Ok((conversation, server_first))
}

impl Conversation {
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The client's final message (`c=biws,r=nonce,p=proof`): the server's final message
    /// (`v=signature`) when the proof matches `password`, `Err` otherwise.
    pub fn finish(&self, payload: &[u8], password: &str) -> Result<String, String> {
        let message = std::str::from_utf8(payload).map_err(|_| "payload is not UTF-8")?;
        let (without_proof, proof) = message.rsplit_once(",p=").ok_or("no proof")?;
        if attribute(without_proof, 'r') != Some(self.nonce.as_str()) {
            return Err("nonce mismatch".into());
        }
        let proof = STANDARD.decode(proof).map_err(|_| "proof is not base64")?;
        let salted = salted_password(password.as_bytes(), SALT, ITERATIONS);
        let client_key = hmac(&salted, b"Client Key");
        let stored_key = Sha256::digest(&client_key).to_vec();
        let auth_message = format!("{},{},{without_proof}", self.client_first_bare, self.server_first);
        let client_signature = hmac(&stored_key, auth_message.as_bytes());
        let claimed_key: Vec<u8> = proof.iter().zip(&client_signature).map(|(p, s)| p ^ s).collect();
        if proof.len() != client_signature.len() || Sha256::digest(&claimed_key).to_vec() != stored_key {
            return Err("proof mismatch".into());
        }
        let server_key = hmac(&salted, b"Server Key");
        Ok(format!("v={}", STANDARD.encode(hmac(&server_key, auth_message.as_bytes()))))
    }
}

fn attribute(message: &str, key: char) -> Option<&str> {
    message.split(',').find_map(|part| part.strip_prefix(key)?.strip_prefix('='))
}

fn hmac(key: &[u8], input: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(input);
    mac.finalize().into_bytes().to_vec()
}

/// PBKDF2-HMAC-SHA-256 with one block of output (RFC 5802's Hi()).
fn salted_password(password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
    let mut block = salt.to_vec();
    block.extend(1u32.to_be_bytes());
    let mut u = hmac(password, &block);
    let mut out = u.clone();
    for _ in 1..iterations {
        u = hmac(password, &u);
        out.iter_mut().zip(&u).for_each(|(o, x)| *o ^= x);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677's example exchange, checked with its own nonces, salt and iterations.
    #[test]
    fn rfc_7677_vector() {
        let salt = STANDARD.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let salted = salted_password(b"pencil", &salt, 4096);
        let auth = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                    s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let server_key = hmac(&salted, b"Server Key");
        assert_eq!(
            STANDARD.encode(hmac(&server_key, auth.as_bytes())),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        );
    }
}
