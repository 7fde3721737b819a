//! `sessionStorage` through one typed adapter (like gloo-storage's `get<T>`/`set<T>`):
//! values go in and come out as JSON of their own type, so no call site formats or parses
//! strings. Tab-scoped; used only for non-secret or short-lived, one-shot values (the
//! pending sign-in request during a redirect, public discovery data, a "was signed in"
//! flag). Never a token. The keys live in one place, `auth::storage_keys`.

use serde::de::DeserializeOwned;
use serde::Serialize;

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn raw(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok()?
}

/// Stores `value` as JSON under `key`; false when it cannot be serialised or storage is
/// unavailable (e.g. blocked by policy) or full.
pub fn save<T: Serialize + ?Sized>(key: &str, value: &T) -> bool {
    let Ok(json) = serde_json::to_string(value) else {
        return false;
    };
    session_storage().is_some_and(|s| s.set_item(key, &json).is_ok())
}

/// The value under `key`; `None` when absent, unreadable as a `T` (storage is input like
/// any other), or when storage is unavailable.
pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&raw(key)?).ok()
}

/// Removes the value under `key` and returns it, so a one-shot value can be used only once
/// (removed even when it cannot be read as a `T`).
pub fn take<T: DeserializeOwned>(key: &str) -> Option<T> {
    let value = raw(key);
    remove(key);
    serde_json::from_str(&value?).ok()
}

/// True when something is stored under `key`, whatever it holds.
pub fn contains(key: &str) -> bool {
    raw(key).is_some()
}

/// Removes a value (a no-op when absent or when storage is unavailable).
pub fn remove(key: &str) {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(key);
    }
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
