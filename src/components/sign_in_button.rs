//! The sign-in button.

use leptos::prelude::*;

use crate::auth::Auth;
use crate::components::Spinner;

/// Starts sign-in and comes back to the current page. Disabled, with a spinner, while
/// sign-in work is under way.
#[component]
pub fn SignInButton() -> impl IntoView {
    let auth = Auth::expect();
    let busy = auth.busy();
    // The service decides where sign-in comes back to (the page the person is on).
    let on_click = move |_| auth.sign_in();
    view! {
        <button type="button" class="primary" data-testid="sign-in"
            disabled=move || busy.get() aria-busy=move || busy.get().to_string() on:click=on_click>
            <Show when=move || busy.get()><Spinner label="Signing in"/></Show>
            "Sign in"
        </button>
    }
}
