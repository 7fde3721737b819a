//! The address the Instance ID sent the browser back to: read from the address bar once per
//! flow step and passed on as this type, so every decision looks at the same value.

use erpnet_instance_id::{
    callback_params_present, parse_callback, strip_callback_params, CallbackError, CallbackResponse,
};
use url::Url;

use crate::browser::location;

/// A URL carrying authorization-response parameters (`code`, `state`, `error`, ..., or the
/// `#_=_` filler): a sign-in callback, a sign-out return, or a popup's forwarded answer.
#[derive(Debug, Clone)]
pub(crate) struct CallbackUrl(Url);

impl CallbackUrl {
    /// The address bar, when it carries a response.
    pub(crate) fn current() -> Option<Self> {
        location::current_url().and_then(Self::from_url)
    }

    /// `url`, when it carries a response.
    pub(crate) fn from_url(url: Url) -> Option<Self> {
        callback_params_present(&url).then_some(Self(url))
    }

    /// The query's `state` (a forwarded popup answer and a sign-out return carry it there).
    pub(crate) fn query_state(&self) -> Option<String> {
        self.0
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
    }

    /// True for a sign-in answer (`code` or `error` in the query): never a sign-out return,
    /// whatever its state says.
    pub(crate) fn is_sign_in_answer(&self) -> bool {
        self.0
            .query_pairs()
            .any(|(k, _)| k == "code" || k == "error")
    }

    /// The authorization response, parsed (nothing is checked against a pending request yet).
    pub(crate) fn response(&self) -> Result<CallbackResponse, CallbackError> {
        parse_callback(&self.0)
    }

    /// The URL itself.
    pub(crate) fn url(&self) -> &Url {
        &self.0
    }

    /// Drops the response parameters from the address bar (and so from history), when the
    /// response cannot be handled.
    pub(crate) fn scrub(&self) {
        location::replace_url(strip_callback_params(&self.0).as_str());
    }
}
