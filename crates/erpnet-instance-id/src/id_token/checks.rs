//! Claim rules shared by the sign-in (OIDC Core 3.1.3.7) and the refresh (12.2) validation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::claims::{audience_claim, string_claim, time_claim, Times};
use super::error::IdTokenError;
use crate::algorithm::JwsAlgorithm;
use crate::token::AccessToken;

/// 3.1.3.7 rules 3-5 for a token from this client's request: returns `aud` as a list.
pub(super) fn check_audience(
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
pub(super) fn check_times(
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
pub(super) fn check_at_hash(
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
pub(super) fn required_sub(claims: &Map<String, Value>) -> Result<String, IdTokenError> {
    match string_claim(claims, "sub")? {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(IdTokenError::SubMissing),
    }
}
