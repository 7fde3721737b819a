//! The one place that turns errors into text for people.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::auth::error::Remedy;
use crate::auth::{AppError, Auth};
use crate::components::SignInButton;

/// What a person can do next, as the panel offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// A sign-in, app start-up or deployment remedy.
    Remedy(Remedy),
    /// Sign in again from the panel itself (the query runs again afterwards).
    SignInHere,
    /// A sentence of advice.
    Hint(&'static str),
    /// Nothing beyond the message.
    Nothing,
}

/// Any error, explained: what [`ErrorPanel`] shows.
#[derive(Debug, Clone)]
pub struct Explained {
    /// `auth-error` for sign-in and session failures (design.md 3.2), `api-error` for the
    /// Domain API's answers.
    testid: &'static str,
    code: &'static str,
    title: String,
    detail: String,
    info: Option<String>,
    /// What the error means and what to do, where the code alone does not say.
    explanation: Option<String>,
    rule: Option<&'static str>,
    status: Option<u16>,
    next: Next,
}

impl From<AppError> for Explained {
    fn from(error: AppError) -> Self {
        Self {
            testid: "auth-error",
            code: error.code(),
            title: error.title().to_owned(),
            detail: error.to_string(),
            info: None,
            explanation: error.explanation(),
            rule: error.rule(),
            status: None,
            next: Next::Remedy(error.remedy()),
        }
    }
}

impl From<ApiError> for Explained {
    fn from(error: ApiError) -> Self {
        let next = match &error {
            ApiError::Unauthorized => Next::SignInHere,
            ApiError::RateLimited { .. } => {
                Next::Hint("ERP.net serves one request per session at a time and at most 600 a minute.")
            }
            ApiError::Network(_) => Next::Hint(
                "Check your connection. If the instance is up, it may not allow this app's origin: its Domain API needs this origin in its CORS settings.",
            ),
            _ => Next::Nothing,
        };
        Self {
            // A rejected token is a session failure (design.md 3.2), anything else an API error.
            testid: if error.needs_sign_in() {
                "auth-error"
            } else {
                "api-error"
            },
            code: error.code(),
            title: error.headline(),
            detail: error.detail(),
            info: error.info(),
            explanation: None,
            rule: None,
            status: error.status(),
            next,
        }
    }
}

/// An error, explained: a headline, the cause, details below, and what to do next.
/// Announced to screen readers as it appears.
#[component]
pub fn ErrorPanel(
    /// The error to explain.
    #[prop(into)]
    error: Explained,
) -> impl IntoView {
    let next = match error.next {
        Next::Remedy(Remedy::Reload) => view! {
            <p>"Check that the instance is online, then "
                <button type="button" class="secondary" on:click=|_| reload()>"try again"</button>"."
            </p>
        }
        .into_any(),
        Next::Remedy(Remedy::SignIn) => {
            view! { <p>"You can sign in again below."</p> }.into_any()
        }
        Next::Remedy(Remedy::RetrySignOut) => view! {
            <p>
                <button type="button" class="secondary" data-testid="retry-sign-out"
                    on:click=|_| Auth::expect().retry_sign_out()>"Sign out of ERP.net again"</button>
            </p>
        }
        .into_any(),
        Next::Remedy(Remedy::FixDeployment) => view! {
            <p>"Whoever deployed this app needs to fix its configuration; the "
                <a href=Auth::expect().href("/diagnostics")>"diagnostics page"</a>" shows what the app found."
            </p>
        }
        .into_any(),
        Next::SignInHere => view! {
            <p>"Sign in again; the query will run again when you are back."</p>
            <SignInButton/>
        }
        .into_any(),
        Next::Hint(h) => view! { <p>{h}</p> }.into_any(),
        Next::Nothing => ().into_any(),
    };
    let rule = error.rule;
    view! {
        <section class="error-panel" role="alert" aria-live="assertive"
            data-testid=error.testid data-error-code=error.code data-error-rule=rule
            data-status=error.status.map(|s| s.to_string())>
            <h2 data-testid="error-title">{error.title}</h2>
            <p class="detail" data-testid="error-message">{error.detail}</p>
            {error.info.map(|i| view! { <p class="info" data-testid="error-info">{i}</p> })}
            {rule.map(|r| view! { <p class="rule">"Failed check: " <code>{r}</code></p> })}
            {error.explanation.map(|x| view! { <p class="explanation" data-testid="error-explanation">{x}</p> })}
            {next}
        </section>
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
