//! Start-up: config.json, then the instance's auto-discovery and OpenID metadata.

use instance_id::{
    auto_discovery_request, fallback_endpoints, metadata_request, parse_auto_discovery,
    parse_provider_metadata, JwkSet, ProviderMetadata,
};
use serde::{Deserialize, Serialize};

use crate::auth::config::{parse_config, AppConfig, ConfigProblem};
use crate::auth::error::StartError;
use crate::browser::{http, storage};

/// sessionStorage key for the public start-up data carried across a sign-in redirect, so the
/// callback page's only request is the token POST.
const CARRY_KEY: &str = "erpnet.instance";

/// A discovered ERP.net instance: everything public the app needs to sign in.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The validated config.json.
    pub config: AppConfig,
    /// The Instance ID URL, also the expected issuer.
    pub id_url: String,
    /// The Domain API's OData service root.
    pub odata_root: String,
    /// Whether the endpoints came from `/sys/auto-discovery` (else from the fallback paths).
    pub from_auto_discovery: bool,
    /// Why auto-discovery was not used, when it was not.
    pub discovery_note: Option<String>,
    /// The issuer's OpenID metadata.
    pub metadata: ProviderMetadata,
}

/// What is carried across a redirect: public data only, never a token.
#[derive(Serialize, Deserialize)]
struct Carried {
    app_base: String,
    config: String,
    id_url: String,
    odata_root: String,
    from_auto_discovery: bool,
    metadata: ProviderMetadata,
    jwks: Option<JwkSet>,
}

impl Instance {
    /// Loads config.json and discovers the instance over the network.
    pub async fn discover(app_base: &str) -> Result<Self, StartError> {
        let url = format!("{app_base}config.json");
        let resp = http::get_preloaded(&url)
            .await
            .map_err(|e| ConfigProblem::Unreachable(e.to_string()))?;
        if !(200..300).contains(&resp.status) {
            return Err(ConfigProblem::Status(resp.status).into());
        }
        let config = parse_config(&resp.body, app_base)?;

        // Auto-discovery is the documented way to find the Instance ID and the Domain API;
        // the fixed paths are its documented fallback. The metadata at the fallback Instance ID
        // URL is fetched at the same time: it is almost always where auto-discovery points,
        // and then start-up waits for one round trip instead of two.
        let fallback = fallback_endpoints(&config.client);
        let (auto, guessed) = futures::future::join(
            http::send(&auto_discovery_request(&config.client)),
            http::send(&metadata_request(&fallback)),
        )
        .await;
        let guessed_id_url = fallback.id_url.clone();
        let (endpoints, discovery_note) = match auto {
            Ok(resp) => match parse_auto_discovery(&config.client, resp.as_core()) {
                Ok(endpoints) => (endpoints, None),
                Err(e) => (fallback, Some(e.to_string())),
            },
            Err(e) => (fallback, Some(e.to_string())),
        };
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
            id_url: endpoints.id_url,
            odata_root: endpoints.odata_root.to_string(),
            from_auto_discovery: endpoints.from_auto_discovery,
            discovery_note,
            metadata,
        })
    }

    /// Keeps the public start-up data for the page the sign-in redirect comes back to.
    pub fn carry(&self, app_base: &str, jwks: Option<&JwkSet>) {
        let carried = Carried {
            app_base: app_base.to_owned(),
            config: self.config.raw.clone(),
            id_url: self.id_url.clone(),
            odata_root: self.odata_root.clone(),
            from_auto_discovery: self.from_auto_discovery,
            metadata: self.metadata.clone(),
            jwks: jwks.cloned(),
        };
        if let Ok(json) = serde_json::to_string(&carried) {
            storage::set(CARRY_KEY, &json);
        }
    }

    /// The data kept by [`Instance::carry`], consumed, if it was kept for this same app base.
    /// The config is validated again: storage is input like any other.
    pub fn take_carried(app_base: &str) -> Option<(Self, Option<JwkSet>)> {
        let carried: Carried = serde_json::from_str(&storage::take(CARRY_KEY)?).ok()?;
        if carried.app_base != app_base || carried.metadata.issuer != carried.id_url {
            return None;
        }
        let config = parse_config(carried.config.as_bytes(), app_base).ok()?;
        let instance = Self {
            config,
            id_url: carried.id_url,
            odata_root: carried.odata_root,
            from_auto_discovery: carried.from_auto_discovery,
            discovery_note: None,
            metadata: carried.metadata,
        };
        Some((instance, carried.jwks))
    }
}
