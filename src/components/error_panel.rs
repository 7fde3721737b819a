//! The one component that shows errors, sign-in and Domain API alike.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::Auth;
use crate::browser::location;
use crate::components::SignInButton;
use crate::error::{explain, AnyError, ErrorCode, Explained, Remedy, TextsUnavailable};

/// An error, explained: a headline, the cause, details below, and what to do next.
/// Announced to screen readers as it appears. Takes any error that converts into
/// [`AnyError`] (`AppError`, `ApiError`).
///
/// The DOM contract (design.md 3.2: the test id, `data-error-code`, `data-error-rule`,
/// `data-status`), the failed rule and the remedy's button are there at once. The texts for a
/// person come from [`explain`], a wasm chunk of the split build: until they arrive the panel
/// says which code failed (and is `aria-busy`, so a screen reader announces it once, complete);
/// if they never arrive it says so.
#[component]
pub fn ErrorPanel(
    /// The error to explain.
    #[prop(into)]
    error: AnyError,
) -> impl IntoView {
    let code = error.code();
    let rule = error.rule();
    let status = error.status();
    let sign_in_here = error.sign_in_here();
    // A signal, not a LocalResource: a resource read here would make an enclosing
    // <Transition> (the explorer's results) hold the whole panel back until the texts came.
    let (texts, set_texts) = signal(None::<Result<Explained, TextsUnavailable>>);
    spawn_local(async move {
        // The panel may be gone by then: nothing to show it to.
        let _ = set_texts.try_set(Some(explain(error).await));
    });
    view! {
        <section class="error-panel" role="alert" aria-live="assertive"
            aria-busy=move || texts.with(Option::is_none).then_some("true")
            data-testid=code.testid() data-error-code=code.as_str() data-error-rule=rule
            data-status=status.map(|s| s.to_string())>
            // One view for both: the texts, or the sentence that stands in for them.
            {move || {
                let x = texts.with(|t| match t {
                    Some(Ok(x)) => x.clone(),
                    loading_or_failed => generic(code, status, loading_or_failed.is_some()),
                });
                body(x, rule, sign_in_here)
            }}
        </section>
    }
}

/// The panel's content: headline, cause, details, and the remedy with its button or link.
fn body(x: Explained, rule: Option<&'static str>, sign_in_here: bool) -> impl IntoView {
    let advice = x.advice;
    let next = match x.remedy() {
        Remedy::Reload => view! {
            <p>{advice}" "
                <button type="button" class="secondary" on:click=|_| location::reload()>"Try again"</button>
            </p>
        }
        .into_any(),
        Remedy::SignIn if sign_in_here => view! {
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
        title,
        detail,
        info,
        explanation,
        ..
    } = x;
    view! {
        <h2 data-testid="error-title">{title}</h2>
        <p class="detail" data-testid="error-message">{detail}</p>
        {info.map(|i| view! { <p class="info" data-testid="error-info">{i}</p> })}
        {rule.map(|r| view! { <p class="rule">"Failed check: " <code>{r}</code></p> })}
        {explanation.map(|x| view! { <p class="explanation" data-testid="error-explanation">{x}</p> })}
        {next}
    }
}

/// What the panel says without the texts' chunk (while it loads, or when it could not be
/// downloaded): which kind of failure, and its code; the remedy's button or link without its
/// sentence.
fn generic(code: ErrorCode, status: Option<u16>, failed: bool) -> Explained {
    let (title, what) = match code.testid() {
        "api-error" => ("Domain API error", "The Domain API request failed"),
        _ => ("Sign-in error", "Sign-in or session handling failed"),
    };
    let status_text = status.map(|s| format!(", HTTP {s}")).unwrap_or_default();
    let more = if failed {
        " Its explanation is a part of this app that could not be downloaded: check your connection."
    } else {
        ""
    };
    Explained {
        code,
        title: title.to_owned(),
        detail: format!("{what} (code {code}{status_text}).{more}"),
        info: None,
        explanation: None,
        advice: "",
        rule: None,
        status,
        sign_in_here: false,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::generic;
    use crate::error::ErrorCode;

    #[test]
    fn without_its_texts_the_panel_still_names_the_failure_and_its_code() {
        let x = generic(ErrorCode::TokenRequestFailed, None, false);
        assert_eq!(x.title, "Sign-in error");
        assert_eq!(
            x.detail,
            "Sign-in or session handling failed (code token_request_failed)."
        );
        assert_eq!(x.advice, "");
        // Its remedy (and so the panel's button or link) is the code's, texts or not.
        assert_eq!(x.remedy(), ErrorCode::TokenRequestFailed.remedy());
        let x = generic(ErrorCode::ApiRateLimited, Some(429), true);
        assert_eq!(x.title, "Domain API error");
        assert!(
            x.detail
                .starts_with("The Domain API request failed (code api_rate_limited, HTTP 429). ")
                && x.detail.contains("could not be downloaded"),
            "{}",
            x.detail
        );
    }
}
