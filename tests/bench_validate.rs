//! In-browser benchmark of ID-token validation (`validate_id_token`: parse, key choice,
//! signature, every claim rule) for one RS256 (2048-bit) and one ES256 token, timed with
//! `performance.now()` inside headless Chromium. Not part of `make test`: the target is
//! `test = false` in Cargo.toml and the tests are `#[ignore]`; `scripts/bench` runs it with
//!
//! ```sh
//! cargo test --release -p erpnet-spa --target wasm32-unknown-unknown --test bench_validate \
//!   -- --include-ignored --nocapture
//! ```
//!
//! and parses the `BENCH` lines. Keys and token shapes follow
//! `crates/instance-id/tests/it/support.rs` (the tokens are signed here, at run time).
#![cfg(target_arch = "wasm32")]

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use instance_id::{
    parse_jwks, validate_id_token, AccessToken, HttpResponse, IdToken, IdTokenExpectations, JwkSet,
    JwsAlgorithm, JwtCompactVerifier, Nonce, SignatureVerifier, UnverifiedIdToken,
};
use jwt_compact::alg::{Es256, Rsa, RsaPrivateKey};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{Algorithm, AlgorithmSignature};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

const RUNS: usize = 200;
const WARM_UP: usize = 20;

const RSA_A: &str = r#"{"kty":"RSA","n":"sF_Rij6DFy25tYYHfdoLvBdzK34zCf8JwGVPXhhL4K5qG3gSdgfHWRsLNJvW41uwBUxeNB4aYaju33bHWUYIysnwt_4LqX3YO_sTj3ZalLiVSWW9zZjyEP6y77pTk2tTf-tnyPYFYOrN79XPeYS1TR3fQk_0e3WwGXpaflYNDC2OZ32eq5uaW3en6Vx80MS1MeB_FR2uhT1pkcHqh_cVKRCla5bctRiGFsp4bhXIcCPhfRYywTILI0zubtpAZc_E9eDfxGrdBatykWErDXSvZXX7NMBoNSdNV6sCeDEdUdDmGBUtu1yLVbRW01Ou-kI-Xwoh4wZNNgz00WXidGhuxw","e":"AQAB","d":"C9Zae2NHrBITETZOIWm1eOm__o7JQSX_UwzZn1CVIx7Bm1dbMdXC0N2qSl0dNoQsU6a0-d19WsmaQqA3r-ut4mJcSBUCVl1OWnQ28113pdyflF4CN57IvFBD1SgVvOKqp362p_uvD7qimLKqapb4DhVvqwUvvOuApq0aDrmaxZLaa1LJ-oECYbD_FCelRoKwMaR24bt3roUu7N3bPny5fYOEldRrb7hEOTeJWC4sMrPO00lnxOLcee4VgZBaNI5XBop0dAjRvx5tiQHtciHJzaRy4tgmf-1D_KXysVfJRKRcZmqbJcuLKhQABjLj-keSZhxmwRSH7iqWZQS9KJj8WQ","p":"8EeML-npfC2ZjtohTrVIfwiw_z_3M6S-SoetmttfKzDF1cJOnqhEYAyx0e5LAHgYeX5BZfzDTXRas6RSizYGCd2GTjGZYLwmCNa8a8tx6hp8h7CpN9DXjEmNI0w97eUIpit_4_12vgxiW3ugm9E6TQjgXjeWPzlHJzfWaMjVlQk","q":"u-nren8OOopxxNU4XIOcLnWB_7CyHFuwMDwssPelcnfPxGEGSM8ubDPXQdscCagiIeLSpKY_V_z2R0RL1Oly3DCRGpwk0FzzSez2B0do8ox3OS5MmR8JP3HvsrBNPvCZ-hhZtwVql2J0K1jtPLTUGo_S0aOfQW0Z0EzQVKnZKU8","dp":"67YUhRBf10zYfjXoRNE8DDrXf58df1EWyABvwyF_K9yNxxP1klkZsmvhqUKt2wj1YYIE3-rlIL-LFv2VaDGYHOdvEJhBkY8hdLxLXSfYWUKgdXBNoI7EVT_2L_FkM1LieDjmHh-Q9AEsH_iYZyMKoXWavXKkduNWtNdnA6Y5OBk","dq":"WOosc__embCceIhzbMMRiaIsavIOtQBlc81lUC8959XtR3ypXpY53xUAi7bDo4Yc8G_FQAcx_c5CMiKMxyfXI30Pi8nKWZVBwP8Qwwz1CZ-RYksYD3PyCkU9KA3n3xo1oXMYMFOtxgfd9AzV5F2j5xWaqXuEhY68IiXWhdkAWl0","qi":"KcNY5QDlxzAkCjtPyS2dR8YcPS3_0eXWjbZ-2tQ9HdV-yBoNC0RJseGXclVpOw47SGNWqclIF_vMKVSf-gQw_PZ0IMBXax-VtnettOwEQWuBi_J1Vj1-mFvQYGl8dvnZPzh6d7Y-cDZZDhq4A-5MksLxN_zYW3vTlMQhbryTTaE"}"#;
const EC_A: &str = r#"{"kty":"EC","crv":"P-256","x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg","y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU","d":"W-BQrbZTxBG8BNoIXRKXE0DmR2Vgdweb9-bnR2IHJcc"}"#;

const ISSUER: &str = "https://x.my.erp.net/id";
const CLIENT_ID: &str = "spa.example.com";
const NOW: u64 = 1_766_494_394;
const NONCE: &str = "ZTRjOTM2M2Y0ODFhNGQ0NGE4NmU1N2ExYjY2NjE3ZmQ";
const ACCESS_TOKEN: &str = "an-opaque-or-jwt-access-token";

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn jwk(json: &str) -> JsonWebKey<'static> {
    serde_json::from_str(json).expect("test key JSON")
}

/// The public half of a private test JWK, with `kid` and extra members.
fn public_jwk(private_json: &str, kid: &str, extra: Value) -> Value {
    let mut v: Value = serde_json::from_str(private_json).expect("test key JSON");
    let obj = v.as_object_mut().expect("object");
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        obj.remove(private);
    }
    obj.insert("kid".into(), kid.into());
    if let Value::Object(extra) = extra {
        obj.extend(extra);
    }
    v
}

fn jwks() -> JwkSet {
    let body = json!({ "keys": [
        public_jwk(RSA_A, "rsa-a", json!({"use": "sig", "alg": "RS256"})),
        public_jwk(EC_A, "ec-a", json!({"use": "sig"})),
    ] })
    .to_string();
    parse_jwks(HttpResponse::json(body.as_bytes())).expect("test JWKS")
}

fn at_hash(access_token: &str) -> String {
    use sha2::{Digest, Sha256};
    b64(&Sha256::digest(access_token.as_bytes())[..16])
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "admin", "name": "John Doe",
        "email": "admin@mail.com", "nonce": NONCE, "iat": NOW, "nbf": NOW, "exp": NOW + 300,
        "auth_time": NOW - 900, "at_hash": at_hash(ACCESS_TOKEN),
        "sid": "D1FFEDFE4CB32300D26C265B9BD374FB", "amr": ["pwd"],
    })
}

fn signing_input(header: &Value) -> String {
    format!("{}.{}", b64(header.to_string()), b64(claims().to_string()))
}

fn rs256_token() -> IdToken {
    let key = RsaPrivateKey::try_from(&jwk(RSA_A)).expect("RSA_A");
    let input = signing_input(&json!({"alg": "RS256", "kid": "rsa-a", "typ": "JWT"}));
    let sig = Rsa::rs256().sign(&key, input.as_bytes());
    IdToken::new(format!("{input}.{}", b64(sig.as_bytes())))
}

fn es256_token() -> IdToken {
    let key = <Es256 as Algorithm>::SigningKey::try_from(&jwk(EC_A)).expect("EC_A");
    let input = signing_input(&json!({"alg": "ES256", "kid": "ec-a"}));
    let sig = Es256.sign(&key, input.as_bytes());
    IdToken::new(format!("{input}.{}", b64(sig.as_bytes())))
}

/// Smallest non-zero step of `performance.now()` seen (the timer's resolution here).
fn timer_resolution_us() -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..50 {
        let t0 = performance_now();
        let mut t1 = performance_now();
        while t1 == t0 {
            t1 = performance_now();
        }
        best = best.min(t1 - t0);
    }
    best * 1000.0
}

fn report(label: &str, mut run: impl FnMut()) {
    for _ in 0..WARM_UP {
        run();
    }
    let mut micros: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = performance_now();
            run();
            (performance_now() - start) * 1000.0
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    console_log!(
        "BENCH {label} runs={RUNS} median_us={:.1} min_us={:.1} p90_us={:.1} max_us={:.1}",
        micros[RUNS / 2],
        micros[0],
        micros[RUNS * 9 / 10],
        micros[RUNS - 1],
    );
}

fn measure(label: &str, token: &IdToken) {
    let jwks = jwks();
    let nonce: Nonce = serde_json::from_value(json!(NONCE)).expect("nonce");
    let algs: Vec<String> = vec!["RS256".into(), "PS256".into(), "ES256".into()];
    let access = AccessToken::new(ACCESS_TOKEN);
    let mut expected = IdTokenExpectations::new(ISSUER, CLIENT_ID, &nonce, NOW, &algs);
    expected.access_token = Some(&access);
    report(&format!("{label}_validate"), || {
        let claims = validate_id_token(black_box(token), &jwks, &expected, &JwtCompactVerifier)
            .expect("valid token");
        black_box(claims);
    });
    // The signature maths alone, for comparison.
    let unverified = UnverifiedIdToken::parse(token).expect("token");
    let check = unverified
        .signature_check(&jwks, &JwsAlgorithm::ALL)
        .expect("key");
    report(&format!("{label}_signature"), || {
        JwtCompactVerifier
            .verify(
                check.alg(),
                check.key(),
                check.signing_input(),
                check.signature(),
            )
            .expect("signature");
    });
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: scripts/bench runs it with --include-ignored"]
fn bench_validate_id_token() {
    console_log!("BENCH_TIMER resolution_us={:.1}", timer_resolution_us());
    measure("rs256", &rs256_token());
    measure("es256", &es256_token());
}
