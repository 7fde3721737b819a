//! Test keys and token builders. The keys were generated once (RSA 2048 twice, RSA 1024, P-256
//! twice) and are embedded as private JWKs, because RSA key generation in a debug build is slow.
//! Tokens are always built here, at test time, with jwt-compact and these keys.

#![allow(dead_code)]

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use erpnet_instance_id::{
    allowed_algorithms, parse_jwks, AccessToken, AsyncSignatureVerifier, ClientId, ClockOffset,
    HttpResponse, IdToken, IdTokenClaims, IdTokenError, IdTokenVerifier, IssuerUrl, JwkSet, Nonce,
    SignatureVerifier, DEFAULT_LEEWAY_SECS,
};
use jwt_compact::alg::{Es256, Hs256, Hs256Key, Rsa, RsaPrivateKey};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{Algorithm, AlgorithmSignature};
use serde_json::{json, Value};

pub type EcSigningKey = <Es256 as Algorithm>::SigningKey;

pub const RSA_A: &str = r#"{"kty":"RSA","n":"sF_Rij6DFy25tYYHfdoLvBdzK34zCf8JwGVPXhhL4K5qG3gSdgfHWRsLNJvW41uwBUxeNB4aYaju33bHWUYIysnwt_4LqX3YO_sTj3ZalLiVSWW9zZjyEP6y77pTk2tTf-tnyPYFYOrN79XPeYS1TR3fQk_0e3WwGXpaflYNDC2OZ32eq5uaW3en6Vx80MS1MeB_FR2uhT1pkcHqh_cVKRCla5bctRiGFsp4bhXIcCPhfRYywTILI0zubtpAZc_E9eDfxGrdBatykWErDXSvZXX7NMBoNSdNV6sCeDEdUdDmGBUtu1yLVbRW01Ou-kI-Xwoh4wZNNgz00WXidGhuxw","e":"AQAB","d":"C9Zae2NHrBITETZOIWm1eOm__o7JQSX_UwzZn1CVIx7Bm1dbMdXC0N2qSl0dNoQsU6a0-d19WsmaQqA3r-ut4mJcSBUCVl1OWnQ28113pdyflF4CN57IvFBD1SgVvOKqp362p_uvD7qimLKqapb4DhVvqwUvvOuApq0aDrmaxZLaa1LJ-oECYbD_FCelRoKwMaR24bt3roUu7N3bPny5fYOEldRrb7hEOTeJWC4sMrPO00lnxOLcee4VgZBaNI5XBop0dAjRvx5tiQHtciHJzaRy4tgmf-1D_KXysVfJRKRcZmqbJcuLKhQABjLj-keSZhxmwRSH7iqWZQS9KJj8WQ","p":"8EeML-npfC2ZjtohTrVIfwiw_z_3M6S-SoetmttfKzDF1cJOnqhEYAyx0e5LAHgYeX5BZfzDTXRas6RSizYGCd2GTjGZYLwmCNa8a8tx6hp8h7CpN9DXjEmNI0w97eUIpit_4_12vgxiW3ugm9E6TQjgXjeWPzlHJzfWaMjVlQk","q":"u-nren8OOopxxNU4XIOcLnWB_7CyHFuwMDwssPelcnfPxGEGSM8ubDPXQdscCagiIeLSpKY_V_z2R0RL1Oly3DCRGpwk0FzzSez2B0do8ox3OS5MmR8JP3HvsrBNPvCZ-hhZtwVql2J0K1jtPLTUGo_S0aOfQW0Z0EzQVKnZKU8","dp":"67YUhRBf10zYfjXoRNE8DDrXf58df1EWyABvwyF_K9yNxxP1klkZsmvhqUKt2wj1YYIE3-rlIL-LFv2VaDGYHOdvEJhBkY8hdLxLXSfYWUKgdXBNoI7EVT_2L_FkM1LieDjmHh-Q9AEsH_iYZyMKoXWavXKkduNWtNdnA6Y5OBk","dq":"WOosc__embCceIhzbMMRiaIsavIOtQBlc81lUC8959XtR3ypXpY53xUAi7bDo4Yc8G_FQAcx_c5CMiKMxyfXI30Pi8nKWZVBwP8Qwwz1CZ-RYksYD3PyCkU9KA3n3xo1oXMYMFOtxgfd9AzV5F2j5xWaqXuEhY68IiXWhdkAWl0","qi":"KcNY5QDlxzAkCjtPyS2dR8YcPS3_0eXWjbZ-2tQ9HdV-yBoNC0RJseGXclVpOw47SGNWqclIF_vMKVSf-gQw_PZ0IMBXax-VtnettOwEQWuBi_J1Vj1-mFvQYGl8dvnZPzh6d7Y-cDZZDhq4A-5MksLxN_zYW3vTlMQhbryTTaE"}"#;
pub const RSA_B: &str = r#"{"kty":"RSA","n":"zHbhjuBU-uuyr7VyY-03PEBNgxNspT5y-7xPdTvoP9_hIIaHaAzcGjre0v0-V-wYl6Mo673zb4hHLO0Ank5rOCWPiYUu4Y5Weu0Z3Froz5z2w0jqTiJpm2PgYCS5F5ZLjrpmiS-__K22KPGizzM9hLz7MkZg9T2q-19WyxRMcNtLY0L8pUhTkOkXoZH9Z53hQREfQZ3B24eAzsjBCTaxICVfBnzxiiH_yFlkkGHv62rODk6xmQeNpfuEPmkqHKJO96YoMNbsmCHSY1CBWq651EaCj7lItl45AcMQKESdB40cRu9C-sCrnqd8gChk5xlninruaXgZmrAc1eN6RDs9qQ","e":"AQAB","d":"GNWqvYA1ijnFPS7gm08VmbGkyJI8LNEKRdXgX9i8M7_1eA4nFcYUGPKEHKQKZcMFVKvKfWHX1vj6TjRmUhQr1UjIp7c_08FGc01nyfpX01nZJiyt2vo2kht-RidHvRvyBv7QlAKzAtW1rcD12c17QCt1Jmzie383TKuOnwGS7FUav_SUand2Sbdz1ExhWHQVdi5pN-fy7h9MPzYAZitGy0ACEo1YskT1_GobkoKu7z5NhyatWjU2sANf9F7AiVdQE_Z_c-aXUiDCQpFSRfIvpIl921Tk2wCOZDY8XD0s19HhAN_4q63s3HQSzWgb4veGhlP0I9RlEa8Cah3NkHi-IQ","p":"-yAm1tVF-l2Xa6V35ZRr4LGcTW-SmRjGDIsz80qM_7Ia4bcsAn3KhQsnxMpUzAm3nG-IKh4D5cX-xQwy_fOm24dH9opO5OL5Ct4DH5wBZQWFmr_AAOtwn_nRT0MCc47PLD-TY5TwL7iurbjiBDrOTwv4x3qZxAlCzJNQx5Cl_3E","q":"0G7ea86MwYmEABtShVWdFLldWJ_HzkjxcNa0Tweaifoabi08xxYALGjqhOyosugZpW3alrpb4ainhDL8Hnkc-ulHPhuPN_8fz3YzXJMYBL8m1uLNpEFkPRoHt2CGmns4Gi6cV_GgQlHzVRQPLIgRcxOyyWlMudsaQfgRYLF3dbk","dp":"AWj8ztgDvJQp9YDIW5GpyWk153lo6VMqSYe-ku8oO4dUf0_3_0uVh4m4f3JjZ4HmdgpqSVJB01h5RcH7x1FG7pSj4s6EAuUDYPw-KD9IArk1Ntk8ysSHrV5Jvpgxu1Rh9W2l9jkv4BS5ZmBTZJKv9eGrU_NsSZ2DsoJhQb2eMQE","dq":"nqnG5on0296yfOJPju_9AymXxT7b-kvMfvjxiLdhDGc2d2g4O9SjjSrQWx9Ly-SioStemh6CkuSvoBKvmQLY7Kdnc__GpfmvXV28-1t9jR91kV5U7BRbGagW96Ci1jW2HzgcC1YDiHiZosoCQwPRRKhaELf3kAMZmd4cXF67cQE","qi":"giF3C_W3yEQ3bA-6_o-Hpj0CgCSw42MPL6p603dgZY1dfMTzb7v3DJtR3oNkW0_WrmnvG6srWm4PVQD44vhpCKWPK92yeCMPVoXYHccdHeYAx2mDbU5f9-6wW7Y1r0-H9k_3jamHri68GU6bXKKnw7ia91fuqcgZgYZt_ZpRbcQ"}"#;
pub const RSA_WEAK: &str = r#"{"kty":"RSA","n":"pBZTuHpiDPw6YMmfQ22dcsFN6uJwa2ZnYJkjtURgYc_j9L2YWwyOxDopzZCliRvkx5L0OqhoMTDjEH71Lswt9WZaQxLECAj9ojl5OiRuSzLkEzr96TbQ08m3A1qx012Jg7u1xcl2PxHqHlHQPvPn6m9ZICW5WNPAZt4YCemjzcE","e":"AQAB","d":"RZnu40aORsHKpXmAo-JgMegK_AIW-4eRfCkZO2-IjpTXNd4iPSTDfjrJtpePj-wUDA-qpyL-Jzd8aWfg6nvTViF-hgeS3_VtgAhJENiE0KQ1RlhMxCsdQR2KcFKdcCamfmfmovBMxHOUVkBPp9JzAOfZtDC5Cop-3rl_JDvzJ40","p":"15QRtk39yI6jy07JN6VXbaL7p9wW_ZQbX31yiKOMhVU4vaa0xq9nOo7OwZsimnpAHzafNUQ-_BFJ005HqknJmw","q":"wtqkH1U24n9252tYPVILaz8ie2im-F2HoLMy70TQex02-krAUDL-2OMnXpJu42hsD9BSjxt6FJj5GvqM48-Z0w","dp":"asEyfDrnABhS2G0ti9bfErXxNVDyOaTMYV84Bp4nCigHrzMMto9J6V-q14lBe4oqkspz0Ob44c6V5oQPTS65HQ","dq":"okefimzY4fgQWhnfimprEi2plSgKbyzOCPtVf0pLa01gfUGGOwTNlGpSXoQMEB7maKEyMPdMTB0-0cY7UnuSew","qi":"ooghQqQ-BtqbW9PIMhsU0rf1a3FwN2i3a90e8BMQyRQk_GNdh5281dtAr7cac9bBqNvmAHySpwSd4Vr66-K9jA"}"#;
pub const EC_A: &str = r#"{"kty":"EC","crv":"P-256","x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg","y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU","d":"W-BQrbZTxBG8BNoIXRKXE0DmR2Vgdweb9-bnR2IHJcc"}"#;
pub const EC_B: &str = r#"{"kty":"EC","crv":"P-256","x":"n4JsvBZhAWdV3A5Ri8gQktgwKsDGr_LXSngmEt94JwM","y":"ZhemnfelzT3XJ4fOmuXR98vPGUO8HoXLKf1pLjcGkWE","d":"U-uLyIFIT9QTzyECxhMzcHYnyc54sKscXb2F0gUZpDs"}"#;

pub const ISSUER: &str = "https://x.my.erp.net/id";
pub const CLIENT_ID: &str = "spa.example.com";
pub const NOW: u64 = 1_766_494_394;
pub const NONCE: &str = "ZTRjOTM2M2Y0ODFhNGQ0NGE4NmU1N2ExYjY2NjE3ZmQ";
pub const ACCESS_TOKEN: &str = "an-opaque-or-jwt-access-token";

pub struct Keys {
    pub rsa_a: RsaPrivateKey,
    pub rsa_b: RsaPrivateKey,
    pub rsa_weak: RsaPrivateKey,
    pub ec_a: EcSigningKey,
    pub ec_b: EcSigningKey,
}

fn jwk(json: &str) -> JsonWebKey<'static> {
    serde_json::from_str(json).expect("test key JSON")
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        rsa_a: RsaPrivateKey::try_from(&jwk(RSA_A)).expect("RSA_A"),
        rsa_b: RsaPrivateKey::try_from(&jwk(RSA_B)).expect("RSA_B"),
        rsa_weak: RsaPrivateKey::try_from(&jwk(RSA_WEAK)).expect("RSA_WEAK"),
        ec_a: EcSigningKey::try_from(&jwk(EC_A)).expect("EC_A"),
        ec_b: EcSigningKey::try_from(&jwk(EC_B)).expect("EC_B"),
    })
}

/// The public half of a private test JWK, with `kid` and extra members.
pub fn public_jwk(private_json: &str, kid: Option<&str>, extra: Value) -> Value {
    let mut v: Value = serde_json::from_str(private_json).expect("test key JSON");
    let obj = v.as_object_mut().expect("object");
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        obj.remove(private);
    }
    if let Some(kid) = kid {
        obj.insert("kid".into(), kid.into());
    }
    if let Value::Object(extra) = extra {
        obj.extend(extra);
    }
    v
}

/// Parses a JWKS document through the crate's own parser.
pub fn jwks_of(keys: Vec<Value>) -> JwkSet {
    let body = json!({ "keys": keys }).to_string();
    parse_jwks(HttpResponse::json(body.as_bytes())).expect("test JWKS")
}

/// The issuer's usual key set: "rsa-a" (RSA, use sig) and "ec-a" (P-256).
pub fn default_jwks() -> JwkSet {
    jwks_of(vec![
        public_jwk(RSA_A, Some("rsa-a"), json!({"use": "sig", "alg": "RS256"})),
        public_jwk(EC_A, Some("ec-a"), json!({"use": "sig"})),
    ])
}

/// How to sign a hand-made token.
pub enum Signer<'a> {
    Rs256(&'a RsaPrivateKey),
    Ps256(&'a RsaPrivateKey),
    Es256(&'a EcSigningKey),
    Hs256(&'a [u8]),
    /// An empty signature (for `alg: none`).
    Empty,
    /// These exact signature bytes.
    Raw(Vec<u8>),
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `base64url(header).base64url(claims).base64url(signature)`, signed by hand.
pub fn sign(header: &Value, claims: &Value, signer: Signer<'_>) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let sig: Vec<u8> = match signer {
        Signer::Rs256(k) => Rsa::rs256()
            .sign(k, input.as_bytes())
            .as_bytes()
            .into_owned(),
        Signer::Ps256(k) => Rsa::ps256()
            .sign(k, input.as_bytes())
            .as_bytes()
            .into_owned(),
        Signer::Es256(k) => Es256.sign(k, input.as_bytes()).as_bytes().into_owned(),
        Signer::Hs256(secret) => Hs256
            .sign(&Hs256Key::new(secret), input.as_bytes())
            .as_bytes()
            .into_owned(),
        Signer::Empty => Vec::new(),
        Signer::Raw(bytes) => bytes,
    };
    format!("{input}.{}", b64(sig))
}

/// Claims that pass every rule with [`expectations`].
pub fn good_claims() -> Value {
    json!({
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "admin",
        "name": "John Doe",
        "email": "admin@mail.com",
        "nonce": NONCE,
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + 300,
        "auth_time": NOW - 900,
        "at_hash": at_hash(ACCESS_TOKEN),
        "sid": "D1FFEDFE4CB32300D26C265B9BD374FB",
        "amr": ["pwd"],
    })
}

pub fn at_hash(access_token: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(access_token.as_bytes());
    b64(&d[..16])
}

/// `good_claims()` with `patch` applied: `null` removes a claim, anything else sets it.
pub fn claims_with(patch: Value) -> Value {
    let mut c = good_claims();
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

pub fn rs256(claims: &Value) -> IdToken {
    IdToken::new(sign(
        &json!({"alg": "RS256", "kid": "rsa-a", "typ": "JWT"}),
        claims,
        Signer::Rs256(&keys().rsa_a),
    ))
}

pub fn es256(claims: &Value) -> IdToken {
    IdToken::new(sign(
        &json!({"alg": "ES256", "kid": "ec-a"}),
        claims,
        Signer::Es256(&keys().ec_a),
    ))
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

/// What one test expects of an ID token: the verifier's settings and the per-call values, in
/// one owned value that a test can tweak field by field before validating.
#[derive(Clone)]
pub struct Expect {
    pub issuer: String,
    pub client_id: String,
    pub nonce: Nonce,
    pub now: u64,
    pub clock_offset: ClockOffset,
    pub leeway: u64,
    pub advertised_algs: Vec<String>,
    pub trusted_audiences: Vec<String>,
    pub access_token: Option<AccessToken>,
    pub max_age: Option<u64>,
}

impl Expect {
    /// The verifier these settings describe, with `jwks`.
    pub fn verifier(&self, jwks: &JwkSet) -> IdTokenVerifier {
        IdTokenVerifier::new_public_client(
            ClientId::new(self.client_id.as_str()).expect("test client id"),
            IssuerUrl::new(self.issuer.as_str()).expect("test issuer"),
            jwks.clone(),
        )
        .set_allowed_algs(allowed_algorithms(&self.advertised_algs))
        .set_clock_offset(self.clock_offset)
        .set_leeway_secs(self.leeway)
        .set_max_age(self.max_age)
        .set_trusted_audiences(self.trusted_audiences.clone())
    }

    /// [`IdTokenVerifier::verify`] with these settings.
    pub fn validate(
        &self,
        token: &IdToken,
        jwks: &JwkSet,
        signatures: &dyn SignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        self.verifier(jwks).verify(
            token,
            &self.nonce,
            self.access_token.as_ref(),
            self.now,
            signatures,
        )
    }

    /// [`IdTokenVerifier::verify_async`] with these settings.
    pub async fn validate_async(
        &self,
        token: &IdToken,
        jwks: &JwkSet,
        signatures: &impl AsyncSignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        self.verifier(jwks)
            .verify_async(
                token,
                &self.nonce,
                self.access_token.as_ref(),
                self.now,
                signatures,
            )
            .await
    }
}

/// Expectations that `good_claims()` meets (with the access token for at_hash).
pub fn expectations(nonce: &Nonce, algs: &[String], access: &AccessToken) -> Expect {
    Expect {
        issuer: ISSUER.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        nonce: nonce.clone(),
        now: NOW,
        clock_offset: ClockOffset::ZERO,
        leeway: DEFAULT_LEEWAY_SECS,
        advertised_algs: algs.to_vec(),
        trusted_audiences: Vec::new(),
        access_token: Some(access.clone()),
        max_age: None,
    }
}

/// What a refreshed ID token is checked against (OIDC Core 12.2), owned and tweakable.
#[derive(Clone)]
pub struct RefreshExpect {
    pub original: IdTokenClaims,
    pub client_id: String,
    pub now: u64,
    pub clock_offset: ClockOffset,
    pub leeway: u64,
    pub advertised_algs: Vec<String>,
    pub access_token: Option<AccessToken>,
}

impl RefreshExpect {
    /// Defaults: no clock offset, the default leeway, no access token.
    pub fn new(original: &IdTokenClaims, client_id: &str, now: u64, algs: &[String]) -> Self {
        RefreshExpect {
            original: original.clone(),
            client_id: client_id.to_owned(),
            now,
            clock_offset: ClockOffset::ZERO,
            leeway: DEFAULT_LEEWAY_SECS,
            advertised_algs: algs.to_vec(),
            access_token: None,
        }
    }

    /// The verifier these settings describe, with `jwks` (the issuer is the original's).
    pub fn verifier(&self, jwks: &JwkSet) -> IdTokenVerifier {
        IdTokenVerifier::new_public_client(
            ClientId::new(self.client_id.as_str()).expect("test client id"),
            IssuerUrl::new(self.original.iss.as_str()).expect("test issuer"),
            jwks.clone(),
        )
        .set_allowed_algs(allowed_algorithms(&self.advertised_algs))
        .set_clock_offset(self.clock_offset)
        .set_leeway_secs(self.leeway)
    }

    /// [`IdTokenVerifier::verify_refreshed`] with these settings.
    pub fn validate(
        &self,
        token: &IdToken,
        jwks: &JwkSet,
        signatures: &dyn SignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        self.verifier(jwks).verify_refreshed(
            token,
            &self.original,
            self.access_token.as_ref(),
            self.now,
            signatures,
        )
    }

    /// [`IdTokenVerifier::verify_refreshed_async`] with these settings.
    pub async fn validate_async(
        &self,
        token: &IdToken,
        jwks: &JwkSet,
        signatures: &impl AsyncSignatureVerifier,
    ) -> Result<IdTokenClaims, IdTokenError> {
        self.verifier(jwks)
            .verify_refreshed_async(
                token,
                &self.original,
                self.access_token.as_ref(),
                self.now,
                signatures,
            )
            .await
    }
}
