//! The sign-in service: orchestrates the `instance-id` core and the browser adapters, and
//! holds the reactive state the pages render. One flow (or one piece of state) per file:
//!
//! - [`context`]: the `Auth` handle and its signals; [`app_base`], `callback_url`: the
//!   app's address and a returned address, each parsed once;
//! - `startup`: config.json, discovery, handing a popup's answer to its opener;
//! - `redirect`, `popup`: sign-in by top-level navigation or in a popup window;
//! - `redeem`: callback → token request → validated session (both flows); `jwks`: the keys;
//! - `silent`: restoring a reloaded tab without UI; `refresh`: renewing the access token;
//! - [`expiry`]: ending (or renewing) the session on time, the views' ticking clock;
//! - `sign_out`: every tab, then the Instance ID;
//! - [`diagnose`]: the Diagnostics page's probes;
//! - `pending`, `storage_keys`: what a redirect keeps in sessionStorage, and every key.

pub mod app_base;
pub(crate) mod callback_url;
pub mod config;
pub mod context;
pub mod diagnose;
pub mod error;
pub mod expiry;
pub mod instance;
mod jwks;
mod pending;
mod popup;
mod redeem;
mod redirect;
mod refresh;
pub mod session;
mod sign_out;
mod silent;
mod startup;
mod storage_keys;

pub use app_base::AppBase;
pub use context::{Auth, Phase};
pub use error::AppError;
pub use expiry::ticking_now;
pub use instance::Instance;
pub use session::Session;
