//! In-browser benchmark of ID-token validation (`IdTokenVerifier::verify_async`: parse, key choice,
//! signature, every claim rule) for RS256 (2048-bit), PS256 and ES256 tokens, with the
//! verifier the app ships (WebCrypto) and, for comparison, the pure-Rust one (jwt-compact),
//! timed with `performance.now()` inside headless Chromium. Not part of `make test`: the
//! target is `test = false` in Cargo.toml and the test is `#[ignore]`; `scripts/bench` runs
//!
//! ```sh
//! cargo test --release -p erpnet-spa --target wasm32-unknown-unknown --test bench_validate \
//!   -- --include-ignored --nocapture
//! ```
//!
//! and parses the `BENCH` lines (`<verifier>_<alg>_validate` and `<verifier>_<alg>_signature`).
#![cfg(target_arch = "wasm32")]

#[path = "support/tokens.rs"]
#[allow(dead_code)]
mod tokens;

use std::future::Future;
use std::hint::black_box;

use erpnet_instance_id::{
    AsyncSignatureVerifier, IdToken, JwsAlgorithm, JwtCompactVerifier, UnverifiedIdToken,
};
use erpnet_spa::browser::webcrypto::WebCryptoVerifier;
use tokens::*;
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

async fn report<F: Future<Output = ()>>(label: &str, mut run: impl FnMut() -> F) {
    for _ in 0..WARM_UP {
        run().await;
    }
    let mut micros = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = performance_now();
        run().await;
        micros.push((performance_now() - start) * 1000.0);
    }
    micros.sort_by(f64::total_cmp);
    console_log!(
        "BENCH {label} runs={RUNS} median_us={:.1} min_us={:.1} p90_us={:.1} max_us={:.1}",
        micros[RUNS / 2],
        micros[0],
        micros[RUNS * 9 / 10],
        micros[RUNS - 1],
    );
}

async fn measure(name: &str, verifier: &impl AsyncSignatureVerifier, alg: &str, token: &IdToken) {
    let jwks = jwks();
    let (nonce, algs, access) = (nonce(), advertised(), access_token());
    let expected = expectations(&nonce, &algs, &access);
    report(&format!("{name}_{alg}_validate"), || async {
        let claims = expected
            .validate_async(black_box(token), &jwks, verifier)
            .await
            .expect("valid token");
        black_box(claims);
    })
    .await;
    // The signature alone (for WebCrypto: importKey + verify), for comparison.
    let unverified = UnverifiedIdToken::parse(token).expect("token");
    report(&format!("{name}_{alg}_signature"), || async {
        let check = unverified
            .signature_check(&jwks, &JwsAlgorithm::ALL)
            .expect("key");
        verifier
            .verify_async(
                check.alg(),
                check.key(),
                check.signing_input(),
                check.signature(),
            )
            .await
            .expect("signature");
    })
    .await;
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: scripts/bench runs it with --include-ignored"]
async fn bench_validate_id_token() {
    console_log!("BENCH_TIMER resolution_us={:.1}", timer_resolution_us());
    let tokens = [
        ("rs256", rs256_token()),
        ("ps256", ps256_token()),
        ("es256", es256_token()),
    ];
    for (alg, token) in &tokens {
        measure("webcrypto", &WebCryptoVerifier, alg, token).await;
        measure("jwtcompact", &JwtCompactVerifier, alg, token).await;
    }
}
