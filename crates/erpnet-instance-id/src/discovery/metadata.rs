//! The Instance ID's OpenID configuration (`.well-known/openid-configuration`).

use serde::{Deserialize, Serialize};
use url::Url;

use super::{check_json, parse_secure_url, DiscoveryError, InstanceEndpoints};
use crate::http::{HttpRequest, HttpResponse};
use crate::identity::IssuerUrl;

/// `GET {id_url}/.well-known/openid-configuration`.
pub fn metadata_request(endpoints: &InstanceEndpoints) -> HttpRequest {
    let raw = format!("{}/.well-known/openid-configuration", endpoints.id_url);
    // `id_url` was checked as a URL when the endpoints were built; a hand-made invalid one
    // falls back to the OData root's origin so the request still fails visibly, not a panic.
    let url = Url::parse(&raw).unwrap_or_else(|_| endpoints.odata_root.clone());
    HttpRequest::get_json(url)
}

/// The parts of the provider's OpenID configuration the client uses. It holds nothing secret,
/// so the app may carry it across a redirect in `sessionStorage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    /// The issuer identifier, equal to the Instance ID URL (checked: see [`IssuerUrl`]).
    pub issuer: IssuerUrl,
    /// Where the authorization request goes.
    #[serde(with = "crate::http::url_serde")]
    pub authorization_endpoint: Url,
    /// Where the token request goes.
    #[serde(with = "crate::http::url_serde")]
    pub token_endpoint: Url,
    /// Where RP-initiated logout goes, if supported.
    #[serde(with = "crate::http::url_serde::option", default)]
    pub end_session_endpoint: Option<Url>,
    /// Where the signing keys are.
    #[serde(with = "crate::http::url_serde")]
    pub jwks_uri: Url,
    /// The userinfo endpoint (OIDC Core 5.3), if advertised: where the person's name is when
    /// the ID token has none ([`crate::userinfo_request`]).
    #[serde(with = "crate::http::url_serde::option", default)]
    pub userinfo_endpoint: Option<Url>,
    /// The token revocation endpoint (RFC 7009), if advertised ([`crate::revocation_request`]).
    #[serde(with = "crate::http::url_serde::option", default)]
    pub revocation_endpoint: Option<Url>,
    /// The OIDC Session Management `check_session_iframe`, if advertised (recorded for the
    /// Diagnostics page; this client does not use it).
    #[serde(with = "crate::http::url_serde::option", default)]
    pub check_session_iframe: Option<Url>,
    /// PKCE methods the provider lists (empty when it lists none).
    pub code_challenge_methods_supported: Vec<String>,
    /// ID token signing algorithms the provider lists (empty when it lists none).
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// RFC 9207: whether authorization responses carry `iss`.
    pub authorization_response_iss_parameter_supported: bool,
    /// Scopes the provider lists.
    pub scopes_supported: Vec<String>,
    /// Response types the provider lists.
    pub response_types_supported: Vec<String>,
}

#[derive(Deserialize)]
struct RawMetadata {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    end_session_endpoint: Option<String>,
    jwks_uri: Option<String>,
    userinfo_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    check_session_iframe: Option<String>,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    scopes_supported: Vec<String>,
    #[serde(default)]
    response_types_supported: Vec<String>,
}

/// Parses `.well-known/openid-configuration`.
///
/// The response must be 2xx and JSON; `issuer` must equal `expected_issuer` byte for byte (no
/// normalisation of case or trailing slashes); `authorization_endpoint`, `token_endpoint` and
/// `jwks_uri` are required; every endpoint must be an absolute `https` URL (plain `http` only on
/// loopback hosts), the optional ones (`end_session_endpoint`, `userinfo_endpoint`,
/// `revocation_endpoint`, `check_session_iframe`) too when present. A provider that lists PKCE
/// methods must list `S256` (IdentityServer4 lists `["plain","S256"]`: accepted, and only
/// `S256` is ever sent); one that lists response types must list `code`.
pub fn parse_provider_metadata(
    expected_issuer: &str,
    resp: HttpResponse<'_>,
) -> Result<ProviderMetadata, DiscoveryError> {
    check_json(&resp)?;
    let raw: RawMetadata =
        serde_json::from_slice(resp.body).map_err(DiscoveryError::InvalidJson)?;
    let issuer = raw.issuer.ok_or(DiscoveryError::MissingField("issuer"))?;
    if issuer != expected_issuer {
        return Err(DiscoveryError::IssuerMismatch {
            expected: expected_issuer.to_owned(),
            found: issuer,
        });
    }
    // Equal to the expected issuer, which the caller derived from a checked URL; checked
    // again here so that an insecure or query-carrying issuer never becomes an `IssuerUrl`.
    let issuer = IssuerUrl::new(issuer).map_err(|_| DiscoveryError::InvalidUrl {
        field: "issuer",
        value: expected_issuer.to_owned(),
    })?;
    let required = |field: &'static str, value: Option<String>| {
        let value = value.ok_or(DiscoveryError::MissingField(field))?;
        parse_secure_url(field, &value)
    };
    let authorization_endpoint = required("authorization_endpoint", raw.authorization_endpoint)?;
    let token_endpoint = required("token_endpoint", raw.token_endpoint)?;
    let jwks_uri = required("jwks_uri", raw.jwks_uri)?;
    let optional = |field: &'static str, value: Option<String>| {
        value.map(|v| parse_secure_url(field, &v)).transpose()
    };
    let end_session_endpoint = optional("end_session_endpoint", raw.end_session_endpoint)?;
    let userinfo_endpoint = optional("userinfo_endpoint", raw.userinfo_endpoint)?;
    let revocation_endpoint = optional("revocation_endpoint", raw.revocation_endpoint)?;
    let check_session_iframe = optional("check_session_iframe", raw.check_session_iframe)?;
    if !raw.code_challenge_methods_supported.is_empty()
        && !raw
            .code_challenge_methods_supported
            .iter()
            .any(|m| m == "S256")
    {
        return Err(DiscoveryError::S256NotSupported {
            methods: raw.code_challenge_methods_supported,
        });
    }
    if !raw.response_types_supported.is_empty()
        && !raw.response_types_supported.iter().any(|t| t == "code")
    {
        return Err(DiscoveryError::CodeFlowNotSupported {
            types: raw.response_types_supported,
        });
    }
    Ok(ProviderMetadata {
        issuer,
        authorization_endpoint,
        token_endpoint,
        end_session_endpoint,
        jwks_uri,
        userinfo_endpoint,
        revocation_endpoint,
        check_session_iframe,
        code_challenge_methods_supported: raw.code_challenge_methods_supported,
        id_token_signing_alg_values_supported: raw.id_token_signing_alg_values_supported,
        authorization_response_iss_parameter_supported: raw
            .authorization_response_iss_parameter_supported,
        scopes_supported: raw.scopes_supported,
        response_types_supported: raw.response_types_supported,
    })
}

/// `GET {jwks_uri}`.
pub fn jwks_request(metadata: &ProviderMetadata) -> HttpRequest {
    let mut req = HttpRequest::get_json(metadata.jwks_uri.clone());
    req.headers[0].1 = "application/jwk-set+json, application/json".to_owned();
    req
}
