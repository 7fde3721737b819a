//! Typed identities: the issuer and the client, each checked once when it is made.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::http::is_secure_url;

/// An OpenID Provider's issuer identifier (OIDC Discovery 3): an absolute `https` URL (plain
/// `http` only for `localhost`, `127.0.0.1` and `[::1]`) without query, fragment or
/// credentials.
///
/// Kept exactly as written: an ID token's `iss` is compared with it byte for byte, so no
/// normalisation (case, trailing slash) happens here. For an ERP.net instance it is the
/// Instance ID's URL, e.g. `https://testdb.my.erp.net/id`.
///
/// ```
/// use erpnet_instance_id::IssuerUrl;
/// let issuer = IssuerUrl::new("https://testdb.my.erp.net/id")?;
/// assert_eq!(issuer.as_str(), "https://testdb.my.erp.net/id");
/// assert!(IssuerUrl::new("http://testdb.my.erp.net/id").is_err());
/// assert!(IssuerUrl::new("https://testdb.my.erp.net/id?x=1").is_err());
/// # Ok::<(), erpnet_instance_id::IssuerUrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IssuerUrl(String);

/// Why a string is not an [`IssuerUrl`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssuerUrlError {
    /// Not an absolute URL.
    #[error("the issuer is not an absolute URL: {0}")]
    Invalid(#[source] url::ParseError),
    /// Not `https` (plain `http` is allowed only for loopback hosts), or with credentials.
    #[error("the issuer must use https (http only for localhost, 127.0.0.1 or [::1]) and carry no credentials: {issuer}")]
    Insecure {
        /// The value received.
        issuer: String,
    },
    /// With a query or a fragment (OIDC Discovery 3 forbids both).
    #[error("the issuer must not have a query or a fragment: {issuer}")]
    HasQueryOrFragment {
        /// The value received.
        issuer: String,
    },
}

impl IssuerUrl {
    /// Checks `issuer` (see the type's documentation) and keeps it as written.
    pub fn new(issuer: impl Into<String>) -> Result<Self, IssuerUrlError> {
        let issuer = issuer.into();
        let url = Url::parse(&issuer).map_err(IssuerUrlError::Invalid)?;
        if !is_secure_url(&url) {
            return Err(IssuerUrlError::Insecure { issuer });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(IssuerUrlError::HasQueryOrFragment { issuer });
        }
        Ok(IssuerUrl(issuer))
    }

    /// The issuer exactly as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IssuerUrl {
    type Error = IssuerUrlError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        IssuerUrl::new(value)
    }
}

impl From<IssuerUrl> for String {
    fn from(value: IssuerUrl) -> Self {
        value.0
    }
}

impl fmt::Debug for IssuerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IssuerUrl").field(&self.0).finish()
    }
}

impl fmt::Display for IssuerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IssuerUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for IssuerUrl {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for IssuerUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for IssuerUrl {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// An OAuth 2.0 client identifier (RFC 6749 2.2): not empty, no whitespace or control
/// characters. For ERP.net, the Trusted Application's `ApplicationUri`.
///
/// ```
/// use erpnet_instance_id::ClientId;
/// let client = ClientId::new("spa.example.com")?;
/// assert_eq!(client.as_str(), "spa.example.com");
/// assert!(ClientId::new("").is_err());
/// assert!(ClientId::new("two words").is_err());
/// # Ok::<(), erpnet_instance_id::ClientIdError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientId(String);

/// Why a string is not a [`ClientId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientIdError {
    /// The client id is empty.
    #[error("client_id is empty")]
    Empty,
    /// The client id contains whitespace or a control character.
    #[error("client_id must not contain whitespace or control characters")]
    InvalidCharacter,
}

impl ClientId {
    /// Checks `client_id` (see the type's documentation).
    pub fn new(client_id: impl Into<String>) -> Result<Self, ClientIdError> {
        let client_id = client_id.into();
        if client_id.is_empty() {
            return Err(ClientIdError::Empty);
        }
        if client_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(ClientIdError::InvalidCharacter);
        }
        Ok(ClientId(client_id))
    }

    /// The client id as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientId {
    type Error = ClientIdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        ClientId::new(value)
    }
}

impl From<ClientId> for String {
    fn from(value: ClientId) -> Self {
        value.0
    }
}

impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientId").field(&self.0).finish()
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ClientId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ClientId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ClientId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_checked_once_and_kept_as_written() {
        for ok in [
            "https://testdb.my.erp.net/id",
            "https://testdb.my.erp.net/id/",
            "http://localhost:8400/id",
            "http://127.0.0.1/id",
        ] {
            assert_eq!(IssuerUrl::new(ok).unwrap().as_str(), ok);
        }
        assert!(matches!(
            IssuerUrl::new("/id"),
            Err(IssuerUrlError::Invalid(_))
        ));
        for insecure in [
            "http://testdb.my.erp.net/id",
            "https://user:pw@testdb.my.erp.net/id",
            "ftp://testdb.my.erp.net/id",
        ] {
            assert!(
                matches!(
                    IssuerUrl::new(insecure),
                    Err(IssuerUrlError::Insecure { .. })
                ),
                "{insecure}"
            );
        }
        assert!(matches!(
            IssuerUrl::new("https://x.my.erp.net/id#f"),
            Err(IssuerUrlError::HasQueryOrFragment { .. })
        ));
        // Deserialising checks again.
        assert!(serde_json::from_str::<IssuerUrl>("\"http://evil.example/id\"").is_err());
        let i: IssuerUrl = serde_json::from_str("\"https://x.my.erp.net/id\"").unwrap();
        assert_eq!(i, "https://x.my.erp.net/id");
        assert_eq!(
            serde_json::to_string(&i).unwrap(),
            "\"https://x.my.erp.net/id\""
        );
    }

    #[test]
    fn client_id_checked_once() {
        assert_eq!(ClientId::new("spa.example.com").unwrap(), "spa.example.com");
        assert_eq!(ClientId::new(""), Err(ClientIdError::Empty));
        for bad in ["a b", "a\tb", "a\u{0}b", "a\u{2028}b"] {
            assert_eq!(
                ClientId::new(bad),
                Err(ClientIdError::InvalidCharacter),
                "{bad:?}"
            );
        }
        assert!(serde_json::from_str::<ClientId>("\"\"").is_err());
        assert_eq!(ClientId::new("c").unwrap().to_string(), "c");
    }
}
