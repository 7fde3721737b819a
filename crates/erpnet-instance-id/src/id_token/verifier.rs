//! The ID token verifier: configuration, provider metadata and keys, owned; the sign-in's
//! claim rules (OIDC Core 3.1.3.7) in the specification's order.

use subtle::ConstantTimeEq;

use super::checks::{check_at_hash, check_audience, check_times, required_sub};
use super::claims::{finish, string_claim, time_claim, IdTokenClaims};
use super::error::IdTokenError;
use super::pipeline::{UnverifiedIdToken, VerifiedIdToken};
use super::refreshed::refreshed_claims;
use crate::algorithm::JwsAlgorithm;
use crate::clock::ClockOffset;
use crate::discovery::ProviderMetadata;
use crate::identity::{ClientId, IssuerUrl};
use crate::jwks::JwkSet;
use crate::jws::{AsyncSignatureVerifier, SignatureVerifier};
use crate::pkce::Nonce;
use crate::token::{AccessToken, IdToken};

/// The default clock leeway for `exp`, `nbf`, `iat` and `auth_time`: 60 seconds.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;

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

/// Validates ID tokens for one public client of one issuer: every rule of OIDC Core 3.1.3.7
/// at sign-in ([`Self::verify`]) and of 12.2 after a refresh ([`Self::verify_refreshed`]).
///
/// Built once from the client id, the issuer and the issuer's keys, then adjusted with the
/// `set_*` methods (each takes and returns the verifier):
///
/// | setter | default |
/// |---|---|
/// | [`Self::set_allowed_algs`] | RS256 only ([`Self::new_public_client`]); what the provider advertises ([`Self::for_provider`]) |
/// | [`Self::set_clock_offset`] | [`ClockOffset::ZERO`] |
/// | [`Self::set_leeway_secs`] | [`DEFAULT_LEEWAY_SECS`] |
/// | [`Self::set_max_age`] | none (`auth_time` not required) |
/// | [`Self::set_trusted_audiences`] | none besides the client id |
/// | [`Self::set_keys`] | the keys given (replace them after a JWKS refetch) |
///
/// What changes with every token is an argument of the call: the nonce sent, the access token
/// issued with it (for `at_hash`), the time, and the [`SignatureVerifier`] (or
/// [`AsyncSignatureVerifier`], e.g. the browser's WebCrypto) that does the signature maths.
///
/// The signature is verified before any claim is read; the header is never trusted (the
/// algorithm must be allowed, the key comes from the issuer's set, weak keys and wrongly
/// sized signatures are refused before the verifier runs). There is no way to skip a rule.
///
/// ```no_run
/// # use erpnet_instance_id::*;
/// # fn demo(client_id: ClientId, metadata: &ProviderMetadata, jwks: JwkSet, tokens: TokenResponse,
/// #         nonce: Nonce, offset: ClockOffset, now: u64) -> Result<(), IdTokenError> {
/// let verifier = IdTokenVerifier::for_provider(client_id, metadata, jwks)
///     .set_clock_offset(offset);
/// let claims = verifier.verify(
///     &tokens.id_token,
///     &nonce,
///     Some(&tokens.access_token),
///     now,
///     &JwtCompactVerifier,
/// )?;
/// println!("signed in as {}", claims.display_name());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct IdTokenVerifier {
    client_id: ClientId,
    issuer: IssuerUrl,
    keys: JwkSet,
    allowed_algs: Vec<JwsAlgorithm>,
    clock_offset: ClockOffset,
    leeway_secs: u64,
    max_age: Option<u64>,
    trusted_audiences: Vec<String>,
}

impl IdTokenVerifier {
    /// A verifier for a public client (no client secret, so no HMAC algorithm) of `issuer`,
    /// with the issuer's signing keys. Accepts RS256 only until [`Self::set_allowed_algs`];
    /// [`Self::for_provider`] takes the algorithms from the provider's metadata instead.
    pub fn new_public_client(client_id: ClientId, issuer: IssuerUrl, keys: JwkSet) -> Self {
        IdTokenVerifier {
            client_id,
            issuer,
            keys,
            allowed_algs: vec![JwsAlgorithm::Rs256],
            clock_offset: ClockOffset::ZERO,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            max_age: None,
            trusted_audiences: Vec::new(),
        }
    }

    /// [`Self::new_public_client`] with the metadata's `issuer` and, as allowed algorithms,
    /// [`allowed_algorithms`] of its `id_token_signing_alg_values_supported`.
    pub fn for_provider(client_id: ClientId, metadata: &ProviderMetadata, keys: JwkSet) -> Self {
        IdTokenVerifier::new_public_client(client_id, metadata.issuer.clone(), keys)
            .set_allowed_algs(allowed_algorithms(
                &metadata.id_token_signing_alg_values_supported,
            ))
    }

    /// The accepted signing algorithms (3.1.3.7 rule 7). An empty list refuses every token.
    pub fn set_allowed_algs(mut self, algs: impl IntoIterator<Item = JwsAlgorithm>) -> Self {
        self.allowed_algs = algs.into_iter().collect();
        self
    }

    /// The estimated offset of the issuer's clock from the device's, applied to `now` before
    /// the time rules (`exp`, `nbf`, `iat`, `auth_time`).
    pub fn set_clock_offset(mut self, offset: ClockOffset) -> Self {
        self.clock_offset = offset;
        self
    }

    /// The clock leeway for the time rules, in seconds.
    pub fn set_leeway_secs(mut self, leeway_secs: u64) -> Self {
        self.leeway_secs = leeway_secs;
        self
    }

    /// The `max_age` sent in the authorization request, if any: `auth_time` is then required
    /// and must be recent enough (3.1.3.7 rule 13).
    pub fn set_max_age(mut self, max_age: Option<u64>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Audiences besides the client id that may appear in `aud`; any other audience is
    /// refused (3.1.3.7 rule 3).
    pub fn set_trusted_audiences(mut self, audiences: Vec<String>) -> Self {
        self.trusted_audiences = audiences;
        self
    }

    /// Replaces the issuer's keys, e.g. after [`IdTokenError::should_refetch_jwks`] asked for
    /// a fresh JWKS.
    pub fn set_keys(mut self, keys: JwkSet) -> Self {
        self.keys = keys;
        self
    }

    /// The client id tokens must be for.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The issuer tokens must come from.
    pub fn issuer(&self) -> &IssuerUrl {
        &self.issuer
    }

    /// The issuer's keys.
    pub fn keys(&self) -> &JwkSet {
        &self.keys
    }

    /// The accepted signing algorithms.
    pub fn allowed_algs(&self) -> &[JwsAlgorithm] {
        &self.allowed_algs
    }

    /// The clock offset applied to `now`.
    pub fn clock_offset(&self) -> ClockOffset {
        self.clock_offset
    }

    /// The clock leeway, in seconds.
    pub fn leeway_secs(&self) -> u64 {
        self.leeway_secs
    }

    /// The `max_age` checked against `auth_time`, if any.
    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// The ID token of a sign-in (an authorization-code exchange): parse, algorithm and key
    /// rules, signature, then every claim rule of OIDC Core 3.1.3.7, with a synchronous
    /// signature verifier.
    ///
    /// `nonce` is the one sent in the authorization request; `access_token` the one issued
    /// with the ID token (a token carrying `at_hash` is refused without it); `now` the device
    /// time in unix seconds.
    ///
    /// On [`IdTokenError::UnknownKid`] ([`IdTokenError::should_refetch_jwks`]), fetch the JWKS
    /// again once, [`Self::set_keys`], and call this again.
    pub fn verify(
        &self,
        id_token: &IdToken,
        nonce: &Nonce,
        access_token: Option<&AccessToken>,
        now: u64,
        signatures: &dyn SignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let unverified = UnverifiedIdToken::parse(id_token)?;
        let verified = unverified
            .signature_check(&self.keys, &self.allowed_algs)?
            .verify(signatures)?;
        self.sign_in_claims(verified, nonce, access_token, now)
    }

    /// [`Self::verify`] with an asynchronous signature verifier (the browser's WebCrypto): the
    /// same steps and rules in the same order; only the signature maths is awaited.
    pub async fn verify_async(
        &self,
        id_token: &IdToken,
        nonce: &Nonce,
        access_token: Option<&AccessToken>,
        now: u64,
        signatures: &impl AsyncSignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let unverified = UnverifiedIdToken::parse(id_token)?;
        let verified = unverified
            .signature_check(&self.keys, &self.allowed_algs)?
            .verify_async(signatures)
            .await?;
        self.sign_in_claims(verified, nonce, access_token, now)
    }

    /// The ID token of a refresh response (OIDC Core 12.2): the sign-in's signature pipeline,
    /// then the 12.2 rules against `original`, the verified claims of the sign-in's ID token
    /// (passing the previous refresh's claims also works, but loses the original `nonce` and
    /// `iat`). `access_token` is the refresh response's.
    ///
    /// On [`IdTokenError::UnknownKid`], refetch the JWKS once and call this again. On any other
    /// error the refresh failed: do not use the response's access token.
    pub fn verify_refreshed(
        &self,
        id_token: &IdToken,
        original: &IdTokenClaims,
        access_token: Option<&AccessToken>,
        now: u64,
        signatures: &dyn SignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let unverified = UnverifiedIdToken::parse(id_token)?;
        let verified = unverified
            .signature_check(&self.keys, &self.allowed_algs)?
            .verify(signatures)?;
        self.refreshed(verified, original, access_token, now)
    }

    /// [`Self::verify_refreshed`] with an asynchronous signature verifier.
    pub async fn verify_refreshed_async(
        &self,
        id_token: &IdToken,
        original: &IdTokenClaims,
        access_token: Option<&AccessToken>,
        now: u64,
        signatures: &impl AsyncSignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let unverified = UnverifiedIdToken::parse(id_token)?;
        let verified = unverified
            .signature_check(&self.keys, &self.allowed_algs)?
            .verify_async(signatures)
            .await?;
        self.refreshed(verified, original, access_token, now)
    }

    fn refreshed(
        &self,
        verified: VerifiedIdToken<'_>,
        original: &IdTokenClaims,
        access_token: Option<&AccessToken>,
        now: u64,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let now = self.clock_offset.apply(now);
        refreshed_claims(
            verified,
            original,
            &self.client_id,
            access_token,
            now,
            self.leeway_secs,
        )
    }

    /// Every claim rule of 3.1.3.7, in the specification's order, on a verified payload.
    fn sign_in_claims(
        &self,
        verified: VerifiedIdToken<'_>,
        expected_nonce: &Nonce,
        access_token: Option<&AccessToken>,
        now: u64,
    ) -> Result<IdTokenClaims, IdTokenError> {
        let claims = verified.payload()?;
        // The time rules compare with the Instance ID's clock as well as it is known.
        let now = self.clock_offset.apply(now);
        let leeway = self.leeway_secs;

        // 3.1.3.7 rule 2: `iss` must exactly match the issuer from discovery.
        let iss = string_claim(&claims, "iss")?
            .ok_or(IdTokenError::IssMissing)?
            .to_owned();
        if self.issuer != iss {
            return Err(IdTokenError::IssMismatch {
                expected: self.issuer.as_str().to_owned(),
                found: iss,
            });
        }

        // Rules 3-5: audience and authorized party.
        let aud = check_audience(&claims, self.client_id.as_str(), &self.trusted_audiences)?;

        // Rules 6-8 (signature, algorithm, no MAC) were applied before any claim was read: a
        // `VerifiedIdToken` only exists once the signature verified.

        // Rules 9 and 10 (`exp`, `nbf`, `iat`), see `check_times`.
        let times = check_times(&claims, now, leeway)?;

        // Rule 11: `nonce` must be present and equal the one sent (constant-time comparison).
        let nonce = string_claim(&claims, "nonce")?.ok_or(IdTokenError::NonceMissing)?;
        if !bool::from(nonce.as_bytes().ct_eq(expected_nonce.as_str().as_bytes())) {
            return Err(IdTokenError::NonceMismatch);
        }

        // Rule 12: `acr` is only checked when requested; this client requests none.

        // Rule 13: when `max_age` was requested, `auth_time` is required and must be recent.
        let auth_time = time_claim(&claims, "auth_time")?;
        if let Some(max_age) = self.max_age {
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
        check_at_hash(&claims, verified.alg(), access_token)?;

        // (OIDC Core 2) `sub` is required and non-empty.
        let sub = required_sub(&claims)?;

        finish(claims, iss, sub, aud, times, auth_time)
    }
}
