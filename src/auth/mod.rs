//! The sign-in service: orchestrates the `instance-id` core and the browser adapters, and
//! holds the reactive state the pages render.

pub mod config;
pub mod error;
pub mod instance;
mod popup_flow;
mod refresh;
pub mod service;
pub mod session;

pub use error::AppError;
pub use instance::Instance;
pub use service::{Auth, Phase};
pub use session::Session;
