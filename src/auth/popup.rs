//! Sign-in and sign-out through a popup window, for an app inside a frame (the Instance ID
//! refuses to be framed). The pending request stays in memory; only the popup's URL crosses
//! windows, checked for origin, source and state.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use instance_id::{authorization_url, parse_callback, AuthorizeOptions, PendingRequest, State};
use leptos::prelude::*;
use leptos::task::spawn_local;
use url::Url;

use crate::auth::error::{PopupError, SignInError, SignOutError};
use crate::auth::Auth;
use crate::auth::Instance;
use crate::browser::{clock, frame, popup, random::BrowserRandom};

/// The popup's size: enough for the Instance ID's login form.
const POPUP_SIZE: (i32, i32) = (520, 680);
/// How often the opener looks at the popup.
const POLL_MS: i32 = 200;
/// After the popup reads as closed, how long a message may still be on its way.
const GRACE_MS: f64 = 1000.0;
/// After a sign-out popup reads as closed, how long its confirmation may still arrive on the
/// BroadcastChannel (a window cut off by COOP finishes on its own).
const SIGN_OUT_LATE_MS: f64 = 60_000.0;

thread_local! {
    /// Bumped by every popup sign-in, so an older one's late answer is ignored.
    static POPUP_GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How a popup ended.
enum Outcome {
    /// The popup forwarded a URL whose state matched.
    Returned(Url),
    /// It ended without a usable answer.
    Failed(PopupError),
}

impl Auth {
    /// Opens the Instance ID in a popup (synchronously: this runs inside the click handler)
    /// and completes sign-in when it answers. A second click focuses the open popup.
    pub(crate) fn popup_sign_in(&self, instance: Arc<Instance>) {
        if popup::focus_open_popup() {
            return;
        }
        let pending = PendingRequest::new(&mut BrowserRandom, clock::now(), "/");
        let url = authorization_url(
            &instance.config.client,
            &instance.metadata,
            &pending,
            &AuthorizeOptions::default(),
        );
        let Some(window) = popup::open_centered(url.as_str(), POPUP_SIZE.0, POPUP_SIZE.1) else {
            self.error.set(Some(PopupError::Blocked.into()));
            return;
        };
        self.busy.set(true);
        self.error.set(None);
        let auth = *self;
        let generation = POPUP_GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        let current = move || POPUP_GENERATION.with(|g| g.get()) == generation;
        // Never longer than the pending request lives: a popup still open after that could
        // only bring back an answer the app must refuse.
        let timeout_secs = instance
            .config
            .popup_timeout_secs
            .min(instance_id::PENDING_LIFETIME_SECS);
        let timeout_ms = timeout_secs as f64 * 1000.0;
        let wait = PopupWait::start(window, self.origin(), &pending.state, timeout_ms);
        spawn_local(async move {
            let url = match wait.outcome().await {
                Outcome::Returned(url) => Some(url),
                Outcome::Failed(e) => {
                    auth.busy.set(false);
                    auth.error.set(Some(e.into()));
                    // Say so at once, but take a late answer from a popup that COOP cut off
                    // and that still finished, unless a new sign-in has started since.
                    match e {
                        PopupError::Closed => wait.late_answer(current, timeout_ms).await,
                        _ => None,
                    }
                }
            };
            let Some(url) = url else {
                return;
            };
            auth.busy.set(true);
            let result = match parse_callback(&url) {
                Ok(response) => auth.redeem(&instance, response, pending).await,
                Err(e) => Err(e.into()),
            };
            auth.busy.set(false);
            match result {
                Ok(redeemed) => auth.signed_in(redeemed.session, redeemed.refresh_token),
                Err(e) => auth.error.set(Some(e.into())),
            }
        });
    }

    /// Ends the Instance ID session in a popup; the local session is already forgotten. No
    /// timeout: the Instance ID may ask the person to confirm, and nothing closes a window
    /// they are still reading.
    pub(crate) fn popup_sign_out(&self, end_session_url: &str, state: State) {
        let Some(window) = popup::open_centered(end_session_url, POPUP_SIZE.0, POPUP_SIZE.1) else {
            self.error.set(Some(SignOutError::PopupBlocked.into()));
            return;
        };
        let wait = PopupWait::start(window, self.origin(), &state, f64::INFINITY);
        let auth = *self;
        spawn_local(async move {
            match wait.outcome().await {
                Outcome::Returned(_) => auth.signed_out_confirmed(),
                Outcome::Failed(_) => {
                    auth.error.set(Some(SignOutError::NotConfirmed.into()));
                    // A popup cut off by COOP may still confirm on the BroadcastChannel.
                    if wait.late_answer(|| true, SIGN_OUT_LATE_MS).await.is_some() {
                        auth.signed_out_confirmed();
                    }
                }
            }
        });
    }
}

/// A popup being waited on: its listener stays attached as long as this lives.
struct PopupWait {
    window: web_sys::Window,
    received: Rc<RefCell<Option<String>>>,
    listener: Option<popup::Listener>,
    started: f64,
    timeout_ms: f64,
}

impl PopupWait {
    /// Starts listening for the popup to forward a URL carrying `state`.
    fn start(window: web_sys::Window, origin: String, state: &State, timeout_ms: f64) -> Self {
        let received = Rc::new(RefCell::new(None::<String>));
        let expected = state.as_str().to_owned();
        let accept: Rc<dyn Fn(&str) -> bool> = Rc::new(move |url: &str| {
            Url::parse(url)
                .is_ok_and(|u| u.query_pairs().any(|(k, v)| k == "state" && v == expected))
        });
        let listener = popup::Listener::start(window.clone(), origin, accept, received.clone());
        Self {
            window,
            received,
            listener,
            started: js_sys::Date::now(),
            timeout_ms,
        }
    }

    fn take_url(&self) -> Option<Url> {
        self.received
            .borrow_mut()
            .take()
            .and_then(|u| Url::parse(&u).ok())
    }

    /// Waits for an answer, a close, or the timeout.
    async fn outcome(&self) -> Outcome {
        if self.listener.is_none() {
            return Outcome::Failed(PopupError::Unreachable);
        }
        let mut closed_at: Option<f64> = None;
        loop {
            if let Some(url) = self.take_url() {
                return Outcome::Returned(url);
            }
            let elapsed = js_sys::Date::now() - self.started;
            if elapsed > self.timeout_ms {
                popup::forget_popup();
                return Outcome::Failed(PopupError::Timeout);
            }
            if closed_at.is_none() && popup::is_closed(&self.window) {
                closed_at = Some(elapsed);
            }
            if let Some(at) = closed_at {
                if elapsed - at > GRACE_MS {
                    // The signal that tells a closed popup from a cut one: a person who closes
                    // the popup is back in this window, which has the focus again; a popup
                    // whose link COOP cut is still open, in front, holding the focus. Read at
                    // the end of the grace period, when the focus has settled.
                    let back_in_focus = popup::has_focus();
                    // Cut off, the popup can still answer on the BroadcastChannel, unless this
                    // frame sits on another site, whose channel the browser keeps apart.
                    return Outcome::Failed(if !back_in_focus && frame::is_cross_site_framed() {
                        PopupError::Unreachable
                    } else {
                        PopupError::Closed
                    });
                }
            }
            clock::sleep_ms(POLL_MS).await;
        }
    }

    /// After a close: a popup cut off by COOP may still answer on the BroadcastChannel
    /// until `limit_ms` after opening, while `still_wanted` holds.
    async fn late_answer(&self, still_wanted: impl Fn() -> bool, limit_ms: f64) -> Option<Url> {
        while still_wanted() && js_sys::Date::now() - self.started < limit_ms {
            if let Some(url) = self.take_url() {
                return Some(url);
            }
            clock::sleep_ms(POLL_MS).await;
        }
        None
    }
}

impl From<PopupError> for SignInError {
    fn from(e: PopupError) -> Self {
        SignInError::Popup(e)
    }
}
