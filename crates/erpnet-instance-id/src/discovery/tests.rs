use super::*;
use crate::config::ClientConfig;

fn config() -> ClientConfig {
    ClientConfig::new(
        "https://testdb.my.erp.net/",
        "spa.example.com",
        "openid",
        "https://spa.example.com/",
    )
    .unwrap()
}

const SEED_AUTO_DISCOVERY: &str = r#"{"WebSites":[
    {"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id"},
    {"Type":"DomainAPI","Status":"Working","Url":"https://testdb.my.erp.net/api",
     "AdditionalProperties":{"ODataServiceRoot":"https://testdb.my.erp.net/api/domain/odata/"}}]}"#;

#[test]
fn requests() {
    let c = config();
    let r = auto_discovery_request(&c);
    assert_eq!(
        r.url.as_str(),
        "https://testdb.my.erp.net/sys/auto-discovery"
    );
    assert_eq!(r.method, crate::HttpMethod::Get);
    let f = fallback_endpoints(&c);
    assert_eq!(f.id_url, "https://testdb.my.erp.net/id");
    assert_eq!(
        f.odata_root.as_str(),
        "https://testdb.my.erp.net/api/domain/odata/"
    );
    assert!(!f.from_auto_discovery);
    assert_eq!(
        metadata_request(&f).url.as_str(),
        "https://testdb.my.erp.net/id/.well-known/openid-configuration"
    );
}

#[test]
fn seed_auto_discovery() {
    let e = parse_auto_discovery(
        &config(),
        HttpResponse::json(SEED_AUTO_DISCOVERY.as_bytes()),
    )
    .unwrap();
    assert_eq!(e.id_url, "https://testdb.my.erp.net/id");
    assert_eq!(
        e.odata_root.as_str(),
        "https://testdb.my.erp.net/api/domain/odata/"
    );
    assert!(e.from_auto_discovery);
}

#[test]
fn auto_discovery_fallbacks_and_statuses() {
    let body = r#"{"WebSites":[
        {"Type":"ID","Status":"Stopped","Url":"https://old.example/id"},
        {"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id/"},
        {"Type":"DomainAPI","Status":"Working","Url":"https://testdb.my.erp.net/api2/"}]}"#;
    let e = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes())).unwrap();
    assert_eq!(e.id_url, "https://testdb.my.erp.net/id");
    assert_eq!(
        e.odata_root.as_str(),
        "https://testdb.my.erp.net/api2/domain/odata/"
    );
    let body = r#"{"WebSites":[{"Type":"ID","Url":"https://testdb.my.erp.net/id"},
        {"Type":"DomainAPI","Status":"Stopped","Url":"https://elsewhere.example/api"}]}"#;
    let e = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes())).unwrap();
    assert_eq!(
        e.odata_root.as_str(),
        "https://testdb.my.erp.net/api/domain/odata/"
    );
    let body = r#"{"WebSites":[{"Type":"ID","Status":"Stopped","Url":"https://a/id"}]}"#;
    let err = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes()));
    assert!(
        matches!(err, Err(DiscoveryError::IdSiteNotWorking { status: Some(s), description: None }) if s == "Stopped")
    );
    let body = r#"{"WebSites":[{"Type":"Web","Status":"Working","Url":"https://a/"}]}"#;
    let err = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes()));
    assert!(matches!(err, Err(DiscoveryError::NoIdSite)));
    let body = r#"{"WebSites":[{"Type":"ID","Status":"Working","Url":"http://evil.example/id"}]}"#;
    let err = parse_auto_discovery(&config(), HttpResponse::json(body.as_bytes()));
    assert!(matches!(err, Err(DiscoveryError::InvalidUrl { .. })));
}

#[test]
fn auto_discovery_http_errors() {
    let c = config();
    let r = HttpResponse {
        status: 404,
        content_type: Some("application/json"),
        body: b"{}",
    };
    assert!(matches!(
        parse_auto_discovery(&c, r),
        Err(DiscoveryError::HttpStatus { status: 404 })
    ));
    let r = HttpResponse {
        status: 200,
        content_type: Some("text/html"),
        body: b"<html>",
    };
    assert!(matches!(
        parse_auto_discovery(&c, r),
        Err(DiscoveryError::NotJson { .. })
    ));
    assert!(matches!(
        parse_auto_discovery(&c, HttpResponse::json(b"{")),
        Err(DiscoveryError::InvalidJson(_))
    ));
}

const SEED_METADATA: &str = r#"{
  "issuer": "https://testdb.my.erp.net/id",
  "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
  "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
  "end_session_endpoint": "https://testdb.my.erp.net/id/connect/endsession",
  "jwks_uri": "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks",
  "response_types_supported": ["code","token","id_token","code id_token"],
  "grant_types_supported": ["authorization_code","client_credentials","refresh_token"],
  "scopes_supported": ["openid","profile","offline_access","update"]
}"#;

#[test]
fn seed_metadata() {
    let m = parse_provider_metadata(
        "https://testdb.my.erp.net/id",
        HttpResponse {
            status: 200,
            content_type: Some("application/json; charset=UTF-8"),
            body: SEED_METADATA.as_bytes(),
        },
    )
    .unwrap();
    assert_eq!(m.issuer, "https://testdb.my.erp.net/id");
    assert_eq!(
        m.end_session_endpoint.as_ref().map(Url::as_str),
        Some("https://testdb.my.erp.net/id/connect/endsession")
    );
    assert!(!m.authorization_response_iss_parameter_supported);
    assert_eq!(m.scopes_supported.len(), 4);
    assert_eq!(
        jwks_request(&m).url.as_str(),
        "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks"
    );
    let json = serde_json::to_string(&m).unwrap();
    let back: ProviderMetadata = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
}

#[test]
fn metadata_records_advertised_values() {
    let body = r#"{"issuer":"http://localhost:3000/id",
      "authorization_endpoint":"http://localhost:3000/id/connect/authorize",
      "token_endpoint":"http://localhost:3000/id/connect/token",
      "jwks_uri":"http://localhost:3000/id/jwks",
      "code_challenge_methods_supported":["S256"],
      "id_token_signing_alg_values_supported":["RS256","ES256"],
      "authorization_response_iss_parameter_supported":true}"#;
    let m = parse_provider_metadata(
        "http://localhost:3000/id",
        HttpResponse::json(body.as_bytes()),
    )
    .unwrap();
    assert_eq!(m.code_challenge_methods_supported, ["S256"]);
    assert_eq!(m.id_token_signing_alg_values_supported, ["RS256", "ES256"]);
    assert!(m.authorization_response_iss_parameter_supported);
    assert!(m.end_session_endpoint.is_none());
}

#[test]
fn issuer_must_match_exactly() {
    for expected in [
        "https://testdb.my.erp.net/id/",
        "https://TESTDB.my.erp.net/id",
        "https://testdb.my.erp.net/ID",
    ] {
        let e = parse_provider_metadata(expected, HttpResponse::json(SEED_METADATA.as_bytes()))
            .unwrap_err();
        assert!(
            matches!(e, DiscoveryError::IssuerMismatch { .. }),
            "{expected}"
        );
        assert_eq!(e.code(), "issuer_mismatch");
    }
}

#[test]
fn metadata_failures() {
    let iss = "https://testdb.my.erp.net/id";
    let check = |body: String| parse_provider_metadata(iss, HttpResponse::json(body.as_bytes()));
    let e = check(SEED_METADATA.replace("\"token_endpoint\"", "\"x\"")).unwrap_err();
    assert!(matches!(e, DiscoveryError::MissingField("token_endpoint")));
    assert_eq!(e.code(), "discovery_failed");
    let e = check(SEED_METADATA.replace(
        "https://testdb.my.erp.net/id/connect/token",
        "http://testdb.my.erp.net/t",
    ))
    .unwrap_err();
    assert!(matches!(
        e,
        DiscoveryError::InvalidUrl {
            field: "token_endpoint",
            ..
        }
    ));
    let e = check(SEED_METADATA.replace("\"issuer\"", "\"issuer_\"")).unwrap_err();
    assert!(matches!(e, DiscoveryError::MissingField("issuer")));
    let e = check(SEED_METADATA.replace(
        "\"scopes_supported\"",
        "\"code_challenge_methods_supported\": [\"plain\"], \"s\"",
    ))
    .unwrap_err();
    assert!(matches!(e, DiscoveryError::S256NotSupported { .. }));
    let e = check(SEED_METADATA.replace("\"code\",", "")).unwrap_err();
    assert!(matches!(e, DiscoveryError::CodeFlowNotSupported { .. }));
    let e = parse_provider_metadata(
        iss,
        HttpResponse {
            status: 500,
            content_type: Some("application/json"),
            body: b"{}",
        },
    )
    .unwrap_err();
    assert!(matches!(e, DiscoveryError::HttpStatus { status: 500 }));
    let e = parse_provider_metadata(
        iss,
        HttpResponse {
            status: 200,
            content_type: None,
            body: SEED_METADATA.as_bytes(),
        },
    )
    .unwrap_err();
    assert!(matches!(e, DiscoveryError::NotJson { content_type: None }));
}
