//! The signed-in session: in memory only.

use instance_id::{AccessToken, IdToken, IdTokenClaims, SessionTimes};

/// A signed-in user's tokens and validated claims. Lives only in a signal; never stored.
#[derive(Debug, Clone)]
pub struct Session {
    /// Bearer token for the Domain API.
    pub access_token: AccessToken,
    /// The raw ID token, kept as the `id_token_hint` for sign-out.
    pub id_token: IdToken,
    /// The ID token's validated claims.
    pub claims: IdTokenClaims,
    /// Granted scopes (from the token response, else the requested ones).
    pub scopes: Vec<String>,
    /// When the access token was issued and when it expires.
    pub times: SessionTimes,
}

impl Session {
    /// The name to show: the `name` claim, else `sub`.
    pub fn display_name(&self) -> &str {
        self.claims
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.claims.sub)
    }
}
