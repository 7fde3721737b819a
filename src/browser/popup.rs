//! The sign-in popup window and the messages it sends back.
//!
//! Answers arrive as futures: the message listener resolves a oneshot channel, so a waiting
//! flow wakes the moment the answer comes, not at its next look.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{self, Either};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Window};

use crate::browser::clock;

/// The channel a popup uses when `window.opener` was cut (COOP on the provider's pages).
const CHANNEL: &str = "erpnet-popup";
/// Reply on [`CHANNEL`] that tells a popup its message arrived.
const ACK_PREFIX: &str = "ack ";

thread_local! {
    static CURRENT: RefCell<Option<Window>> = const { RefCell::new(None) };
}

/// A window this page opened (or, in tests, any window standing in for one).
#[derive(Debug, Clone)]
pub struct Popup(Window);

impl From<Window> for Popup {
    fn from(window: Window) -> Self {
        Self(window)
    }
}

impl Popup {
    /// Whether the popup reads as closed (closed by the user, or its link cut by COOP).
    pub fn is_closed(&self) -> bool {
        self.0.closed().unwrap_or(true)
    }

    /// Sends the popup to `url` (a popup opened blank, inside the click, before the URL was
    /// known); false when the browser refused.
    pub fn navigate(&self, url: &str) -> bool {
        self.0.location().set_href(url).is_ok()
    }

    /// Closes the popup (its opener may; nothing happens when it is already closed).
    pub fn close(&self) {
        let _ = self.0.close();
    }
}

/// Opens `url` in a popup centred over the app. Must run synchronously inside the click
/// handler (before any `await`), or the browser blocks it. `None`: the browser blocked it.
pub fn open_centered(url: &str, width: i32, height: i32) -> Option<Popup> {
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
    Some(Popup(popup))
}

/// Takes `window`, opened by index.html's script inside a click on the pre-rendered button
/// ([`crate::browser::shell`]), as the popup this page opened.
pub fn adopt(window: Window) -> Popup {
    CURRENT.with(|c| *c.borrow_mut() = Some(window.clone()));
    Popup(window)
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

/// Whether this document has the focus (`document.hasFocus()`): back in front after the
/// person closed the popup, not while a popup that COOP cut off is still open in front.
pub fn has_focus() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.has_focus().ok())
        .unwrap_or(false)
}

/// Listens for the URL a popup forwards, from exactly that popup and this origin, and for the
/// same URL on the BroadcastChannel fallback. Dropping the listener detaches everything.
pub struct Listener {
    _message: Closure<dyn Fn(MessageEvent)>,
    _channel_handler: Closure<dyn Fn(MessageEvent)>,
    channel: Option<BroadcastChannel>,
    message_fn: js_sys::Function,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listener")
    }
}

impl Listener {
    /// Starts listening. `accept` reads a forwarded URL into the caller's value (`None`:
    /// not the awaited answer, e.g. another state); the first value it returns resolves the
    /// receiver. Every accepted message is acknowledged, so the popup knows to close.
    pub fn start<T: 'static>(
        popup: &Popup,
        origin: String,
        accept: impl Fn(&str) -> Option<T> + 'static,
    ) -> Option<(Self, oneshot::Receiver<T>)> {
        let window = web_sys::window()?;
        let (sender, receiver) = oneshot::channel();
        let sender = Rc::new(RefCell::new(Some(sender)));
        // Both routes (postMessage, BroadcastChannel) hand over through the same sender.
        let deliver: Rc<dyn Fn(&str) -> bool> = Rc::new(move |url: &str| match accept(url) {
            Some(value) => {
                if let Some(sender) = sender.borrow_mut().take() {
                    let _ = sender.send(value);
                }
                true
            }
            None => false,
        });
        let (popup, from_popup_deliver) = (popup.0.clone(), deliver.clone());
        let message_origin = origin.clone();
        let message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let from_popup = event
                .source()
                .is_some_and(|s| js_sys::Object::is(&s, &JsValue::from(popup.clone())));
            if event.origin() != message_origin || !from_popup {
                return;
            }
            if let Some(url) = event.data().as_string() {
                if from_popup_deliver(&url) {
                    // Tells the popup its answer was taken (it closes only then).
                    if let Some(source) = event.source() {
                        let source = source.unchecked_into::<Window>();
                        let ack = JsValue::from_str(&format!("{ACK_PREFIX}{url}"));
                        let _ = source.post_message(&ack, &message_origin);
                    }
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
                if deliver(&url) {
                    if let Some(c) = &reply {
                        let _ = c.post_message(&JsValue::from_str(&format!("{ACK_PREFIX}{url}")));
                    }
                }
            }
        });
        if let Some(c) = &channel {
            c.set_onmessage(Some(channel_handler.as_ref().unchecked_ref()));
        }
        let listener = Self {
            _message: message,
            _channel_handler: channel_handler,
            channel,
            message_fn,
        };
        Some((listener, receiver))
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

/// Resolves when `acked` does, or after `wait_ms`; true when acknowledged in time.
async fn acknowledged(acked: oneshot::Receiver<()>, wait_ms: i32) -> bool {
    let timer = Box::pin(clock::sleep_ms(wait_ms));
    match future::select(acked, timer).await {
        Either::Left((answer, _)) => answer.is_ok(),
        Either::Right(_) => false,
    }
}

/// A oneshot sender that several calls of one event handler may try to fire.
fn once(sender: oneshot::Sender<()>) -> impl Fn() {
    let sender = RefCell::new(Some(sender));
    move || {
        if let Some(s) = sender.borrow_mut().take() {
            let _ = s.send(());
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
    let (ack, acked) = oneshot::channel();
    let ack = once(ack);
    let (expected, from) = (format!("{ACK_PREFIX}{href}"), opener.clone());
    let own_origin = origin.to_owned();
    let on_ack = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let from_opener = event
            .source()
            .is_some_and(|s| js_sys::Object::is(&s, &JsValue::from(from.clone())));
        if from_opener
            && event.origin() == own_origin
            && event.data().as_string().as_deref() == Some(expected.as_str())
        {
            ack();
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
    let taken = posted && acknowledged(acked, wait_ms).await;
    let _ = window.remove_event_listener_with_callback("message", on_ack_fn);
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
    let (ack, acked) = oneshot::channel();
    let ack = once(ack);
    let expected = format!("{ACK_PREFIX}{href}");
    let on_ack = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if event.data().as_string().as_deref() == Some(expected.as_str()) {
            ack();
        }
    });
    channel.set_onmessage(Some(on_ack.as_ref().unchecked_ref()));
    let _ = channel.post_message(&JsValue::from_str(href));
    let taken = acknowledged(acked, wait_ms).await;
    channel.set_onmessage(None);
    channel.close();
    taken
}
