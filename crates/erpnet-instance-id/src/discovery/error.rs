//! Why a discovery document was refused.
use crate::quoted::Quoted;

/// Why a discovery document was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The response status was not 2xx.
    #[error("discovery request answered with HTTP status {status}")]
    HttpStatus {
        /// The status received.
        status: u16,
    },
    /// The response was not JSON.
    #[error("discovery response is not JSON (Content-Type {})", Quoted(.content_type))]
    NotJson {
        /// The `Content-Type` received.
        content_type: Option<String>,
    },
    /// The body is not valid JSON of the expected shape.
    #[error("discovery response is not valid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// A required field is missing.
    #[error("discovery document lacks the required field {0}")]
    MissingField(&'static str),
    /// A URL field is not an absolute URL, or not `https` (plain `http` only on loopback hosts).
    #[error("discovery field {field} is not an acceptable URL: {} (it must be https, or http only on localhost, 127.0.0.1 or [::1], without user or password)", Quoted(.value))]
    InvalidUrl {
        /// The field.
        field: &'static str,
        /// The value received.
        value: String,
    },
    /// The auto-discovery document lists no `ID` web site at all.
    #[error("auto-discovery lists no ID web site")]
    NoIdSite,
    /// The auto-discovery document lists the `ID` web site, but not as working: the instance's
    /// own explanation is kept for a person to read.
    #[error("the instance reports its Instance ID (ID web site) as {}{}", .status.as_deref().unwrap_or("not working"), .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    IdSiteNotWorking {
        /// `Status`, e.g. `"NotWorking"`.
        status: Option<String>,
        /// `StatusDescription`.
        description: Option<String>,
    },
    /// The provider's `issuer` differs from the Instance ID URL.
    #[error("issuer mismatch: expected {}, the provider says {}", Quoted(.expected), Quoted(.found))]
    IssuerMismatch {
        /// The Instance ID URL.
        expected: String,
        /// The `issuer` in the metadata.
        found: String,
    },
    /// The provider lists `code_challenge_methods_supported` without `S256`. (A provider that
    /// omits the list is assumed to support `S256`; PKCE with `S256` is always sent.)
    #[error("the provider does not support the PKCE method S256 (it lists {})", Quoted(.methods))]
    S256NotSupported {
        /// The methods it lists.
        methods: Vec<String>,
    },
    /// The provider lists `response_types_supported` without `code`.
    #[error("the provider does not support response_type=code (it lists {})", Quoted(.types))]
    CodeFlowNotSupported {
        /// The response types it lists.
        types: Vec<String>,
    },
}

impl DiscoveryError {
    /// The stable error code: `"issuer_mismatch"` for [`DiscoveryError::IssuerMismatch`],
    /// otherwise `"discovery_failed"`.
    pub fn code(&self) -> &'static str {
        match self {
            DiscoveryError::IssuerMismatch { .. } => "issuer_mismatch",
            _ => "discovery_failed",
        }
    }
}
