//! OIDC Core 12.2: the ID token of a refresh response, one test per rule, with real signatures.
//! Every case runs through the synchronous and the asynchronous entry points, which must agree.

use erpnet_instance_id::{
    AccessToken, ClockOffset, IdToken, IdTokenClaims, IdTokenError, JwtCompactVerifier,
    SignatureError,
};
use serde_json::{json, Value};

use crate::support::*;

/// When the refresh happens: four minutes after sign-in.
const LATER: u64 = NOW + 240;
const NEW_ACCESS_TOKEN: &str = "the-refreshed-access-token";

/// The claims of the sign-in's ID token, validated the normal way.
fn original_with(patch: Value, trusted: &[String]) -> IdTokenClaims {
    let (n, algs, at) = (nonce(), advertised(), access_token());
    let mut e = expectations(&n, &algs, &at);
    e.trusted_audiences = trusted.to_vec();
    e.validate(
        &rs256(&claims_with(patch)),
        &default_jwks(),
        &JwtCompactVerifier,
    )
    .expect("the original token is valid")
}

fn original() -> IdTokenClaims {
    original_with(json!({}), &[])
}

/// What IdentityServer4 sends on refresh: the same person and session, new times, a new
/// at_hash, and no nonce.
fn refreshed_claims(patch: Value) -> Value {
    let mut c = claims_with(json!({
        "nonce": null,
        "iat": LATER,
        "nbf": LATER,
        "exp": LATER + 300,
        "at_hash": at_hash(NEW_ACCESS_TOKEN),
    }));
    let obj = c.as_object_mut().expect("object");
    if let Value::Object(patch) = patch {
        for (k, v) in patch {
            if v.is_null() {
                obj.remove(&k);
            } else {
                obj.insert(k, v);
            }
        }
    }
    c
}

fn check(
    token: &IdToken,
    original: &IdTokenClaims,
    tweak: impl FnOnce(&mut RefreshExpect),
) -> Result<IdTokenClaims, IdTokenError> {
    let algs = advertised();
    let at = AccessToken::new(NEW_ACCESS_TOKEN);
    let mut e = RefreshExpect::new(original, CLIENT_ID, LATER, &algs);
    e.access_token = Some(at.clone());
    tweak(&mut e);
    let jwks = default_jwks();
    let sync = e.validate(token, &jwks, &JwtCompactVerifier);
    let awaited = ready(e.validate_async(token, &jwks, &JwtCompactVerifier));
    assert_eq!(format!("{sync:?}"), format!("{awaited:?}"));
    sync
}

fn run(patch: Value) -> Result<IdTokenClaims, IdTokenError> {
    check(&rs256(&refreshed_claims(patch)), &original(), |_| {})
}

fn fails(patch: Value, rule: &str) -> IdTokenError {
    let e = run(patch.clone()).expect_err("must fail");
    assert_eq!(e.rule(), rule, "{patch}: {e}");
    assert_eq!(e.code(), "id_token_invalid");
    e
}

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
fn is4_refreshed_token_without_nonce_passes() {
    let c = run(json!({})).unwrap();
    let o = original();
    assert_eq!(
        (c.sub.as_str(), c.iat, c.exp),
        ("admin", LATER, LATER + 300)
    );
    assert_eq!(c.auth_time, o.auth_time);
    assert_eq!(c.sid.as_deref(), Some("D1FFEDFE4CB32300D26C265B9BD374FB"));
    assert_eq!(c.nonce(), None);
    assert_eq!(o.nonce(), Some(NONCE));
}

#[test]
fn signature_comes_first() {
    // A payload edited after signing (another sub) fails on the signature, not on sub.
    let good = rs256(&refreshed_claims(json!({}))).secret().to_owned();
    let mut parts: Vec<&str> = good.split('.').collect();
    let forged = b64(refreshed_claims(json!({"sub": "someone-else"})).to_string());
    parts[1] = &forged;
    let e = check(&IdToken::new(parts.join(".")), &original(), |_| {}).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::Signature(SignatureError::Invalid)
    ));
    // Signed by another key under the issuer's kid.
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "rsa-a"}),
        &refreshed_claims(json!({})),
        Signer::Rs256(&keys().rsa_b),
    ));
    let e = check(&t, &original(), |_| {}).unwrap_err();
    assert_eq!(e.rule(), "signature");
    // A kid the JWKS does not know: refetch once.
    let t = IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "rotated"}),
        &refreshed_claims(json!({})),
        Signer::Rs256(&keys().rsa_b),
    ));
    assert!(check(&t, &original(), |_| {})
        .unwrap_err()
        .should_refetch_jwks());
}

#[test]
fn algorithms_stay_pinned() {
    let t = IdToken::new(sign(
        &json!({"alg": "HS256", "kid": "rsa-a"}),
        &refreshed_claims(json!({})),
        Signer::Hs256(b"secret"),
    ));
    assert!(matches!(
        check(&t, &original(), |_| {}).unwrap_err(),
        IdTokenError::AlgHmac { .. }
    ));
    let t = IdToken::new(sign(
        &json!({"alg": "none"}),
        &refreshed_claims(json!({})),
        Signer::Empty,
    ));
    assert!(matches!(
        check(&t, &original(), |_| {}).unwrap_err(),
        IdTokenError::AlgNone
    ));
    // ES256 is refused when discovery advertises RS256 only (as IdentityServer4 does).
    let rs_only = vec!["RS256".to_owned()];
    let (o, at) = (original(), AccessToken::new(NEW_ACCESS_TOKEN));
    let mut ex = RefreshExpect::new(&o, CLIENT_ID, LATER, &rs_only);
    ex.access_token = Some(at.clone());
    let es = es256(&refreshed_claims(json!({})));
    let e = ex
        .validate(&es, &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert!(matches!(e, IdTokenError::AlgNotAdvertised { .. }));
    // ...and accepted when advertised: the same token, the same rules.
    assert!(check(&es, &o, |_| {}).is_ok());
}

#[test]
fn rule_1_iss_unchanged() {
    let e = fails(json!({"iss": "https://evil.example/id"}), "iss");
    assert!(
        matches!(e, IdTokenError::IssChanged { found, .. } if found == "https://evil.example/id")
    );
    assert!(matches!(
        fails(json!({"iss": null}), "iss"),
        IdTokenError::IssMissing
    ));
}

#[test]
fn rule_2_sub_unchanged() {
    let e = fails(json!({"sub": "mallory"}), "sub");
    assert!(
        matches!(e, IdTokenError::SubChanged { original, found } if original == "admin" && found == "mallory")
    );
    assert!(matches!(
        fails(json!({"sub": ""}), "sub"),
        IdTokenError::SubMissing
    ));
    assert!(matches!(
        fails(json!({"sub": null}), "sub"),
        IdTokenError::SubMissing
    ));
}

#[test]
fn rule_3_iat_is_the_new_issue_time() {
    assert!(matches!(
        fails(json!({"iat": null}), "iat"),
        IdTokenError::IatMissing
    ));
    let e = fails(json!({"iat": NOW - 1, "nbf": NOW - 1}), "iat");
    assert!(
        matches!(e, IdTokenError::IssuedBeforeOriginal { iat, original_iat: NOW } if iat == NOW - 1)
    );
    // Issued at the same second as the original: fine.
    assert!(run(json!({"iat": NOW, "nbf": NOW})).is_ok());
    let e = fails(json!({"iat": LATER + 61, "nbf": null}), "iat");
    assert!(matches!(e, IdTokenError::IssuedInFuture { .. }));
}

#[test]
fn rule_4_aud_unchanged() {
    let e = fails(json!({"aud": "another-client"}), "aud");
    assert!(matches!(e, IdTokenError::AudChanged { .. }));
    let e = fails(json!({"aud": [CLIENT_ID, "api"], "azp": CLIENT_ID}), "aud");
    assert!(matches!(e, IdTokenError::AudChanged { found, .. } if found.len() == 2));
    assert!(matches!(
        fails(json!({"aud": []}), "aud"),
        IdTokenError::AudMissing
    ));
    assert!(matches!(
        fails(json!({"aud": null}), "aud"),
        IdTokenError::AudMissing
    ));
    // The same set in another order passes.
    let trusted = vec!["api".to_owned()];
    let o = original_with(
        json!({"aud": [CLIENT_ID, "api"], "azp": CLIENT_ID}),
        &trusted,
    );
    let t = rs256(&refreshed_claims(
        json!({"aud": ["api", CLIENT_ID], "azp": CLIENT_ID}),
    ));
    assert_eq!(check(&t, &o, |_| {}).unwrap().aud, ["api", CLIENT_ID]);
    // The client itself must still be an audience (an original for another client).
    let e = check(&t, &o, |e| e.client_id = "other".to_owned()).unwrap_err();
    assert!(matches!(e, IdTokenError::AudMismatch { .. }));
}

#[test]
fn rule_5_auth_time_is_the_original_authentication() {
    let e = fails(json!({"auth_time": NOW}), "auth_time");
    assert!(
        matches!(e, IdTokenError::AuthTimeChanged { original: Some(o), found: NOW } if o == NOW - 900)
    );
    // Absent: allowed ("if the ID Token contains an auth_time Claim").
    assert_eq!(run(json!({"auth_time": null})).unwrap().auth_time, None);
    // The original had none: a new one cannot be vouched for.
    let o = original_with(json!({"auth_time": null}), &[]);
    let t = rs256(&refreshed_claims(json!({})));
    let e = check(&t, &o, |_| {}).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::AuthTimeChanged { original: None, .. }
    ));
}

#[test]
fn rule_6_azp_unchanged() {
    let e = fails(json!({"azp": CLIENT_ID}), "azp");
    assert!(matches!(
        e,
        IdTokenError::AzpChanged {
            original: None,
            found: Some(_)
        }
    ));
    let trusted = vec!["api".to_owned()];
    let o = original_with(
        json!({"aud": [CLIENT_ID, "api"], "azp": CLIENT_ID}),
        &trusted,
    );
    let t = rs256(&refreshed_claims(json!({"aud": [CLIENT_ID, "api"]})));
    let e = check(&t, &o, |_| {}).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::AzpChanged {
            original: Some(_),
            found: None
        }
    ));
    let t = rs256(&refreshed_claims(
        json!({"aud": [CLIENT_ID, "api"], "azp": "api"}),
    ));
    assert_eq!(check(&t, &o, |_| {}).unwrap_err().rule(), "azp");
}

#[test]
fn rule_7_times_with_the_clock_rules() {
    let e = fails(json!({"exp": LATER - 61}), "exp");
    assert!(matches!(e, IdTokenError::Expired { .. }));
    assert!(matches!(
        fails(json!({"exp": null}), "exp"),
        IdTokenError::ExpMissing
    ));
    let e = fails(json!({"nbf": LATER + 61}), "nbf");
    assert!(matches!(e, IdTokenError::NotYetValid { .. }));
    // A device clock 10 minutes ahead fails, says so, and passes with the offset.
    let t = rs256(&refreshed_claims(json!({})));
    let e = check(&t, &original(), |e| e.now = LATER + 600).unwrap_err();
    assert_eq!((e.rule(), e.clock_skew_minutes()), ("exp", Some(10)));
    let offset = ClockOffset::from_secs(-600).unwrap();
    assert!(check(&t, &original(), |e| {
        e.now = LATER + 600;
        e.clock_offset = offset;
    })
    .is_ok());
}

#[test]
fn rule_7_nonce_optional_but_equal_when_present() {
    assert!(run(json!({"nonce": NONCE})).is_ok());
    assert!(matches!(
        fails(json!({"nonce": "replayed"}), "nonce"),
        IdTokenError::NonceMismatch
    ));
    assert!(matches!(
        fails(json!({"nonce": 5}), "format"),
        IdTokenError::ClaimType { claim: "nonce" }
    ));
    // Checked against a previous refresh's claims (no nonce), a nonce cannot be vouched for.
    let first = run(json!({})).unwrap();
    let t = rs256(&refreshed_claims(
        json!({"nonce": NONCE, "iat": LATER + 10, "nbf": LATER + 10}),
    ));
    let e = check(&t, &first, |e| e.now = LATER + 10).unwrap_err();
    assert!(matches!(e, IdTokenError::NonceMismatch));
}

#[test]
fn rule_7_at_hash_against_the_new_access_token() {
    // The old access token's hash in the new ID token: refused.
    let e = fails(json!({"at_hash": at_hash(ACCESS_TOKEN)}), "at_hash");
    assert!(matches!(e, IdTokenError::AtHashMismatch));
    let t = rs256(&refreshed_claims(json!({})));
    let e = check(&t, &original(), |e| e.access_token = None).unwrap_err();
    assert!(matches!(e, IdTokenError::AtHashUnchecked));
    let t = rs256(&refreshed_claims(json!({"at_hash": null})));
    assert!(check(&t, &original(), |e| e.access_token = None).is_ok());
}

#[test]
fn a_chain_of_refreshes_keeps_passing() {
    let o = original();
    let first = run(json!({})).unwrap();
    let t = rs256(&refreshed_claims(
        json!({"iat": LATER + 200, "nbf": LATER + 200, "exp": LATER + 500}),
    ));
    // Against the sign-in's claims (preferred) and against the previous refresh's.
    assert!(check(&t, &o, |e| e.now = LATER + 200).is_ok());
    assert!(check(&t, &first, |e| e.now = LATER + 200).is_ok());
}
