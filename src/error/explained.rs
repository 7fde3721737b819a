//! Any error, explained: what the one error panel shows, built from either phase's error.
//!
//! The panel needs two things of an error at different times: its code, rule and status at
//! once (the DOM contract of design.md 3.2, which external tests wait for), and its texts for a
//! person a moment later. [`AnyError`] is the error as it came, cheap to read for the first;
//! [`Explained`] is made from it for the second, only in [`super::explain`] (a wasm chunk of
//! the split build, so the texts are not part of the first load).

use super::{ErrorCode, Remedy};
use crate::api::ApiError;
use crate::auth::AppError;

/// Any error the panel shows, as it came: either phase's error, causes kept.
#[derive(Debug, Clone)]
pub enum AnyError {
    /// Sign-in, session, start-up or sign-out.
    App(AppError),
    /// A Domain API request.
    Api(ApiError),
}

impl From<AppError> for AnyError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<ApiError> for AnyError {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

impl AnyError {
    /// The stable code (`data-error-code`).
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::App(e) => e.code(),
            Self::Api(e) => e.code(),
        }
    }

    /// For `id_token_invalid`: the rule that failed (`data-error-rule`).
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            Self::App(e) => e.rule(),
            Self::Api(_) => None,
        }
    }

    /// The HTTP status, when the Domain API answered (`data-status`).
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::App(_) => None,
            Self::Api(e) => e.status(),
        }
    }

    /// Offer a sign-in button in the panel itself (see [`Explained::sign_in_here`]).
    pub fn sign_in_here(&self) -> bool {
        match self {
            Self::App(_) => false,
            Self::Api(e) => e.needs_sign_in(),
        }
    }
}

/// An error as the panel shows it: a headline, the cause, details, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The stable code (`data-error-code`).
    pub code: ErrorCode,
    /// The headline: the code's title, or the Domain API's own message for its error answers
    /// (ERP.net writes them for people, often localized).
    pub title: String,
    /// The sentence below the headline: what happened.
    pub detail: String,
    /// ERP.net's diagnostics, or why a link was refused.
    pub info: Option<String>,
    /// What the error means and what to do, where the code alone does not say.
    pub explanation: Option<String>,
    /// The remedy's sentence ([`Remedy::advice`]); its button or link is the panel's own.
    pub advice: &'static str,
    /// For `id_token_invalid`: the rule that failed (`data-error-rule`).
    pub rule: Option<&'static str>,
    /// The HTTP status, when the Domain API answered (`data-status`).
    pub status: Option<u16>,
    /// Offer a sign-in button in the panel itself: the Domain API rejected a token while the
    /// page still shows the session (and so no sign-in button of its own).
    pub sign_in_here: bool,
}

impl Explained {
    /// The panel's `data-testid` (design.md 3.2).
    pub fn testid(&self) -> &'static str {
        self.code.testid()
    }

    /// What a person can do next.
    pub fn remedy(&self) -> Remedy {
        self.code.remedy()
    }
}

impl From<AnyError> for Explained {
    fn from(error: AnyError) -> Self {
        match error {
            AnyError::App(e) => e.into(),
            AnyError::Api(e) => e.into(),
        }
    }
}

impl From<AppError> for Explained {
    fn from(error: AppError) -> Self {
        let code = error.code();
        Self {
            code,
            title: code.title().to_owned(),
            detail: error.to_string(),
            info: None,
            explanation: error.explanation(),
            advice: code.remedy().advice(),
            rule: error.rule(),
            status: None,
            sign_in_here: false,
        }
    }
}

impl From<ApiError> for Explained {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        Self {
            code,
            title: error.headline(),
            detail: error.detail(),
            info: error.info(),
            explanation: None,
            advice: code.remedy().advice(),
            rule: None,
            status: error.status(),
            sign_in_here: error.needs_sign_in(),
        }
    }
}
