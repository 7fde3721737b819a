//! Validation of an ID token from a refresh response (OIDC Core 12.2).
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

use crate::clock::ClockOffset;
use crate::id_token::{
    allowed_algorithms, audience_claim, check_at_hash, check_times, finish, required_sub,
    string_claim, time_claim, IdTokenClaims, IdTokenError, UnverifiedIdToken, VerifiedIdToken,
    DEFAULT_LEEWAY_SECS,
};
use crate::jwks::JwkSet;
use crate::jws::{AsyncSignatureVerifier, SignatureVerifier};
use crate::token::{AccessToken, IdToken};

/// What a refreshed ID token must satisfy (OIDC Core 12.2).
#[derive(Debug, Clone, Copy)]
pub struct RefreshExpectations<'a> {
    /// The claims of the ID token from the sign-in (the authorization-code exchange) that
    /// started this session. Passing the claims of the previous refresh instead also works
    /// (`iss`, `sub`, `aud`, `azp` and `auth_time` do not change along the chain), but loses
    /// the original `nonce` and `iat`, so prefer the sign-in's.
    pub original: &'a IdTokenClaims,
    /// This client's id: must be among the audiences.
    pub client_id: &'a str,
    /// Now, in unix seconds, by the device clock.
    pub now: u64,
    /// The clock offset applied to [`Self::now`] for the time rules (see [`ClockOffset`]).
    pub clock_offset: ClockOffset,
    /// Clock leeway in seconds ([`DEFAULT_LEEWAY_SECS`]).
    pub leeway: u64,
    /// The provider's `id_token_signing_alg_values_supported` (see [`allowed_algorithms`]).
    pub advertised_algs: &'a [String],
    /// The access token of the same refresh response, to check `at_hash` when present. When
    /// the token carries `at_hash` and this is `None`, validation fails.
    pub access_token: Option<&'a AccessToken>,
}

impl<'a> RefreshExpectations<'a> {
    /// Expectations with the defaults: leeway 60 s, no clock offset, no access token (set
    /// [`Self::access_token`] to the refresh response's).
    pub fn new(
        original: &'a IdTokenClaims,
        client_id: &'a str,
        now: u64,
        advertised_algs: &'a [String],
    ) -> Self {
        RefreshExpectations {
            original,
            client_id,
            now,
            clock_offset: ClockOffset::ZERO,
            leeway: DEFAULT_LEEWAY_SECS,
            advertised_algs,
            access_token: None,
        }
    }
}

impl VerifiedIdToken<'_> {
    /// Applies the OIDC Core 12.2 rules of a refreshed ID token (see the module
    /// documentation of [`validate_refreshed_id_token`]) and returns its claims.
    pub fn validate_refreshed_claims(
        self,
        expected: &RefreshExpectations<'_>,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let claims = self.payload()?;
        let original = expected.original;
        let now = expected.clock_offset.apply(expected.now);

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
        if !aud.iter().any(|a| a == expected.client_id) {
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
        let times = check_times(&claims, now, expected.leeway)?;

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
        check_at_hash(&claims, self.alg(), expected.access_token)?;

        finish(claims, iss, sub, aud, times, auth_time)
    }
}

/// Validates the ID token of a refresh response (OIDC Core 12.2) with a synchronous verifier:
/// the sign-in's signature pipeline (parse, allowed algorithm, key by `kid`, key strength,
/// signature), then the 12.2 rules against the original token's verified claims, in the order
/// of the module documentation.
///
/// On [`IdTokenError::UnknownKid`] ([`IdTokenError::should_refetch_jwks`]), fetch the JWKS
/// again once and call this again. On any other error the refresh failed: do not use the
/// response's access token.
pub fn validate_refreshed_id_token(
    id_token: &IdToken,
    jwks: &JwkSet,
    expected: &RefreshExpectations<'_>,
    verifier: &dyn SignatureVerifier,
) -> Result<IdTokenClaims, IdTokenError> {
    let unverified = UnverifiedIdToken::parse(id_token)?;
    let allowed = allowed_algorithms(expected.advertised_algs);
    unverified
        .signature_check(jwks, &allowed)?
        .verify(verifier)?
        .validate_refreshed_claims(expected)
}

/// [`validate_refreshed_id_token`] with an asynchronous verifier (the browser's WebCrypto):
/// the same steps and rules in the same order; only the signature maths is awaited.
pub async fn validate_refreshed_id_token_async(
    id_token: &IdToken,
    jwks: &JwkSet,
    expected: &RefreshExpectations<'_>,
    verifier: &impl AsyncSignatureVerifier,
) -> Result<IdTokenClaims, IdTokenError> {
    let unverified = UnverifiedIdToken::parse(id_token)?;
    let allowed = allowed_algorithms(expected.advertised_algs);
    unverified
        .signature_check(jwks, &allowed)?
        .verify_async(verifier)
        .await?
        .validate_refreshed_claims(expected)
}
