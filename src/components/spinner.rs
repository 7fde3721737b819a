//! A small progress indicator.

use leptos::prelude::*;

/// An inline spinner with a text for screen readers.
#[component]
pub fn Spinner(
    /// What is being waited for, read by screen readers.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! { <span class="spinner" role="status" aria-label=label></span> }
}
