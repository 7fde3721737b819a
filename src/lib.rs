//! ERP.net sign-in client: a Leptos single-page app over the `erpnet-instance-id` core.
//!
//! The pure logic (config.json, errors and their codes, the OData query and its guards, the
//! Domain API's answers) builds on any target and is tested natively; the browser adapters
//! and the UI build for wasm32 only, so the native build proves the pure part touches no
//! web API.
#![warn(missing_docs)]

pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod auth;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod routes;
