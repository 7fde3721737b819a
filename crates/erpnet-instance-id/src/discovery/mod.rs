//! Discovery: the instance's auto-discovery document (at `/sys/auto-discovery` or
//! `/tools/auto-discovery`) and the Instance ID's `.well-known/openid-configuration`
//! (what an app does first, before any sign-in).
//!
//! The app tries [`AutoDiscoveryPath::ALL`] in order ([`auto_discovery_request_at`],
//! [`parse_auto_discovery_at`]) and, when neither answers usably,
//! [`fallback_endpoints_because`]. The [`DiscoveryRoute`] in the result says which for the
//! Diagnostics page.

mod auto;
mod error;
mod metadata;
#[cfg(test)]
mod tests;

use url::Url;

use crate::http::{is_secure_url, HttpResponse};

pub use auto::{
    auto_discovery_request, auto_discovery_request_at, fallback_endpoints,
    fallback_endpoints_because, parse_auto_discovery, parse_auto_discovery_at, AutoDiscoveryPath,
    DiscoveryRoute, InstanceEndpoints, SiteStatus,
};
pub use error::DiscoveryError;
pub use metadata::{jwks_request, metadata_request, parse_provider_metadata, ProviderMetadata};

/// A 2xx JSON answer, or why not.
pub(crate) fn check_json(resp: &HttpResponse<'_>) -> Result<(), DiscoveryError> {
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

/// An absolute `https` URL (`http` only on loopback), or [`DiscoveryError::InvalidUrl`].
pub(crate) fn parse_secure_url(field: &'static str, value: &str) -> Result<Url, DiscoveryError> {
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
