//! Redirect sign-in: the start (a pending request kept in this tab, then a top-level
//! navigation to the authorization endpoint) and the end (the `/signin-callback` page).

use leptos::prelude::*;
use std::sync::Arc;

use erpnet_instance_id::{authorization_url, AuthorizeOptions, PendingRequest};

use crate::auth::callback_url::CallbackUrl;
use crate::auth::error::{AppError, SignInError};
use crate::auth::redeem::Redeemed;
use crate::auth::{jwks, pending, silent, Auth, Instance, Phase};
use crate::browser::{clock, frame, location, random::BrowserRandom};

impl Auth {
    /// Starts sign-in (popup or redirect, from `sign_in_mode`); it comes back to the page
    /// the person is on.
    pub fn sign_in(&self) {
        let instance = match self.phase.get_untracked() {
            Phase::Ready(instance) => instance,
            // Discovery still running: the click is taken now and finished after it.
            Phase::Discovering(config) => return self.sign_in_early(&config),
            Phase::Starting | Phase::Failed(_) => {
                self.error.set(Some(SignInError::NotReady.into()));
                return;
            }
        };
        if self.uses_popup(&instance.config) {
            self.popup_sign_in(instance);
        } else {
            // Checked by `sanitize_return_path` in the pending request, the callback page
            // included.
            let path = self.path_here();
            // A click while start-up's key prefetch is in flight waits for it (a redirect
            // needs no user activation): the keys then travel with the redirect.
            self.busy.set(true);
            let auth = *self;
            leptos::task::spawn_local(async move {
                jwks::prefetch_done().await;
                let _ = auth.redirect(&instance, &path, false);
            });
        }
    }

    /// Leaves for the authorization endpoint; `silent` asks with `prompt=none`. False when it
    /// stays (framed, or the pending request could not be kept: that error is shown).
    pub(super) fn redirect(&self, instance: &Instance, return_path: &str, silent: bool) -> bool {
        // A framed app never navigates its own frame to the Instance ID, whoever asks.
        if frame::is_framed() {
            return false;
        }
        self.busy.set(true);
        self.error.set(None);
        let pending = PendingRequest::new(&mut BrowserRandom, clock::now(), return_path);
        let options = AuthorizeOptions {
            prompt: silent.then(|| "none".to_owned()),
            ..AuthorizeOptions::default()
        };
        let url = authorization_url(
            &instance.config.client,
            &instance.metadata,
            &pending,
            &options,
        );
        if silent {
            silent::remember(&pending);
        } else {
            silent::forget();
        }
        if !pending::save(&pending) {
            self.busy.set(false);
            self.error.set(Some(SignInError::StorageUnavailable.into()));
            return false;
        }
        if let Some(app_base) = self.app_base() {
            instance.carry(
                &app_base,
                self.jwks.get_untracked().as_deref(),
                self.clock_offset.get_untracked(),
            );
        }
        location::navigate(url.as_str());
        true
    }

    /// Handles the Instance ID's answer at `/signin-callback`; on success returns the app
    /// path to go to (the one the user was on; the start page when nothing came back). The
    /// address bar loses `code` and `state` whatever happens. Start-up calls it on the callback
    /// page once the instance is known ([`Auth::callback_outcome`]).
    pub(super) async fn complete_sign_in(
        &self,
        instance: Arc<Instance>,
    ) -> Result<String, AppError> {
        // Nothing came back here (a bookmark, a typed URL, a silent restore leaving from this
        // page): nothing to redeem, and a silent restore's own answer must find its state
        // untouched. The start page is where to be.
        let Some(callback) = CallbackUrl::current() else {
            return Ok("/".to_owned());
        };
        self.busy.set(true);
        let silent = silent::take();
        // Parsed once: its state decides whether a failure is a quiet silent one.
        let response = callback.response();
        let callback_state = response
            .as_ref()
            .ok()
            .and_then(|r| r.state().map(str::to_owned));
        let result = self.redeem_callback(&instance, &callback, response).await;
        self.busy.set(false);
        match result {
            Ok(Redeemed {
                session,
                refresh_token,
                return_path,
            }) => {
                self.signed_in(session, refresh_token);
                Ok(return_path)
            }
            Err(e) => {
                if let Some(path) = silent
                    .as_ref()
                    .and_then(|s| s.quiet_return(&e, callback_state.as_deref()))
                {
                    return Ok(path);
                }
                let e = AppError::from(e);
                self.error.set(Some(e.clone()));
                Err(e)
            }
        }
    }
}
