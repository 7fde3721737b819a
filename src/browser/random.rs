//! Randomness from `crypto.getRandomValues` (getrandom's `js` backend).

use erpnet_instance_id::RandomSource;

/// A [`RandomSource`] backed by the browser's cryptographic random number generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct BrowserRandom;

impl RandomSource for BrowserRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        // Without a CSPRNG there is no safe way to sign in; every browser that runs wasm has one.
        if let Err(err) = getrandom::getrandom(buf) {
            panic!("crypto.getRandomValues is unavailable: {err}");
        }
    }
}
