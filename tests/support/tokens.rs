//! Signed ID tokens for the browser tests and the in-browser benchmark: fixed test keys (as
//! in `crates/instance-id/tests/it/support.rs`), tokens signed at run time with jwt-compact.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use instance_id::{
    parse_jwks, AccessToken, HttpResponse, IdToken, IdTokenExpectations, JwkSet, Nonce,
};
use jwt_compact::alg::{Es256, Rsa, RsaPrivateKey};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{Algorithm, AlgorithmSignature};
use serde_json::{json, Value};

const RSA_A: &str = r#"{"kty":"RSA","n":"sF_Rij6DFy25tYYHfdoLvBdzK34zCf8JwGVPXhhL4K5qG3gSdgfHWRsLNJvW41uwBUxeNB4aYaju33bHWUYIysnwt_4LqX3YO_sTj3ZalLiVSWW9zZjyEP6y77pTk2tTf-tnyPYFYOrN79XPeYS1TR3fQk_0e3WwGXpaflYNDC2OZ32eq5uaW3en6Vx80MS1MeB_FR2uhT1pkcHqh_cVKRCla5bctRiGFsp4bhXIcCPhfRYywTILI0zubtpAZc_E9eDfxGrdBatykWErDXSvZXX7NMBoNSdNV6sCeDEdUdDmGBUtu1yLVbRW01Ou-kI-Xwoh4wZNNgz00WXidGhuxw","e":"AQAB","d":"C9Zae2NHrBITETZOIWm1eOm__o7JQSX_UwzZn1CVIx7Bm1dbMdXC0N2qSl0dNoQsU6a0-d19WsmaQqA3r-ut4mJcSBUCVl1OWnQ28113pdyflF4CN57IvFBD1SgVvOKqp362p_uvD7qimLKqapb4DhVvqwUvvOuApq0aDrmaxZLaa1LJ-oECYbD_FCelRoKwMaR24bt3roUu7N3bPny5fYOEldRrb7hEOTeJWC4sMrPO00lnxOLcee4VgZBaNI5XBop0dAjRvx5tiQHtciHJzaRy4tgmf-1D_KXysVfJRKRcZmqbJcuLKhQABjLj-keSZhxmwRSH7iqWZQS9KJj8WQ","p":"8EeML-npfC2ZjtohTrVIfwiw_z_3M6S-SoetmttfKzDF1cJOnqhEYAyx0e5LAHgYeX5BZfzDTXRas6RSizYGCd2GTjGZYLwmCNa8a8tx6hp8h7CpN9DXjEmNI0w97eUIpit_4_12vgxiW3ugm9E6TQjgXjeWPzlHJzfWaMjVlQk","q":"u-nren8OOopxxNU4XIOcLnWB_7CyHFuwMDwssPelcnfPxGEGSM8ubDPXQdscCagiIeLSpKY_V_z2R0RL1Oly3DCRGpwk0FzzSez2B0do8ox3OS5MmR8JP3HvsrBNPvCZ-hhZtwVql2J0K1jtPLTUGo_S0aOfQW0Z0EzQVKnZKU8","dp":"67YUhRBf10zYfjXoRNE8DDrXf58df1EWyABvwyF_K9yNxxP1klkZsmvhqUKt2wj1YYIE3-rlIL-LFv2VaDGYHOdvEJhBkY8hdLxLXSfYWUKgdXBNoI7EVT_2L_FkM1LieDjmHh-Q9AEsH_iYZyMKoXWavXKkduNWtNdnA6Y5OBk","dq":"WOosc__embCceIhzbMMRiaIsavIOtQBlc81lUC8959XtR3ypXpY53xUAi7bDo4Yc8G_FQAcx_c5CMiKMxyfXI30Pi8nKWZVBwP8Qwwz1CZ-RYksYD3PyCkU9KA3n3xo1oXMYMFOtxgfd9AzV5F2j5xWaqXuEhY68IiXWhdkAWl0","qi":"KcNY5QDlxzAkCjtPyS2dR8YcPS3_0eXWjbZ-2tQ9HdV-yBoNC0RJseGXclVpOw47SGNWqclIF_vMKVSf-gQw_PZ0IMBXax-VtnettOwEQWuBi_J1Vj1-mFvQYGl8dvnZPzh6d7Y-cDZZDhq4A-5MksLxN_zYW3vTlMQhbryTTaE"}"#;
const EC_A: &str = r#"{"kty":"EC","crv":"P-256","x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg","y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU","d":"W-BQrbZTxBG8BNoIXRKXE0DmR2Vgdweb9-bnR2IHJcc"}"#;

pub const ISSUER: &str = "https://x.my.erp.net/id";
pub const CLIENT_ID: &str = "spa.example.com";
pub const NOW: u64 = 1_766_494_394;
const NONCE: &str = "ZTRjOTM2M2Y0ODFhNGQ0NGE4NmU1N2ExYjY2NjE3ZmQ";
const ACCESS_TOKEN: &str = "an-opaque-or-jwt-access-token";

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
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

/// The issuer's keys: the RSA key twice (pinned to RS256, and unpinned for PS256), the P-256 key.
pub fn jwks() -> JwkSet {
    let body = json!({ "keys": [
        public_jwk(RSA_A, "rsa-a", json!({"use": "sig", "alg": "RS256"})),
        public_jwk(RSA_A, "rsa-ps", json!({"use": "sig", "key_ops": ["verify"]})),
        public_jwk(EC_A, "ec-a", json!({"use": "sig"})),
    ] })
    .to_string();
    parse_jwks(HttpResponse::json(body.as_bytes())).expect("test JWKS")
}

pub fn nonce() -> Nonce {
    serde_json::from_value(json!(NONCE)).expect("nonce")
}

pub fn access_token() -> AccessToken {
    AccessToken::new(ACCESS_TOKEN)
}

pub fn advertised() -> Vec<String> {
    vec!["RS256".into(), "PS256".into(), "ES256".into()]
}

/// What the app expects of the tokens below, at [`NOW`].
pub fn expectations<'a>(
    nonce: &'a Nonce,
    algs: &'a [String],
    access: &'a AccessToken,
) -> IdTokenExpectations<'a> {
    let mut expected = IdTokenExpectations::new(ISSUER, CLIENT_ID, nonce, NOW, algs);
    expected.access_token = Some(access);
    expected
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

pub fn rs256_token() -> IdToken {
    let key = RsaPrivateKey::try_from(&jwk(RSA_A)).expect("RSA_A");
    let input = signing_input(&json!({"alg": "RS256", "kid": "rsa-a", "typ": "JWT"}));
    let sig = Rsa::rs256().sign(&key, input.as_bytes());
    IdToken::new(format!("{input}.{}", b64(sig.as_bytes())))
}

pub fn ps256_token() -> IdToken {
    let key = RsaPrivateKey::try_from(&jwk(RSA_A)).expect("RSA_A");
    let input = signing_input(&json!({"alg": "PS256", "kid": "rsa-ps"}));
    let sig = Rsa::ps256().sign(&key, input.as_bytes());
    IdToken::new(format!("{input}.{}", b64(sig.as_bytes())))
}

pub fn es256_token() -> IdToken {
    let key = <Es256 as Algorithm>::SigningKey::try_from(&jwk(EC_A)).expect("EC_A");
    let input = signing_input(&json!({"alg": "ES256", "kid": "ec-a"}));
    let sig = Es256.sign(&key, input.as_bytes());
    IdToken::new(format!("{input}.{}", b64(sig.as_bytes())))
}
