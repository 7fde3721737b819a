//! Errors as people see them: the stable codes of design.md 3.3 ([`ErrorCode`]), what a person
//! can do about each ([`Remedy`]), and any error ([`AnyError`]) explained for the one panel
//! that shows it ([`Explained`], made by [`explain`], a wasm chunk of the split build). Each
//! phase keeps its own `thiserror` enum with its causes ([`crate::auth::AppError`],
//! [`crate::api::ApiError`]); each maps to one code here.

mod code;
mod explain;
mod explained;
mod fetch;

pub use code::{ErrorCode, Remedy};
pub use explain::{explain, TextsUnavailable};
pub use explained::{AnyError, Explained};
pub use fetch::FetchError;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
