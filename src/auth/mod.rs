//! The sign-in service: orchestrates the `instance-id` core and the browser adapters, and
//! holds the reactive state the pages render. `config`, `error` and `session` are plain
//! values (built and tested natively); the flows run in the browser.

pub mod config;
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod instance;
#[cfg(target_arch = "wasm32")]
mod popup_flow;
#[cfg(target_arch = "wasm32")]
mod refresh;
#[cfg(target_arch = "wasm32")]
pub mod service;
pub mod session;

pub use error::AppError;
#[cfg(target_arch = "wasm32")]
pub use instance::Instance;
#[cfg(target_arch = "wasm32")]
pub use service::{Auth, Phase};
pub use session::Session;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
