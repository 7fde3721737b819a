//! `sessionStorage`: tab-scoped, used only for non-secret or short-lived, one-shot values
//! (the pending sign-in request during a redirect, public discovery data, a "was signed in"
//! flag). Never a token.

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Reads a value; `None` when absent or when storage is unavailable (e.g. blocked by policy).
pub fn get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok()?
}

/// Writes a value; returns `false` when storage is unavailable or full.
pub fn set(key: &str, value: &str) -> bool {
    session_storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Removes a value (a no-op when absent or when storage is unavailable).
pub fn remove(key: &str) {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(key);
    }
}

/// Removes and returns a value, so a one-shot value can be used only once.
pub fn take(key: &str) -> Option<String> {
    let value = get(key);
    remove(key);
    value
}

/// All keys that start with `prefix`.
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let Some(s) = session_storage() else {
        return Vec::new();
    };
    let len = s.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}
