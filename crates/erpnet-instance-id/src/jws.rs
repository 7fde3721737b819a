//! JWS algorithms and the signature seam: the core states what must be verified, a
//! [`SignatureVerifier`] answers.

use crate::algorithm::JwsAlgorithm;
use crate::jwks::{Jwk, JwkMaterial};
use crate::quoted::Quoted;

/// What a [`SignatureVerifier`] answers when a signature is not accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature does not verify under the key.
    #[error("the signature does not verify")]
    Invalid,
    /// The signature bytes cannot be a signature of this algorithm (e.g. an ES256 signature
    /// that is not 64 bytes).
    #[error("the signature is malformed for {}", Quoted(.alg))]
    Malformed {
        /// The algorithm.
        alg: JwsAlgorithm,
    },
    /// The key's type does not fit the algorithm.
    #[error("the key does not fit {}", Quoted(.alg))]
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

/// The signature seam. The core chooses the algorithm and the key, applies the checks that do
/// not depend on the maths ([`check_inputs`]), and names the exact bytes; an implementation
/// answers whether `signature` is a valid `alg` signature of `signing_input` under `key`.
/// Claim rules never depend on the implementation.
///
/// [`JwtCompactVerifier`] (feature `jwt-compact`, on by default) is the pure-Rust
/// implementation this crate ships and tests with. A verifier that can only answer later (the
/// browser's WebCrypto) implements [`AsyncSignatureVerifier`] instead; every synchronous
/// verifier is also an asynchronous one.
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

/// The signature seam for verifiers that answer asynchronously (WebCrypto's
/// `SubtleCrypto.verify` returns a promise). Same contract as [`SignatureVerifier`]; used by
/// [`crate::IdTokenVerifier::verify_async`] and [`crate::SignatureCheck::verify_async`].
pub trait AsyncSignatureVerifier {
    /// Resolves to `Ok(())` only when the signature verifies.
    fn verify_async(
        &self,
        alg: JwsAlgorithm,
        key: &Jwk,
        signing_input: &[u8],
        signature: &[u8],
    ) -> impl std::future::Future<Output = Result<(), SignatureError>>;
}

impl<T: SignatureVerifier + ?Sized> AsyncSignatureVerifier for T {
    fn verify_async(
        &self,
        alg: JwsAlgorithm,
        key: &Jwk,
        signing_input: &[u8],
        signature: &[u8],
    ) -> impl std::future::Future<Output = Result<(), SignatureError>> {
        std::future::ready(self.verify(alg, key, signing_input, signature))
    }
}

/// The number of significant bits of a big-endian unsigned integer (an RSA modulus).
fn rsa_bits(n: &[u8]) -> usize {
    let n = match n.iter().position(|&b| b != 0) {
        Some(i) => &n[i..],
        None => return 0,
    };
    n.len() * 8 - n[0].leading_zeros() as usize
}

/// The checks every verifier gets for free, whatever does the maths: the key type fits the
/// algorithm; an RSA key has at least 2048 bits (RFC 7518 3.3, 3.5) and the signature is as
/// long as its modulus (RFC 8017 8.2.2 step 1); an ES256 signature is `r || s`, 64 bytes
/// (RFC 7518 3.4). [`crate::SignatureCheck`] applies them before any verifier runs, so a
/// backend that would accept a short key (WebCrypto takes 1024 bits) never sees one.
pub fn check_inputs(alg: JwsAlgorithm, key: &Jwk, signature: &[u8]) -> Result<(), SignatureError> {
    match (alg, &key.material) {
        (JwsAlgorithm::Rs256 | JwsAlgorithm::Ps256, JwkMaterial::Rsa { n, .. }) => {
            let bits = rsa_bits(n);
            if bits < 2048 {
                return Err(SignatureError::WeakKey { bits });
            }
            if signature.len() != bits.div_ceil(8) {
                return Err(SignatureError::Malformed { alg });
            }
        }
        (JwsAlgorithm::Es256, JwkMaterial::EcP256 { .. }) => {
            if signature.len() != 64 {
                return Err(SignatureError::Malformed { alg });
            }
        }
        _ => return Err(SignatureError::KeyUnsuitable { alg }),
    }
    Ok(())
}

/// Pure-Rust RS256, PS256 and ES256 verification by `jwt-compact` (with the `rsa` and `p256`
/// crates). Applies [`check_inputs`] itself, so it is safe to call directly.
#[cfg(feature = "jwt-compact")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt-compact")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct JwtCompactVerifier;

#[cfg(feature = "jwt-compact")]
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

        check_inputs(alg, key, signature)?;
        let verified = match &key.material {
            JwkMaterial::Rsa { n, e } => {
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
            JwkMaterial::EcP256 { x, y } => {
                let jwk = JsonWebKey::EllipticCurve {
                    curve: Cow::Borrowed("P-256"),
                    x: Cow::Borrowed(x),
                    y: Cow::Borrowed(y),
                    secret: None,
                };
                let public = <Es256 as Algorithm>::VerifyingKey::try_from(&jwk)
                    .map_err(|err| SignatureError::KeyRejected(Box::new(err)))?;
                let sig = <Es256 as Algorithm>::Signature::try_from_slice(signature)
                    .map_err(|_| SignatureError::Malformed { alg })?;
                Es256.verify_signature(&sig, &public, signing_input)
            }
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
    fn modulus_bits() {
        assert_eq!(rsa_bits(&[0, 0, 0x80, 0]), 16);
        assert_eq!(rsa_bits(&[0x01, 0]), 9);
        assert_eq!(rsa_bits(&[0; 3]), 0);
        assert_eq!(rsa_bits(&[0xff; 256]), 2048);
    }

    #[test]
    fn inputs_checked_before_any_maths() {
        let rsa = |bytes: usize| Jwk {
            kid: None,
            key_use: None,
            alg: None,
            key_ops: None,
            material: JwkMaterial::Rsa {
                n: vec![0xff; bytes],
                e: vec![1, 0, 1],
            },
        };
        let ec = Jwk {
            material: JwkMaterial::EcP256 {
                x: vec![1; 32],
                y: vec![2; 32],
            },
            ..rsa(0)
        };
        assert!(check_inputs(JwsAlgorithm::Rs256, &rsa(256), &[0; 256]).is_ok());
        assert!(check_inputs(JwsAlgorithm::Ps256, &rsa(384), &[0; 384]).is_ok());
        assert!(matches!(
            check_inputs(JwsAlgorithm::Rs256, &rsa(255), &[0; 255]),
            Err(SignatureError::WeakKey { bits: 2040 })
        ));
        assert!(matches!(
            check_inputs(JwsAlgorithm::Rs256, &rsa(256), &[0; 255]),
            Err(SignatureError::Malformed { .. })
        ));
        assert!(check_inputs(JwsAlgorithm::Es256, &ec, &[0; 64]).is_ok());
        assert!(matches!(
            check_inputs(JwsAlgorithm::Es256, &ec, &[0; 65]),
            Err(SignatureError::Malformed { .. })
        ));
        assert!(matches!(
            check_inputs(JwsAlgorithm::Es256, &rsa(256), &[0; 64]),
            Err(SignatureError::KeyUnsuitable { .. })
        ));
        assert!(matches!(
            check_inputs(JwsAlgorithm::Ps256, &ec, &[0; 64]),
            Err(SignatureError::KeyUnsuitable { .. })
        ));
    }

    #[cfg(feature = "jwt-compact")]
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
