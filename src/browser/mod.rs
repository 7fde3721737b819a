//! The only code that touches web APIs (web-sys, js-sys, getrandom's browser backend).
//!
//! Everything above this module works with plain values, so the protocol rules stay in the
//! `erpnet-instance-id` core and can be tested natively.

pub mod abort;
pub mod channel;
pub mod clock;
pub mod frame;
pub mod http;
pub mod locale;
pub mod location;
pub mod popup;
pub mod random;
pub mod shell;
pub mod storage;
pub mod task;
pub mod timing;
pub mod webcrypto;

use wasm_bindgen::{JsCast as _, JsValue};

/// The message of a thrown JS value (an `Error`'s `message`, or the value if it is a string).
pub(crate) fn js_message(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
