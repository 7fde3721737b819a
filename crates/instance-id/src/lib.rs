//! Sans-I/O OpenID Connect core for public browser clients of an ERP.net Instance ID.
//!
//! The crate takes bytes, URLs and "now" as values and returns values or descriptions of HTTP
//! requests ([`HttpRequest`]) for the caller to send. It never touches a web API, a clock or a
//! random source of its own: randomness comes in through [`RandomSource`], time as unix
//! seconds. Secrets ([`PkceVerifier`], [`AuthorizationCode`], [`AccessToken`], [`IdToken`])
//! print `[redacted]`; the one-shot ones are not `Clone`. Every error type has a `code()` with
//! the stable codes of the design (section 3.3).
//!
//! The ID token is validated by every rule of OIDC Core 3.1.3.7 that applies to a public
//! client; the signature maths sits behind [`SignatureVerifier`] (shipped: `JwtCompactVerifier`,
//! feature `jwt-compact`, on by default) or [`AsyncSignatureVerifier`] (for the browser's
//! WebCrypto, which answers with a promise). Key strength and signature length are checked by
//! the core before any verifier runs ([`check_inputs`]), and claims can only be read through
//! the proof of a verified signature ([`VerifiedIdToken`]). See [`validate_id_token`],
//! [`validate_id_token_async`] and the module documentation of [`UnverifiedIdToken`].
//!
//! # Features
//!
//! - `jwt-compact` (default): `JwtCompactVerifier`, pure-Rust RS256/PS256/ES256. A browser app
//!   that verifies with WebCrypto turns default features off and saves the RSA and P-256 code.
//!   The example below and the integration tests need it.
//!
//! # The whole flow
//!
//! ```
//! use instance_id::*;
//! # use jwt_compact::{AlgorithmExt as _, Claims, Header};
//! # use jwt_compact::alg::Es256;
//! # let signing_key = <Es256 as jwt_compact::Algorithm>::SigningKey::try_from(
//! #     &serde_json::from_str::<jwt_compact::jwk::JsonWebKey<'_>>(
//! #         r#"{"kty":"EC","crv":"P-256","x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg","y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU","d":"W-BQrbZTxBG8BNoIXRKXE0DmR2Vgdweb9-bnR2IHJcc"}"#,
//! #     )?,
//! # )?;
//! let now = 1_766_494_394; // unix seconds, from the caller's clock
//! // In a browser this is crypto.getRandomValues; here a fixed sequence.
//! let mut counter = 0u8;
//! let mut rng = |buf: &mut [u8]| buf.iter_mut().for_each(|b| { counter = counter.wrapping_add(37); *b = counter });
//!
//! // Configuration (config.json) and the app's own base URL.
//! let config = ClientConfig::new(
//!     "https://testdb.my.erp.net",
//!     "spa.example.com",
//!     "openid profile read",
//!     "https://spa.example.com/",
//! )?;
//!
//! // 1. Discovery. Send each described request, hand the response back.
//! let req = auto_discovery_request(&config);
//! assert_eq!(req.url.as_str(), "https://testdb.my.erp.net/sys/auto-discovery");
//! let body = br#"{"WebSites":[{"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id"}]}"#;
//! let endpoints = parse_auto_discovery(&config, HttpResponse::json(body))
//!     .unwrap_or_else(|_| fallback_endpoints(&config));
//! let req = metadata_request(&endpoints);
//! assert_eq!(req.url.as_str(), "https://testdb.my.erp.net/id/.well-known/openid-configuration");
//! let body = br#"{
//!     "issuer": "https://testdb.my.erp.net/id",
//!     "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
//!     "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
//!     "end_session_endpoint": "https://testdb.my.erp.net/id/connect/endsession",
//!     "jwks_uri": "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks",
//!     "code_challenge_methods_supported": ["S256"],
//!     "id_token_signing_alg_values_supported": ["RS256", "ES256"],
//!     "authorization_response_iss_parameter_supported": true
//! }"#;
//! let metadata = parse_provider_metadata(&endpoints.id_url, HttpResponse::json(body))?;
//! let req = jwks_request(&metadata);
//! let body = br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","use":"sig",
//!     "x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg","y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU"}]}"#;
//! let jwks = parse_jwks(HttpResponse::json(body))?;
//!
//! // 2. Sign-in: keep the pending request (sessionStorage in redirect mode), go to the URL.
//! let pending = PendingRequest::new(&mut rng, now, "/explorer");
//! let authorize = authorization_url(&config, &metadata, &pending, &AuthorizeOptions::default());
//! assert!(authorize.as_str().contains("&code_challenge_method=S256"));
//!
//! // 3. Callback at https://spa.example.com/signin-callback: decide before redeeming the code.
//! let back = Url::parse(&format!(
//!     "https://spa.example.com/signin-callback?code=SplxlOBeZQQYbYS6WxSbIA&state={}&iss={}",
//!     pending.state.as_str(),
//!     "https%3A%2F%2Ftestdb.my.erp.net%2Fid",
//! ))?;
//! assert!(callback_params_present(&back)); // clean the address bar whatever happens
//! assert!(!pending.is_expired(now + 5));
//! let code = validate_callback(parse_callback(&back)?, &pending, &metadata)?;
//!
//! // 4. Token request: consumes the one-shot code and verifier.
//! let PendingRequest { nonce, verifier, return_path, .. } = pending;
//! let req = token_request(&config, &metadata, code, verifier);
//! assert_eq!(req.method, HttpMethod::Post);
//! // ... the provider answers (here a token signed with a test key):
//! # let claims = serde_json::json!({
//! #     "iss": "https://testdb.my.erp.net/id", "aud": "spa.example.com", "sub": "admin",
//! #     "name": "John Doe", "nonce": nonce.as_str(), "iat": now, "exp": now + 300,
//! # });
//! # let id_token = Es256.token(&Header::empty().with_key_id("k1"), &Claims::new(claims), &signing_key)?;
//! # let body = serde_json::json!({
//! #     "access_token": "opaque", "token_type": "Bearer", "expires_in": 3600, "id_token": id_token,
//! # }).to_string();
//! let tokens = parse_token_response(HttpResponse::json(body.as_bytes()))?;
//!
//! // 5. The ID token, every rule; on UnknownKid, refetch the JWKS once and retry.
//! let mut expected = IdTokenExpectations::new(
//!     &metadata.issuer,
//!     config.client_id(),
//!     &nonce,
//!     now,
//!     &metadata.id_token_signing_alg_values_supported,
//! );
//! expected.access_token = Some(&tokens.access_token);
//! let claims = validate_id_token(&tokens.id_token, &jwks, &expected, &JwtCompactVerifier)?;
//! assert_eq!(claims.display_name(), "John Doe");
//! assert_eq!(return_path, "/explorer");
//!
//! // 6. The session lives in memory; its countdown comes from expires_in.
//! let session = SessionTimes::new(now, tokens.expires_in);
//! assert_eq!(session.seconds_left(now + 600), Some(3000));
//! assert!(!session.is_expired(now + 600, 60));
//!
//! // 7. Sign-out: forget the session, go to the end-session URL, check the return.
//! let logout_state = State::generate(&mut rng);
//! let logout = end_session_url(&config, &metadata, Some(&tokens.id_token), &logout_state);
//! assert!(logout.is_some());
//! let returned = Url::parse(&format!("https://spa.example.com/?state={}", logout_state.as_str()))?;
//! parse_logout_return(&returned, &logout_state)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
pub mod service_root;
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
    allowed_algorithms, validate_id_token, validate_id_token_async, IdTokenClaims, IdTokenError,
    IdTokenExpectations, SignatureCheck, UnverifiedIdToken, VerifiedIdToken, DEFAULT_LEEWAY_SECS,
};
pub use jwks::{parse_jwks, Jwk, JwkMaterial, JwkSet, JwksError};
#[cfg(feature = "jwt-compact")]
pub use jws::JwtCompactVerifier;
pub use jws::{
    check_inputs, AsyncSignatureVerifier, JwsAlgorithm, SignatureError, SignatureVerifier,
};
pub use logout::{end_session_url, parse_logout_return, LogoutError};
pub use pkce::{
    Nonce, PendingRequest, PkceError, PkceVerifier, State, PENDING_LIFETIME_SECS,
    VERIFIER_ALPHABET, VERIFIER_LEN,
};
pub use session::SessionTimes;
pub use token::{
    parse_token_response, token_request, AccessToken, IdToken, TokenError, TokenResponse,
};
/// The URL type used throughout the API (re-exported from the `url` crate).
pub use url::Url;
