//! Start-up: hand a popup's answer to its opener, else discover the instance (or reuse what
//! the sign-in page carried across the redirect), finish a sign-out return, and restore a
//! reloaded tab's session silently.

use leptos::prelude::*;
use std::sync::Arc;

use crate::auth::app_base::AppBase;
use crate::auth::callback_url::CallbackUrl;
use crate::auth::error::StartError;
use crate::auth::instance::load_config;
use crate::auth::{early, pending, sign_out, validate, Auth, Instance, Phase};
use crate::browser::{location, popup};

/// How long a popup waits for its opener to acknowledge the URL it forwarded.
const OPENER_ACK_MS: i32 = 2000;

impl Auth {
    /// Runs once, from [`Auth::provide`].
    pub(super) async fn start(self) {
        // The address the page loaded with, read once for every decision below.
        let returned = CallbackUrl::current();
        let Some(app_base) = self.app_base() else {
            if let Some(returned) = &returned {
                returned.scrub();
            }
            self.enter(Phase::Failed(StartError::NoBase.into()));
            return;
        };
        // A sign-in answer is redeemed in this tab or its opener: the validation chunk is
        // fetched now, beside discovery and the token POST, never after them.
        let sign_in_answer = returned
            .as_ref()
            .is_some_and(CallbackUrl::is_sign_in_answer);
        if sign_in_answer {
            validate::preload();
        }
        let returned_state = returned.as_ref().and_then(CallbackUrl::query_state);
        // Pending requests past their lifetime go, whatever happened to them (an abandoned
        // sign-in, a closed tab restored); the one this URL answers stays, so its callback can
        // say "expired" rather than "unknown".
        pending::purge_stale(returned_state.as_deref());
        // A popup this app opened, back from the Instance ID: hand the URL (code or logout
        // state) to the opener, which does the rest. Not when this tab itself is waiting for
        // that state (a redirect flow, also in a tab another site opened), and only to an
        // opener of this origin that acknowledges the state; otherwise it is handled here.
        if let Some(state) = returned_state {
            if !waits_here(&state)
                && popup::forward_to_opener(&app_base.origin(), OPENER_ACK_MS).await
            {
                return;
            }
        }
        // Coming back from the Instance ID: reuse what the sign-in page already discovered,
        // so the token POST is the only request on the critical path.
        let carried = returned
            .as_ref()
            .and_then(|_| Instance::take_carried(&app_base));
        let instance = match carried {
            Some((instance, jwks)) => {
                self.jwks.set(jwks.map(Arc::new));
                instance
            }
            None => match self.discover(&app_base, returned.is_some()).await {
                Ok(instance) => instance,
                Err(e) => {
                    // No code can be redeemed now; it must not stay in the address bar (or
                    // history) either.
                    if let Some(returned) = &returned {
                        returned.scrub();
                    }
                    self.enter(Phase::Failed(e.into()));
                    // A click taken meanwhile goes no further (its blank popup closes).
                    self.finish_early_click(None);
                    return;
                }
            },
        };
        let instance = Arc::new(instance);
        self.clock_offset.set(instance.clock_offset);
        // Before the phase is ready: the page keeps running until the Instance ID answers,
        // and a ready signed-out page would show its sign-in button meanwhile.
        if self.restore_silently(&instance, returned.is_some()) {
            return;
        }
        self.enter(Phase::Ready(instance.clone()));
        self.listen_to_other_tabs();
        self.finish_sign_out(returned.as_ref());
        if early::redirect_waiting() {
            // The keys travel across the redirect as they do after a later click, so the
            // callback's only request stays the token POST (one round trip for this click).
            self.prefetch_jwks(&instance).await;
        }
        if self.finish_early_click(Some(&instance)) {
            return;
        }
        // The callback page's answer is redeemed here, in start-up's first steps (which run
        // before the app builds its views): the token POST, the callback's one request on its
        // critical path, leaves before the page is built. The page shows the outcome.
        if on_callback_page(&instance) {
            let outcome = self.complete_sign_in(instance).await;
            self.callback_outcome.set(Some(outcome));
            return;
        }
        // Fetched early so it is ready before any token response arrives; not on a sign-in
        // callback, whose redemption fetches the keys beside its token POST (one fetch, not
        // two racing).
        if !sign_in_answer {
            self.prefetch_jwks(&instance).await;
        }
    }
}

impl Auth {
    /// config.json, then the instance's discovery. On a plain signed-out visit (not
    /// `returned` from the Instance ID) the sign-in button shows in between
    /// ([`Phase::Discovering`]), so the first visit does not wait for discovery's round trips.
    async fn discover(&self, app_base: &AppBase, returned: bool) -> Result<Instance, StartError> {
        let (config, clock_offset) = load_config(app_base).await?;
        if early::button_before_discovery(returned) {
            self.enter(Phase::Discovering(Arc::new(config.clone())));
        }
        Instance::discover_with(config, clock_offset).await
    }
}

/// True when the address bar shows the redirect URI (the callback page), with or without an
/// answer, and with or without the trailing slash a static host adds when it serves the
/// page's copy (`signin-callback/index.html`); the router matches both too.
fn on_callback_page(instance: &Instance) -> bool {
    let callback = instance.config.client.redirect_uri().path();
    location::current_url().is_some_and(|url| {
        let path = url.path();
        path.strip_suffix('/').unwrap_or(path) == callback
    })
}

/// True when this tab itself sent the request that `state` answers: a pending redirect
/// sign-in or a redirect sign-out (both kept in this tab's sessionStorage).
fn waits_here(state: &str) -> bool {
    sign_out::waits_for(state) || pending::exists(state)
}
