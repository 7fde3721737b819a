//! The header: navigation and the signed-in user.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::Auth;

/// Site header with links to every page, the user's name and the sign-out button.
#[component]
pub fn Nav() -> impl IntoView {
    let auth = Auth::expect();
    let session = auth.session();
    view! {
        <header class="site-header">
            <A href=auth.href("/") attr:class="brand">"ERP.net sign-in"</A>
            <nav aria-label="Main">
                <A href=auth.href("/")>"Home"</A>
                <A href=auth.href("/explorer")>"Domain API"</A>
                <A href=auth.href("/diagnostics")>"Diagnostics"</A>
            </nav>
            <div class="user">
                {move || session.with(|s| s.as_ref().map(|s| {
                    let name = s.display_name().to_owned();
                    view! {
                        <span class="user-name" data-testid="user-name">{name}</span>
                        <button type="button" class="secondary sign-out" data-testid="sign-out"
                            on:click=move |_| auth.sign_out()>"Sign out"</button>
                    }
                }))}
            </div>
        </header>
    }
}
