//! The sign-in button before discovery has finished. On a plain signed-out visit the button
//! shows once config.json is loaded; a click is taken at once and finished when discovery is:
//! a redirect leaves then, and a popup is opened blank inside the click (the browser allows
//! popups only there) and sent to the Instance ID then. A failed discovery closes that popup
//! and shows its error: nothing reaches the authorization endpoint before discovery succeeded.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;

use crate::auth::config::AppConfig;
use crate::auth::storage_keys::SIGNED_IN;
use crate::auth::{Auth, Instance};
use crate::browser::popup::{self, Popup};
use crate::browser::{frame, storage};

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
        if WAITING.with(|w| w.borrow().is_some()) {
            popup::focus_open_popup();
            return;
        }
        let click = if self.uses_popup(config) {
            if popup::focus_open_popup() {
                return;
            }
            match self.open_blank_popup() {
                Some(window) => EarlyClick::Popup(window),
                None => return,
            }
        } else {
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
                    window.close();
                    popup::forget_popup();
                }
                self.busy.set(false);
                false
            }
        }
    }
}
