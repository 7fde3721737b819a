//! The signed-in session: in memory only.

use erpnet_instance_id::{AccessToken, IdToken, IdTokenClaims, SessionTimes};

/// A signed-in user's tokens and validated claims. Lives only in a signal; never stored. (The
/// refresh token, one-shot and not `Clone`, is kept apart by the auth context.)
#[derive(Debug, Clone)]
pub struct Session {
    /// Bearer token for the Domain API.
    pub access_token: AccessToken,
    /// The newest raw ID token, kept as the `id_token_hint` for sign-out.
    pub id_token: IdToken,
    /// The newest ID token's validated claims.
    pub claims: IdTokenClaims,
    /// The claims of the sign-in's ID token: every refreshed one must match them (OIDC Core 12.2).
    pub signin_claims: IdTokenClaims,
    /// The person's name from the userinfo endpoint (the Instance ID's ID tokens carry none),
    /// once it answered for the same `sub`.
    pub user_name: Option<String>,
    /// Granted scopes (from the token response, else the requested ones).
    pub scopes: Vec<String>,
    /// When the access token was issued and when it expires.
    pub times: SessionTimes,
}

impl Session {
    /// The name to show: the `name` claim, else the userinfo name, else `sub`.
    pub fn display_name(&self) -> &str {
        let non_empty = |n: &&str| !n.trim().is_empty();
        self.claims
            .name
            .as_deref()
            .filter(non_empty)
            .or(self.user_name.as_deref().filter(non_empty))
            .unwrap_or(&self.claims.sub)
    }
}
