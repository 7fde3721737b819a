//! Expiry: once a second, the session is renewed before its access token expires (when
//! there is a refresh token), else ended when it expires, with the reason shown.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::Auth;
use crate::browser::clock;

impl Auth {
    /// Starts the once-a-second check; it lives as long as the app.
    pub(super) fn watch_expiry(&self) {
        let auth = *self;
        let check = move || {
            let now = clock::now();
            let Some(times) = auth.session.with_untracked(|s| s.as_ref().map(|s| s.times)) else {
                return;
            };
            if auth.should_refresh(&times, now) {
                spawn_local(async move {
                    auth.refresh_now().await;
                });
                return;
            }
            if times.is_expired(now, 0) && !auth.refresh_in_flight() {
                auth.session.set(None);
                auth.refresh_token.set_value(None);
                auth.error.set(Some(auth.expiry_error().into()));
            }
        };
        set_interval(check, std::time::Duration::from_secs(1));
    }
}
