//! Why an ID token was refused: one variant per failed rule.

use crate::algorithm::JwsAlgorithm;
use crate::clock::round_minutes;
use crate::jws::SignatureError;
use crate::quoted::Quoted;

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
    #[error("no key with kid {} in the issuer's key set", Quoted(.kid))]
    UnknownKid {
        /// The `kid`.
        kid: String,
    },
    /// The key named by `kid` may not verify this algorithm (type, `use`, `key_ops` or `alg`).
    #[error("the key {} may not verify {}", Quoted(.kid), Quoted(.alg))]
    KeyNotUsable {
        /// The `kid`.
        kid: String,
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// The token has no `kid` and no key may verify its algorithm.
    #[error("no key in the issuer's key set may verify {}", Quoted(.alg))]
    NoSuitableKey {
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// Several keys qualify and the token does not single one out (no `kid`, or a `kid` shared
    /// by several suitable keys). Trying each in turn is deliberately not done.
    #[error("{candidates} keys could verify {} and the token does not say which", Quoted(.alg))]
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
    #[error("the ID token iss {} is not the issuer {}", Quoted(.found), Quoted(.expected))]
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
    #[error("the ID token audience {} does not include this client", Quoted(.aud))]
    AudMismatch {
        /// The `aud` received.
        aud: Vec<String>,
    },
    /// `aud` contains an audience that is neither the client id nor trusted.
    #[error("the ID token has the untrusted audience {}", Quoted(.audience))]
    UntrustedAudience {
        /// The untrusted audience.
        audience: String,
    },
    /// Several audiences and no `azp`.
    #[error("the ID token has several audiences and no azp")]
    AzpMissing,
    /// `azp` differs from the client id.
    #[error("the ID token azp {} is not this client", Quoted(.azp))]
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
    #[error("the refreshed ID token's iss {} differs from the original {}", Quoted(.found), Quoted(.original))]
    IssChanged {
        /// The original `iss`.
        original: String,
        /// The new `iss`.
        found: String,
    },
    /// 12.2: the refreshed ID token is about another person (`sub` changed).
    #[error("the refreshed ID token's sub {} differs from the original {}", Quoted(.found), Quoted(.original))]
    SubChanged {
        /// The original `sub`.
        original: String,
        /// The new `sub`.
        found: String,
    },
    /// 12.2: the refreshed ID token's audiences differ from the original's.
    #[error("the refreshed ID token's aud {} differs from the original {}", Quoted(.found), Quoted(.original))]
    AudChanged {
        /// The original `aud`.
        original: Vec<String>,
        /// The new `aud`.
        found: Vec<String>,
    },
    /// 12.2: the refreshed ID token's `azp` differs from the original's (or is present only
    /// in one of them).
    #[error("the refreshed ID token's azp {} differs from the original {}", Quoted(.found), Quoted(.original))]
    AzpChanged {
        /// The original `azp`.
        original: Option<String>,
        /// The new `azp`.
        found: Option<String>,
    },
    /// 12.2: the refreshed ID token's `auth_time` is not the original authentication's.
    #[error("the refreshed ID token's auth_time {found} differs from the original {}", Quoted(.original))]
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
