//! The issuer's signing keys (JWKS, RFC 7517) and the choice of key for a token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::algorithm::JwsAlgorithm;
use crate::http::HttpResponse;
use crate::quoted::Quoted;

/// The public material of a signing key.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwkMaterial {
    /// An RSA public key (`kty` `RSA`): modulus and exponent, big-endian.
    Rsa {
        /// The modulus `n`.
        n: Vec<u8>,
        /// The public exponent `e`.
        e: Vec<u8>,
    },
    /// A P-256 public key (`kty` `EC`, `crv` `P-256`): affine coordinates, 32 bytes each.
    EcP256 {
        /// The `x` coordinate.
        x: Vec<u8>,
        /// The `y` coordinate.
        y: Vec<u8>,
    },
}

impl std::fmt::Debug for JwkMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwkMaterial::Rsa { n, .. } => write!(f, "Rsa({} bits)", n.len() * 8),
            JwkMaterial::EcP256 { .. } => f.write_str("EcP256"),
        }
    }
}

/// One public signing key from the issuer's JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawJwk", into = "RawJwk")]
pub struct Jwk {
    /// `kid`, if the key has one.
    pub kid: Option<String>,
    /// `use`, if present (only keys without `use` or with `use` `sig` are kept).
    pub key_use: Option<String>,
    /// `alg`, if present: the key may then only verify that algorithm.
    pub alg: Option<String>,
    /// `key_ops`, if present: the key may then only verify when it lists `verify`.
    pub key_ops: Option<Vec<String>>,
    /// The key material.
    pub material: JwkMaterial,
}

impl Jwk {
    /// Whether this key may verify a signature made with `alg`: the key type fits the
    /// algorithm (RSA for RS256/PS256, P-256 for ES256), and `use`, `key_ops` and `alg`, when
    /// present, allow it.
    pub fn allows(&self, alg: JwsAlgorithm) -> bool {
        let type_fits = matches!(
            (&self.material, alg),
            (
                JwkMaterial::Rsa { .. },
                JwsAlgorithm::Rs256 | JwsAlgorithm::Ps256
            ) | (JwkMaterial::EcP256 { .. }, JwsAlgorithm::Es256)
        );
        type_fits
            && self.key_use.as_deref().is_none_or(|u| u == "sig")
            && self
                .key_ops
                .as_ref()
                .is_none_or(|ops| ops.iter().any(|o| o == "verify"))
            && self.alg.as_deref().is_none_or(|a| a == alg.name())
    }
}

/// A JSON Web Key as it appears on the wire (only the members this crate reads).
#[derive(Serialize, Deserialize)]
struct RawJwk {
    kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    key_use: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_ops: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    y: Option<String>,
}

impl TryFrom<RawJwk> for Jwk {
    type Error = &'static str;

    fn try_from(raw: RawJwk) -> Result<Self, Self::Error> {
        let b64 = |v: Option<String>| -> Result<Vec<u8>, &'static str> {
            let v = v.ok_or("missing key parameter")?;
            URL_SAFE_NO_PAD
                .decode(v.trim_end_matches('='))
                .map_err(|_| "key parameter is not base64url")
        };
        let material = match raw.kty.as_str() {
            "RSA" => {
                let n = b64(raw.n)?;
                let e = b64(raw.e)?;
                if n.is_empty() || e.is_empty() {
                    return Err("empty RSA parameter");
                }
                JwkMaterial::Rsa { n, e }
            }
            "EC" if raw.crv.as_deref() == Some("P-256") => {
                let x = b64(raw.x)?;
                let y = b64(raw.y)?;
                if x.len() != 32 || y.len() != 32 {
                    return Err("P-256 coordinates must be 32 bytes");
                }
                JwkMaterial::EcP256 { x, y }
            }
            _ => return Err("unsupported key type or curve"),
        };
        Ok(Jwk {
            kid: raw.kid,
            key_use: raw.key_use,
            alg: raw.alg,
            key_ops: raw.key_ops,
            material,
        })
    }
}

impl From<Jwk> for RawJwk {
    fn from(k: Jwk) -> Self {
        let enc = |b: &[u8]| Some(URL_SAFE_NO_PAD.encode(b));
        let (kty, crv, n, e, x, y) = match &k.material {
            JwkMaterial::Rsa { n, e } => ("RSA", None, enc(n), enc(e), None, None),
            JwkMaterial::EcP256 { x, y } => {
                ("EC", Some("P-256".to_owned()), None, None, enc(x), enc(y))
            }
        };
        RawJwk {
            kty: kty.to_owned(),
            kid: k.kid,
            key_use: k.key_use,
            alg: k.alg,
            key_ops: k.key_ops,
            crv,
            n,
            e,
            x,
            y,
        }
    }
}

/// The issuer's usable signing keys.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JwkSet {
    /// The keys, in document order.
    pub keys: Vec<Jwk>,
}

/// Why a JWKS response was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// The response status was not 2xx.
    #[error("JWKS request answered with HTTP status {status}")]
    HttpStatus {
        /// The status received.
        status: u16,
    },
    /// The response was not JSON.
    #[error("JWKS response is not JSON (Content-Type {})", Quoted(.content_type))]
    NotJson {
        /// The `Content-Type` received.
        content_type: Option<String>,
    },
    /// The body is not a JSON object with a `keys` array.
    #[error("JWKS response is not a valid key set: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// No key in the set is usable (RSA or EC P-256, for signatures).
    #[error("the JWKS holds no usable signing key ({skipped} skipped)")]
    NoUsableKeys {
        /// How many keys were skipped.
        skipped: usize,
    },
}

impl JwksError {
    /// The stable error code: always `"discovery_failed"`.
    pub fn code(&self) -> &'static str {
        "discovery_failed"
    }
}

#[derive(Deserialize)]
struct RawJwkSet {
    keys: Vec<serde_json::Value>,
}

/// Parses the JWKS response.
///
/// Keys of another type or curve (e.g. `oct`, `OKP`, `secp256k1`), keys whose `use` is not
/// `sig`, and keys with malformed material are skipped, not fatal; a set left with no key is
/// [`JwksError::NoUsableKeys`]. `alg` and `key_ops` are kept and respected when a key is chosen.
pub fn parse_jwks(resp: HttpResponse<'_>) -> Result<JwkSet, JwksError> {
    if !resp.is_success() {
        return Err(JwksError::HttpStatus {
            status: resp.status,
        });
    }
    if !resp.is_json() {
        return Err(JwksError::NotJson {
            content_type: resp.content_type.map(str::to_owned),
        });
    }
    let raw: RawJwkSet = serde_json::from_slice(resp.body).map_err(JwksError::InvalidJson)?;
    let total = raw.keys.len();
    let keys: Vec<Jwk> = raw
        .keys
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Jwk>(v).ok())
        .filter(|k| k.key_use.as_deref().is_none_or(|u| u == "sig"))
        .collect();
    if keys.is_empty() {
        return Err(JwksError::NoUsableKeys { skipped: total });
    }
    Ok(JwkSet { keys })
}

/// Why no single key could be chosen for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyChoiceError {
    /// No key has this `kid`: the set may be stale, refetch it once.
    UnknownKid(String),
    /// Keys with this `kid` exist but none may verify the algorithm.
    KidNotUsable(String),
    /// The token has no `kid` and no key may verify the algorithm.
    NoCandidate,
    /// Several keys qualify and the token does not say which (no `kid`, or a `kid` shared by
    /// several suitable keys). Trying each in turn is deliberately not done.
    Ambiguous(usize),
}

impl JwkSet {
    /// Chooses the key for a token signed with `alg` and carrying `kid`.
    ///
    /// With a `kid`: the keys with exactly that `kid` that [`Jwk::allows`] `alg`; with none:
    /// every key that allows `alg`. Exactly one must remain.
    pub(crate) fn choose(
        &self,
        kid: Option<&str>,
        alg: JwsAlgorithm,
    ) -> Result<&Jwk, KeyChoiceError> {
        let candidates = self.keys.iter().filter(|k| match kid {
            Some(kid) => k.kid.as_deref() == Some(kid),
            None => true,
        });
        let mut named = 0usize;
        let mut chosen = None;
        let mut suitable = 0usize;
        for key in candidates {
            named += 1;
            if key.allows(alg) {
                suitable += 1;
                chosen.get_or_insert(key);
            }
        }
        match (kid, suitable, chosen) {
            (_, 1, Some(key)) => Ok(key),
            (Some(kid), 0, _) if named == 0 => Err(KeyChoiceError::UnknownKid(kid.to_owned())),
            (Some(kid), 0, _) => Err(KeyChoiceError::KidNotUsable(kid.to_owned())),
            (None, 0, _) => Err(KeyChoiceError::NoCandidate),
            (_, n, _) => Err(KeyChoiceError::Ambiguous(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: &str = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";

    fn resp(body: &str) -> HttpResponse<'_> {
        HttpResponse::json(body.as_bytes())
    }

    #[test]
    fn parses_rsa_and_ec_and_skips_the_rest() {
        let body = format!(
            r#"{{"keys":[
            {{"kty":"RSA","kid":"r1","use":"sig","alg":"RS256","n":"{N}","e":"AQAB"}},
            {{"kty":"EC","crv":"P-256","kid":"e1","x":"bCXy1Ffh-sNaaXaCKG54hmgJiRzo0PqCfD3JtkuxhUg","y":"rJ2Lp0VvoAeCCMfFWzQGFxrMnS8m6X0oKP-as8JswBU"}},
            {{"kty":"oct","k":"c2VjcmV0"}},
            {{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}},
            {{"kty":"OKP","crv":"Ed25519","x":"AA"}},
            {{"kty":"RSA","kid":"enc","use":"enc","n":"{N}","e":"AQAB"}},
            {{"kty":"RSA","kid":"bad","n":"***","e":"AQAB"}},
            {{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}},
            {{"no":"kty"}}
            ]}}"#
        );
        let set = parse_jwks(resp(&body)).unwrap();
        assert_eq!(set.keys.len(), 2);
        assert_eq!(set.keys[0].kid.as_deref(), Some("r1"));
        assert!(matches!(set.keys[1].material, JwkMaterial::EcP256 { .. }));
        let json = serde_json::to_string(&set).unwrap();
        assert!(json.contains("\"use\":\"sig\"") && json.contains("\"crv\":\"P-256\""));
        let back: JwkSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, set);
    }

    #[test]
    fn refuses_bad_responses() {
        assert!(matches!(
            parse_jwks(resp(r#"{"keys":[{"kty":"oct","k":"AA"}]}"#)),
            Err(JwksError::NoUsableKeys { skipped: 1 })
        ));
        assert!(matches!(
            parse_jwks(resp("[]")),
            Err(JwksError::InvalidJson(_))
        ));
        assert!(matches!(
            parse_jwks(HttpResponse {
                status: 503,
                content_type: None,
                body: b""
            }),
            Err(JwksError::HttpStatus { status: 503 })
        ));
        let e = parse_jwks(HttpResponse {
            status: 200,
            content_type: Some("text/plain"),
            body: b"{}",
        })
        .unwrap_err();
        assert!(matches!(e, JwksError::NotJson { .. }));
        assert_eq!(e.code(), "discovery_failed");
    }

    fn rsa(kid: Option<&str>, alg: Option<&str>) -> Jwk {
        Jwk {
            kid: kid.map(str::to_owned),
            key_use: None,
            alg: alg.map(str::to_owned),
            key_ops: None,
            material: JwkMaterial::Rsa {
                n: vec![1; 256],
                e: vec![1, 0, 1],
            },
        }
    }

    fn ec(kid: Option<&str>) -> Jwk {
        Jwk {
            kid: kid.map(str::to_owned),
            key_use: None,
            alg: None,
            key_ops: None,
            material: JwkMaterial::EcP256 {
                x: vec![0; 32],
                y: vec![0; 32],
            },
        }
    }

    #[test]
    fn key_choice() {
        use JwsAlgorithm::*;
        let set = JwkSet {
            keys: vec![
                rsa(Some("a"), None),
                rsa(Some("b"), Some("PS256")),
                ec(Some("c")),
            ],
        };
        assert_eq!(
            set.choose(Some("a"), Rs256).unwrap().kid.as_deref(),
            Some("a")
        );
        assert_eq!(
            set.choose(Some("b"), Ps256).unwrap().kid.as_deref(),
            Some("b")
        );
        assert_eq!(
            set.choose(Some("b"), Rs256),
            Err(KeyChoiceError::KidNotUsable("b".into()))
        );
        assert_eq!(
            set.choose(Some("c"), Rs256),
            Err(KeyChoiceError::KidNotUsable("c".into()))
        );
        assert_eq!(
            set.choose(Some("z"), Rs256),
            Err(KeyChoiceError::UnknownKid("z".into()))
        );
        assert_eq!(set.choose(None, Es256).unwrap().kid.as_deref(), Some("c"));
        assert_eq!(set.choose(None, Ps256), Err(KeyChoiceError::Ambiguous(2)));
        let one = JwkSet {
            keys: vec![rsa(None, None), ec(None)],
        };
        assert!(one.choose(None, Rs256).is_ok());
        assert!(one.choose(Some("x"), Rs256).is_err());
        let empty = JwkSet {
            keys: vec![ec(None)],
        };
        assert_eq!(empty.choose(None, Rs256), Err(KeyChoiceError::NoCandidate));
        let dup = JwkSet {
            keys: vec![rsa(Some("d"), None), rsa(Some("d"), None)],
        };
        assert_eq!(
            dup.choose(Some("d"), Rs256),
            Err(KeyChoiceError::Ambiguous(2))
        );
        let mut enc = rsa(Some("u"), None);
        enc.key_use = Some("enc".into());
        let mut ops = rsa(Some("o"), None);
        ops.key_ops = Some(vec!["encrypt".into()]);
        let set = JwkSet {
            keys: vec![enc, ops],
        };
        assert!(set.choose(Some("u"), Rs256).is_err());
        assert!(set.choose(Some("o"), Rs256).is_err());
    }
}
