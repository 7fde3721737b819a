//! The stable error codes (design.md 3.3) and what a person can do about each.
//!
//! Every mapping here is an exhaustive `match`: a new code does not compile until it has a
//! string, a title, a remedy and a place in the DOM contract.

/// Every error code the app shows in `data-error-code` (design.md 3.2, 3.3). The strings are
/// a contract with external browser tests: never change one, never reuse one for another
/// meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// config.json is missing or invalid (the message names the field), or the app could not
    /// read its own address.
    ConfigInvalid,
    /// The instance (auto-discovery or OpenID metadata) could not be reached or was unusable.
    DiscoveryFailed,
    /// The metadata's `issuer` is not the Instance ID the app was configured for.
    IssuerMismatch,
    /// A sign-in response that matches no sign-in started in this tab (or has expired).
    StateMismatch,
    /// The Instance ID answered the sign-in with an `error` (e.g. `access_denied`).
    CallbackError,
    /// The sign-in response was malformed (no parameters, repeated or empty ones).
    CallbackInvalid,
    /// RFC 9207: the response's `iss` is missing or not the expected issuer.
    IssMismatch,
    /// The token endpoint could not be reached (network or CORS).
    TokenRequestFailed,
    /// The token endpoint answered with an OAuth error body.
    TokenError,
    /// The token endpoint's answer was unusable.
    TokenResponseInvalid,
    /// The signing keys could not be fetched or were unusable.
    JwksFailed,
    /// The ID token failed a validation rule (named in `data-error-rule`).
    IdTokenInvalid,
    /// The sign-in ended: the access token expired, could not be renewed, or was rejected.
    SessionExpired,
    /// The browser blocked the sign-in window.
    PopupBlocked,
    /// The sign-in window was closed before the sign-in finished.
    PopupClosed,
    /// The sign-in window did not come back in time.
    PopupTimeout,
    /// The sign-in window cannot reach this (embedded) app.
    PopupUnreachable,
    /// The return from the end-session endpoint did not carry the state sent with it.
    LogoutStateMismatch,
    /// Signed out of the app, but maybe not of the Instance ID.
    SignoutIncomplete,
    /// sessionStorage refused the pending sign-in request.
    StorageUnavailable,
    /// A part of this app (a wasm chunk of the split build) could not be downloaded after its
    /// retries, so the work that needed it did not happen.
    AppDownloadFailed,
    /// The Domain API answered the query with an error (its own message is the headline).
    ApiError,
    /// The Domain API refused access (HTTP 403, usually a missing scope).
    ApiForbidden,
    /// The Domain API kept answering HTTP 429.
    ApiRateLimited,
    /// No answer from the Domain API (network or CORS).
    ApiUnreachable,
    /// A 2xx answer from the Domain API that is not what was asked for.
    ApiResponseInvalid,
    /// A link (a server's nextLink, a bookmarked page) would leave the service root: not sent.
    ApiLinkRefused,
    /// The entity set typed is not an OData identifier: not sent.
    ApiBadEntitySet,
    /// The Domain API's service root is not a URL the token may go to.
    ApiRootInvalid,
}

/// What a person can do about an error; the panel offers it below the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Try the same thing again (reloads the app).
    Reload,
    /// Start a new sign-in.
    SignIn,
    /// Nothing in the app: the deployment needs fixing (the diagnostics page helps).
    FixDeployment,
    /// End the Instance ID session again.
    RetrySignOut,
    /// Wait, then run the query again.
    Wait,
    /// Check the connection, and the instance's CORS settings.
    CheckConnection,
    /// Change the query, then run it again.
    FixQuery,
    /// The server answered unlike ERP.net; tell whoever runs the instance.
    Report,
}

impl ErrorCode {
    /// Every code, in the order of design.md 3.3 and then as added.
    pub const ALL: [Self; 29] = [
        Self::ConfigInvalid,
        Self::DiscoveryFailed,
        Self::IssuerMismatch,
        Self::StateMismatch,
        Self::CallbackError,
        Self::CallbackInvalid,
        Self::IssMismatch,
        Self::TokenRequestFailed,
        Self::TokenError,
        Self::TokenResponseInvalid,
        Self::JwksFailed,
        Self::IdTokenInvalid,
        Self::SessionExpired,
        Self::PopupBlocked,
        Self::PopupClosed,
        Self::PopupTimeout,
        Self::PopupUnreachable,
        Self::LogoutStateMismatch,
        Self::SignoutIncomplete,
        Self::StorageUnavailable,
        Self::AppDownloadFailed,
        Self::ApiError,
        Self::ApiForbidden,
        Self::ApiRateLimited,
        Self::ApiUnreachable,
        Self::ApiResponseInvalid,
        Self::ApiLinkRefused,
        Self::ApiBadEntitySet,
        Self::ApiRootInvalid,
    ];

    /// The stable snake_case string for `data-error-code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfigInvalid => "config_invalid",
            Self::DiscoveryFailed => "discovery_failed",
            Self::IssuerMismatch => "issuer_mismatch",
            Self::StateMismatch => "state_mismatch",
            Self::CallbackError => "callback_error",
            Self::CallbackInvalid => "callback_invalid",
            Self::IssMismatch => "iss_mismatch",
            Self::TokenRequestFailed => "token_request_failed",
            Self::TokenError => "token_error",
            Self::TokenResponseInvalid => "token_response_invalid",
            Self::JwksFailed => "jwks_failed",
            Self::IdTokenInvalid => "id_token_invalid",
            Self::SessionExpired => "session_expired",
            Self::PopupBlocked => "popup_blocked",
            Self::PopupClosed => "popup_closed",
            Self::PopupTimeout => "popup_timeout",
            Self::PopupUnreachable => "popup_unreachable",
            Self::LogoutStateMismatch => "logout_state_mismatch",
            Self::SignoutIncomplete => "signout_incomplete",
            Self::StorageUnavailable => "storage_unavailable",
            Self::AppDownloadFailed => "app_download_failed",
            Self::ApiError => "api_error",
            Self::ApiForbidden => "api_forbidden",
            Self::ApiRateLimited => "api_rate_limited",
            Self::ApiUnreachable => "api_unreachable",
            Self::ApiResponseInvalid => "api_response_invalid",
            Self::ApiLinkRefused => "api_link_refused",
            Self::ApiBadEntitySet => "api_bad_entity_set",
            Self::ApiRootInvalid => "api_root_invalid",
        }
    }

    /// The code a stable string names (the core's `code()` strings map here), if any.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// A short headline for a person.
    pub fn title(self) -> &'static str {
        match self {
            Self::ConfigInvalid => "This app is not configured correctly",
            Self::DiscoveryFailed => "Cannot connect to the ERP.net instance",
            Self::IssuerMismatch => "The ERP.net instance identified itself unexpectedly",
            Self::StateMismatch => "This sign-in response was not expected",
            Self::CallbackError => "The sign-in was not completed",
            Self::CallbackInvalid => "The sign-in response was malformed",
            Self::IssMismatch => "The sign-in response came from an unexpected issuer",
            Self::TokenRequestFailed => "Cannot reach the sign-in service",
            Self::TokenError => "The sign-in service refused to issue tokens",
            Self::TokenResponseInvalid => "The sign-in service sent an unusable answer",
            Self::JwksFailed => "Cannot fetch the instance's signing keys",
            Self::IdTokenInvalid => "The identity token failed validation",
            Self::SessionExpired => "Your sign-in is no longer valid",
            Self::PopupBlocked => "The sign-in window was blocked",
            Self::PopupClosed => "The sign-in window was closed",
            Self::PopupTimeout => "The sign-in window timed out",
            Self::PopupUnreachable => "The sign-in window cannot reach this app",
            Self::LogoutStateMismatch => "The sign-out response was not expected",
            Self::SignoutIncomplete => "Signed out here, maybe not at ERP.net",
            Self::StorageUnavailable => "This browser blocks the storage sign-in needs",
            Self::AppDownloadFailed => "Part of this app could not be downloaded",
            Self::ApiError => "The query failed",
            Self::ApiForbidden => "The Domain API refused access",
            Self::ApiRateLimited => "The Domain API is busy",
            Self::ApiUnreachable => "Cannot reach the Domain API",
            Self::ApiResponseInvalid => "The Domain API sent an unusable answer",
            Self::ApiLinkRefused => "A link from the server was refused",
            Self::ApiBadEntitySet => "Not an entity set name",
            Self::ApiRootInvalid => "The Domain API's address is unusable",
        }
    }

    /// What a person can do next.
    pub fn remedy(self) -> Remedy {
        match self {
            Self::ConfigInvalid | Self::IssuerMismatch => Remedy::FixDeployment,
            Self::DiscoveryFailed => Remedy::Reload,
            Self::StateMismatch
            | Self::CallbackError
            | Self::CallbackInvalid
            | Self::IssMismatch
            | Self::TokenRequestFailed
            | Self::TokenError
            | Self::TokenResponseInvalid
            | Self::JwksFailed
            | Self::IdTokenInvalid
            | Self::SessionExpired
            | Self::PopupBlocked
            | Self::PopupClosed
            | Self::PopupTimeout
            | Self::PopupUnreachable
            | Self::LogoutStateMismatch
            | Self::StorageUnavailable
            | Self::AppDownloadFailed => Remedy::SignIn,
            Self::SignoutIncomplete => Remedy::RetrySignOut,
            Self::ApiError | Self::ApiBadEntitySet => Remedy::FixQuery,
            // ERP.net's 403 means a scope the sign-in lacks: config.json's `scopes`.
            Self::ApiForbidden | Self::ApiRootInvalid => Remedy::FixDeployment,
            Self::ApiRateLimited => Remedy::Wait,
            Self::ApiUnreachable => Remedy::CheckConnection,
            Self::ApiResponseInvalid | Self::ApiLinkRefused => Remedy::Report,
        }
    }

    /// The panel's `data-testid` (design.md 3.2): `auth-error` for sign-in and session
    /// failures (a rejected token included), `api-error` for the Domain API's other answers.
    pub fn testid(self) -> &'static str {
        match self {
            Self::ConfigInvalid
            | Self::DiscoveryFailed
            | Self::IssuerMismatch
            | Self::StateMismatch
            | Self::CallbackError
            | Self::CallbackInvalid
            | Self::IssMismatch
            | Self::TokenRequestFailed
            | Self::TokenError
            | Self::TokenResponseInvalid
            | Self::JwksFailed
            | Self::IdTokenInvalid
            | Self::SessionExpired
            | Self::PopupBlocked
            | Self::PopupClosed
            | Self::PopupTimeout
            | Self::PopupUnreachable
            | Self::LogoutStateMismatch
            | Self::SignoutIncomplete
            | Self::StorageUnavailable
            | Self::AppDownloadFailed => "auth-error",
            Self::ApiError
            | Self::ApiForbidden
            | Self::ApiRateLimited
            | Self::ApiUnreachable
            | Self::ApiResponseInvalid
            | Self::ApiLinkRefused
            | Self::ApiBadEntitySet
            | Self::ApiRootInvalid => "api-error",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Remedy {
    /// The sentence the panel shows (its button or link, if any, comes after it).
    pub fn advice(self) -> &'static str {
        match self {
            Self::Reload => "Check that the instance is online, then try again.",
            Self::SignIn => "Sign in again to continue where you were.",
            Self::FixDeployment => "Whoever deployed this app needs to fix its configuration; the diagnostics page shows what the app found.",
            Self::RetrySignOut => "Sign out of ERP.net again to end your session there.",
            Self::Wait => "ERP.net serves one request per session at a time and at most 600 a minute.",
            Self::CheckConnection => "Check your connection. If the instance is up, it may not allow this app's origin: its Domain API needs this origin in its CORS settings.",
            Self::FixQuery => "Check the entity set and the query's options, then run the query again.",
            Self::Report => "The app did not follow the answer; if this keeps happening, tell whoever runs the ERP.net instance.",
        }
    }
}
