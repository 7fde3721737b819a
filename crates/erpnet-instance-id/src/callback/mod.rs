//! The authorization response at the redirect URI (RFC 6749 4.1.2, RFC 9207), decided before
//! any token request is described.
//!
//! IdentityServer4 answers `?code=..&scope=..&state=..&session_state=..` (no `iss` unless it
//! advertises RFC 9207), and its error redirects (`access_denied`, `login_required`,
//! `consent_required`, `interaction_required`, `account_selection_required`) end in `#_=_`.
//! Unknown parameters (`scope`, `session_state`) are ignored; the `#_=_` fragment is ignored
//! when parsing and removed by [`strip_callback_params`].

use std::fmt;

use subtle::ConstantTimeEq;
use url::Url;

use crate::discovery::ProviderMetadata;
use crate::pkce::PendingRequest;
use crate::quoted::Quoted;

/// The authorization code: one-shot and secret. Not `Clone`; `Debug` prints `[redacted]`.
/// Only [`validate_callback`] hands one out.
pub struct AuthorizationCode(String);

impl AuthorizationCode {
    /// Wraps a code. Crate-private on purpose: outside this crate a code only comes out of
    /// [`validate_callback`], so no token request can be described for an unchecked callback.
    pub(crate) fn new(code: impl Into<String>) -> Self {
        AuthorizationCode(code.into())
    }

    /// The code itself, for the token request only.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode([redacted])")
    }
}

/// A parsed authorization response, not yet checked.
#[derive(Debug)]
pub enum CallbackResponse {
    /// A success response.
    Code {
        /// The code.
        code: AuthorizationCode,
        /// `state`, if present.
        state: Option<String>,
        /// `iss` (RFC 9207), if present.
        iss: Option<String>,
    },
    /// An error response (RFC 6749 4.1.2.1). If a response carries both `code` and `error`, it
    /// is an error response (the code is never redeemed).
    Error {
        /// `error`, e.g. `access_denied` or `login_required`.
        error: String,
        /// `error_description`, if present.
        error_description: Option<String>,
        /// `error_uri`, if present.
        error_uri: Option<String>,
        /// `state`, if present.
        state: Option<String>,
        /// `iss`, if present.
        iss: Option<String>,
    },
}

impl CallbackResponse {
    /// The `state` the response carries.
    pub fn state(&self) -> Option<&str> {
        match self {
            CallbackResponse::Code { state, .. } | CallbackResponse::Error { state, .. } => {
                state.as_deref()
            }
        }
    }

    /// The `iss` the response carries.
    pub fn iss(&self) -> Option<&str> {
        match self {
            CallbackResponse::Code { iss, .. } | CallbackResponse::Error { iss, .. } => {
                iss.as_deref()
            }
        }
    }
}

/// Why a callback was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The URL carries neither `code` nor `error`, in the query or the fragment.
    #[error("this URL is not an authorization response")]
    NotACallback,
    /// A response parameter appears more than once (RFC 6749 3.1).
    #[error("the authorization response repeats the parameter {name}")]
    DuplicateParameter {
        /// The repeated parameter.
        name: String,
    },
    /// `code` or `error` is present but empty.
    #[error("the authorization response has an empty {name}")]
    EmptyParameter {
        /// The empty parameter.
        name: &'static str,
    },
    /// The response has no `state`.
    #[error("the authorization response has no state")]
    StateMissing,
    /// The `state` differs from the pending request's.
    #[error("the authorization response's state does not match this request")]
    StateMismatch,
    /// RFC 9207: `iss` differs from the issuer.
    #[error("the authorization response's iss {} is not the issuer {}", Quoted(.found), Quoted(.expected))]
    IssMismatch {
        /// The issuer.
        expected: String,
        /// The `iss` received.
        found: String,
    },
    /// RFC 9207: `iss` is absent although the provider advertises it.
    #[error("the authorization response lacks iss although the provider advertises it")]
    IssMissing,
    /// The provider answered with an error.
    #[error("the provider answered {error}{}", .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    ProviderError {
        /// `error`.
        error: String,
        /// `error_description`.
        description: Option<String>,
        /// `error_uri`.
        uri: Option<String>,
    },
}

impl CallbackError {
    /// The stable error code: `"state_mismatch"` (missing or different state),
    /// `"iss_mismatch"` (RFC 9207), `"callback_error"` (the provider's own error), or
    /// `"callback_invalid"` (not a well-formed authorization response).
    pub fn code(&self) -> &'static str {
        match self {
            CallbackError::StateMissing | CallbackError::StateMismatch => "state_mismatch",
            CallbackError::IssMismatch { .. } | CallbackError::IssMissing => "iss_mismatch",
            CallbackError::ProviderError { .. } => "callback_error",
            CallbackError::NotACallback
            | CallbackError::DuplicateParameter { .. }
            | CallbackError::EmptyParameter { .. } => "callback_invalid",
        }
    }
}

/// The parameters an authorization response may carry; [`strip_callback_params`] removes them.
pub const CALLBACK_PARAMS: [&str; 7] = [
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
    "session_state",
];

fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|r| {
        url::form_urlencoded::parse(r.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

/// The `_=_` pair some servers (IdentityServer4 on error redirects) append as the fragment.
fn is_filler((k, v): &(String, String)) -> bool {
    k == "_" && v == "_"
}

fn is_response(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, _)| k == "code" || k == "error")
}

/// Parses the authorization response in `url`: the query if it carries `code` or `error`,
/// else the fragment. Nothing is checked against the pending request yet.
pub fn parse_callback(url: &Url) -> Result<CallbackResponse, CallbackError> {
    let query = pairs(url.query());
    let params = if is_response(&query) {
        query
    } else {
        let fragment = pairs(url.fragment());
        if !is_response(&fragment) {
            return Err(CallbackError::NotACallback);
        }
        fragment
    };
    // RFC 6749 3.1: response parameters must not repeat. Only the known ones are named in
    // the error: nothing of the URL's own text reaches the screen before the state check
    // (an unknown parameter, repeated or not, is ignored).
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &params {
        let Some(known) = CALLBACK_PARAMS.iter().find(|p| **p == k.as_str()) else {
            continue;
        };
        if seen.contains(known) {
            return Err(CallbackError::DuplicateParameter {
                name: (*known).to_owned(),
            });
        }
        seen.push(known);
    }
    let take = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let state = take("state");
    let iss = take("iss");
    if let Some(error) = take("error") {
        if error.is_empty() {
            return Err(CallbackError::EmptyParameter { name: "error" });
        }
        return Ok(CallbackResponse::Error {
            error,
            error_description: take("error_description"),
            error_uri: take("error_uri"),
            state,
            iss,
        });
    }
    match take("code") {
        Some(code) if !code.is_empty() => Ok(CallbackResponse::Code {
            code: AuthorizationCode::new(code),
            state,
            iss,
        }),
        _ => Err(CallbackError::EmptyParameter { name: "code" }),
    }
}

/// Checks a parsed response against the pending request and the provider, in this order:
/// 1. `state` present and equal to the pending request's (constant-time comparison);
/// 2. RFC 9207 `iss`: equal to the issuer when present, required when the provider advertises
///    `authorization_response_iss_parameter_supported`;
/// 3. an error response becomes [`CallbackError::ProviderError`];
/// 4. the code is returned, ready for [`crate::token_request`].
///
/// Whether the pending request has expired is the caller's check
/// ([`PendingRequest::is_expired`]), before calling this.
pub fn validate_callback(
    resp: CallbackResponse,
    pending: &PendingRequest,
    metadata: &ProviderMetadata,
) -> Result<AuthorizationCode, CallbackError> {
    let state = resp.state().ok_or(CallbackError::StateMissing)?;
    if !bool::from(state.as_bytes().ct_eq(pending.state.as_str().as_bytes())) {
        return Err(CallbackError::StateMismatch);
    }
    match resp.iss() {
        Some(iss) if metadata.issuer != iss => {
            return Err(CallbackError::IssMismatch {
                expected: metadata.issuer.to_string(),
                found: iss.to_owned(),
            })
        }
        None if metadata.authorization_response_iss_parameter_supported => {
            return Err(CallbackError::IssMissing)
        }
        _ => {}
    }
    match resp {
        CallbackResponse::Error {
            error,
            error_description,
            error_uri,
            ..
        } => Err(CallbackError::ProviderError {
            error,
            description: error_description,
            uri: error_uri,
        }),
        CallbackResponse::Code { code, .. } => Ok(code),
    }
}

/// Whether `url` carries any authorization-response parameter ([`CALLBACK_PARAMS`]: `code`,
/// `state`, `error`, `error_description`, `error_uri`, `iss`, `session_state`) in its query or
/// fragment, or the `#_=_` fragment: the app then replaces the address with
/// [`strip_callback_params`].
pub fn callback_params_present(url: &Url) -> bool {
    let query = pairs(url.query());
    let fragment = pairs(url.fragment());
    query
        .iter()
        .any(|(k, _)| CALLBACK_PARAMS.contains(&k.as_str()))
        || fragment
            .iter()
            .any(|p| CALLBACK_PARAMS.contains(&p.0.as_str()) || is_filler(p))
}

/// `url` without the [`CALLBACK_PARAMS`] in its query and fragment, and without a `_=_` in its
/// fragment (other parameters kept; a query or fragment with nothing to remove is left exactly
/// as written; an emptied query or fragment is removed, so
/// `...signin-callback?error=login_required&state=..#_=_` becomes `...signin-callback`).
pub fn strip_callback_params(url: &Url) -> Url {
    let keep = |raw: Option<&str>| -> Option<String> {
        let all = pairs(raw);
        let total = all.len();
        let kept: Vec<(String, String)> = all
            .into_iter()
            .filter(|p| !CALLBACK_PARAMS.contains(&p.0.as_str()) && !is_filler(p))
            .collect();
        if kept.len() == total {
            // Nothing to remove: the app's own query or fragment (`#top`, `#/route`) stays
            // exactly as written, not re-encoded as `name=value` pairs.
            raw.map(str::to_owned)
        } else if kept.is_empty() {
            None
        } else {
            Some(crate::http::encode_pairs(
                kept.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ))
        }
    };
    let mut out = url.clone();
    if url.query().is_some() {
        out.set_query(keep(url.query()).as_deref());
    }
    if url.fragment().is_some() {
        out.set_fragment(keep(url.fragment()).as_deref());
    }
    out
}

#[cfg(test)]
mod tests;
