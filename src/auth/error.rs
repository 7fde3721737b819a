//! Errors, one enum per phase with the causes kept, and the stable codes of design.md 3.3.

use std::sync::Arc;

use crate::auth::config::ConfigProblem;
use crate::browser::http::FetchError;

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
    Discovery(#[from] instance_id::DiscoveryError),
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
    Callback(#[from] instance_id::CallbackError),
    /// The token endpoint could not be reached.
    #[error("the token endpoint could not be reached: {0}")]
    TokenUnreachable(#[source] FetchError),
    /// The token endpoint answered with an error or an unusable body.
    #[error(transparent)]
    Token(#[from] instance_id::TokenError),
    /// The signing keys could not be fetched.
    #[error("the signing keys could not be fetched: {0}")]
    JwksUnreachable(#[source] FetchError),
    /// The signing keys were unusable.
    #[error(transparent)]
    Jwks(#[from] instance_id::JwksError),
    /// The ID token failed a validation rule.
    #[error(transparent)]
    IdToken(#[from] instance_id::IdTokenError),
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
    RefreshRefused(String),
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
    Logout(#[source] instance_id::LogoutError),
}

/// What a person can do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Try the same thing again (reloads the app).
    Reload,
    /// Start a new sign-in.
    SignIn,
    /// Nothing in the app: the deployment needs fixing.
    FixDeployment,
    /// End the Instance ID session again.
    RetrySignOut,
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::Start(e) => match e.as_ref() {
                StartError::NoBase | StartError::Config(_) => "config_invalid",
                StartError::Unreachable(_) => "discovery_failed",
                StartError::Discovery(d) => d.code(),
            },
            Self::SignIn(e) => match e.as_ref() {
                SignInError::NotReady => "discovery_failed",
                SignInError::StorageUnavailable => "storage_unavailable",
                SignInError::UnknownState | SignInError::Expired => "state_mismatch",
                SignInError::Callback(c) => c.code(),
                SignInError::TokenUnreachable(_) => "token_request_failed",
                SignInError::Token(t) => t.code(),
                SignInError::JwksUnreachable(_) | SignInError::Jwks(_) => "jwks_failed",
                SignInError::IdToken(i) => i.code(),
                SignInError::Popup(p) => match p {
                    PopupError::Blocked => "popup_blocked",
                    PopupError::Closed => "popup_closed",
                    PopupError::Timeout => "popup_timeout",
                    PopupError::Unreachable => "popup_unreachable",
                },
            },
            Self::Session(e) => match e.as_ref() {
                SessionError::Expired | SessionError::RefreshRefused(_) => "session_expired",
            },
            Self::SignOut(e) => match e.as_ref() {
                SignOutError::Logout(_) => "logout_state_mismatch",
                _ => "signout_incomplete",
            },
        }
    }

    /// For `callback_error`: the Instance ID's own `error` value (e.g. `access_denied`).
    pub fn provider_error(&self) -> Option<&str> {
        match self {
            Self::SignIn(e) => match e.as_ref() {
                SignInError::Callback(instance_id::CallbackError::ProviderError {
                    error, ..
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
        Some(match self.provider_error()? {
            "access_denied" => "The sign-in was cancelled or refused at the ERP.net Instance ID (the person declined, or the account may not use this application). Sign in again, perhaps with another account.",
            "login_required" => "The ERP.net Instance ID needs you to sign in again (your session there has ended).",
            "consent_required" => "The ERP.net Instance ID needs you to approve what this application asks for. Sign in again and confirm.",
            "interaction_required" => "The ERP.net Instance ID needs you to do something on its page before signing in can finish. Sign in again.",
            "account_selection_required" => "The ERP.net Instance ID needs you to choose an account. Sign in again and pick one.",
            "temporarily_unavailable" | "server_error" => "The ERP.net Instance ID could not finish the sign-in just now. Try again in a moment.",
            _ => "The ERP.net Instance ID refused the sign-in request. If this keeps happening, check the application's registration there (the Diagnostics page shows what to register).",
        }.to_owned())
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

    /// A short headline for a person.
    pub fn title(&self) -> &'static str {
        match self.code() {
            "config_invalid" => "This app is not configured correctly",
            "discovery_failed" => "Cannot connect to the ERP.net instance",
            "issuer_mismatch" => "The ERP.net instance identified itself unexpectedly",
            "state_mismatch" => "This sign-in response was not expected",
            "callback_error" => "The sign-in was not completed",
            "callback_invalid" => "The sign-in response was malformed",
            "iss_mismatch" => "The sign-in response came from an unexpected issuer",
            "token_request_failed" => "Cannot reach the sign-in service",
            "token_error" => "The sign-in service refused to issue tokens",
            "token_response_invalid" => "The sign-in service sent an unusable answer",
            "jwks_failed" => "Cannot fetch the instance's signing keys",
            "id_token_invalid" => "The identity token failed validation",
            "session_expired" => "Your session has expired",
            "popup_blocked" => "The sign-in window was blocked",
            "popup_closed" => "The sign-in window was closed",
            "popup_timeout" => "The sign-in window timed out",
            "popup_unreachable" => "The sign-in window cannot reach this app",
            "logout_state_mismatch" => "The sign-out response was not expected",
            "signout_incomplete" => "Signed out here, maybe not at ERP.net",
            "storage_unavailable" => "This browser blocks the storage sign-in needs",
            _ => "Something went wrong",
        }
    }

    /// What a person can do next.
    pub fn remedy(&self) -> Remedy {
        match self.code() {
            "config_invalid" | "issuer_mismatch" => Remedy::FixDeployment,
            "discovery_failed" => Remedy::Reload,
            "signout_incomplete" => Remedy::RetrySignOut,
            _ => Remedy::SignIn,
        }
    }
}
