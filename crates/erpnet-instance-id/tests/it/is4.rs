//! The shapes the real ERP.net Instance ID (IdentityServer4 4.1) sends: discovery,
//! auto-discovery variants, callbacks, token and refresh responses, userinfo. One test per
//! behaviour.

use erpnet_instance_id::{
    auto_discovery_request_at, callback_params_present, fallback_endpoints_because,
    parse_auto_discovery_at, parse_callback, parse_provider_metadata, parse_token_response,
    parse_userinfo, strip_callback_params, userinfo_request, validate_callback, AutoDiscoveryPath,
    CallbackError, ClientConfig, DiscoveryError, DiscoveryRoute, HttpResponse, IdToken,
    IdTokenError, JwtCompactVerifier, PendingRequest, ProviderMetadata, UserInfoError,
};
use serde_json::json;
use url::Url;

use crate::support::*;

/// IdentityServer4 4.1's discovery document, as `DiscoveryResponseGenerator` writes it.
const IS4_DISCOVERY: &str = r#"{
  "issuer": "https://x.my.erp.net/id",
  "jwks_uri": "https://x.my.erp.net/id/.well-known/openid-configuration/jwks",
  "authorization_endpoint": "https://x.my.erp.net/id/connect/authorize",
  "token_endpoint": "https://x.my.erp.net/id/connect/token",
  "userinfo_endpoint": "https://x.my.erp.net/id/connect/userinfo",
  "end_session_endpoint": "https://x.my.erp.net/id/connect/endsession",
  "check_session_iframe": "https://x.my.erp.net/id/connect/checksession",
  "revocation_endpoint": "https://x.my.erp.net/id/connect/revocation",
  "introspection_endpoint": "https://x.my.erp.net/id/connect/introspect",
  "device_authorization_endpoint": "https://x.my.erp.net/id/connect/deviceauthorization",
  "frontchannel_logout_supported": true,
  "frontchannel_logout_session_supported": true,
  "backchannel_logout_supported": true,
  "backchannel_logout_session_supported": true,
  "scopes_supported": ["openid", "profile", "offline_access"],
  "claims_supported": ["sub", "name", "family_name"],
  "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token", "implicit"],
  "response_types_supported": ["code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token"],
  "response_modes_supported": ["form_post", "query", "fragment"],
  "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
  "id_token_signing_alg_values_supported": ["RS256"],
  "subject_types_supported": ["public"],
  "code_challenge_methods_supported": ["plain", "S256"],
  "request_parameter_supported": true
}"#;

fn is4_metadata() -> ProviderMetadata {
    parse_provider_metadata(ISSUER, HttpResponse::json(IS4_DISCOVERY.as_bytes())).unwrap()
}

fn config() -> ClientConfig {
    ClientConfig::new(
        "https://x.my.erp.net",
        CLIENT_ID,
        "openid profile offline_access",
        "https://spa.example.com/",
    )
    .unwrap()
}

#[test]
fn is4_discovery_is_accepted_with_its_extra_endpoints() {
    let m = is4_metadata();
    assert!(!m.authorization_response_iss_parameter_supported);
    assert_eq!(m.code_challenge_methods_supported, ["plain", "S256"]);
    assert_eq!(m.id_token_signing_alg_values_supported, ["RS256"]);
    let url = |u: &Option<Url>| u.as_ref().map(|u| u.as_str().to_owned());
    assert_eq!(
        url(&m.userinfo_endpoint).as_deref(),
        Some("https://x.my.erp.net/id/connect/userinfo")
    );
    assert_eq!(
        url(&m.revocation_endpoint).as_deref(),
        Some("https://x.my.erp.net/id/connect/revocation")
    );
    assert_eq!(
        url(&m.check_session_iframe).as_deref(),
        Some("https://x.my.erp.net/id/connect/checksession")
    );
    // The value survives the sessionStorage round trip, and an older stored value without the
    // new fields still reads.
    let back: ProviderMetadata = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
    let mut old = serde_json::to_value(&m).unwrap();
    for k in [
        "userinfo_endpoint",
        "revocation_endpoint",
        "check_session_iframe",
    ] {
        old.as_object_mut().unwrap().remove(k);
    }
    let back: ProviderMetadata = serde_json::from_value(old).unwrap();
    assert_eq!(back.userinfo_endpoint, None);
}

#[test]
fn insecure_optional_endpoints_are_refused() {
    for field in [
        "userinfo_endpoint",
        "check_session_iframe",
        "revocation_endpoint",
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(IS4_DISCOVERY).unwrap();
        doc[field] = json!("http://x.my.erp.net/id/connect/x");
        let body = doc.to_string();
        let e = parse_provider_metadata(ISSUER, HttpResponse::json(body.as_bytes())).unwrap_err();
        assert!(
            matches!(e, DiscoveryError::InvalidUrl { field: f, .. } if f == field),
            "{field}"
        );
    }
}

#[test]
fn plain_only_pkce_is_refused() {
    let body = IS4_DISCOVERY.replace(r#"["plain", "S256"]"#, r#"["plain"]"#);
    let e = parse_provider_metadata(ISSUER, HttpResponse::json(body.as_bytes())).unwrap_err();
    assert!(matches!(e, DiscoveryError::S256NotSupported { .. }));
}

fn pending() -> PendingRequest {
    PendingRequest::new(&mut |b: &mut [u8]| b.fill(9), NOW, "/")
}

#[test]
fn is4_success_callback_with_session_state_and_no_iss() {
    let p = pending();
    let url = Url::parse(&format!(
        "https://spa.example.com/signin-callback?code=9A2B7F0C1D4E&scope=openid%20profile%20offline_access&state={}&session_state=qJ9Yw0o1rfTB6EXv8Pq3Q0kd9S2xuo8zKZqF8sVYq0E.1B7E4A3C9D2F",
        p.state.as_str()
    ))
    .unwrap();
    assert!(callback_params_present(&url));
    let code = validate_callback(parse_callback(&url).unwrap(), &p, &is4_metadata()).unwrap();
    assert_eq!(code.secret(), "9A2B7F0C1D4E");
    // `scope` is not a response parameter this client removes; session_state is.
    assert_eq!(
        strip_callback_params(&url).as_str(),
        "https://spa.example.com/signin-callback?scope=openid%20profile%20offline_access"
    );
}

#[test]
fn is4_error_callbacks_end_in_underscore_fragment() {
    let p = pending();
    for error in [
        "access_denied",
        "login_required",
        "consent_required",
        "interaction_required",
        "account_selection_required",
    ] {
        let url = Url::parse(&format!(
            "https://spa.example.com/signin-callback?error={error}&state={}#_=_",
            p.state.as_str()
        ))
        .unwrap();
        assert!(callback_params_present(&url));
        let e = validate_callback(parse_callback(&url).unwrap(), &p, &is4_metadata()).unwrap_err();
        assert!(matches!(&e, CallbackError::ProviderError { error: found, .. } if found == error));
        assert_eq!(
            strip_callback_params(&url).as_str(),
            "https://spa.example.com/signin-callback"
        );
    }
}

#[test]
fn address_bar_is_cleaned_of_every_response_parameter() {
    let url = Url::parse(
        "https://spa.example.com/signin-callback?tab=2&error=x&error_description=d&error_uri=https%3A%2F%2Fe&iss=i&session_state=s&state=t#_=_",
    )
    .unwrap();
    assert_eq!(
        strip_callback_params(&url).as_str(),
        "https://spa.example.com/signin-callback?tab=2"
    );
    // The `#_=_` alone is still something to clean; other fragments are the app's own.
    let only_filler = Url::parse("https://spa.example.com/#_=_").unwrap();
    assert!(callback_params_present(&only_filler));
    assert_eq!(
        strip_callback_params(&only_filler).as_str(),
        "https://spa.example.com/"
    );
    let own = Url::parse("https://spa.example.com/?_=123#top").unwrap();
    assert!(!callback_params_present(&own));
    assert_eq!(strip_callback_params(&own), own);
}

#[test]
fn is4_id_token_has_no_name_and_the_name_comes_from_userinfo() {
    let claims = claims_with(json!({"name": null, "email": null, "idp": "local", "s_hash": "x"}));
    let t = rs256(&claims);
    let (n, algs, at) = (nonce(), vec!["RS256".to_owned()], access_token());
    let c = (expectations(&n, &algs, &at))
        .validate(&t, &default_jwks(), &JwtCompactVerifier)
        .unwrap();
    assert_eq!(c.display_name(), "admin");
    let req = userinfo_request(&is4_metadata(), &at).unwrap();
    assert_eq!(
        req.header("Authorization"),
        Some("Bearer an-opaque-or-jwt-access-token")
    );
    let body = br#"{"name":"John Doe","preferred_username":"admin","sub":"admin"}"#;
    let info = parse_userinfo(HttpResponse::json(body), &c.sub).unwrap();
    assert_eq!(info.display_name(), Some("John Doe"));
}

#[test]
fn userinfo_for_another_subject_is_ignored() {
    let body = br#"{"name":"Mallory","sub":"mallory"}"#;
    assert!(matches!(
        parse_userinfo(HttpResponse::json(body), "admin"),
        Err(UserInfoError::SubMismatch)
    ));
}

#[test]
fn is4_token_response_with_a_refresh_token() {
    let body = br#"{"id_token":"a.b.c","access_token":"at","expires_in":3600,"token_type":"Bearer","refresh_token":"8C3F0E6A","scope":"openid profile offline_access"}"#;
    let r = parse_token_response(HttpResponse::json(body)).unwrap();
    assert_eq!(
        r.refresh_token.as_ref().map(|t| t.secret()),
        Some("8C3F0E6A")
    );
    assert!(!format!("{r:?}").contains("8C3F0E6A"));
    // The code exchange stays strict: without an ID token it is refused.
    let body = br#"{"access_token":"at","token_type":"Bearer","refresh_token":"8C3F0E6A"}"#;
    assert!(parse_token_response(HttpResponse::json(body)).is_err());
}

#[test]
fn non_ascii_alg_header_is_refused_without_panic() {
    let (n, algs, at) = (nonce(), advertised(), access_token());
    let e = expectations(&n, &algs, &at);
    for (alg, hmac) in [
        ("H\u{e9}256", false),
        ("\u{e9}", false),
        ("\u{1f600}S256", false),
        ("H", false),
        ("HS", true),
        ("hs256", true),
    ] {
        let t = IdToken::new(sign(
            &json!({"alg": alg, "kid": "rsa-a"}),
            &good_claims(),
            Signer::Empty,
        ));
        let err = e
            .validate(&t, &default_jwks(), &JwtCompactVerifier)
            .unwrap_err();
        assert_eq!(err.rule(), "alg", "{alg}");
        if hmac {
            assert!(matches!(err, IdTokenError::AlgHmac { .. }), "{alg}");
        } else {
            assert!(matches!(err, IdTokenError::AlgUnsupported { .. }), "{alg}");
        }
    }
}

// ---- auto-discovery ----

fn auto(
    path: AutoDiscoveryPath,
    body: &str,
) -> Result<erpnet_instance_id::InstanceEndpoints, DiscoveryError> {
    parse_auto_discovery_at(&config(), path, HttpResponse::json(body.as_bytes()))
}

#[test]
fn both_documented_paths_are_requested() {
    let urls: Vec<String> = AutoDiscoveryPath::ALL
        .iter()
        .map(|p| auto_discovery_request_at(&config(), *p).url.to_string())
        .collect();
    assert_eq!(
        urls,
        [
            "https://x.my.erp.net/sys/auto-discovery",
            "https://x.my.erp.net/tools/auto-discovery"
        ]
    );
}

#[test]
fn the_pre_2025_api_type_and_nulls_are_accepted() {
    let body = r#"{"Host":"x.my.erp.net","DbName":"x","WebSites":[
        {"Type":"ID","Status":"Working","StatusDescription":null,"Url":"https://x.my.erp.net/id","System":"IdentityServer","AdditionalProperties":null},
        {"Type":"api","Status":"Working","Url":"https://x.my.erp.net/api","AdditionalProperties":null}]}"#;
    let e = auto(AutoDiscoveryPath::Tools, body).unwrap();
    assert_eq!(e.id_url, "https://x.my.erp.net/id");
    assert_eq!(
        e.odata_root.as_str(),
        "https://x.my.erp.net/api/domain/odata/"
    );
    assert_eq!(
        e.route,
        DiscoveryRoute::AutoDiscovery(AutoDiscoveryPath::Tools)
    );
    assert_eq!(
        e.route.to_string(),
        "auto-discovery at /tools/auto-discovery"
    );
    assert!(e.from_auto_discovery);
    assert_eq!(e.sites.len(), 2);
    assert!(e.site_warnings().is_empty());
    // An empty document is not a usable one.
    assert!(matches!(
        auto(AutoDiscoveryPath::Sys, r#"{"WebSites":null}"#),
        Err(DiscoveryError::NoIdSite)
    ));
}

#[test]
fn a_not_working_id_site_says_why() {
    let body = r#"{"WebSites":[{"Type":"ID","Status":"NotWorking","StatusDescription":"Certificate expired on 2025-12-01","Url":"https://x.my.erp.net/id"}]}"#;
    let e = auto(AutoDiscoveryPath::Sys, body).unwrap_err();
    assert!(
        matches!(&e, DiscoveryError::IdSiteNotWorking { description: Some(d), .. } if d.contains("Certificate expired"))
    );
    let text = e.to_string();
    assert!(
        text.contains("NotWorking") && text.contains("Certificate expired on 2025-12-01"),
        "{text}"
    );
    assert_eq!(e.code(), "discovery_failed");
}

#[test]
fn unknown_status_is_used_when_nothing_is_working() {
    let body = r#"{"WebSites":[
        {"Type":"ID","Status":"NotWorking","Url":"https://down.example/id"},
        {"Type":"ID","Status":"Unknown","Url":"https://x.my.erp.net/id"},
        {"Type":"DomainAPI","Status":"Unknown","Url":"https://x.my.erp.net/api"}]}"#;
    let e = auto(AutoDiscoveryPath::Sys, body).unwrap();
    assert_eq!(e.id_url, "https://x.my.erp.net/id");
    assert_eq!(
        e.odata_root.as_str(),
        "https://x.my.erp.net/api/domain/odata/"
    );
    let w = e.site_warnings();
    assert_eq!(w.len(), 3, "{w:?}");
}

#[test]
fn a_not_working_domain_api_falls_back_and_is_reported() {
    let body = r#"{"WebSites":[
        {"Type":"ID","Status":"Working","Url":"https://x.my.erp.net/id"},
        {"Type":"DomainAPI","Status":"NotWorking","StatusDescription":"Database is being upgraded","Url":"https://elsewhere.example/api"}]}"#;
    let e = auto(AutoDiscoveryPath::Sys, body).unwrap();
    assert_eq!(
        e.odata_root.as_str(),
        "https://x.my.erp.net/api/domain/odata/"
    );
    assert_eq!(
        e.site_warnings(),
        ["DomainAPI is NotWorking: Database is being upgraded"]
    );
}

#[test]
fn every_auto_discovery_url_must_be_https_or_loopback() {
    for (id, api) in [
        ("http://x.my.erp.net/id", "https://x.my.erp.net/api"),
        ("https://x.my.erp.net/id", "http://x.my.erp.net/api"),
        ("https://x.my.erp.net/id", "ftp://x.my.erp.net/api"),
        ("http://127.0.0.2/id", "https://x.my.erp.net/api"),
        (
            "https://user:pw@x.my.erp.net/id",
            "https://x.my.erp.net/api",
        ),
    ] {
        let body =
            json!({"WebSites": [{"Type": "ID", "Url": id}, {"Type": "DomainAPI", "Url": api}]})
                .to_string();
        let e = auto(AutoDiscoveryPath::Sys, &body).unwrap_err();
        assert!(matches!(e, DiscoveryError::InvalidUrl { .. }), "{id} {api}");
        assert!(e.to_string().contains("https"), "{e}");
    }
    let root = json!({"WebSites": [{"Type": "ID", "Url": "https://x.my.erp.net/id"},
        {"Type": "DomainAPI", "Url": "https://x.my.erp.net/api", "AdditionalProperties": {"ODataServiceRoot": "http://evil.example/odata/"}}]}).to_string();
    assert!(matches!(
        auto(AutoDiscoveryPath::Sys, &root),
        Err(DiscoveryError::InvalidUrl { .. })
    ));
    for (id, api) in [
        ("http://localhost:8400/id", "http://127.0.0.1:8400/api"),
        ("http://[::1]:8400/id", "http://LOCALHOST:8400/api"),
    ] {
        let body =
            json!({"WebSites": [{"Type": "ID", "Url": id}, {"Type": "DomainAPI", "Url": api}]})
                .to_string();
        assert!(auto(AutoDiscoveryPath::Sys, &body).is_ok(), "{id} {api}");
    }
}

#[test]
fn the_fallback_route_carries_its_reason() {
    let e = fallback_endpoints_because(
        &config(),
        "/sys/auto-discovery: HTTP 404; /tools/auto-discovery: HTTP 404",
    );
    assert!(!e.from_auto_discovery);
    assert_eq!(e.id_url, "https://x.my.erp.net/id");
    assert_eq!(
        e.route.to_string(),
        "the default addresses /id and /api/domain/odata/, because /sys/auto-discovery: HTTP 404; /tools/auto-discovery: HTTP 404"
    );
    let back: erpnet_instance_id::InstanceEndpoints =
        serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}
