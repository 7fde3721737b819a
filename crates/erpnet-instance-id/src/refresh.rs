//! Refresh tokens: the refresh request (RFC 6749 6), its response, and revocation (RFC 7009).
//!
//! The Instance ID issues a refresh token with `offline_access` (24 h, one-time use: each
//! refresh returns a new one and the old one dies). The app keeps it in memory only, sends
//! [`refresh_token_request`] before the access token expires, replaces it with the one in the
//! [`RefreshResponse`], validates the new ID token with
//! [`crate::IdTokenVerifier::verify_refreshed`] (OIDC Core 12.2), and on sign-out sends
//! [`revocation_request`].

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::http::{encode_pairs, HttpMethod, HttpRequest, HttpResponse};
use crate::token::{parse_fields, AccessToken, IdToken, RefreshToken, TokenError};

fn form_post(url: url::Url, body: String) -> HttpRequest {
    HttpRequest {
        method: HttpMethod::Post,
        url,
        headers: vec![
            (
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("Accept".to_owned(), "application/json".to_owned()),
        ],
        body: Some(body),
    }
}

/// Describes the refresh request: a form-encoded `POST` to the token endpoint with
/// `grant_type=refresh_token`, `client_id` and `refresh_token` (a public client sends no
/// secret; no `scope`, so the grant keeps its scopes). `Debug` hides the body.
///
/// The token is borrowed, not consumed: if the request never reaches the Instance ID (network
/// failure) the old token is still the live one. Once a response arrives, replace it with
/// [`RefreshResponse::refresh_token`] (or drop it when the refresh was refused).
pub fn refresh_token_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    refresh_token: &RefreshToken,
) -> HttpRequest {
    let body = encode_pairs([
        ("grant_type", "refresh_token"),
        ("client_id", config.client_id().as_str()),
        ("refresh_token", refresh_token.secret()),
    ]);
    form_post(metadata.token_endpoint.clone(), body)
}

/// Describes the revocation of the refresh token (RFC 7009 2.1): a form-encoded `POST` to the
/// `revocation_endpoint` with `token`, `token_type_hint=refresh_token` and `client_id`.
/// `None` when the provider advertises no revocation endpoint.
///
/// The answer needs no parsing: RFC 7009 2.2 says 200 whether or not the token was still
/// valid; any other status means it may still be alive until it expires (24 h at ERP.net).
pub fn revocation_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    refresh_token: &RefreshToken,
) -> Option<HttpRequest> {
    let endpoint = metadata.revocation_endpoint.clone()?;
    let body = encode_pairs([
        ("token", refresh_token.secret()),
        ("token_type_hint", "refresh_token"),
        ("client_id", config.client_id().as_str()),
    ]);
    Some(form_post(endpoint, body))
}

/// A successful refresh response. Not `Clone` (it holds the one-time [`RefreshToken`]).
#[derive(Debug)]
pub struct RefreshResponse {
    /// The new access token.
    pub access_token: AccessToken,
    /// `token_type`, checked to be `Bearer` (ASCII case-insensitive).
    pub token_type: String,
    /// `expires_in` in seconds, if given.
    pub expires_in: Option<u64>,
    /// A new ID token, if the provider sent one (the Instance ID does, without `nonce`):
    /// validate it with [`crate::IdTokenVerifier::verify_refreshed`] before using anything else
    /// from this response.
    pub id_token: Option<IdToken>,
    /// The new refresh token, if any: it replaces the one just used (which the Instance ID
    /// has now invalidated). `None`: the provider keeps the old one valid (RFC 6749 6).
    pub refresh_token: Option<RefreshToken>,
    /// `scope`, if given.
    pub scope: Option<String>,
}

/// Parses the token endpoint's answer to [`refresh_token_request`]. The same rules as
/// [`crate::parse_token_response`] except that `id_token` may be absent (RFC 6749 6 does not
/// require one; OIDC Core 12.2 allows one).
///
/// A refused refresh (the token was used already, expired, or revoked) is
/// [`TokenError::Provider`] with `error` `"invalid_grant"` (HTTP 400): the session cannot be
/// extended; fall back to the expiry path.
pub fn parse_refresh_response(resp: HttpResponse<'_>) -> Result<RefreshResponse, TokenError> {
    let fields = parse_fields(resp, false)?;
    Ok(RefreshResponse {
        access_token: fields.access_token,
        token_type: fields.token_type,
        expires_in: fields.expires_in,
        id_token: fields.id_token,
        refresh_token: fields.refresh_token,
        scope: fields.scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn setup(revocation: Option<&str>) -> (ClientConfig, ProviderMetadata) {
        let config = ClientConfig::new(
            "https://testdb.my.erp.net",
            "spa.example.com",
            "openid profile offline_access",
            "https://spa.example.com/",
        )
        .unwrap();
        let body = serde_json::json!({
            "issuer": "https://testdb.my.erp.net/id",
            "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
            "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
            "jwks_uri": "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks",
            "revocation_endpoint": revocation,
        })
        .to_string();
        let metadata = crate::parse_provider_metadata(
            "https://testdb.my.erp.net/id",
            HttpResponse::json(body.as_bytes()),
        )
        .unwrap();
        (config, metadata)
    }

    #[test]
    fn refresh_request_is_a_form_post_without_secret() {
        let (config, metadata) = setup(None);
        let rt = RefreshToken::new("3F4A+/=&x");
        let req = refresh_token_request(&config, &metadata, &rt);
        assert_eq!(req.method, HttpMethod::Post);
        assert_eq!(
            req.url.as_str(),
            "https://testdb.my.erp.net/id/connect/token"
        );
        assert_eq!(
            req.header("Content-Type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            req.body.as_deref(),
            Some("grant_type=refresh_token&client_id=spa.example.com&refresh_token=3F4A%2B%2F%3D%26x")
        );
        let debug = format!("{req:?} {rt:?}");
        assert!(!debug.contains("3F4A"), "{debug}");
        assert!(debug.contains("RefreshToken([redacted])"));
    }

    #[test]
    fn revocation_request_only_with_an_endpoint() {
        let (config, metadata) = setup(None);
        let rt = RefreshToken::new("rt-1");
        assert!(revocation_request(&config, &metadata, &rt).is_none());
        let (config, metadata) = setup(Some("https://testdb.my.erp.net/id/connect/revocation"));
        let req = revocation_request(&config, &metadata, &rt).unwrap();
        assert_eq!(req.method, HttpMethod::Post);
        assert_eq!(
            req.url,
            Url::parse("https://testdb.my.erp.net/id/connect/revocation").unwrap()
        );
        assert_eq!(
            req.body.as_deref(),
            Some("token=rt-1&token_type_hint=refresh_token&client_id=spa.example.com")
        );
        assert!(!format!("{req:?}").contains("rt-1"));
    }

    #[test]
    fn insecure_revocation_endpoint_is_refused() {
        let body = serde_json::json!({
            "issuer": "https://testdb.my.erp.net/id",
            "authorization_endpoint": "https://testdb.my.erp.net/id/a",
            "token_endpoint": "https://testdb.my.erp.net/id/t",
            "jwks_uri": "https://testdb.my.erp.net/id/j",
            "revocation_endpoint": "http://testdb.my.erp.net/id/r",
        })
        .to_string();
        let e = crate::parse_provider_metadata(
            "https://testdb.my.erp.net/id",
            HttpResponse::json(body.as_bytes()),
        )
        .unwrap_err();
        assert!(matches!(
            e,
            crate::DiscoveryError::InvalidUrl {
                field: "revocation_endpoint",
                ..
            }
        ));
    }

    #[test]
    fn refresh_response_may_lack_an_id_token() {
        let r = parse_refresh_response(HttpResponse::json(
            br#"{"access_token":"at2","token_type":"Bearer","expires_in":3600,"refresh_token":"rt2","scope":"openid offline_access"}"#,
        ))
        .unwrap();
        assert!(r.id_token.is_none());
        assert_eq!(r.access_token.secret(), "at2");
        assert_eq!(
            r.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt2")
        );
        assert!(!format!("{r:?}").contains("rt2"));
        let r = parse_refresh_response(HttpResponse::json(
            br#"{"access_token":"at2","token_type":"Bearer","id_token":"a.b.c"}"#,
        ))
        .unwrap();
        assert_eq!(r.id_token.as_ref().map(IdToken::secret), Some("a.b.c"));
        assert!(r.refresh_token.is_none());
    }

    #[test]
    fn refused_refresh_is_the_providers_error() {
        let e = parse_refresh_response(HttpResponse {
            status: 400,
            content_type: Some("application/json; charset=UTF-8"),
            body: br#"{"error":"invalid_grant"}"#,
        })
        .unwrap_err();
        assert!(
            matches!(&e, TokenError::Provider { status: 400, error, .. } if error == "invalid_grant")
        );
        assert_eq!(e.code(), "token_error");
        for (body, field) in [
            (
                r#"{"access_token":"a","token_type":"Bearer","refresh_token":""}"#,
                "refresh_token",
            ),
            (r#"{"token_type":"Bearer"}"#, "access_token"),
            (
                r#"{"access_token":"a","token_type":"Bearer","id_token":""}"#,
                "id_token",
            ),
        ] {
            let e = parse_refresh_response(HttpResponse::json(body.as_bytes())).unwrap_err();
            assert!(
                matches!(e, TokenError::MissingField(f) if f == field),
                "{body}"
            );
        }
        let e = parse_refresh_response(HttpResponse::json(
            br#"{"access_token":"a","token_type":"Bearer","refresh_token":7}"#,
        ))
        .unwrap_err();
        assert!(matches!(e, TokenError::InvalidField("refresh_token")));
    }
}
