//! Unknown paths.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::Auth;

/// A page for paths the app does not have.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section>
            <h1>"Page not found"</h1>
            <p><A href=Auth::expect().href("/")>"Back to the start page"</A></p>
        </section>
    }
}
