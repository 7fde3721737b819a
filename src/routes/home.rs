//! The start page: connection status, sign-in, and the session once signed in.

use leptos::prelude::*;

use crate::auth::{ticking_now, Auth, Phase};
use crate::components::{ErrorPanel, SessionPanel, SignInButton, Spinner};

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
                Some(s) => view! { <SessionPanel session=s now=now/> }.into_any(),
                None => view! {
                    <section class="signed-out">
                        {move || error.get().map(|e| view! { <ErrorPanel error=e/> })}
                        <p>"Sign in with your account at "<strong>{instance.id_url.clone()}</strong>"."</p>
                        <SignInButton/>
                    </section>
                }.into_any(),
            },
        }}
    }
}
