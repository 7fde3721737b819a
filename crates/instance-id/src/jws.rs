//! JWS algorithms and the signature seam: the core states what must be verified, a
//! [`SignatureVerifier`] answers.

use crate::jwks::{Jwk, JwkMaterial};

/// The JWS algorithms this crate accepts for ID tokens (the allow-list). `none` and every HMAC
/// algorithm are refused by construction: they have no variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwsAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PSS with SHA-256 and MGF1 with SHA-256.
    Ps256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
}

impl JwsAlgorithm {
    /// Every algorithm of the allow-list.
    pub const ALL: [JwsAlgorithm; 3] = [
        JwsAlgorithm::Rs256,
        JwsAlgorithm::Ps256,
        JwsAlgorithm::Es256,
    ];

    /// The `alg` header value: `"RS256"`, `"PS256"` or `"ES256"`.
    pub fn name(self) -> &'static str {
        match self {
            JwsAlgorithm::Rs256 => "RS256",
            JwsAlgorithm::Ps256 => "PS256",
            JwsAlgorithm::Es256 => "ES256",
        }
    }

    /// The algorithm named by an `alg` header value (exact, case-sensitive), if allowed.
    pub fn from_name(name: &str) -> Option<Self> {
        JwsAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// What a [`SignatureVerifier`] answers when a signature is not accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature does not verify under the key.
    #[error("the signature does not verify")]
    Invalid,
    /// The signature bytes cannot be a signature of this algorithm (e.g. an ES256 signature
    /// that is not 64 bytes).
    #[error("the signature is malformed for {alg:?}")]
    Malformed {
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// The key's type does not fit the algorithm.
    #[error("the key does not fit {alg:?}")]
    KeyUnsuitable {
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// An RSA key shorter than 2048 bits (RFC 7518 3.3).
    #[error("RSA key of {bits} bits is too short (2048 at least)")]
    WeakKey {
        /// The modulus length.
        bits: usize,
    },
    /// The key material is not a valid key.
    #[error("the key is not valid: {0}")]
    KeyRejected(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The verifying backend failed (e.g. WebCrypto unavailable).
    #[error("the signature backend failed: {0}")]
    Backend(String),
}

/// The signature seam. The core chooses the algorithm and the key and names the exact bytes;
/// an implementation answers whether `signature` is a valid `alg` signature of `signing_input`
/// under `key`. Claim rules never depend on the implementation.
///
/// [`JwtCompactVerifier`] is the implementation this crate ships and tests with. An
/// asynchronous implementation (WebCrypto) does not implement this trait: it takes the values
/// from a [`crate::SignatureCheck`] and reports its answer with
/// [`crate::SignatureCheck::conclude`].
pub trait SignatureVerifier {
    /// `Ok(())` only when the signature verifies.
    fn verify(
        &self,
        alg: JwsAlgorithm,
        key: &Jwk,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError>;
}

/// Pure-Rust RS256, PS256 and ES256 verification by `jwt-compact` (with the `rsa` and `p256`
/// crates). RSA keys must have at least 2048 bits.
#[derive(Debug, Clone, Copy, Default)]
pub struct JwtCompactVerifier;

fn rsa_bits(n: &[u8]) -> usize {
    let n = match n.iter().position(|&b| b != 0) {
        Some(i) => &n[i..],
        None => return 0,
    };
    n.len() * 8 - n[0].leading_zeros() as usize
}

impl SignatureVerifier for JwtCompactVerifier {
    fn verify(
        &self,
        alg: JwsAlgorithm,
        key: &Jwk,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        use jwt_compact::alg::{Es256, Rsa, RsaPublicKey, RsaSignature};
        use jwt_compact::jwk::JsonWebKey;
        use jwt_compact::{Algorithm, AlgorithmSignature};
        use std::borrow::Cow;

        let verified = match (alg, &key.material) {
            (JwsAlgorithm::Rs256 | JwsAlgorithm::Ps256, JwkMaterial::Rsa { n, e }) => {
                let bits = rsa_bits(n);
                if bits < 2048 {
                    return Err(SignatureError::WeakKey { bits });
                }
                let jwk = JsonWebKey::Rsa {
                    modulus: Cow::Borrowed(n),
                    public_exponent: Cow::Borrowed(e),
                    private_parts: None,
                };
                let public = RsaPublicKey::try_from(&jwk)
                    .map_err(|err| SignatureError::KeyRejected(Box::new(err)))?;
                let rsa = if alg == JwsAlgorithm::Rs256 {
                    Rsa::rs256()
                } else {
                    Rsa::ps256()
                };
                let sig = RsaSignature::try_from_slice(signature)
                    .map_err(|_| SignatureError::Malformed { alg })?;
                rsa.verify_signature(&sig, &public, signing_input)
            }
            (JwsAlgorithm::Es256, JwkMaterial::EcP256 { x, y }) => {
                let jwk = JsonWebKey::EllipticCurve {
                    curve: Cow::Borrowed("P-256"),
                    x: Cow::Borrowed(x),
                    y: Cow::Borrowed(y),
                    secret: None,
                };
                let public = <Es256 as Algorithm>::VerifyingKey::try_from(&jwk)
                    .map_err(|err| SignatureError::KeyRejected(Box::new(err)))?;
                if signature.len() != 64 {
                    return Err(SignatureError::Malformed { alg });
                }
                let sig = <Es256 as Algorithm>::Signature::try_from_slice(signature)
                    .map_err(|_| SignatureError::Malformed { alg })?;
                Es256.verify_signature(&sig, &public, signing_input)
            }
            _ => return Err(SignatureError::KeyUnsuitable { alg }),
        };
        if verified {
            Ok(())
        } else {
            Err(SignatureError::Invalid)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in JwsAlgorithm::ALL {
            assert_eq!(JwsAlgorithm::from_name(a.name()), Some(a));
        }
        assert_eq!(JwsAlgorithm::from_name("rs256"), None);
        assert_eq!(JwsAlgorithm::from_name("HS256"), None);
        assert_eq!(JwsAlgorithm::from_name("none"), None);
    }

    #[test]
    fn modulus_bits() {
        assert_eq!(rsa_bits(&[0, 0, 0x80, 0]), 16);
        assert_eq!(rsa_bits(&[0x01, 0]), 9);
        assert_eq!(rsa_bits(&[0; 3]), 0);
        assert_eq!(rsa_bits(&[0xff; 256]), 2048);
    }

    #[test]
    fn verifier_refuses_weak_and_unsuitable_keys() {
        let weak = Jwk {
            kid: None,
            key_use: None,
            alg: None,
            key_ops: None,
            material: JwkMaterial::Rsa {
                n: vec![0xff; 128],
                e: vec![1, 0, 1],
            },
        };
        let v = JwtCompactVerifier;
        assert!(matches!(
            v.verify(JwsAlgorithm::Rs256, &weak, b"x", &[0; 128]),
            Err(SignatureError::WeakKey { bits: 1024 })
        ));
        assert!(matches!(
            v.verify(JwsAlgorithm::Es256, &weak, b"x", &[0; 64]),
            Err(SignatureError::KeyUnsuitable {
                alg: JwsAlgorithm::Es256
            })
        ));
        let ec = Jwk {
            material: JwkMaterial::EcP256 {
                x: vec![0; 32],
                y: vec![0; 32],
            },
            ..weak
        };
        assert!(matches!(
            v.verify(JwsAlgorithm::Es256, &ec, b"x", &[0; 64]),
            Err(SignatureError::KeyRejected(_))
        ));
    }
}
