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

/// Makes `$route` a lazy route showing `<$component/>`: a split point under `--cfg wasm_split`
/// (the `#[leptos::lazy]` fn `$chunk`), an `async` view in the one wasm otherwise.
///
/// The chunk is fetched in `view`, not in `LazyRoute::preload` (where
/// `#[leptos_router::lazy_route]` puts it): leptos_router 0.8 awaits the first route's `preload`
/// in a task no later navigation cancels, so a first visit to a lazy page left before its chunk
/// arrived would end on that page, whatever the address bar says. `view` runs in the outlet's
/// `Suspend`, which a navigation drops; the old page stays until the new one is ready either way.
macro_rules! lazy_route {
    ($route:ident, $component:ident, $chunk:ident) => {
        #[cfg(wasm_split)]
        #[leptos::lazy]
        fn $chunk(_this: $route) -> AnyView {
            view! { <$component/> }.into_any()
        }

        #[cfg(wasm_split)]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(this: Self) -> AnyView {
                $chunk(this).await
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

lazy_route!(ExplorerRoute, Explorer, explorer_route_view);
lazy_route!(DiagnosticsRoute, Diagnostics, diagnostics_route_view);
