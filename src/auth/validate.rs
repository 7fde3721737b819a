//! The sign-in chunk: in the split release build (`--cfg wasm_split`, see
//! [`crate::routes::lazy`]) everything that runs only once the token endpoint has answered is a
//! wasm chunk of its own (`fallible_validation`), which a first visit of the home page never
//! downloads: the token response's parsing and the session's making ([`finish_sign_in`]), the
//! ID-token validation with the JWKS parsing, the JOSE header and claims parsing, the 3.1.3.7
//! rules and the WebCrypto adapter ([`validate`]), the refresh grant's answer with its
//! refreshed ID token ([`renew`]) and the userinfo request ([`ask_user_name`]). Whoever is
//! about to need it fetches it early with [`preload`]: the callback page at start-up beside its
//! token POST, the popup flow when the popup opens, so the chunk never adds a request in
//! series. A session exists only after [`finish_sign_in`] ran, so a signed-in tab (redirect or
//! popup) has the chunk loaded when it refreshes or asks for the name.
//!
//! Unlike the lazy pages, these split points are fallible: a chunk that still fails after the
//! loader's retries (`scripts/wasm-split.mjs` reports the failure of every split module named
//! `fallible_*`) ends the sign-in with [`SignInError::ValidatorUnavailable`], shown to the
//! person, instead of a page waiting forever; a refresh takes it as a network failure (the
//! refresh token is kept, the refresh tried again), the name lookup leaves `sub` on screen.
//!
//! Each entry point is a `#[wasm_split]` function under the cfg and a plain `async fn` without
//! it (one wasm: same behaviour, nothing to load). A split function cannot be `async` (it
//! crosses the split as `extern "C"`) nor take `self`, so it takes its values owned and returns
//! the boxed future, which the wrapper awaits, as `#[leptos::lazy]` does for an `async fn`.

use std::sync::Arc;

use erpnet_instance_id::{
    AccessToken, ClientId, ClockOffset, HttpRequest, IdToken, IdTokenClaims, IdTokenVerifier,
    Nonce, RefreshToken,
};

use crate::auth::error::SignInError;
use crate::auth::jwks::RawJwks;
use crate::auth::redeem::{Answer, Redeemed};
use crate::auth::refresh::Failure;
use crate::auth::{Auth, Instance, Session};
use crate::browser::webcrypto::WebCryptoVerifier;

/// What the ID token is checked against, besides the keys and the provider.
pub(super) enum Against {
    /// A sign-in's ID token: the nonce sent with its authorization request.
    Nonce(Nonce),
    /// A refreshed ID token: the claims of the session's sign-in (OIDC Core 12.2).
    Refreshed(IdTokenClaims),
}

/// One validation, owned: made by [`Validation::new`], the same for a sign-in and a refresh.
pub(super) struct Validation {
    /// The app's client ID (the audience).
    client_id: ClientId,
    /// The instance whose metadata names the issuer and the algorithms.
    instance: Arc<Instance>,
    /// The signing keys, as fetched: parsed here, in the chunk.
    keys: Arc<RawJwks>,
    /// The token to validate.
    id_token: IdToken,
    /// The access token issued with it (`at_hash`).
    access_token: AccessToken,
    /// Device time, Unix seconds.
    now: u64,
    /// Instance ID time minus device time.
    offset: ClockOffset,
    /// Nonce or original claims.
    against: Against,
}

impl Validation {
    /// `id_token`, issued with `access_token`, checked with `keys` for the app's client at
    /// `instance` and against `against`, at device time `now` corrected by `offset`.
    pub(super) fn new(
        instance: &Arc<Instance>,
        keys: Arc<RawJwks>,
        id_token: IdToken,
        access_token: AccessToken,
        now: u64,
        offset: ClockOffset,
        against: Against,
    ) -> Self {
        Self {
            client_id: instance.config.client.client_id().clone(),
            instance: instance.clone(),
            keys,
            id_token,
            access_token,
            now,
            offset,
            against,
        }
    }
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

/// The refresh grant sent and its answer made the session's next state
/// ([`crate::auth::refresh::renew_session`]), in the chunk. A chunk that cannot be loaded is
/// [`Failure::Unreachable`]: the request was never sent, the refresh token is still good.
#[cfg(wasm_split)]
#[leptos::wasm_split::wasm_split(
    fallible_validation,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(#[doc(hidden)] #[allow(dead_code)] preload_renew),
    return_wrapper(let future = _; { future.await } -> Result<(Session, Option<RefreshToken>), Failure>)
)]
pub(super) fn renew(
    auth: Auth,
    instance: Arc<Instance>,
    request: HttpRequest,
) -> Boxed<Result<(Session, Option<RefreshToken>), Failure>> {
    Box::pin(crate::auth::refresh::renew_session(auth, instance, request))
}

/// [`crate::auth::refresh::renew_session`] (one wasm).
#[cfg(not(wasm_split))]
pub(super) async fn renew(
    auth: Auth,
    instance: Arc<Instance>,
    request: HttpRequest,
) -> Result<(Session, Option<RefreshToken>), Failure> {
    crate::auth::refresh::renew_session(auth, instance, request).await
}

/// The person's name from the userinfo endpoint ([`crate::auth::refresh::user_name`]), in the
/// chunk; a chunk that cannot be loaded is an `Err` the caller ignores (`sub` stays shown).
#[cfg(wasm_split)]
#[leptos::wasm_split::wasm_split(
    fallible_validation,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(#[doc(hidden)] #[allow(dead_code)] preload_ask_user_name),
    return_wrapper(let future = _; { future.await } -> Result<(), SignInError>)
)]
pub(super) fn ask_user_name(auth: Auth) -> Boxed<Result<(), SignInError>> {
    Box::pin(crate::auth::refresh::user_name(auth))
}

/// [`crate::auth::refresh::user_name`] (one wasm).
#[cfg(not(wasm_split))]
pub(super) async fn ask_user_name(auth: Auth) -> Result<(), SignInError> {
    crate::auth::refresh::user_name(auth).await
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

#[cfg(wasm_split)]
impl From<leptos::wasm_split::SplitLoaderError> for Failure {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        // Nothing was sent: like a refresh that could not reach the Instance ID, the refresh
        // token is kept and the refresh tried again later.
        Self::Unreachable
    }
}
