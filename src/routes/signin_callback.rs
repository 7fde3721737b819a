//! `/signin-callback`: where the Instance ID sends the browser back.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::auth::{Auth, Phase};
use crate::components::{ErrorPanel, SignInButton, Spinner};

/// Shows the sign-in under way while start-up redeems the answer
/// ([`Auth::callback_outcome`]), then returns the user to where they were; on failure
/// explains why and offers a fresh sign-in.
#[component]
pub fn SigninCallback() -> impl IntoView {
    let auth = Auth::expect();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(path)) = auth.callback_outcome().get() {
            // The full path, base included: "/" under "/sub" is "/sub/", not "/sub".
            navigate(
                &auth.href(&path),
                NavigateOptions {
                    replace: true,
                    resolve: false,
                    ..Default::default()
                },
            );
        }
    });
    let failed = move || match (auth.phase().get(), auth.callback_outcome().get()) {
        (Phase::Failed(e), _) | (_, Some(Err(e))) => Some(e),
        _ => None,
    };
    view! {
        {move || match failed() {
            None => view! { <p class="status"><Spinner label="Signing in"/>" Completing sign-in…"</p> }.into_any(),
            Some(e) => {
                let ready = matches!(auth.phase().get_untracked(), Phase::Ready(_));
                view! {
                    <ErrorPanel error=e/>
                    <Show when=move || ready><SignInButton/></Show>
                }.into_any()
            }
        }}
    }
}
