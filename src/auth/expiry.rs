//! Expiry: once a second, the session is renewed before its access token expires (when
//! there is a refresh token), else ended when it expires, with the reason shown; and the
//! ticking clock the session panel counts down with.

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
        if let Some(timer) = clock::every(1000, check) {
            timer.forever();
        }
    }
}

/// The current time in Unix seconds as a signal that ticks every second while the view that
/// asked for it lives (the session panel's countdown).
pub fn ticking_now() -> Signal<u64> {
    let (now, set_now) = signal(clock::now());
    let timer = StoredValue::new_local(clock::every(1000, move || set_now.set(clock::now())));
    // Dropping the timer stops it: with the view, not with the page.
    on_cleanup(move || timer.set_value(None));
    now.into()
}
