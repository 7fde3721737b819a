//! Tab-to-tab messages (BroadcastChannel): one tab's sign-out reaches the others.

use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL: &str = "erpnet-auth";

/// Tells the app's other tabs (same origin) something; never carries a token.
pub fn announce(message: &str) {
    if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&JsValue::from_str(message));
        channel.close();
    }
}

/// Calls `on_message` with every text message other tabs announce, for the page's lifetime.
pub fn listen(on_message: impl Fn(String) + 'static) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(text) = event.data().as_string() {
            on_message(text);
        }
    });
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The listener lives as long as the page, like the channel it is attached to.
    handler.forget();
    std::mem::forget(channel);
}
