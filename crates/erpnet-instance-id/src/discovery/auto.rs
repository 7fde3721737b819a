//! The instance's auto-discovery document: where its Instance ID and Domain API live.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{check_json, parse_secure_url, DiscoveryError};
use crate::config::ClientConfig;
use crate::http::{HttpRequest, HttpResponse};

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

fn directory_url(field: &'static str, mut value: String) -> Result<Url, DiscoveryError> {
    if !value.ends_with('/') {
        value.push('/');
    }
    parse_secure_url(field, &value)
}
