//! The sign-in button.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::auth::Auth;
use crate::components::Spinner;

/// Starts sign-in and comes back to the current page. Disabled, with a spinner, while
/// sign-in work is under way.
#[component]
pub fn SignInButton() -> impl IntoView {
    let auth = Auth::expect();
    let location = use_location();
    let busy = auth.busy();
    let on_click = move |_| {
        let path = location.pathname.get_untracked();
        let search = location.search.get_untracked();
        // The callback page is no place to come back to.
        let path = if path.ends_with("/signin-callback") {
            "/".to_owned()
        } else {
            path
        };
        let return_path = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        auth.sign_in(&return_path);
    };
    view! {
        <button type="button" class="primary" data-testid="sign-in"
            disabled=move || busy.get() aria-busy=move || busy.get().to_string() on:click=on_click>
            <Show when=move || busy.get()><Spinner label="Signing in"/></Show>
            "Sign in"
        </button>
    }
}
