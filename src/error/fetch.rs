//! A request that got no answer, as plain data (the browser's HTTP adapter builds it).

/// Why no response arrived: the browser reports network and CORS failures alike, on purpose.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url} could not be reached ({detail}); the server may be down, or it may not allow this origin (CORS)")]
pub struct FetchError {
    /// The URL that failed.
    pub url: String,
    /// The browser's own words.
    pub detail: String,
    /// True when the request was cancelled through its `AbortSignal`.
    pub aborted: bool,
}
