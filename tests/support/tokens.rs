//! Signed ID tokens for the browser tests and the in-browser benchmark: the core's own test
//! keys and token builders (`crates/erpnet-instance-id/tests/it/support.rs`, reused as is), plus a
//! PS256 token and a key set that can verify it.

#[path = "../../crates/erpnet-instance-id/tests/it/support.rs"]
mod core_support;

pub use core_support::*;
use erpnet_instance_id::{IdToken, JwkSet};
use serde_json::json;

/// The issuer's keys: RSA key A twice (pinned to RS256 as "rsa-a", and as "rsa-ps" with
/// `key_ops` for PS256), the P-256 key "ec-a".
pub fn jwks() -> JwkSet {
    jwks_of(vec![
        public_jwk(RSA_A, Some("rsa-a"), json!({"use": "sig", "alg": "RS256"})),
        public_jwk(
            RSA_A,
            Some("rsa-ps"),
            json!({"use": "sig", "key_ops": ["verify"]}),
        ),
        public_jwk(EC_A, Some("ec-a"), json!({"use": "sig"})),
    ])
}

pub fn rs256_token() -> IdToken {
    rs256(&good_claims())
}

pub fn ps256_token() -> IdToken {
    IdToken::new(sign(
        &json!({"alg": "PS256", "kid": "rsa-ps"}),
        &good_claims(),
        Signer::Ps256(&keys().rsa_a),
    ))
}

pub fn es256_token() -> IdToken {
    es256(&good_claims())
}
