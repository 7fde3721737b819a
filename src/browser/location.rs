//! The address bar and top-level navigation.

use url::Url;

/// The document's base URL (`<base href>` set by trunk's public_url), e.g.
/// `http://localhost:8080/` or `https://cdn.example.com/app/`: origin + base path.
pub fn app_base() -> Option<String> {
    let base = web_sys::window()?.document()?.base_uri().ok()??;
    let mut url = Url::parse(&base).ok()?;
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().to_owned();
    if !path.ends_with('/') {
        // `<base href="/app">` means the directory "/app/".
        url.set_path(&format!("{path}/"));
    }
    Some(url.to_string())
}

/// The page's current URL.
pub fn current_url() -> Option<Url> {
    Url::parse(&web_sys::window()?.location().href().ok()?).ok()
}

/// Replaces the address bar's URL without navigating or adding a history entry
/// (used to drop `code` and `state` after a callback).
pub fn replace_url(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Leaves the app for `url` with a top-level navigation.
pub fn navigate(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

/// Loads the page again (the error panel's "Try again").
pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// The origin (`scheme://host:port`) of an absolute URL.
pub fn origin_of(url: &str) -> String {
    Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

/// Closes this window (works for windows opened by a script, such as the sign-in popup).
pub fn close_window() {
    if let Some(w) = web_sys::window() {
        let _ = w.close();
    }
}
