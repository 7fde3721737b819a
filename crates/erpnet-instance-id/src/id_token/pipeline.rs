//! The signature phase: a parsed token, what must be verified, and the proof that it was.
//!
//! [`UnverifiedIdToken::parse`] reads only the header; [`UnverifiedIdToken::signature_check`]
//! applies the algorithm and key rules; [`SignatureCheck::verify`] (or `verify_async`) turns a
//! verified signature into a [`VerifiedIdToken`], whose payload only the claim rules read.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::IdTokenError;
use crate::algorithm::JwsAlgorithm;
use crate::jwks::{Jwk, JwkSet, KeyChoiceError};
use crate::jws::{check_inputs, AsyncSignatureVerifier, SignatureError, SignatureVerifier};
use crate::token::IdToken;

#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<Value>,
}

/// A parsed, not yet verified ID token. Only its header can be read.
///
/// `Debug` shows the header's `alg` and `kid`, never the token.
pub struct UnverifiedIdToken<'t> {
    signing_input: &'t str,
    payload: Vec<u8>,
    signature: Vec<u8>,
    alg: String,
    kid: Option<String>,
}

fn b64(part: &str, reason: &'static str) -> Result<Vec<u8>, IdTokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| IdTokenError::Malformed { reason })
}

impl<'t> UnverifiedIdToken<'t> {
    /// Splits the compact JWS `header.payload.signature` and reads the header.
    pub fn parse(token: &'t IdToken) -> Result<Self, IdTokenError> {
        let raw = token.secret();
        let parts: Vec<&str> = raw.split('.').collect();
        // 3.1.3.7 rule 1: an encrypted ID token (JWE, five parts) would have to be decrypted;
        // this client registers no encryption key, so it is refused.
        if parts.len() == 5 {
            return Err(IdTokenError::Encrypted);
        }
        let [header, payload, signature] = parts[..] else {
            return Err(IdTokenError::Malformed {
                reason: "not three dot-separated parts",
            });
        };
        let signing_input = &raw[..header.len() + 1 + payload.len()];
        let header_bytes = b64(header, "header is not base64url")?;
        let payload = b64(payload, "payload is not base64url")?;
        let signature = b64(signature, "signature is not base64url")?;
        let header: JoseHeader =
            serde_json::from_slice(&header_bytes).map_err(IdTokenError::InvalidHeader)?;
        if header.crit.is_some() {
            return Err(IdTokenError::CriticalHeader);
        }
        Ok(UnverifiedIdToken {
            signing_input,
            payload,
            signature,
            alg: header.alg,
            kid: header.kid,
        })
    }

    /// The header's `alg`, as written (not yet trusted).
    pub fn alg(&self) -> &str {
        &self.alg
    }

    /// The header's `kid`, if any (not yet trusted).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Applies the algorithm and key rules and states what must be verified.
    ///
    /// `allowed` is the list of accepted algorithms, normally
    /// [`allowed_algorithms`](crate::allowed_algorithms)`(metadata.id_token_signing_alg_values_supported)`. The header is
    /// never trusted: the algorithm must be allowed, and the key comes from `jwks` only (by
    /// `kid`; without `kid`, the single key that fits). Embedded `jwk`, `jku`, `x5u` and `x5c`
    /// header parameters are ignored.
    pub fn signature_check<'c>(
        &'c self,
        jwks: &'c JwkSet,
        allowed: &[JwsAlgorithm],
    ) -> Result<SignatureCheck<'c>, IdTokenError> {
        // 3.1.3.7 rule 7: the algorithm must be one this client accepts: the allow-list
        // (RS256, PS256, ES256) intersected with what discovery advertises.
        // Rule 8: MAC-based algorithms (HS*) would need a client secret; a public client has
        // none, so they are refused, as is `none`.
        let alg = classify_alg(&self.alg, allowed)?;
        // Rule 6 (key part): the key must be the issuer's, chosen by `kid`.
        let key = jwks.choose(self.kid.as_deref(), alg).map_err(|e| match e {
            KeyChoiceError::UnknownKid(kid) => IdTokenError::UnknownKid { kid },
            KeyChoiceError::KidNotUsable(kid) => IdTokenError::KeyNotUsable { kid, alg },
            KeyChoiceError::NoCandidate => IdTokenError::NoSuitableKey { alg },
            KeyChoiceError::Ambiguous(candidates) => IdTokenError::AmbiguousKey { alg, candidates },
        })?;
        // Rule 6 (shape part): key strength and signature length, whatever verifies next.
        check_inputs(alg, key, &self.signature).map_err(IdTokenError::Signature)?;
        Ok(SignatureCheck {
            alg,
            key,
            token: self,
        })
    }
}

pub(super) fn classify_alg(
    alg: &str,
    allowed: &[JwsAlgorithm],
) -> Result<JwsAlgorithm, IdTokenError> {
    if alg.eq_ignore_ascii_case("none") {
        return Err(IdTokenError::AlgNone);
    }
    // Byte-wise: `alg` comes from outside and may start with a multi-byte character, where a
    // `str` slice at 2 would panic.
    if alg.len() >= 2 && alg.as_bytes()[..2].eq_ignore_ascii_case(b"HS") {
        return Err(IdTokenError::AlgHmac {
            alg: alg.to_owned(),
        });
    }
    match JwsAlgorithm::from_name(alg) {
        None => Err(IdTokenError::AlgUnsupported {
            alg: alg.to_owned(),
        }),
        Some(a) if !allowed.contains(&a) => Err(IdTokenError::AlgNotAdvertised {
            alg: alg.to_owned(),
        }),
        Some(a) => Ok(a),
    }
}

/// Exactly what must be verified for one token: algorithm, key, signing input, signature.
/// Obtained from [`UnverifiedIdToken::signature_check`]; its values cannot be changed.
///
/// `Debug` shows the algorithm and the key's `kid`, never the token.
pub struct SignatureCheck<'c> {
    alg: JwsAlgorithm,
    key: &'c Jwk,
    token: &'c UnverifiedIdToken<'c>,
}

impl<'c> SignatureCheck<'c> {
    /// The algorithm to verify with.
    pub fn alg(&self) -> JwsAlgorithm {
        self.alg
    }

    /// The issuer's key to verify with.
    pub fn key(&self) -> &'c Jwk {
        self.key
    }

    /// The signed bytes: `base64url(header) "." base64url(payload)`, as received.
    pub fn signing_input(&self) -> &'c [u8] {
        self.token.signing_input.as_bytes()
    }

    /// The signature bytes (for ES256, `r || s`, 64 bytes).
    pub fn signature(&self) -> &'c [u8] {
        &self.token.signature
    }

    /// Rule 6: verifies with a synchronous verifier; on success, the proof.
    pub fn verify(
        self,
        verifier: &dyn SignatureVerifier,
    ) -> Result<VerifiedIdToken<'c>, IdTokenError> {
        let outcome = verifier.verify(self.alg, self.key, self.signing_input(), self.signature());
        self.conclude(outcome)
    }

    /// Rule 6 with an asynchronous verifier (e.g. WebCrypto); on success, the proof.
    pub async fn verify_async(
        self,
        verifier: &impl AsyncSignatureVerifier,
    ) -> Result<VerifiedIdToken<'c>, IdTokenError> {
        let outcome = verifier
            .verify_async(self.alg, self.key, self.signing_input(), self.signature())
            .await;
        self.conclude(outcome)
    }

    /// Turns the verifier's answer into the proof. Private: only [`Self::verify`] and
    /// [`Self::verify_async`] have an answer from a verifier for exactly these inputs.
    fn conclude(
        self,
        outcome: Result<(), SignatureError>,
    ) -> Result<VerifiedIdToken<'c>, IdTokenError> {
        outcome.map_err(IdTokenError::Signature)?;
        Ok(VerifiedIdToken {
            alg: self.alg,
            token: self.token,
        })
    }
}

/// Proof that a token's signature verified under the issuer's key. Constructed only by
/// [`SignatureCheck::verify`] and [`SignatureCheck::verify_async`]; the only way to claims,
/// which [`IdTokenVerifier`](crate::IdTokenVerifier) reads through it.
///
/// `Debug` shows the algorithm, never the token.
pub struct VerifiedIdToken<'c> {
    alg: JwsAlgorithm,
    token: &'c UnverifiedIdToken<'c>,
}

impl VerifiedIdToken<'_> {
    /// The algorithm the signature verified with.
    pub fn alg(&self) -> JwsAlgorithm {
        self.alg
    }

    /// The payload as a JSON object (only after the signature verified).
    pub(super) fn payload(&self) -> Result<Map<String, Value>, IdTokenError> {
        serde_json::from_slice(&self.token.payload).map_err(IdTokenError::InvalidPayload)
    }
}

impl fmt::Debug for UnverifiedIdToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnverifiedIdToken")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("token", &format_args!("[redacted]"))
            .finish()
    }
}

impl fmt::Debug for SignatureCheck<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureCheck")
            .field("alg", &self.alg)
            .field("kid", &self.key.kid)
            .field("token", &format_args!("[redacted]"))
            .finish()
    }
}

impl fmt::Debug for VerifiedIdToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedIdToken")
            .field("alg", &self.alg)
            .field("token", &format_args!("[redacted]"))
            .finish()
    }
}
