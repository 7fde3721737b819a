//! The instance's signing keys: fetched early, carried across a redirect, and fetched once
//! more when a token names a key the set does not know (rotation).

use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;

use erpnet_instance_id::{jwks_request, parse_jwks, JwkSet};

use crate::auth::error::SignInError;
use crate::auth::{Auth, Instance};
use crate::browser::http;

/// Fetches the instance's JWKS.
pub(super) async fn fetch_jwks(instance: &Instance) -> Result<JwkSet, SignInError> {
    let resp = http::send(&jwks_request(&instance.metadata))
        .await
        .map_err(SignInError::JwksUnreachable)?;
    Ok(parse_jwks(resp.as_core())?)
}

impl Auth {
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
