//! The userinfo endpoint (OIDC Core 5.3): where the Instance ID keeps the person's name.
//!
//! IdentityServer4 leaves `name` and `email` out of the ID token
//! (`AlwaysIncludeUserClaimsInIdToken` is false); with the `profile` scope they come from
//! userinfo, a `GET` with the access token as bearer. The answer is trusted only for the person
//! the ID token names: its `sub` must equal the verified ID token's (5.3.2), else it is refused.

use serde_json::Value;

use crate::discovery::ProviderMetadata;
use crate::http::{HttpMethod, HttpRequest, HttpResponse};
use crate::quoted::Quoted;
use crate::token::AccessToken;

/// Describes the userinfo request: `GET {userinfo_endpoint}` with `Authorization: Bearer
/// {access token}` and `Accept: application/json`. `None` when the provider advertises no
/// userinfo endpoint. `Debug` hides the `Authorization` value.
///
/// Send it off the sign-in's critical path (show `sub` first, the name when it arrives) and
/// with `credentials: "omit"`: the bearer token is the only credential.
pub fn userinfo_request(
    metadata: &ProviderMetadata,
    access_token: &AccessToken,
) -> Option<HttpRequest> {
    let url = metadata.userinfo_endpoint.clone()?;
    Some(HttpRequest {
        method: HttpMethod::Get,
        url,
        headers: vec![
            (
                "Authorization".to_owned(),
                format!("Bearer {}", access_token.secret()),
            ),
            ("Accept".to_owned(), "application/json".to_owned()),
        ],
        body: None,
    })
}

/// The userinfo claims this client uses. Only [`parse_userinfo`] makes one, after checking
/// `sub`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserInfo {
    /// `sub`: equal to the ID token's.
    pub sub: String,
    /// `name`, if present.
    pub name: Option<String>,
    /// `preferred_username`, if present.
    pub preferred_username: Option<String>,
    /// `email`, if present.
    pub email: Option<String>,
}

impl UserInfo {
    /// The best name to show: `name`, else `preferred_username`, else `email` (blank values
    /// skipped); `None` when userinfo names nobody better than `sub`.
    pub fn display_name(&self) -> Option<&str> {
        [&self.name, &self.preferred_username, &self.email]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .find(|v| !v.trim().is_empty())
    }
}

/// Why a userinfo answer was not used. The session is unaffected: the app keeps showing what
/// the ID token gave.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UserInfoError {
    /// A non-2xx status (401 when the access token is no longer accepted).
    #[error("the userinfo endpoint answered HTTP {status}")]
    HttpStatus {
        /// The HTTP status.
        status: u16,
    },
    /// A 2xx response that is not JSON (e.g. a signed `application/jwt` answer, which this
    /// client does not ask for).
    #[error("the userinfo answer is not JSON (HTTP {status}, Content-Type {})", Quoted(.content_type))]
    NotJson {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`.
        content_type: Option<String>,
    },
    /// The body is not valid JSON.
    #[error("the userinfo answer is not valid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// Valid JSON, but not an object.
    #[error("the userinfo answer is not a JSON object")]
    NotAnObject,
    /// No `sub`, or an empty one (OIDC Core 5.3.2 requires it).
    #[error("the userinfo answer has no sub")]
    SubMissing,
    /// `sub` differs from the ID token's: the answer is about someone else and is ignored.
    #[error("the userinfo answer is about another subject than the ID token")]
    SubMismatch,
    /// A claim has the wrong JSON type.
    #[error("the userinfo claim {0} has the wrong type")]
    InvalidField(&'static str),
}

impl UserInfoError {
    /// The stable error code: `"userinfo_failed"` (for diagnostics; never ends the session).
    pub fn code(&self) -> &'static str {
        "userinfo_failed"
    }
}

/// Parses the userinfo answer for the person whose verified ID token says `expected_sub`:
/// 2xx and JSON (`application/json`, `+json`) else [`UserInfoError::HttpStatus`] /
/// [`UserInfoError::NotJson`]; a JSON object; `sub` a non-empty string equal to
/// `expected_sub`; `name`, `preferred_username`, `email` optional strings (`null` is absent).
pub fn parse_userinfo(
    resp: HttpResponse<'_>,
    expected_sub: &str,
) -> Result<UserInfo, UserInfoError> {
    if !resp.is_success() {
        return Err(UserInfoError::HttpStatus {
            status: resp.status,
        });
    }
    if !resp.is_json() {
        return Err(UserInfoError::NotJson {
            status: resp.status,
            content_type: resp.content_type.map(str::to_owned),
        });
    }
    let value: Value = serde_json::from_slice(resp.body).map_err(UserInfoError::InvalidJson)?;
    let Value::Object(obj) = value else {
        return Err(UserInfoError::NotAnObject);
    };
    let text = |k: &'static str| match obj.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(UserInfoError::InvalidField(k)),
    };
    // OIDC Core 5.3.2: `sub` MUST be present and MUST be verified to match the ID token's;
    // otherwise the answer MUST NOT be used.
    let sub = match text("sub")? {
        Some(s) if !s.is_empty() => s,
        _ => return Err(UserInfoError::SubMissing),
    };
    if sub != expected_sub {
        return Err(UserInfoError::SubMismatch);
    }
    Ok(UserInfo {
        sub,
        name: text("name")?,
        preferred_username: text("preferred_username")?,
        email: text("email")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(userinfo: Option<&str>) -> ProviderMetadata {
        let body = serde_json::json!({
            "issuer": "https://testdb.my.erp.net/id",
            "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
            "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
            "jwks_uri": "https://testdb.my.erp.net/id/jwks",
            "userinfo_endpoint": userinfo,
        })
        .to_string();
        crate::parse_provider_metadata(
            "https://testdb.my.erp.net/id",
            HttpResponse::json(body.as_bytes()),
        )
        .unwrap()
    }

    #[test]
    fn request_carries_the_bearer_token_and_hides_it() {
        let at = AccessToken::new("eyJ.at.sig");
        assert!(userinfo_request(&metadata(None), &at).is_none());
        let m = metadata(Some("https://testdb.my.erp.net/id/connect/userinfo"));
        let req = userinfo_request(&m, &at).unwrap();
        assert_eq!(req.method, HttpMethod::Get);
        assert_eq!(
            req.url.as_str(),
            "https://testdb.my.erp.net/id/connect/userinfo"
        );
        assert_eq!(req.header("authorization"), Some("Bearer eyJ.at.sig"));
        assert_eq!(req.body, None);
        assert!(!format!("{req:?}").contains("eyJ.at.sig"));
    }

    #[test]
    fn answer_for_the_same_subject() {
        let u = parse_userinfo(
            HttpResponse::json(br#"{"sub":"1","name":"John Doe","preferred_username":"admin","email":null,"amr":["pwd"]}"#),
            "1",
        )
        .unwrap();
        assert_eq!(u.name.as_deref(), Some("John Doe"));
        assert_eq!(u.display_name(), Some("John Doe"));
        assert_eq!(u.email, None);
        let u = parse_userinfo(
            HttpResponse::json(br#"{"sub":"1","name":"  ","preferred_username":"admin"}"#),
            "1",
        )
        .unwrap();
        assert_eq!(u.display_name(), Some("admin"));
        let u = parse_userinfo(HttpResponse::json(br#"{"sub":"1"}"#), "1").unwrap();
        assert_eq!(u.display_name(), None);
    }

    #[test]
    fn every_refusal() {
        let run = |status: u16, ct: Option<&'static str>, body: &'static [u8]| {
            parse_userinfo(
                HttpResponse {
                    status,
                    content_type: ct,
                    body,
                },
                "1",
            )
            .unwrap_err()
        };
        let json = Some("application/json");
        assert!(matches!(
            run(401, json, b"{}"),
            UserInfoError::HttpStatus { status: 401 }
        ));
        assert!(matches!(
            run(200, Some("application/jwt"), b"a.b.c"),
            UserInfoError::NotJson { status: 200, .. }
        ));
        assert!(matches!(
            run(200, json, b"{"),
            UserInfoError::InvalidJson(_)
        ));
        assert!(matches!(run(200, json, b"[]"), UserInfoError::NotAnObject));
        assert!(matches!(
            run(200, json, br#"{"name":"x"}"#),
            UserInfoError::SubMissing
        ));
        assert!(matches!(
            run(200, json, br#"{"sub":""}"#),
            UserInfoError::SubMissing
        ));
        assert!(matches!(
            run(200, json, br#"{"sub":1}"#),
            UserInfoError::InvalidField("sub")
        ));
        let e = run(200, json, br#"{"sub":"2","name":"Mallory"}"#);
        assert!(matches!(e, UserInfoError::SubMismatch));
        assert_eq!(e.code(), "userinfo_failed");
        assert!(matches!(
            run(200, json, br#"{"sub":"1","name":["a"]}"#),
            UserInfoError::InvalidField("name")
        ));
    }
}
