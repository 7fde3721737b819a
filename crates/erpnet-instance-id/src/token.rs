//! The token request (RFC 6749 4.1.3 with PKCE, public client) and its response (5.1, 5.2).

use std::fmt;

use serde_json::Value;

use crate::callback::AuthorizationCode;
use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::http::{encode_pairs, HttpMethod, HttpRequest, HttpResponse};
use crate::pkce::PkceVerifier;
use crate::quoted::Quoted;

/// Describes the token request: a form-encoded `POST` to the token endpoint with
/// `grant_type=authorization_code`, `client_id`, `code`, `redirect_uri` and `code_verifier`.
/// A public client never sends a secret. The one-shot code and verifier are consumed.
pub fn token_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    code: AuthorizationCode,
    verifier: PkceVerifier,
) -> HttpRequest {
    let body = encode_pairs([
        ("grant_type", "authorization_code"),
        ("client_id", config.client_id().as_str()),
        ("code", code.secret()),
        ("redirect_uri", config.redirect_uri().as_str()),
        ("code_verifier", verifier.secret()),
    ]);
    HttpRequest {
        method: HttpMethod::Post,
        url: metadata.token_endpoint.clone(),
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

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps a token.
            pub fn new(token: impl Into<String>) -> Self {
                $name(token.into())
            }

            /// The token itself. Keep it in memory only.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_string!(
    /// The access token (a bearer credential for the Domain API). `Debug` prints `[redacted]`;
    /// deliberately not `Serialize`, so it cannot be written to storage by accident.
    AccessToken
);
secret_string!(
    /// The ID token, a compact JWS, not yet validated ([`crate::IdTokenVerifier::verify`]). `Debug`
    /// prints `[redacted]`; deliberately not `Serialize`.
    IdToken
);

/// The refresh token (RFC 6749 1.5), issued with `offline_access`. A credential that outlives
/// the access token: keep it in memory only, never in any storage, URL, log or message.
///
/// Not `Clone`: the Instance ID's refresh tokens are one-time (each use returns a new one and
/// the old one dies), so there is only ever one live copy, replaced by each refresh
/// ([`crate::refresh_token_request`]). `Debug` prints `[redacted]`; not `Serialize`.
pub struct RefreshToken(String);

impl RefreshToken {
    /// Wraps a refresh token.
    pub fn new(token: impl Into<String>) -> Self {
        RefreshToken(token.into())
    }

    /// The token itself, for the refresh and revocation requests only.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken([redacted])")
    }
}

/// A successful token response. The ID token still has to be validated.
///
/// Not `Clone` (it may hold the one-time [`RefreshToken`]): move its parts where they go.
#[derive(Debug)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: AccessToken,
    /// `token_type`, checked to be `Bearer` (ASCII case-insensitive).
    pub token_type: String,
    /// `expires_in` in seconds, if given.
    pub expires_in: Option<u64>,
    /// `id_token` (required: the request asked for `openid`).
    pub id_token: IdToken,
    /// `scope`, if given (the granted scopes when they differ from the requested ones).
    pub scope: Option<String>,
    /// `refresh_token`, if the provider issued one (the request asked for `offline_access`
    /// and the client may have it).
    pub refresh_token: Option<RefreshToken>,
}

/// Why a token response was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The provider answered with an RFC 6749 5.2 error body.
    #[error("the token endpoint answered {error}{}", .error_description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Provider {
        /// The HTTP status.
        status: u16,
        /// `error`, e.g. `invalid_grant`.
        error: String,
        /// `error_description`.
        error_description: Option<String>,
        /// `error_uri`.
        error_uri: Option<String>,
    },
    /// A non-2xx status without an RFC 6749 error body (e.g. an HTML error page).
    #[error("the token endpoint answered HTTP {status} (Content-Type {})", Quoted(.content_type))]
    HttpStatus {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`.
        content_type: Option<String>,
    },
    /// A 2xx response that is not JSON.
    #[error("the token response is not JSON (Content-Type {})", Quoted(.content_type))]
    NotJson {
        /// The `Content-Type`.
        content_type: Option<String>,
    },
    /// A 2xx JSON response whose body is not valid JSON.
    #[error("the token response is not valid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// Valid JSON, but not an object.
    #[error("the token response is not a JSON object")]
    NotAnObject,
    /// A required member is absent or empty.
    #[error("the token response lacks {0}")]
    MissingField(&'static str),
    /// A member has the wrong type.
    #[error("the token response's {0} has the wrong type")]
    InvalidField(&'static str),
    /// `token_type` is not `Bearer`.
    #[error("the token type {} is not Bearer", Quoted(.token_type))]
    UnsupportedTokenType {
        /// The `token_type` received.
        token_type: String,
    },
}

impl TokenError {
    /// The stable error code: `"token_error"` for the provider's own error body, otherwise
    /// `"token_response_invalid"`.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Provider { .. } => "token_error",
            _ => "token_response_invalid",
        }
    }
}

fn error_body(status: u16, obj: &serde_json::Map<String, Value>) -> Option<TokenError> {
    let error = obj.get("error")?.as_str()?.to_owned();
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(TokenError::Provider {
        status,
        error,
        error_description: text("error_description"),
        error_uri: text("error_uri"),
    })
}

/// Parses the token endpoint's response.
///
/// - non-2xx with a JSON body carrying `error`: [`TokenError::Provider`] (code `token_error`);
/// - any other non-2xx: [`TokenError::HttpStatus`];
/// - 2xx but not JSON, invalid JSON, not an object: [`TokenError::NotJson`],
///   [`TokenError::InvalidJson`], [`TokenError::NotAnObject`];
/// - a 2xx object carrying `error` is treated as the provider's error too;
/// - `access_token`, `token_type` (`Bearer`, case-insensitive) and `id_token` are required;
///   `expires_in` may be a number or a string of digits.
/// - `refresh_token`, when present, must be a non-empty string.
pub fn parse_token_response(resp: HttpResponse<'_>) -> Result<TokenResponse, TokenError> {
    let fields = parse_fields(resp, true)?;
    Ok(TokenResponse {
        access_token: fields.access_token,
        token_type: fields.token_type,
        expires_in: fields.expires_in,
        // `parse_fields(_, true)` refuses a response without one.
        id_token: fields
            .id_token
            .ok_or(TokenError::MissingField("id_token"))?,
        scope: fields.scope,
        refresh_token: fields.refresh_token,
    })
}

/// The members of a successful token response; `id_token` optional unless required.
pub(crate) struct Fields {
    pub(crate) access_token: AccessToken,
    pub(crate) token_type: String,
    pub(crate) expires_in: Option<u64>,
    pub(crate) id_token: Option<IdToken>,
    pub(crate) scope: Option<String>,
    pub(crate) refresh_token: Option<RefreshToken>,
}

/// The shared parser of [`parse_token_response`] and [`crate::parse_refresh_response`].
pub(crate) fn parse_fields(
    resp: HttpResponse<'_>,
    id_token_required: bool,
) -> Result<Fields, TokenError> {
    if !resp.is_success() {
        if resp.is_json() {
            if let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(resp.body) {
                if let Some(err) = error_body(resp.status, &obj) {
                    return Err(err);
                }
            }
        }
        return Err(TokenError::HttpStatus {
            status: resp.status,
            content_type: resp.content_type.map(str::to_owned),
        });
    }
    if !resp.is_json() {
        return Err(TokenError::NotJson {
            content_type: resp.content_type.map(str::to_owned),
        });
    }
    let value: Value = serde_json::from_slice(resp.body).map_err(TokenError::InvalidJson)?;
    let Value::Object(obj) = value else {
        return Err(TokenError::NotAnObject);
    };
    if let Some(err) = error_body(resp.status, &obj) {
        return Err(err);
    }
    let required = |k: &'static str| match obj.get(k) {
        None | Some(Value::Null) => Err(TokenError::MissingField(k)),
        Some(Value::String(s)) if s.is_empty() => Err(TokenError::MissingField(k)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(TokenError::InvalidField(k)),
    };
    let access_token = required("access_token")?;
    let token_type = required("token_type")?;
    if !token_type.eq_ignore_ascii_case("Bearer") {
        return Err(TokenError::UnsupportedTokenType { token_type });
    }
    let optional = |k: &'static str| match obj.get(k) {
        None | Some(Value::Null) => Ok(None),
        _ => required(k).map(Some),
    };
    let id_token = if id_token_required {
        Some(required("id_token")?)
    } else {
        optional("id_token")?
    };
    let expires_in = match obj.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().ok_or(TokenError::InvalidField("expires_in"))?),
        Some(Value::String(s)) => Some(
            s.parse::<u64>()
                .map_err(|_| TokenError::InvalidField("expires_in"))?,
        ),
        Some(_) => return Err(TokenError::InvalidField("expires_in")),
    };
    let scope = match obj.get("scope") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(TokenError::InvalidField("scope")),
    };
    let refresh_token = optional("refresh_token")?;
    Ok(Fields {
        access_token: AccessToken(access_token),
        token_type,
        expires_in,
        id_token: id_token.map(IdToken),
        scope,
        refresh_token: refresh_token.map(RefreshToken),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn json(status: u16, body: &str) -> HttpResponse<'_> {
        HttpResponse {
            status,
            content_type: Some("application/json;charset=UTF-8"),
            body: body.as_bytes(),
        }
    }

    #[test]
    fn request_is_a_form_post_without_secret() {
        let config = ClientConfig::new(
            "https://mycompany.my.erp.net",
            "spa.example.com",
            "openid",
            "https://spa.example.com/",
        )
        .unwrap();
        let metadata = crate::discovery::ProviderMetadata {
            issuer: crate::IssuerUrl::new("https://mycompany.my.erp.net/id").unwrap(),
            authorization_endpoint: Url::parse("https://mycompany.my.erp.net/id/connect/authorize")
                .unwrap(),
            token_endpoint: Url::parse("https://mycompany.my.erp.net/id/connect/token").unwrap(),
            end_session_endpoint: None,
            jwks_uri: Url::parse("https://mycompany.my.erp.net/id/jwks").unwrap(),
            userinfo_endpoint: None,
            revocation_endpoint: None,
            check_session_iframe: None,
            code_challenge_methods_supported: vec![],
            id_token_signing_alg_values_supported: vec![],
            authorization_response_iss_parameter_supported: false,
            scopes_supported: vec![],
            response_types_supported: vec![],
        };
        let verifier =
            PkceVerifier::from_secret("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into())
                .unwrap();
        let req = token_request(
            &config,
            &metadata,
            AuthorizationCode::new("SplxlOBeZQQYbYS6WxSbIA"),
            verifier,
        );
        assert_eq!(req.method, HttpMethod::Post);
        assert_eq!(
            req.url.as_str(),
            "https://mycompany.my.erp.net/id/connect/token"
        );
        assert_eq!(
            req.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(req.header("Accept"), Some("application/json"));
        // Exactly the body of a real IdentityServer4 token response.
        assert_eq!(
            req.body.as_deref(),
            Some("grant_type=authorization_code&client_id=spa.example.com&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fspa.example.com%2Fsignin-callback&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        );
        assert!(!req.body.as_deref().unwrap_or_default().contains("secret"));
    }

    #[test]
    fn success() {
        let r = parse_token_response(json(
            200,
            r#"{"access_token":"at","token_type":"bearer","expires_in":3600,"id_token":"a.b.c","scope":"openid read"}"#,
        ))
        .unwrap();
        assert_eq!(r.access_token.secret(), "at");
        assert_eq!(r.id_token.secret(), "a.b.c");
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(r.scope.as_deref(), Some("openid read"));
        assert!(!format!("{r:?}").contains("a.b.c"));
        let r = parse_token_response(json(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":"60","id_token":"x"}"#,
        ))
        .unwrap();
        assert_eq!((r.expires_in, r.scope), (Some(60), None));
    }

    #[test]
    fn each_failure_is_distinct() {
        let e = parse_token_response(json(
            400,
            r#"{"error":"invalid_grant","error_description":"code expired","error_uri":"https://e"}"#,
        ))
        .unwrap_err();
        assert!(
            matches!(&e, TokenError::Provider { status: 400, error, error_description: Some(d), error_uri: Some(_) } if error == "invalid_grant" && d == "code expired")
        );
        assert_eq!(e.code(), "token_error");
        let e = parse_token_response(HttpResponse {
            status: 502,
            content_type: Some("text/html"),
            body: b"<h1>Bad gateway</h1>",
        })
        .unwrap_err();
        assert!(matches!(e, TokenError::HttpStatus { status: 502, .. }));
        assert_eq!(e.code(), "token_response_invalid");
        assert!(matches!(
            parse_token_response(json(500, "{}")).unwrap_err(),
            TokenError::HttpStatus { status: 500, .. }
        ));
        assert!(matches!(
            parse_token_response(json(200, "{not json")).unwrap_err(),
            TokenError::InvalidJson(_)
        ));
        assert!(matches!(
            parse_token_response(HttpResponse {
                status: 200,
                content_type: Some("text/plain"),
                body: b"{}"
            })
            .unwrap_err(),
            TokenError::NotJson { .. }
        ));
        assert!(matches!(
            parse_token_response(json(200, "[1]")).unwrap_err(),
            TokenError::NotAnObject
        ));
        assert!(matches!(
            parse_token_response(json(200, r#"{"error":"server_error"}"#)).unwrap_err(),
            TokenError::Provider { status: 200, .. }
        ));
        let cases = [
            (r#"{"token_type":"Bearer","id_token":"x"}"#, "access_token"),
            (
                r#"{"access_token":"","token_type":"Bearer","id_token":"x"}"#,
                "access_token",
            ),
            (r#"{"access_token":"a","id_token":"x"}"#, "token_type"),
            (r#"{"access_token":"a","token_type":"Bearer"}"#, "id_token"),
        ];
        for (body, field) in cases {
            let e = parse_token_response(json(200, body)).unwrap_err();
            assert!(
                matches!(e, TokenError::MissingField(f) if f == field),
                "{body}"
            );
        }
        let e = parse_token_response(json(
            200,
            r#"{"access_token":"a","token_type":"DPoP","id_token":"x"}"#,
        ))
        .unwrap_err();
        assert!(
            matches!(&e, TokenError::UnsupportedTokenType { token_type } if token_type == "DPoP")
        );
        for (body, field) in [
            (
                r#"{"access_token":1,"token_type":"Bearer","id_token":"x"}"#,
                "access_token",
            ),
            (
                r#"{"access_token":"a","token_type":"Bearer","id_token":"x","expires_in":-1}"#,
                "expires_in",
            ),
            (
                r#"{"access_token":"a","token_type":"Bearer","id_token":"x","expires_in":"soon"}"#,
                "expires_in",
            ),
            (
                r#"{"access_token":"a","token_type":"Bearer","id_token":"x","scope":["openid"]}"#,
                "scope",
            ),
        ] {
            let e = parse_token_response(json(200, body)).unwrap_err();
            assert!(
                matches!(e, TokenError::InvalidField(f) if f == field),
                "{body}"
            );
        }
    }
}
