//! Sign-out: forget the session in every tab, revoke the refresh token, end the Instance ID
//! session at its end-session endpoint (redirect or popup), and check the way back.

use erpnet_instance_id::{end_session_url, parse_logout_return, State};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::callback_url::CallbackUrl;
use crate::auth::error::SignOutError;
use crate::auth::storage_keys::{LOGOUT, SIGNED_IN};
use crate::auth::Auth;
use crate::browser::{channel, location, random::BrowserRandom, storage};

/// BroadcastChannel message: a tab signed out.
const SIGNED_OUT: &str = "signed-out";

/// True when this tab sent a redirect sign-out with `state`.
pub(super) fn waits_for(state: &str) -> bool {
    storage::get::<State>(LOGOUT).is_some_and(|expected| expected.as_str() == state)
}

impl Auth {
    /// Forgets the session in this and every other tab, then ends the Instance ID session
    /// (end-session endpoint with `id_token_hint`, `post_logout_redirect_uri` and `state`).
    pub fn sign_out(&self) {
        let session = self.session.get_untracked();
        self.session.set(None);
        storage::remove(SIGNED_IN);
        channel::announce(SIGNED_OUT);
        if let Some(session) = session {
            self.last_id_token.set_value(Some(session.id_token));
        }
        // Revoked before the end-session navigation starts (a popup opens first: it must be
        // opened inside the click), so the refresh token dies with the session.
        let revoke = self.revoke_refresh_token();
        if self.instance().is_some_and(|i| self.uses_popup(&i.config)) {
            self.end_instance_session();
            spawn_local(revoke);
        } else {
            let auth = *self;
            spawn_local(async move {
                revoke.await;
                auth.end_instance_session();
            });
        }
    }

    /// Ends the Instance ID session again, after a sign-out it did not confirm.
    pub fn retry_sign_out(&self) {
        self.error.set(None);
        self.end_instance_session();
    }

    fn end_instance_session(&self) {
        let Some(instance) = self.instance() else {
            return;
        };
        let state = State::generate(&mut BrowserRandom);
        let hint = self.last_id_token.get_value();
        let url = end_session_url(
            &instance.config.client,
            &instance.metadata,
            hint.as_ref(),
            &state,
        );
        let Some(url) = url else {
            self.error.set(Some(SignOutError::NoEndpoint.into()));
            return;
        };
        if self.uses_popup(&instance.config) {
            self.popup_sign_out(url.as_str(), state);
            return;
        }
        storage::save(LOGOUT, &state);
        location::navigate(url.as_str());
    }

    /// The Instance ID confirmed the sign-out: nothing is left to retry.
    pub(super) fn signed_out_confirmed(&self) {
        self.last_id_token.set_value(None);
        self.error.set(None);
    }

    /// Back from the end-session endpoint (or back some other way while a sign-out was under
    /// way): check the state and clean the address bar. `returned` is the address the page
    /// loaded with, when it carries response parameters.
    pub(super) fn finish_sign_out(&self, returned: Option<&CallbackUrl>) {
        // Taken: one return answers one sign-out.
        let Some(expected) = storage::take::<State>(LOGOUT) else {
            return;
        };
        // A sign-in callback is never a sign-out return, whatever its state says.
        if returned.is_some_and(CallbackUrl::is_sign_in_answer) {
            return;
        }
        match returned.filter(|r| r.query_state().is_some()) {
            Some(returned) => {
                match parse_logout_return(returned.url(), &expected) {
                    Ok(()) => self.signed_out_confirmed(),
                    Err(e) => self.error.set(Some(SignOutError::Logout(e).into())),
                }
                if let Some(app_base) = self.app_base() {
                    location::replace_url(app_base.as_str());
                }
            }
            // The person came back without the Instance ID sending them: it may have kept its
            // session (it returns only with a valid id_token_hint, after any confirmation).
            None => self.error.set(Some(SignOutError::NotConfirmed.into())),
        }
    }

    /// One tab's sign-out reaches the others.
    pub(super) fn listen_to_other_tabs(&self) {
        let session = self.session;
        channel::listen(move |message| {
            if message == SIGNED_OUT {
                session.set(None);
                storage::remove(SIGNED_IN);
            }
        });
    }
}
