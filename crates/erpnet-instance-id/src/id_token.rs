//! ID token validation (OIDC Core 3.1.3.7), in two phases joined by a proof of signature.
//!
//! 1. [`UnverifiedIdToken::parse`] splits the compact JWS and reads only its header.
//! 2. [`UnverifiedIdToken::signature_check`] applies the algorithm and key rules and returns a
//!    [`SignatureCheck`]: the algorithm, the issuer's key, the signing input and the signature,
//!    i.e. exactly what must be verified.
//! 3. [`SignatureCheck::verify`] (synchronous [`SignatureVerifier`]) or
//!    [`SignatureCheck::conclude`] (the answer of an asynchronous verifier such as WebCrypto)
//!    turns a successful verification into a [`VerifiedIdToken`]. That type has private fields
//!    and no other constructor: it is the proof.
//! 4. [`VerifiedIdToken::validate_claims`] is the only way to read claims; it applies every
//!    claim rule. No path yields [`IdTokenClaims`] without a verified signature.
//!
//! [`validate_id_token`] runs the four steps with a synchronous verifier.
//!
//! The signature rules (3.1.3.7 rules 6–8) run before the claim rules (2–5, 9–13), not between
//! them as the specification lists them: so that no claim of an unverified payload is ever
//! read. Every rule is still applied, and each is marked with its number in the code.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::clock::{round_minutes, ClockOffset};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::algorithm::JwsAlgorithm;
use crate::jwks::{Jwk, JwkSet, KeyChoiceError};
use crate::jws::{check_inputs, AsyncSignatureVerifier, SignatureError, SignatureVerifier};
use crate::pkce::Nonce;
use crate::token::{AccessToken, IdToken};

/// The default clock leeway for `exp`, `nbf`, `iat` and `auth_time`: 60 seconds.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;

/// What the ID token must satisfy.
#[derive(Debug, Clone, Copy)]
pub struct IdTokenExpectations<'a> {
    /// The issuer (the provider metadata's `issuer`), compared byte for byte.
    pub issuer: &'a str,
    /// This client's id: must be among the audiences (and equal `azp` when present).
    pub client_id: &'a str,
    /// The nonce sent in the authorization request.
    pub nonce: &'a Nonce,
    /// Now, in unix seconds, by the device clock.
    pub now: u64,
    /// The estimated offset of the Instance ID's clock from the device's, applied to
    /// [`Self::now`] before the time rules (`exp`, `nbf`, `iat`, `auth_time`). Default
    /// [`ClockOffset::ZERO`].
    pub clock_offset: ClockOffset,
    /// Clock leeway in seconds ([`DEFAULT_LEEWAY_SECS`]).
    pub leeway: u64,
    /// The provider's `id_token_signing_alg_values_supported`; the accepted algorithms are
    /// those of [`JwsAlgorithm::ALL`] that it lists (see [`allowed_algorithms`]).
    pub advertised_algs: &'a [String],
    /// Audiences besides the client id that may appear in `aud`; any other audience is refused
    /// (OIDC Core 3.1.3.7 rule 3). Empty by default.
    pub trusted_audiences: &'a [String],
    /// The access token issued with the ID token, to check `at_hash` when present. When the
    /// token carries `at_hash` and this is `None`, validation fails.
    pub access_token: Option<&'a AccessToken>,
    /// The `max_age` sent in the authorization request, if any: `auth_time` is then required
    /// and must be recent enough (rule 13).
    pub max_age: Option<u64>,
}

impl<'a> IdTokenExpectations<'a> {
    /// Expectations with secure defaults: leeway 60 s, no clock offset, no extra trusted
    /// audience, no access token (set [`Self::access_token`] to check `at_hash`), no `max_age`.
    pub fn new(
        issuer: &'a str,
        client_id: &'a str,
        nonce: &'a Nonce,
        now: u64,
        advertised_algs: &'a [String],
    ) -> Self {
        IdTokenExpectations {
            issuer,
            client_id,
            nonce,
            now,
            clock_offset: ClockOffset::ZERO,
            leeway: DEFAULT_LEEWAY_SECS,
            advertised_algs,
            trusted_audiences: &[],
            access_token: None,
            max_age: None,
        }
    }
}

/// The accepted algorithms: [`JwsAlgorithm::ALL`] intersected with what the provider
/// advertises. A provider that advertises nothing gets RS256 only (the OIDC default).
pub fn allowed_algorithms(advertised: &[String]) -> Vec<JwsAlgorithm> {
    if advertised.is_empty() {
        return vec![JwsAlgorithm::Rs256];
    }
    JwsAlgorithm::ALL
        .into_iter()
        .filter(|a| advertised.iter().any(|s| s == a.name()))
        .collect()
}

/// The validated claims of an ID token.
///
/// Only validation makes one ([`validate_id_token`], [`crate::validate_refreshed_id_token`] and
/// their `_async` forms): the type is `#[non_exhaustive]` and not `Deserialize`, so no value
/// of it exists outside this crate without a verified signature. It may be serialized (for a
/// display), never read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IdTokenClaims {
    /// `sub`: the user's identifier at the issuer.
    pub sub: String,
    /// `name`, if present.
    pub name: Option<String>,
    /// `email`, if present.
    pub email: Option<String>,
    /// `iss`.
    pub iss: String,
    /// `aud`, always as a list.
    pub aud: Vec<String>,
    /// `exp` (unix seconds).
    pub exp: u64,
    /// `iat` (unix seconds).
    pub iat: u64,
    /// `nbf`, if present.
    pub nbf: Option<u64>,
    /// `auth_time`, if present: when the person last authenticated at the Instance ID.
    pub auth_time: Option<u64>,
    /// `sid` (the Instance ID's session id), if present.
    pub sid: Option<String>,
    /// `azp`, if present.
    pub azp: Option<String>,
    /// Every claim of the payload, as received (`idp`, `amr`, `nonce`, ... are here).
    pub extra: Map<String, Value>,
}

impl IdTokenClaims {
    /// What to show as the user's name: `name`, else `sub`.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.sub)
    }

    /// The `nonce` claim, if present (a refreshed ID token has none).
    pub fn nonce(&self) -> Option<&str> {
        self.extra.get("nonce").and_then(Value::as_str)
    }
}

/// Why an ID token was refused. Every variant maps to the code `id_token_invalid` and to one
/// rule ([`IdTokenError::rule`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenError {
    /// Not a compact JWS of three base64url parts.
    #[error("the ID token is not a compact JWS: {reason}")]
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// An encrypted token (JWE); this client registers no encryption (rule 1).
    #[error("the ID token is encrypted, which this client never asks for")]
    Encrypted,
    /// The JOSE header is not a JSON object with a string `alg`.
    #[error("the ID token header is not valid: {0}")]
    InvalidHeader(#[source] serde_json::Error),
    /// The header lists `crit` extensions, none of which this client understands (RFC 7515
    /// 4.1.11).
    #[error("the ID token header has critical extensions this client does not understand")]
    CriticalHeader,
    /// The payload is not a JSON object.
    #[error("the ID token payload is not a JSON object: {0}")]
    InvalidPayload(#[source] serde_json::Error),
    /// A claim has the wrong JSON type.
    #[error("the ID token claim {claim} has the wrong type")]
    ClaimType {
        /// The claim.
        claim: &'static str,
    },
    /// `alg` is `none`.
    #[error("the ID token is unsigned (alg none)")]
    AlgNone,
    /// `alg` is an HMAC algorithm; a public client has no secret to check it with.
    #[error("the ID token uses the HMAC algorithm {alg}, refused for a public client")]
    AlgHmac {
        /// The `alg`.
        alg: String,
    },
    /// `alg` is not on the allow-list (RS256, PS256, ES256).
    #[error("the ID token algorithm {alg} is not allowed")]
    AlgUnsupported {
        /// The `alg`.
        alg: String,
    },
    /// `alg` is on the allow-list but the provider does not advertise it.
    #[error("the ID token algorithm {alg} is not advertised by the provider")]
    AlgNotAdvertised {
        /// The `alg`.
        alg: String,
    },
    /// No key in the JWKS has this `kid`: refetch the JWKS once and try again
    /// ([`IdTokenError::should_refetch_jwks`]).
    #[error("no key with kid {kid:?} in the issuer's key set")]
    UnknownKid {
        /// The `kid`.
        kid: String,
    },
    /// The key named by `kid` may not verify this algorithm (type, `use`, `key_ops` or `alg`).
    #[error("the key {kid:?} may not verify {alg:?}")]
    KeyNotUsable {
        /// The `kid`.
        kid: String,
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// The token has no `kid` and no key may verify its algorithm.
    #[error("no key in the issuer's key set may verify {alg:?}")]
    NoSuitableKey {
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// Several keys qualify and the token does not single one out (no `kid`, or a `kid` shared
    /// by several suitable keys). Trying each in turn is deliberately not done.
    #[error("{candidates} keys could verify {alg:?} and the token does not say which")]
    AmbiguousKey {
        /// The algorithm.
        alg: JwsAlgorithm,
        /// How many keys qualify.
        candidates: usize,
    },
    /// The signature does not verify (or the verifier could not check it).
    #[error("the ID token signature is not valid: {0}")]
    Signature(#[source] SignatureError),
    /// No `iss`.
    #[error("the ID token has no iss")]
    IssMissing,
    /// `iss` differs from the issuer.
    #[error("the ID token iss {found:?} is not the issuer {expected:?}")]
    IssMismatch {
        /// The issuer.
        expected: String,
        /// The `iss`.
        found: String,
    },
    /// No `aud`.
    #[error("the ID token has no aud")]
    AudMissing,
    /// `aud` does not contain the client id.
    #[error("the ID token audience {aud:?} does not include this client")]
    AudMismatch {
        /// The `aud` received.
        aud: Vec<String>,
    },
    /// `aud` contains an audience that is neither the client id nor trusted.
    #[error("the ID token has the untrusted audience {audience:?}")]
    UntrustedAudience {
        /// The untrusted audience.
        audience: String,
    },
    /// Several audiences and no `azp`.
    #[error("the ID token has several audiences and no azp")]
    AzpMissing,
    /// `azp` differs from the client id.
    #[error("the ID token azp {azp:?} is not this client")]
    AzpMismatch {
        /// The `azp`.
        azp: String,
    },
    /// No `exp`.
    #[error("the ID token has no exp")]
    ExpMissing,
    /// Expired (`now >= exp + leeway`).
    #[error("the ID token expired at {exp} (now {now})")]
    Expired {
        /// `exp`.
        exp: u64,
        /// Now: the device time with the clock offset applied.
        now: u64,
        /// `iat` of the (verified) token, if it has one: for [`IdTokenError::clock_skew_minutes`].
        iat: Option<u64>,
    },
    /// Not yet valid (`now + leeway < nbf`).
    #[error("the ID token is not valid before {nbf} (now {now})")]
    NotYetValid {
        /// `nbf`.
        nbf: u64,
        /// Now: the device time with the clock offset applied.
        now: u64,
        /// `iat` of the (verified) token, if it has one.
        iat: Option<u64>,
    },
    /// No `iat`.
    #[error("the ID token has no iat")]
    IatMissing,
    /// Issued in the future (`iat > now + leeway`).
    #[error("the ID token was issued in the future ({iat}, now {now})")]
    IssuedInFuture {
        /// `iat`.
        iat: u64,
        /// Now: the device time with the clock offset applied.
        now: u64,
    },
    /// A refreshed ID token (OIDC Core 12.2) was issued before the original one.
    #[error("the refreshed ID token was issued at {iat}, before the original ({original_iat})")]
    IssuedBeforeOriginal {
        /// The new token's `iat`.
        iat: u64,
        /// The original token's `iat`.
        original_iat: u64,
    },
    /// 12.2: the refreshed ID token's `iss` differs from the original's.
    #[error("the refreshed ID token's iss {found:?} differs from the original {original:?}")]
    IssChanged {
        /// The original `iss`.
        original: String,
        /// The new `iss`.
        found: String,
    },
    /// 12.2: the refreshed ID token is about another person (`sub` changed).
    #[error("the refreshed ID token's sub {found:?} differs from the original {original:?}")]
    SubChanged {
        /// The original `sub`.
        original: String,
        /// The new `sub`.
        found: String,
    },
    /// 12.2: the refreshed ID token's audiences differ from the original's.
    #[error("the refreshed ID token's aud {found:?} differs from the original {original:?}")]
    AudChanged {
        /// The original `aud`.
        original: Vec<String>,
        /// The new `aud`.
        found: Vec<String>,
    },
    /// 12.2: the refreshed ID token's `azp` differs from the original's (or is present only
    /// in one of them).
    #[error("the refreshed ID token's azp {found:?} differs from the original {original:?}")]
    AzpChanged {
        /// The original `azp`.
        original: Option<String>,
        /// The new `azp`.
        found: Option<String>,
    },
    /// 12.2: the refreshed ID token's `auth_time` is not the original authentication's.
    #[error("the refreshed ID token's auth_time {found} differs from the original {original:?}")]
    AuthTimeChanged {
        /// The original `auth_time`.
        original: Option<u64>,
        /// The new `auth_time`.
        found: u64,
    },
    /// No `nonce`.
    #[error("the ID token has no nonce")]
    NonceMissing,
    /// `nonce` differs from the request's.
    #[error("the ID token nonce does not match this request")]
    NonceMismatch,
    /// `max_age` was requested and there is no `auth_time`.
    #[error("the ID token has no auth_time although max_age was requested")]
    AuthTimeMissing,
    /// The authentication is older than `max_age` (plus leeway).
    #[error("the authentication at {auth_time} is older than max_age {max_age} (now {now})")]
    AuthTooOld {
        /// `auth_time`.
        auth_time: u64,
        /// The requested `max_age`.
        max_age: u64,
        /// Now.
        now: u64,
    },
    /// `at_hash` does not match the access token.
    #[error("the ID token at_hash does not match the access token")]
    AtHashMismatch,
    /// The token carries `at_hash` but no access token was given to check it against.
    #[error("the ID token carries at_hash but no access token was given to check it")]
    AtHashUnchecked,
    /// No `sub`, or an empty one.
    #[error("the ID token has no sub")]
    SubMissing,
}

impl IdTokenError {
    /// The stable error code: always `"id_token_invalid"`.
    pub fn code(&self) -> &'static str {
        "id_token_invalid"
    }

    /// The failed rule: `"format"`, `"alg"`, `"kid"`, `"signature"`, `"iss"`, `"aud"`,
    /// `"azp"`, `"exp"`, `"nbf"`, `"iat"`, `"nonce"`, `"auth_time"`, `"at_hash"` or `"sub"`.
    /// The OIDC Core 12.2 variants of a refreshed token map to the rule of their claim.
    pub fn rule(&self) -> &'static str {
        use IdTokenError::*;
        match self {
            Malformed { .. }
            | Encrypted
            | InvalidHeader(_)
            | CriticalHeader
            | InvalidPayload(_)
            | ClaimType { .. } => "format",
            AlgNone | AlgHmac { .. } | AlgUnsupported { .. } | AlgNotAdvertised { .. } => "alg",
            UnknownKid { .. }
            | KeyNotUsable { .. }
            | NoSuitableKey { .. }
            | AmbiguousKey { .. } => "kid",
            Signature(_) => "signature",
            IssMissing | IssMismatch { .. } | IssChanged { .. } => "iss",
            AudMissing | AudMismatch { .. } | UntrustedAudience { .. } | AudChanged { .. } => "aud",
            AzpMissing | AzpMismatch { .. } | AzpChanged { .. } => "azp",
            ExpMissing | Expired { .. } => "exp",
            NotYetValid { .. } => "nbf",
            IatMissing | IssuedInFuture { .. } | IssuedBeforeOriginal { .. } => "iat",
            NonceMissing | NonceMismatch => "nonce",
            AuthTimeMissing | AuthTooOld { .. } | AuthTimeChanged { .. } => "auth_time",
            AtHashMismatch | AtHashUnchecked => "at_hash",
            SubMissing | SubChanged { .. } => "sub",
        }
    }

    /// `true` only for [`IdTokenError::UnknownKid`]: the issuer may have rotated its keys;
    /// fetch the JWKS again (once) and validate again.
    pub fn should_refetch_jwks(&self) -> bool {
        matches!(self, IdTokenError::UnknownKid { .. })
    }

    /// For a failed time rule (`exp`, `nbf`, `iat`): by how many minutes the device clock
    /// (with the clock offset applied) seems to differ from the Instance ID's, `now - iat`
    /// rounded to the nearest minute; positive means the device clock is ahead. `None` for
    /// any other failure, without `iat`, or when it rounds to zero (then the clock is not the
    /// cause).
    ///
    /// Sound because the time rules run only after the signature verified (the `iat` is the
    /// issuer's own) and the token was just issued by the token endpoint, so its `iat` is the
    /// issuer's "now" give or take the request's duration. For a message such as "your device
    /// clock looks wrong by about 10 minutes".
    pub fn clock_skew_minutes(&self) -> Option<i64> {
        let (now, iat) = match *self {
            IdTokenError::Expired { now, iat, .. } | IdTokenError::NotYetValid { now, iat, .. } => {
                (now, iat?)
            }
            IdTokenError::IssuedInFuture { iat, now } => (now, iat),
            _ => return None,
        };
        let diff = i128::from(now) - i128::from(iat);
        let secs = i64::try_from(diff).unwrap_or(if diff < 0 { i64::MIN } else { i64::MAX });
        Some(round_minutes(secs)).filter(|m| *m != 0)
    }
}

#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<Value>,
}

/// A parsed, not yet verified ID token. Only its header can be read.
#[derive(Debug)]
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
    /// [`allowed_algorithms`]`(metadata.id_token_signing_alg_values_supported)`. The header is
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

fn classify_alg(alg: &str, allowed: &[JwsAlgorithm]) -> Result<JwsAlgorithm, IdTokenError> {
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
#[derive(Debug)]
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

    /// Rule 6 for a verifier driven by hand: pass what it answered for exactly
    /// [`Self::alg`], [`Self::key`], [`Self::signing_input`] and [`Self::signature`]. `Ok(())`
    /// must mean the signature verified; anything else refuses the token.
    pub fn conclude(
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
/// [`SignatureCheck::verify`] and [`SignatureCheck::conclude`]; the only way to claims.
#[derive(Debug)]
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
    pub(crate) fn payload(&self) -> Result<Map<String, Value>, IdTokenError> {
        serde_json::from_slice(&self.token.payload).map_err(IdTokenError::InvalidPayload)
    }

    /// Applies every claim rule and returns the claims.
    pub fn validate_claims(
        self,
        expected: &IdTokenExpectations<'_>,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let claims = self.payload()?;
        // The time rules compare with the Instance ID's clock as well as it is known.
        let now = expected.clock_offset.apply(expected.now);
        let leeway = expected.leeway;

        // 3.1.3.7 rule 2: `iss` must exactly match the issuer from discovery.
        let iss = string_claim(&claims, "iss")?
            .ok_or(IdTokenError::IssMissing)?
            .to_owned();
        if iss != expected.issuer {
            return Err(IdTokenError::IssMismatch {
                expected: expected.issuer.to_owned(),
                found: iss,
            });
        }

        // Rules 3-5: audience and authorized party.
        let aud = check_audience(&claims, expected.client_id, expected.trusted_audiences)?;

        // Rules 6-8 (signature, algorithm, no MAC) were applied before any claim was read: this
        // value only exists once the signature verified.

        // Rules 9 and 10 (`exp`, `nbf`, `iat`), see `check_times`.
        let times = check_times(&claims, now, leeway)?;

        // Rule 11: `nonce` must be present and equal the one sent (constant-time comparison).
        let nonce = string_claim(&claims, "nonce")?.ok_or(IdTokenError::NonceMissing)?;
        if !bool::from(nonce.as_bytes().ct_eq(expected.nonce.as_str().as_bytes())) {
            return Err(IdTokenError::NonceMismatch);
        }

        // Rule 12: `acr` is only checked when requested; this client requests none.

        // Rule 13: when `max_age` was requested, `auth_time` is required and must be recent.
        let auth_time = time_claim(&claims, "auth_time")?;
        if let Some(max_age) = expected.max_age {
            let auth_time = auth_time.ok_or(IdTokenError::AuthTimeMissing)?;
            if now > auth_time.saturating_add(max_age).saturating_add(leeway) {
                return Err(IdTokenError::AuthTooOld {
                    auth_time,
                    max_age,
                    now,
                });
            }
        }

        // (3.2.2.9 / 3.3.2.9) `at_hash`, when present, see `check_at_hash`.
        check_at_hash(&claims, self.alg, expected.access_token)?;

        // (OIDC Core 2) `sub` is required and non-empty.
        let sub = required_sub(&claims)?;

        finish(claims, iss, sub, aud, times, auth_time)
    }
}

/// `exp`, `iat` and `nbf` once checked.
pub(crate) struct Times {
    pub(crate) exp: u64,
    pub(crate) iat: u64,
    pub(crate) nbf: Option<u64>,
}

/// 3.1.3.7 rules 3-5 for a token from this client's request: returns `aud` as a list.
fn check_audience(
    claims: &Map<String, Value>,
    client_id: &str,
    trusted: &[String],
) -> Result<Vec<String>, IdTokenError> {
    // Rule 3: `aud` must contain the client id, and audiences that are not trusted are
    // refused.
    let aud = audience_claim(claims)?;
    if aud.is_empty() {
        return Err(IdTokenError::AudMissing);
    }
    if !aud.iter().any(|a| a == client_id) {
        return Err(IdTokenError::AudMismatch { aud });
    }
    if let Some(untrusted) = aud.iter().find(|a| *a != client_id && !trusted.contains(a)) {
        return Err(IdTokenError::UntrustedAudience {
            audience: untrusted.clone(),
        });
    }

    // Rule 4: with several audiences, `azp` must be present.
    let azp = string_claim(claims, "azp")?;
    if aud.len() > 1 && azp.is_none() {
        return Err(IdTokenError::AzpMissing);
    }
    // Rule 5: when `azp` is present, it must be this client.
    if let Some(azp) = azp {
        if azp != client_id {
            return Err(IdTokenError::AzpMismatch {
                azp: azp.to_owned(),
            });
        }
    }
    Ok(aud)
}

/// 3.1.3.7 rules 9 and 10 (and RFC 7519 `nbf`) against `now`, the device time with the clock
/// offset applied. `iat` is read first, only so that a failure can say how wrong the clock
/// looks ([`IdTokenError::clock_skew_minutes`]); the rules still apply in their order.
pub(crate) fn check_times(
    claims: &Map<String, Value>,
    now: u64,
    leeway: u64,
) -> Result<Times, IdTokenError> {
    let iat = time_claim(claims, "iat")?;

    // Rule 9: now must be before `exp` (with leeway).
    let exp = time_claim(claims, "exp")?.ok_or(IdTokenError::ExpMissing)?;
    if now >= exp.saturating_add(leeway) {
        return Err(IdTokenError::Expired { exp, now, iat });
    }
    // (RFC 7519 4.1.5) `nbf`, when present: now must not be before it (with leeway).
    let nbf = time_claim(claims, "nbf")?;
    if let Some(nbf) = nbf {
        if now.saturating_add(leeway) < nbf {
            return Err(IdTokenError::NotYetValid { nbf, now, iat });
        }
    }

    // Rule 10: `iat` is required and must not lie in the future (beyond the leeway).
    let iat = iat.ok_or(IdTokenError::IatMissing)?;
    if iat > now.saturating_add(leeway) {
        return Err(IdTokenError::IssuedInFuture { iat, now });
    }
    Ok(Times { exp, iat, nbf })
}

/// (3.2.2.9 / 3.3.2.9) `at_hash`, when present: base64url of the left half of the hash of the
/// access token, the hash being the one of the signing algorithm (SHA-256 for RS256, PS256 and
/// ES256). Present without an access token to check it against: refused.
pub(crate) fn check_at_hash(
    claims: &Map<String, Value>,
    alg: JwsAlgorithm,
    access_token: Option<&AccessToken>,
) -> Result<(), IdTokenError> {
    if let Some(at_hash) = string_claim(claims, "at_hash")? {
        let token = access_token.ok_or(IdTokenError::AtHashUnchecked)?;
        let digest = match alg {
            JwsAlgorithm::Rs256 | JwsAlgorithm::Ps256 | JwsAlgorithm::Es256 => {
                Sha256::digest(token.secret().as_bytes())
            }
        };
        let expected_hash = URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2]);
        if !bool::from(at_hash.as_bytes().ct_eq(expected_hash.as_bytes())) {
            return Err(IdTokenError::AtHashMismatch);
        }
    }
    Ok(())
}

/// (OIDC Core 2) `sub` is required and non-empty.
pub(crate) fn required_sub(claims: &Map<String, Value>) -> Result<String, IdTokenError> {
    match string_claim(claims, "sub")? {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(IdTokenError::SubMissing),
    }
}

/// The claims value, once every rule passed.
pub(crate) fn finish(
    claims: Map<String, Value>,
    iss: String,
    sub: String,
    aud: Vec<String>,
    times: Times,
    auth_time: Option<u64>,
) -> Result<IdTokenClaims, IdTokenError> {
    let text = |c: &'static str| string_claim(&claims, c).map(|v| v.map(str::to_owned));
    Ok(IdTokenClaims {
        name: text("name")?,
        email: text("email")?,
        sid: text("sid")?,
        azp: text("azp")?,
        sub,
        iss,
        aud,
        exp: times.exp,
        iat: times.iat,
        nbf: times.nbf,
        auth_time,
        extra: claims,
    })
}

pub(crate) fn string_claim<'m>(
    claims: &'m Map<String, Value>,
    claim: &'static str,
) -> Result<Option<&'m str>, IdTokenError> {
    match claims.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(IdTokenError::ClaimType { claim }),
    }
}

/// A NumericDate (RFC 7519 2): non-negative seconds, possibly fractional (truncated).
pub(crate) fn time_claim(
    claims: &Map<String, Value>,
    claim: &'static str,
) -> Result<Option<u64>, IdTokenError> {
    match claims.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(v), _) => Ok(Some(v)),
            (None, Some(f)) if f.is_finite() && f >= 0.0 && f < u64::MAX as f64 => {
                Ok(Some(f as u64))
            }
            _ => Err(IdTokenError::ClaimType { claim }),
        },
        Some(_) => Err(IdTokenError::ClaimType { claim }),
    }
}

pub(crate) fn audience_claim(claims: &Map<String, Value>) -> Result<Vec<String>, IdTokenError> {
    match claims.get("aud") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or(IdTokenError::ClaimType { claim: "aud" })
            })
            .collect(),
        Some(_) => Err(IdTokenError::ClaimType { claim: "aud" }),
    }
}

/// Validates an ID token completely with a synchronous verifier: parse, algorithm and key
/// rules, signature, then every claim rule (see the module documentation for the order).
///
/// On [`IdTokenError::UnknownKid`] ([`IdTokenError::should_refetch_jwks`]), fetch the JWKS
/// again once and call this again with the new set.
pub fn validate_id_token(
    id_token: &IdToken,
    jwks: &JwkSet,
    expected: &IdTokenExpectations<'_>,
    verifier: &dyn SignatureVerifier,
) -> Result<IdTokenClaims, IdTokenError> {
    let unverified = UnverifiedIdToken::parse(id_token)?;
    let allowed = allowed_algorithms(expected.advertised_algs);
    unverified
        .signature_check(jwks, &allowed)?
        .verify(verifier)?
        .validate_claims(expected)
}

/// [`validate_id_token`] with an asynchronous verifier (the browser's WebCrypto): the same
/// steps and rules in the same order; only the signature maths is awaited.
pub async fn validate_id_token_async(
    id_token: &IdToken,
    jwks: &JwkSet,
    expected: &IdTokenExpectations<'_>,
    verifier: &impl AsyncSignatureVerifier,
) -> Result<IdTokenClaims, IdTokenError> {
    let unverified = UnverifiedIdToken::parse(id_token)?;
    let allowed = allowed_algorithms(expected.advertised_algs);
    unverified
        .signature_check(jwks, &allowed)?
        .verify_async(verifier)
        .await?
        .validate_claims(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwks::JwkMaterial;

    /// A verifier that accepts everything: lets these unit tests reach the claim rules without
    /// real keys. The real signature tests live in `tests/`.
    struct AcceptAll;
    impl SignatureVerifier for AcceptAll {
        fn verify(
            &self,
            _: JwsAlgorithm,
            _: &Jwk,
            _: &[u8],
            _: &[u8],
        ) -> Result<(), SignatureError> {
            Ok(())
        }
    }

    struct RejectAll;
    impl SignatureVerifier for RejectAll {
        fn verify(
            &self,
            _: JwsAlgorithm,
            _: &Jwk,
            _: &[u8],
            _: &[u8],
        ) -> Result<(), SignatureError> {
            Err(SignatureError::Invalid)
        }
    }

    fn jwks() -> JwkSet {
        JwkSet {
            keys: vec![Jwk {
                kid: Some("k".into()),
                key_use: None,
                alg: None,
                key_ops: None,
                material: JwkMaterial::Rsa {
                    n: vec![0xff; 256],
                    e: vec![1, 0, 1],
                },
            }],
        }
    }

    fn token(header: &str, payload: &Value) -> IdToken {
        let h = URL_SAFE_NO_PAD.encode(header);
        let p = URL_SAFE_NO_PAD.encode(payload.to_string());
        // A signature as long as the test key's modulus (the verifiers here ignore its value).
        let s = URL_SAFE_NO_PAD.encode([0u8; 256]);
        IdToken::new(format!("{h}.{p}.{s}"))
    }

    #[test]
    fn claim_phase_needs_the_proof() {
        let nonce: Nonce = serde_json::from_str("\"n\"").unwrap();
        let algs = vec!["RS256".to_owned()];
        let exp = IdTokenExpectations::new("https://i", "c", &nonce, 1000, &algs);
        let payload = serde_json::json!({"iss":"https://i","aud":"c","exp":2000,"iat":1000,"nonce":"n","sub":"s"});
        let t = token(r#"{"alg":"RS256","kid":"k"}"#, &payload);
        let claims = validate_id_token(&t, &jwks(), &exp, &AcceptAll).unwrap();
        assert_eq!(claims.sub, "s");
        assert_eq!(claims.display_name(), "s");
        let e = validate_id_token(&t, &jwks(), &exp, &RejectAll).unwrap_err();
        assert!(matches!(
            e,
            IdTokenError::Signature(SignatureError::Invalid)
        ));
        assert_eq!((e.code(), e.rule()), ("id_token_invalid", "signature"));
        // The two-phase form with an "asynchronous" answer.
        let u = UnverifiedIdToken::parse(&t).unwrap();
        assert_eq!((u.alg(), u.kid()), ("RS256", Some("k")));
        let set = jwks();
        let check = u.signature_check(&set, &[JwsAlgorithm::Rs256]).unwrap();
        assert_eq!(
            check.signing_input(),
            t.secret().rsplit_once('.').unwrap().0.as_bytes()
        );
        assert_eq!(check.signature(), &[0u8; 256][..]);
        let e = check
            .conclude(Err(SignatureError::Backend("no WebCrypto".into())))
            .unwrap_err();
        assert!(matches!(
            e,
            IdTokenError::Signature(SignatureError::Backend(_))
        ));
    }

    #[test]
    fn format_rules() {
        let nonce: Nonce = serde_json::from_str("\"n\"").unwrap();
        let algs = vec![];
        let exp = IdTokenExpectations::new("https://i", "c", &nonce, 1000, &algs);
        let run =
            |s: &str| validate_id_token(&IdToken::new(s), &jwks(), &exp, &AcceptAll).unwrap_err();
        assert!(matches!(run("a.b"), IdTokenError::Malformed { .. }));
        assert!(matches!(run("a.b.c.d"), IdTokenError::Malformed { .. }));
        assert!(matches!(run("a.b.c.d.e"), IdTokenError::Encrypted));
        assert!(matches!(run("*.e30.c2ln"), IdTokenError::Malformed { .. }));
        assert!(matches!(
            run("e30.e30.c2ln"),
            IdTokenError::InvalidHeader(_)
        ));
        let crit = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","crit":["exp"]}"#);
        assert!(matches!(
            run(&format!("{crit}.e30.c2ln")),
            IdTokenError::CriticalHeader
        ));
        let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#);
        // Rule 6 before the payload is read: a signature shorter than the modulus is refused
        // even by a verifier that accepts everything.
        let e = run(&format!("{h}.e30.c2ln"));
        assert!(matches!(
            e,
            IdTokenError::Signature(SignatureError::Malformed {
                alg: JwsAlgorithm::Rs256
            })
        ));
        assert_eq!(e.rule(), "signature");
        let sig = URL_SAFE_NO_PAD.encode([0u8; 256]);
        let p = URL_SAFE_NO_PAD.encode("[1]");
        let e = run(&format!("{h}.{p}.{sig}"));
        assert!(matches!(e, IdTokenError::InvalidPayload(_)));
        assert_eq!(e.rule(), "format");
        let p = URL_SAFE_NO_PAD.encode(r#"{"iss":1}"#);
        assert!(matches!(
            run(&format!("{h}.{p}.{sig}")),
            IdTokenError::ClaimType { claim: "iss" }
        ));
    }

    #[test]
    fn algorithm_classification() {
        let all = JwsAlgorithm::ALL;
        assert!(matches!(
            classify_alg("none", &all),
            Err(IdTokenError::AlgNone)
        ));
        assert!(matches!(
            classify_alg("NONE", &all),
            Err(IdTokenError::AlgNone)
        ));
        assert!(matches!(
            classify_alg("HS256", &all),
            Err(IdTokenError::AlgHmac { .. })
        ));
        assert!(matches!(
            classify_alg("hs512", &all),
            Err(IdTokenError::AlgHmac { .. })
        ));
        assert!(matches!(
            classify_alg("RS384", &all),
            Err(IdTokenError::AlgUnsupported { .. })
        ));
        assert!(matches!(
            classify_alg("EdDSA", &all),
            Err(IdTokenError::AlgUnsupported { .. })
        ));
        assert!(matches!(
            classify_alg("rs256", &all),
            Err(IdTokenError::AlgUnsupported { .. })
        ));
        assert!(matches!(
            classify_alg("ES256", &[JwsAlgorithm::Rs256]),
            Err(IdTokenError::AlgNotAdvertised { .. })
        ));
        assert_eq!(classify_alg("PS256", &all).unwrap(), JwsAlgorithm::Ps256);
        assert_eq!(allowed_algorithms(&[]), [JwsAlgorithm::Rs256]);
        assert_eq!(
            allowed_algorithms(&[
                "ES256".into(),
                "HS256".into(),
                "none".into(),
                "RS256".into()
            ]),
            [JwsAlgorithm::Rs256, JwsAlgorithm::Es256]
        );
    }

    #[test]
    fn numeric_dates() {
        let m: Map<String, Value> =
            serde_json::from_str(r#"{"a":5,"b":5.9,"c":-1,"d":"5","e":1e300}"#).unwrap();
        assert_eq!(time_claim(&m, "a").unwrap(), Some(5));
        assert_eq!(time_claim(&m, "b").unwrap(), Some(5));
        assert!(time_claim(&m, "c").is_err());
        assert!(time_claim(&m, "d").is_err());
        assert!(time_claim(&m, "e").is_err());
        assert_eq!(time_claim(&m, "z").unwrap(), None);
    }
}
