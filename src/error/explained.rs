//! Any error, explained: what the one error panel shows, built from either phase's error.

use super::{ErrorCode, Remedy};
use crate::api::ApiError;
use crate::auth::AppError;

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

impl From<AppError> for Explained {
    fn from(error: AppError) -> Self {
        let code = error.code();
        Self {
            code,
            title: code.title().to_owned(),
            detail: error.to_string(),
            info: None,
            explanation: error.explanation(),
            rule: error.rule(),
            status: None,
            sign_in_here: false,
        }
    }
}

impl From<ApiError> for Explained {
    fn from(error: ApiError) -> Self {
        Self {
            code: error.code(),
            title: error.headline(),
            detail: error.detail(),
            info: error.info(),
            explanation: None,
            rule: None,
            status: error.status(),
            sign_in_here: error.needs_sign_in(),
        }
    }
}
