//! The instance's signing keys: fetched early, carried across a redirect, and fetched once
//! more when a token names a key the set does not know (rotation). They are kept as the
//! network gave them ([`RawJwks`]) and parsed where they are used, the ID-token validation's
//! and the diagnostics page's wasm chunks: the main wasm has no JWK parser.

use futures::channel::oneshot;
use leptos::prelude::*;
use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use erpnet_instance_id::{jwks_request, parse_jwks, HttpResponse, JwkSet, JwksError};

use crate::auth::error::SignInError;
use crate::auth::in_flight::InFlight;
use crate::auth::{Auth, Instance};
use crate::browser::http;

thread_local! {
    /// Start-up's key prefetch: in flight or not, and who waits for it to end.
    static PREFETCH: RefCell<InFlight<oneshot::Sender<()>>> =
        const { RefCell::new(InFlight::idle()) };
}

/// Resolves once no key prefetch is in flight (at once when none is): a redirect sign-in waits
/// for it, so the keys travel with it and the callback's only request stays the token POST.
pub(super) fn prefetch_done() -> impl Future<Output = ()> {
    let waiting = PREFETCH.with(|p| p.borrow_mut().wait(oneshot::channel));
    async move {
        if let Some(rx) = waiting {
            let _ = rx.await;
        }
    }
}

/// The instance's JWKS as fetched (a 2xx answer), not parsed yet: [`RawJwks::parse`].
#[derive(Debug, Clone)]
pub struct RawJwks {
    /// The `Content-Type` header, if any (the core checks it is JSON).
    content_type: Option<String>,
    /// The body.
    body: Vec<u8>,
}

impl RawJwks {
    /// The keys: the core's `parse_jwks` (JSON, a `keys` array, at least one usable key).
    pub fn parse(&self) -> Result<JwkSet, JwksError> {
        parse_jwks(HttpResponse {
            status: 200,
            content_type: self.content_type.as_deref(),
            body: &self.body,
        })
    }

    /// The content type and the body as text, to carry across a redirect; `None` for a body
    /// that is not UTF-8 (not JSON either: the callback page fetches the keys again).
    pub(super) fn to_text(&self) -> Option<(Option<String>, String)> {
        let body = String::from_utf8(self.body.clone()).ok()?;
        Some((self.content_type.clone(), body))
    }

    /// What [`RawJwks::to_text`] gave (storage is input: it is parsed like a fresh answer).
    pub(super) fn from_text(content_type: Option<String>, body: String) -> Self {
        Self {
            content_type,
            body: body.into_bytes(),
        }
    }
}

/// Fetches the instance's JWKS; a status other than 2xx is an error here, the rest is judged
/// when the keys are parsed.
pub(super) async fn fetch_jwks(instance: &Instance) -> Result<RawJwks, SignInError> {
    let resp = http::send(&jwks_request(&instance.metadata))
        .await
        .map_err(SignInError::JwksUnreachable)?;
    if !resp.as_core().is_success() {
        return Err(JwksError::HttpStatus {
            status: resp.status,
        }
        .into());
    }
    Ok(RawJwks {
        content_type: resp.content_type,
        body: resp.body,
    })
}

impl Auth {
    /// Fetches the keys ahead of any token response, unless they are known already; while a
    /// prefetch is in flight, waits for that one instead (one fetch, its waiters kept).
    pub(super) async fn prefetch_jwks(&self, instance: &Instance) {
        if self.jwks.with_untracked(Option::is_some) {
            return;
        }
        if !PREFETCH.with(|p| p.borrow_mut().start()) {
            return prefetch_done().await;
        }
        if let Ok(jwks) = fetch_jwks(instance).await {
            self.jwks.set(Some(Arc::new(jwks)));
        }
        for waiter in PREFETCH.with(|p| p.borrow_mut().finish()) {
            let _ = waiter.send(());
        }
    }

    /// Runs an ID-token validation with `jwks`; on a key the set does not know (rotation),
    /// fetches the JWKS once more and decides for good.
    pub(super) async fn with_keys<T, F, Fut>(
        &self,
        instance: &Instance,
        jwks: Arc<RawJwks>,
        validate: F,
    ) -> Result<T, SignInError>
    where
        F: Fn(Arc<RawJwks>) -> Fut,
        Fut: Future<Output = Result<T, SignInError>>,
    {
        match validate(jwks).await {
            Err(SignInError::IdToken(e)) if e.should_refetch_jwks() => {
                let fresh = Arc::new(fetch_jwks(instance).await?);
                self.jwks.set(Some(fresh.clone()));
                validate(fresh).await
            }
            other => other,
        }
    }
}
