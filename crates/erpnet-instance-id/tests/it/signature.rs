//! Signatures with real keys, the algorithm and key rules, and tampered tokens.

use erpnet_instance_id::{
    IdToken, IdTokenError, JwsAlgorithm, JwtCompactVerifier, SignatureError, UnverifiedIdToken,
};
use jwt_compact::alg::{Es256, Rsa};
use jwt_compact::{AlgorithmExt, Claims, Header};
use serde_json::{json, Value};

use crate::support::*;

/// Validates through both entry points and insists they agree: the synchronous one and the
/// asynchronous one a WebCrypto verifier uses (here driven by the same pure-Rust verifier).
fn validate(
    token: &IdToken,
    jwks: &erpnet_instance_id::JwkSet,
) -> Result<erpnet_instance_id::IdTokenClaims, IdTokenError> {
    let (n, algs, at) = (nonce(), advertised(), access_token());
    let expected = expectations(&n, &algs, &at);
    let sync = expected.validate(token, jwks, &JwtCompactVerifier);
    let awaited = ready(expected.validate_async(token, jwks, &JwtCompactVerifier));
    assert_eq!(
        format!("{sync:?}"),
        format!("{awaited:?}"),
        "the asynchronous path must decide exactly as the synchronous one"
    );
    sync
}

/// Polls a future that must be ready at once (a synchronous verifier never waits).
fn ready<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("a synchronous verifier must answer at once"),
    }
}

#[test]
fn rs256_ps256_es256_built_with_jwt_compact_pass() {
    let claims = Claims::new(good_claims());
    let rs = Rsa::rs256()
        .token(
            &Header::empty().with_key_id("rsa-a"),
            &claims,
            &keys().rsa_a,
        )
        .unwrap();
    let c = validate(&IdToken::new(rs), &default_jwks()).unwrap();
    assert_eq!(
        (c.sub.as_str(), c.name.as_deref()),
        ("admin", Some("John Doe"))
    );
    assert_eq!(c.aud, [CLIENT_ID]);
    assert_eq!(
        (c.exp, c.iat, c.nbf, c.auth_time),
        (NOW + 300, NOW, Some(NOW), Some(NOW - 900))
    );
    assert_eq!(c.extra["sid"], "D1FFEDFE4CB32300D26C265B9BD374FB");

    let es = Es256
        .token(&Header::empty().with_key_id("ec-a"), &claims, &keys().ec_a)
        .unwrap();
    assert!(validate(&IdToken::new(es), &default_jwks()).is_ok());

    // PS256 with a key whose JWK does not pin an alg.
    let jwks = jwks_of(vec![public_jwk(RSA_B, Some("rsa-b"), json!({}))]);
    let ps = Rsa::ps256()
        .token(
            &Header::empty().with_key_id("rsa-b"),
            &claims,
            &keys().rsa_b,
        )
        .unwrap();
    assert!(validate(&IdToken::new(ps), &jwks).is_ok());
}

#[test]
fn flipped_signature_bits_fail() {
    for token in [rs256(&good_claims()), es256(&good_claims())] {
        let (input, sig) = token.secret().rsplit_once('.').unwrap();
        let mut bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
        for i in [0, bytes.len() / 2, bytes.len() - 1] {
            bytes[i] ^= 0x01;
            let tampered = IdToken::new(format!("{input}.{}", b64(&bytes)));
            let e = validate(&tampered, &default_jwks()).unwrap_err();
            assert!(
                matches!(e, IdTokenError::Signature(SignatureError::Invalid)),
                "{e:?}"
            );
            assert_eq!(e.rule(), "signature");
            bytes[i] ^= 0x01;
        }
    }
}

#[test]
fn edited_payload_fails() {
    let token = rs256(&good_claims());
    let parts: Vec<&str> = token.secret().split('.').collect();
    let edited = b64(claims_with(json!({"sub": "someone-else"})).to_string());
    let tampered = IdToken::new(format!("{}.{edited}.{}", parts[0], parts[2]));
    assert!(matches!(
        validate(&tampered, &default_jwks()).unwrap_err(),
        IdTokenError::Signature(SignatureError::Invalid)
    ));
}

#[test]
fn alg_none_is_refused() {
    for alg in ["none", "None", "NONE"] {
        let t = IdToken::new(sign(
            &json!({"alg": alg, "kid": "rsa-a"}),
            &good_claims(),
            Signer::Empty,
        ));
        let e = validate(&t, &default_jwks()).unwrap_err();
        assert!(matches!(e, IdTokenError::AlgNone), "{alg}: {e:?}");
        assert_eq!(e.rule(), "alg");
    }
}

#[test]
fn hs256_with_the_public_key_as_secret_is_refused() {
    // The classic key-confusion attack: HMAC keyed with the issuer's public key material.
    let public_json = public_jwk(RSA_A, Some("rsa-a"), json!({})).to_string();
    let n = public_jwk(RSA_A, None, json!({}))["n"]
        .as_str()
        .unwrap()
        .to_owned();
    for secret in [public_json.as_bytes(), n.as_bytes()] {
        for alg in ["HS256", "HS384", "HS512"] {
            let t = IdToken::new(sign(
                &json!({"alg": alg, "kid": "rsa-a"}),
                &good_claims(),
                Signer::Hs256(secret),
            ));
            let e = validate(&t, &default_jwks()).unwrap_err();
            assert!(
                matches!(&e, IdTokenError::AlgHmac { alg: a } if a == alg),
                "{e:?}"
            );
        }
    }
}

#[test]
fn header_alg_changed_between_allowed_algorithms_fails() {
    // An RS256 signature presented as PS256 under the same key.
    let t = rs256(&good_claims());
    let (_, rest) = t.secret().split_once('.').unwrap();
    let relabelled = IdToken::new(format!(
        "{}.{rest}",
        b64(json!({"alg": "PS256", "kid": "rsa-b"}).to_string())
    ));
    let jwks = jwks_of(vec![public_jwk(RSA_A, Some("rsa-b"), json!({}))]);
    assert!(matches!(
        validate(&relabelled, &jwks).unwrap_err(),
        IdTokenError::Signature(SignatureError::Invalid)
    ));
}

#[test]
fn kid_pointing_at_another_key_fails() {
    // Signed with rsa-b but names rsa-a, which is in the set.
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "rsa-a"}),
        &good_claims(),
        Signer::Rs256(&keys().rsa_b),
    ));
    assert!(matches!(
        validate(&t, &default_jwks()).unwrap_err(),
        IdTokenError::Signature(SignatureError::Invalid)
    ));
    // Names the EC key while claiming RS256.
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "ec-a"}),
        &good_claims(),
        Signer::Rs256(&keys().rsa_a),
    ));
    let e = validate(&t, &default_jwks()).unwrap_err();
    assert!(
        matches!(
            e,
            IdTokenError::KeyNotUsable {
                alg: JwsAlgorithm::Rs256,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.rule(), "kid");
    assert!(!e.should_refetch_jwks());
}

#[test]
fn es256_signature_under_an_rsa_key_fails() {
    // ES256 header and signature, kid of the RSA key.
    let t = IdToken::new(sign(
        &json!({"alg": "ES256", "kid": "rsa-a"}),
        &good_claims(),
        Signer::Es256(&keys().ec_a),
    ));
    assert!(matches!(
        validate(&t, &default_jwks()).unwrap_err(),
        IdTokenError::KeyNotUsable {
            alg: JwsAlgorithm::Es256,
            ..
        }
    ));
    // RS256 header with an ES256 signature: the RSA verification fails.
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "rsa-a"}),
        &good_claims(),
        Signer::Es256(&keys().ec_a),
    ));
    assert!(matches!(
        validate(&t, &default_jwks()).unwrap_err(),
        IdTokenError::Signature(_)
    ));
    // The seam itself refuses an RSA key for ES256.
    let jwks = default_jwks();
    let e = erpnet_instance_id::SignatureVerifier::verify(
        &JwtCompactVerifier,
        JwsAlgorithm::Es256,
        &jwks.keys[0],
        b"x",
        &[0; 64],
    );
    assert!(matches!(
        e,
        Err(SignatureError::KeyUnsuitable {
            alg: JwsAlgorithm::Es256
        })
    ));
}

#[test]
fn malformed_es256_signature_length() {
    let t = IdToken::new(sign(
        &json!({"alg": "ES256", "kid": "ec-a"}),
        &good_claims(),
        Signer::Raw(vec![1; 63]),
    ));
    assert!(matches!(
        validate(&t, &default_jwks()).unwrap_err(),
        IdTokenError::Signature(SignatureError::Malformed {
            alg: JwsAlgorithm::Es256
        })
    ));
}

#[test]
fn weak_rsa_key_is_refused() {
    let jwks = jwks_of(vec![public_jwk(RSA_WEAK, Some("weak"), json!({}))]);
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "weak"}),
        &good_claims(),
        Signer::Rs256(&keys().rsa_weak),
    ));
    assert!(matches!(
        validate(&t, &jwks).unwrap_err(),
        IdTokenError::Signature(SignatureError::WeakKey { bits: 1024 })
    ));
}

#[test]
fn algorithm_must_be_advertised_and_allowed() {
    let (n, at) = (nonce(), access_token());
    let only_rs = vec!["RS256".to_owned()];
    let e = (expectations(&n, &only_rs, &at))
        .validate(&es256(&good_claims()), &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert!(matches!(&e, IdTokenError::AlgNotAdvertised { alg } if alg == "ES256"));
    assert_eq!(e.rule(), "alg");
    // Nothing advertised: RS256 only.
    let none: Vec<String> = vec![];
    assert!((expectations(&n, &none, &at))
        .validate(&rs256(&good_claims()), &default_jwks(), &JwtCompactVerifier)
        .is_ok());
    assert!(matches!(
        (expectations(&n, &none, &at)).validate(
            &es256(&good_claims()),
            &default_jwks(),
            &JwtCompactVerifier
        ),
        Err(IdTokenError::AlgNotAdvertised { .. })
    ));
    // Advertised but not on the allow-list.
    let t = IdToken::new(sign(
        &json!({"alg": "RS384", "kid": "rsa-a"}),
        &good_claims(),
        Signer::Rs256(&keys().rsa_a),
    ));
    let all: Vec<String> = vec!["RS384".into(), "RS256".into()];
    assert!(matches!(
        (expectations(&n, &all, &at)).validate(&t, &default_jwks(), &JwtCompactVerifier),
        Err(IdTokenError::AlgUnsupported { .. })
    ));
}

#[test]
fn key_alg_and_use_are_respected() {
    // The JWK pins PS256: an RS256 token under it is refused before any maths.
    let jwks = jwks_of(vec![public_jwk(
        RSA_A,
        Some("rsa-a"),
        json!({"alg": "PS256"}),
    )]);
    assert!(matches!(
        validate(&rs256(&good_claims()), &jwks).unwrap_err(),
        IdTokenError::KeyNotUsable { .. }
    ));
    // key_ops without verify.
    let jwks = jwks_of(vec![
        public_jwk(RSA_A, Some("rsa-a"), json!({"key_ops": ["encrypt"]})),
        public_jwk(EC_A, Some("ec-a"), json!({})),
    ]);
    assert!(matches!(
        validate(&rs256(&good_claims()), &jwks).unwrap_err(),
        IdTokenError::KeyNotUsable { .. }
    ));
    // use=enc keys are dropped when the set is parsed, so the kid is unknown.
    let jwks = jwks_of(vec![
        public_jwk(RSA_A, Some("rsa-a"), json!({"use": "enc"})),
        public_jwk(EC_A, Some("ec-a"), json!({})),
    ]);
    assert!(validate(&rs256(&good_claims()), &jwks)
        .unwrap_err()
        .should_refetch_jwks());
}

#[test]
fn key_rotation_refetch_once() {
    // The issuer now signs with rsa-b; the cached set only has rsa-a.
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "rsa-b"}),
        &good_claims(),
        Signer::Rs256(&keys().rsa_b),
    ));
    let e = validate(&t, &default_jwks()).unwrap_err();
    assert!(matches!(&e, IdTokenError::UnknownKid { kid } if kid == "rsa-b"));
    assert!(e.should_refetch_jwks());
    assert_eq!(e.rule(), "kid");
    // After refetching, the rotated set has both keys.
    let rotated = jwks_of(vec![
        public_jwk(RSA_A, Some("rsa-a"), json!({})),
        public_jwk(RSA_B, Some("rsa-b"), json!({})),
    ]);
    assert!(validate(&t, &rotated).is_ok());
    assert!(validate(&rs256(&good_claims()), &rotated).is_ok());
    // A kid still unknown after the refetch stays an error.
    let e = validate(&t, &default_jwks()).unwrap_err();
    assert!(e.should_refetch_jwks());
}

#[test]
fn kid_absent() {
    let no_kid = |signer| IdToken::new(sign(&json!({"alg": "RS256"}), &good_claims(), signer));
    // One RSA candidate (the EC key does not fit RS256): accepted.
    let t = no_kid(Signer::Rs256(&keys().rsa_a));
    assert!(validate(&t, &default_jwks()).is_ok());
    // Two RSA candidates: refused, not tried in turn.
    let two = jwks_of(vec![
        public_jwk(RSA_A, Some("rsa-a"), json!({})),
        public_jwk(RSA_B, Some("rsa-b"), json!({})),
    ]);
    let e = validate(&t, &two).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::AmbiguousKey { candidates: 2, .. }
    ));
    assert!(!e.should_refetch_jwks());
    // No candidate at all.
    let ec_only = jwks_of(vec![public_jwk(EC_A, None, json!({}))]);
    assert!(matches!(
        validate(&t, &ec_only).unwrap_err(),
        IdTokenError::NoSuitableKey {
            alg: JwsAlgorithm::Rs256
        }
    ));
}

#[test]
fn embedded_header_keys_are_ignored() {
    // The attacker signs with rsa-b and embeds its public key (jwk) and a jku in the header.
    let header = json!({
        "alg": "RS256",
        "kid": "rsa-a",
        "jwk": public_jwk(RSA_B, None, json!({})),
        "jku": "https://evil.example/jwks",
    });
    let t = IdToken::new(sign(&header, &good_claims(), Signer::Rs256(&keys().rsa_b)));
    assert!(matches!(
        validate(&t, &default_jwks()).unwrap_err(),
        IdTokenError::Signature(SignatureError::Invalid)
    ));
}

#[test]
fn two_phase_form_uses_the_same_rules() {
    let t = es256(&good_claims());
    let jwks = default_jwks();
    let u = UnverifiedIdToken::parse(&t).unwrap();
    let check = u.signature_check(&jwks, &JwsAlgorithm::ALL).unwrap();
    assert_eq!(check.alg(), JwsAlgorithm::Es256);
    assert_eq!(check.key().kid.as_deref(), Some("ec-a"));
    // What an asynchronous verifier is asked: these exact values.
    let outcome = erpnet_instance_id::SignatureVerifier::verify(
        &JwtCompactVerifier,
        check.alg(),
        check.key(),
        check.signing_input(),
        check.signature(),
    );
    assert!(outcome.is_ok());
    // The proof comes only from a verifier's answer; the claims only through the verifier.
    let verified = check.verify(&JwtCompactVerifier).unwrap();
    assert_eq!(verified.alg(), JwsAlgorithm::Es256);
    let claims = validate(&t, &jwks).unwrap();
    assert_eq!(claims.sub, "admin");
    let _: Value = serde_json::to_value(&claims).unwrap();
}
