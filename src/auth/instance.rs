//! Start-up: config.json, then the instance's auto-discovery and OpenID metadata.

use erpnet_instance_id::{
    auto_discovery_request_at, fallback_endpoints, fallback_endpoints_because, metadata_request,
    parse_auto_discovery_at, parse_provider_metadata, AutoDiscoveryPath, ClockOffset,
    DiscoveryRoute, InstanceEndpoints, ProviderMetadata,
};
use serde::{Deserialize, Serialize};

use crate::auth::app_base::AppBase;
use crate::auth::config::{parse_config, AppConfig, ConfigProblem};
use crate::auth::error::StartError;
use crate::auth::jwks::RawJwks;
use crate::browser::{http, storage};

use crate::auth::storage_keys::INSTANCE as CARRY_KEY;

/// A discovered ERP.net instance: everything public the app needs to sign in.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The validated config.json.
    pub config: AppConfig,
    /// The Instance ID URL, also the expected issuer.
    pub id_url: String,
    /// The Domain API's OData service root.
    pub odata_root: String,
    /// How the endpoints were found (which auto-discovery path, or the fallback and why).
    pub route: DiscoveryRoute,
    /// Auto-discovery's word on sites that are not `Working`, with their `StatusDescription`.
    pub site_warnings: Vec<String>,
    /// The issuer's OpenID metadata.
    pub metadata: ProviderMetadata,
    /// Server time minus device time, estimated at start-up from the `Date` of config.json
    /// (the app's own host: always readable, unlike the Instance ID's, which it does not
    /// expose to CORS). Zero when unknown or beyond the core's bound.
    pub clock_offset: ClockOffset,
}

/// What is carried across a redirect: public data only, never a token.
#[derive(Serialize, Deserialize)]
struct Carried {
    app_base: String,
    config: String,
    id_url: String,
    odata_root: String,
    route: DiscoveryRoute,
    site_warnings: Vec<String>,
    metadata: ProviderMetadata,
    /// The JWKS's content type and body, as fetched (parsed when used).
    jwks: Option<(Option<String>, String)>,
    clock_offset_secs: i64,
}

impl Instance {
    /// Loads config.json and discovers the instance over the network.
    pub async fn discover(app_base: &AppBase) -> Result<Self, StartError> {
        let (config, clock_offset) = load_config(app_base).await?;
        Self::discover_with(config, clock_offset).await
    }

    /// Discovers the instance that a loaded `config` names (config.json comes first, on its
    /// own: the sign-in button may show while this runs).
    pub async fn discover_with(
        config: AppConfig,
        clock_offset: ClockOffset,
    ) -> Result<Self, StartError> {
        // Auto-discovery is the documented way to find the Instance ID and the Domain API, at
        // /sys and (newer docs) at /tools; the fixed paths are its documented fallback. All
        // three answers are awaited together with the metadata at the fallback Instance ID URL
        // (almost always where auto-discovery points): start-up waits one round trip.
        let fallback = fallback_endpoints(&config.client);
        let (sys, tools, guessed) = futures::future::join3(
            http::send(&auto_discovery_request_at(
                &config.client,
                AutoDiscoveryPath::Sys,
            )),
            http::send(&auto_discovery_request_at(
                &config.client,
                AutoDiscoveryPath::Tools,
            )),
            http::send(&metadata_request(&fallback)),
        )
        .await;
        let guessed_id_url = fallback.id_url.clone();
        let endpoints = choose_endpoints(
            &config,
            [
                (AutoDiscoveryPath::Sys, sys),
                (AutoDiscoveryPath::Tools, tools),
            ],
        )?;
        let guessed_right = endpoints.id_url == guessed_id_url;
        let resp = match guessed {
            Ok(resp) if guessed_right => resp,
            Err(e) if guessed_right => return Err(StartError::Unreachable(e)),
            _ => http::send(&metadata_request(&endpoints))
                .await
                .map_err(StartError::Unreachable)?,
        };
        let metadata = parse_provider_metadata(&endpoints.id_url, resp.as_core())?;
        Ok(Self {
            config,
            site_warnings: endpoints.site_warnings(),
            id_url: endpoints.id_url,
            odata_root: endpoints.odata_root.to_string(),
            route: endpoints.route,
            metadata,
            clock_offset,
        })
    }

    /// Keeps the public start-up data for the page the sign-in redirect comes back to.
    pub fn carry(&self, app_base: &AppBase, jwks: Option<&RawJwks>, clock_offset: ClockOffset) {
        let carried = Carried {
            app_base: app_base.as_str().to_owned(),
            config: self.config.raw.clone(),
            id_url: self.id_url.clone(),
            odata_root: self.odata_root.clone(),
            route: self.route.clone(),
            site_warnings: self.site_warnings.clone(),
            metadata: self.metadata.clone(),
            jwks: jwks.and_then(RawJwks::to_text),
            clock_offset_secs: clock_offset.secs(),
        };
        storage::save(CARRY_KEY, &carried);
    }

    /// The data kept by [`Instance::carry`], consumed, if it was kept for this same app base.
    /// The config is validated again: storage is input like any other.
    pub fn take_carried(app_base: &AppBase) -> Option<(Self, Option<RawJwks>)> {
        let carried: Carried = storage::take(CARRY_KEY)?;
        if carried.app_base != app_base.as_str() || carried.metadata.issuer != carried.id_url {
            return None;
        }
        let config = parse_config(carried.config.as_bytes(), app_base.as_str()).ok()?;
        let instance = Self {
            config,
            id_url: carried.id_url,
            odata_root: carried.odata_root,
            route: carried.route,
            site_warnings: carried.site_warnings,
            metadata: carried.metadata,
            clock_offset: ClockOffset::from_secs(carried.clock_offset_secs).unwrap_or_default(),
        };
        let jwks = carried
            .jwks
            .map(|(content_type, body)| RawJwks::from_text(content_type, body));
        Some((instance, jwks))
    }
}

/// Loads and validates config.json (preloaded by index.html), with the clock offset its
/// `Date` gives.
pub async fn load_config(app_base: &AppBase) -> Result<(AppConfig, ClockOffset), StartError> {
    let url = app_base.file("config.json");
    let resp = http::get_preloaded(&url)
        .await
        .map_err(|e| ConfigProblem::Unreachable(e.to_string()))?;
    if !(200..300).contains(&resp.status) {
        return Err(ConfigProblem::Status(resp.status).into());
    }
    let config = parse_config(&resp.body, app_base.as_str())?;
    let clock_offset = resp.clock_offset(crate::browser::clock::now());
    Ok((config, clock_offset))
}

/// The first auto-discovery answer that is usable (`/sys` before `/tools`), else the fallback
/// paths with every path's reason. An Instance ID site that auto-discovery calls NotWorking
/// stops start-up with its own description: the fallback would reach the same broken site.
fn choose_endpoints(
    config: &crate::auth::config::AppConfig,
    answers: [(AutoDiscoveryPath, Result<http::Fetched, http::FetchError>); 2],
) -> Result<InstanceEndpoints, StartError> {
    let mut reasons = Vec::new();
    for (path, answer) in answers {
        let reason = match answer {
            Err(e) => e.to_string(),
            Ok(resp) => match parse_auto_discovery_at(&config.client, path, resp.as_core()) {
                Ok(endpoints) => return Ok(endpoints),
                Err(e @ erpnet_instance_id::DiscoveryError::IdSiteNotWorking { .. }) => {
                    return Err(e.into())
                }
                Err(e) => e.to_string(),
            },
        };
        reasons.push(format!("{}: {reason}", path.path()));
    }
    Ok(fallback_endpoints_because(
        &config.client,
        reasons.join("; "),
    ))
}
