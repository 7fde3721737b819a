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
//! What the real Instance ID (IdentityServer4 4.1) adds is covered too: auto-discovery at
//! `/sys` or `/tools` ([`AutoDiscoveryPath`], [`DiscoveryRoute`]), callbacks with
//! `session_state` and `#_=_`, the person's name from userinfo ([`userinfo_request`],
//! [`parse_userinfo`]), one-time refresh tokens ([`RefreshToken`], [`refresh_token_request`],
//! [`parse_refresh_response`], [`revocation_request`]) whose new ID token is validated by OIDC
//! Core 12.2 ([`validate_refreshed_id_token`]), and a bounded device-clock correction
//! ([`ClockOffset`], [`parse_http_date`], [`IdTokenError::clock_skew_minutes`]).
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
//! use erpnet_instance_id::*;
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
//!     "openid profile offline_access read",
//!     "https://spa.example.com/",
//! )?;
//!
//! // 1. Discovery. Send each described request, hand the response back. Auto-discovery is
//! //    tried at /sys, then /tools, then the conventional addresses.
//! let mut reasons = Vec::new();
//! let mut found = None;
//! for path in AutoDiscoveryPath::ALL {
//!     let req = auto_discovery_request_at(&config, path);
//!     // ... send it; here /sys answers 404 and /tools answers:
//!     let (status, body): (u16, &[u8]) = match path {
//!         AutoDiscoveryPath::Sys => (404, b"{}"),
//!         AutoDiscoveryPath::Tools => (200, br#"{"Host":"testdb.my.erp.net","DbName":"testdb","WebSites":[
//!             {"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id","AdditionalProperties":null},
//!             {"Type":"API","Status":"Working","Url":"https://testdb.my.erp.net/api"}]}"#),
//!     };
//!     let resp = HttpResponse { status, content_type: Some("application/json"), body };
//!     match parse_auto_discovery_at(&config, path, resp) {
//!         Ok(e) => { found = Some(e); break; }
//!         Err(e) => reasons.push(format!("{}: {e}", req.url.path())),
//!     }
//! }
//! let endpoints = found.unwrap_or_else(|| fallback_endpoints_because(&config, reasons.join("; ")));
//! assert_eq!(endpoints.route.to_string(), "auto-discovery at /tools/auto-discovery");
//! let req = metadata_request(&endpoints);
//! assert_eq!(req.url.as_str(), "https://testdb.my.erp.net/id/.well-known/openid-configuration");
//! let body = br#"{
//!     "issuer": "https://testdb.my.erp.net/id",
//!     "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
//!     "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
//!     "end_session_endpoint": "https://testdb.my.erp.net/id/connect/endsession",
//!     "jwks_uri": "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks",
//!     "userinfo_endpoint": "https://testdb.my.erp.net/id/connect/userinfo",
//!     "revocation_endpoint": "https://testdb.my.erp.net/id/connect/revocation",
//!     "code_challenge_methods_supported": ["plain", "S256"],
//!     "id_token_signing_alg_values_supported": ["RS256", "ES256"]
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
//! //    (IdentityServer4 sends no `iss`, as its metadata does not advertise RFC 9207.)
//! let back = Url::parse(&format!(
//!     "https://spa.example.com/signin-callback?code=SplxlOBeZQQYbYS6WxSbIA&scope=openid&state={}&session_state=xyz.abc",
//!     pending.state.as_str(),
//! ))?;
//! assert!(callback_params_present(&back)); // clean the address bar whatever happens
//! assert_eq!(strip_callback_params(&back).as_str(), "https://spa.example.com/signin-callback?scope=openid");
//! assert!(!pending.is_expired(now + 5));
//! let code = validate_callback(parse_callback(&back)?, &pending, &metadata)?;
//!
//! // 4. Token request: consumes the one-shot code and verifier.
//! let PendingRequest { nonce, verifier, return_path, .. } = pending;
//! let req = token_request(&config, &metadata, code, verifier);
//! assert_eq!(req.method, HttpMethod::Post);
//! // ... the provider answers (here a token signed with a test key; like IdentityServer4's, it
//! // has no name):
//! # let claims = serde_json::json!({
//! #     "iss": "https://testdb.my.erp.net/id", "aud": "spa.example.com", "sub": "admin",
//! #     "nonce": nonce.as_str(), "iat": now, "nbf": now, "exp": now + 300, "auth_time": now - 5,
//! # });
//! # let id_token = Es256.token(&Header::empty().with_key_id("k1"), &Claims::new(claims), &signing_key)?;
//! # let body = serde_json::json!({
//! #     "access_token": "opaque", "token_type": "Bearer", "expires_in": 3600, "id_token": id_token,
//! #     "refresh_token": "one-time-1",
//! # }).to_string();
//! let tokens = parse_token_response(HttpResponse::json(body.as_bytes()))?;
//! // The token response's Date header (when readable) gives the Instance ID's clock.
//! let offset = ClockOffset::from_server_date("Tue, 23 Dec 2025 12:53:14 GMT", None, now)
//!     .unwrap_or_default();
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
//! expected.clock_offset = offset;
//! let claims = validate_id_token(&tokens.id_token, &jwks, &expected, &JwtCompactVerifier)?;
//! assert_eq!(claims.display_name(), "admin");
//! assert_eq!(return_path, "/explorer");
//!
//! // 5b. The name, off the critical path: userinfo, trusted only for the same `sub`.
//! let req = userinfo_request(&metadata, &tokens.access_token).expect("advertised");
//! assert_eq!(req.method, HttpMethod::Get); // with `Authorization: Bearer ...`
//! let info = parse_userinfo(HttpResponse::json(br#"{"sub":"admin","name":"John Doe"}"#), &claims.sub)?;
//! assert_eq!(info.display_name(), Some("John Doe"));
//!
//! // 6. The session lives in memory; its countdown comes from expires_in.
//! let session = SessionTimes::new(now, tokens.expires_in);
//! assert_eq!(session.seconds_left(now + 600), Some(3000));
//! assert!(!session.is_expired(now + 600, 60));
//!
//! // 6b. Before it expires: refresh (the one-time token is replaced by the answer's), and the
//! //     new ID token is checked against the sign-in's claims (OIDC Core 12.2, no nonce).
//! let mut refresh_token = tokens.refresh_token.expect("offline_access was granted");
//! let req = refresh_token_request(&config, &metadata, &refresh_token);
//! assert!(req.body.as_deref().is_some_and(|b| b.starts_with("grant_type=refresh_token&")));
//! # let later = now + 3000;
//! # let claims2 = serde_json::json!({
//! #     "iss": "https://testdb.my.erp.net/id", "aud": "spa.example.com", "sub": "admin",
//! #     "iat": later, "nbf": later, "exp": later + 300, "auth_time": now - 5,
//! # });
//! # let id_token2 = Es256.token(&Header::empty().with_key_id("k1"), &Claims::new(claims2), &signing_key)?;
//! # let body = serde_json::json!({
//! #     "access_token": "opaque-2", "token_type": "Bearer", "expires_in": 3600, "id_token": id_token2,
//! #     "refresh_token": "one-time-2",
//! # }).to_string();
//! let refreshed = parse_refresh_response(HttpResponse::json(body.as_bytes()))?;
//! if let Some(id_token) = &refreshed.id_token {
//!     let mut expected = RefreshExpectations::new(
//!         &claims, config.client_id(), later, &metadata.id_token_signing_alg_values_supported);
//!     expected.access_token = Some(&refreshed.access_token);
//!     expected.clock_offset = offset;
//!     validate_refreshed_id_token(id_token, &jwks, &expected, &JwtCompactVerifier)?;
//! }
//! if let Some(next) = refreshed.refresh_token { refresh_token = next; }
//!
//! // 7. Sign-out: revoke the refresh token, forget the session, go to the end-session URL,
//! //    check the return.
//! let revoke = revocation_request(&config, &metadata, &refresh_token);
//! assert!(revoke.is_some());
//! let logout_state = State::generate(&mut rng);
//! let logout = end_session_url(&config, &metadata, Some(&tokens.id_token), &logout_state);
//! assert!(logout.is_some());
//! let returned = Url::parse(&format!("https://spa.example.com/?state={}", logout_state.as_str()))?;
//! parse_logout_return(&returned, &logout_state)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod algorithm;
mod authorize;
mod callback;
mod clock;
mod config;
mod discovery;
mod http;
mod id_token;
mod jwks;
mod jws;
mod logout;
mod pkce;
mod refresh;
mod refreshed_id_token;
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
pub use http::{HttpMethod, HttpRequest, HttpResponse, RandomSource};
pub use id_token::{
    allowed_algorithms, validate_id_token, validate_id_token_async, IdTokenClaims, IdTokenError,
    IdTokenExpectations, SignatureCheck, UnverifiedIdToken, VerifiedIdToken, DEFAULT_LEEWAY_SECS,
};
pub use jwks::{parse_jwks, Jwk, JwkMaterial, JwkSet, JwksError};
#[cfg(feature = "jwt-compact")]
pub use jws::JwtCompactVerifier;
pub use jws::{check_inputs, AsyncSignatureVerifier, SignatureError, SignatureVerifier};
pub use logout::{end_session_url, parse_logout_return, LogoutError};
pub use pkce::{
    Nonce, PendingRequest, PkceError, PkceVerifier, State, PENDING_LIFETIME_SECS,
    VERIFIER_ALPHABET, VERIFIER_LEN,
};
pub use refresh::{
    parse_refresh_response, refresh_token_request, revocation_request, RefreshResponse,
};
pub use refreshed_id_token::{
    validate_refreshed_id_token, validate_refreshed_id_token_async, RefreshExpectations,
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
