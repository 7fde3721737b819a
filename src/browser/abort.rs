//! `AbortController`: cancels a fetch (and the explorer's waits) in flight.

use web_sys::{AbortController, AbortSignal};

/// One cancellable operation. Dropping it does not cancel; call [`Abort::abort`].
#[derive(Debug, Clone)]
pub struct Abort(AbortController);

impl Abort {
    /// A fresh controller; `None` only where the browser has no `AbortController`.
    pub fn new() -> Option<Self> {
        AbortController::new().ok().map(Self)
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.0.signal()
    }

    /// True once [`Abort::abort`] was called.
    pub fn is_aborted(&self) -> bool {
        self.0.signal().aborted()
    }

    /// Cancels the operation (a no-op once done).
    pub fn abort(&self) {
        self.0.abort();
    }
}
