//! The whole sign-in flow, offline: discovery, the authorization URL, the callback, the token
//! request, the ID token, userinfo, a refresh and the end-session URL, with the provider's
//! answers written out and its ID tokens signed here with a test key.
//!
//! ```sh
//! cargo run -p erpnet-instance-id --example sign_in
//! ```
//!
//! In a real client every `HttpRequest` below is sent and its response handed back; the
//! crate itself never does I/O.

use erpnet_instance_id::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let now = 1_766_494_394; // unix seconds, from your clock
                             // Randomness is yours too (crypto.getRandomValues in a browser); a fixed sequence here.
    let mut counter = 0u8;
    let mut rng = |buf: &mut [u8]| {
        for b in buf {
            counter = counter.wrapping_add(37);
            *b = counter;
        }
    };

    // The instance, this client (a Trusted Application's ApplicationUri), the scopes, and
    // where the app lives. The redirect URI is derived: https://spa.example.com/signin-callback
    let config = ClientConfig::new(
        "https://testdb.my.erp.net",
        "spa.example.com",
        "openid profile offline_access read",
        "https://spa.example.com/",
    )?;

    // 1. Discovery: auto-discovery at /sys, then /tools, then the conventional addresses.
    let mut reasons = Vec::new();
    let mut found = None;
    for path in AutoDiscoveryPath::ALL {
        let request = auto_discovery_request_at(&config, path);
        // ... send it; here /sys answers 404 and /tools answers:
        let (status, body): (u16, &[u8]) = match path {
            AutoDiscoveryPath::Sys => (404, b"{}"),
            AutoDiscoveryPath::Tools => (200, br#"{"WebSites":[
                {"Type":"ID","Status":"Working","Url":"https://testdb.my.erp.net/id"},
                {"Type":"DomainAPI","Status":"Working","Url":"https://testdb.my.erp.net/api/domain/odata/"}]}"#),
        };
        let response = HttpResponse {
            status,
            content_type: Some("application/json"),
            body,
        };
        match parse_auto_discovery_at(&config, path, response) {
            Ok(endpoints) => {
                found = Some(endpoints);
                break;
            }
            Err(e) => reasons.push(format!("{}: {e}", request.url.path())),
        }
    }
    let endpoints =
        found.unwrap_or_else(|| fallback_endpoints_because(&config, reasons.join("; ")));
    assert_eq!(
        endpoints.route.to_string(),
        "auto-discovery at /tools/auto-discovery"
    );
    println!(
        "1. endpoints found by {}: Instance ID {}",
        endpoints.route, endpoints.id_url
    );

    let request = metadata_request(&endpoints);
    assert_eq!(
        request.url.as_str(),
        "https://testdb.my.erp.net/id/.well-known/openid-configuration"
    );
    let metadata = parse_provider_metadata(
        &endpoints.id_url,
        HttpResponse::json(
            br#"{
        "issuer": "https://testdb.my.erp.net/id",
        "authorization_endpoint": "https://testdb.my.erp.net/id/connect/authorize",
        "token_endpoint": "https://testdb.my.erp.net/id/connect/token",
        "end_session_endpoint": "https://testdb.my.erp.net/id/connect/endsession",
        "jwks_uri": "https://testdb.my.erp.net/id/.well-known/openid-configuration/jwks",
        "userinfo_endpoint": "https://testdb.my.erp.net/id/connect/userinfo",
        "revocation_endpoint": "https://testdb.my.erp.net/id/connect/revocation",
        "code_challenge_methods_supported": ["plain", "S256"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"]
    }"#,
        ),
    )?;
    let _request = jwks_request(&metadata);
    let jwks = parse_jwks(HttpResponse::json(
        br#"{"keys":[{"kty":"EC","crv":"P-256",
        "kid":"k1","use":"sig","x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg",
        "y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU"}]}"#,
    ))?;

    // The ID token verifier: built once from the configuration, the metadata and the keys.
    let verifier = IdTokenVerifier::for_provider(config.client_id().clone(), &metadata, jwks);

    // 2. Sign-in: keep the pending request (e.g. in sessionStorage), go to the URL.
    let pending = PendingRequest::new(&mut rng, now, "/explorer");
    let url = authorization_url(&config, &metadata, &pending, &AuthorizeOptions::default());
    assert!(url.as_str().contains("&code_challenge_method=S256"));
    println!("2. go to {url}");

    // 3. The callback: decided before the code is redeemed. (IdentityServer4 sends no `iss`:
    //    its metadata does not advertise RFC 9207.)
    let back = Url::parse(&format!(
        "https://spa.example.com/signin-callback?code=SplxlOBeZQQYbYS6WxSbIA&scope=openid\
         &state={}&session_state=xyz.abc",
        pending.state.as_str(),
    ))?;
    assert!(callback_params_present(&back)); // clean the address bar whatever happens next
    assert!(!pending.is_expired(now + 5));
    let code = validate_callback(parse_callback(&back)?, &pending, &metadata)?;
    println!("3. callback accepted: {code:?}");

    // 4. The token request consumes the one-shot code and verifier.
    let PendingRequest {
        nonce,
        verifier: pkce,
        return_path,
        ..
    } = pending;
    let request = token_request(&config, &metadata, code, pkce);
    assert_eq!(request.method, HttpMethod::Post);
    println!("4. {request:?}");
    // ... send it; the provider answers:
    let body = serde_json::json!({
        "access_token": "opaque", "token_type": "Bearer", "expires_in": 3600,
        "refresh_token": "one-time-1",
        "id_token": provider::sign(serde_json::json!({
            "iss": "https://testdb.my.erp.net/id", "aud": "spa.example.com", "sub": "admin",
            "nonce": nonce.as_str(), "iat": now, "nbf": now, "exp": now + 300,
            "auth_time": now - 5,
        }))?,
    })
    .to_string();
    let tokens = parse_token_response(HttpResponse::json(body.as_bytes()))?;

    // 5. The ID token, every rule. The response's Date header gives the provider's clock.
    //    On `e.should_refetch_jwks()`, fetch the JWKS once more, `set_keys`, and verify again.
    let offset = ClockOffset::from_server_date("Tue, 23 Dec 2025 12:53:14 GMT", None, now)?;
    let verifier = verifier.set_clock_offset(offset);
    let claims = verifier.verify(
        &tokens.id_token,
        &nonce,
        Some(&tokens.access_token),
        now,
        &JwtCompactVerifier,
    )?;
    assert_eq!(claims.display_name(), "admin");
    println!(
        "5. ID token valid: sub {}, issued at {}",
        claims.sub, claims.iat
    );
    assert_eq!(return_path, "/explorer");

    // The name, off the critical path: userinfo, trusted only for the same `sub`.
    let request = userinfo_request(&metadata, &tokens.access_token).expect("advertised");
    assert_eq!(request.method, HttpMethod::Get); // with `Authorization: Bearer ...`
    let info = parse_userinfo(
        HttpResponse::json(br#"{"sub":"admin","name":"John Doe"}"#),
        &claims.sub,
    )?;
    assert_eq!(info.display_name(), Some("John Doe"));
    println!("   userinfo: {:?}", info.display_name());

    // 6. The session's countdown comes from expires_in.
    let session = SessionTimes::new(now, tokens.expires_in);
    assert_eq!(session.seconds_left(now + 600), Some(3000));
    println!(
        "6. session: {:?} s left after 10 minutes",
        session.seconds_left(now + 600)
    );

    // 7. Refresh before it expires; the one-time refresh token is replaced by the answer's,
    //    and the new ID token is checked against the sign-in's claims (OIDC Core 12.2).
    let mut refresh_token = tokens.refresh_token.expect("offline_access was granted");
    let request = refresh_token_request(&config, &metadata, &refresh_token);
    assert!(request
        .body
        .as_deref()
        .is_some_and(|b| b.starts_with("grant_type=refresh_token&")));
    let later = now + 3000;
    let body = serde_json::json!({
        "access_token": "opaque-2", "token_type": "Bearer", "expires_in": 3600,
        "refresh_token": "one-time-2",
        "id_token": provider::sign(serde_json::json!({
            "iss": "https://testdb.my.erp.net/id", "aud": "spa.example.com", "sub": "admin",
            "iat": later, "nbf": later, "exp": later + 300, "auth_time": now - 5,
        }))?,
    })
    .to_string();
    let refreshed = parse_refresh_response(HttpResponse::json(body.as_bytes()))?;
    if let Some(id_token) = &refreshed.id_token {
        verifier.verify_refreshed(
            id_token,
            &claims,
            Some(&refreshed.access_token),
            later,
            &JwtCompactVerifier,
        )?;
    }
    println!("7. refreshed; the new ID token passed OIDC Core 12.2");
    if let Some(next) = refreshed.refresh_token {
        refresh_token = next;
    }

    // 8. Sign-out: revoke the refresh token, forget the session, go to the end-session URL,
    //    check the state when the browser comes back.
    assert!(revocation_request(&config, &metadata, &refresh_token).is_some());
    let logout_state = State::generate(&mut rng);
    let logout = end_session_url(&config, &metadata, Some(&tokens.id_token), &logout_state)
        .expect("advertised");
    assert!(logout
        .as_str()
        .starts_with("https://testdb.my.erp.net/id/connect/endsession?"));
    let returned = Url::parse(&format!(
        "https://spa.example.com/?state={}",
        logout_state.as_str()
    ))?;
    // The URL carries the ID token as `id_token_hint`: print only where it goes.
    println!(
        "8. sign out at {}{} (with id_token_hint)",
        logout.origin().ascii_serialization(),
        logout.path()
    );
    parse_logout_return(&returned, &logout_state)?;
    println!("   back with the right state: signed out");
    Ok(())
}

/// A stand-in for the Instance ID: signs ID tokens with the test key whose public half is in
/// the JWKS above.
mod provider {
    use jwt_compact::{alg::Es256, jwk::JsonWebKey, Algorithm, AlgorithmExt as _, Claims, Header};

    const TEST_KEY: &str = r#"{"kty":"EC","crv":"P-256",
        "x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg",
        "y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU",
        "d":"W-BQrbZTxBG8BNoIXRKXE0DmR2Vgdweb9-bnR2IHJcc"}"#;

    pub fn sign(claims: serde_json::Value) -> Result<String, Box<dyn std::error::Error>> {
        let jwk: JsonWebKey<'_> = serde_json::from_str(TEST_KEY)?;
        let key = <Es256 as Algorithm>::SigningKey::try_from(&jwk)?;
        let header = Header::empty().with_key_id("k1");
        Ok(Es256.token(&header, &Claims::new(claims), &key)?)
    }
}
