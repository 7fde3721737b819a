//! The one place that turns errors into text for people.

use leptos::prelude::*;

use crate::auth::error::Remedy;
use crate::auth::{AppError, Auth};

/// An error, explained: a headline, the cause, and what to do next. Announced to screen
/// readers as it appears.
#[component]
pub fn ErrorPanel(
    /// The error to explain.
    error: AppError,
) -> impl IntoView {
    let remedy = match error.remedy() {
        Remedy::Reload => view! {
            <p>"Check that the instance is online, then "
                <button type="button" class="secondary" on:click=|_| reload()>"try again"</button>"."
            </p>
        }
        .into_any(),
        Remedy::SignIn => view! { <p>"You can sign in again below."</p> }.into_any(),
        Remedy::RetrySignOut => view! {
            <p>
                <button type="button" class="secondary" data-testid="retry-sign-out"
                    on:click=|_| Auth::expect().retry_sign_out()>"Sign out of ERP.net again"</button>
            </p>
        }
        .into_any(),
        Remedy::FixDeployment => view! {
            <p>"Whoever deployed this app needs to fix its configuration; the "
                <a href=Auth::expect().href("/diagnostics")>"diagnostics page"</a>" shows what the app found."
            </p>
        }
        .into_any(),
    };
    let rule = error.rule();
    let explanation = error.explanation();
    view! {
        <section class="error-panel" role="alert" aria-live="assertive"
            data-testid="auth-error" data-error-code=error.code() data-error-rule=rule>
            <h2>{error.title()}</h2>
            <p class="detail">{error.to_string()}</p>
            {rule.map(|r| view! { <p class="rule">"Failed check: " <code>{r}</code></p> })}
            {explanation.map(|x| view! { <p class="explanation" data-testid="error-explanation">{x}</p> })}
            {remedy}
        </section>
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
