//! Property tests, and bounded "fuzz" runs (random inputs, assert no panic) over every parser
//! that takes outside input: callback URLs, token responses, JWTs and JWKS documents.

use instance_id::{
    parse_auto_discovery, parse_callback, parse_jwks, parse_logout_return, parse_provider_metadata,
    parse_token_response, validate_id_token, CallbackResponse, ClientConfig, HttpResponse, IdToken,
    JwtCompactVerifier, PkceVerifier, State, UnverifiedIdToken, VERIFIER_ALPHABET, VERIFIER_LEN,
};
use proptest::prelude::*;
use serde_json::json;
use url::Url;

use crate::support::*;

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the random bytes, the verifier is 64 characters of the unreserved set, and
    /// its challenge is 43 base64url characters.
    #[test]
    fn verifier_alphabet_and_length(seed in proptest::collection::vec(any::<u8>(), 1..512)) {
        let mut i = 0usize;
        let mut rng = |buf: &mut [u8]| {
            for b in buf {
                *b = seed[i % seed.len()].wrapping_add((i / seed.len()) as u8);
                i += 1;
            }
        };
        let v = PkceVerifier::generate(&mut rng);
        prop_assert_eq!(v.secret().len(), VERIFIER_LEN);
        prop_assert!(v.secret().bytes().all(|b| VERIFIER_ALPHABET.contains(&b)));
        let c = v.challenge();
        prop_assert_eq!(c.len(), 43);
        prop_assert!(c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert!(PkceVerifier::from_secret(v.secret().to_owned()).is_ok());
    }

    /// Any code, state and iss survive encoding in the query or the fragment.
    #[test]
    fn callback_round_trip(code in "\\PC{1,40}", state in "\\PC{1,40}", iss in proptest::option::of("\\PC{1,30}"), in_fragment in any::<bool>()) {
        let mut params = format!("code={}&state={}", encode(&code), encode(&state));
        if let Some(iss) = &iss {
            params.push_str(&format!("&iss={}", encode(iss)));
        }
        let sep = if in_fragment { '#' } else { '?' };
        let url = Url::parse(&format!("https://spa.example.com/signin-callback{sep}{params}")).unwrap();
        prop_assert!(instance_id::callback_params_present(&url));
        match parse_callback(&url).unwrap() {
            CallbackResponse::Code { code: c, state: s, iss: i } => {
                prop_assert_eq!(c.secret(), code.as_str());
                prop_assert_eq!(s.as_deref(), Some(state.as_str()));
                prop_assert_eq!(i, iss);
            }
            other => prop_assert!(false, "{:?}", other),
        }
        let stripped = instance_id::strip_callback_params(&url);
        prop_assert!(!instance_id::callback_params_present(&stripped));
    }

    #[test]
    fn callback_error_round_trip(error in "[a-z_]{1,20}", desc in proptest::option::of("\\PC{0,60}"), state in "\\PC{1,20}") {
        let mut q = format!("error={}&state={}", encode(&error), encode(&state));
        if let Some(d) = &desc {
            q.push_str(&format!("&error_description={}", encode(d)));
        }
        let url = Url::parse(&format!("https://spa.example.com/signin-callback?{q}")).unwrap();
        match parse_callback(&url).unwrap() {
            CallbackResponse::Error { error: e, error_description, state: s, .. } => {
                prop_assert_eq!(e, error);
                prop_assert_eq!(error_description, desc);
                prop_assert_eq!(s.as_deref(), Some(state.as_str()));
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    // ---- fuzz: no panics on arbitrary input ----

    #[test]
    fn fuzz_callback_urls(tail in "\\PC{0,80}", raw in proptest::collection::vec(any::<u8>(), 0..80)) {
        let state = State::generate(&mut |b: &mut [u8]| b.fill(1));
        for candidate in [
            format!("https://spa.example.com/cb?{tail}"),
            format!("https://spa.example.com/cb#{tail}"),
            format!("https://spa.example.com/cb?{}", String::from_utf8_lossy(&raw)),
        ] {
            if let Ok(url) = Url::parse(&candidate) {
                let _ = parse_callback(&url);
                let _ = instance_id::callback_params_present(&url);
                let _ = instance_id::strip_callback_params(&url);
                let _ = parse_logout_return(&url, &state);
            }
        }
    }

    #[test]
    fn fuzz_token_responses(
        status in prop_oneof![Just(200u16), Just(400), Just(401), Just(500), any::<u16>()],
        ct in proptest::option::of(prop_oneof![Just("application/json".to_owned()), Just("text/html".to_owned()), "\\PC{0,30}"]),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        json_body in prop_oneof![
            Just(json!({})),
            Just(json!({"access_token": "a", "token_type": "Bearer", "id_token": "x"})),
            Just(json!({"error": 1})),
            Just(json!({"access_token": [], "token_type": null, "expires_in": -5.5})),
            Just(json!({"access_token": "a", "token_type": "bearer", "id_token": "x", "expires_in": 1e40})),
        ],
    ) {
        let _ = parse_token_response(HttpResponse { status, content_type: ct.as_deref(), body: &body });
        let s = json_body.to_string();
        let _ = parse_token_response(HttpResponse { status, content_type: ct.as_deref(), body: s.as_bytes() });
    }

    #[test]
    fn fuzz_jwt_strings(s in "\\PC{0,200}", parts in proptest::collection::vec("[A-Za-z0-9_-]{0,60}", 0..6)) {
        let jwks = default_jwks();
        let (n, algs, at) = (nonce(), advertised(), access_token());
        let e = expectations(&n, &algs, &at);
        for raw in [s.clone(), parts.join(".")] {
            let t = IdToken::new(raw);
            let _ = UnverifiedIdToken::parse(&t);
            prop_assert!(validate_id_token(&t, &jwks, &e, &JwtCompactVerifier).is_err());
        }
    }

    /// Structured JWTs: random JSON headers and payloads, random signatures.
    #[test]
    fn fuzz_jwt_structured(
        alg in prop_oneof![Just("RS256"), Just("PS256"), Just("ES256"), Just("none"), Just("HS256"), Just("")],
        kid in proptest::option::of(prop_oneof![Just("rsa-a".to_owned()), Just("ec-a".to_owned()), "\\PC{0,8}"]),
        claim in prop_oneof![Just(json!(null)), Just(json!(1)), Just(json!("s")), Just(json!([1, "a"])), Just(json!({"a": {}})), Just(json!(-1.5e300))],
        name in prop_oneof![Just("iss"), Just("aud"), Just("exp"), Just("iat"), Just("nbf"), Just("nonce"), Just("sub"), Just("azp"), Just("at_hash"), Just("auth_time")],
        sig in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut header = json!({"alg": alg});
        if let Some(kid) = kid {
            header["kid"] = kid.into();
        }
        let payload = claims_with(json!({ name: claim }));
        let t = IdToken::new(sign(&header, &payload, Signer::Raw(sig)));
        let jwks = default_jwks();
        let (n, algs, at) = (nonce(), advertised(), access_token());
        prop_assert!(validate_id_token(&t, &jwks, &expectations(&n, &algs, &at), &JwtCompactVerifier).is_err());
    }

    /// A validly signed token with one random claim value: validation never panics.
    #[test]
    fn fuzz_signed_claims(
        claim in prop_oneof![Just(json!(null)), any::<i64>().prop_map(|v| json!(v)), any::<f64>().prop_map(|v| json!(v)), "\\PC{0,20}".prop_map(|v| json!(v)), Just(json!([])), Just(json!({}))],
        name in prop_oneof![Just("iss"), Just("aud"), Just("exp"), Just("iat"), Just("nbf"), Just("nonce"), Just("sub"), Just("azp"), Just("at_hash"), Just("auth_time"), Just("name")],
    ) {
        let t = es256(&claims_with(json!({ name: claim })));
        let jwks = default_jwks();
        let (n, algs, at) = (nonce(), advertised(), access_token());
        let mut e = expectations(&n, &algs, &at);
        e.max_age = Some(3600);
        let _ = validate_id_token(&t, &jwks, &e, &JwtCompactVerifier);
    }

    #[test]
    fn fuzz_jwks(
        body in proptest::collection::vec(any::<u8>(), 0..200),
        kty in prop_oneof![Just("RSA".to_owned()), Just("EC".to_owned()), Just("oct".to_owned()), Just("OKP".to_owned()), "\\PC{0,5}"],
        crv in proptest::option::of(prop_oneof![Just("P-256".to_owned()), Just("P-384".to_owned()), "\\PC{0,5}"]),
        n in "[A-Za-z0-9_=+/-]{0,50}",
        x in "[A-Za-z0-9_-]{0,50}",
        use_ in proptest::option::of(prop_oneof![Just("sig".to_owned()), Just("enc".to_owned()), "\\PC{0,4}"]),
    ) {
        let _ = parse_jwks(HttpResponse::json(&body));
        let doc = json!({"keys": [{"kty": kty, "crv": crv, "n": n, "e": "AQAB", "x": x, "y": x, "use": use_}, 5, null]}).to_string();
        if let Ok(set) = parse_jwks(HttpResponse::json(doc.as_bytes())) {
            // Whatever was accepted is used without panicking.
            let t = rs256(&good_claims());
            let (nn, algs, at) = (nonce(), advertised(), access_token());
            let _ = validate_id_token(&t, &set, &expectations(&nn, &algs, &at), &JwtCompactVerifier);
            let es = es256(&good_claims());
            let _ = validate_id_token(&es, &set, &expectations(&nn, &algs, &at), &JwtCompactVerifier);
        }
    }

    #[test]
    fn fuzz_discovery(body in proptest::collection::vec(any::<u8>(), 0..200), url in "\\PC{0,30}") {
        let config = ClientConfig::new("https://x.my.erp.net", "c", "openid", "https://a/").unwrap();
        let _ = parse_auto_discovery(&config, HttpResponse::json(&body));
        let _ = parse_provider_metadata(ISSUER, HttpResponse::json(&body));
        let doc = json!({"WebSites": [{"Type": "ID", "Status": "Working", "Url": url},
            {"Type": "DomainAPI", "Url": url, "AdditionalProperties": {"ODataServiceRoot": url}}]}).to_string();
        let _ = parse_auto_discovery(&config, HttpResponse::json(doc.as_bytes()));
        let meta = json!({"issuer": ISSUER, "authorization_endpoint": url, "token_endpoint": url, "jwks_uri": url}).to_string();
        let _ = parse_provider_metadata(ISSUER, HttpResponse::json(meta.as_bytes()));
    }
}

#[test]
fn rejection_sampling_is_uniform_over_accepted_bytes() {
    // The 198 accepted byte values map to each of the 66 characters exactly three times.
    let mut counts = [0usize; 66];
    for b in 0u8..=255 {
        let mut rng = |buf: &mut [u8]| buf.fill(b);
        if b < 198 {
            let v = PkceVerifier::generate(&mut rng);
            let c = v.secret().as_bytes()[0];
            assert!(v.secret().bytes().all(|x| x == c));
            counts[VERIFIER_ALPHABET.iter().position(|&a| a == c).unwrap()] += 1;
        }
    }
    assert!(counts.iter().all(|&c| c == 3), "{counts:?}");
}
