//! The sign-in service: orchestrates the `erpnet-instance-id` core and the browser adapters, and
//! holds the reactive state the pages render. One flow (or one piece of state) per file;
//! `config`, `error`, `session` and `app_base` are plain values (built and tested natively),
//! the flows run in the browser:
//!
//! - `context`: the `Auth` handle and its signals; [`app_base`], `callback_url`: the app's
//!   address and a returned address, each parsed once;
//! - `startup`: config.json, discovery, handing a popup's answer to its opener;
//! - `redirect`, `popup`: sign-in by top-level navigation or in a popup window; `early`: a
//!   click taken while discovery still runs;
//! - `redeem`: callback → token request → validated session (both flows); `jwks`: the keys,
//!   `in_flight`: their prefetch's bookkeeping (one at a time, no waiter dropped);
//! - `silent`: restoring a reloaded tab without UI; `refresh`: renewing the access token;
//! - `expiry`: ending (or renewing) the session on time, the views' ticking clock;
//! - `sign_out`: every tab, then the Instance ID;
//! - `diagnose`: the Diagnostics page's probes;
//! - `pending`, `storage_keys`: what a redirect keeps in sessionStorage, and every key.

pub mod app_base;
#[cfg(target_arch = "wasm32")]
pub(crate) mod callback_url;
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod context;
#[cfg(target_arch = "wasm32")]
pub mod diagnose;
#[cfg(target_arch = "wasm32")]
mod early;
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod expiry;
#[cfg(any(target_arch = "wasm32", test))]
mod in_flight;
#[cfg(target_arch = "wasm32")]
pub mod instance;
#[cfg(target_arch = "wasm32")]
mod jwks;
#[cfg(target_arch = "wasm32")]
mod pending;
#[cfg(target_arch = "wasm32")]
mod popup;
#[cfg(target_arch = "wasm32")]
mod redeem;
#[cfg(target_arch = "wasm32")]
mod redirect;
#[cfg(target_arch = "wasm32")]
mod refresh;
pub mod session;
#[cfg(target_arch = "wasm32")]
mod sign_out;
#[cfg(target_arch = "wasm32")]
mod silent;
#[cfg(target_arch = "wasm32")]
mod startup;
#[cfg(target_arch = "wasm32")]
mod storage_keys;
#[cfg(target_arch = "wasm32")]
mod validate;

pub use app_base::AppBase;
#[cfg(target_arch = "wasm32")]
pub use context::{Auth, Phase};
pub use error::AppError;
#[cfg(target_arch = "wasm32")]
pub use expiry::ticking_now;
#[cfg(target_arch = "wasm32")]
pub use instance::Instance;
#[cfg(target_arch = "wasm32")]
pub use jwks::RawJwks;
pub use session::Session;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
