//! Silent restore: a reloaded tab that was signed in asks the Instance ID for a new code
//! without any UI (`prompt=none`); an answer that only means "not signed in any more" brings
//! the sign-in button back without a message.

use erpnet_instance_id::{sanitize_return_path, CallbackError, PendingRequest};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::error::SignInError;
use crate::auth::storage_keys::{SIGNED_IN, SILENT};
use crate::auth::{Auth, Instance};
use crate::browser::{frame, storage};

/// Errors of a silent (`prompt=none`) restore that only mean "not signed in any more"
/// (OIDC Core 3.1.2.6): the sign-in button comes back without a message.
const QUIET_SILENT_ERRORS: [&str; 4] = [
    "login_required",
    "interaction_required",
    "consent_required",
    "account_selection_required",
];

/// The silent sign-in under way in this tab: its state and where it came from.
#[derive(Serialize, Deserialize)]
pub(super) struct SilentRestore {
    state: String,
    return_path: String,
}

/// Marks `pending` as a silent sign-in (its failure is quiet).
pub(super) fn remember(pending: &PendingRequest) {
    let restore = SilentRestore {
        state: pending.state.as_str().to_owned(),
        return_path: pending.return_path.clone(),
    };
    storage::save(SILENT, &restore);
}

/// Forgets any silent sign-in: the next callback is an interactive one's.
pub(super) fn forget() {
    storage::remove(SILENT);
}

/// The silent sign-in under way, removed (one callback answers it).
pub(super) fn take() -> Option<SilentRestore> {
    storage::take(SILENT)
}

impl SilentRestore {
    /// Where to go instead of showing `error`, when `error` answers this silent sign-in (by
    /// `callback_state`) and only says the person must sign in: they simply are not signed
    /// in any more. Anything else is an error to show.
    pub(super) fn quiet_return(
        &self,
        error: &SignInError,
        callback_state: Option<&str>,
    ) -> Option<String> {
        let quiet = matches!(error, SignInError::Callback(CallbackError::ProviderError { error, .. })
            if QUIET_SILENT_ERRORS.contains(&error.as_str()));
        (quiet && callback_state == Some(self.state.as_str()))
            .then(|| sanitize_return_path(&self.return_path))
    }
}

impl Auth {
    /// On a fresh load of a tab that was signed in before (and is not a callback), leaves
    /// for a silent sign-in; true when it did (start-up stops there, before the sign-in
    /// button could show while the page unloads).
    pub(super) fn restore_silently(&self, instance: &Instance, is_callback: bool) -> bool {
        let was_signed_in = self.session.with_untracked(Option::is_none)
            && storage::contains(SIGNED_IN)
            && !is_callback;
        if !was_signed_in {
            return false;
        }
        storage::remove(SIGNED_IN);
        // Inside a frame the restore would navigate the frame itself to the Instance ID,
        // which refuses to be framed ("refused to connect"), and a popup needs a click: the
        // sign-in button comes back instead (one click, and the popup usually returns at
        // once on the Instance ID's own session). The refresh token lived in memory only,
        // so nothing else survives a reload.
        if frame::is_framed() {
            return false;
        }
        // Reload: memory is gone, but the Instance ID session may still be alive. Ask it
        // without any UI; `login_required` brings the sign-in button back quietly.
        let path = self.path_here();
        self.redirect(instance, &path, true)
    }
}
