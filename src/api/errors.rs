//! What went wrong with a Domain API request, read from ERP.net's answers.
//!
//! ERP.net does not send standard OData errors: a failed operation is HTTP 500 with a
//! top-level `{"message", "code": <number>, "type", "info", "messageFormat", "parameters"}`;
//! the wrapped `{"error": {"code", "message", "info", "type"}}` also occurs (code a number or
//! a string). 401 means the token is missing or expired, 403 a missing scope, 429 a rate
//! limit (with `Retry-After` when the server sends one).

use erpnet_instance_id::service_root::LinkError;
use serde_json::Value;

use crate::error::ErrorCode;

/// A Domain API failure, each with its meaning for a person and a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 401: the token is missing, invalid or expired.
    #[error("the Domain API did not accept the sign-in (HTTP 401); sign in again and the query runs again")]
    Unauthorized,
    /// 403: the token lacks a scope.
    #[error("the Domain API refused access (HTTP 403): {}", forbidden_text(.scope.as_deref(), .message.as_deref()))]
    Forbidden {
        /// The missing scope, from `WWW-Authenticate`, when the server names it.
        scope: Option<String>,
        /// The server's message, if any.
        message: Option<String>,
    },
    /// 429 after every retry.
    #[error("the Domain API is busy with this session's requests (HTTP 429, tried {attempts} times); wait a moment and run the query again")]
    RateLimited {
        /// How many times the request was sent.
        attempts: u32,
    },
    /// No answer: the network, or the browser's CORS check.
    #[error("{0}")]
    Network(String),
    /// An error answer from the server, in either of ERP.net's shapes.
    #[error("{message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// ERP.net's error code (a number or a string), when sent.
        code: Option<String>,
        /// The message for a person.
        message: String,
        /// ERP.net's `info` (diagnostics, sometimes a stack trace), when sent.
        info: Option<String>,
    },
    /// A 2xx answer that is not what was asked for.
    #[error("the Domain API sent an answer that is not an OData collection: {0}")]
    Invalid(String),
    /// The request was refused before it was sent (the token would leave the service root,
    /// or the entity set is not an identifier).
    #[error("no request was sent: {0}")]
    Refused(#[from] LinkError),
}

fn forbidden_text(scope: Option<&str>, message: Option<&str>) -> String {
    match (scope, message) {
        (Some(s), _) => format!(
            "the sign-in lacks the scope `{s}`; add it to `scopes` in config.json and sign in again"
        ),
        (None, Some(m)) => m.to_owned(),
        (None, None) => "the sign-in lacks a scope this query needs".to_owned(),
    }
}

impl ApiError {
    /// True when signing in again can fix it.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::Unauthorized)
    }

    /// The stable code (design.md 3.3, `api_error` family) for `data-error-code`; a
    /// rejected token is a session failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthorized => ErrorCode::SessionExpired,
            Self::Forbidden { .. } => ErrorCode::ApiForbidden,
            Self::RateLimited { .. } => ErrorCode::ApiRateLimited,
            Self::Network(_) => ErrorCode::ApiUnreachable,
            Self::Server { .. } => ErrorCode::ApiError,
            Self::Invalid(_) => ErrorCode::ApiResponseInvalid,
            Self::Refused(e) => match e {
                LinkError::InvalidRoot(_) => ErrorCode::ApiRootInvalid,
                LinkError::BadEntitySet(_) => ErrorCode::ApiBadEntitySet,
                LinkError::Malformed
                | LinkError::ControlCharacter
                | LinkError::Backslash
                | LinkError::ProtocolRelative
                | LinkError::UserInfo
                | LinkError::PathTrick
                | LinkError::OtherOrigin(_)
                | LinkError::OutsideRoot(_) => ErrorCode::ApiLinkRefused,
            },
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::RateLimited { .. } => Some(429),
            Self::Server { status, .. } => Some(*status),
            Self::Network(_) | Self::Invalid(_) | Self::Refused(_) => None,
        }
    }

    /// The headline: the server's own message for an error answer (ERP.net's `message` is
    /// written for people, often localized), else the code's title.
    pub fn headline(&self) -> String {
        match self {
            Self::Server { message, .. } => message.clone(),
            Self::Unauthorized
            | Self::Forbidden { .. }
            | Self::RateLimited { .. }
            | Self::Network(_)
            | Self::Invalid(_)
            | Self::Refused(_) => self.code().title().to_owned(),
        }
    }

    /// The sentence below the headline.
    pub fn detail(&self) -> String {
        match self {
            Self::Server { status, code, .. } => match code {
                Some(c) => format!("The Domain API refused the query (HTTP {status}, code {c})."),
                None => format!("The Domain API refused the query (HTTP {status})."),
            },
            Self::Unauthorized
            | Self::Forbidden { .. }
            | Self::RateLimited { .. }
            | Self::Network(_)
            | Self::Invalid(_)
            | Self::Refused(_) => self.to_string(),
        }
    }

    /// ERP.net's `info` (diagnostics), or why a link was refused; shown below the detail.
    pub fn info(&self) -> Option<String> {
        match self {
            Self::Server { info, .. } => info.clone(),
            Self::Refused(_) if self.code() == ErrorCode::ApiLinkRefused => Some(
                "The access token is sent only to the Domain API's service root; this link points elsewhere."
                    .to_owned(),
            ),
            Self::Unauthorized
            | Self::Forbidden { .. }
            | Self::RateLimited { .. }
            | Self::Network(_)
            | Self::Invalid(_)
            | Self::Refused(_) => None,
        }
    }
}

/// Reads an error answer (`status` not 2xx) in either of ERP.net's shapes.
pub fn parse_error(status: u16, www_authenticate: Option<&str>, body: &[u8]) -> ApiError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    // `{"error": {...}}` (OData-style, wrapped) or ERP.net's top-level object.
    let obj = json
        .as_ref()
        .and_then(|j| j.get("error").filter(|e| e.is_object()).or(Some(j)))
        .filter(|o| o.is_object());
    let text = |k: &str| {
        obj.and_then(|o| o.get(k)).and_then(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let message = text("message");
    match status {
        401 => ApiError::Unauthorized,
        403 => ApiError::Forbidden {
            scope: www_authenticate.and_then(|h| auth_param(h, "scope")),
            message,
        },
        _ => ApiError::Server {
            status,
            code: text("code"),
            message: message.unwrap_or_else(|| {
                let raw: String = String::from_utf8_lossy(body).chars().take(200).collect();
                if raw.trim().is_empty() {
                    format!("the Domain API answered HTTP {status} without a message")
                } else {
                    format!("the Domain API answered HTTP {status}: {raw}")
                }
            }),
            info: text("info"),
        },
    }
}

/// Seconds to wait from a `Retry-After` header: delay-seconds only (`1*DIGIT`, RFC 9110
/// 10.2.3; an HTTP date is not trusted against the browser's clock), at most a minute.
pub fn retry_after_seconds(header: Option<&str>) -> Option<u32> {
    let digits = header?.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More digits than a u32 holds is still a delay, and longer than the cap.
    Some(digits.parse::<u32>().map_or(60, |secs| secs.min(60)))
}

/// The wait before retry `attempt` (1-based) after a 429: the server's `Retry-After`, else
/// an exponential backoff of 1, 2, 4, 8 s.
pub fn backoff_seconds(retry_after: Option<u32>, attempt: u32) -> u32 {
    retry_after.unwrap_or_else(|| 1u32 << attempt.saturating_sub(1).min(3))
}

/// One parameter of a `WWW-Authenticate: Bearer a="b", c="d"` header.
fn auth_param(header: &str, name: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (k, v) = part.trim().trim_start_matches("Bearer ").split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').to_owned())
    })
}
