//! Property tests, and bounded "fuzz" runs (random inputs, assert no panic) over every parser
//! that takes outside input: callback URLs, token responses, JWTs and JWKS documents.

use erpnet_instance_id::{
    parse_auto_discovery, parse_auto_discovery_at, parse_callback, parse_http_date, parse_jwks,
    parse_logout_return, parse_provider_metadata, parse_refresh_response, parse_token_response,
    parse_userinfo, AutoDiscoveryPath, CallbackResponse, ClientConfig, ClockOffset, HttpResponse,
    IdToken, JwtCompactVerifier, PkceVerifier, State, UnverifiedIdToken, VERIFIER_ALPHABET,
    VERIFIER_LEN,
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
        prop_assert!(erpnet_instance_id::callback_params_present(&url));
        match parse_callback(&url).unwrap() {
            CallbackResponse::Code { code: c, state: s, iss: i } => {
                prop_assert_eq!(c.secret(), code.as_str());
                prop_assert_eq!(s.as_deref(), Some(state.as_str()));
                prop_assert_eq!(i, iss);
            }
            other => prop_assert!(false, "{:?}", other),
        }
        let stripped = erpnet_instance_id::strip_callback_params(&url);
        prop_assert!(!erpnet_instance_id::callback_params_present(&stripped));
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
                let _ = erpnet_instance_id::callback_params_present(&url);
                let _ = erpnet_instance_id::strip_callback_params(&url);
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
            prop_assert!(e.validate(&t, &jwks, &JwtCompactVerifier).is_err());
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
        prop_assert!((expectations(&n, &algs, &at)).validate(&t, &jwks, &JwtCompactVerifier).is_err());
    }

    /// JOSE headers of arbitrary text (any `alg`, `kid`, `typ`, non-ASCII included) and JWT
    /// segments of arbitrary bytes: refused, never a panic (an `alg` was once sliced by bytes).
    #[test]
    fn fuzz_jose_headers(
        alg in "\\PC{0,12}",
        kid in proptest::option::of("\\PC{0,12}"),
        typ in "\\PC{0,8}",
        header_raw in proptest::collection::vec(any::<u8>(), 0..80),
        payload_raw in proptest::collection::vec(any::<u8>(), 0..80),
        sig in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let jwks = default_jwks();
        let (n, algs, at) = (nonce(), advertised(), access_token());
        let mut header = json!({"alg": alg, "typ": typ});
        if let Some(kid) = kid {
            header["kid"] = kid.into();
        }
        let t = IdToken::new(sign(&header, &good_claims(), Signer::Raw(sig.clone())));
        prop_assert!((expectations(&n, &algs, &at)).validate(&t, &jwks, &JwtCompactVerifier).is_err());
        let raw = IdToken::new(format!("{}.{}.{}", b64(&header_raw), b64(&payload_raw), b64(&sig)));
        prop_assert!((expectations(&n, &algs, &at)).validate(&raw, &jwks, &JwtCompactVerifier).is_err());
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
        let _ = e.validate(&t, &jwks, &JwtCompactVerifier);
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
            let _ = (expectations(&nn, &algs, &at)).validate(&t, &set, &JwtCompactVerifier);
            let es = es256(&good_claims());
            let _ = (expectations(&nn, &algs, &at)).validate(&es, &set, &JwtCompactVerifier);
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every instant from 1970 to 9999 survives formatting in the three HTTP date forms.
    #[test]
    fn http_date_round_trip(t in 0u64..253_402_300_800) {
        let (imf, rfc850, asctime) = http_dates(t);
        prop_assert_eq!(parse_http_date(&imf), Some(t), "{}", imf);
        prop_assert_eq!(parse_http_date(&asctime), Some(t), "{}", asctime);
        // RFC 850 has two-digit years: exact only within its 1970-2069 window.
        if t < 3_155_760_000 {
            prop_assert_eq!(parse_http_date(&rfc850), Some(t), "{}", rfc850);
        }
    }

    /// The offset estimate is exact, bounded, or refused; never a panic.
    #[test]
    fn clock_offset_is_exact_or_refused(t in 200_000u64..4_000_000_000, far in any::<u64>(), delta in -200_000i64..200_000, age in proptest::option::of(0u64..100_000)) {
        let (imf, _, _) = http_dates(t);
        let age_text = age.map(|a| a.to_string());
        for device in [far, t.saturating_add_signed(delta)] {
            let truth = i128::from(t) + i128::from(age.unwrap_or(0)) - i128::from(device);
            match ClockOffset::from_server_date(&imf, age_text.as_deref(), device) {
                Ok(o) if truth.abs() <= 2 => prop_assert_eq!(o, ClockOffset::ZERO),
                Ok(o) => prop_assert_eq!(i128::from(o.secs()), truth),
                Err(_) => prop_assert!(truth.abs() > i128::from(ClockOffset::MAX_SECS)),
            }
        }
    }

    // ---- fuzz: no panics on arbitrary input ----

    #[test]
    fn fuzz_http_dates(s in "\\PC{0,40}", raw in proptest::collection::vec(any::<u8>(), 0..40), t in any::<u64>()) {
        let _ = parse_http_date(&s);
        let _ = parse_http_date(&String::from_utf8_lossy(&raw));
        // Near misses: a real date with one character replaced.
        let (imf, rfc850, asctime) = http_dates(t % 253_402_300_800);
        for date in [imf, rfc850, asctime] {
            let i = (t as usize) % date.len();
            for c in ['9', ' ', ':', '-', ',', 'G', '\u{e9}', '\u{0}'] {
                let mut mutated: Vec<char> = date.chars().collect();
                mutated[i] = c;
                let m: String = mutated.into_iter().collect();
                let _ = parse_http_date(&m);
                let _ = ClockOffset::from_server_date(&m, Some(&s), t);
            }
        }
    }

    #[test]
    fn fuzz_userinfo(
        status in prop_oneof![Just(200u16), Just(401), any::<u16>()],
        body in proptest::collection::vec(any::<u8>(), 0..120),
        sub in prop_oneof![Just(json!("admin")), Just(json!("")), Just(json!(null)), Just(json!(1)), "\\PC{0,10}".prop_map(|s| json!(s))],
        name in prop_oneof![Just(json!("John")), Just(json!(null)), Just(json!([1])), Just(json!({}))],
        expected in "\\PC{0,10}",
    ) {
        let _ = parse_userinfo(HttpResponse { status, content_type: Some("application/json"), body: &body }, &expected);
        let doc = json!({"sub": sub, "name": name, "email": name}).to_string();
        let r = parse_userinfo(HttpResponse { status, content_type: Some("application/json"), body: doc.as_bytes() }, &expected);
        if let Ok(info) = r {
            prop_assert_eq!(info.sub, expected);
        }
    }

    #[test]
    fn fuzz_refresh_responses(
        status in prop_oneof![Just(200u16), Just(400), any::<u16>()],
        body in proptest::collection::vec(any::<u8>(), 0..200),
        rt in prop_oneof![Just(json!("rt")), Just(json!("")), Just(json!(null)), Just(json!(7)), Just(json!(["rt"]))],
        id in prop_oneof![Just(json!("a.b.c")), Just(json!("")), Just(json!(null)), Just(json!(false))],
    ) {
        let _ = parse_refresh_response(HttpResponse { status, content_type: Some("application/json"), body: &body });
        let doc = json!({"access_token": "a", "token_type": "Bearer", "refresh_token": rt, "id_token": id}).to_string();
        let _ = parse_refresh_response(HttpResponse { status, content_type: Some("application/json"), body: doc.as_bytes() });
        let _ = parse_token_response(HttpResponse { status, content_type: Some("application/json"), body: doc.as_bytes() });
    }

    #[test]
    fn fuzz_auto_discovery_sites(
        kind in prop_oneof![Just("ID".to_owned()), Just("id".to_owned()), Just("API".to_owned()), Just("DomainAPI".to_owned()), "\\PC{0,8}"],
        status in proptest::option::of(prop_oneof![Just("Working".to_owned()), Just("NotWorking".to_owned()), Just("Unknown".to_owned()), "\\PC{0,8}"]),
        description in proptest::option::of("\\PC{0,30}"),
        url in prop_oneof![Just("https://x.my.erp.net/id".to_owned()), Just("http://localhost/id".to_owned()), "\\PC{0,20}"],
        extra in prop_oneof![Just(json!(null)), Just(json!({})), Just(json!({"ODataServiceRoot": 5})), Just(json!([]))],
        tools in any::<bool>(),
    ) {
        let config = ClientConfig::new("https://x.my.erp.net", "c", "openid", "https://a/").unwrap();
        let path = if tools { AutoDiscoveryPath::Tools } else { AutoDiscoveryPath::Sys };
        let doc = json!({"Host": 1, "DbName": null, "WebSites": [
            {"Type": kind, "Status": status, "StatusDescription": description, "Url": url, "AdditionalProperties": extra},
            {"Type": "DomainAPI", "Status": status, "Url": url, "AdditionalProperties": extra}]}).to_string();
        if let Ok(e) = parse_auto_discovery_at(&config, path, HttpResponse::json(doc.as_bytes())) {
            // Whatever was accepted is https, or http on a loopback host.
            for u in [Url::parse(&e.id_url).unwrap(), e.odata_root.clone()] {
                prop_assert!(u.scheme() == "https" || u.host_str() == Some("localhost"), "{}", u);
            }
            let _ = e.site_warnings();
            let _ = e.route.to_string();
        }
    }

    /// `#_=_`, session_state and friends in random company: stripping always ends clean.
    #[test]
    fn fuzz_is4_callbacks(other in "[a-z]{1,6}", value in "\\PC{0,12}", state in "\\PC{1,12}", filler in any::<bool>()) {
        let mut s = format!("https://spa.example.com/signin-callback?{}={}&error=login_required&state={}&session_state={}",
            encode(&other), encode(&value), encode(&state), encode(&value));
        if filler {
            s.push_str("#_=_");
        }
        let url = Url::parse(&s).unwrap();
        let _ = parse_callback(&url);
        let stripped = erpnet_instance_id::strip_callback_params(&url);
        prop_assert!(!erpnet_instance_id::callback_params_present(&stripped), "{}", stripped);
        prop_assert_eq!(stripped.fragment(), None);
    }

    /// A validly signed refreshed token with one random claim value: never a panic, and never
    /// accepted with another subject.
    #[test]
    fn fuzz_refreshed_id_tokens(
        claim in prop_oneof![Just(json!(null)), any::<i64>().prop_map(|v| json!(v)), any::<f64>().prop_map(|v| json!(v)), "\\PC{0,20}".prop_map(|v| json!(v)), Just(json!([])), Just(json!(["x", 1]))],
        name in prop_oneof![Just("iss"), Just("aud"), Just("exp"), Just("iat"), Just("nbf"), Just("nonce"), Just("sub"), Just("azp"), Just("at_hash"), Just("auth_time"), Just("sid")],
        alg in prop_oneof![Just("RS256".to_owned()), "\\PC{0,6}"],
        offset in -86_400i64..=86_400,
    ) {
        let (n, algs, at) = (nonce(), advertised(), access_token());
        let original = (expectations(&n, &algs, &at)).validate(&rs256(&good_claims()), &default_jwks(), &JwtCompactVerifier).unwrap();
        let claims = claims_with(json!({ "nonce": null, name: claim }));
        let signed = IdToken::new(sign(&json!({"alg": alg, "kid": "rsa-a"}), &claims, Signer::Rs256(&keys().rsa_a)));
        let mut e = RefreshExpect::new(&original, CLIENT_ID, NOW, &algs);
        e.access_token = Some(at.clone());
        e.clock_offset = ClockOffset::from_secs(offset).unwrap();
        if let Ok(c) = e.validate(&signed, &default_jwks(), &JwtCompactVerifier) {
            prop_assert_eq!(c.sub, original.sub);
            prop_assert_eq!(c.iss, original.iss);
        }
    }
}

/// `t` as an IMF-fixdate, an RFC 850 date and an asctime date, formatted independently of the
/// parser (a civil-from-days conversion).
fn http_dates(t: u64) -> (String, String, String) {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const LONG: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = t / 86_400;
    let secs = t % 86_400;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    let wd = (days % 7) as usize;
    let mon = MONTHS[(mo - 1) as usize];
    (
        format!("{}, {d:02} {mon} {y:04} {h:02}:{m:02}:{s:02} GMT", DAYS[wd]),
        format!(
            "{}, {d:02}-{mon}-{:02} {h:02}:{m:02}:{s:02} GMT",
            LONG[wd],
            y % 100
        ),
        format!("{} {mon} {d:>2} {h:02}:{m:02}:{s:02} {y:04}", DAYS[wd]),
    )
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
