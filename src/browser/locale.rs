//! The browser's preferred languages.

use wasm_bindgen::JsValue;

/// `navigator.languages` (e.g. `["bg-BG", "en"]`), else `navigator.language`.
pub fn languages() -> Vec<String> {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let list: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v: JsValue| v.as_string())
        .collect();
    if list.is_empty() {
        nav.language().into_iter().collect()
    } else {
        list
    }
}
