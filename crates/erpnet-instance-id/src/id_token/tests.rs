use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

use super::claims::time_claim;
use super::pipeline::classify_alg;
use super::*;
use crate::algorithm::JwsAlgorithm;
use crate::identity::{ClientId, IssuerUrl};
use crate::jwks::{Jwk, JwkMaterial, JwkSet};
use crate::jws::{SignatureError, SignatureVerifier};
use crate::pkce::Nonce;
use crate::token::IdToken;

/// Polls a future that never waits (the verifiers here answer at once).
fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the future waited"),
    }
}

fn verifier(algs: &[JwsAlgorithm]) -> IdTokenVerifier {
    IdTokenVerifier::new_public_client(
        ClientId::new("c").unwrap(),
        IssuerUrl::new("https://i").unwrap(),
        jwks(),
    )
    .set_allowed_algs(algs.iter().copied())
}

/// A verifier that accepts everything: lets these unit tests reach the claim rules without
/// real keys. The real signature tests live in `tests/`.
struct AcceptAll;
impl SignatureVerifier for AcceptAll {
    fn verify(&self, _: JwsAlgorithm, _: &Jwk, _: &[u8], _: &[u8]) -> Result<(), SignatureError> {
        Ok(())
    }
}

/// A verifier whose backend is unavailable (WebCrypto missing).
struct BackendDown;
impl SignatureVerifier for BackendDown {
    fn verify(&self, _: JwsAlgorithm, _: &Jwk, _: &[u8], _: &[u8]) -> Result<(), SignatureError> {
        Err(SignatureError::Backend("no WebCrypto".into()))
    }
}

struct RejectAll;
impl SignatureVerifier for RejectAll {
    fn verify(&self, _: JwsAlgorithm, _: &Jwk, _: &[u8], _: &[u8]) -> Result<(), SignatureError> {
        Err(SignatureError::Invalid)
    }
}

fn jwks() -> JwkSet {
    JwkSet {
        keys: vec![Jwk {
            kid: Some("k".into()),
            key_use: None,
            alg: None,
            key_ops: None,
            material: JwkMaterial::Rsa {
                n: vec![0xff; 256],
                e: vec![1, 0, 1],
            },
        }],
    }
}

fn token(header: &str, payload: &Value) -> IdToken {
    let h = URL_SAFE_NO_PAD.encode(header);
    let p = URL_SAFE_NO_PAD.encode(payload.to_string());
    // A signature as long as the test key's modulus (the verifiers here ignore its value).
    let s = URL_SAFE_NO_PAD.encode([0u8; 256]);
    IdToken::new(format!("{h}.{p}.{s}"))
}

#[test]
fn claim_phase_needs_the_proof() {
    let nonce: Nonce = serde_json::from_str("\"n\"").unwrap();
    let exp = verifier(&[JwsAlgorithm::Rs256]);
    let payload = serde_json::json!({"iss":"https://i","aud":"c","exp":2000,"iat":1000,"nonce":"n","sub":"s"});
    let t = token(r#"{"alg":"RS256","kid":"k"}"#, &payload);
    let claims = exp.verify(&t, &nonce, None, 1000, &AcceptAll).unwrap();
    assert_eq!(claims.sub, "s");
    assert_eq!(claims.display_name(), "s");
    let e = exp.verify(&t, &nonce, None, 1000, &RejectAll).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::Signature(SignatureError::Invalid)
    ));
    assert_eq!((e.code(), e.rule()), ("id_token_invalid", "signature"));
    // The two-phase form with an "asynchronous" answer.
    let u = UnverifiedIdToken::parse(&t).unwrap();
    assert_eq!((u.alg(), u.kid()), ("RS256", Some("k")));
    let set = jwks();
    let check = u.signature_check(&set, &[JwsAlgorithm::Rs256]).unwrap();
    assert_eq!(
        check.signing_input(),
        t.secret().rsplit_once('.').unwrap().0.as_bytes()
    );
    assert_eq!(check.signature(), &[0u8; 256][..]);
    // Debug never prints the token (its payload is the person's claims).
    let payload_b64 = URL_SAFE_NO_PAD.encode(payload.to_string());
    for shown in [format!("{u:?}"), format!("{check:?}")] {
        assert!(
            shown.contains("[redacted]") && shown.to_lowercase().contains("rs256"),
            "{shown}"
        );
        assert!(!shown.contains(&payload_b64[..20]), "{shown}");
    }
    let e = ready(check.verify_async(&BackendDown)).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::Signature(SignatureError::Backend(_))
    ));
    let check = u.signature_check(&set, &[JwsAlgorithm::Rs256]).unwrap();
    let verified = check.verify(&AcceptAll).unwrap();
    let shown = format!("{verified:?}");
    assert!(
        shown.contains("[redacted]") && !shown.contains(&payload_b64[..20]),
        "{shown}"
    );
    assert_eq!(
        ready(exp.verify_async(&t, &nonce, None, 1000, &AcceptAll)).unwrap(),
        claims
    );
}

#[test]
fn format_rules() {
    let nonce: Nonce = serde_json::from_str("\"n\"").unwrap();
    let exp = verifier(&allowed_algorithms(&[]));
    let run = |s: &str| {
        exp.verify(&IdToken::new(s), &nonce, None, 1000, &AcceptAll)
            .unwrap_err()
    };
    assert!(matches!(run("a.b"), IdTokenError::Malformed { .. }));
    assert!(matches!(run("a.b.c.d"), IdTokenError::Malformed { .. }));
    assert!(matches!(run("a.b.c.d.e"), IdTokenError::Encrypted));
    assert!(matches!(run("*.e30.c2ln"), IdTokenError::Malformed { .. }));
    assert!(matches!(
        run("e30.e30.c2ln"),
        IdTokenError::InvalidHeader(_)
    ));
    let crit = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","crit":["exp"]}"#);
    assert!(matches!(
        run(&format!("{crit}.e30.c2ln")),
        IdTokenError::CriticalHeader
    ));
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#);
    // Rule 6 before the payload is read: a signature shorter than the modulus is refused
    // even by a verifier that accepts everything.
    let e = run(&format!("{h}.e30.c2ln"));
    assert!(matches!(
        e,
        IdTokenError::Signature(SignatureError::Malformed {
            alg: JwsAlgorithm::Rs256
        })
    ));
    assert_eq!(e.rule(), "signature");
    let sig = URL_SAFE_NO_PAD.encode([0u8; 256]);
    let p = URL_SAFE_NO_PAD.encode("[1]");
    let e = run(&format!("{h}.{p}.{sig}"));
    assert!(matches!(e, IdTokenError::InvalidPayload(_)));
    assert_eq!(e.rule(), "format");
    let p = URL_SAFE_NO_PAD.encode(r#"{"iss":1}"#);
    assert!(matches!(
        run(&format!("{h}.{p}.{sig}")),
        IdTokenError::ClaimType { claim: "iss" }
    ));
}

#[test]
fn algorithm_classification() {
    let all = JwsAlgorithm::ALL;
    assert!(matches!(
        classify_alg("none", &all),
        Err(IdTokenError::AlgNone)
    ));
    assert!(matches!(
        classify_alg("NONE", &all),
        Err(IdTokenError::AlgNone)
    ));
    assert!(matches!(
        classify_alg("HS256", &all),
        Err(IdTokenError::AlgHmac { .. })
    ));
    assert!(matches!(
        classify_alg("hs512", &all),
        Err(IdTokenError::AlgHmac { .. })
    ));
    assert!(matches!(
        classify_alg("RS384", &all),
        Err(IdTokenError::AlgUnsupported { .. })
    ));
    assert!(matches!(
        classify_alg("EdDSA", &all),
        Err(IdTokenError::AlgUnsupported { .. })
    ));
    assert!(matches!(
        classify_alg("rs256", &all),
        Err(IdTokenError::AlgUnsupported { .. })
    ));
    assert!(matches!(
        classify_alg("ES256", &[JwsAlgorithm::Rs256]),
        Err(IdTokenError::AlgNotAdvertised { .. })
    ));
    assert_eq!(classify_alg("PS256", &all).unwrap(), JwsAlgorithm::Ps256);
    assert_eq!(allowed_algorithms(&[]), [JwsAlgorithm::Rs256]);
    assert_eq!(
        allowed_algorithms(&[
            "ES256".into(),
            "HS256".into(),
            "none".into(),
            "RS256".into()
        ]),
        [JwsAlgorithm::Rs256, JwsAlgorithm::Es256]
    );
}

#[test]
fn numeric_dates() {
    let m: Map<String, Value> =
        serde_json::from_str(r#"{"a":5,"b":5.9,"c":-1,"d":"5","e":1e300}"#).unwrap();
    assert_eq!(time_claim(&m, "a").unwrap(), Some(5));
    assert_eq!(time_claim(&m, "b").unwrap(), Some(5));
    assert!(time_claim(&m, "c").is_err());
    assert!(time_claim(&m, "d").is_err());
    assert!(time_claim(&m, "e").is_err());
    assert_eq!(time_claim(&m, "z").unwrap(), None);
}
