//! Randomness: supplied by the caller, never drawn by the core.

/// A source of cryptographically secure random bytes, supplied by the caller (in a browser:
/// `crypto.getRandomValues`). The core never draws randomness by itself.
///
/// Any `FnMut(&mut [u8])` is a `RandomSource`.
pub trait RandomSource {
    /// Fills `buf` entirely with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

impl<F: FnMut(&mut [u8])> RandomSource for F {
    fn fill(&mut self, buf: &mut [u8]) {
        self(buf)
    }
}
