//! The authorization request URL (OIDC Core 3.1.2.1 with PKCE).

use url::Url;

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::http::with_query_pairs;
use crate::pkce::PendingRequest;

/// Optional authorization request parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeOptions {
    /// `prompt`, e.g. `"none"` (silent restore) or `"login"`.
    pub prompt: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `ui_locales`, space-separated BCP 47 tags.
    pub ui_locales: Option<String>,
    /// `max_age` in seconds. Pass the same value to the ID token checks
    /// ([`crate::IdTokenVerifier::set_max_age`]) so `auth_time` is verified.
    pub max_age: Option<u64>,
}

/// The URL to send the browser to: the provider's authorization endpoint (keeping any query it
/// has) with `client_id`, `redirect_uri`, `response_type=code`, `scope`, `state`, `nonce`,
/// `code_challenge`, `code_challenge_method=S256`, then the options that are set. Every value
/// is percent-encoded (spaces as `%20`).
pub fn authorization_url(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    pending: &PendingRequest,
    options: &AuthorizeOptions,
) -> Url {
    let scope = config.scope_string();
    let challenge = pending.verifier.challenge();
    let max_age = options.max_age.map(|m| m.to_string());
    let mut pairs: Vec<(&str, &str)> = vec![
        ("client_id", config.client_id().as_str()),
        ("redirect_uri", config.redirect_uri().as_str()),
        ("response_type", "code"),
        ("scope", &scope),
        ("state", pending.state.as_str()),
        ("nonce", pending.nonce.as_str()),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let optional = [
        ("prompt", options.prompt.as_deref()),
        ("login_hint", options.login_hint.as_deref()),
        ("ui_locales", options.ui_locales.as_deref()),
        ("max_age", max_age.as_deref()),
    ];
    pairs.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name, v))),
    );
    with_query_pairs(&metadata.authorization_endpoint, pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn metadata() -> ProviderMetadata {
        ProviderMetadata {
            issuer: crate::IssuerUrl::new("https://x.my.erp.net/id").unwrap(),
            authorization_endpoint: Url::parse("https://x.my.erp.net/id/connect/authorize")
                .unwrap(),
            token_endpoint: Url::parse("https://x.my.erp.net/id/connect/token").unwrap(),
            end_session_endpoint: None,
            jwks_uri: Url::parse("https://x.my.erp.net/id/jwks").unwrap(),
            userinfo_endpoint: None,
            revocation_endpoint: None,
            check_session_iframe: None,
            code_challenge_methods_supported: vec!["S256".into()],
            id_token_signing_alg_values_supported: vec!["RS256".into()],
            authorization_response_iss_parameter_supported: false,
            scopes_supported: vec![],
            response_types_supported: vec![],
        }
    }

    #[test]
    fn url_has_every_parameter_encoded() {
        let config = ClientConfig::new(
            "https://x.my.erp.net",
            "spa.example.com",
            "openid profile read update",
            "https://spa.example.com/",
        )
        .unwrap();
        let mut zero = |b: &mut [u8]| b.fill(0);
        let pending = PendingRequest::new(&mut zero, 0, "/x");
        let url = authorization_url(&config, &metadata(), &pending, &AuthorizeOptions::default());
        let s = url.as_str();
        assert!(s.starts_with("https://x.my.erp.net/id/connect/authorize?client_id=spa.example.com&redirect_uri=https%3A%2F%2Fspa.example.com%2Fsignin-callback&response_type=code&scope=openid%20profile%20read%20update&state="), "{s}");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("state"), Some(pending.state.as_str()));
        assert_eq!(get("nonce"), Some(pending.nonce.as_str()));
        assert_eq!(
            get("code_challenge"),
            Some(pending.verifier.challenge().as_str())
        );
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(get("scope"), Some("openid profile read update"));
        assert_eq!(get("prompt"), None);
        assert_eq!(pairs.len(), 8);

        let options = AuthorizeOptions {
            prompt: Some("none".into()),
            login_hint: Some("a b&c=d@x".into()),
            ui_locales: Some("bg en".into()),
            max_age: Some(300),
        };
        let url = authorization_url(&config, &metadata(), &pending, &options);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs.len(), 12);
        assert_eq!(pairs[8], ("prompt".into(), "none".into()));
        assert_eq!(pairs[9], ("login_hint".into(), "a b&c=d@x".into()));
        assert_eq!(pairs[10], ("ui_locales".into(), "bg en".into()));
        assert_eq!(pairs[11], ("max_age".into(), "300".into()));
        assert!(url.as_str().contains("login_hint=a%20b%26c%3Dd%40x"));
    }
}
