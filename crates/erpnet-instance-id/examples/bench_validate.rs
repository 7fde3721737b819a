//! Native benchmark of `IdTokenVerifier::verify` (parse, key choice, signature, every claim rule).
//!
//! ```sh
//! cargo run --release -p erpnet-instance-id --example bench_validate
//! ```
//!
//! Prints the median, minimum and 90th percentile over 200 validations of one RS256 (2048-bit)
//! and one ES256 token, after 20 warm-up runs.

use std::hint::black_box;
use std::time::Instant;

use erpnet_instance_id::{
    IdToken, JwsAlgorithm, JwtCompactVerifier, SignatureVerifier, UnverifiedIdToken,
};

#[path = "../tests/it/support.rs"]
mod support;

use support::*;

const RUNS: usize = 200;
const WARM_UP: usize = 20;

fn report(label: &str, mut run: impl FnMut()) {
    for _ in 0..WARM_UP {
        run();
    }
    let mut micros: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    println!(
        "{label}: median {:.1} µs, min {:.1} µs, p90 {:.1} µs over {RUNS} runs",
        micros[RUNS / 2],
        micros[0],
        micros[RUNS * 9 / 10],
    );
}

fn measure(label: &str, token: &IdToken) {
    let jwks = default_jwks();
    let (n, algs, at) = (nonce(), advertised(), access_token());
    // Built once, as an app would: the verifier owns its settings and keys.
    let verifier = expectations(&n, &algs, &at).verifier(&jwks);
    report(&format!("{label} IdTokenVerifier::verify"), || {
        let claims = verifier
            .verify(black_box(token), &n, Some(&at), NOW, &JwtCompactVerifier)
            .expect("valid token");
        black_box(claims);
    });
    // The signature maths alone, for comparison.
    let unverified = UnverifiedIdToken::parse(token).expect("token");
    let check = unverified
        .signature_check(&jwks, &JwsAlgorithm::ALL)
        .expect("key");
    report(&format!("{label} signature only  "), || {
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

fn main() {
    measure("RS256", &rs256(&good_claims()));
    measure("ES256", &es256(&good_claims()));
}
