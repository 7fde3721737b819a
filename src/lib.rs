//! ERP.net sign-in client: a Leptos single-page app over the `instance-id` core.
#![cfg(target_arch = "wasm32")]
#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod auth;
pub mod browser;
pub mod components;
pub mod error;
pub mod routes;
