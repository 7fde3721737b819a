//! Sign-in and session errors: one enum per phase with the causes kept, each mapped to its
//! stable [`ErrorCode`] (design.md 3.3).

use std::sync::Arc;

use crate::auth::config::ConfigProblem;
use crate::error::{ErrorCode, FetchError};

/// Start-up: loading config.json and discovering the instance.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The page's own base URL could not be read.
    #[error("the app could not determine its own address")]
    NoBase,
    /// config.json is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigProblem),
    /// The instance's OpenID metadata could not be fetched.
    #[error("the ERP.net instance could not be reached: {0}")]
    Unreachable(#[source] FetchError),
    /// The metadata or the auto-discovery answer was unusable, or the issuer did not match.
    #[error(transparent)]
    Discovery(#[from] erpnet_instance_id::DiscoveryError),
}

/// Sign-in: from the click to a validated session.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The app was not ready (start-up failed or is still running).
    #[error("the app is not connected to an ERP.net instance yet")]
    NotReady,
    /// sessionStorage refused the pending request (disabled or full).
    #[error("this browser does not let the app keep the sign-in request for this tab (sessionStorage is unavailable)")]
    StorageUnavailable,
    /// The callback's state matches no sign-in started in this tab.
    #[error("this sign-in response does not belong to a sign-in started in this tab (it may have been used already, or this window lost its link to the app that opened it)")]
    UnknownState,
    /// The pending request is older than its lifetime.
    #[error("the sign-in took too long and has expired")]
    Expired,
    /// The callback was rejected before the code was redeemed.
    #[error(transparent)]
    Callback(#[from] erpnet_instance_id::CallbackError),
    /// The token endpoint could not be reached.
    #[error("the token endpoint could not be reached: {0}")]
    TokenUnreachable(#[source] FetchError),
    /// The token endpoint answered with an error or an unusable body.
    #[error(transparent)]
    Token(#[from] erpnet_instance_id::TokenError),
    /// The signing keys could not be fetched.
    #[error("the signing keys could not be fetched: {0}")]
    JwksUnreachable(#[source] FetchError),
    /// The signing keys were unusable.
    #[error(transparent)]
    Jwks(#[from] erpnet_instance_id::JwksError),
    /// The ID token failed a validation rule.
    #[error(transparent)]
    IdToken(#[from] erpnet_instance_id::IdTokenError),
    /// The app's own ID-token validation code (a wasm chunk of the split build) could not be
    /// downloaded, after its retries: the token was never checked, so no session.
    #[error("the part of this app that checks the identity token could not be downloaded (the network failed after the sign-in service answered); check your connection, then sign in again")]
    ValidatorUnavailable,
    /// The popup flow ended without an answer.
    #[error(transparent)]
    Popup(PopupError),
}

/// Sign-in (or sign-out) through a popup window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PopupError {
    /// `window.open` returned nothing: a popup blocker, or a frame sandbox without
    /// `allow-popups`.
    #[error("the browser blocked the sign-in window; allow popups for this site (or, when the app is embedded, the frame needs `allow-popups`), then try again")]
    Blocked,
    /// The user closed the popup before signing in.
    #[error("the sign-in window was closed before the sign-in finished")]
    Closed,
    /// No answer within the configured time.
    #[error("the sign-in window did not come back in time and was closed; when a request is refused (an unregistered redirect URI or client id, a scope the application may not have), the Instance ID shows its own error page and never sends the window back, so check what the Diagnostics page says to register")]
    Timeout,
    /// The popup lost its link to this frame and has no other way to reach it.
    #[error("the sign-in window cannot reach this embedded app: the Instance ID cut the window's link back (Cross-Origin-Opener-Policy), and the page embedding this app is on another site, so the browser keeps the app's other channels apart; open the app in its own tab, where sign-in works")]
    Unreachable,
}

/// The session after sign-in.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The access token's lifetime ran out.
    #[error("your sign-in has expired (the access token's lifetime ended); sign in again to continue where you were")]
    Expired,
    /// The access token expired after the Instance ID refused to renew it.
    #[error("your sign-in has expired: the ERP.net Instance ID refused to renew it ({0}); sign in again to continue where you were")]
    RefreshRefused(#[source] Arc<SignInError>),
}

/// Sign-out: the app's own session is always forgotten; these say the Instance ID's may not be.
#[derive(Debug, thiserror::Error)]
pub enum SignOutError {
    /// The instance advertises no end-session endpoint.
    #[error("you are signed out of this app, but the ERP.net instance has no sign-out endpoint, so your session there may still be open; close the browser to end it")]
    NoEndpoint,
    /// The sign-out window could not be opened.
    #[error("you are signed out of this app, but the browser blocked the window that signs you out of ERP.net, so your session there may still be open; allow popups for this site and sign out of ERP.net again")]
    PopupBlocked,
    /// The Instance ID did not send the browser back (the window was closed, or the person
    /// came back another way).
    #[error("you are signed out of this app, but the ERP.net Instance ID did not confirm the sign-out, so your session there may still be open")]
    NotConfirmed,
    /// The return from the end-session endpoint did not carry the state sent with it.
    #[error("the sign-out response did not match the sign-out this tab started: {0}")]
    Logout(#[source] erpnet_instance_id::LogoutError),
}

/// Any error the UI shows: cheap to clone, causes kept behind an `Arc`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// Start-up failed.
    #[error(transparent)]
    Start(Arc<StartError>),
    /// Sign-in failed.
    #[error(transparent)]
    SignIn(Arc<SignInError>),
    /// The session ended.
    #[error(transparent)]
    Session(Arc<SessionError>),
    /// Sign-out did not reach the Instance ID.
    #[error(transparent)]
    SignOut(Arc<SignOutError>),
}

impl From<PopupError> for AppError {
    fn from(e: PopupError) -> Self {
        SignInError::Popup(e).into()
    }
}

impl From<SessionError> for AppError {
    fn from(e: SessionError) -> Self {
        Self::Session(Arc::new(e))
    }
}

impl From<SignOutError> for AppError {
    fn from(e: SignOutError) -> Self {
        Self::SignOut(Arc::new(e))
    }
}

impl From<StartError> for AppError {
    fn from(e: StartError) -> Self {
        Self::Start(Arc::new(e))
    }
}

impl From<SignInError> for AppError {
    fn from(e: SignInError) -> Self {
        Self::SignIn(Arc::new(e))
    }
}

impl AppError {
    /// The stable code of design.md 3.3, for `data-error-code`.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Start(e) => match e.as_ref() {
                StartError::NoBase | StartError::Config(_) => ErrorCode::ConfigInvalid,
                StartError::Unreachable(_) => ErrorCode::DiscoveryFailed,
                StartError::Discovery(d) => core_code(d.code(), ErrorCode::DiscoveryFailed),
            },
            Self::SignIn(e) => match e.as_ref() {
                SignInError::NotReady => ErrorCode::DiscoveryFailed,
                SignInError::StorageUnavailable => ErrorCode::StorageUnavailable,
                SignInError::UnknownState | SignInError::Expired => ErrorCode::StateMismatch,
                SignInError::Callback(c) => core_code(c.code(), ErrorCode::CallbackInvalid),
                SignInError::TokenUnreachable(_) => ErrorCode::TokenRequestFailed,
                // Not the token request's failure: the app's own code did not arrive.
                SignInError::ValidatorUnavailable => ErrorCode::AppDownloadFailed,
                SignInError::Token(t) => core_code(t.code(), ErrorCode::TokenResponseInvalid),
                SignInError::JwksUnreachable(_) | SignInError::Jwks(_) => ErrorCode::JwksFailed,
                SignInError::IdToken(_) => ErrorCode::IdTokenInvalid,
                SignInError::Popup(p) => match p {
                    PopupError::Blocked => ErrorCode::PopupBlocked,
                    PopupError::Closed => ErrorCode::PopupClosed,
                    PopupError::Timeout => ErrorCode::PopupTimeout,
                    PopupError::Unreachable => ErrorCode::PopupUnreachable,
                },
            },
            Self::Session(e) => match e.as_ref() {
                SessionError::Expired | SessionError::RefreshRefused(_) => {
                    ErrorCode::SessionExpired
                }
            },
            Self::SignOut(e) => match e.as_ref() {
                SignOutError::Logout(_) => ErrorCode::LogoutStateMismatch,
                SignOutError::NoEndpoint
                | SignOutError::PopupBlocked
                | SignOutError::NotConfirmed => ErrorCode::SignoutIncomplete,
            },
        }
    }

    /// For `callback_error`: the Instance ID's own `error` value (e.g. `access_denied`).
    pub fn provider_error(&self) -> Option<&str> {
        match self {
            Self::SignIn(e) => match e.as_ref() {
                SignInError::Callback(erpnet_instance_id::CallbackError::ProviderError {
                    error,
                    ..
                }) => Some(error),
                _ => None,
            },
            _ => None,
        }
    }

    /// What the error means to a person and what to do, where the code alone does not say:
    /// the Instance ID's own `error` of a `callback_error`, or a device clock that looks wrong.
    pub fn explanation(&self) -> Option<String> {
        if let Some(minutes) = self.clock_skew_minutes() {
            let (way, n) = if minutes > 0 {
                ("ahead", minutes)
            } else {
                ("behind", -minutes)
            };
            return Some(format!(
                "This device's clock looks wrong: about {n} minutes {way} of the ERP.net Instance ID's. Set the date and time automatically, then sign in again."
            ));
        }
        let advice = match ProviderError::parse(self.provider_error()?) {
            ProviderError::AccessDenied => "The sign-in was cancelled or refused at the ERP.net Instance ID (the person declined, or the account may not use this application). Sign in again, perhaps with another account.",
            ProviderError::LoginRequired => "The ERP.net Instance ID needs you to sign in again (your session there has ended).",
            ProviderError::ConsentRequired => "The ERP.net Instance ID needs you to approve what this application asks for. Sign in again and confirm.",
            ProviderError::InteractionRequired => "The ERP.net Instance ID needs you to do something on its page before signing in can finish. Sign in again.",
            ProviderError::AccountSelectionRequired => "The ERP.net Instance ID needs you to choose an account. Sign in again and pick one.",
            ProviderError::Unavailable => "The ERP.net Instance ID could not finish the sign-in just now. Try again in a moment.",
            ProviderError::Other => "The ERP.net Instance ID refused the sign-in request. If this keeps happening, check the application's registration there (the Diagnostics page shows what to register).",
        };
        Some(advice.to_owned())
    }

    /// For an `id_token_invalid` on a time rule: how far the device clock seems off, in
    /// minutes (positive: ahead), from the signed token's `iat`.
    pub fn clock_skew_minutes(&self) -> Option<i64> {
        match self {
            Self::SignIn(e) => match e.as_ref() {
                SignInError::IdToken(i) => i.clock_skew_minutes(),
                _ => None,
            },
            _ => None,
        }
    }

    /// For `id_token_invalid`: the rule that failed.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            Self::SignIn(e) => match e.as_ref() {
                SignInError::IdToken(i) => Some(i.rule()),
                _ => None,
            },
            Self::Start(_) | Self::Session(_) | Self::SignOut(_) => None,
        }
    }
}

/// The core's own code for one of its errors; `fallback` if a newer core names one this app
/// does not know (the core's codes are its public contract, so that is a version mismatch).
fn core_code(code: &str, fallback: ErrorCode) -> ErrorCode {
    ErrorCode::parse(code).unwrap_or(fallback)
}

/// The Instance ID's `error` value of a `callback_error` (OpenID Connect Core 3.1.2.6, RFC
/// 6749 4.1.2.1), read once so the advice for each is an exhaustive match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProviderError {
    AccessDenied,
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    AccountSelectionRequired,
    /// `temporarily_unavailable` or `server_error`.
    Unavailable,
    /// Any other value: a refused request (an unregistered client or redirect URI, a scope).
    Other,
}

impl ProviderError {
    fn parse(error: &str) -> Self {
        match error {
            "access_denied" => Self::AccessDenied,
            "login_required" => Self::LoginRequired,
            "consent_required" => Self::ConsentRequired,
            "interaction_required" => Self::InteractionRequired,
            "account_selection_required" => Self::AccountSelectionRequired,
            "temporarily_unavailable" | "server_error" => Self::Unavailable,
            _ => Self::Other,
        }
    }
}
