//! The sign-in popup window and the messages it sends back.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Window};

/// The channel a popup uses when `window.opener` was cut (COOP on the provider's pages).
const CHANNEL: &str = "erpnet-popup";
/// Reply on [`CHANNEL`] that tells a popup its message arrived.
const ACK_PREFIX: &str = "ack ";

thread_local! {
    static CURRENT: RefCell<Option<Window>> = const { RefCell::new(None) };
}

/// Opens `url` in a popup centred over the app. Must run synchronously inside the click
/// handler (before any `await`), or the browser blocks it. `None`: the browser blocked it.
pub fn open_centered(url: &str, width: i32, height: i32) -> Option<Window> {
    let window = web_sys::window()?;
    let num = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    let left = num(window.screen_x()) + (num(window.outer_width()) - width).max(0) / 2;
    let top = num(window.screen_y()) + (num(window.outer_height()) - height).max(0) / 2;
    let features = format!("popup=yes,width={width},height={height},left={left},top={top}");
    // A fresh window each time: a named target could be the previous popup, still closing.
    let popup = window
        .open_with_url_and_target_and_features(url, "_blank", &features)
        .ok()
        .flatten()?;
    CURRENT.with(|c| *c.borrow_mut() = Some(popup.clone()));
    Some(popup)
}

/// Focuses the popup this page opened, if it is still open; true if there was one.
pub fn focus_open_popup() -> bool {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(w) if !w.closed().unwrap_or(true) => w.focus().is_ok(),
        _ => false,
    })
}

/// Forgets (and closes, if still open) the popup this page opened.
pub fn forget_popup() {
    if let Some(w) = CURRENT.with(|c| c.borrow_mut().take()) {
        let _ = w.close();
    }
}

/// Whether the popup reads as closed (closed by the user, or its link cut by COOP).
pub fn is_closed(popup: &Window) -> bool {
    popup.closed().unwrap_or(true)
}

/// Whether this document has the focus (`document.hasFocus()`): back in front after the
/// person closed the popup, not while a popup that COOP cut off is still open in front.
pub fn has_focus() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.has_focus().ok())
        .unwrap_or(false)
}

/// Listens for the URL a popup forwards, from exactly that popup and this origin, and for the
/// same URL on the BroadcastChannel fallback. `accept` decides on the URL (by its state).
/// Dropping the listener detaches everything.
pub struct Listener {
    _message: Closure<dyn Fn(MessageEvent)>,
    _channel_handler: Closure<dyn Fn(MessageEvent)>,
    channel: Option<BroadcastChannel>,
    message_fn: js_sys::Function,
}

impl Listener {
    /// Starts listening. `received` gets the first URL that `accept` takes.
    pub fn start(
        popup: Window,
        origin: String,
        accept: Rc<dyn Fn(&str) -> bool>,
        received: Rc<RefCell<Option<String>>>,
    ) -> Option<Self> {
        let window = web_sys::window()?;
        let (acc, rec) = (accept.clone(), received.clone());
        let message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let from_popup = event
                .source()
                .is_some_and(|s| js_sys::Object::is(&s, &JsValue::from(popup.clone())));
            if event.origin() != origin || !from_popup {
                return;
            }
            if let Some(url) = event.data().as_string() {
                if rec.borrow().is_none() && acc(&url) {
                    // Tells the popup its answer was taken (it closes only then).
                    if let Some(source) = event.source() {
                        let source = source.unchecked_into::<Window>();
                        let ack = JsValue::from_str(&format!("{ACK_PREFIX}{url}"));
                        let _ = source.post_message(&ack, &origin);
                    }
                    *rec.borrow_mut() = Some(url);
                }
            }
        });
        let message_fn: js_sys::Function =
            message.as_ref().unchecked_ref::<js_sys::Function>().clone();
        window
            .add_event_listener_with_callback("message", &message_fn)
            .ok()?;
        let channel = BroadcastChannel::new(CHANNEL).ok();
        let reply = channel.clone();
        let channel_handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            // BroadcastChannel only carries same-origin messages; the state decides.
            if let Some(url) = event.data().as_string() {
                if received.borrow().is_none() && accept(&url) {
                    if let Some(c) = &reply {
                        let _ = c.post_message(&JsValue::from_str(&format!("{ACK_PREFIX}{url}")));
                    }
                    *received.borrow_mut() = Some(url);
                }
            }
        });
        if let Some(c) = &channel {
            c.set_onmessage(Some(channel_handler.as_ref().unchecked_ref()));
        }
        Some(Self {
            _message: message,
            _channel_handler: channel_handler,
            channel,
            message_fn,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback("message", &self.message_fn);
        }
        if let Some(c) = &self.channel {
            c.set_onmessage(None);
            c.close();
        }
    }
}

/// In a popup the app opened: hands this window's URL to the opener and closes once the
/// opener acknowledges it. Only an opener of this very origin is asked (a page of another site
/// that opened this tab gets nothing), and only an opener waiting for this state answers, so
/// false (handle the URL here) when there is no such opener or no answer within `wait_ms`.
pub async fn forward_to_opener(origin: &str, wait_ms: i32) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(href) = window.location().href() else {
        return false;
    };
    let opener = window
        .opener()
        .ok()
        .filter(|o| !o.is_null() && !o.is_undefined());
    let Some(opener) = opener else {
        return false;
    };
    if opener_origin(&opener).as_deref() != Some(origin) {
        return false;
    }
    // The opener is another realm's WindowProxy: `instanceof Window` is false for it, so the
    // cast is unchecked (postMessage is all that is called on it).
    let opener = opener.unchecked_into::<Window>();
    let acked = Rc::new(RefCell::new(false));
    let (flag, expected, from) = (acked.clone(), format!("{ACK_PREFIX}{href}"), opener.clone());
    let own_origin = origin.to_owned();
    let on_ack = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let from_opener = event
            .source()
            .is_some_and(|s| js_sys::Object::is(&s, &JsValue::from(from.clone())));
        if from_opener
            && event.origin() == own_origin
            && event.data().as_string().as_deref() == Some(expected.as_str())
        {
            *flag.borrow_mut() = true;
        }
    });
    let on_ack_fn: &js_sys::Function = on_ack.as_ref().unchecked_ref();
    if window
        .add_event_listener_with_callback("message", on_ack_fn)
        .is_err()
    {
        return false;
    }
    // Exact target origin: only the app itself may read the code.
    let posted = opener
        .post_message(&JsValue::from_str(&href), origin)
        .is_ok();
    let mut waited = 0;
    while posted && waited < wait_ms && !*acked.borrow() {
        crate::browser::clock::sleep_ms(25).await;
        waited += 25;
    }
    let _ = window.remove_event_listener_with_callback("message", on_ack_fn);
    let taken = *acked.borrow();
    if taken {
        let _ = window.close();
    }
    taken
}

/// The origin of `opener`'s document, or `None` when it is on another origin (reading a
/// cross-origin Location's `origin` throws) or cannot be read.
fn opener_origin(opener: &JsValue) -> Option<String> {
    let location = js_sys::Reflect::get(opener, &JsValue::from_str("location")).ok()?;
    js_sys::Reflect::get(&location, &JsValue::from_str("origin"))
        .ok()?
        .as_string()
}

/// In a window whose opener link was cut: sends `href` (this window's callback URL, as it
/// arrived) on the BroadcastChannel and waits up to `wait_ms` for the app to acknowledge it.
pub async fn forward_by_channel_async(href: &str, wait_ms: i32) -> bool {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return false;
    };
    let acked = Rc::new(RefCell::new(false));
    let (flag, expected) = (acked.clone(), format!("{ACK_PREFIX}{href}"));
    let on_ack = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if event.data().as_string().as_deref() == Some(expected.as_str()) {
            *flag.borrow_mut() = true;
        }
    });
    channel.set_onmessage(Some(on_ack.as_ref().unchecked_ref()));
    let _ = channel.post_message(&JsValue::from_str(href));
    let mut waited = 0;
    while waited < wait_ms && !*acked.borrow() {
        crate::browser::clock::sleep_ms(50).await;
        waited += 50;
    }
    channel.set_onmessage(None);
    channel.close();
    let result = *acked.borrow();
    result
}
