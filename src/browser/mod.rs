//! The only code that touches web APIs (web-sys, js-sys, getrandom's browser backend).
//!
//! Everything above this module works with plain values, so the protocol rules stay in the
//! `instance-id` core and can be tested natively.

pub mod channel;
pub mod clock;
pub mod frame;
pub mod http;
pub mod location;
pub mod popup;
pub mod random;
pub mod storage;
