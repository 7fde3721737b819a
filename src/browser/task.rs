//! Running a task's first steps at once.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

/// Runs `task` now, in this call, up to its first wait, then hands the rest to `spawn` (the
/// app's executor: Leptos's `spawn_local`, which alone would start the task only a microtask
/// later, after the caller's whole turn). Start-up runs this way so that a callback's token
/// POST leaves before the app builds its views.
pub fn spawn_now<F: Future<Output = ()> + 'static>(task: F, spawn: fn(Pin<Box<F>>)) {
    let mut task = Box::pin(task);
    // This poll's waker is never used: the spawned task is polled again at once, and a future
    // keeps the waker of its latest poll.
    if task
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending()
    {
        spawn(task);
    }
}
