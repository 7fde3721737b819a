//! `/signin-callback`: where the Instance ID sends the browser back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::auth::{Auth, Phase};
use crate::components::{ErrorPanel, SignInButton, Spinner};

/// Redeems the code once start-up is ready, then returns the user to where they were; on
/// failure explains why and offers a fresh sign-in.
#[component]
pub fn SigninCallback() -> impl IntoView {
    let auth = Auth::expect();
    let navigate = use_navigate();
    let (failed, set_failed) = signal(None);
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let phase = auth.phase().get();
        if started.get_value() {
            return;
        }
        match phase {
            Phase::Starting | Phase::Discovering(_) => {}
            Phase::Failed(e) => {
                started.set_value(true);
                set_failed.set(Some(e));
            }
            Phase::Ready(instance) => {
                started.set_value(true);
                let navigate = navigate.clone();
                spawn_local(async move {
                    match auth.complete_sign_in(instance).await {
                        // The full path, base included: "/" under "/sub" is "/sub/", not "/sub".
                        Ok(path) => navigate(
                            &auth.href(&path),
                            NavigateOptions {
                                replace: true,
                                resolve: false,
                                ..Default::default()
                            },
                        ),
                        Err(e) => set_failed.set(Some(e)),
                    }
                });
            }
        }
    });
    view! {
        {move || match failed.get() {
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
