//! The JWS algorithms an ID token may be signed with (the allow-list).

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
}
