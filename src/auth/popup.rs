//! Sign-in and sign-out through a popup window, for an app inside a frame (the Instance ID
//! refuses to be framed). The pending request stays in memory; only the popup's URL crosses
//! windows, checked for origin, source and state.
//!
//! Waiting is a race of futures: the answer (a oneshot the message listener resolves), the
//! popup's close (its `closed` flag, the one thing that must be looked at, then a grace
//! period), and the timeout. The answer wins the moment it arrives.

use std::cell::RefCell;
use std::sync::Arc;

use erpnet_instance_id::{authorization_url, AuthorizeOptions, PendingRequest, State};
use futures::channel::oneshot;
use futures::future::{pending, FutureExt as _};
use futures::{pin_mut, select_biased};
use leptos::prelude::*;
use leptos::task::spawn_local;
use url::Url;

use crate::auth::callback_url::CallbackUrl;
use crate::auth::error::{PopupError, SignInError, SignOutError};
use crate::auth::{Auth, Instance};
use crate::browser::popup::{self, Listener, Popup};
use crate::browser::{clock, frame, random::BrowserRandom};

/// The popup's size: enough for the Instance ID's login form.
const POPUP_SIZE: (i32, i32) = (520, 680);
/// How often the opener looks at the popup's `closed` flag (no event says it closed).
const CLOSE_CHECK_MS: i32 = 200;
/// After the popup reads as closed, how long a message may still be on its way.
const GRACE_MS: i32 = 1000;
/// After a sign-out popup reads as closed, how long its confirmation may still arrive on the
/// BroadcastChannel (a window cut off by COOP finishes on its own).
const SIGN_OUT_LATE_MS: f64 = 60_000.0;

thread_local! {
    /// Held by the newest popup sign-in; replacing it (a new sign-in) resolves the older
    /// one's receiver, so its late answer is no longer waited for.
    static CURRENT_SIGN_IN: RefCell<Option<oneshot::Sender<()>>> = const { RefCell::new(None) };
}

/// How a popup ended.
enum Outcome {
    /// The popup forwarded a response whose state matched.
    Returned(CallbackUrl),
    /// It ended without a usable answer.
    Failed(PopupError),
}

impl Auth {
    /// Opens the Instance ID in a popup (synchronously: this runs inside the click handler)
    /// and completes sign-in when it answers. A second click focuses the open popup.
    pub(super) fn popup_sign_in(&self, instance: Arc<Instance>) {
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
        self.wait_for_popup_sign_in(instance, window, pending);
    }

    /// Opens a blank popup (synchronously: inside the click handler, before discovery has
    /// finished), to be sent to the Instance ID by [`Auth::popup_sign_in_opened`]. `None`:
    /// the browser blocked it (the error is set).
    pub(super) fn open_blank_popup(&self) -> Option<Popup> {
        let window = popup::open_centered("about:blank", POPUP_SIZE.0, POPUP_SIZE.1);
        if window.is_none() {
            self.error.set(Some(PopupError::Blocked.into()));
        }
        window
    }

    /// Sends a popup opened blank in an earlier click to the Instance ID, now that discovery
    /// has finished, and completes sign-in when it answers.
    pub(super) fn popup_sign_in_opened(&self, instance: Arc<Instance>, window: Popup) {
        let pending = PendingRequest::new(&mut BrowserRandom, clock::now(), "/");
        let url = authorization_url(
            &instance.config.client,
            &instance.metadata,
            &pending,
            &AuthorizeOptions::default(),
        );
        // Closed by the person while discovery ran (or no longer ours to navigate).
        if window.is_closed() || !window.navigate(url.as_str()) {
            popup::forget_popup();
            self.busy.set(false);
            self.error.set(Some(PopupError::Closed.into()));
            return;
        }
        self.wait_for_popup_sign_in(instance, window, pending);
    }

    /// Waits for the popup `window` (at the authorization endpoint for `pending`) to answer,
    /// then redeems the answer.
    fn wait_for_popup_sign_in(
        &self,
        instance: Arc<Instance>,
        window: Popup,
        pending: PendingRequest,
    ) {
        self.busy.set(true);
        self.error.set(None);
        let auth = *self;
        let (newest, superseded) = oneshot::channel();
        CURRENT_SIGN_IN.with(|c| *c.borrow_mut() = Some(newest));
        // Never longer than the pending request lives: a popup still open after that could
        // only bring back an answer the app must refuse.
        let timeout_secs = instance
            .config
            .popup_timeout_secs
            .min(erpnet_instance_id::PENDING_LIFETIME_SECS);
        let timeout_ms = timeout_secs as f64 * 1000.0;
        let mut wait = PopupWait::start(window, self.origin(), &pending.state, timeout_ms);
        // The validation chunk arrives while the person signs in, not after the answer.
        crate::auth::validate::preload();
        spawn_local(async move {
            let callback = match wait.outcome().await {
                Outcome::Returned(callback) => Some(callback),
                Outcome::Failed(e) => {
                    auth.busy.set(false);
                    auth.error.set(Some(e.into()));
                    // Say so at once, but take a late answer from a popup that COOP cut off
                    // and that still finished, unless a new sign-in has started since.
                    match e {
                        PopupError::Closed => {
                            wait.late_answer(superseded.map(drop), timeout_ms).await
                        }
                        _ => None,
                    }
                }
            };
            let Some(callback) = callback else {
                return;
            };
            auth.busy.set(true);
            let result = match callback.response() {
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
    pub(super) fn popup_sign_out(&self, end_session_url: &str, state: State) {
        let Some(window) = popup::open_centered(end_session_url, POPUP_SIZE.0, POPUP_SIZE.1) else {
            self.error.set(Some(SignOutError::PopupBlocked.into()));
            return;
        };
        let mut wait = PopupWait::start(window, self.origin(), &state, f64::INFINITY);
        let auth = *self;
        spawn_local(async move {
            match wait.outcome().await {
                Outcome::Returned(_) => auth.signed_out_confirmed(),
                Outcome::Failed(_) => {
                    auth.error.set(Some(SignOutError::NotConfirmed.into()));
                    // A popup cut off by COOP may still confirm on the BroadcastChannel.
                    if wait
                        .late_answer(pending(), SIGN_OUT_LATE_MS)
                        .await
                        .is_some()
                    {
                        auth.signed_out_confirmed();
                    }
                }
            }
        });
    }
}

/// A popup being waited on: its listener stays attached as long as this lives.
struct PopupWait {
    popup: Popup,
    /// The listener and the answer it resolves; `None` when listening failed.
    answer: Option<(Listener, oneshot::Receiver<CallbackUrl>)>,
    started: f64,
    timeout_ms: f64,
}

impl PopupWait {
    /// Starts listening for the popup to forward a response carrying `state`.
    fn start(popup: Popup, origin: String, state: &State, timeout_ms: f64) -> Self {
        let expected = state.as_str().to_owned();
        // The forwarded URL is read once, here, into the typed value the flow goes on with.
        let accept = move |url: &str| {
            Url::parse(url)
                .ok()
                .and_then(CallbackUrl::from_url)
                .filter(|c| c.query_state().as_deref() == Some(expected.as_str()))
        };
        let answer = Listener::start(&popup, origin, accept);
        Self {
            popup,
            answer,
            started: clock::now_ms(),
            timeout_ms,
        }
    }

    /// Resolves `limit_ms` after `started` (never, for an infinite limit).
    async fn deadline(started: f64, limit_ms: f64) {
        if limit_ms.is_finite() {
            let left = (started + limit_ms - clock::now_ms()).max(0.0);
            clock::sleep_ms(left.min(i32::MAX as f64) as i32).await;
        } else {
            pending::<()>().await;
        }
    }

    /// Resolves once the popup reads as closed and the grace period for a message still on
    /// its way is over, with what the close means.
    async fn closed(popup: &Popup) -> PopupError {
        while !popup.is_closed() {
            clock::sleep_ms(CLOSE_CHECK_MS).await;
        }
        clock::sleep_ms(GRACE_MS).await;
        // The signal that tells a closed popup from a cut one: a person who closes the popup
        // is back in this window, which has the focus again; a popup whose link COOP cut is
        // still open, in front, holding the focus. Read at the end of the grace period, when
        // the focus has settled.
        let back_in_focus = popup::has_focus();
        // Cut off, the popup can still answer on the BroadcastChannel, unless this frame
        // sits on another site, whose channel the browser keeps apart.
        if !back_in_focus && frame::is_cross_site_framed() {
            PopupError::Unreachable
        } else {
            PopupError::Closed
        }
    }

    /// Waits for an answer, a close, or the timeout; an answer wins any tie.
    async fn outcome(&mut self) -> Outcome {
        let Some((_, answer)) = self.answer.as_mut() else {
            return Outcome::Failed(PopupError::Unreachable);
        };
        // select_biased! polls through a mutable binding.
        let mut answer = answer;
        let timeout = Self::deadline(self.started, self.timeout_ms).fuse();
        let closed = Self::closed(&self.popup).fuse();
        pin_mut!(timeout, closed);
        select_biased! {
            callback = answer => match callback {
                Ok(callback) => Outcome::Returned(callback),
                // Only a dropped listener cancels, and it lives as long as this wait.
                Err(oneshot::Canceled) => Outcome::Failed(PopupError::Unreachable),
            },
            () = timeout => {
                popup::forget_popup();
                Outcome::Failed(PopupError::Timeout)
            },
            e = closed => Outcome::Failed(e),
        }
    }

    /// After a close: a popup cut off by COOP may still answer on the BroadcastChannel
    /// until `limit_ms` after opening, unless `cancelled` resolves first.
    async fn late_answer(
        &mut self,
        cancelled: impl std::future::Future<Output = ()>,
        limit_ms: f64,
    ) -> Option<CallbackUrl> {
        let (_, answer) = self.answer.as_mut()?;
        // select_biased! polls through a mutable binding.
        let mut answer = answer;
        let limit = Self::deadline(self.started, limit_ms).fuse();
        let cancelled = cancelled.fuse();
        pin_mut!(limit, cancelled);
        select_biased! {
            callback = answer => callback.ok(),
            () = cancelled => None,
            () = limit => None,
        }
    }
}

impl From<PopupError> for SignInError {
    fn from(e: PopupError) -> Self {
        SignInError::Popup(e)
    }
}
