//! Per-request random values: `state`, `nonce`, the PKCE verifier (RFC 7636) and the pending
//! request that keeps them across the redirect.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::random::RandomSource;
use crate::return_path::sanitize_return_path;

fn random_b64url(rng: &mut dyn RandomSource) -> String {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `state` parameter: base64url of 32 random bytes (43 characters). Not secret on its own;
/// it binds the callback to the request this browser tab made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct State(String);

impl State {
    /// Draws a fresh value.
    pub fn generate(rng: &mut dyn RandomSource) -> Self {
        State(random_b64url(rng))
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `nonce` parameter: base64url of 32 random bytes (43 characters), echoed in the ID token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nonce(String);

impl Nonce {
    /// Draws a fresh value.
    pub fn generate(rng: &mut dyn RandomSource) -> Self {
        Nonce(random_b64url(rng))
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The RFC 7636 unreserved characters a verifier is made of.
pub const VERIFIER_ALPHABET: &[u8; 66] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// The length of a generated verifier.
pub const VERIFIER_LEN: usize = 64;

/// The PKCE `code_verifier`: one-shot and secret. Not `Clone`; `Debug` prints `[redacted]`.
///
/// It is `Serialize`/`Deserialize` because redirect mode keeps it in `sessionStorage` until the
/// callback; deserialising checks it again.
#[derive(Deserialize)]
#[serde(try_from = "String")]
pub struct PkceVerifier(String);

impl Serialize for PkceVerifier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A string that is not a valid PKCE verifier.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkceError {
    /// The length is outside 43..=128.
    #[error("a code verifier has 43 to 128 characters, not {0}")]
    Length(usize),
    /// A character outside the unreserved set.
    #[error("a code verifier may only contain A-Z a-z 0-9 - . _ ~")]
    Character,
}

impl PkceVerifier {
    /// Draws 64 characters from [`VERIFIER_ALPHABET`] with rejection sampling: a random byte
    /// `b` is used only when `b < 198` (3 × 66), as `ALPHABET[b % 66]`, so every character is
    /// equally likely (no modulo bias).
    pub fn generate(rng: &mut dyn RandomSource) -> Self {
        const LIMIT: u8 = (VERIFIER_ALPHABET.len() * 3) as u8;
        let mut out = String::with_capacity(VERIFIER_LEN);
        let mut buf = [0u8; 96];
        while out.len() < VERIFIER_LEN {
            rng.fill(&mut buf);
            for &b in &buf {
                if b < LIMIT && out.len() < VERIFIER_LEN {
                    out.push(char::from(
                        VERIFIER_ALPHABET[usize::from(b) % VERIFIER_ALPHABET.len()],
                    ));
                }
            }
        }
        PkceVerifier(out)
    }

    /// Wraps an existing verifier after checking it (43 to 128 unreserved characters).
    pub fn from_secret(secret: String) -> Result<Self, PkceError> {
        if !(43..=128).contains(&secret.len()) {
            return Err(PkceError::Length(secret.len()));
        }
        if !secret.bytes().all(|b| VERIFIER_ALPHABET.contains(&b)) {
            return Err(PkceError::Character);
        }
        Ok(PkceVerifier(secret))
    }

    /// The S256 `code_challenge`: base64url(SHA-256(verifier)), no padding.
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The verifier itself, for the token request only.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PkceVerifier {
    type Error = PkceError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        PkceVerifier::from_secret(value)
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

/// How long a pending request stays valid: 10 minutes.
pub const PENDING_LIFETIME_SECS: u64 = 600;

/// What the app keeps between the authorization request and the callback. One per request;
/// not `Clone` (it holds the one-shot verifier); delete it on use.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingRequest {
    /// The `state` sent.
    pub state: State,
    /// The `nonce` sent.
    pub nonce: Nonce,
    /// The PKCE verifier whose challenge was sent.
    pub verifier: PkceVerifier,
    /// Where in the app to go after sign-in (already sanitised).
    pub return_path: String,
    /// When the request was made (unix seconds).
    pub created_at: u64,
}

impl PendingRequest {
    /// Draws state, nonce and verifier; `return_path` goes through [`sanitize_return_path`].
    pub fn new(rng: &mut dyn RandomSource, now: u64, return_path: &str) -> Self {
        PendingRequest {
            state: State::generate(rng),
            nonce: Nonce::generate(rng),
            verifier: PkceVerifier::generate(rng),
            return_path: sanitize_return_path(return_path),
            created_at: now,
        }
    }

    /// Whether the request is too old to complete: at least [`PENDING_LIFETIME_SECS`] have
    /// passed, or `created_at` lies more than that in the future (a clock or storage problem).
    pub fn is_expired(&self, now: u64) -> bool {
        now >= self.created_at.saturating_add(PENDING_LIFETIME_SECS)
            || self.created_at > now.saturating_add(PENDING_LIFETIME_SECS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> impl FnMut(&mut [u8]) {
        let mut n = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                *b = n;
                n = n.wrapping_add(1);
            }
        }
    }

    #[test]
    fn rfc7636_appendix_b() {
        let v = PkceVerifier::from_secret("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into())
            .unwrap();
        assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifier_is_unbiased_and_well_formed() {
        let mut rng = counter();
        let v = PkceVerifier::generate(&mut rng);
        assert_eq!(v.secret().len(), VERIFIER_LEN);
        // Bytes 0..=63 map to the first 64 characters in order.
        assert_eq!(
            v.secret(),
            std::str::from_utf8(&VERIFIER_ALPHABET[..64]).unwrap()
        );
        // Bytes >= 198 are rejected, never mapped.
        let high = |buf: &mut [u8]| buf.fill(0xff);
        let mut calls = 0;
        let mut rng = |buf: &mut [u8]| {
            calls += 1;
            if calls < 3 {
                high(buf)
            } else {
                buf.fill(197)
            }
        };
        let v = PkceVerifier::generate(&mut rng);
        assert!(v.secret().bytes().all(|b| b == b'~'));
        assert_eq!(format!("{v:?}"), "PkceVerifier([redacted])");
    }

    #[test]
    fn from_secret_checks() {
        assert_eq!(
            PkceVerifier::from_secret("a".repeat(42)).unwrap_err(),
            PkceError::Length(42)
        );
        assert_eq!(
            PkceVerifier::from_secret("a".repeat(129)).unwrap_err(),
            PkceError::Length(129)
        );
        assert_eq!(
            PkceVerifier::from_secret(format!("{}+", "a".repeat(50))).unwrap_err(),
            PkceError::Character
        );
        assert!(PkceVerifier::from_secret("~".repeat(128)).is_ok());
    }

    #[test]
    fn state_and_nonce() {
        let mut rng = counter();
        let s = State::generate(&mut rng);
        let n = Nonce::generate(&mut rng);
        assert_eq!(s.as_str().len(), 43);
        assert_eq!(
            s.as_str(),
            URL_SAFE_NO_PAD.encode((0u8..32).collect::<Vec<_>>())
        );
        assert_ne!(s.as_str(), n.as_str());
    }

    #[test]
    fn pending_request_round_trip_and_expiry() {
        let p = PendingRequest::new(&mut counter(), 1_000, "//evil.example/");
        assert_eq!(p.return_path, "/");
        let json = serde_json::to_string(&p).unwrap();
        let back: PendingRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back.state, p.state);
        assert_eq!(back.verifier.secret(), p.verifier.secret());
        assert!(!p.is_expired(1_000));
        assert!(!p.is_expired(1_599));
        assert!(p.is_expired(1_600));
        assert!(!p.is_expired(500));
        assert!(p.is_expired(399));
        let tampered = json.replace(p.verifier.secret(), "short");
        assert!(serde_json::from_str::<PendingRequest>(&tampered).is_err());
        assert!(!format!("{p:?}").contains(p.verifier.secret()));
    }
}
