//! The pages a first visit does not need, as lazy routes.
//!
//! In the release build (`scripts/build` sets `--cfg wasm_split`), each `view` below is a
//! split point: its code goes into its own wasm chunk (cut out by `wasm_split_cli` in
//! `scripts/post-build.mjs`), fetched the first time the route is visited. Without the cfg
//! (`cargo test`, clippy, a plain `trunk serve`) the same routes are lazy only in name: the view
//! is an `async fn` in the one wasm, so no build step is needed and the router works the same.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::{Diagnostics, Explorer};

/// `/explorer`: the Domain API explorer.
#[derive(Debug)]
pub struct ExplorerRoute;

/// `/diagnostics`: what the app found.
#[derive(Debug)]
pub struct DiagnosticsRoute;

#[cfg(wasm_split)]
#[leptos_router::lazy_route]
impl LazyRoute for ExplorerRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <Explorer/> }.into_any()
    }
}

#[cfg(not(wasm_split))]
impl LazyRoute for ExplorerRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        view! { <Explorer/> }.into_any()
    }
}

#[cfg(wasm_split)]
#[leptos_router::lazy_route]
impl LazyRoute for DiagnosticsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <Diagnostics/> }.into_any()
    }
}

#[cfg(not(wasm_split))]
impl LazyRoute for DiagnosticsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        view! { <Diagnostics/> }.into_any()
    }
}
