//! The texts of an error behind a split point: in the split release build (`--cfg wasm_split`,
//! see [`crate::routes::lazy`]) every sentence the error panel shows (the `Display` texts of
//! both phases' errors and of the core's, the codes' titles, the remedies' advice, the
//! explanations) is a wasm chunk of its own, fetched the first time an error is shown; a first
//! visit without an error never downloads it.
//!
//! Fallible like ID-token validation's split point (`src/auth/validate.rs`): a chunk that still
//! fails after the loader's retries is an `Err`, and the panel keeps the short sentence it
//! showed from the first moment (one typical error is the network failing, when this fetch may
//! fail too).

use super::{AnyError, Explained};

/// The error's texts could not be downloaded (the loader logged why to the console).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextsUnavailable;

/// `error` explained for a person, in a wasm chunk of its own (the split release build). The
/// conversion happens here, not at the call site: wasm-split moves into the chunk only what is
/// reachable from the split point alone.
#[cfg(wasm_split)]
#[leptos::wasm_split::wasm_split(
    fallible_error_texts,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(#[doc(hidden)] preload_error_texts)
)]
pub fn explain(error: AnyError) -> Result<Explained, TextsUnavailable> {
    Ok(error.into())
}

/// `error` explained for a person (one wasm: no split without `--cfg wasm_split`).
#[cfg(not(wasm_split))]
pub async fn explain(error: AnyError) -> Result<Explained, TextsUnavailable> {
    Ok(error.into())
}

#[cfg(wasm_split)]
impl From<leptos::wasm_split::SplitLoaderError> for TextsUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}
