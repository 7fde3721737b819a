//! The claim rules of an ID token from a refresh response (OIDC Core 12.2).
//!
//! The token goes through the same signature pipeline as at sign-in (parse, algorithm
//! allow-list intersected with discovery, key by `kid` from the JWKS, key strength, signature),
//! and only then are its claims read and compared with the ORIGINAL ID token's verified claims.
//! 12.2 lists its rules as bullets; the code numbers them in that order:
//!
//! 1. `iss` the same as the original's;
//! 2. `sub` the same;
//! 3. `iat` the time the new token was issued (3.1.3.7 rule 10, and not before the original);
//! 4. `aud` the same (as a set);
//! 5. `auth_time`, if present, the original authentication's;
//! 6. `azp` the same (absent if it was absent);
//! 7. otherwise the rules of the original authentication: `exp`/`nbf` (3.1.3.7 rule 9), `at_hash`
//!    against the new access token; `nonce` is not required, and if present must equal the
//!    original's.

use subtle::ConstantTimeEq;

use super::checks::{check_at_hash, check_times, required_sub};
use super::claims::{audience_claim, finish, string_claim, time_claim, IdTokenClaims};
use super::error::IdTokenError;
use super::pipeline::VerifiedIdToken;
use crate::identity::ClientId;
use crate::token::AccessToken;

/// The 12.2 rules on a verified payload, against the original token's verified claims. `now`
/// has the clock offset applied.
pub(super) fn refreshed_claims(
    verified: VerifiedIdToken<'_>,
    original: &IdTokenClaims,
    client_id: &ClientId,
    access_token: Option<&AccessToken>,
    now: u64,
    leeway: u64,
) -> Result<IdTokenClaims, IdTokenError> {
    let claims = verified.payload()?;

    // 3.1.3.7 rules 6-8 (signature, algorithm, no MAC) were applied before any claim was
    // read: this value only exists once the signature verified.

    // 12.2 rule 1: `iss` must be the original token's (which matched discovery's issuer).
    let iss = string_claim(&claims, "iss")?
        .ok_or(IdTokenError::IssMissing)?
        .to_owned();
    if iss != original.iss {
        return Err(IdTokenError::IssChanged {
            original: original.iss.clone(),
            found: iss,
        });
    }

    // 12.2 rule 2: `sub` must be the original's: the same person.
    let sub = required_sub(&claims)?;
    if sub != original.sub {
        return Err(IdTokenError::SubChanged {
            original: original.sub.clone(),
            found: sub,
        });
    }

    // 12.2 rule 3: `iat` is the time the new token was issued: required, not in the
    // future (3.1.3.7 rule 10, in `check_times` below) and not before the original's.
    let iat = time_claim(&claims, "iat")?.ok_or(IdTokenError::IatMissing)?;
    if iat < original.iat {
        return Err(IdTokenError::IssuedBeforeOriginal {
            iat,
            original_iat: original.iat,
        });
    }

    // 12.2 rule 4: `aud` must be the original's, as a set; it therefore still contains
    // this client and no audience the sign-in did not accept (3.1.3.7 rule 3).
    let aud = audience_claim(&claims)?;
    if aud.is_empty() {
        return Err(IdTokenError::AudMissing);
    }
    let same_set = aud.iter().all(|a| original.aud.contains(a))
        && original.aud.iter().all(|a| aud.contains(a));
    if !same_set {
        return Err(IdTokenError::AudChanged {
            original: original.aud.clone(),
            found: aud,
        });
    }
    if !aud.iter().any(|a| a == client_id.as_str()) {
        return Err(IdTokenError::AudMismatch { aud });
    }

    // 12.2 rule 5: `auth_time`, when present, is the original authentication's time, so
    // it must equal the original's (and the original must have had one).
    let auth_time = time_claim(&claims, "auth_time")?;
    if let Some(found) = auth_time {
        if original.auth_time != Some(found) {
            return Err(IdTokenError::AuthTimeChanged {
                original: original.auth_time,
                found,
            });
        }
    }

    // 12.2 rule 6: `azp` must be the original's; absent if it was absent.
    let azp = string_claim(&claims, "azp")?;
    if azp != original.azp.as_deref() {
        return Err(IdTokenError::AzpChanged {
            original: original.azp.clone(),
            found: azp.map(str::to_owned),
        });
    }

    // 12.2 rule 7, "otherwise the same rules as at the original authentication":
    // 3.1.3.7 rules 9 and 10 (`exp`, `nbf`, `iat`) with the clock offset.
    let times = check_times(&claims, now, leeway)?;

    // 12.2 rule 7, `nonce`: not required; if present it must equal the original's
    // (constant-time comparison). An original without one cannot vouch for it.
    if let Some(nonce) = string_claim(&claims, "nonce")? {
        let same = original
            .nonce()
            .is_some_and(|o| bool::from(nonce.as_bytes().ct_eq(o.as_bytes())));
        if !same {
            return Err(IdTokenError::NonceMismatch);
        }
    }

    // 12.2 rule 7, `at_hash` (3.2.2.9), when present: against the new access token.
    check_at_hash(&claims, verified.alg(), access_token)?;

    finish(claims, iss, sub, aud, times, auth_time)
}
