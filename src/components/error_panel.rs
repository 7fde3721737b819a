//! The one component that shows errors, sign-in and Domain API alike.

use leptos::prelude::*;

use crate::auth::Auth;
use crate::browser::location;
use crate::components::SignInButton;
use crate::error::{Explained, Remedy};

/// An error, explained: a headline, the cause, details below, and what to do next.
/// Announced to screen readers as it appears. Takes any error that converts into
/// [`Explained`] (`AppError`, `ApiError`).
#[component]
pub fn ErrorPanel(
    /// The error to explain.
    #[prop(into)]
    error: Explained,
) -> impl IntoView {
    let remedy = error.remedy();
    let advice = remedy.advice();
    let next = match remedy {
        Remedy::Reload => view! {
            <p>{advice}" "
                <button type="button" class="secondary" on:click=|_| location::reload()>"Try again"</button>
            </p>
        }
        .into_any(),
        Remedy::SignIn if error.sign_in_here => view! {
            <p>{advice}</p>
            <SignInButton/>
        }
        .into_any(),
        Remedy::RetrySignOut => view! {
            <p>{advice}" "
                <button type="button" class="secondary" data-testid="retry-sign-out"
                    on:click=|_| Auth::expect().retry_sign_out()>"Sign out of ERP.net again"</button>
            </p>
        }
        .into_any(),
        Remedy::FixDeployment => view! {
            <p>{advice}" "<a href=Auth::expect().href("/diagnostics")>"Open the diagnostics page"</a></p>
        }
        .into_any(),
        Remedy::SignIn
        | Remedy::Wait
        | Remedy::CheckConnection
        | Remedy::FixQuery
        | Remedy::Report => view! { <p>{advice}</p> }.into_any(),
    };
    let Explained {
        code,
        title,
        detail,
        info,
        explanation,
        rule,
        status,
        ..
    } = error;
    view! {
        <section class="error-panel" role="alert" aria-live="assertive"
            data-testid=code.testid() data-error-code=code.as_str() data-error-rule=rule
            data-status=status.map(|s| s.to_string())>
            <h2 data-testid="error-title">{title}</h2>
            <p class="detail" data-testid="error-message">{detail}</p>
            {info.map(|i| view! { <p class="info" data-testid="error-info">{i}</p> })}
            {rule.map(|r| view! { <p class="rule">"Failed check: " <code>{r}</code></p> })}
            {explanation.map(|x| view! { <p class="explanation" data-testid="error-explanation">{x}</p> })}
            {next}
        </section>
    }
}
