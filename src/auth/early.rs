//! The sign-in button before discovery has finished. On a plain signed-out visit the button
//! shows once config.json is loaded; a click is taken at once and finished when discovery is:
//! a redirect leaves then, and a popup is opened blank inside the click (the browser allows
//! popups only there) and sent to the Instance ID then. A failed discovery closes that popup
//! and shows its error: nothing reaches the authorization endpoint before discovery succeeded.
//! Before the app has even started, index.html's pre-rendered button takes the click
//! ([`crate::browser::shell`]); the app takes it over as its own page replaces that one.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;

use crate::auth::config::AppConfig;
use crate::auth::storage_keys::SIGNED_IN;
use crate::auth::{Auth, Instance, Phase};
use crate::browser::popup::{self, Popup};
use crate::browser::{frame, shell, storage};

thread_local! {
    /// The click taken before discovery finished, if any (one at a time: the button is busy).
    static WAITING: RefCell<Option<EarlyClick>> = const { RefCell::new(None) };
}

/// A sign-in click that waits for discovery.
enum EarlyClick {
    /// Redirect sign-in, coming back to this app path.
    Redirect(String),
    /// Popup sign-in, in this window opened blank inside the click.
    Popup(Popup),
}

/// True while a redirect click taken before discovery waits for it.
pub(super) fn redirect_waiting() -> bool {
    WAITING.with(|w| matches!(*w.borrow(), Some(EarlyClick::Redirect(_))))
}

/// Whether the sign-in button may show before discovery: only on a plain visit of a
/// signed-out tab. Not on an address the Instance ID sent back (a callback, a sign-out return,
/// a popup forwarding its answer) nor in a tab that will restore its session silently, where
/// a button would flash wrongly.
pub(super) fn button_before_discovery(returned: bool) -> bool {
    !returned && !storage::contains(SIGNED_IN)
}

impl Auth {
    /// Takes a sign-in click while discovery still runs (runs inside the click handler).
    pub(super) fn sign_in_early(&self, config: &AppConfig) {
        self.take_click(config, None);
    }

    /// Removes the page pre-rendered in index.html as start-up leaves [`Phase::Starting`] for
    /// `next` ([`Auth::enter`]); a click its button took becomes a click waiting for
    /// discovery, or, when start-up failed, goes no further (its blank popup closes).
    pub(super) fn take_over_shell(&self, next: &Phase) {
        if let Some(click) = shell::take_over() {
            match next {
                Phase::Discovering(config) => self.take_click(config, click.popup),
                Phase::Ready(instance) => self.take_click(&instance.config, click.popup),
                Phase::Starting | Phase::Failed(_) => close(click.popup),
            }
        }
    }

    /// Keeps a click until discovery has finished. `opened`: the blank popup the pre-rendered
    /// button opened inside its click; otherwise one is opened here (inside this click).
    fn take_click(&self, config: &AppConfig, opened: Option<Popup>) {
        if WAITING.with(|w| w.borrow().is_some()) {
            popup::focus_open_popup();
            return;
        }
        let click = if self.uses_popup(config) {
            match opened {
                Some(window) => EarlyClick::Popup(window),
                None if popup::focus_open_popup() => return,
                None => match self.open_blank_popup() {
                    Some(window) => EarlyClick::Popup(window),
                    None => return,
                },
            }
        } else {
            close(opened);
            // A framed app always uses the popup; checked again where the redirect starts.
            if frame::is_framed() {
                return;
            }
            EarlyClick::Redirect(self.path_here())
        };
        self.busy.set(true);
        self.error.set(None);
        WAITING.with(|w| *w.borrow_mut() = Some(click));
    }

    /// After discovery: finishes a click taken before it with `instance`, or, when discovery
    /// failed (`None`), drops it and closes its blank popup. True when a redirect is leaving
    /// (start-up stops there).
    pub(super) fn finish_early_click(&self, instance: Option<&Arc<Instance>>) -> bool {
        let Some(click) = WAITING.with(|w| w.borrow_mut().take()) else {
            return false;
        };
        match (click, instance) {
            (EarlyClick::Redirect(path), Some(instance)) => {
                let _ = self.redirect(instance, &path, false);
                true
            }
            (EarlyClick::Popup(window), Some(instance)) => {
                self.popup_sign_in_opened(instance.clone(), window);
                false
            }
            (click, None) => {
                if let EarlyClick::Popup(window) = click {
                    close(Some(window));
                }
                self.busy.set(false);
                false
            }
        }
    }
}

/// Closes a blank popup that will not be used, and forgets it.
fn close(popup: Option<Popup>) {
    if let Some(window) = popup {
        window.close();
        popup::forget_popup();
    }
}
