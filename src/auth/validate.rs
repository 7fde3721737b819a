//! The sign-in chunk: in the split release build (`--cfg wasm_split`, see
//! [`crate::routes::lazy`]) what runs only once the token endpoint has answered is a wasm chunk
//! of its own (`fallible_validation`), which a first visit of the home page never downloads:
//! the token response's parsing and the session's making ([`finish_sign_in`]), and the
//! ID-token validation with the JWKS parsing, the JOSE header and claims parsing, the 3.1.3.7
//! rules and the WebCrypto adapter ([`validate`]; a refresh calls it through
//! [`validate_id_token`]). Whoever is about to need it fetches it early with [`preload`]: the
//! callback page at start-up beside its token POST, the popup flow when the popup opens, so the
//! chunk never adds a request in series.
//!
//! Unlike the lazy pages, these split points are fallible: a chunk that still fails after the
//! loader's retries (`scripts/wasm-split.mjs` reports the failure of every split module named
//! `fallible_*`) ends the sign-in with [`SignInError::ValidatorUnavailable`], shown to the
//! person, instead of a page waiting forever.
//!
//! Each entry point is a `#[wasm_split]` function under the cfg and a plain `async fn` without
//! it (one wasm: same behaviour, nothing to load). A split function cannot be `async` (it
//! crosses the split as `extern "C"`) nor take `self`, so it takes its values owned and returns
//! the boxed future, which the wrapper awaits, as `#[leptos::lazy]` does for an `async fn`.

use std::sync::Arc;

use erpnet_instance_id::{
    AccessToken, ClientId, ClockOffset, IdToken, IdTokenClaims, IdTokenVerifier, Nonce,
};

use crate::auth::error::SignInError;
use crate::auth::jwks::RawJwks;
use crate::auth::redeem::{Answer, Redeemed};
use crate::auth::Instance;
use crate::browser::webcrypto::WebCryptoVerifier;

/// What the ID token is checked against, besides the keys and the provider.
pub(super) enum Against {
    /// A sign-in's ID token: the nonce sent with its authorization request.
    Nonce(Nonce),
    /// A refreshed ID token: the claims of the session's sign-in (OIDC Core 12.2).
    Refreshed(IdTokenClaims),
}

/// One validation, owned.
pub(super) struct Validation {
    /// The app's client ID (the audience).
    pub(super) client_id: ClientId,
    /// The instance whose metadata names the issuer and the algorithms.
    pub(super) instance: Arc<Instance>,
    /// The signing keys, as fetched: parsed here, in the chunk.
    pub(super) keys: Arc<RawJwks>,
    /// The token to validate.
    pub(super) id_token: IdToken,
    /// The access token issued with it (`at_hash`).
    pub(super) access_token: AccessToken,
    /// Device time, Unix seconds.
    pub(super) now: u64,
    /// Instance ID time minus device time.
    pub(super) offset: ClockOffset,
    /// Nonce or original claims.
    pub(super) against: Against,
}

/// Parses the keys, then validates `v` (OIDC Core 3.1.3.7, or 12.2 for a refreshed token).
/// Called from the chunk's entry points only.
pub(super) async fn validate(v: Validation) -> Result<IdTokenClaims, SignInError> {
    let keys = v.keys.parse()?;
    let verifier = IdTokenVerifier::for_provider(v.client_id, &v.instance.metadata, keys)
        .set_clock_offset(v.offset);
    let access_token = Some(&v.access_token);
    let claims = match &v.against {
        Against::Nonce(nonce) => {
            verifier
                .verify_async(&v.id_token, nonce, access_token, v.now, &WebCryptoVerifier)
                .await
        }
        Against::Refreshed(original) => {
            verifier
                .verify_refreshed_async(
                    &v.id_token,
                    original,
                    access_token,
                    v.now,
                    &WebCryptoVerifier,
                )
                .await
        }
    }?;
    Ok(claims)
}

/// A boxed future, as a split function returns it.
#[cfg(wasm_split)]
type Boxed<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// The token endpoint's answer to a code, read and checked into a session
/// ([`crate::auth::redeem::finish`]), in the chunk. `fallible`: a chunk that cannot be loaded
/// is an `Err` (through `From<SplitLoaderError>`), not a trap.
#[cfg(wasm_split)]
#[leptos::wasm_split::wasm_split(
    fallible_validation,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(#[doc(hidden)] preload_validation),
    return_wrapper(let future = _; { future.await } -> Result<Redeemed, SignInError>)
)]
pub(super) fn finish_sign_in(answer: Answer) -> Boxed<Result<Redeemed, SignInError>> {
    Box::pin(crate::auth::redeem::finish(answer))
}

/// [`crate::auth::redeem::finish`] (one wasm: no split without `--cfg wasm_split`).
#[cfg(not(wasm_split))]
pub(super) async fn finish_sign_in(answer: Answer) -> Result<Redeemed, SignInError> {
    crate::auth::redeem::finish(answer).await
}

/// [`validate`] in the chunk, for a refreshed ID token (the refresh itself runs in the main
/// wasm). `fallible`: a chunk that cannot be loaded is an `Err`, not a trap.
#[cfg(wasm_split)]
#[leptos::wasm_split::wasm_split(
    fallible_validation,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(#[doc(hidden)] #[allow(dead_code)] preload_validate_id_token),
    return_wrapper(let future = _; { future.await } -> Result<IdTokenClaims, SignInError>)
)]
pub(super) fn validate_id_token(v: Validation) -> Boxed<Result<IdTokenClaims, SignInError>> {
    Box::pin(validate(v))
}

/// [`validate`] (one wasm).
#[cfg(not(wasm_split))]
pub(super) async fn validate_id_token(v: Validation) -> Result<IdTokenClaims, SignInError> {
    validate(v).await
}

/// Starts fetching the chunk, if it is not loaded yet (nothing to do in one wasm). A failure
/// here is not shown: the sign-in itself tries again and reports it.
pub(super) fn preload() {
    #[cfg(wasm_split)]
    leptos::task::spawn_local(async {
        let _ = preload_validation().await;
    });
}

#[cfg(wasm_split)]
impl From<leptos::wasm_split::SplitLoaderError> for SignInError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        // The loader logged the cause to the console; the error carries no more.
        Self::ValidatorUnavailable
    }
}
