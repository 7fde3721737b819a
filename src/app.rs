//! `<App/>`: provides the auth context, the router and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};

use crate::auth::Auth;
use crate::components::Nav;
use crate::routes::lazy::{DiagnosticsRoute, ExplorerRoute};
use crate::routes::{Home, NotFound, SigninCallback};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::provide();
    // The router works below the base path trunk's public_url put in `<base href>`.
    let base = auth.router_base();
    view! {
        <Router base=base>
            <Nav/>
            <main id="main">
                // Explorer and diagnostics are lazy: their code is not part of a first visit
                // (src/routes/lazy.rs).
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/signin-callback") view=SigninCallback/>
                    <Route path=path!("/explorer") view={Lazy::<ExplorerRoute>::new()}/>
                    <Route path=path!("/diagnostics") view={Lazy::<DiagnosticsRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}
