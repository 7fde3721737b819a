//! Wall-clock time and timers from the browser (plain callbacks: the reactive clock the
//! views tick with lives on the auth side).

use wasm_bindgen::prelude::*;

/// Seconds since the Unix epoch, from `Date.now()`.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// Milliseconds since the Unix epoch, from `Date.now()` (for measuring waits).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A repeating timer (`setInterval`); dropping it stops it.
pub struct Interval {
    id: i32,
    _callback: Closure<dyn FnMut()>,
}

impl std::fmt::Debug for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interval").field("id", &self.id).finish()
    }
}

impl Interval {
    /// Keeps the timer running for the page's lifetime.
    pub fn forever(self) {
        std::mem::forget(self);
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(self.id);
        }
    }
}

/// Calls `callback` every `period_ms` milliseconds until the returned timer is dropped;
/// `None` when the browser refuses the timer.
pub fn every(period_ms: i32, callback: impl FnMut() + 'static) -> Option<Interval> {
    let callback = Closure::<dyn FnMut()>::new(callback);
    let id = web_sys::window()?
        .set_interval_with_callback_and_timeout_and_arguments_0(
            callback.as_ref().unchecked_ref(),
            period_ms,
        )
        .ok()?;
    Some(Interval {
        id,
        _callback: callback,
    })
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
