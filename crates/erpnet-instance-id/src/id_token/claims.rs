//! The claims of a verified ID token, and the readers the rules use on its payload.

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::IdTokenError;

/// The validated claims of an ID token.
///
/// Only validation makes one ([`IdTokenVerifier::verify`], [`IdTokenVerifier::verify_refreshed`]
/// and their `_async` forms): the type is `#[non_exhaustive]` and not `Deserialize`, so no
/// value of it exists outside this crate without a verified signature. It may be serialized
/// (for a display), never read back.
///
/// [`IdTokenVerifier::verify`]: crate::IdTokenVerifier::verify
/// [`IdTokenVerifier::verify_refreshed`]: crate::IdTokenVerifier::verify_refreshed
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

/// `exp`, `iat` and `nbf` once checked.
pub(super) struct Times {
    pub(super) exp: u64,
    pub(super) iat: u64,
    pub(super) nbf: Option<u64>,
}

/// The claims value, once every rule passed.
pub(super) fn finish(
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

pub(super) fn string_claim<'m>(
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
pub(super) fn time_claim(
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

pub(super) fn audience_claim(claims: &Map<String, Value>) -> Result<Vec<String>, IdTokenError> {
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
