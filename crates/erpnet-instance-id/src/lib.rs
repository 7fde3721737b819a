// The README is the crate's front page, and its example a doctest (so it cannot rot). The
// example signs its tokens with jwt-compact, so without that feature a short page stands in.
#![cfg_attr(feature = "jwt-compact", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "jwt-compact"),
    doc = "Sans-I/O OpenID Connect core for public clients of an ERP.net Instance ID. \
           Built without the `jwt-compact` feature: bring a `SignatureVerifier` or an \
           `AsyncSignatureVerifier`. The README (and these docs with default features) shows \
           the whole flow."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod algorithm;
mod authorize;
mod callback;
mod clock;
mod config;
mod discovery;
mod http;
mod id_token;
mod identity;
mod jwks;
mod jws;
mod logout;
mod pkce;
mod quoted;
mod random;
mod refresh;
mod return_path;
pub mod service_root;
mod session;
mod token;
mod userinfo;

pub use algorithm::JwsAlgorithm;
pub use authorize::{authorization_url, AuthorizeOptions};
pub use callback::{
    callback_params_present, parse_callback, strip_callback_params, validate_callback,
    AuthorizationCode, CallbackError, CallbackResponse, CALLBACK_PARAMS,
};
pub use clock::{parse_http_date, ClockOffset, ClockOffsetError};
pub use config::{ClientConfig, ConfigError};
pub use discovery::{
    auto_discovery_request, auto_discovery_request_at, fallback_endpoints,
    fallback_endpoints_because, jwks_request, metadata_request, parse_auto_discovery,
    parse_auto_discovery_at, parse_provider_metadata, AutoDiscoveryPath, DiscoveryError,
    DiscoveryRoute, InstanceEndpoints, ProviderMetadata, SiteStatus,
};
pub use http::{HttpMethod, HttpRequest, HttpResponse};
pub use id_token::{
    allowed_algorithms, IdTokenClaims, IdTokenError, IdTokenVerifier, SignatureCheck,
    UnverifiedIdToken, VerifiedIdToken, DEFAULT_LEEWAY_SECS,
};
pub use identity::{ClientId, ClientIdError, IssuerUrl, IssuerUrlError};
pub use jwks::{parse_jwks, Jwk, JwkMaterial, JwkSet, JwksError};
#[cfg(feature = "jwt-compact")]
pub use jws::JwtCompactVerifier;
pub use jws::{check_inputs, AsyncSignatureVerifier, SignatureError, SignatureVerifier};
pub use logout::{end_session_url, parse_logout_return, LogoutError};
pub use pkce::{
    Nonce, PendingRequest, PkceError, PkceVerifier, State, PENDING_LIFETIME_SECS,
    VERIFIER_ALPHABET, VERIFIER_LEN,
};
pub use quoted::Quoted;
pub use random::RandomSource;
pub use refresh::{
    parse_refresh_response, refresh_token_request, revocation_request, RefreshResponse,
};
pub use return_path::sanitize_return_path;
pub use session::SessionTimes;
pub use token::{
    parse_token_response, token_request, AccessToken, IdToken, RefreshToken, TokenError,
    TokenResponse,
};
/// The URL type used throughout the API (re-exported from the `url` crate).
pub use url::Url;
pub use userinfo::{parse_userinfo, userinfo_request, UserInfo, UserInfoError};
