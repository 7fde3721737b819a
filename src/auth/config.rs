//! `config.json`: the runtime configuration (design.md 3.1), so one build serves many
//! deployments.

use erpnet_instance_id::{ClientConfig, ConfigError, Quoted};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A popup sign-in may take five minutes by default.
pub const DEFAULT_POPUP_TIMEOUT_SECS: u64 = 300;

/// How sign-in leaves the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInMode {
    /// A popup when framed, a redirect otherwise.
    Auto,
    /// Always a top-level redirect.
    Redirect,
    /// Always a popup window.
    Popup,
}

impl SignInMode {
    /// The `config.json` value (`auto`, `redirect` or `popup`), as the Diagnostics page shows it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Redirect => "redirect",
            Self::Popup => "popup",
        }
    }
}

/// The validated runtime configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Instance, client and scopes, with the derived redirect URIs.
    pub client: ClientConfig,
    /// How sign-in leaves the page.
    pub sign_in_mode: SignInMode,
    /// How long a sign-in popup may take before it is closed (`popup_timeout_seconds`).
    pub popup_timeout_secs: u64,
    /// The raw JSON, kept so the callback page can rebuild this without fetching it again.
    pub raw: String,
}

/// What is wrong with `config.json`; every variant names the field when there is one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigProblem {
    /// The file could not be fetched at all.
    #[error("config.json could not be loaded: {0}")]
    Unreachable(String),
    /// The server answered with an error status.
    #[error("config.json could not be loaded: the server answered HTTP {0}")]
    Status(u16),
    /// Not JSON.
    #[error("config.json is not valid JSON: {0}")]
    Json(String),
    /// JSON, but not an object.
    #[error("config.json must hold a JSON object")]
    NotObject,
    /// A required field is absent.
    #[error("config.json is missing the required field `{0}`")]
    Missing(&'static str),
    /// A field has the wrong JSON type.
    #[error("config.json field `{0}` must be a string")]
    NotString(&'static str),
    /// `sign_in_mode` is not one of the three modes.
    #[error(
        "config.json field `sign_in_mode` must be \"auto\", \"redirect\" or \"popup\", not {}",
        Quoted(.0)
    )]
    SignInMode(String),
    /// `popup_timeout_seconds` is not a whole number of seconds in range.
    #[error("config.json field `popup_timeout_seconds` must be a whole number from 5 to 3600")]
    PopupTimeout,
    /// The core rejected a value.
    #[error("config.json field `{field}` is invalid: {0}", field = .0.field())]
    Invalid(#[from] ConfigError),
}

impl ConfigProblem {
    /// The config.json field at fault, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Missing(f) | Self::NotString(f) => Some(f),
            Self::SignInMode(_) => Some("sign_in_mode"),
            Self::PopupTimeout => Some("popup_timeout_seconds"),
            Self::Invalid(e) => Some(e.field()),
            _ => None,
        }
    }
}

/// Parses and validates `config.json` for an app served at `app_base` (origin + base path).
pub fn parse_config(body: &[u8], app_base: &str) -> Result<AppConfig, ConfigProblem> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ConfigProblem::Json(e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(ConfigProblem::NotObject);
    };
    let instance_url = required(&map, "instance_url")?;
    let client_id = required(&map, "client_id")?;
    let scopes = required(&map, "scopes")?;
    let sign_in_mode = match map.get("sign_in_mode") {
        None | Some(Value::Null) => SignInMode::Auto,
        Some(Value::String(s)) => match s.as_str() {
            "auto" => SignInMode::Auto,
            "redirect" => SignInMode::Redirect,
            "popup" => SignInMode::Popup,
            other => return Err(ConfigProblem::SignInMode(other.to_owned())),
        },
        Some(other) => return Err(ConfigProblem::SignInMode(other.to_string())),
    };
    let popup_timeout_secs = match map.get("popup_timeout_seconds") {
        None | Some(Value::Null) => DEFAULT_POPUP_TIMEOUT_SECS,
        Some(v) => v
            .as_u64()
            .filter(|s| (5..=3600).contains(s))
            .ok_or(ConfigProblem::PopupTimeout)?,
    };
    let client = ClientConfig::new(instance_url, client_id, scopes, app_base)?;
    Ok(AppConfig {
        client,
        sign_in_mode,
        popup_timeout_secs,
        raw: String::from_utf8_lossy(body).into_owned(),
    })
}

fn required<'a>(
    map: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, ConfigProblem> {
    match map.get(field) {
        None | Some(Value::Null) => Err(ConfigProblem::Missing(field)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ConfigProblem::NotString(field)),
    }
}
