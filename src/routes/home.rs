//! The start page: connection status, sign-in, and the session once signed in.

use leptos::prelude::*;

use erpnet_instance_id::fallback_endpoints;

use crate::auth::{ticking_now, AppError, Auth, Phase};
use crate::components::session_panel::session_panel_view;
use crate::components::{ErrorPanel, SignInButton, Spinner};

/// Shows progress while the instance is discovered, then the sign-in button or the session.
#[component]
pub fn Home() -> impl IntoView {
    let auth = Auth::expect();
    let phase = auth.phase();
    let session = auth.session();
    let error = auth.error();
    let now = ticking_now();
    view! {
        {move || match phase.get() {
            Phase::Starting => view! {
                <p class="status"><Spinner label="Connecting"/>" Connecting to the ERP.net instance…"</p>
            }.into_any(),
            Phase::Failed(e) => view! { <ErrorPanel error=e/> }.into_any(),
            Phase::Ready(instance) => match session.get() {
                // The panel's code is fetched on first use (a chunk of its own in the split build).
                Some(s) => view! { <Suspense>{Suspend::new(session_panel_view(s, now))}</Suspense> }.into_any(),
                None => signed_out(instance.id_url.clone(), error).into_any(),
            },
            // Discovery still running on a plain signed-out visit: the button already takes a
            // click (it waits for discovery). The Instance ID named is where it almost always
            // is, the documented fallback next to the instance.
            Phase::Discovering(config) => {
                signed_out(fallback_endpoints(&config.client).id_url, error).into_any()
            }
        }}
    }
}

/// The signed-out view: the last error, if any, and the sign-in button.
fn signed_out(id_url: String, error: ReadSignal<Option<AppError>>) -> impl IntoView {
    view! {
        <section class="signed-out">
            {move || error.get().map(|e| view! { <ErrorPanel error=e/> })}
            <p>"Sign in with your account at "<strong>{id_url}</strong>"."</p>
            <SignInButton/>
        </section>
    }
}
