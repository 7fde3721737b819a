//! Every claim rule of OIDC Core 3.1.3.7 (plus nbf, at_hash and sub): a passing and a failing
//! case each, asserting the exact variant and rule. Tokens are really signed (RS256 rsa-a).

use erpnet_instance_id::{AccessToken, IdTokenClaims, IdTokenError, JwtCompactVerifier, Nonce};
use serde_json::{json, Value};

use crate::support::*;

struct Ctx {
    nonce: Nonce,
    algs: Vec<String>,
    access: AccessToken,
    trusted: Vec<String>,
}

impl Ctx {
    fn new() -> Self {
        Ctx {
            nonce: nonce(),
            algs: advertised(),
            access: access_token(),
            trusted: vec![],
        }
    }

    fn expect(&self) -> Expect {
        let mut e = expectations(&self.nonce, &self.algs, &self.access);
        e.trusted_audiences = self.trusted.clone();
        e
    }
}

fn run_with(patch: Value, tweak: impl FnOnce(&mut Expect)) -> Result<IdTokenClaims, IdTokenError> {
    let ctx = Ctx::new();
    let mut e = ctx.expect();
    tweak(&mut e);
    e.validate(
        &rs256(&claims_with(patch)),
        &default_jwks(),
        &JwtCompactVerifier,
    )
}

fn run(patch: Value) -> Result<IdTokenClaims, IdTokenError> {
    run_with(patch, |_| {})
}

fn fails(patch: Value, rule: &str) -> IdTokenError {
    let e = run(patch.clone()).expect_err("must fail");
    assert_eq!(e.rule(), rule, "{patch}: {e}");
    assert_eq!(e.code(), "id_token_invalid");
    assert!(!e.should_refetch_jwks());
    e
}

#[test]
fn good_token_passes() {
    let c = run(json!({})).unwrap();
    assert_eq!(c.sub, "admin");
    assert_eq!(c.email.as_deref(), Some("admin@mail.com"));
}

#[test]
fn rule_2_iss() {
    assert!(matches!(
        fails(json!({"iss": null}), "iss"),
        IdTokenError::IssMissing
    ));
    for other in [
        "https://x.my.erp.net/id/",
        "https://X.my.erp.net/id",
        "https://evil.example/id",
    ] {
        let e = fails(json!({"iss": other}), "iss");
        assert!(matches!(&e, IdTokenError::IssMismatch { found, .. } if found == other));
    }
    assert!(matches!(
        fails(json!({"iss": 7}), "format"),
        IdTokenError::ClaimType { claim: "iss" }
    ));
}

#[test]
fn rule_3_aud() {
    assert!(run(json!({"aud": [CLIENT_ID]})).is_ok());
    assert!(matches!(
        fails(json!({"aud": null}), "aud"),
        IdTokenError::AudMissing
    ));
    assert!(matches!(
        fails(json!({"aud": []}), "aud"),
        IdTokenError::AudMissing
    ));
    assert!(matches!(
        fails(json!({"aud": "someone-else"}), "aud"),
        IdTokenError::AudMismatch { .. }
    ));
    let e = fails(
        json!({"aud": [CLIENT_ID, "DomainAPI"], "azp": CLIENT_ID}),
        "aud",
    );
    assert!(matches!(&e, IdTokenError::UntrustedAudience { audience } if audience == "DomainAPI"));
    // A trusted extra audience passes (with azp, rule 4).
    let ok = run_with(
        json!({"aud": [CLIENT_ID, "DomainAPI"], "azp": CLIENT_ID}),
        |e| {
            e.trusted_audiences = vec!["DomainAPI".to_owned()];
        },
    );
    assert_eq!(ok.unwrap().aud, [CLIENT_ID, "DomainAPI"]);
    assert!(matches!(
        fails(json!({"aud": [CLIENT_ID, 3]}), "format"),
        IdTokenError::ClaimType { claim: "aud" }
    ));
}

#[test]
fn rules_4_and_5_azp() {
    let trusted = |e: &mut Expect| {
        e.trusted_audiences = vec!["other".to_owned()];
    };
    let e = run_with(json!({"aud": [CLIENT_ID, "other"]}), trusted).unwrap_err();
    assert!(matches!(e, IdTokenError::AzpMissing));
    assert_eq!(e.rule(), "azp");
    assert!(run(json!({"azp": CLIENT_ID})).is_ok());
    let e = fails(json!({"azp": "other"}), "azp");
    assert!(matches!(&e, IdTokenError::AzpMismatch { azp } if azp == "other"));
}

#[test]
fn rule_9_exp_with_leeway() {
    assert!(run(json!({"exp": NOW - 59})).is_ok());
    let e = fails(json!({"exp": NOW - 60}), "exp");
    assert!(
        matches!(e, IdTokenError::Expired { exp, now: NOW, iat: Some(NOW) } if exp == NOW - 60)
    );
    assert!(matches!(
        fails(json!({"exp": null}), "exp"),
        IdTokenError::ExpMissing
    ));
    assert!(matches!(
        fails(json!({"exp": "tomorrow"}), "format"),
        IdTokenError::ClaimType { claim: "exp" }
    ));
    // A custom leeway.
    assert!(matches!(
        run_with(json!({"exp": NOW}), |e| e.leeway = 0),
        Err(IdTokenError::Expired { .. })
    ));
    assert!(run_with(json!({"exp": NOW + 1}), |e| e.leeway = 0).is_ok());
    // Fractional NumericDate.
    assert!(run(json!({"exp": (NOW + 10) as f64 + 0.5})).is_ok());
}

#[test]
fn nbf_with_leeway() {
    assert!(run(json!({"nbf": NOW + 60})).is_ok());
    assert!(run(json!({"nbf": null})).is_ok());
    let e = fails(json!({"nbf": NOW + 61}), "nbf");
    assert!(matches!(e, IdTokenError::NotYetValid { nbf, .. } if nbf == NOW + 61));
}

#[test]
fn rule_10_iat() {
    assert!(run(json!({"iat": NOW + 60})).is_ok());
    assert!(run(json!({"iat": NOW - 86_400})).is_ok());
    let e = fails(json!({"iat": NOW + 61}), "iat");
    assert!(matches!(e, IdTokenError::IssuedInFuture { iat, .. } if iat == NOW + 61));
    assert!(matches!(
        fails(json!({"iat": null}), "iat"),
        IdTokenError::IatMissing
    ));
}

#[test]
fn rule_11_nonce() {
    assert!(matches!(
        fails(json!({"nonce": null}), "nonce"),
        IdTokenError::NonceMissing
    ));
    assert!(matches!(
        fails(json!({"nonce": "other"}), "nonce"),
        IdTokenError::NonceMismatch
    ));
    let mut near = NONCE.to_owned();
    near.pop();
    assert!(matches!(
        fails(json!({"nonce": near}), "nonce"),
        IdTokenError::NonceMismatch
    ));
}

#[test]
fn rule_13_auth_time_with_max_age() {
    // Without max_age, auth_time is not required.
    assert!(run(json!({"auth_time": null})).is_ok());
    assert!(run_with(json!({}), |e| e.max_age = Some(900)).is_ok());
    assert!(run_with(json!({}), |e| e.max_age = Some(841)).is_ok());
    let e = run_with(json!({}), |e| e.max_age = Some(839)).unwrap_err();
    assert!(matches!(e, IdTokenError::AuthTooOld { max_age: 839, .. }));
    assert_eq!(e.rule(), "auth_time");
    let e = run_with(json!({"auth_time": null}), |e| e.max_age = Some(900)).unwrap_err();
    assert!(matches!(e, IdTokenError::AuthTimeMissing));
}

#[test]
fn at_hash_rule() {
    assert!(run(json!({"at_hash": null})).is_ok());
    assert!(run_with(json!({"at_hash": null}), |e| e.access_token = None).is_ok());
    assert!(matches!(
        fails(json!({"at_hash": at_hash("another token")}), "at_hash"),
        IdTokenError::AtHashMismatch
    ));
    let e = run_with(json!({}), |e| e.access_token = None).unwrap_err();
    assert!(matches!(e, IdTokenError::AtHashUnchecked));
    assert_eq!(e.rule(), "at_hash");
    // ES256 also uses SHA-256's left half.
    let ctx = Ctx::new();
    assert!((ctx.expect())
        .validate(&es256(&good_claims()), &default_jwks(), &JwtCompactVerifier)
        .is_ok());
}

#[test]
fn at_hash_of_the_seed_access_token() {
    // A real IdentityServer4 sign-in pairs an access token with an ID token whose
    // at_hash is "HQOQAQgovUmQ8SfBdT-yoQ": the same left-half computation must reproduce it.
    const SEED_ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjVCMjc5MjBFNjUzREQ3QUM2N0QyRjY0QjMyQTE3OTkyIiwidHlwIjoiYXQrand0In0.eyJuYmYiOjE3NjY0OTQzOTQsImV4cCI6MTc2NjQ5Nzk5NCwiaXNzIjoiaHR0cHM6Ly9lMS1kZXYubG9jYWwvaWQiLCJhdWQiOlsiRG9tYWluQVBJIiwiVGFibGVBUEkiLCJPTEFQIiwiQXBwU2VydmVyIiwiaHR0cHM6Ly9lMS1kZXYubG9jYWwvaWQvcmVzb3VyY2VzIl0sImNsaWVudF9pZCI6IlBLIiwic3ViIjoiYWRtaW4iLCJhdXRoX3RpbWUiOjE3NjY0OTM0OTUsImlkcCI6ImxvY2FsIiwiaWQiOiI5ZGE2NDgzOS1hOGQwLTQ5MWQtYWViYi00ZDE4ZmE0MmIwMTQiLCJuYW1lIjoiSm9obiBEb2UiLCJlbWFpbCI6ImFkbWluQG1haWwuY29tIiwidXNlcl90eXBlIjoiSW50ZXJuYWxVc2VyIiwiaXNfYWRtaW4iOiJ0cnVlIiwiZW1haWxfdmVyaWZpZWQiOiJmYWxzZSIsImRiIjoiRTFfREVWLTEgVGVzdCIsImxvY2FsZSI6ImJnIiwianRpIjoiNUIyNzBBRDU2RDA5OTU1QzQ0Qzg0NjdFODI0NkM4ODEiLCJzaWQiOiJEMUZGRURGRTRDQjMyMzAwRDI2QzI2NUI5QkQzNzRGQiIsImlhdCI6MTc2NjQ5NDM5NCwic2NvcGUiOlsib3BlbmlkIiwicHJvZmlsZSIsInJlYWQiLCJ1cGRhdGUiXSwiYW1yIjpbInB3ZCJdfQ.VeTP6xc1tKxqybNxficqpNz2zvpgJ-zn0evArsYd7oJYTmEqWOiCa4cfM5w4NSpUr_TuSqcrs4o3TO0-aJYvhJ2l3-NhjSDtQTeevHLGw78V_xh5EDVS0JEhhCqNrl0tABXEa5Sn-bNNEc2UDIDlsEy0LPAKIbL9p2iCgZu1jPJcvZoVR_P3l9K0SjDm-DE_OHNEqju_hX7uV70J7O7ZiSoleaJVWK2l26YcwoII0VxtP-rOpUOIQx1RBCGMSFg4W5sUGvfj0MLnt1aMztQ2iI2Ai8pqyxq09te_UQOTSUxcpwHbsBcROCFc1Lb8s-uKwpPf8WkoZpOMtJg18gLe8Q";
    assert_eq!(at_hash(SEED_ACCESS_TOKEN), "HQOQAQgovUmQ8SfBdT-yoQ");
}

#[test]
fn sub_rule() {
    assert!(matches!(
        fails(json!({"sub": null}), "sub"),
        IdTokenError::SubMissing
    ));
    assert!(matches!(
        fails(json!({"sub": ""}), "sub"),
        IdTokenError::SubMissing
    ));
    assert!(matches!(
        fails(json!({"sub": 12}), "format"),
        IdTokenError::ClaimType { claim: "sub" }
    ));
}

#[test]
fn rules_apply_in_order() {
    // Several faults at once: the earliest rule is reported.
    let e = fails(
        json!({"iss": "https://evil", "aud": "x", "exp": 1, "nonce": "n", "sub": null}),
        "iss",
    );
    assert!(matches!(e, IdTokenError::IssMismatch { .. }));
    let e = fails(json!({"aud": "x", "exp": 1, "nonce": "n"}), "aud");
    assert!(matches!(e, IdTokenError::AudMismatch { .. }));
    let e = fails(json!({"exp": 1, "nonce": "n"}), "exp");
    assert!(matches!(e, IdTokenError::Expired { .. }));
    // A bad signature beats every claim fault: claims of unverified payloads are never read.
    let t = rs256(&claims_with(json!({"iss": "https://evil"})));
    let (input, _) = t.secret().rsplit_once('.').unwrap();
    let forged = erpnet_instance_id::IdToken::new(format!("{input}.{}", b64([0u8; 256])));
    let ctx = Ctx::new();
    let e = (ctx.expect())
        .validate(&forged, &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert_eq!(e.rule(), "signature");
}
