//! Discovery: the instance's auto-discovery document (at `/sys/auto-discovery` or
//! `/tools/auto-discovery`) and the Instance ID's `.well-known/openid-configuration`
//! (design.md section 4, "Start").
//!
//! The app tries [`AutoDiscoveryPath::ALL`] in order ([`auto_discovery_request_at`],
//! [`parse_auto_discovery_at`]) and, when neither answers usably,
//! [`fallback_endpoints_because`]. The [`DiscoveryRoute`] in the result says which for the
//! Diagnostics page.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::ClientConfig;
use crate::http::{is_secure_url, HttpRequest, HttpResponse};

/// Where the auto-discovery document is looked for. ERP.net documents both; which one an
/// instance answers varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AutoDiscoveryPath {
    /// `{instance}/sys/auto-discovery`.
    Sys,
    /// `{instance}/tools/auto-discovery`.
    Tools,
}

impl AutoDiscoveryPath {
    /// The order to try them in: `/sys` first, then `/tools`.
    pub const ALL: [AutoDiscoveryPath; 2] = [AutoDiscoveryPath::Sys, AutoDiscoveryPath::Tools];

    /// The path below the instance URL, e.g. `"/sys/auto-discovery"`.
    pub fn path(self) -> &'static str {
        match self {
            AutoDiscoveryPath::Sys => "/sys/auto-discovery",
            AutoDiscoveryPath::Tools => "/tools/auto-discovery",
        }
    }
}

/// How the endpoints were found, for the Diagnostics page ([`std::fmt::Display`] gives a
/// sentence).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiscoveryRoute {
    /// Read from the auto-discovery document at this path.
    AutoDiscovery(AutoDiscoveryPath),
    /// Auto-discovery did not answer usably: the conventional `{instance}/id` and
    /// `{instance}/api/domain/odata/`.
    Fallback {
        /// Why, as the app gathered it (e.g. each path's error); may be empty.
        reason: String,
    },
}

impl Default for DiscoveryRoute {
    /// `Fallback` without a reason (what [`fallback_endpoints`] reports).
    fn default() -> Self {
        DiscoveryRoute::Fallback {
            reason: String::new(),
        }
    }
}

impl std::fmt::Display for DiscoveryRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoveryRoute::AutoDiscovery(path) => {
                write!(f, "auto-discovery at {}", path.path())
            }
            DiscoveryRoute::Fallback { reason } if reason.is_empty() => {
                f.write_str("the default addresses /id and /api/domain/odata/")
            }
            DiscoveryRoute::Fallback { reason } => write!(
                f,
                "the default addresses /id and /api/domain/odata/, because {reason}"
            ),
        }
    }
}

/// One `WebSites` entry of the auto-discovery document as the instance reported it, kept for
/// the Diagnostics page. Nothing here has been checked; only [`InstanceEndpoints::id_url`] and
/// [`InstanceEndpoints::odata_root`] are used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteStatus {
    /// `Type`, e.g. `"ID"`, `"DomainAPI"` (before 2025: `"API"`), `"Web"`.
    pub site_type: String,
    /// `Status`: `"Working"`, `"NotWorking"`, `"Unknown"`; `None` when absent.
    pub status: Option<String>,
    /// `StatusDescription`: the instance's own explanation, for a person to read.
    pub description: Option<String>,
    /// `Url`, as written.
    pub url: Option<String>,
}

impl SiteStatus {
    /// Whether the site may be used: `Working`, `Unknown` or no status (ASCII
    /// case-insensitive). `NotWorking` and any other word mean no.
    pub fn is_usable(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("Working") || s.eq_ignore_ascii_case("Unknown"))
    }

    /// Whether the site reports `Working` exactly (ASCII case-insensitive).
    pub fn is_working(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Working"))
    }

    /// `"DomainAPI is NotWorking: <description>"`-style text for a person.
    pub fn describe(&self) -> String {
        let status = self.status.as_deref().unwrap_or("of unknown status");
        match self.description.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => format!("{} is {status}: {d}", self.site_type),
            None => format!("{} is {status}", self.site_type),
        }
    }
}

/// Where the instance's Identity Server and Domain API live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceEndpoints {
    /// The Instance ID URL, e.g. `"https://x.my.erp.net/id"`, without a trailing slash. The
    /// provider's `issuer` must equal it byte for byte.
    pub id_url: String,
    /// The Domain API's OData service root, always ending in `/`.
    #[serde(with = "crate::http::url_serde")]
    pub odata_root: Url,
    /// `true` when taken from auto-discovery, `false` for [`fallback_endpoints`] (the same as
    /// [`Self::route`] not being `Fallback`).
    pub from_auto_discovery: bool,
    /// How the endpoints were found.
    #[serde(default)]
    pub route: DiscoveryRoute,
    /// Every `WebSites` entry the auto-discovery document listed (empty for the fallback).
    #[serde(default)]
    pub sites: Vec<SiteStatus>,
}

impl InstanceEndpoints {
    /// A sentence for each listed site that is not `Working` (e.g. `"DomainAPI is NotWorking:
    /// database offline"`), for the Diagnostics page and error messages.
    pub fn site_warnings(&self) -> Vec<String> {
        self.sites
            .iter()
            .filter(|s| !s.is_working())
            .map(SiteStatus::describe)
            .collect()
    }
}

/// Why a discovery document was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The response status was not 2xx.
    #[error("discovery request answered with HTTP status {status}")]
    HttpStatus {
        /// The status received.
        status: u16,
    },
    /// The response was not JSON.
    #[error("discovery response is not JSON (Content-Type {content_type:?})")]
    NotJson {
        /// The `Content-Type` received.
        content_type: Option<String>,
    },
    /// The body is not valid JSON of the expected shape.
    #[error("discovery response is not valid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// A required field is missing.
    #[error("discovery document lacks the required field {0}")]
    MissingField(&'static str),
    /// A URL field is not an absolute URL, or not `https` (plain `http` only on loopback hosts).
    #[error("discovery field {field} is not an acceptable URL: {value:?} (it must be https, or http only on localhost, 127.0.0.1 or [::1], without user or password)")]
    InvalidUrl {
        /// The field.
        field: &'static str,
        /// The value received.
        value: String,
    },
    /// The auto-discovery document lists no `ID` web site at all.
    #[error("auto-discovery lists no ID web site")]
    NoIdSite,
    /// The auto-discovery document lists the `ID` web site, but not as working: the instance's
    /// own explanation is kept for a person to read.
    #[error("the instance reports its Instance ID (ID web site) as {}{}", .status.as_deref().unwrap_or("not working"), .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    IdSiteNotWorking {
        /// `Status`, e.g. `"NotWorking"`.
        status: Option<String>,
        /// `StatusDescription`.
        description: Option<String>,
    },
    /// The provider's `issuer` differs from the Instance ID URL.
    #[error("issuer mismatch: expected {expected:?}, the provider says {found:?}")]
    IssuerMismatch {
        /// The Instance ID URL.
        expected: String,
        /// The `issuer` in the metadata.
        found: String,
    },
    /// The provider lists `code_challenge_methods_supported` without `S256`. (A provider that
    /// omits the list is assumed to support `S256`; PKCE with `S256` is always sent.)
    #[error("the provider does not support the PKCE method S256 (it lists {methods:?})")]
    S256NotSupported {
        /// The methods it lists.
        methods: Vec<String>,
    },
    /// The provider lists `response_types_supported` without `code`.
    #[error("the provider does not support response_type=code (it lists {types:?})")]
    CodeFlowNotSupported {
        /// The response types it lists.
        types: Vec<String>,
    },
}

impl DiscoveryError {
    /// The stable error code: `"issuer_mismatch"` for [`DiscoveryError::IssuerMismatch`],
    /// otherwise `"discovery_failed"`.
    pub fn code(&self) -> &'static str {
        match self {
            DiscoveryError::IssuerMismatch { .. } => "issuer_mismatch",
            _ => "discovery_failed",
        }
    }
}

/// `GET {instance}/sys/auto-discovery` (the same as
/// [`auto_discovery_request_at`]`(config, AutoDiscoveryPath::Sys)`).
pub fn auto_discovery_request(config: &ClientConfig) -> HttpRequest {
    auto_discovery_request_at(config, AutoDiscoveryPath::Sys)
}

/// `GET {instance}/sys/auto-discovery` or `GET {instance}/tools/auto-discovery`.
pub fn auto_discovery_request_at(config: &ClientConfig, path: AutoDiscoveryPath) -> HttpRequest {
    HttpRequest::get_json(instance_url(config, path.path()))
}

fn instance_url(config: &ClientConfig, suffix: &str) -> Url {
    // The base was a valid URL and the suffix is a plain absolute path, so this cannot fail;
    // the fallback keeps the function total without a panic path.
    let joined = format!("{}{suffix}", config.instance_base());
    Url::parse(&joined).unwrap_or_else(|_| config.instance_url().clone())
}

/// The endpoints used when auto-discovery fails: `{instance}/id` and
/// `{instance}/api/domain/odata/`, with an empty reason.
pub fn fallback_endpoints(config: &ClientConfig) -> InstanceEndpoints {
    fallback_endpoints_because(config, String::new())
}

/// [`fallback_endpoints`], recording why (e.g. `"/sys/auto-discovery: HTTP 404;
/// /tools/auto-discovery: the instance reports ..."`) in [`DiscoveryRoute::Fallback`].
pub fn fallback_endpoints_because(
    config: &ClientConfig,
    reason: impl Into<String>,
) -> InstanceEndpoints {
    InstanceEndpoints {
        id_url: format!("{}/id", config.instance_base()),
        odata_root: instance_url(config, "/api/domain/odata/"),
        from_auto_discovery: false,
        route: DiscoveryRoute::Fallback {
            reason: reason.into(),
        },
        sites: Vec::new(),
    }
}

fn check_json(resp: &HttpResponse<'_>) -> Result<(), DiscoveryError> {
    if !resp.is_success() {
        return Err(DiscoveryError::HttpStatus {
            status: resp.status,
        });
    }
    if !resp.is_json() {
        return Err(DiscoveryError::NotJson {
            content_type: resp.content_type.map(str::to_owned),
        });
    }
    Ok(())
}

/// The document: `{Host, DbName, WebSites: [...]}`; `Host` and `DbName` are not used.
#[derive(Deserialize)]
struct AutoDiscovery {
    #[serde(rename = "WebSites", default)]
    web_sites: Option<Vec<WebSite>>,
}

#[derive(Deserialize)]
struct WebSite {
    #[serde(rename = "Type", default)]
    site_type: Option<String>,
    #[serde(rename = "Status", default)]
    status: Option<String>,
    #[serde(rename = "StatusDescription", default)]
    status_description: Option<String>,
    #[serde(rename = "Url", default)]
    url: Option<String>,
    /// May be `null`.
    #[serde(rename = "AdditionalProperties", default)]
    additional_properties: Option<serde_json::Map<String, serde_json::Value>>,
}

impl WebSite {
    fn status(&self) -> SiteStatus {
        SiteStatus {
            site_type: self.site_type.clone().unwrap_or_default(),
            status: self.status.clone(),
            description: self.status_description.clone(),
            url: self.url.clone(),
        }
    }

    fn is_id(&self) -> bool {
        self.site_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("ID"))
    }

    /// The Domain API was `"API"` before 2025 and is `"DomainAPI"` now.
    fn is_domain_api(&self) -> bool {
        self.site_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("DomainAPI") || t.eq_ignore_ascii_case("API"))
    }
}

/// The first `Working` site of a kind, else the first usable one (`Unknown` or no status).
fn pick(sites: &[WebSite], kind: fn(&WebSite) -> bool) -> Option<&WebSite> {
    let of_kind = || sites.iter().filter(|s| kind(s));
    of_kind()
        .find(|s| s.status().is_working())
        .or_else(|| of_kind().find(|s| s.status().is_usable()))
}

/// [`parse_auto_discovery_at`] for a response of `/sys/auto-discovery`.
pub fn parse_auto_discovery(
    config: &ClientConfig,
    resp: HttpResponse<'_>,
) -> Result<InstanceEndpoints, DiscoveryError> {
    parse_auto_discovery_at(config, AutoDiscoveryPath::Sys, resp)
}

/// Parses the auto-discovery response read at `path`:
/// `{Host, DbName, WebSites: [{Type, Status, StatusDescription, Url, System,
/// AdditionalProperties}]}` (`Host`, `DbName`, `System` unused; `AdditionalProperties` may be
/// `null`).
///
/// - `Type` is compared ASCII case-insensitively; the Domain API is `"DomainAPI"` or, as before
///   2025, `"API"`. A site's `Status` `Working` is preferred, `Unknown` or no status is used
///   when nothing is `Working`, `NotWorking` (or any other word) is not used.
/// - The Instance ID is the chosen `"ID"` entry. No `"ID"` entry gives
///   [`DiscoveryError::NoIdSite`]; only unusable ones give [`DiscoveryError::IdSiteNotWorking`]
///   with the first one's `Status` and `StatusDescription`. Its `Url`, with one trailing `/`
///   removed, becomes [`InstanceEndpoints::id_url`]; otherwise it is used exactly as written.
/// - The OData root is the chosen Domain API entry's `AdditionalProperties.ODataServiceRoot`;
///   else that entry's `Url` + `/domain/odata/`; else (no usable entry) the fallback
///   `{instance}/api/domain/odata/`. A final `/` is added when missing.
/// - Every URL used must be absolute `https` (plain `http` only on `localhost`, `127.0.0.1`,
///   `[::1]`), else [`DiscoveryError::InvalidUrl`].
/// - Every entry is kept in [`InstanceEndpoints::sites`] ([`InstanceEndpoints::site_warnings`]
///   names those not `Working`).
///
/// Any error means: try the next path, then [`fallback_endpoints_because`].
pub fn parse_auto_discovery_at(
    config: &ClientConfig,
    path: AutoDiscoveryPath,
    resp: HttpResponse<'_>,
) -> Result<InstanceEndpoints, DiscoveryError> {
    check_json(&resp)?;
    let doc: AutoDiscovery =
        serde_json::from_slice(resp.body).map_err(DiscoveryError::InvalidJson)?;
    let sites = doc.web_sites.unwrap_or_default();

    let id_site = match pick(&sites, WebSite::is_id) {
        Some(site) => site,
        None => {
            return Err(match sites.iter().find(|s| s.is_id()) {
                Some(down) => DiscoveryError::IdSiteNotWorking {
                    status: down.status.clone(),
                    description: down.status_description.clone(),
                },
                None => DiscoveryError::NoIdSite,
            })
        }
    };
    let id_raw = id_site
        .url
        .as_deref()
        .ok_or(DiscoveryError::MissingField("WebSites[ID].Url"))?;
    let id_url = id_raw.strip_suffix('/').unwrap_or(id_raw).to_owned();
    parse_secure_url("WebSites[ID].Url", &id_url)?;

    let odata_root = match pick(&sites, WebSite::is_domain_api) {
        Some(api) => {
            let root = api
                .additional_properties
                .as_ref()
                .and_then(|p| p.get("ODataServiceRoot"))
                .and_then(|v| v.as_str());
            match (root, api.url.as_deref()) {
                (Some(root), _) => {
                    directory_url("AdditionalProperties.ODataServiceRoot", root.to_owned())?
                }
                (None, Some(api_url)) => directory_url(
                    "WebSites[DomainAPI].Url",
                    format!("{}/domain/odata/", api_url.trim_end_matches('/')),
                )?,
                (None, None) => fallback_endpoints(config).odata_root,
            }
        }
        None => fallback_endpoints(config).odata_root,
    };

    Ok(InstanceEndpoints {
        id_url,
        odata_root,
        from_auto_discovery: true,
        route: DiscoveryRoute::AutoDiscovery(path),
        sites: sites.iter().map(WebSite::status).collect(),
    })
}

fn parse_secure_url(field: &'static str, value: &str) -> Result<Url, DiscoveryError> {
    let invalid = || DiscoveryError::InvalidUrl {
        field,
        value: value.to_owned(),
    };
    let url = Url::parse(value).map_err(|_| invalid())?;
    if is_secure_url(&url) {
        Ok(url)
    } else {
        Err(invalid())
    }
}

fn directory_url(field: &'static str, mut value: String) -> Result<Url, DiscoveryError> {
    if !value.ends_with('/') {
        value.push('/');
    }
    parse_secure_url(field, &value)
}

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
    /// The issuer identifier, equal to the Instance ID URL.
    pub issuer: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig::new(
            "https://testdb.my.erp.net/",
            "spa.example.com",
            "openid",
            "https://spa.example.com/",
        )
        .unwrap()
    }

    const SEED_AUTO_DISCOVERY: &str = r#"{"WebSites":[
        {"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id"},
        {"Type":"DomainAPI","Status":"Working","Url":"https://testdb.my.erp.net/api",
         "AdditionalProperties":{"ODataServiceRoot":"https://testdb.my.erp.net/api/domain/odata/"}}]}"#;

    #[test]
    fn requests() {
        let c = config();
        let r = auto_discovery_request(&c);
        assert_eq!(
            r.url.as_str(),
            "https://testdb.my.erp.net/sys/auto-discovery"
        );
        assert_eq!(r.method, crate::HttpMethod::Get);
        let f = fallback_endpoints(&c);
        assert_eq!(f.id_url, "https://testdb.my.erp.net/id");
        assert_eq!(
            f.odata_root.as_str(),
            "https://testdb.my.erp.net/api/domain/odata/"
        );
        assert!(!f.from_auto_discovery);
        assert_eq!(
            metadata_request(&f).url.as_str(),
            "https://testdb.my.erp.net/id/.well-known/openid-configuration"
        );
    }

    #[test]
    fn seed_auto_discovery() {
        let e = parse_auto_discovery(
            &config(),
            HttpResponse::json(SEED_AUTO_DISCOVERY.as_bytes()),
        )
        .unwrap();
        assert_eq!(e.id_url, "https://testdb.my.erp.net/id");
        assert_eq!(
            e.odata_root.as_str(),
            "https://testdb.my.erp.net/api/domain/odata/"
        );
        assert!(e.from_auto_discovery);
    }

    #[test]
    fn auto_discovery_fallbacks_and_statuses() {
        let body = r#"{"WebSites":[
            {"Type":"ID","Status":"Stopped","Url":"https://old.example/id"},
            {"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id/"},
            {"Type":"DomainAPI","Status":"Working","Url":"https://testdb.my.erp.net/api2/"}]}"#;
        let e = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes())).unwrap();
        assert_eq!(e.id_url, "https://testdb.my.erp.net/id");
        assert_eq!(
            e.odata_root.as_str(),
            "https://testdb.my.erp.net/api2/domain/odata/"
        );
        let body = r#"{"WebSites":[{"Type":"ID","Url":"https://testdb.my.erp.net/id"},
            {"Type":"DomainAPI","Status":"Stopped","Url":"https://elsewhere.example/api"}]}"#;
        let e = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes())).unwrap();
        assert_eq!(
            e.odata_root.as_str(),
            "https://testdb.my.erp.net/api/domain/odata/"
        );
        let body = r#"{"WebSites":[{"Type":"ID","Status":"Stopped","Url":"https://a/id"}]}"#;
        let err = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes()));
        assert!(
            matches!(err, Err(DiscoveryError::IdSiteNotWorking { status: Some(s), description: None }) if s == "Stopped")
        );
        let body = r#"{"WebSites":[{"Type":"Web","Status":"Working","Url":"https://a/"}]}"#;
        let err = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes()));
        assert!(matches!(err, Err(DiscoveryError::NoIdSite)));
        let body =
            r#"{"WebSites":[{"Type":"ID","Status":"Working","Url":"http://evil.example/id"}]}"#;
        let err = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes()));
        assert!(matches!(err, Err(DiscoveryError::InvalidUrl { .. })));
    }

    #[test]
    fn auto_discovery_http_errors() {
        let c = config();
        let r = HttpResponse {
            status: 404,
            content_type: Some("application/json"),
            body: b"{}",
        };
        assert!(matches!(
            parse_auto_discovery(&c, r),
            Err(DiscoveryError::HttpStatus { status: 404 })
        ));
        let r = HttpResponse {
            status: 200,
            content_type: Some("text/html"),
            body: b"<html>",
        };
        assert!(matches!(
            parse_auto_discovery(&c, r),
            Err(DiscoveryError::NotJson { .. })
        ));
        assert!(matches!(
            parse_auto_discovery(&c, HttpResponse::json(b"{")),
            Err(DiscoveryError::InvalidJson(_))
        ));
    }

    const SEED_METADATA: &str = r#"{
      "issuer": "https://testdb.my.erp.net/id",
      "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
      "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
      "end_session_endpoint": "https://testdb.my.erp.net/id/connect/endsession",
      "jwks_uri": "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks",
      "response_types_supported": ["code","token","id_token","code id_token"],
      "grant_types_supported": ["authorization_code","client_credentials","refresh_token"],
      "scopes_supported": ["openid","profile","offline_access","update"]
    }"#;

    #[test]
    fn seed_metadata() {
        let m = parse_provider_metadata(
            "https://testdb.my.erp.net/id",
            HttpResponse {
                status: 200,
                content_type: Some("application/json; charset=UTF-8"),
                body: SEED_METADATA.as_bytes(),
            },
        )
        .unwrap();
        assert_eq!(m.issuer, "https://testdb.my.erp.net/id");
        assert_eq!(
            m.end_session_endpoint.as_ref().map(Url::as_str),
            Some("https://testdb.my.erp.net/id/connect/endsession")
        );
        assert!(!m.authorization_response_iss_parameter_supported);
        assert_eq!(m.scopes_supported.len(), 4);
        assert_eq!(
            jwks_request(&m).url.as_str(),
            "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks"
        );
        let json = serde_json::to_string(&m).unwrap();
        let back: ProviderMetadata = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn metadata_records_advertised_values() {
        let body = r#"{"issuer":"http://localhost:3000/id",
          "authorization_endpoint":"http://localhost:3000/id/connect/authorize",
          "token_endpoint":"http://localhost:3000/id/connect/token",
          "jwks_uri":"http://localhost:3000/id/jwks",
          "code_challenge_methods_supported":["S256"],
          "id_token_signing_alg_values_supported":["RS256","ES256"],
          "authorization_response_iss_parameter_supported":true}"#;
        let m = parse_provider_metadata(
            "http://localhost:3000/id",
            HttpResponse::json(body.as_bytes()),
        )
        .unwrap();
        assert_eq!(m.code_challenge_methods_supported, ["S256"]);
        assert_eq!(m.id_token_signing_alg_values_supported, ["RS256", "ES256"]);
        assert!(m.authorization_response_iss_parameter_supported);
        assert!(m.end_session_endpoint.is_none());
    }

    #[test]
    fn issuer_must_match_exactly() {
        for expected in [
            "https://testdb.my.erp.net/id/",
            "https://TESTDB.my.erp.net/id",
            "https://testdb.my.erp.net/ID",
        ] {
            let e = parse_provider_metadata(expected, HttpResponse::json(SEED_METADATA.as_bytes()))
                .unwrap_err();
            assert!(
                matches!(e, DiscoveryError::IssuerMismatch { .. }),
                "{expected}"
            );
            assert_eq!(e.code(), "issuer_mismatch");
        }
    }

    #[test]
    fn metadata_failures() {
        let iss = "https://testdb.my.erp.net/id";
        let check =
            |body: String| parse_provider_metadata(iss, HttpResponse::json(body.as_bytes()));
        let e = check(SEED_METADATA.replace("\"token_endpoint\"", "\"x\"")).unwrap_err();
        assert!(matches!(e, DiscoveryError::MissingField("token_endpoint")));
        assert_eq!(e.code(), "discovery_failed");
        let e = check(SEED_METADATA.replace(
            "https://testdb.my.erp.net/id/connect/token",
            "http://testdb.my.erp.net/t",
        ))
        .unwrap_err();
        assert!(matches!(
            e,
            DiscoveryError::InvalidUrl {
                field: "token_endpoint",
                ..
            }
        ));
        let e = check(SEED_METADATA.replace("\"issuer\"", "\"issuer_\"")).unwrap_err();
        assert!(matches!(e, DiscoveryError::MissingField("issuer")));
        let e = check(SEED_METADATA.replace(
            "\"scopes_supported\"",
            "\"code_challenge_methods_supported\": [\"plain\"], \"s\"",
        ))
        .unwrap_err();
        assert!(matches!(e, DiscoveryError::S256NotSupported { .. }));
        let e = check(SEED_METADATA.replace("\"code\",", "")).unwrap_err();
        assert!(matches!(e, DiscoveryError::CodeFlowNotSupported { .. }));
        let e = parse_provider_metadata(
            iss,
            HttpResponse {
                status: 500,
                content_type: Some("application/json"),
                body: b"{}",
            },
        )
        .unwrap_err();
        assert!(matches!(e, DiscoveryError::HttpStatus { status: 500 }));
        let e = parse_provider_metadata(
            iss,
            HttpResponse {
                status: 200,
                content_type: None,
                body: SEED_METADATA.as_bytes(),
            },
        )
        .unwrap_err();
        assert!(matches!(e, DiscoveryError::NotJson { content_type: None }));
    }
}
