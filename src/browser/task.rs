//! Running a task's first steps at once.

use std::future::Future;
use std::task::{Context, Waker};

/// Runs `task` now, in this call, up to its first wait, then goes on as a spawned task
/// (`spawn_local` alone starts it only a microtask later, after the caller's whole turn).
/// Start-up runs this way so that a callback's token POST leaves before the app builds its
/// views.
pub fn spawn_now(task: impl Future<Output = ()> + 'static) {
    let mut task = Box::pin(task);
    // This poll's waker is never used: the spawned task is polled again at once, and a future
    // keeps the waker of its latest poll.
    if task
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending()
    {
        wasm_bindgen_futures::spawn_local(task);
    }
}
