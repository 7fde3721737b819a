//! ID-token signatures verified by the browser's WebCrypto (`crypto.subtle`): RS256 as
//! RSASSA-PKCS1-v1_5, PS256 as RSA-PSS (salt 32), ES256 as ECDSA on P-256, all with SHA-256.
//!
//! The browser's native code does the maths, so the wasm carries no RSA or elliptic-curve
//! code, and a check takes a fraction of the pure-Rust time (README "Performance"). The core
//! still decides everything else: algorithm allow-list, key choice by `kid`, key strength and
//! signature length ([`erpnet_instance_id::check_inputs`]) run before this is called.
//!
//! WebCrypto exists only in secure contexts (https, or http on a loopback host). The app
//! already refuses to start anywhere else (the core's app-base rule: `config_invalid`, e2e
//! "served over plain http from a non-local host"), so `crypto.subtle` is always there once
//! signed-in is possible; if it were not, sign-in would stop with `id_token_invalid` (rule
//! `signature`) naming the reason, never skip the check.

use erpnet_instance_id::{AsyncSignatureVerifier, Jwk, JwsAlgorithm, SignatureError};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use super::js_message;

/// The [`AsyncSignatureVerifier`] the app signs in with: WebCrypto `importKey` (JWK) and
/// `verify`.
#[derive(Debug, Default, Clone, Copy)]
pub struct WebCryptoVerifier;

impl AsyncSignatureVerifier for WebCryptoVerifier {
    async fn verify_async(
        &self,
        alg: JwsAlgorithm,
        key: &Jwk,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let subtle = subtle()?;
        let (import_params, verify_params) = params(alg)?;
        let jwk = jwk_object(key)?;
        let usages = Array::of1(&JsValue::from_str("verify"));
        let imported = subtle
            .import_key_with_object("jwk", &jwk, &import_params, false, &usages)
            .map_err(key_rejected)?;
        let key: CryptoKey = JsFuture::from(imported)
            .await
            .map_err(key_rejected)?
            .unchecked_into();
        // WebCrypto copies both byte views before `verify` returns, so they may be borrowed.
        let verified = subtle
            .verify_with_object_and_u8_array_and_u8_array(
                &verify_params,
                &key,
                signature,
                signing_input,
            )
            .map_err(backend)?;
        match JsFuture::from(verified).await.map_err(backend)?.as_bool() {
            Some(true) => Ok(()),
            _ => Err(SignatureError::Invalid),
        }
    }
}

/// Whether this page can verify signatures: `crypto.subtle` exists only in secure contexts.
pub fn available() -> bool {
    subtle().is_ok()
}

fn subtle() -> Result<SubtleCrypto, SignatureError> {
    let unavailable = || {
        SignatureError::Backend(
            "WebCrypto (crypto.subtle) is unavailable: serve the app over https".to_owned(),
        )
    };
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(unavailable)?;
    let subtle = crypto.subtle();
    if subtle.is_undefined() || subtle.is_null() {
        return Err(unavailable());
    }
    Ok(subtle)
}

/// The `importKey` and `verify` algorithm parameters for `alg`, as WebCrypto names them.
fn params(alg: JwsAlgorithm) -> Result<(Object, Object), SignatureError> {
    let sha256 = || JsValue::from_str("SHA-256");
    let name = |n: &str| ("name", JsValue::from_str(n));
    let (import, verify) = match alg {
        JwsAlgorithm::Rs256 => (
            [name("RSASSA-PKCS1-v1_5"), ("hash", sha256())],
            [name("RSASSA-PKCS1-v1_5"), ("hash", sha256())],
        ),
        // RFC 7518 3.5: the salt is as long as the hash (32 bytes for SHA-256).
        JwsAlgorithm::Ps256 => (
            [name("RSA-PSS"), ("hash", sha256())],
            [name("RSA-PSS"), ("saltLength", JsValue::from_f64(32.0))],
        ),
        JwsAlgorithm::Es256 => (
            [name("ECDSA"), ("namedCurve", JsValue::from_str("P-256"))],
            [name("ECDSA"), ("hash", sha256())],
        ),
    };
    Ok((object(&import)?, object(&verify)?))
}

/// The key as a JWK object: its public members only (the core's own serialisation).
fn jwk_object(key: &Jwk) -> Result<Object, SignatureError> {
    let json = serde_json::to_string(key).map_err(|e| SignatureError::Backend(e.to_string()))?;
    js_sys::JSON::parse(&json)
        .map(JsCast::unchecked_into)
        .map_err(backend)
}

fn object(members: &[(&str, JsValue)]) -> Result<Object, SignatureError> {
    let o = Object::new();
    for (k, v) in members {
        set(&o, k, v)?;
    }
    Ok(o)
}

fn set(o: &Object, key: &str, value: &JsValue) -> Result<(), SignatureError> {
    Reflect::set(o, &JsValue::from_str(key), value)
        .map(drop)
        .map_err(backend)
}

fn key_rejected(err: JsValue) -> SignatureError {
    SignatureError::KeyRejected(js_message(&err).into())
}

fn backend(err: JsValue) -> SignatureError {
    SignatureError::Backend(js_message(&err))
}
