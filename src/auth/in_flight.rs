//! One piece of work at a time and who waits for it to end (the JWKS prefetch): plain
//! bookkeeping, generic over the waiter so it is tested natively.

/// Idle, or in flight with its waiters. A second start while in flight is refused, so no
/// waiter is ever dropped before the work it waits for has ended.
#[derive(Debug)]
pub(super) struct InFlight<W>(Option<Vec<W>>);

impl<W> InFlight<W> {
    /// Nothing in flight.
    pub(super) const fn idle() -> Self {
        Self(None)
    }

    /// Starts the work; false when it is in flight already (the caller waits for it instead).
    pub(super) fn start(&mut self) -> bool {
        if self.0.is_some() {
            return false;
        }
        self.0 = Some(Vec::new());
        true
    }

    /// While in flight, keeps the waiter half of `channel()` and gives back the other half;
    /// `None` (and no channel made) when idle: there is nothing to wait for.
    pub(super) fn wait<R>(&mut self, channel: impl FnOnce() -> (W, R)) -> Option<R> {
        let waiters = self.0.as_mut()?;
        let (waiter, rx) = channel();
        waiters.push(waiter);
        Some(rx)
    }

    /// Ends the work: idle again, and every waiter it had, to be woken.
    pub(super) fn finish(&mut self) -> Vec<W> {
        self.0.take().unwrap_or_default()
    }
}
