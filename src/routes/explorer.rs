//! The Domain API explorer: query an entity set with the signed-in user's token.
//!
//! The query lives in the address bar (`?set=…&select=…&filter=…&top=…`), so the form is a
//! plain GET form, a query can be bookmarked, and after a re-sign-in (401 or expiry) the user
//! comes back to the same URL and the failed query runs again by itself.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError, Page, Query};
use crate::auth::{Auth, Phase};
use crate::components::{ErrorPanel, SignInButton, Spinner};

/// Entity sets offered in the picker; any other name can be typed.
const COMMON_SETS: &[&str] = &[
    "Crm_Customers",
    "General_Products_Products",
    "Crm_Sales_SalesOrders",
    "General_Contacts_Persons",
    "Logistics_Inventory_StoreTransactions",
];

/// Query form, results table with paging, and explained errors.
#[component]
pub fn Explorer() -> impl IntoView {
    let auth = Auth::expect();
    let session = auth.session();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| Query {
            entity_set: p.get("set").unwrap_or_default(),
            select: p.get("select").unwrap_or_default(),
            filter: p.get("filter").unwrap_or_default(),
            top: p.get("top").and_then(|t| t.trim().parse().ok()),
        })
    });
    // `Some(url)` after "Next page": the server's nextLink replaces the built URL.
    let next = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        query.track();
        // Only when set: writing None over None would refetch the same query.
        if next.get_untracked().is_some() {
            next.set(None);
        }
    });
    // The access token alone: a name arriving from userinfo must not run the query again;
    // a renewed token (refresh) does, which also retries a query a 401 stopped.
    let access_token = Memo::new(move |_| {
        session.with(|s| s.as_ref().map(|s| s.access_token.secret().to_owned()))
    });
    let results = LocalResource::new(move || {
        let q = query.get();
        let next_url = next.get();
        let token = access_token.get();
        let root = match auth.phase().get() {
            Phase::Ready(i) => Some(i.odata_root.clone()),
            _ => None,
        };
        async move {
            let (Some(token), Some(root)) = (token, root) else {
                return None;
            };
            if q.entity_set.is_empty() {
                return None;
            }
            let url = match next_url {
                Some(u) => u,
                None => match q.url(&root) {
                    Ok(u) => u.to_string(),
                    Err(e) => return Some(Err(ApiError::from(e))),
                },
            };
            match api::get_page(&url, &token).await {
                // With a refresh token, a 401 first renews the access token; the new token
                // runs this query again.
                Err(ApiError::Unauthorized) if auth.refresh_now().await => None,
                result => Some(result),
            }
        }
    });

    let field = move |name: &'static str| move || params.with(|p| p.get(name).unwrap_or_default());
    view! {
        <section class="explorer">
            <h1>"Domain API explorer"</h1>
            <Show when=move || session.with(Option::is_some) fallback=move || view! {
                {move || auth.error().get().map(|e| view! { <ErrorPanel error=e/> })}
                <p>"Sign in to query the instance's data with your own permissions."</p>
                <Show when=move || matches!(auth.phase().get(), Phase::Ready(_))><SignInButton/></Show>
            }>
                <Form method="GET" action="">
                    <div class="fields">
                        <label>"Entity set"
                            <input name="set" list="entity-sets" required prop:value=field("set") data-testid="entity-set"/>
                        </label>
                        <datalist id="entity-sets">
                            {COMMON_SETS.iter().map(|s| view! { <option value=*s></option> }).collect_view()}
                        </datalist>
                        <label>"$select" <input name="select" placeholder="Name,City" prop:value=field("select") data-testid="select"/></label>
                        <label>"$filter" <input name="filter" placeholder="City eq 'Sofia'" prop:value=field("filter") data-testid="filter"/></label>
                        <label>"$top" <input name="top" type="number" min="1" max="1000" prop:value=field("top") data-testid="top"/></label>
                        <button type="submit" class="primary" data-testid="run-query">"Run query"</button>
                    </div>
                </Form>
                <div aria-live="polite">
                    <Suspense fallback=|| view! { <p class="status"><Spinner label="Loading"/>" Loading…"</p> }>
                        {move || results.get().flatten().map(|r| match r {
                            Ok(page) => view! { <ResultTable page=page next=next/> }.into_any(),
                            Err(e) => view! { <ApiErrorPanel error=e/> }.into_any(),
                        })}
                    </Suspense>
                </div>
            </Show>
        </section>
    }
}

/// A page of rows as a table, with a "Next page" button when the server has more.
#[component]
fn ResultTable(
    /// The rows to show.
    page: Page,
    /// Set to the next page's URL to load it.
    next: RwSignal<Option<String>>,
) -> impl IntoView {
    let Page {
        columns,
        rows,
        next_link,
    } = page;
    let count = rows.len();
    let cells = move |row: &serde_json::Map<String, serde_json::Value>, columns: &[String]| {
        columns
            .iter()
            .map(|c| {
                let text = match row.get(c) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(v) => v.to_string(),
                };
                view! { <td>{text}</td> }
            })
            .collect_view()
    };
    view! {
        <p class="status" data-testid="row-count">{format!("{count} rows")}</p>
        <table class="results" data-testid="results">
            <thead><tr>{columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
            <tbody>{rows.iter().map(|r| view! { <tr>{cells(r, &columns)}</tr> }).collect_view()}</tbody>
        </table>
        {next_link.map(|link| view! {
            <button type="button" class="secondary" data-testid="next-page"
                on:click=move |_| next.set(Some(link.clone()))>"Next page"</button>
        })}
    }
}

/// A Domain API error with its meaning and, for 401, a way to sign in again.
#[component]
fn ApiErrorPanel(
    /// The error to explain.
    error: ApiError,
) -> impl IntoView {
    let code = match &error {
        ApiError::Unauthorized => "session_expired",
        _ => "api_error",
    };
    let status = match &error {
        ApiError::Unauthorized => "401".to_owned(),
        ApiError::Forbidden { .. } => "403".to_owned(),
        ApiError::OData { status, .. } => status.to_string(),
        _ => String::new(),
    };
    let sign_in = error.needs_sign_in();
    view! {
        // A rejected token is a session failure (design.md 3.2), anything else an API error.
        <section class="error-panel" role="alert" data-testid=if sign_in { "auth-error" } else { "api-error" }
            data-error-code=code data-status=status>
            <h2>{if sign_in { "Your sign-in is no longer valid" } else { "The query failed" }}</h2>
            <p class="detail">{error.to_string()}</p>
            <Show when=move || sign_in>
                <p>"Sign in again; the query will run again when you are back."</p>
                <SignInButton/>
            </Show>
        </section>
    }
}
