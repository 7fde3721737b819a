//! The instance's signing keys: fetched early, carried across a redirect, and fetched once
//! more when a token names a key the set does not know (rotation).

use futures::channel::oneshot;
use leptos::prelude::*;
use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use erpnet_instance_id::{jwks_request, parse_jwks, IdTokenError, JwkSet};

use crate::auth::error::SignInError;
use crate::auth::{Auth, Instance};
use crate::browser::http;

thread_local! {
    /// While start-up's key prefetch is in flight: who waits for it to end.
    static PREFETCH: RefCell<Option<Vec<oneshot::Sender<()>>>> = const { RefCell::new(None) };
}

/// Resolves once no key prefetch is in flight (at once when none is): a redirect sign-in waits
/// for it, so the keys travel with it and the callback's only request stays the token POST.
pub(super) fn prefetch_done() -> impl Future<Output = ()> {
    let waiting = PREFETCH.with(|p| {
        p.borrow_mut().as_mut().map(|waiters| {
            let (tx, rx) = oneshot::channel();
            waiters.push(tx);
            rx
        })
    });
    async move {
        if let Some(rx) = waiting {
            let _ = rx.await;
        }
    }
}

/// Fetches the instance's JWKS.
pub(super) async fn fetch_jwks(instance: &Instance) -> Result<JwkSet, SignInError> {
    let resp = http::send(&jwks_request(&instance.metadata))
        .await
        .map_err(SignInError::JwksUnreachable)?;
    Ok(parse_jwks(resp.as_core())?)
}

impl Auth {
    /// Fetches the keys ahead of any token response, unless they are known already.
    pub(super) async fn prefetch_jwks(&self, instance: &Instance) {
        if self.jwks.with_untracked(Option::is_some) {
            return;
        }
        PREFETCH.with(|p| *p.borrow_mut() = Some(Vec::new()));
        if let Ok(jwks) = fetch_jwks(instance).await {
            self.jwks.set(Some(Arc::new(jwks)));
        }
        for waiter in PREFETCH.with(|p| p.borrow_mut().take()).unwrap_or_default() {
            let _ = waiter.send(());
        }
    }

    /// Runs an ID-token validation with `jwks`; on a key the set does not know (rotation),
    /// fetches the JWKS once more and decides for good.
    pub(super) async fn with_keys<T, F, Fut>(
        &self,
        instance: &Instance,
        jwks: Arc<JwkSet>,
        validate: F,
    ) -> Result<T, SignInError>
    where
        F: Fn(Arc<JwkSet>) -> Fut,
        Fut: Future<Output = Result<T, IdTokenError>>,
    {
        match validate(jwks).await {
            Err(e) if e.should_refetch_jwks() => {
                let fresh = Arc::new(fetch_jwks(instance).await?);
                self.jwks.set(Some(fresh.clone()));
                Ok(validate(fresh).await?)
            }
            other => Ok(other?),
        }
    }
}
