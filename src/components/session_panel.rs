//! Who is signed in, with what, and for how long.

use leptos::prelude::*;

use crate::auth::Session;

/// The session's claims, granted scopes and the access token's remaining lifetime.
#[component]
pub fn SessionPanel(
    /// The session to describe.
    session: Session,
    /// The current time in Unix seconds, ticking.
    now: Signal<u64>,
) -> impl IntoView {
    let times = session.times;
    let left = move || match times.seconds_left(now.get()) {
        Some(s) => format!("{}:{:02}", s / 60, s % 60),
        None => "unknown".to_owned(),
    };
    let claims: Vec<(String, String)> = session
        .claims
        .extra
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();
    view! {
        <section class="session-panel" aria-labelledby="session-title">
            <h2 id="session-title">"Session"</h2>
            <p>"Access token expires in " <strong data-testid="token-countdown">{left}</strong></p>
            <p>"Granted scopes: " <span data-testid="granted-scopes">{session.scopes.join(" ")}</span></p>
            <table class="claims">
                <caption>"ID token claims"</caption>
                <tbody>
                    {claims.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// [`SessionPanel`] as a lazy view: in the split release build (`--cfg wasm_split`, see
/// [`crate::routes::lazy`]) its code is a wasm chunk fetched when a session is first shown,
/// so a signed-out first visit does not download it.
#[cfg(wasm_split)]
#[leptos::lazy]
pub fn session_panel_view(session: Session, now: Signal<u64>) -> AnyView {
    view! { <SessionPanel session=session now=now/> }.into_any()
}

/// [`SessionPanel`] as a lazy view (one wasm: no split without `--cfg wasm_split`).
#[cfg(not(wasm_split))]
pub async fn session_panel_view(session: Session, now: Signal<u64>) -> AnyView {
    view! { <SessionPanel session=session now=now/> }.into_any()
}
