//! Wall-clock time from the browser.

/// Seconds since the Unix epoch, from `Date.now()`.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// Milliseconds since the Unix epoch, from `Date.now()` (for measuring waits).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The current time in Unix seconds as a signal that ticks every second while the page is open.
pub fn ticking_now() -> leptos::prelude::Signal<u64> {
    use leptos::prelude::*;
    let (now_s, set_now) = signal(now());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    now_s.into()
}

/// Resolves after `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
