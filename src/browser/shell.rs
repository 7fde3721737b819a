//! The signed-out home page pre-rendered in index.html (`#shell`), shown from the first paint
//! while the wasm still downloads, and the click its button took meanwhile. index.html's inline
//! script keeps that click in `window.erpnetShellClick`, with the popup it opened blank inside
//! the click when framed (the browser allows popups only there).

use wasm_bindgen::{JsCast as _, JsValue};
use web_sys::Window;

use crate::browser::popup::{self, Popup};

/// Where index.html's script keeps a click on the pre-rendered button.
const CLICK: &str = "erpnetShellClick";

/// A click on the pre-rendered sign-in button, taken before the app had started.
#[derive(Debug)]
pub struct ShellClick {
    /// The blank popup opened inside the click (framed), if the browser allowed it.
    pub popup: Option<Popup>,
}

/// Removes the pre-rendered page, if it is still there, and takes the click its button kept.
/// Called in the task that renders the app's own page, so there is never a moment with two
/// sign-in buttons, nor one without any.
pub fn take_over() -> Option<ShellClick> {
    let window = web_sys::window()?;
    if let Some(shell) = window.document().and_then(|d| d.get_element_by_id("shell")) {
        shell.remove();
    }
    let key = JsValue::from_str(CLICK);
    let click = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(JsValue::is_object)?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    // A window of another realm: `instanceof Window` would say no, so it is only checked to be
    // an object (index.html puts `window.open`'s answer or null there).
    let popup = js_sys::Reflect::get(&click, &JsValue::from_str("popup"))
        .ok()
        .filter(JsValue::is_object)
        .map(|w| popup::adopt(w.unchecked_into::<Window>()));
    Some(ShellClick { popup })
}
