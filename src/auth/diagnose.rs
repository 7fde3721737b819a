//! Checks a deployer runs from the Diagnostics page, behind the service so the page only
//! shows their answers.

use crate::auth::Instance;
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
