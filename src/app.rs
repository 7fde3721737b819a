//! `<App/>`: provides the auth context, the router and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::auth::Auth;
use crate::components::Nav;
use crate::routes::{Diagnostics, Explorer, Home, NotFound, SigninCallback};

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
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/signin-callback") view=SigninCallback/>
                    <Route path=path!("/explorer") view=Explorer/>
                    <Route path=path!("/diagnostics") view=Diagnostics/>
                </Routes>
            </main>
        </Router>
    }
}
