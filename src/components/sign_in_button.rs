//! The sign-in button.

use leptos::prelude::*;

use crate::auth::Auth;
use crate::browser::location;
use crate::components::Spinner;

/// Starts sign-in and comes back to the current page. Disabled, with a spinner, while
/// sign-in work is under way.
#[component]
pub fn SignInButton() -> impl IntoView {
    let auth = Auth::expect();
    let busy = auth.busy();
    let on_click = move |_| {
        // The address bar itself, below the base path: the router's copy may still hold a
        // callback's `code` and `state` that were wiped with replaceState.
        let path = location::current_url()
            .map(|u| auth.app_path(&u))
            .unwrap_or_else(|| "/".to_owned());
        // Checked (the callback page included) by `sanitize_return_path` in the pending request.
        auth.sign_in(&path);
    };
    view! {
        <button type="button" class="primary" data-testid="sign-in"
            disabled=move || busy.get() aria-busy=move || busy.get().to_string() on:click=on_click>
            <Show when=move || busy.get()><Spinner label="Signing in"/></Show>
            "Sign in"
        </button>
    }
}
