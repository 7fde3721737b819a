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

/// Makes `$route` a lazy route showing `<$component/>`: a split point under `--cfg wasm_split`,
/// an `async` view in the one wasm otherwise.
macro_rules! lazy_route {
    ($route:ident, $component:ident) => {
        #[cfg(wasm_split)]
        #[leptos_router::lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$component/> }.into_any()
            }
        }

        #[cfg(not(wasm_split))]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                view! { <$component/> }.into_any()
            }
        }
    };
}

lazy_route!(ExplorerRoute, Explorer);
lazy_route!(DiagnosticsRoute, Diagnostics);
