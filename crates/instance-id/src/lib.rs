//! Sans-I/O OpenID Connect core for public browser clients of an ERP.net Instance ID.
//!
//! The crate takes bytes, URLs and "now" as values and returns values or descriptions of HTTP
//! requests ([`HttpRequest`]) for the caller to send. It never touches a web API, a clock or a
//! random source of its own: randomness comes in through [`RandomSource`], time as unix
//! seconds.
#![warn(missing_docs)]

mod authorize;
mod callback;
mod config;
mod discovery;
mod http;
mod id_token;
mod jwks;
mod jws;
mod logout;
mod pkce;
mod session;
mod token;

pub use authorize::{authorization_url, sanitize_return_path, AuthorizeOptions};
pub use callback::{
    callback_params_present, parse_callback, strip_callback_params, validate_callback,
    AuthorizationCode, CallbackError, CallbackResponse, CALLBACK_PARAMS,
};
pub use config::{ClientConfig, ConfigError};
pub use discovery::{
    auto_discovery_request, fallback_endpoints, jwks_request, metadata_request,
    parse_auto_discovery, parse_provider_metadata, DiscoveryError, InstanceEndpoints,
    ProviderMetadata,
};
pub use http::{HttpMethod, HttpRequest, HttpResponse, RandomSource};
pub use id_token::{
    allowed_algorithms, validate_id_token, IdTokenClaims, IdTokenError, IdTokenExpectations,
    SignatureCheck, UnverifiedIdToken, VerifiedIdToken, DEFAULT_LEEWAY_SECS,
};
pub use jwks::{parse_jwks, Jwk, JwkMaterial, JwkSet, JwksError};
pub use jws::{JwsAlgorithm, JwtCompactVerifier, SignatureError, SignatureVerifier};
pub use logout::{end_session_url, parse_logout_return, LogoutError};
pub use pkce::{
    Nonce, PendingRequest, PkceError, PkceVerifier, State, PENDING_LIFETIME_SECS,
    VERIFIER_ALPHABET, VERIFIER_LEN,
};
pub use session::SessionTimes;
pub use token::{
    parse_token_response, token_request, AccessToken, IdToken, TokenError, TokenResponse,
};
