//! Checks a deployer runs from the Diagnostics page, behind the service so the page only
//! shows their answers.

use std::sync::Arc;

use leptos::prelude::*;

use crate::auth::error::SignInError;
use crate::auth::jwks::{fetch_jwks, prefetch_done, RawJwks};
use crate::auth::{Auth, Instance};
use crate::browser::http;

/// Whether the browser lets the app read the token endpoint's answers (CORS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenEndpointCors {
    /// The endpoint answered with this HTTP status and the browser let the app read it.
    Allowed(u16),
    /// The browser blocked the answer (or the endpoint could not be reached at all).
    Blocked,
}

/// Probes the token endpoint with an invalid token request (no code, so nothing can be
/// redeemed): without CORS for this origin the browser can never redeem a code. Sent only
/// when a deployer asks.
pub async fn probe_token_endpoint_cors(instance: &Instance) -> TokenEndpointCors {
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    let url = instance.metadata.token_endpoint.as_str();
    match http::fetch("POST", url, &headers, Some("grant_type=authorization_code")).await {
        Ok(resp) => TokenEndpointCors::Allowed(resp.status),
        Err(_) => TokenEndpointCors::Blocked,
    }
}

/// How many usable signing keys the instance publishes, or why it has none the app can use:
/// the keys the app holds (`known`, after any prefetch in flight has ended), else a fetch of
/// the page's own, so a set start-up could not fetch says why instead of loading for ever.
/// The page's fetch is not kept: the sign-in fetches the keys it validates with.
pub async fn signing_key_count(
    auth: Auth,
    instance: Arc<Instance>,
    known: Option<Arc<RawJwks>>,
) -> Result<usize, SignInError> {
    let known = match known {
        Some(jwks) => Some(jwks),
        None => {
            prefetch_done().await;
            auth.jwks.get_untracked()
        }
    };
    let jwks = match known {
        Some(jwks) => jwks,
        None => Arc::new(fetch_jwks(&instance).await?),
    };
    Ok(jwks.parse()?.keys.len())
}
