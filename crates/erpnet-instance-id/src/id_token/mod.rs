//! ID token validation (OIDC Core 3.1.3.7 at sign-in, 12.2 after a refresh), in two phases
//! joined by a proof of signature.
//!
//! 1. [`UnverifiedIdToken::parse`] splits the compact JWS and reads only its header.
//! 2. [`UnverifiedIdToken::signature_check`] applies the algorithm and key rules and returns a
//!    [`SignatureCheck`]: the algorithm, the issuer's key, the signing input and the signature,
//!    i.e. exactly what must be verified.
//! 3. [`SignatureCheck::verify`] (a [`SignatureVerifier`](crate::SignatureVerifier)) or
//!    [`SignatureCheck::verify_async`] (an
//!    [`AsyncSignatureVerifier`](crate::AsyncSignatureVerifier) such as WebCrypto) turns a
//!    successful verification into a [`VerifiedIdToken`]. That type has private fields and no
//!    other constructor: it is the proof.
//! 4. [`IdTokenVerifier`] reads the claims of a [`VerifiedIdToken`] only, and applies every
//!    claim rule. No path yields [`IdTokenClaims`] without a verified signature.
//!
//! [`IdTokenVerifier::verify`] runs the four steps.
//!
//! The signature rules (3.1.3.7 rules 6–8) run before the claim rules (2–5, 9–13), not between
//! them as the specification lists them: so that no claim of an unverified payload is ever
//! read. Every rule is still applied, and each is marked with its number in the code.

mod checks;
mod claims;
mod error;
mod pipeline;
mod refreshed;
#[cfg(test)]
mod tests;
mod verifier;

pub use claims::IdTokenClaims;
pub use error::IdTokenError;
pub use pipeline::{SignatureCheck, UnverifiedIdToken, VerifiedIdToken};
pub use verifier::{allowed_algorithms, IdTokenVerifier, DEFAULT_LEEWAY_SECS};
