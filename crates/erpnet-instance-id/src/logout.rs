//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).

use subtle::ConstantTimeEq;
use url::Url;

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::http::with_query_pairs;
use crate::pkce::State;
use crate::token::IdToken;

/// The end-session URL: the provider's `end_session_endpoint` with `id_token_hint` (when
/// given), `post_logout_redirect_uri` (the app base), `client_id` and `state`. `None` when the
/// provider has no end-session endpoint (then only the local session can be forgotten).
pub fn end_session_url(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    id_token_hint: Option<&IdToken>,
    state: &State,
) -> Option<Url> {
    let endpoint = metadata.end_session_endpoint.as_ref()?;
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(4);
    if let Some(hint) = id_token_hint {
        pairs.push(("id_token_hint", hint.secret()));
    }
    pairs.push((
        "post_logout_redirect_uri",
        config.post_logout_redirect_uri().as_str(),
    ));
    pairs.push(("client_id", config.client_id().as_str()));
    pairs.push(("state", state.as_str()));
    Some(with_query_pairs(endpoint, pairs))
}

/// Why a post-logout return was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogoutError {
    /// The return carries no `state`.
    #[error("the post-logout return has no state")]
    StateMissing,
    /// The `state` differs from the one sent.
    #[error("the post-logout return's state does not match")]
    StateMismatch,
    /// `state` appears more than once.
    #[error("the post-logout return repeats state")]
    DuplicateState,
}

impl LogoutError {
    /// The stable error code: always `"state_mismatch"`.
    pub fn code(&self) -> &'static str {
        "state_mismatch"
    }
}

/// Checks the return to the post-logout redirect URI: its query `state` must equal
/// `expected_state` (constant-time comparison).
pub fn parse_logout_return(url: &Url, expected_state: &State) -> Result<(), LogoutError> {
    let mut states = url
        .query_pairs()
        .filter(|(k, _)| k == "state")
        .map(|(_, v)| v);
    let state = states.next().ok_or(LogoutError::StateMissing)?;
    if states.next().is_some() {
        return Err(LogoutError::DuplicateState);
    }
    if bool::from(state.as_bytes().ct_eq(expected_state.as_str().as_bytes())) {
        Ok(())
    } else {
        Err(LogoutError::StateMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(endpoint: Option<&str>) -> (ClientConfig, ProviderMetadata) {
        let config = ClientConfig::new(
            "https://x.my.erp.net",
            "spa.example.com",
            "openid",
            "https://spa.example.com/app/",
        )
        .unwrap();
        let metadata = ProviderMetadata {
            issuer: crate::IssuerUrl::new("https://x.my.erp.net/id").unwrap(),
            authorization_endpoint: Url::parse("https://x.my.erp.net/id/a").unwrap(),
            token_endpoint: Url::parse("https://x.my.erp.net/id/t").unwrap(),
            end_session_endpoint: endpoint.map(|e| Url::parse(e).unwrap()),
            jwks_uri: Url::parse("https://x.my.erp.net/id/j").unwrap(),
            userinfo_endpoint: None,
            revocation_endpoint: None,
            check_session_iframe: None,
            code_challenge_methods_supported: vec![],
            id_token_signing_alg_values_supported: vec![],
            authorization_response_iss_parameter_supported: false,
            scopes_supported: vec![],
            response_types_supported: vec![],
        };
        (config, metadata)
    }

    fn state() -> State {
        let mut rng = |b: &mut [u8]| b.fill(3);
        State::generate(&mut rng)
    }

    #[test]
    fn end_session_url_parameters() {
        let (config, metadata) = setup(Some("https://x.my.erp.net/id/connect/endsession"));
        let s = state();
        let hint = IdToken::new("h.p.s");
        let url = end_session_url(&config, &metadata, Some(&hint), &s).unwrap();
        assert_eq!(
            url.as_str(),
            format!(
                "https://x.my.erp.net/id/connect/endsession?id_token_hint=h.p.s&post_logout_redirect_uri=https%3A%2F%2Fspa.example.com%2Fapp%2F&client_id=spa.example.com&state={}",
                s.as_str()
            )
        );
        let url = end_session_url(&config, &metadata, None, &s).unwrap();
        assert!(!url.as_str().contains("id_token_hint"));
        let (config, metadata) = setup(None);
        assert!(end_session_url(&config, &metadata, Some(&hint), &s).is_none());
    }

    #[test]
    fn logout_return_state() {
        let s = state();
        let base = "https://spa.example.com/app/";
        let ok = Url::parse(&format!("{base}?state={}", s.as_str())).unwrap();
        assert_eq!(parse_logout_return(&ok, &s), Ok(()));
        let e = parse_logout_return(&Url::parse(base).unwrap(), &s).unwrap_err();
        assert_eq!(
            (e.clone(), e.code()),
            (LogoutError::StateMissing, "state_mismatch")
        );
        let bad = Url::parse(&format!("{base}?state=x{}", s.as_str())).unwrap();
        assert_eq!(
            parse_logout_return(&bad, &s),
            Err(LogoutError::StateMismatch)
        );
        let dup = Url::parse(&format!("{base}?state={0}&state={0}", s.as_str())).unwrap();
        assert_eq!(
            parse_logout_return(&dup, &s),
            Err(LogoutError::DuplicateState)
        );
    }
}
